"""The 退货 refund receipt on paper: marked, naming the original, every amount negative, no QR."""

from __future__ import annotations

from decimal import Decimal

from shopdesk.services.approval import approve
from shopdesk.services.printing import print_refund
from shopdesk.services.returns import return_items
from tests.printing.escpos_decode import decode
from tests.printing.fixtures import sell


def test_refund_prints_marked_with_negative_amounts_and_the_original(shop) -> None:
    number = sell(shop, "D001x2", "D002", pay="cash:100")
    refund = return_items(
        shop,
        number,
        [(1, Decimal(1))],
        reason="罐子漏了",
        approval=approve(shop, "return", "1234"),
    )
    outcome = print_refund(shop, refund.record)
    assert outcome.ok and outcome.number == "T01-RF-00000001"
    decoded = decode(outcome.files[0].read_bytes())
    texts = decoded.texts
    joined = "\n".join(texts)
    assert any("退货" in t for t in texts[:3])  # the mark comes first, before the shop
    assert "T01-RF-00000001" in joined and number in joined
    assert "-1 × ￥3.00" in joined and "-￥3.00" in joined
    assert "原因：罐子漏了" in joined  # a full-width colon in Chinese (issue 14, item 10)
    assert "manager" not in joined and any(t.startswith("批准") and "店长" in t for t in texts)
    assert "临时收据" not in joined  # a refund is not a receipt for an invoice to follow
    assert decoded.native_qrs == [] and decoded.images == []
    assert decoded.drawer_kicks == 0 or "现金" in joined
