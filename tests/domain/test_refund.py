"""Pricing a return from the original receipt: partial returns add up, never more than sold."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.refund import (
    ReturnLine,
    pay_back,
    refund_lines,
    refund_problem,
    refund_totals,
)
from shopdesk.domain.sale import DraftLine, Payment, SaleDraft, price_sale, receipt_body, settle
from shopdesk.errors import InvalidInput


def sold(lines: list[tuple[str, str, str]], sale_discount: str = "0", payments=None) -> dict:
    """A receipt's data for lines of (unit price, qty, rate)."""
    draft = SaleDraft(
        lines=[
            DraftLine("S", "货", "个", rate, "1" * 19, Decimal(qty), Decimal(price))
            for price, qty, rate in lines
        ],
        sale_discount=Decimal(sale_discount),
        payments=payments or [],
    )
    priced = price_sale(draft)
    return receipt_body(
        priced,
        settle(priced.total, draft.payments),
        number="T01-00000001",
        receipt_seq=1,
        cashier="c",
        buyer=None,
        training=False,
    )


def test_full_return_gives_back_exactly_what_was_paid() -> None:
    original = sold([("3.33", "3", "13"), ("1.99", "1.235", "exempt")], sale_discount="1.00")
    lines = refund_lines(original, [ReturnLine(1, Decimal(3)), ReturnLine(2, Decimal("1.235"))], {})
    for back, line in zip(lines, original["lines"], strict=True):
        assert (back["amount"], back["net"], back["tax"]) == (
            line["amount"],
            line["net"],
            line["tax"],
        )
    assert refund_totals(lines)["total"] == original["total"]


@given(st.integers(10, 99_999), st.integers(2, 12), st.sampled_from(["13", "9", "6", "exempt"]))
def test_partial_returns_one_at_a_time_add_up_to_the_line(price: int, qty: int, rate: str) -> None:
    original = sold([(str(Decimal(price) / 100), str(qty), rate)], sale_discount="0.07")
    returned: dict[int, Decimal] = {}
    sums = [Decimal(0)] * 3
    for _ in range(qty):
        (back,) = refund_lines(original, [ReturnLine(1, Decimal(1))], returned)
        returned[1] = returned.get(1, Decimal(0)) + 1
        sums = [s + Decimal(back[k]) for s, k in zip(sums, ("amount", "net", "tax"), strict=True)]
        assert (
            refund_problem(
                dict(
                    refund_totals([back]),
                    lines=[back],
                    payments=[{"method": "cash", "amount": back["amount"]}],
                )
            )
            is None
        )
    line = original["lines"][0]
    assert [str(s) for s in sums] == [line["amount"], line["net"], line["tax"]]


def test_more_than_sold_is_refused_also_after_an_earlier_return() -> None:
    original = sold([("5.00", "2", "13")])
    with pytest.raises(InvalidInput) as caught:
        refund_lines(original, [ReturnLine(1, Decimal(3))], {})
    assert caught.value.code == "return.too_much"
    with pytest.raises(InvalidInput) as caught:
        refund_lines(original, [ReturnLine(1, Decimal(1))], {1: Decimal(2)})
    assert caught.value.data["left"] == "0"


@pytest.mark.parametrize(
    ("wanted", "code"),
    [
        ([], "return.nothing"),
        ([ReturnLine(2, Decimal(1))], "return.unknown_line"),
        ([ReturnLine(0, Decimal(1))], "return.unknown_line"),
        ([ReturnLine(1, Decimal(1)), ReturnLine(1, Decimal(1))], "return.line_twice"),
    ],
)
def test_bad_requests_are_refused(wanted: list[ReturnLine], code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        refund_lines(sold([("5.00", "2", "13")]), wanted, {})
    assert caught.value.code == code


def test_money_goes_back_the_way_it_came_and_cash_only_what_the_drawer_kept() -> None:
    original = sold(
        [("30.00", "1", "13")],
        payments=[Payment("wechat", Decimal("20.00")), Payment("cash", Decimal("20.00"))],
    )  # change 10.00: the drawer kept 10.00 cash
    assert pay_back(Decimal("25.00"), original, {}, []) == [
        ("wechat", Decimal("20.00")),
        ("cash", Decimal("5.00")),
    ]
    with pytest.raises(InvalidInput) as caught:
        pay_back(Decimal("25.00"), original, {}, [("cash", None)])
    assert caught.value.code == "return.pay_back_too_much"
    with pytest.raises(InvalidInput) as caught:
        pay_back(Decimal("5.00"), original, {}, [("card", None)])
    assert caught.value.code == "return.pay_back_too_much"
    # an earlier refund already paid back all the WeChat money
    assert pay_back(Decimal("5.00"), original, {"wechat": Decimal("20.00")}, []) == [
        ("cash", Decimal("5.00"))
    ]


def test_a_tampered_refund_line_is_found() -> None:
    original = sold([("3.33", "3", "13")])
    lines = refund_lines(original, [ReturnLine(1, Decimal(1))], {})
    data = dict(refund_totals(lines), lines=lines, payments=[{"method": "cash", "amount": "3.33"}])
    assert refund_problem(data) is None
    data["lines"][0]["sold_amount"] = "99.99"
    assert refund_problem(data) == "line"
