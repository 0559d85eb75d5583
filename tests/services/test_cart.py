"""The sale being built: entry resolution, edits that must keep the draft priceable."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopdesk.config import load_catalog
from shopdesk.domain.sale import price_sale
from shopdesk.errors import InvalidInput
from shopdesk.services.cart import Cart, Tender
from shopdesk.services.shop import bundled

CATALOG = load_catalog(bundled("sample_data") / "catalog.csv")


@pytest.fixture
def cart() -> Cart:
    return Cart(CATALOG)


def test_barcode_sku_and_quantity_spec_add_lines(cart):
    cart.enter("6901939621257")
    cart.enter("d002x3")
    assert [(line.sku, line.qty) for line in cart.lines] == [
        ("D001", Decimal(1)),
        ("D002", Decimal(3)),
    ]
    assert cart.total() == Decimal("9.00")


def test_scanning_the_same_item_again_adds_to_its_line(cart):
    cart.enter("D001")
    index = cart.enter("6901939621257").line_index
    assert index == 0 and len(cart.lines) == 1 and cart.lines[0].qty == 2


def test_pinyin_initials_with_one_match_add_directly(cart):
    result = cart.enter("kkkl")
    assert result.candidates == () and cart.lines[0].name.startswith("可口可乐")


def test_ambiguous_search_returns_candidates_and_adds_nothing(cart):
    result = cart.enter("kele")
    assert {item.sku for item in result.candidates} >= {"D001", "D003"}
    assert cart.is_empty()


def test_unknown_entry_is_an_error(cart):
    with pytest.raises(InvalidInput) as info:
        cart.enter("zzzzqqq")
    assert info.value.code == "sale.unknown_item"


def test_a_typed_price_is_refused_without_the_override_path(cart):
    with pytest.raises(InvalidInput) as info:
        cart.enter("D001@1.00")
    assert info.value.code == "cart.price_needs_pin"


def test_price_override_marks_the_line_and_a_new_scan_stays_separate(cart):
    cart.enter("D001")
    cart.override_price(0, "2.50")
    cart.enter("D001")
    assert [(line.unit_price, line.price_override) for line in cart.lines] == [
        (Decimal("2.50"), True),
        (Decimal("3.00"), False),
    ]


def test_discount_larger_than_the_sale_is_refused_and_the_old_one_kept(cart):
    cart.enter("D001x2")
    cart.set_sale_discount("1.00")
    with pytest.raises(InvalidInput):
        cart.set_sale_discount("7.00")
    assert cart.sale_discount == Decimal("1.00")


def test_lowering_a_quantity_below_the_discount_is_refused(cart):
    cart.enter("D001x2")
    cart.set_sale_discount("5.00")
    with pytest.raises(InvalidInput):
        cart.set_quantity(0, "1")
    assert cart.lines[0].qty == 2


def test_removing_a_line_drops_a_discount_that_no_longer_fits(cart):
    cart.enter("D001x2")
    cart.enter("D002")
    cart.set_sale_discount("7.00")
    cart.remove(0)
    assert cart.sale_discount == 0
    assert cart.total() == Decimal("2.00")


def test_bad_quantity_and_missing_line_are_errors(cart):
    cart.enter("D001")
    with pytest.raises(InvalidInput):
        cart.set_quantity(0, "-1")
    with pytest.raises(InvalidInput):
        cart.remove(5)


def test_buyer_is_validated_and_blank_clears_it(cart):
    with pytest.raises(InvalidInput):
        cart.set_buyer("Acme", "91110000600037341X")
    cart.set_buyer("Acme", "91110000600037341l")
    assert cart.buyer is not None and cart.buyer.tax_id == "91110000600037341L"
    cart.set_buyer("", "")
    assert cart.buyer is None


def test_tender_split_change_and_underpayment():
    tender = Tender(Decimal("9.00"))
    tender.add("wechat", "5")
    assert tender.due == Decimal("4.00") and not tender.can_confirm()
    with pytest.raises(InvalidInput) as info:
        tender.check()
    assert info.value.code == "sale.underpaid"
    tender.add("cash", "10")
    assert tender.can_confirm() and tender.change == Decimal("6.00")
    tender.remove_last()
    tender.add("cash", "")  # blank: the rest
    assert tender.check() == 0


def test_non_cash_overpayment_cannot_be_confirmed():
    tender = Tender(Decimal("9.00"))
    tender.add("card", "10")
    assert not tender.can_confirm()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["D001", "D002", "D003", "D004"]), st.integers(1, 20)),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, 2000),
)
def test_cart_total_is_always_price_sale_of_its_draft(items, discount_fen):
    cart = Cart(CATALOG)
    for sku, qty in items:
        cart.enter(f"{sku}x{qty}")
    with contextlib.suppress(InvalidInput):
        cart.set_sale_discount(Decimal(discount_fen) / 100)
    assert cart.total() == price_sale(cart.draft).total
    assert cart.total() >= 0


def test_a_payment_over_100_times_the_total_and_1000_yuan_is_refused():
    """Issue 14 item 4: an 8-digit barcode in the amount field is not cash."""
    tender = Tender(Decimal("9.99"))
    with pytest.raises(InvalidInput) as info:
        tender.add("cash", "1000")
    assert info.value.code == "pay.far_above_total"
    assert info.value.data == {"amount": "1000.00", "total": "9.99", "times": 100}
    assert tender.payments == []
    tender.add("cash", "999.99")  # under ¥1,000: a big note for a small sale is real money
    assert Tender(Decimal("10.00")).add("cash", "1000").amount == Decimal("1000")  # 100×, not over
