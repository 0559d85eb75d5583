"""A receipt or report as lines of printer cells: what goes on the paper, not how.

Pure: a stored receipt record (and the shop profile) in, a list of blocks out.
:mod:`shopdesk.printing.escpos_out` turns the blocks into ESC/POS bytes in either
text mode; the preview renders the same blocks to PNG. Every :class:`Line`
already fits the paper — ``text_cells(line.text) <= cells`` — and every amount
column is right-aligned to the last cell, so both text modes print the same
columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from shopdesk.config import MANAGER
from shopdesk.domain.capitals import amount_in_capitals
from shopdesk.domain.money import format_yuan
from shopdesk.domain.sale import zhe_label
from shopdesk.domain.tax import RATE_ORDER, rate_label
from shopdesk.messages import MESSAGES, message
from shopdesk.printing.cells import (
    center,
    cut_to_cells,
    pad_left,
    pad_right,
    sanitize,
    text_cells,
    wrap,
)

#: Font A is 12×24 dots: cells across the paper for each printable width in dots.
CELLS_58MM = 32  # 384 dots
CELLS_80MM_512 = 42  # 512 dots
CELLS_80MM = 48  # 576 dots
CELL_DOTS = 12
CELLS_BY_DOTS = {384: CELLS_58MM, 512: CELLS_80MM_512, 576: CELLS_80MM}

#: Line styles. A banner is printed bold, reversed (white on black) and double
#: height — double *width* would halve the cells, so it is never used.
NORMAL, BOLD, BANNER = "normal", "bold", "banner"


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line; ``text`` is sanitised and at most the paper's cells wide."""

    text: str
    style: str = NORMAL


@dataclass(frozen=True, slots=True)
class QrBlock:
    """A QR code, centred; ``payload`` is exactly what a scanner must read."""

    payload: str


Block = Line | QrBlock


# ----- words -----------------------------------------------------------------


def _percent(w: Words, percent_off: dict | None) -> str:
    """`` 9折`` / `` 10%`` after a discount label, or nothing for an amount discount."""
    if not percent_off:
        return ""
    pct = Decimal(percent_off["pct"])
    return " " + w("percent_off", zhe=zhe_label(pct), pct=percent_off["pct"])


class Words:
    """Labels in the receipt's language: ``zh``, ``en`` or both (``zh+en``).

    The words are the ``receipt.w.*`` message codes, so a receipt in a third
    language needs only its catalog.
    """

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, key: str, **data: Any) -> str:
        return " ".join(self.each(key, **data))

    def each(self, key: str, **data: Any) -> list[str]:
        """The label once per language, for banners that get a line per language."""
        return [message(f"receipt.w.{key}", lang, **data) for lang in self.language.split("+")]

    def labelled(self, key: str, value: str) -> str:
        """``label: value``, joined as the last language writes it (Chinese: ``：``)."""
        last = self.language.split("+")[-1]
        return message("receipt.w.labelled", last, label=self(key), value=value)

    def person(self, name: str) -> str:
        """Who approved: a shop without [[people]] records ``manager``, printed as 店长."""
        return self("manager") if name == MANAGER else name

    def method(self, name: str) -> str:
        """A payment method's label; a method we have no words for prints as recorded."""
        return self(name) if f"receipt.w.{name}" in MESSAGES else name


# ----- building blocks -------------------------------------------------------


class Sheet:
    """Collects lines for one paper width; every helper keeps lines within ``cells``."""

    def __init__(self, cells: int) -> None:
        self.cells = cells
        self.blocks: list[Block] = []

    def line(self, text: str = "", style: str = NORMAL) -> None:
        head, _ = cut_to_cells(text, self.cells)
        self.blocks.append(Line(head.rstrip(), style))

    def wrapped(self, text: str, style: str = NORMAL, indent: int = 0) -> None:
        for part in wrap(text, self.cells - indent):
            self.line(" " * indent + part, style)

    def centered(self, text: str, style: str = NORMAL) -> None:
        for part in wrap(text, self.cells):
            self.line(center(part, self.cells), style)

    def rule(self, char: str = "-") -> None:
        self.line(char * self.cells)

    def pair(self, label: str, value: str, style: str = NORMAL) -> None:
        """``label`` on the left, ``value`` right-aligned to the last cell.

        When both don't fit on one line the label wraps above and the value keeps
        its right-aligned place on the last line, so amounts always line up. A
        value so wide that the label's column beside it would be narrower than
        half the paper goes on a line of its own below the label instead: a
        one-cell column printed a label a letter a line, or, for a Hanzi label,
        looped forever (issue 10, a 30-cell cashier name on 32-cell paper).
        """
        label = sanitize(label)
        indent = len(label) - len(label.lstrip(" "))
        label = " " * indent + " ".join(label.split())
        value = sanitize(value).strip()
        if text_cells(value) > self.cells:
            self.wrapped(label + " " + value, style)
            return
        room = self.cells - text_cells(value) - 1
        beside = text_cells(label) <= room or room - indent >= self.cells // 2
        parts = [" " * indent + p for p in wrap(label, room - indent)] if beside else []
        if not parts or text_cells(parts[-1]) > room:
            for part in wrap(label, self.cells):
                self.line(part, style)
            self.line(pad_left(value, self.cells), style)
            return
        for part in parts[:-1]:
            self.line(part, style)
        self.line(pad_right(parts[-1], self.cells - text_cells(value)) + value, style)

    def columns(self, values: Sequence[str], widths: Sequence[int]) -> None:
        """A table row: the first column left-aligned, the others right-aligned."""
        out = []
        for index, (value, width) in enumerate(zip(values, widths, strict=True)):
            value, _ = cut_to_cells(sanitize(value), width)
            out.append(pad_right(value, width) if index == 0 else pad_left(value, width))
        self.line("".join(out))

    def banner(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.centered(text, BANNER)

    def qr(self, payload: str) -> None:
        self.blocks.append(QrBlock(payload))


def _money(text: str | Decimal) -> str:
    return format_yuan(Decimal(text))


def _display_time(iso: str) -> str:
    """``2026-11-28 12:34:56`` from the record's ISO time (already in the shop's zone)."""
    return iso[:19].replace("T", " ")


# ----- the receipt -----------------------------------------------------------


@dataclass(frozen=True)
class ShopHeader:
    """The shop facts a receipt prints; taken from the profile by the caller."""

    name: str
    uscc: str
    address: str = ""
    phone: str = ""
    footer: str = ""
    language: str = "zh"

    @classmethod
    def from_profile(cls, profile: Any) -> ShopHeader:
        return cls(
            name=profile.shop_name,
            uscc=profile.uscc,
            address=profile.address,
            phone=profile.phone,
            footer=profile.footer,
            language=profile.receipt_language,
        )


def layout_receipt(
    record: dict,
    shop: ShopHeader,
    cells: int,
    *,
    qr: str | None = None,
    copy: int = 0,
    void_reason: str | None = None,
) -> list[Block]:
    """Everything a customer sees on a provisional receipt, for a paper ``cells`` wide.

    ``record`` is the stored ``receipt.issued`` record; ``copy`` > 0 marks a
    reprint (重印 / COPY n); ``void_reason`` marks a voided receipt.
    """
    d = record["data"]
    w = Words(shop.language)
    s = Sheet(cells)
    training = bool(d.get("training"))

    if training:
        s.banner(w.each("training"))
    if void_reason is not None:
        s.banner(w.each("void"))
    if copy:
        s.centered(w("copy", n=copy), BOLD)

    s.centered(shop.name, BOLD)
    s.centered(f"{w('uscc')} {shop.uscc}")
    if shop.address:
        s.centered(shop.address)
    if shop.phone:
        s.centered(f"{w('phone')} {shop.phone}")

    s.rule("=")
    s.banner(w.each("banner"))
    for text in w.each("notice"):
        s.wrapped(text)
    s.rule("=")

    _record_head(s, w, record)

    for line in d["lines"]:
        spec = line.get("spec") or ""
        name = line["name"] + (f" {spec}" if spec and spec not in line["name"] else "")
        s.pair(name, rate_label(line["rate"]))
        unit = f"/{line['unit']}" if line.get("unit") else ""
        detail = f"  {line['qty']} × {_money(line['unit_price'])}{unit}"
        gross = Decimal(line["amount"]) + Decimal(line.get("discount", "0"))
        s.pair(detail, _money(gross))
        # a line's discount includes its share of any sale discount (see domain.sale)
        if Decimal(line.get("discount", "0")) > 0:
            label = f"  {w('discount')}{_percent(w, line.get('percent_off'))}"
            s.pair(label, "-" + _money(line["discount"]))
    s.rule()
    if "percent_off" in d:  # a percent off the whole sale (already in the lines' discounts)
        label = f"{w('sale_discount')}{_percent(w, d['percent_off'])}"
        s.pair(label, "-" + _money(d["percent_off"]["amount"]))
    if "rounding" in d:  # 抹零, also already spread over the lines' discounts
        s.pair(w("rounding"), "-" + _money(d["rounding"]))

    _rate_table(s, w, d.get("by_rate", {}))
    s.rule()
    s.pair(w("total"), _money(d["total"]), BOLD)
    s.wrapped(f"{w('capitals')} {amount_in_capitals(Decimal(d['total']))}")
    for payment in d.get("payments", []):
        method = payment["method"]
        s.pair(w.method(method), _money(payment["amount"]))
    if Decimal(d.get("change", "0")) > 0:
        s.pair(w("change"), _money(d["change"]))

    buyer = d.get("buyer")
    if buyer:
        s.rule()
        s.wrapped(f"{w('buyer')} {buyer.get('name', '')}")
        s.pair(w("buyer_tax_id"), buyer.get("tax_id", ""))

    if void_reason is not None:
        s.rule()
        s.wrapped(w.labelled("void_reason", void_reason), BOLD)

    if qr:
        s.rule()
        s.centered(w("scan"))
        s.qr(qr)
    if shop.footer:
        s.rule()
        s.wrapped(shop.footer)
    if copy:
        s.centered(w("copy", n=copy), BOLD)
    if training:
        s.banner(w.each("training"))
    return s.blocks


def _record_head(s: Sheet, w: Words, record: dict, original: str = "") -> None:
    """Number (and a refund's original), time, terminal and cashier, then a rule."""
    s.pair(w("number"), record["data"]["no"])
    if original:
        s.pair(w("original"), original)
    s.pair(w("time"), _display_time(record["time"]))
    s.pair(w("terminal"), record.get("terminal", ""))
    s.pair(w("cashier"), record["data"].get("cashier", ""))
    s.rule()


def layout_refund(record: dict, shop: ShopHeader, cells: int) -> list[Block]:
    """A refund receipt (``refund.issued``): marked 退货 at both ends, every amount negative.

    No QR: the receipt QR (docs/qr.md) says "a sale that stands" and
    ``verify-qr`` checks that; a refund is checked by its number in the
    ledger (``shopdesk show``) and in the batch the accountant gets.
    """
    d = record["data"]
    w = Words(shop.language)
    s = Sheet(cells)
    s.banner(w.each("refund"))
    s.centered(shop.name, BOLD)
    s.centered(f"{w('uscc')} {shop.uscc}")
    s.rule("=")
    _record_head(s, w, record, original=d["original"])
    for line in d["lines"]:
        s.pair(f"{line['line']}. {line['name']}", rate_label(line["rate"]))
        s.pair(f"  -{line['qty']} × {_money(line['unit_price'])}", "-" + _money(line["amount"]))
    s.rule()
    _rate_table(s, w, d["by_rate"], sign="-")
    s.rule()
    s.pair(w("refund_total"), "-" + _money(d["total"]), BOLD)
    s.wrapped(f"{w('capitals')} 负{amount_in_capitals(Decimal(d['total']))}")
    for payment in d["payments"]:
        method = payment["method"]
        s.pair(w.method(method), "-" + _money(payment["amount"]))
    s.rule()
    s.wrapped(w.labelled("reason", d["reason"]))
    s.pair(w("approved_by"), w.person(d.get("approved_by", "")))
    s.banner(w.each("refund"))
    return s.blocks


def _rate_table(s: Sheet, w: Words, by_rate: dict, sign: str = "") -> None:
    """Net and tax per VAT rate, as three right-aligned columns (``sign``: ``-`` on a refund)."""
    rates = [r for r in RATE_ORDER if r in by_rate] + sorted(set(by_rate) - set(RATE_ORDER))
    if not rates:
        return
    first = max(6, text_cells(sanitize(w("rate"))) + 1)
    rest = s.cells - first
    widths = (first, rest - rest // 2, rest // 2)
    s.columns((w("rate"), w("net"), w("tax")), widths)
    for rate in rates:
        figures = by_rate[rate]
        net, tax = sign + _money(figures["net"]), sign + _money(figures["tax"])
        s.columns((rate_label(rate), net, tax), widths)


# ----- reports ---------------------------------------------------------------


def _signed_yuan(value: Decimal) -> str:
    """``￥1,203.05``, or ``-￥12.50`` for a negative figure (a day of voids)."""
    return "-" + format_yuan(-value) if value < 0 else format_yuan(value)


def _report_value(value: Any) -> str:
    """Amount strings (``"12.50"``, ``"-3.00"``) and Decimals print as ￥; counts and text as they are."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _signed_yuan(value)
    if isinstance(value, str) and "." in value:
        try:
            return _signed_yuan(Decimal(value.replace(",", "")))
        except InvalidOperation:
            return value
    return str(value)


def layout_report(report: dict, cells: int, *, header: ShopHeader | None = None) -> list[Block]:
    """An X or Z report (or any figure sheet) from a plain dict, for a paper ``cells`` wide.

    Shape, all keys but ``title`` optional::

        {"title": "Z 报表 / Z REPORT",
         "info": [["终端", "T01"], ["日期", "2026-11-28"]],
         "sections": [{"title": "按税率", "rows": [["13%", "120.00"], ["笔数", 12]]}],
         "note": "free text at the end",
         "training": False}

    Row values that are amount strings (with a decimal point) or Decimals print
    as ``￥1,234.50`` (``-￥12.50`` when negative) right-aligned; integers and
    other text right-aligned as is; a one-element row is a line of text.
    """
    s = Sheet(cells)
    if report.get("training"):
        s.banner(Words(header.language if header else "zh+en").each("training"))
    if header is not None:
        s.centered(header.name, BOLD)
        s.centered(f"{Words(header.language)('uscc')} {header.uscc}")
    s.rule("=")
    s.banner([str(report.get("title", ""))])
    s.rule("=")
    for label, value in report.get("info", []):
        s.pair(str(label), _report_value(value))
    for section in report.get("sections", []):
        s.rule()
        if section.get("title"):
            s.centered(str(section["title"]), BOLD)
        for row in section.get("rows", []):
            if len(row) == 1:  # a line of text on its own
                s.wrapped(str(row[0]))
                continue
            s.pair(str(row[0]), _report_value(row[1]))
    if report.get("note"):
        s.rule()
        s.wrapped(str(report["note"]))
    return s.blocks


def cells_for(dots: int) -> int:
    """Cells across a paper printing ``dots`` dots (Font A, 12 dots a cell)."""
    return CELLS_BY_DOTS.get(dots, dots // CELL_DOTS)


def block_texts(blocks: Iterable[Block]) -> list[str]:
    """The text lines of a layout (QR blocks left out): handy for previews and tests."""
    return [b.text for b in blocks if isinstance(b, Line)]
