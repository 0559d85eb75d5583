"""Till events (issue 13, item 5): cancelled sales, removed lines and drawer openings
leave a signed record with who did it and who approved, and show on the X/Z."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from shopdesk.domain.reports import CashCount
from shopdesk.errors import InvalidInput
from shopdesk.services.approval import approve
from shopdesk.services.cart import Cart
from shopdesk.services.integrity import verify_ledger
from shopdesk.services.printing import kick_drawer
from shopdesk.services.reports import report_sheet, report_x, report_z
from shopdesk.services.shop import Shop
from shopdesk.services.till_events import cancel_sale, open_drawer, remove_line
from tests.printing.escpos_decode import decode
from tests.printing.fixtures import sell, set_printer


def cart_of(shop: Shop, *codes: str) -> Cart:
    cart = Cart(shop.catalog)
    for code in codes:
        cart.enter(code)
    return cart


def kinds(shop: Shop) -> list[str]:
    return [r["kind"] for r in shop.ledger.records()]


def test_cancelling_a_sale_records_its_lines_total_cashier_and_approver(shop: Shop) -> None:
    cart = cart_of(shop, "D001x2", "D002")
    ok = approve(shop, "cancel_sale", "1234")
    record = cancel_sale(shop, cart, by="王芳", training=False, approval=ok)
    assert record is not None and record["kind"] == "sale.cancelled"
    data = record["data"]
    assert (data["by"], data["approved_by"], data["total"]) == ("王芳", "manager", "8.00")
    assert [(line["sku"], line["qty"]) for line in data["lines"]] == [("D001", "2"), ("D002", "1")]
    assert cart.is_empty()


def test_an_empty_cart_cancels_without_record_or_pin(shop: Shop) -> None:
    before = kinds(shop)
    assert cancel_sale(shop, Cart(shop.catalog), by="王芳", training=False, approval=None) is None
    assert kinds(shop) == before


def test_without_approval_nothing_is_written_and_the_cart_is_kept(shop: Shop) -> None:
    cart = cart_of(shop, "D001", "D002")
    before = kinds(shop)
    with pytest.raises(InvalidInput) as info:
        cancel_sale(shop, cart, by="王芳", training=False, approval=None)
    assert info.value.code == "till.approval_needed"
    with pytest.raises(InvalidInput):
        remove_line(shop, cart, 0, by="王芳", training=False, approval=None)
    with pytest.raises(InvalidInput) as wrong:
        approve(shop, "remove_line", "9999")
    assert wrong.value.code == "approval.wrong_pin"
    assert kinds(shop) == [*before, "pin.failed"]  # the wrong PIN, not the removal
    assert len(cart.lines) == 2


def test_approve_cancel_false_records_cancels_and_removals_without_a_pin(shop: Shop) -> None:
    shop.profile = replace(shop.profile, approve_cancel=False)
    cart = cart_of(shop, "D001x3", "D002")
    record = remove_line(shop, cart, 0, "1", by="王芳", training=False, approval=None)
    assert record is not None and record["data"]["approved_by"] is None
    assert cancel_sale(shop, cart, by="王芳", training=False, approval=None) is not None
    with pytest.raises(InvalidInput):  # the drawer always needs a manager
        open_drawer(shop, "换零钱", by="王芳", approval=None)  # type: ignore[arg-type]


def test_removing_or_reducing_a_line_records_the_line_as_it_was(shop: Shop) -> None:
    cart = cart_of(shop, "D001x3", "D002")
    reduced = remove_line(
        shop, cart, 0, "1", by="王芳", training=False, approval=approve(shop, "remove_line", "1234")
    )
    assert reduced is not None
    assert reduced["data"]["line"]["qty"] == "3" and reduced["data"]["qty_removed"] == "2"
    assert reduced["data"]["amount_removed"] == "6.00" and cart.lines[0].qty == 1
    gone = remove_line(
        shop, cart, 1, by="王芳", training=False, approval=approve(shop, "remove_line", "1234")
    )
    assert gone is not None and gone["data"]["line"]["sku"] == "D002"
    assert gone["data"]["amount_removed"] == "2.00" and len(cart.lines) == 1
    # A larger quantity is a plain edit: no record, no approval.
    assert remove_line(shop, cart, 0, "5", by="王芳", training=False, approval=None) is None
    assert cart.lines[0].qty == 5 and kinds(shop).count("line.removed") == 2


def test_a_removal_that_cannot_be_recorded_leaves_the_line(shop: Shop, disk_full_for) -> None:
    from shopdesk.errors import LedgerError

    cart = cart_of(shop, "D001", "D002")
    disk_full_for("line.removed")
    with pytest.raises(LedgerError):
        remove_line(
            shop, cart, 0, by="王芳", training=False, approval=approve(shop, "remove_line", "1234")
        )
    assert [line.sku for line in cart.lines] == ["D001", "D002"]


def test_drawer_opening_records_reason_and_kicks_the_drawer_with_esc_p(shop: Shop) -> None:
    set_printer(shop, cash_drawer=True)
    record = open_drawer(
        shop, " 换 零钱 ", by="王芳", approval=approve(shop, "drawer_open", "1234")
    )
    assert record["data"] == {
        "by": "王芳",
        "approved_by": "manager",
        "training": False,
        "reason": "换 零钱",
    }
    files = kick_drawer(shop, job=f"drawer-{record['seq']}")
    out = decode(files[0].read_bytes())
    assert out.drawer_kicks == 1 and out.cuts == 0 and out.texts == []
    with pytest.raises(InvalidInput) as info:
        open_drawer(shop, "  ", by="王芳", approval=approve(shop, "drawer_open", "1234"))
    assert info.value.code == "drawer.reason_missing"


def test_a_printer_without_a_drawer_says_so(shop: Shop) -> None:
    from shopdesk.errors import PrinterError

    with pytest.raises(PrinterError) as info:
        kick_drawer(shop, job="drawer")
    assert info.value.code == "printer.no_drawer"


def events_shift(shop: Shop) -> None:
    """A shift with one sale, a cancel (8.00), a reduction (6.00), two drawer openings,
    and training events that must not count."""
    sell(shop, "D001")
    cancel_sale(
        shop,
        cart_of(shop, "D001x2", "D002"),
        by="王芳",
        training=False,
        approval=approve(shop, "cancel_sale", "1234"),
    )
    remove_line(
        shop,
        cart_of(shop, "D001x3"),
        0,
        "1",
        by="王芳",
        training=False,
        approval=approve(shop, "remove_line", "1234"),
    )
    for _ in range(2):
        open_drawer(shop, "换零钱", by="王芳", approval=approve(shop, "drawer_open", "1234"))
    cancel_sale(
        shop,
        cart_of(shop, "D002"),
        by="王芳",
        training=True,
        approval=approve(shop, "cancel_sale", "1234"),
    )
    open_drawer(
        shop, "练习", by="王芳", approval=approve(shop, "drawer_open", "1234"), training=True
    )


def test_x_and_z_count_real_events_and_leave_totals_alone(shop: Shop) -> None:
    events_shift(shop)
    x = report_x(shop)
    e = x.figures.events
    assert (e.cancelled_sales, e.cancelled, e.removed_lines, e.removed, e.drawer_opens) == (
        1,
        Decimal("8.00"),
        1,
        Decimal("6.00"),
        2,
    )
    assert x.figures.receipts == 1 and x.figures.gross == Decimal("3.00")
    assert x.shift is not None and x.shift["last_rseq"] == 1
    z = report_z(shop, approve(shop, "close_day", "1234"), CashCount(Decimal("3.00")))
    assert z.record is not None
    assert z.record["data"]["drawer_opens"] == 2 and z.record["data"]["cancelled"] == "8.00"
    assert z.grand_total == Decimal("3.00")
    assert report_x(shop).figures.events.drawer_opens == 0  # the next shift starts clean
    assert verify_ledger(shop.home.root, all_signatures=True).ok


def test_printed_report_shows_the_till_events(shop: Shop) -> None:
    from shopdesk.services.printing import print_report

    events_shift(shop)
    sheet = report_sheet(report_x(shop), "zh")
    files = print_report(shop, sheet).files
    texts = [" ".join(t.split()) for t in decode(files[0].read_bytes()).texts]
    start = texts.index("收银操作（非收据）")
    assert texts[start + 1 : start + 6] == [
        "取消交易笔数 1",
        "取消金额 ￥8.00",
        "删除/减少商品行 1",
        "删除金额 ￥6.00",
        "无销售开钱箱次数 2",
    ]


def test_a_shift_without_events_prints_no_event_rows(shop: Shop) -> None:
    sell(shop, "D001")
    sheet = report_sheet(report_x(shop), "en")
    assert all(section["title"] != "Till events (no receipts)" for section in sheet["sections"])


def test_a_batch_after_till_events_holds_only_the_receipts_and_verifies(
    shop: Shop, tmp_path
) -> None:
    from shopdesk.export.batch_verifier import verify_batch
    from shopdesk.services.export import export_batch

    events_shift(shop)
    sell(shop, "D002")
    summary = export_batch(shop, tmp_path)
    assert (summary.first_no, summary.last_no) == ("T01-00000001", "T01-00000002")
    assert summary.counts["issued"] == 2, summary.counts
    assert verify_batch(summary.path, all_signatures=True).batch_id == summary.batch_id


def test_training_on_needs_a_training_approval_and_is_recorded(shop: Shop) -> None:
    from shopdesk.errors import ApprovalRefused
    from shopdesk.services.till_events import set_training

    before = kinds(shop)
    with pytest.raises(ApprovalRefused):
        set_training(shop, True, by="王芳", approval=None)
    with pytest.raises(ValueError):
        set_training(shop, True, by="王芳", approval=approve(shop, "void", "1234"))
    assert kinds(shop) == before
    on = set_training(shop, True, by="王芳", approval=approve(shop, "training", "1234"))
    off = set_training(shop, False, by="王芳", approval=None)
    assert on["data"] == {"on": True, "by": "王芳", "approved_by": "manager"}
    assert off["data"]["approved_by"] is None
