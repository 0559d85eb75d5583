"""Selling, voiding and looking receipts up: the calls the CLI and the app share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from shopdesk.domain.catalog import Catalog
from shopdesk.domain.money import ZERO, money_str, parse_money
from shopdesk.domain.sale import (
    Buyer,
    DraftLine,
    PricedSale,
    SaleDraft,
    check_quantity_for_unit,
    parse_discount,
    parse_quantity,
    price_sale,
    receipt_body,
    settle,
)
from shopdesk.errors import (
    ApprovalRefused,
    InvalidInput,
    NotFound,
    Notice,
    OfflineLimitReached,
)
from shopdesk.services.approval import Approval
from shopdesk.services.clock_guard import check_before_sale
from shopdesk.services.history import with_returns
from shopdesk.services.outage import limits_for
from shopdesk.services.shop import Shop

#: ``SKU_OR_BARCODE[xQTY][@PRICE]``, e.g. ``6901939621257x2``, ``D001@3.00``, ``F003x0.512``.
ITEM_SPEC_RE = re.compile(
    r"^(?P<code>[^x@×*]+?)(?:[x×*](?P<qty>[^@]+))?(?:@(?P<price>.+))?$", re.IGNORECASE
)
MAX_REASON = 200


def receipt_number(terminal: str, rseq: int, training: bool = False, series: str = "") -> str:
    """``T01-00000042``; training receipts get their own series, ``T01-TR-00000003``.

    A till restored from a backup numbers on in a new series (``T01-R1-00000043``):
    the old till may have issued ``T01-00000043`` after that backup, and its
    record died with the disk (issue 11, item 13; ``docs/backup.md``).
    """
    prefix = f"{terminal}-{series}-" if series else f"{terminal}-"
    return f"{prefix}TR-{rseq:08d}" if training else f"{prefix}{rseq:08d}"


def next_series(series: str) -> str:
    """The series a restore starts: ``R1`` on a till never restored, then ``R2``…"""
    return f"R{int(series[1:]) + 1}" if series else "R1"


def line_from_catalog(
    catalog: Catalog, code: str, qty: Decimal = Decimal(1), price: Decimal | None = None
) -> DraftLine:
    """A draft line for a scanned barcode or typed SKU; unknown codes are an error."""
    item = catalog.find(code.strip())
    if item is None:
        broken = catalog.broken(code)
        if broken is not None:  # a bad catalog row: say which, not "unknown"
            raise InvalidInput("catalog.item_broken", item=code.strip(), **broken.error.data)
        raise InvalidInput("sale.unknown_item", value=code.strip())
    return DraftLine(
        sku=item.sku,
        barcode=item.barcode,
        name=item.name,
        spec=item.spec,
        unit=item.unit,
        tax_rate=item.tax_rate,
        tax_code=item.tax_code,
        qty=check_quantity_for_unit(qty, item.unit, item.name),
        unit_price=item.price if price is None else price,
        price_override=price is not None and price != item.price,
    )


def parse_item_spec(catalog: Catalog, spec: str) -> DraftLine:
    """One ``--item`` argument of ``shopdesk sell``."""
    match = ITEM_SPEC_RE.match(spec.strip())
    if not match:
        raise InvalidInput("sale.bad_item_spec", value=spec)
    qty = parse_quantity(match.group("qty"), "quantity") if match.group("qty") else Decimal(1)
    price = parse_money(match.group("price"), "price") if match.group("price") else None
    return line_from_catalog(catalog, match.group("code"), qty, price)


def apply_discounts(
    lines: list[DraftLine], specs: list[str]
) -> tuple[list[DraftLine], Decimal, Decimal | None]:
    """``--discount`` arguments on a sale: the lines, the sale amount and the sale percent.

    ``AMOUNT`` or ``PCT%`` is off the whole sale, ``LINE:AMOUNT`` / ``LINE:PCT%``
    off one line (1-based; a later one for the same line replaces it). Sale
    amounts add up; a sale percent cannot be combined with another sale discount
    (which would apply first is a question the cashier should not have to ask).
    """
    lines = list(lines)
    sale_amount, sale_pct, sale_count = ZERO, None, 0
    for text in specs:
        index, sep, value = text.rpartition(":")
        amount, pct = parse_discount(value)
        if sep:
            if not index.strip().isdigit() or not 1 <= int(index) <= len(lines):
                raise InvalidInput("sale.bad_item_spec", value=text)
            i = int(index) - 1
            lines[i] = replace(lines[i], discount=amount or ZERO, discount_pct=pct)
            continue
        sale_count += 1
        if pct is not None:
            sale_pct = pct
        else:
            sale_amount += amount or ZERO
        if sale_pct is not None and sale_count > 1:
            raise InvalidInput("sale.discount_twice", value=text)
    return lines, sale_amount, sale_pct


@dataclass(frozen=True)
class IssuedReceipt:
    """What a front end shows after a sale: the durable record and its figures."""

    number: str
    record: dict
    priced: PricedSale
    change: Decimal
    #: Codes + data (offline limits at 80 %/100 %…) for the
    #: front end to translate through :mod:`shopdesk.messages`.
    warnings: tuple[Notice, ...] = field(default_factory=tuple)


def approval_needed(draft: SaleDraft) -> str | None:
    """The approval a sale needs before it may be issued: ``price_override`` when a
    line is not at its catalog price, ``discount`` for any discount, else ``None``.

    The one rule for both front ends: the app asks for the PIN when the price or
    discount is typed, the CLI before it sells, and :func:`issue_receipt` refuses
    a sale without the approval either way.
    """
    if any(line.price_override for line in draft.lines):
        return "price_override"
    if draft.sale_discount or any(line.discount for line in draft.lines):
        return "discount"
    return None


def check_approval(needed: str | None, approval: Approval | None) -> None:
    """Refuse (``approval.needed``) when ``needed`` names an action nobody approved."""
    if needed is not None and approval is None:
        raise ApprovalRefused("approval.needed", action=needed)


def issue_receipt(
    shop: Shop,
    draft: SaleDraft,
    *,
    cashier: str | None = None,
    training: bool | None = None,
    clock_confirmed: bool = False,
    approval: Approval | None = None,
) -> IssuedReceipt:
    """Price, check payment, then append the signed receipt durably; nothing on error.

    Everything that can reject the sale runs before the ledger is touched, so a
    refused sale leaves no trace and takes no receipt number — including the
    offline limits when the profile blocks past 100 %. The first real sale with
    no outage open starts one (``auto``), in the same call, before the receipt.
    Training receipts are practice: they neither count towards nor are stopped by
    the offline limits, and do not start an outage. A clock behind the ledger is
    refused and one far ahead must be confirmed (``clock_confirmed``) first: see
    :func:`shopdesk.services.clock_guard.check_before_sale`. A price override or
    discount needs a manager's ``approval`` (:func:`approval_needed`); the
    receipt records who gave it as ``approved_by``.
    """
    check_approval(approval_needed(draft), approval)
    now = check_before_sale(shop, ahead_confirmed=clock_confirmed)
    training = shop.profile.training if training is None else training
    cashier = cashier or shop.profile.cashiers[0]
    if cashier not in shop.profile.cashiers:
        raise InvalidInput("sale.unknown_cashier", value=cashier)
    priced = price_sale(draft)
    check_rounding(shop, priced)
    settlement = settle(priced.total, draft.payments)
    warnings: list[Notice] = []
    if not training:
        limits = limits_for(shop, now, extra=priced.total)
        if shop.profile.limits.block and limits.exceeded:
            first = limits.exceeded[0]
            # what may still be sold before the amount limit (this sale not counted)
            room = max(limits.amount.limit - limits.amount.value + priced.total, ZERO)
            raise OfflineLimitReached(
                f"limits.blocked_{first.name}", **first.to_json(), remaining=money_str(room)
            )
        warnings.extend(limits.notices())
    view = shop.ledger.view
    rseq = (view.last_training_rseq if training else view.last_rseq) + 1
    number = receipt_number(shop.profile.terminal, rseq, training, view.series)
    body = receipt_body(
        priced,
        settlement,
        number=number,
        receipt_seq=rseq,
        cashier=cashier,
        buyer=draft.buyer,
        training=training,
    )
    if approval is not None and approval_needed(draft) is not None:
        body["approved_by"] = approval.by
    if not training and view.open_outage is None:
        shop.ledger.append("outage.started", {"note": "", "auto": True}, now)
        warnings.append(Notice("outage.auto_started", {"time": now.strftime("%Y-%m-%d %H:%M")}))
    record = shop.ledger.append("receipt.issued", body, now)
    return IssuedReceipt(number, record, priced, settlement.change, tuple(warnings))


def check_rounding(shop: Shop, priced: PricedSale) -> None:
    """抹零 within the profile's ``[sale] max_rounding`` (0.00 turns it off).

    Rounding off is a concession the cashier makes without a PIN, so the shop
    caps it; anything larger is a discount (F5 / ``--discount``) and goes
    through the manager's approval like one.
    """
    limit = shop.profile.max_rounding
    if priced.rounding > limit:
        raise InvalidInput(
            "sale.rounding_too_large", rounding=money_str(priced.rounding), limit=money_str(limit)
        )


def make_buyer(
    name: str | None, tax_id: str | None, phone: str = "", email: str = ""
) -> Buyer | None:
    """A company buyer when a name or tax id is given; both are then required."""
    if not name and not tax_id:
        return None
    if not tax_id:
        raise InvalidInput("buyer.tax_id_missing")
    return Buyer.create(name or "", tax_id, phone, email)


@dataclass(frozen=True)
class ReceiptDetail:
    record: dict
    status: dict
    events: list[dict]


def get_receipt(shop: Shop, number: str) -> ReceiptDetail:
    """The signed receipt record, its current status and every later record about it."""
    number = number.strip().upper()
    row = shop.ledger.view.get(number)
    seq = shop.ledger.view.seq_of(number)
    if row is None or seq is None:
        raise NotFound("receipt.not_found", number=number)
    months = shop.ledger.journal.months()
    start = row["time"][:7]
    events: list[dict] = []
    record: dict | None = None
    for rec in shop.ledger.records([m for m in months if m >= start]):
        if rec["seq"] == seq:
            record = rec
        elif record is not None and number in (rec["data"].get("no"), rec["data"].get("original")):
            events.append(rec)
    if record is None:  # pragma: no cover - the view and journal disagree
        raise NotFound("receipt.not_found", number=number)
    return ReceiptDetail(record, with_returns(shop.ledger.view, dict(row)), events)


def void_receipt(
    shop: Shop, number: str, *, reason: str, who: str, approval: Approval | None
) -> dict:
    """Append a void record; the receipt itself stays, marked void everywhere.

    ``who`` asked for the void; ``approval`` is the manager's yes (required:
    ``approval.needed`` without it), recorded as ``approved_by``.
    """
    check_approval("void", approval)
    assert approval is not None
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("void.reason_missing")
    if len(reason) > MAX_REASON:
        raise InvalidInput("void.reason_too_long", limit=MAX_REASON)
    number = number.strip().upper()
    row = shop.ledger.view.get(number)
    if row is None:
        raise NotFound("receipt.not_found", number=number)
    if row["status"] == "void":
        raise InvalidInput("void.already_void", number=number)
    if row["invoice"]:
        raise InvalidInput("void.already_invoiced", number=number, invoice=row["invoice"])
    returned = shop.ledger.view.returns.get(number)
    if returned:  # a void would pay back again what the refunds already did
        raise InvalidInput(
            "void.has_returns", number=number, refunds=", ".join(returned["refunds"])
        )
    return shop.ledger.append(
        "receipt.voided",
        {"no": number, "reason": reason, "by": who, "approved_by": approval.by},
        shop.now(),
    )


def is_pending(row: dict) -> bool:
    """Still waiting for an official invoice: a valid, non-training receipt without one."""
    return not row["training"] and row["status"] != "void" and not row["invoice"]


def is_calendar_date(text: str) -> bool:
    """``YYYY-MM-DD`` naming a real day: 2026-13-01 matched the pattern and listed nothing."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def list_receipts(
    shop: Shop, day: str | None = None, *, include_training: bool = True, pending: bool = False
) -> list[dict]:
    """Receipts of one day (``YYYY-MM-DD``) or all, oldest first, from the view.

    ``pending``: only those still waiting for an official invoice (see :func:`is_pending`).
    """
    if day is not None and not is_calendar_date(day):
        raise InvalidInput("list.bad_date", value=day)
    return [
        dict(row)
        for row in shop.ledger.view.iter_rows()
        if (day is None or row["day"] == day)
        and (include_training or not row["training"])
        and (not pending or is_pending(row))
    ]


def sale_total(rows: list[dict]) -> Decimal:
    return sum(
        (Decimal(r["total"]) for r in rows if r["status"] != "void" and not r["training"]), ZERO
    )
