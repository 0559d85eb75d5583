"""Percentage discounts (issue 13 item 8): converted to fen half-up, recorded, re-checked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.domain.repricing import Mismatch, reprice_receipt
from shopdesk.domain.sale import (
    DraftLine,
    Payment,
    SaleDraft,
    parse_discount,
    price_sale,
    receipt_body,
    settle,
    zhe_label,
)
from shopdesk.errors import InvalidInput


def draft(*lines: tuple[str, str, str | None], sale_pct: str | None = None) -> SaleDraft:
    """Lines of (qty, unit price, line percent or None), all at 13 %."""
    return SaleDraft(
        lines=[
            DraftLine(
                "S1",
                "商品",
                "个",
                "13",
                "1",
                Decimal(q),
                Decimal(p),
                discount_pct=None if pct is None else Decimal(pct),
            )
            for q, p, pct in lines
        ],
        sale_discount_pct=None if sale_pct is None else Decimal(sale_pct),
    )


def body(d: SaleDraft) -> dict:
    priced = price_sale(d)
    return receipt_body(
        priced,
        settle(priced.total, [Payment("cash")]),
        number="T01-1",
        receipt_seq=1,
        cashier="王",
        buyer=None,
        training=False,
    )


def test_a_line_percent_is_rounded_half_up_to_the_fen():
    # 3 × 2.35 = 7.05; 15 % = 1.0575 → 1.06 (half-up), not 1.05
    priced = price_sale(draft(("3", "2.35", "15")))
    assert priced.lines[0].own_discount == Decimal("1.06")
    assert priced.total == Decimal("5.99")


def test_a_sale_percent_is_of_the_sum_after_line_discounts():
    # lines 10.00 and 5.00 − 10 % (0.50) → 14.50; 10 % of 14.50 = 1.45
    priced = price_sale(draft(("1", "10.00", None), ("1", "5.00", "10"), sale_pct="10"))
    assert priced.sale_discount == Decimal("1.45")
    assert priced.total == Decimal("13.05")


def test_the_receipt_records_percent_and_amount_only_when_a_percent_was_given():
    data = body(draft(("1", "10.00", None), ("1", "5.00", "10"), sale_pct="10"))
    assert "percent_off" not in data["lines"][0]
    assert data["lines"][1]["percent_off"] == {"pct": "10", "amount": "0.50"}
    assert data["percent_off"] == {"pct": "10", "amount": "1.45"}
    assert reprice_receipt(data) == []
    plain = body(draft(("1", "10.00", None)))
    assert "percent_off" not in plain and "percent_off" not in plain["lines"][0]


def test_repricing_refuses_a_tampered_line_percent():
    data = body(draft(("3", "2.35", "15")))
    data["lines"][0]["percent_off"]["pct"] = "5"  # says 5 %, but 1.06 was taken
    assert reprice_receipt(data) == [Mismatch("lines[1].percent_off.amount", "0.35", "1.06")]


def test_repricing_refuses_a_tampered_sale_percent():
    data = body(draft(("1", "10.00", None), sale_pct="10"))
    data["percent_off"]["pct"] = "20"
    assert reprice_receipt(data) == [Mismatch("percent_off.amount", "2.00", "1.00")]


def test_repricing_refuses_a_percent_bigger_than_the_line_discount():
    data = body(draft(("1", "10.00", "10")))
    data["lines"][0]["percent_off"] = {"pct": "20", "amount": "2.00"}
    assert Mismatch("lines[1].percent_off.amount", "≤ 1.00", "2.00") in reprice_receipt(data)


@pytest.mark.parametrize(
    ("text", "amount", "pct"),
    [("10%", None, "10"), ("12.5%", None, "12.5"), ("0.30", "0.30", None), ("100%", None, "100")],
)
def test_parse_discount_reads_amounts_and_percents(text, amount, pct):
    got = parse_discount(text)
    assert got == (
        None if amount is None else Decimal(amount),
        None if pct is None else Decimal(pct),
    )


@pytest.mark.parametrize("text", ["0%", "101%", "-5%", "1.234%", "x%", "%"])
def test_parse_discount_refuses_bad_percents(text):
    with pytest.raises(InvalidInput) as info:
        parse_discount(text)
    assert info.value.code == "sale.bad_percent"


def test_zhe_label_is_what_the_shop_calls_it():
    assert zhe_label(Decimal("10")) == "9折"
    assert zhe_label(Decimal("15")) == "8.5折"
    assert zhe_label(Decimal("12.5")) == "8.75折"
