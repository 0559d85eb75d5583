"""Returns through a real shop home: numbering, limits, status, grand total, voids."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.errors import InvalidInput
from shopdesk.services.approval import approve
from shopdesk.services.integrity import verify_ledger
from shopdesk.services.returns import get_refund, return_items, return_state
from shopdesk.services.sales import get_receipt, issue_receipt, parse_item_spec, void_receipt
from shopdesk.services.shop import Shop
from tests.conftest import DISCOUNT_OK, VOID_OK


def sell(shop: Shop, *codes: str, pay: list[Payment] | None = None, **kw) -> str:
    draft = SaleDraft(
        lines=[parse_item_spec(shop.catalog, c) for c in codes], payments=pay or [], **kw
    )
    return issue_receipt(
        shop, draft, approval=DISCOUNT_OK if "sale_discount" in kw else None
    ).number


def give_back(shop: Shop, number: str, *lines: tuple[int, Decimal | None], **kw):
    return return_items(
        shop, number, list(lines), reason="坏了", approval=approve(shop, "return", "1234"), **kw
    )


def test_partial_returns_are_numbered_in_their_own_series_and_add_up(
    shop: Shop, home: Path
) -> None:
    number = sell(shop, "D001x3", "D003", sale_discount=Decimal("1.00"))
    sold_line = get_receipt(shop, number).record["data"]["lines"][0]
    first = give_back(shop, number, (1, Decimal(1)))
    second = give_back(shop, number, (1, None), (2, None))
    assert (first.number, second.number) == ("T01-RF-00000001", "T01-RF-00000002")
    data = first.record["data"]
    assert (data["original"], data["approved_by"], data["reason"]) == (number, "manager", "坏了")
    line_sum = Decimal(data["lines"][0]["amount"]) + Decimal(
        second.record["data"]["lines"][0]["amount"]
    )
    assert line_sum == Decimal(sold_line["amount"])
    total = Decimal(data["total"]) + Decimal(second.record["data"]["total"])
    assert total == Decimal(get_receipt(shop, number).record["data"]["total"])
    with pytest.raises(InvalidInput) as caught:
        give_back(shop, number, (1, Decimal(1)))
    assert caught.value.code == "return.too_much"
    assert [e["data"]["no"] for e in get_receipt(shop, number).events] == [
        first.number,
        second.number,
    ]
    assert get_refund(shop, second.number)["data"]["rseq"] == 2
    assert verify_ledger(home).ok


def test_refused_returns_write_nothing(shop: Shop) -> None:
    number = sell(shop, "D001x2")
    seq = shop.ledger.journal.head.seq
    for lines, code in [
        ([(1, Decimal(3))], "return.too_much"),
        ([(5, Decimal(1))], "return.unknown_line"),
        ([], "return.nothing"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            give_back(shop, number, *lines)
        assert caught.value.code == code
    with pytest.raises(InvalidInput) as caught:
        give_back(shop, number, (1, None), pay=[Payment("card")])
    assert caught.value.code == "return.pay_back_too_much"
    assert shop.ledger.journal.head.seq == seq


def test_void_and_training_receipts_cannot_be_returned(shop: Shop) -> None:
    voided = sell(shop, "D001")
    void_receipt(shop, voided, reason="错", who="x", approval=VOID_OK)
    training = issue_receipt(
        shop, SaleDraft(lines=[parse_item_spec(shop.catalog, "D001")]), training=True
    ).number
    for number, code in [(voided, "return.voided"), (training, "return.training")]:
        with pytest.raises(InvalidInput) as caught:
            give_back(shop, number, (1, None))
        assert caught.value.code == code


def test_a_receipt_with_returns_cannot_be_voided(shop: Shop) -> None:
    number = sell(shop, "D001x2")
    give_back(shop, number, (1, Decimal(1)))
    with pytest.raises(InvalidInput) as caught:
        void_receipt(shop, number, reason="错", who="x", approval=VOID_OK)
    assert caught.value.code == "void.has_returns"


def test_grand_total_is_net_of_returns_and_survives_reopen(home: Path, clock) -> None:
    with Shop.open(home, clock=clock) as shop:
        number = sell(shop, "D001x2")
        before = shop.ledger.view.sales_fen
        give_back(shop, number, (1, Decimal(1)))
        assert shop.ledger.view.sales_fen == before - 300
    with Shop.open(home, clock=clock) as shop:
        assert shop.ledger.view.sales_fen == before - 300
        state = return_state(shop, number)
        assert state.returned == {1: Decimal(1)} and state.left(1) == 1
        assert give_back(shop, number, (1, None)).number == "T01-RF-00000002"


def test_cash_goes_back_only_as_far_as_the_drawer_kept(shop: Shop) -> None:
    number = sell(
        shop, "D001x2", pay=[Payment("wechat", Decimal("4.00")), Payment("cash", Decimal("5.00"))]
    )
    refund = give_back(shop, number, (1, None))
    assert refund.record["data"]["payments"] == [
        {"method": "wechat", "amount": "4.00"},
        {"method": "cash", "amount": "2.00"},
    ]


def test_verify_names_a_signed_refund_that_gives_back_too_much(home: Path, clock) -> None:
    with Shop.open(home, clock=clock) as shop:
        number = sell(shop, "D001x2")
        data = dict(give_back(shop, number, (1, Decimal(1))).record["data"])
        line = dict(data["lines"][0], amount="6.00", net="5.31", tax="0.69")  # the whole line for 1
        wrong = {
            **data,
            "no": "T01-RF-00000002",
            "rseq": 2,
            "lines": [line],
            "total": "6.00",
            "net": "5.31",
            "tax": "0.69",
            "by_rate": {"13": {"gross": "6.00", "net": "5.31", "tax": "0.69"}},
            "payments": [{"method": "cash", "amount": "6.00"}],
        }
        record = shop.ledger.append("refund.issued", wrong, clock())
    problem = verify_ledger(home).problem
    assert problem is not None and (problem.seq, problem.reason) == (
        record["seq"],
        "refund_arithmetic",
    )


def test_verify_names_a_refund_number_out_of_sequence(home: Path, clock) -> None:
    with Shop.open(home, clock=clock) as shop:
        number = sell(shop, "D001x2")
        data = give_back(shop, number, (1, Decimal(1))).record["data"]
        record = shop.ledger.append(
            "refund.issued", {**data, "no": "T01-RF-00000003", "rseq": 3}, clock()
        )
    problem = verify_ledger(home).problem
    assert problem is not None and (problem.seq, problem.reason) == (
        record["seq"],
        "bad_receipt_number",
    )
