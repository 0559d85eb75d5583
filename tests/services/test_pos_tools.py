"""Everyday POS tools (issue 13 item 8): weighed quantities, percent discounts, parking."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.config import load_catalog
from shopdesk.errors import InvalidInput
from shopdesk.services.cart import Cart
from shopdesk.services.sales import parse_item_spec
from shopdesk.services.shop import bundled

CATALOG = load_catalog(bundled("sample_data") / "catalog.csv")


# -- decimal quantities only for weighed units ------------------------------------------
def test_a_bottle_of_cola_cannot_be_sold_by_the_half():
    with pytest.raises(InvalidInput) as info:
        parse_item_spec(CATALOG, "D001x1.5")
    assert info.value.code == "sale.whole_quantity"
    assert info.value.data["value"] == "1.5" and info.value.data["unit"] == "罐"


def test_bananas_by_the_kg_take_grams():
    line = parse_item_spec(CATALOG, "F001x0.512")
    assert line.qty == Decimal("0.512") and line.unit == "kg"


def test_a_whole_quantity_written_with_decimals_is_still_whole():
    assert parse_item_spec(CATALOG, "D001x2.000").qty == 2


def test_the_cart_refuses_a_decimal_quantity_for_a_counted_item_and_keeps_the_line():
    cart = Cart(CATALOG)
    with pytest.raises(InvalidInput) as info:
        cart.enter("D001x0.5")
    assert info.value.code == "sale.whole_quantity" and cart.is_empty()
    cart.enter("D001")
    with pytest.raises(InvalidInput):
        cart.set_quantity(0, "2.5")
    assert cart.lines[0].qty == 1
    cart.enter("F002")
    cart.set_quantity(1, "1.25")
    assert cart.lines[1].qty == Decimal("1.25")
