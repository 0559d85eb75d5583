"""Pricing a sale: discounts spread exactly, tax per line, payments checked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.money import ZERO, from_fen
from shopdesk.domain.sale import (
    DraftLine,
    Payment,
    SaleDraft,
    parse_payment,
    parse_quantity,
    price_sale,
    settle,
)
from shopdesk.domain.tax import RATES
from shopdesk.errors import InvalidInput


def line(price: str, qty: str = "1", rate: str = "13", discount: str = "0") -> DraftLine:
    return DraftLine(
        sku="X",
        name="测试",
        unit="个",
        tax_rate=rate,
        tax_code="1" * 19,
        qty=Decimal(qty),
        unit_price=Decimal(price),
        discount=Decimal(discount),
    )


lines_st = st.lists(
    st.builds(
        lambda p, q, r, d: line(str(from_fen(p)), str(q), r, "0"),
        st.integers(1, 100_000),
        st.integers(1, 20),
        st.sampled_from(sorted(RATES)),
        st.just(0),
    ),
    min_size=1,
    max_size=12,
)


@given(lines_st, st.integers(0, 10**6))
def test_totals_add_up_for_any_sale(lines: list[DraftLine], discount_fen: int) -> None:
    gross = sum(x.qty * x.unit_price for x in lines)
    discount = from_fen(min(discount_fen, int(gross * 100)))
    priced = price_sale(SaleDraft(lines=lines, sale_discount=discount))
    assert priced.total == gross - discount
    assert priced.net + priced.tax == priced.total
    assert sum(p.amount for p in priced.lines) == priced.total
    assert all(p.net + p.tax == p.amount and p.amount >= 0 for p in priced.lines)
    assert sum(t.gross for t in priced.by_rate.values()) == priced.total
    assert sum(t.tax for t in priced.by_rate.values()) == priced.tax
    assert priced.discount == discount


def test_sale_discount_is_spread_by_largest_remainder() -> None:
    priced = price_sale(
        SaleDraft(lines=[line("1.00"), line("1.00"), line("1.00")], sale_discount=Decimal("0.10"))
    )
    assert [p.discount for p in priced.lines] == [Decimal("0.04"), Decimal("0.03"), Decimal("0.03")]


def test_line_discount_and_mixed_rates() -> None:
    priced = price_sale(SaleDraft(lines=[line("3.50", "2", "13", "1.00"), line("10.90", "1", "9")]))
    assert priced.total == Decimal("16.90")
    assert priced.by_rate["13"].gross == Decimal("6.00")
    assert priced.by_rate["9"].tax == Decimal("0.90")


@pytest.mark.parametrize(
    ("draft", "code"),
    [
        (SaleDraft(), "sale.empty"),
        (SaleDraft(lines=[line("1.00", discount="2.00")]), "sale.bad_line_discount"),
        (SaleDraft(lines=[line("1.00")], sale_discount=Decimal("1.01")), "sale.bad_sale_discount"),
    ],
)
def test_bad_drafts_are_refused(draft: SaleDraft, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        price_sale(draft)
    assert err.value.code == code


def test_cash_gives_change_and_exact_default() -> None:
    s = settle(Decimal("13.50"), [Payment("cash", Decimal("50"))])
    assert s.change == Decimal("36.50")
    assert settle(Decimal("13.50"), []).payments == (("cash", Decimal("13.50")),)


def test_split_payment_with_open_remainder() -> None:
    s = settle(Decimal("100.00"), [Payment("wechat", Decimal("60")), Payment("cash")])
    assert (
        s.payments == (("wechat", Decimal("60.00")), ("cash", Decimal("40.00")))
        and s.change == ZERO
    )


@pytest.mark.parametrize(
    ("payments", "code"),
    [
        ([Payment("cash", Decimal("10"))], "sale.underpaid"),
        ([Payment("card", Decimal("20"))], "payment.overpaid_noncash"),
        ([Payment("card"), Payment("cash")], "payment.several_open"),
    ],
)
def test_bad_payments(payments: list[Payment], code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        settle(Decimal("13.50"), payments)
    assert err.value.code == code


def test_unknown_payment_method() -> None:
    with pytest.raises(InvalidInput):
        parse_payment("bitcoin:1")


@pytest.mark.parametrize("text", ["0", "-1", "abc", "1.0001", "NaN", "sNaN", "100000", "Infinity"])
def test_bad_quantities(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_quantity(text)


def test_weighed_quantity_to_the_gram() -> None:
    assert parse_quantity("0.512") == Decimal("0.512")
    assert str(parse_quantity("2.000")) == "2"
