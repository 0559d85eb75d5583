"""Everyday POS tools (issue 13 item 8): weighed quantities, percent discounts, parking."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from shopdesk.config import load_catalog
from shopdesk.domain.catalog import Catalog
from shopdesk.domain.sale import SaleDraft
from shopdesk.errors import InvalidInput
from shopdesk.services.cart import Cart
from shopdesk.services.integrity import verify_ledger
from shopdesk.services.parked import (
    MAX_PARKED,
    PARKED_FILE,
    list_parked,
    park_sale,
    resume_sale,
)
from shopdesk.services.sales import apply_discounts, issue_receipt, parse_item_spec
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


# -- percentage discounts -------------------------------------------------------------
def test_the_cart_keeps_a_sale_percent_as_a_percent_while_lines_change():
    cart = Cart(CATALOG)
    cart.enter("D001x3")  # 9.00
    cart.set_sale_discount("10%")
    assert cart.priced().discount == Decimal("0.90") and cart.sale_discount_text == "10%"
    cart.enter("D002")  # 11.00 → 1.10 off
    assert cart.total() == Decimal("9.90")
    draft = cart.draft_with_payments([])
    assert draft.sale_discount_pct == Decimal("10")
    cart.set_sale_discount("1.00")
    assert cart.total() == Decimal("10.00") and cart.sale_discount_text == "1.00"


def test_a_bad_percent_leaves_the_discount_as_it_was():
    cart = Cart(CATALOG)
    cart.enter("D001")
    cart.set_sale_discount("10%")
    with pytest.raises(InvalidInput) as info:
        cart.set_sale_discount("120%")
    assert info.value.code == "sale.bad_percent" and cart.sale_discount_text == "10%"


def test_discount_specs_give_line_and_sale_percents():
    lines = [parse_item_spec(CATALOG, "D001x3"), parse_item_spec(CATALOG, "D002")]
    lines, amount, pct = apply_discounts(lines, ["1:10%", "5%"])
    assert lines[0].discount_pct == Decimal("10") and lines[1].discount_pct is None
    assert (amount, pct) == (Decimal("0.00"), Decimal("5"))
    with pytest.raises(InvalidInput) as info:
        apply_discounts(lines, ["5%", "0.50"])
    assert info.value.code == "sale.discount_twice"


def test_a_percent_sale_is_issued_signed_and_verifies_and_a_forged_percent_does_not(
    shop, home, clock
):
    lines, amount, _ = apply_discounts([parse_item_spec(shop.catalog, "D001x3")], ["1:15%"])
    issued = issue_receipt(shop, SaleDraft(lines=lines, sale_discount=amount))
    line = issued.record["data"]["lines"][0]
    assert line["percent_off"] == {"pct": "15", "amount": "1.35"}
    assert issued.record["data"]["total"] == "7.65"
    assert verify_ledger(home).problem is None
    forged = {**issued.record["data"], "no": "T01-00000002", "rseq": 2}
    forged["lines"] = [{**line, "percent_off": {"pct": "10", "amount": "1.35"}}]
    record = shop.ledger.append("receipt.issued", forged, clock())
    problem = verify_ledger(home).problem
    assert (problem.seq, problem.reason) == (record["seq"], "receipt_arithmetic")


# -- park and resume --------------------------------------------------------------------
def test_a_parked_sale_survives_a_restart_and_resumes_as_it_was(shop, home):
    cart = Cart(shop.catalog)
    cart.enter("D001x3")
    cart.enter("F001x0.512")
    cart.set_sale_discount("10%")
    cart.set_buyer("北京某某科技有限公司", "91110000600037341L")
    parked = park_sale(shop, cart)
    assert cart.is_empty() and parked.lines == 2 and parked.total == Decimal("11.78")
    assert shop.ledger.view.last_rseq == 0  # a parked sale is not a sale
    assert (home / PARKED_FILE).is_file()
    (listed,) = list_parked(shop)
    assert listed.number == 1 and listed.total == Decimal("11.78")
    other = Cart(shop.catalog)
    resumed = resume_sale(shop, other, 1)
    assert resumed.repriced == () and resumed.dropped == ()
    assert [(line.sku, line.qty) for line in other.lines] == [
        ("D001", Decimal(3)),
        ("F001", Decimal("0.512")),
    ]
    assert other.sale_discount_text == "10%" and other.buyer.tax_id == "91110000600037341L"
    assert list_parked(shop) == []


def test_parking_needs_a_sale_and_stops_at_the_limit(shop):
    cart = Cart(shop.catalog)
    with pytest.raises(InvalidInput) as info:
        park_sale(shop, cart)
    assert info.value.code == "park.empty"
    for _ in range(MAX_PARKED):
        cart.enter("D002")
        park_sale(shop, cart)
    cart.enter("D001")
    with pytest.raises(InvalidInput) as info:
        park_sale(shop, cart)
    assert info.value.code == "park.full" and info.value.data["limit"] == MAX_PARKED
    assert not cart.is_empty()  # refused: the sale stays on the screen
    assert [p.number for p in list_parked(shop)] == list(range(1, MAX_PARKED + 1))


def test_resume_takes_todays_catalog_price_and_says_so(shop, monkeypatch):
    cart = Cart(shop.catalog)
    cart.enter("D001x2")
    cart.enter("D002")
    park_sale(shop, cart)
    cheaper = {
        item.sku: item if item.sku != "D001" else replace(item, price=Decimal("2.50"))
        for item in shop.catalog
    }
    new_catalog = Catalog([cheaper[sku] for sku in cheaper if sku != "D002"])
    fresh = Cart(new_catalog)
    resumed = resume_sale(shop, fresh, 1)
    assert len(resumed.repriced) == 1 and resumed.repriced[0].startswith("可口可乐")
    assert resumed.dropped and resumed.dropped[0].startswith("农夫山泉")
    assert fresh.total() == Decimal("5.00")


def test_a_damaged_parked_file_means_none_parked(shop, home):
    (home / PARKED_FILE).write_text("{not json", encoding="utf-8")
    assert list_parked(shop) == []


# -- 抹零 (rounding off small change) ------------------------------------------------------
def test_rounding_off_is_issued_within_the_profile_limit_and_refused_above_it(shop):
    lines = [parse_item_spec(shop.catalog, "D003"), parse_item_spec(shop.catalog, "S003")]
    # 3.50 + 7.90 = 11.40 → 11.00 (0.40 within the default 0.99)
    issued = issue_receipt(shop, SaleDraft(lines=list(lines), round_off="yuan"))
    assert issued.record["data"]["rounding"] == "0.40"
    assert issued.record["data"]["total"] == "11.00"
    shop.profile = replace(shop.profile, max_rounding=Decimal("0.20"))
    with pytest.raises(InvalidInput) as info:
        issue_receipt(shop, SaleDraft(lines=list(lines), round_off="yuan"))
    assert info.value.code == "sale.rounding_too_large"
    assert info.value.data == {"rounding": "0.40", "limit": "0.20"}
    assert shop.ledger.view.last_rseq == 1  # refused: nothing written


def test_the_x_report_counts_the_rounding(shop):
    from shopdesk.services.reports import report_sheet, report_x

    lines = [parse_item_spec(shop.catalog, "D003"), parse_item_spec(shop.catalog, "S003")]
    issue_receipt(shop, SaleDraft(lines=lines, round_off="yuan"))
    report = report_x(shop)
    assert report.figures.rounding == Decimal("0.40")
    rows = [row for section in report_sheet(report, "en")["sections"] for row in section["rows"]]
    assert ["Rounded off", "-0.40"] in rows


def test_rounding_reaches_the_invoice_sheet_as_discount_lines_that_add_up(shop):
    from shopdesk.export.invoice_sheet import line_cells

    lines = [parse_item_spec(shop.catalog, "D003x3"), parse_item_spec(shop.catalog, "S003")]
    data = issue_receipt(shop, SaleDraft(lines=lines, round_off="yuan")).record["data"]
    assert data["rounding"] == "0.40" and data["total"] == "18.00"  # 10.50 + 7.90 = 18.40
    rows = list(line_cells(data))
    assert [row["line_kind"][1] for row in rows] == ["2", "1", "2", "1"]  # 被折扣行, 折扣行
    for row in rows:
        if row["qty"][1]:  # an item row: 数量 × 单价 = 金额
            assert Decimal(row["qty"][1]) * Decimal(row["unit_price"][1]) == Decimal(
                row["amount"][1]
            )
    assert sum(Decimal(row["amount"][1]) for row in rows) == Decimal("18.00")
