"""Day figures for X/Z reports: sums per rate and method, voids, training, the drawer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopdesk.domain.money import ZERO
from shopdesk.domain.reports import DayFigures, summarize_day
from shopdesk.domain.sale import (
    PAYMENT_METHODS,
    DraftLine,
    Payment,
    SaleDraft,
    price_sale,
    receipt_body,
    settle,
)
from shopdesk.domain.tax import RATE_ORDER


def body(
    lines: list[tuple[str, str, str]],
    payments: list[Payment] | None = None,
    *,
    training: bool = False,
    no: str = "T01-00000001",
) -> dict:
    """A real receipt body from (price, qty, rate) lines, priced by the domain."""
    draft = SaleDraft(
        lines=[
            DraftLine(f"S{i}", f"item {i}", "个", rate, "1" * 19, Decimal(qty), Decimal(price))
            for i, (price, qty, rate) in enumerate(lines)
        ],
        payments=payments or [],
    )
    priced = price_sale(draft)
    return receipt_body(
        priced,
        settle(priced.total, draft.payments),
        number=no,
        receipt_seq=1,
        cashier="王芳",
        buyer=None,
        training=training,
    )


def test_an_empty_day_is_all_zero_with_the_float_in_the_drawer() -> None:
    f = summarize_day([], [], opening_float=Decimal("200.00"))
    assert (f.receipts, f.voids, f.training) == (0, 0, 0)
    assert f.gross == ZERO and f.by_rate == {} and f.by_method == {}
    assert f.cash_expected == Decimal("200.00")


def test_cash_in_is_tendered_minus_change() -> None:
    # 3 × 3.00 at 13 % = 9.00; paid 20 cash + nothing else → 11.00 change
    f = summarize_day([body([("3.00", "3", "13")], [Payment("cash", Decimal("20"))])], [])
    assert f.by_method == {"cash": Decimal("9.00")}
    assert f.cash_expected == Decimal("9.00")


def test_split_payment_and_rates() -> None:
    b = body(
        [("12.98", "1", "9"), ("3.00", "2", "13"), ("7.98", "1", "exempt")],
        [Payment("wechat", Decimal("10.00")), Payment("cash", Decimal("50"))],
    )
    f = summarize_day([b], [], opening_float=Decimal("100.00"))
    assert f.gross == Decimal("26.96")
    assert list(f.by_rate) == ["13", "9", "exempt"]
    assert f.by_rate["9"].gross == Decimal("12.98")
    assert f.by_rate["9"].net == Decimal("11.91")  # 12.98 / 1.09 = 11.908…
    assert f.by_rate["9"].tax == Decimal("1.07")
    assert f.by_rate["exempt"].tax == ZERO
    assert f.by_method == {"cash": Decimal("16.96"), "wechat": Decimal("10.00")}
    assert f.cash_expected == Decimal("116.96")


def test_voids_of_the_day_subtract_and_training_is_never_counted() -> None:
    a = body([("3.00", "1", "13")], [Payment("alipay")], no="T01-00000001")
    b = body([("5.00", "2", "9")], [Payment("cash", Decimal("20"))], no="T01-00000002")
    t = body([("99.00", "1", "13")], [Payment("cash")], training=True, no="T01-TR-00000001")
    f = summarize_day([a, b, t], [b, t])
    assert (f.receipts, f.voids, f.training) == (2, 1, 1)
    assert f.sales == Decimal("13.00")
    assert f.voided == Decimal("10.00")
    assert f.gross == Decimal("3.00")
    assert f.by_method == {"cash": ZERO, "alipay": Decimal("3.00")}
    assert f.by_rate["9"].gross == ZERO
    assert f.net + f.tax == f.gross


def test_a_void_of_an_earlier_day_makes_the_day_negative() -> None:
    old = body([("5.00", "1", "13")], [Payment("cash")])
    f = summarize_day([], [old])
    assert f.gross == Decimal("-5.00")
    assert f.cash_in == Decimal("-5.00")


def test_figures_serialise_as_two_decimal_strings() -> None:
    f = summarize_day([body([("3.00", "1", "13")])], [], opening_float=Decimal("50"))
    j = f.to_json()
    assert j["gross"] == "3.00"
    assert j["by_rate"] == {"13": {"gross": "3.00", "net": "2.65", "tax": "0.35"}}
    assert j["cash_expected"] == "53.00"


# ----- properties -------------------------------------------------------------

prices = st.decimals(min_value="0.01", max_value="500.00", places=2)
quantities = st.integers(min_value=1, max_value=20).map(str)
rates = st.sampled_from(RATE_ORDER)
lines_st = st.lists(st.tuples(prices.map(str), quantities, rates), min_size=1, max_size=5)


@st.composite
def receipts(draw: st.DrawFn) -> dict:
    lines = draw(lines_st)
    draft = SaleDraft(
        lines=[
            DraftLine(f"S{i}", "x", "个", r, "1" * 19, Decimal(q), Decimal(p))
            for i, (p, q, r) in enumerate(lines)
        ]
    )
    total = price_sale(draft).total
    method = draw(st.sampled_from(PAYMENT_METHODS))
    if method == "cash":
        extra = draw(st.decimals(min_value=0, max_value=100, places=2))
        payments = [Payment("cash", total + extra)]
    else:
        part = draw(st.decimals(min_value=0, max_value=total, places=2))
        payments = [Payment(method, part), Payment("cash")]
    return body(lines, payments, training=draw(st.booleans()))


@settings(max_examples=60, deadline=None)
@given(st.lists(receipts(), max_size=12), st.data())
def test_totals_add_up(issued: list[dict], data: st.DataObject) -> None:
    voided = data.draw(st.lists(st.sampled_from(issued), unique_by=id) if issued else st.just([]))
    f = summarize_day(issued, voided, opening_float=Decimal("88.00"))
    real = [b for b in issued if not b["training"]]
    real_voided = [b for b in voided if not b["training"]]
    assert f.receipts == len(real)
    assert f.voids == len(real_voided)
    assert f.training == len(issued) - len(real)
    assert f.gross == f.sales - f.voided
    assert f.sales == sum((Decimal(b["total"]) for b in real), ZERO)
    # per rate sums to the total, and net + tax = gross per rate and overall
    assert sum((r.gross for r in f.by_rate.values()), ZERO) == f.gross
    assert sum((r.net for r in f.by_rate.values()), ZERO) == f.net
    assert sum((r.tax for r in f.by_rate.values()), ZERO) == f.tax
    assert f.net + f.tax == f.gross
    assert all(r.net + r.tax == r.gross for r in f.by_rate.values())
    # per payment method sums to the gross: change only ever leaves as cash
    assert sum(f.by_method.values(), ZERO) == f.gross
    assert f.cash_expected == Decimal("88.00") + f.by_method.get("cash", ZERO)
    # what a day.closed record holds reads back to the same figures (Z reprints)
    assert DayFigures.from_json(f.to_json()) == f
    # voiding everything real leaves nothing
    if set(map(id, real)) <= set(map(id, voided)):
        assert f.gross == ZERO


@given(st.decimals(min_value="-99999999.99", max_value="99999999.99", places=2))
def test_amount_strings_read_as_exact_fen(value: Decimal) -> None:
    from shopdesk.domain.money import money_str, to_fen
    from shopdesk.domain.reports import _fen

    assert _fen(money_str(value)) == to_fen(value)
    assert _fen(str(value)) == to_fen(value)  # any other spelling goes through Decimal


def test_a_drawer_count_by_denomination_or_total() -> None:
    from shopdesk.domain.reports import CashCount, count_from_text, parse_count
    from shopdesk.errors import InvalidInput

    count = parse_count(["100x3", "50x1", "0.5x4", "0.1x3", "100x1"])
    assert count.total == Decimal("452.30")
    assert count.to_json(Decimal("450.00")) == {
        "counted": "452.30",
        "over_short": "2.30",
        "count": {"100": 4, "50": 1, "0.5": 4, "0.1": 3},
    }
    assert count_from_text("1234.5") == CashCount(Decimal("1234.50"))
    assert count_from_text("100x2, 1x5").total == Decimal("205.00")
    assert CashCount(Decimal("10")).over_short(Decimal("12.50")) == Decimal("-2.50")
    for bad in (["3x100"], ["2x"], ["100"], ["100x-1"], ["sNaNx1"]):
        with pytest.raises(InvalidInput) as exc:
            parse_count(bad)
        assert exc.value.code == "report.bad_count"
