"""抹零 (issue 13 item 8): the amount due rounded down to the jiao or yuan, recorded, re-checked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.domain.reports import summarize_day
from shopdesk.domain.repricing import Mismatch, reprice_receipt
from shopdesk.domain.sale import DraftLine, SaleDraft, price_sale
from shopdesk.errors import InvalidInput
from tests.domain.test_percent_discount import body


def draft(round_off: str, *prices: str, discount: str = "0") -> SaleDraft:
    return SaleDraft(
        lines=[
            DraftLine("S1", "商品", "个", rate, "1", Decimal(1), Decimal(p))
            for p, rate in zip(prices, ("13", "9", "13"), strict=False)
        ],
        sale_discount=Decimal(discount),
        round_off=round_off,
    )


def test_round_off_to_the_yuan_and_the_jiao():
    yuan = price_sale(draft("yuan", "10.00", "2.34"))
    assert (yuan.rounding, yuan.total, yuan.discount) == (
        Decimal("0.34"),
        Decimal("12.00"),
        Decimal("0.34"),
    )
    jiao = price_sale(draft("jiao", "10.00", "2.34"))
    assert (jiao.rounding, jiao.total) == (Decimal("0.04"), Decimal("12.30"))
    assert price_sale(draft("", "10.00", "2.34")).rounding == 0


def test_rounding_is_spread_over_the_lines_so_each_line_still_adds_up():
    priced = price_sale(draft("yuan", "10.00", "2.34", discount="0.50"))
    assert priced.total == Decimal("11.00") and priced.rounding == Decimal("0.84")
    assert sum(p.amount for p in priced.lines) == priced.total
    assert all(p.net + p.tax == p.amount for p in priced.lines)


def test_the_receipt_records_rounding_only_when_there_is_some():
    data = body(draft("yuan", "10.00", "2.30"))
    assert data["rounding"] == "0.30" and data["total"] == "12.00"
    assert reprice_receipt(data) == []
    assert "rounding" not in body(draft("yuan", "12.00"))
    assert "rounding" not in body(draft("", "10.00", "2.30"))


def test_repricing_refuses_rounding_that_rounds_to_nothing():
    data = body(draft("yuan", "10.00", "2.30"))
    data["rounding"] = "1.30"  # more than a yuan of 'small change'
    assert reprice_receipt(data) == [Mismatch("rounding", "< 1.00", "1.30")]
    data = body(draft("jiao", "10.00", "2.34"))  # 12.30
    data["rounding"] = "0.14"
    assert reprice_receipt(data) == [Mismatch("rounding", "< 0.10", "0.14")]


def test_an_unknown_round_off_mode_is_refused():
    with pytest.raises(InvalidInput) as info:
        price_sale(draft("fen", "1.00"))
    assert info.value.code == "sale.bad_round_off"


def test_day_figures_count_the_rounding_and_take_a_void_back_out():
    a, b = body(draft("yuan", "10.00", "2.30")), body(draft("jiao", "1.05"))
    day = summarize_day([a, b], [b])
    assert day.rounding == Decimal("0.30") and day.to_json()["rounding"] == "0.30"
    assert "rounding" not in summarize_day([body(draft("", "1.00"))], []).to_json()


def test_a_sale_percent_and_rounding_together_reprice():
    d = draft("yuan", "10.00", "2.35")
    d.sale_discount_pct = Decimal("10")  # 12.35 − 1.24 = 11.11 → 11.00
    data = body(d)
    assert (data["percent_off"]["amount"], data["rounding"], data["total"]) == (
        "1.24",
        "0.11",
        "11.00",
    )
    assert reprice_receipt(data) == []
