"""A percent discount prints as the shop says it: 9折 in Chinese, 10% in English."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from shopdesk.printing.layout import layout_receipt
from tests.printing.test_layout import SHOP, block_texts, line, record


def test_line_and_sale_percents_print_as_zhe_and_percent():
    rec = record([line("洗衣液 2kg", "1", "40.00", discount_pct=Decimal("10"))])
    rec["data"]["percent_off"] = {"pct": "5", "amount": "1.80"}  # as a sale percent is stored
    zh = [t.strip() for t in block_texts(layout_receipt(rec, SHOP, 32))]
    assert any(t.startswith("折扣 9折") and t.endswith("-￥4.00") for t in zh)
    assert any(t.startswith("整单折扣 9.5折") and t.endswith("-￥1.80") for t in zh)
    en = [t.strip() for t in block_texts(layout_receipt(rec, replace(SHOP, language="en"), 32))]
    assert any(t.startswith("Discount 10%") for t in en)
    assert any(t.startswith("Sale discount 5%") for t in en)


def test_rounding_prints_as_a_line_of_its_own():
    rec = record([line("洗衣液 2kg", "1", "40.30")])
    rec["data"]["rounding"] = "0.30"  # as a rounded-off receipt stores it
    zh = [t.strip() for t in block_texts(layout_receipt(rec, SHOP, 32))]
    assert any(t.startswith("抹零") and t.endswith("-￥0.30") for t in zh)
