"""issue_receipt / void_receipt / get_receipt through a real shop home."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from shopdesk.domain.sale import Buyer, Payment, SaleDraft
from shopdesk.errors import InvalidInput, NotFound
from shopdesk.ledger.keys import load_public_key, verify_signature
from shopdesk.services.sales import (
    get_receipt,
    issue_receipt,
    line_from_catalog,
    list_receipts,
    parse_item_spec,
    void_receipt,
)
from shopdesk.services.shop import Shop
from tests.conftest import VOID_OK


def sell(shop: Shop, *codes: str, pay: list[Payment] | None = None, **kw) -> str:
    draft = SaleDraft(
        lines=[parse_item_spec(shop.catalog, c) for c in codes], payments=pay or [], **kw
    )
    return issue_receipt(shop, draft).number


def test_receipt_is_numbered_gaplessly_signed_and_stored(shop: Shop, home: Path) -> None:
    assert sell(shop, "D001x2") == "T01-00000001"
    issued = issue_receipt(
        shop,
        SaleDraft(
            lines=[line_from_catalog(shop.catalog, "6901939621257")],
            payments=[Payment("cash", Decimal(10))],
        ),
    )
    assert issued.number == "T01-00000002" and issued.change == Decimal("7.00")
    record = issued.record
    public = load_public_key((home / "keys" / "terminal.pub.pem").read_bytes())
    assert verify_signature(public, record["hash"].encode(), record["sig"])
    assert record["data"]["lines"][0]["name"] == "可口可乐 330ml"
    assert record["time"].endswith("+08:00")


def test_refused_sale_appends_nothing_and_takes_no_number(shop: Shop) -> None:
    head = shop.ledger.head_seq
    with pytest.raises(InvalidInput) as err:
        sell(shop, "D001", pay=[Payment("cash", Decimal("1.00"))])
    assert err.value.code == "sale.underpaid" and err.value.data["missing"] == "2.00"
    with pytest.raises(InvalidInput):
        sell(shop, "NOPE")
    assert shop.ledger.head_seq == head
    assert sell(shop, "D001") == "T01-00000001"


def test_training_receipts_have_their_own_series(shop: Shop) -> None:
    draft = SaleDraft(lines=[line_from_catalog(shop.catalog, "D001")])
    assert issue_receipt(shop, draft, training=True).number == "T01-TR-00000001"
    assert sell(shop, "D001") == "T01-00000001"


def test_void_is_a_new_record_and_the_receipt_stays(shop: Shop) -> None:
    number = sell(shop, "D001", buyer=Buyer.create("北京某公司", "91110000600037341L"))
    void_receipt(shop, number, reason="  收错  价格 ", who="李强", approval=VOID_OK)
    detail = get_receipt(shop, number)
    assert detail.status["status"] == "void"
    assert detail.record["data"]["buyer"]["tax_id"] == "91110000600037341L"
    assert [e["data"]["reason"] for e in detail.events] == ["收错 价格"]
    with pytest.raises(InvalidInput) as err:
        void_receipt(shop, number, reason="again", who="x", approval=VOID_OK)
    assert err.value.code == "void.already_void"
    with pytest.raises(InvalidInput):
        void_receipt(shop, sell(shop, "D001"), reason="   ", who="x", approval=VOID_OK)
    with pytest.raises(NotFound):
        void_receipt(shop, "T01-99999999", reason="x", who="x", approval=VOID_OK)


def test_view_survives_reopen(home: Path, clock) -> None:
    with Shop.open(home, clock=clock) as shop:
        first = sell(shop, "D001")
        sell(shop, "S001")
        void_receipt(shop, first, reason="退货", who="王芳", approval=VOID_OK)
    with Shop.open(home, readonly=True) as shop:
        rows = list_receipts(shop)
        assert [(r["no"], r["status"]) for r in rows] == [
            ("T01-00000001", "void"),
            ("T01-00000002", "issued"),
        ]
        assert list_receipts(shop, "2026-11-28")[0]["day"] == "2026-11-28"
        assert list_receipts(shop, "2026-11-27") == []
        with pytest.raises(InvalidInput):
            list_receipts(shop, "28.11.2026")


def test_readonly_shop_cannot_sell(home: Path) -> None:
    with Shop.open(home, readonly=True) as shop, pytest.raises(Exception) as err:
        sell(shop, "D001")
    assert getattr(err.value, "code", "") == "ledger.readonly"


@pytest.mark.parametrize("day", ["2026-13-01", "2026-02-30", "2026-1-01", "yesterday"])
def test_list_refuses_a_date_that_is_no_day(shop, day: str) -> None:
    """2026-13-01 matched the pattern, listed nothing and exited 0."""
    from shopdesk.services.sales import list_receipts

    with pytest.raises(InvalidInput) as info:
        list_receipts(shop, day)
    assert info.value.code == "list.bad_date"
