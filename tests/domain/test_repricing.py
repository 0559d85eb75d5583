"""Re-pricing a stored receipt body (issue 12, item 2): every derived figure is checked.

Each tampering keeps the record internally consistent (lines add up to the totals,
net + tax = amount, payments cover the total), so only re-pricing can catch it.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from shopdesk.domain.money import money_str
from shopdesk.domain.repricing import Mismatch, reprice_receipt
from shopdesk.domain.sale import (
    DraftLine,
    Payment,
    SaleDraft,
    price_sale,
    receipt_body,
    settle,
)
from shopdesk.domain.tax import split_gross


def body(*lines: tuple[str, str, str, str], sale_discount: str = "0.00", paid: str = "") -> dict:
    """A receipt body exactly as a sale makes it; lines are (qty, unit price, discount, rate)."""
    draft = SaleDraft(
        lines=[
            DraftLine("S1", "商品", "个", rate, "1", Decimal(q), Decimal(p), discount=Decimal(d))
            for q, p, d, rate in lines
        ],
        sale_discount=Decimal(sale_discount),
    )
    priced = price_sale(draft)
    settlement = settle(priced.total, [Payment("cash", Decimal(paid) if paid else None)])
    return receipt_body(
        priced, settlement, number="T01-1", receipt_seq=1, cashier="王", buyer=None, training=False
    )


def resum(data: dict) -> dict:
    """Make totals, per-rate figures and payment follow the (tampered) lines, as a forger would."""
    total = net = tax = Decimal(0)
    by_rate: dict[str, list[Decimal]] = {}
    for line in data["lines"]:
        figures = [Decimal(line[k]) for k in ("amount", "net", "tax")]
        total, net, tax = total + figures[0], net + figures[1], tax + figures[2]
        acc = by_rate.setdefault(line["rate"], [Decimal(0)] * 3)
        by_rate[line["rate"]] = [a + f for a, f in zip(acc, figures, strict=True)]
    data["subtotal"] = data["total"] = money_str(total)
    data["discount"] = "0.00"
    data["net"], data["tax"] = money_str(net), money_str(tax)
    data["by_rate"] = {
        r: dict(zip(("gross", "net", "tax"), map(money_str, v), strict=True))
        for r, v in by_rate.items()
    }
    data["payments"] = [{"method": "cash", "amount": money_str(total)}]
    data["change"] = "0.00"
    return data


def test_a_sale_as_priced_reprices_to_itself() -> None:
    data = body(("2", "3.50", "0.20", "13"), ("0.512", "12.80", "0.00", "9"), sale_discount="1.00")
    assert reprice_receipt(data) == []
    assert reprice_receipt(body(("1", "9.99", "0.00", "13"), paid="20.00")) == []


def test_one_times_9_99_signed_as_10_00_is_named() -> None:
    data = body(("1", "9.99", "0.00", "13"))
    line = data["lines"][0]
    split = split_gross(Decimal("10.00"), "13")
    line["amount"], line["net"], line["tax"] = "10.00", money_str(split.net), money_str(split.tax)
    wrong = reprice_receipt(resum(data))
    assert wrong[0] == Mismatch("lines[1].amount", "9.99", "10.00")
    assert Mismatch("subtotal", "9.99", "10.00") in wrong


def test_a_tax_split_one_fen_off_the_rounding_rule_is_named() -> None:
    data = body(("1", "9.99", "0.00", "13"), ("1", "5.00", "0.00", "9"))
    line = data["lines"][0]
    assert (line["net"], line["tax"]) == ("8.84", "1.15")  # 9.99 / 1.13 = 8.8407 → 8.84
    line["net"], line["tax"] = "8.85", "1.14"
    assert reprice_receipt(resum(data)) == [
        Mismatch("lines[1].net", "8.84", "8.85"),
        Mismatch("lines[1].tax", "1.15", "1.14"),
        Mismatch("net", "13.43", "13.44"),
        Mismatch("tax", "1.56", "1.55"),
        Mismatch("by_rate.13.net", "8.84", "8.85"),
        Mismatch("by_rate.13.tax", "1.15", "1.14"),
    ]


def test_a_discount_not_taken_off_the_amount_is_named() -> None:
    data = body(("2", "3.50", "0.20", "13"))
    assert data["lines"][0]["amount"] == "6.80"
    data["lines"][0]["discount"] = "0.50"
    wrong = reprice_receipt(data)
    assert wrong[0] == Mismatch("lines[1].amount", "6.50", "6.80")


def test_per_rate_totals_and_a_discount_above_the_line_are_named() -> None:
    data = body(("1", "4.00", "0.00", "13"), ("1", "2.00", "0.00", "9"))
    data["by_rate"]["13"], data["by_rate"]["9"] = data["by_rate"]["9"], data["by_rate"]["13"]
    assert Mismatch("by_rate.13.gross", "4.00", "2.00") in reprice_receipt(data)
    data = body(("1", "4.00", "0.00", "13"))
    data["lines"][0]["discount"] = "5.00"
    assert reprice_receipt(data)[0] == Mismatch("lines[1]", "—", "sale.bad_line_discount")


def test_wrong_change_and_underpayment_are_named() -> None:
    data = body(("1", "9.99", "0.00", "13"), paid="20.00")
    assert data["change"] == "10.01"
    data["change"] = "10.10"
    assert reprice_receipt(data) == [Mismatch("change", "10.01", "10.10")]
    data["payments"] = [{"method": "wechat", "amount": "5.00"}]
    assert reprice_receipt(data) == [Mismatch("payments", "—", "sale.underpaid")]


def test_a_line_kept_as_exactly_priced_vouches_for_no_twin_that_differs() -> None:
    """Issue 12, speed: a line that prices to what it states is kept by its seven figures.
    A line equal in the four it is priced from, but stating another split or carrying a
    percentage off, is still priced, and what it states wrong is named."""
    data = body(("1", "9.99", "0.00", "13"))
    assert reprice_receipt(data) == reprice_receipt(data) == []  # the second from what is kept
    twin = copy.deepcopy(data)
    twin["lines"][0]["net"], twin["lines"][0]["tax"] = "8.85", "1.14"
    assert reprice_receipt(resum(twin))[:2] == [
        Mismatch("lines[1].net", "8.84", "8.85"),
        Mismatch("lines[1].tax", "1.15", "1.14"),
    ]
    off = copy.deepcopy(data)
    off["lines"][0]["percent_off"] = {"pct": "10", "amount": "1.00"}
    assert reprice_receipt(off) == [Mismatch("lines[1].percent_off.amount", "≤ 0.00", "1.00")]
