"""A refund's red-letter (红字) rows in ``receipts.csv`` and ``invoice-import.xlsx``.

A return (``refund.issued``) is exported so the accountant can issue the
red-letter invoice against the original's blue one. Its rows mirror a receipt's
with every quantity and amount negative, the refund number as its own key, the
original receipt number and, when the original had been reconciled before the
return, its official invoice number (the tax platform needs the blue invoice to
issue the red one). Only the refund record's own fields are used, so the writer
and the verifier build the same rows from the signed record alone.

Unit price: the platform checks 数量 × 单价 = 金额. A refund's amount is its
share of what was paid (discounts included, see :mod:`shopdesk.domain.refund`),
so the original unit price is written only when it still multiplies out; else
the cell is left empty and the platform derives it from 金额 / 数量.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from shopdesk.domain.refund import REFUND_MARK
from shopdesk.domain.tax import rate_label
from shopdesk.export import batch_format as fmt
from shopdesk.export.batch_writer import _text
from shopdesk.export.invoice_sheet import LINE_NORMAL, Cell, _rate_cell, header_cells

#: What the accountant reads in the remarks of a refund's invoice header row.
RED_MARK = "红字"


def negative(value: str) -> str:
    """``"12.30"`` → ``"-12.30"``; zero stays unsigned (``"0.00"``, ``"0"``)."""
    return value if Decimal(value) == 0 else "-" + value


def padded(rows: Iterable[list[str]]) -> Iterator[list[str]]:
    """A receipt's csv rows with the refund columns left empty (a batch with refunds)."""
    empty = [""] * len(fmt.CSV_REFUND_COLUMNS)
    for row in rows:
        yield row + empty


def refund_csv_rows(data: dict, time: str) -> Iterator[list[str]]:
    """The ``receipts.csv`` rows of one refund: one per returned line, amounts negative.

    收据序号 is the refund's own sequence (its ``RF`` series) and 行号 the line of
    the original receipt it gives back.
    """
    buyer = data.get("buyer") or {}
    for line in data["lines"]:
        yield [
            fmt.code_cell(data["no"]),
            str(data["rseq"]),
            time,
            fmt.CSV_REFUND,
            _text(data.get("cashier", "")),
            _text(buyer.get("name", "")),
            fmt.code_cell(buyer.get("tax_id", "")),
            str(line["line"]),
            fmt.code_cell(line.get("sku", "")),
            fmt.code_cell(line.get("barcode", "")),
            _text(line["name"]),
            _text(line.get("spec", "")),
            _text(line.get("unit", "")),
            negative(line["qty"]),
            line["unit_price"],
            "",
            negative(line["amount"]),
            rate_label(line["rate"]),
            fmt.code_cell(line["tax_code"]),
            negative(line["net"]),
            negative(line["tax"]),
            negative(data["total"]),
            fmt.code_cell(data["original"]),
            fmt.code_cell(data.get("original_invoice", "")),
        ]


def refund_remarks(data: dict, time: str) -> str:
    """``红字 退货 T01-RF-00000001 原收据 T01-00000042 原发票 … 2026-11-28 10:00``."""
    invoice = data.get("original_invoice") or "未对账"
    return (
        f"{RED_MARK} {REFUND_MARK} {data['no']} 原收据 {data['original']} "
        f"原发票 {invoice} {time[:10]} {time[11:16]}"
    )


def refund_header_cells(data: dict, time: str) -> dict[str, Cell]:
    """Every header-sheet field of one refund: a receipt's, with red-letter remarks and
    negative totals (the profile picks the columns)."""
    return {
        **header_cells(data, time),
        "remarks": ("str", refund_remarks(data, time)),
        "total": ("money", negative(data["total"])),
        "net": ("money", negative(data["net"])),
        "tax": ("money", negative(data["tax"])),
    }


def refund_line_cells(data: dict) -> Iterator[dict[str, Cell]]:
    """Every line-sheet field of one refund's rows: one normal (红字) row per line."""
    for line in data["lines"]:
        price = line["unit_price"]
        if Decimal(line["qty"]) * Decimal(price) != Decimal(line["amount"]):
            price = ""
        yield {
            "serial": ("str", data["no"]),
            "line_kind": ("str", LINE_NORMAL),
            "item_name": ("str", line["name"]),
            "tax_code": ("str", line["tax_code"]),
            "spec": ("str", line.get("spec", "")),
            "unit": ("str", line.get("unit", "")),
            "qty": ("qty", negative(line["qty"])),
            "unit_price": ("money", price),
            "amount": ("money", negative(line["amount"])),
            "tax_rate": _rate_cell(line["rate"]),
            "tax": ("money", negative(line["tax"])),
            "net": ("money", negative(line["net"])),
            "discount": ("money", ""),
            "barcode": ("str", line.get("barcode", "")),
            "sku": ("str", line.get("sku", "")),
        }


def refund_sheet_rows(
    data: dict, time: str, header_fields: list[str], line_fields: list[str]
) -> tuple[list[Cell], list[list[Cell]]]:
    """One refund's header-sheet row and line-sheet rows, in the profile's columns."""
    header = refund_header_cells(data, time)
    return [header[f] for f in header_fields], [
        [row[f] for f in line_fields] for row in refund_line_cells(data)
    ]
