"""verify-batch re-prices every receipt (issue 12, item 2).

The till's own software signs a receipt whose arithmetic is wrong but
self-consistent (a bug, or a forgery with the shop's key): the record's hash,
signature and chain verify, the manifest, CSV and workbook agree with it. Only
re-pricing the record can tell.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import shopdesk.services.sales as sales
from shopdesk.domain.money import money_str
from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.domain.tax import split_gross
from shopdesk.errors import BatchError
from shopdesk.export.batch_verifier import verify_batch
from shopdesk.services.export import export_batch
from shopdesk.services.sales import issue_receipt, line_from_catalog
from tests.domain.test_repricing import resum


def export_with(shop, tmp_path: Path, monkeypatch, tamper) -> Path:  # type: ignore[no-untyped-def]
    """Export three sales, the second signed after ``tamper`` changed its body."""
    made = sales.receipt_body
    calls = [0]

    def forged(*args, **kwargs) -> dict:  # type: ignore[no-untyped-def]
        data = made(*args, **kwargs)
        calls[0] += 1
        return resum(tamper(data)) if calls[0] == 2 else data

    monkeypatch.setattr(sales, "receipt_body", forged)
    for sku in ("D001", "D002", "D003"):
        line = line_from_catalog(shop.catalog, sku, Decimal(1))
        issue_receipt(shop, SaleDraft(lines=[line], payments=[Payment("cash")]))
    return export_batch(shop, tmp_path / "out").path


def repriced(path: Path) -> BatchError:
    with pytest.raises(BatchError) as caught:
        verify_batch(path)
    assert caught.value.code == "batch.receipt_repriced", caught.value
    return caught.value


def test_a_line_amount_that_is_not_qty_times_price_fails(shop, tmp_path, monkeypatch) -> None:
    def ten_yuan(data: dict) -> dict:
        line = data["lines"][0]
        line["qty"], line["unit_price"] = "1", "9.99"
        split = split_gross(Decimal("10.00"), line["rate"])
        line["amount"], line["net"], line["tax"] = (
            "10.00",
            money_str(split.net),
            money_str(split.tax),
        )
        return data

    error = repriced(export_with(shop, tmp_path, monkeypatch, ten_yuan))
    d = error.data
    assert (d["number"], d["field"], d["expected"], d["found"]) == (
        "T01-00000002",
        "lines[1].amount",
        "9.99",
        "10.00",
    )


def test_a_tax_split_off_the_rounding_rule_fails(shop, tmp_path, monkeypatch) -> None:
    def one_fen_off(data: dict) -> dict:
        line = data["lines"][0]
        line["net"] = money_str(Decimal(line["net"]) + Decimal("0.01"))
        line["tax"] = money_str(Decimal(line["tax"]) - Decimal("0.01"))
        return data

    error = repriced(export_with(shop, tmp_path, monkeypatch, one_fen_off))
    assert (error.data["number"], error.data["field"]) == ("T01-00000002", "lines[1].net")
