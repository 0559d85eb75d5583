"""Receipt search and paging over the view, newest first."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.errors import InvalidInput
from shopdesk.ledger.view import ReceiptView
from shopdesk.services.history import ReceiptQuery, find_receipts, parse_query


def view_with(n: int) -> ReceiptView:
    view = ReceiptView()
    for i in range(1, n + 1):
        view.apply(
            {
                "k": "receipt.issued",
                "seq": i + 1,
                "time": f"2026-11-{1 + i % 3:02d}T10:00:00+08:00",
                "no": f"T01-{i:08d}",
                "rseq": i,
                "training": False,
                "total": f"{i}.00",
                "buyer": "海淀科技有限公司" if i % 10 == 0 else "",
                "tax_id": "91110000600037341L" if i % 10 == 0 else "",
            }
        )
    return view


def test_pages_are_newest_first_and_say_when_more_remain():
    view = view_with(120)
    first = find_receipts(view, ReceiptQuery(), 0, 50)
    assert [r["no"] for r in first.rows[:2]] == ["T01-00000120", "T01-00000119"]
    assert first.more
    last = find_receipts(view, ReceiptQuery(), 100, 50)
    assert len(last.rows) == 20 and not last.more
    assert last.rows[-1]["no"] == "T01-00000001"


def test_search_by_number_buyer_day_and_amount():
    view = view_with(120)
    assert [r["no"] for r in find_receipts(view, parse_query("00000042")).rows] == ["T01-00000042"]
    buyers = find_receipts(view, parse_query("海淀")).rows
    assert len(buyers) == 12 and all(r["buyer"] for r in buyers)
    day = find_receipts(view, parse_query("2026-11-02")).rows
    assert day and all(r["day"] == "2026-11-02" for r in day)
    assert [r["no"] for r in find_receipts(view, parse_query("￥42")).rows] == ["T01-00000042"]
    # Receipt 42 is on day 1 + 42 % 3 = the 1st: date AND amount must both hold.
    assert len(find_receipts(view, parse_query("2026-11-01 42.00")).rows) == 1
    assert find_receipts(view, parse_query("2026-11-02 42.00")).rows == []
    assert parse_query("2026-11-01 42.00") == ReceiptQuery("", "2026-11-01", Decimal("42.00"))


def test_search_pages_too():
    view = view_with(300)
    page = find_receipts(view, parse_query("海淀"), 0, 20)
    assert len(page.rows) == 20 and page.more
    rest = find_receipts(view, parse_query("海淀"), 20, 20)
    assert len(rest.rows) == 10 and not rest.more


def test_two_free_words_are_refused():
    with pytest.raises(InvalidInput):
        parse_query("foo bar")


def test_a_whole_number_is_found_directly_in_any_case():
    view = view_with(30)
    page = find_receipts(view, parse_query("t01-00000007"))
    assert [r["no"] for r in page.rows] == ["T01-00000007"] and not page.more
    assert find_receipts(view, parse_query("t01-00000007"), skip=50).rows == []
