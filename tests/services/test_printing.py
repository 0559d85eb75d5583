"""Commit first, print second: every printer outcome leaves the receipt saved and accounted for."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from shopdesk.ledger.keys import load_public_key
from shopdesk.printing.qr import verify_qr
from shopdesk.services.printing import (
    print_queue,
    print_receipt,
    print_report,
    print_test_page,
    printer_status,
    retry_print_queue,
)
from shopdesk.services.qr_check import check_qr_in_shop
from shopdesk.services.sales import get_receipt, void_receipt
from tests.conftest import VOID_OK
from tests.printing.escpos_decode import decode
from tests.printing.fake_printer import refused_port
from tests.printing.fixtures import fake_printers, needs_cjk_font, sell, set_printer


@pytest.fixture
def fake_printer():
    yield from fake_printers()


def printed_records(shop, number):
    return [e["data"] for e in get_receipt(shop, number).events if e["kind"] == "receipt.printed"]


def public_key(shop):
    return load_public_key(shop.home.public_key.read_bytes())


@needs_cjk_font
def test_preview_printer_writes_bin_and_png_and_records_the_print(shop):
    number = sell(shop, "D001x2", "F001x0.512")
    outcome = print_receipt(shop, number)
    assert outcome.ok and outcome.copy == 0 and outcome.error is None
    bin_file, png_file = outcome.files
    assert bin_file == shop.home.preview / f"{number}.bin"
    texts = decode(bin_file.read_bytes()).texts
    assert "临时收据" in [t.strip() for t in texts]
    assert any(t.startswith("收据号") and t.endswith(number) for t in texts)
    scanned = zxingcpp.read_barcodes(Image.open(png_file))
    assert len(scanned) == 1
    assert verify_qr(scanned[0].text, public_key(shop)).valid
    assert decode(bin_file.read_bytes()).native_qrs == [scanned[0].text]
    assert printed_records(shop, number) == [
        {"no": number, "ok": True, "copy": 0, "printer": "preview", "error": None}
    ]
    assert shop.ledger.view.get(number)["printed"] == 1


def test_file_printer_receives_the_receipt(shop, tmp_path):
    target = tmp_path / "lp0"
    set_printer(shop, url=f"file:{target}")
    number = sell(shop)
    assert print_receipt(shop, number).ok
    out = decode(target.read_bytes())
    assert any(t.endswith(number) for t in out.texts)
    assert out.cuts == 1


@pytest.mark.parametrize(
    ("mode", "code"),
    [
        ("refused", "printer.refused"),
        ("stall", "printer.no_reply"),
        ("drop", "printer.dropped"),
        ("paper_out", "printer.paper_out"),
    ],
)
def test_a_printer_fault_leaves_the_receipt_saved_not_printed_and_queued(
    shop, fake_printer, mode, code
):
    url = f"tcp://127.0.0.1:{refused_port()}" if mode == "refused" else fake_printer(mode).url
    set_printer(shop, url=url, timeout_s=0.5)
    number = sell(shop)
    outcome = print_receipt(shop, number)
    assert not outcome.ok
    assert outcome.error.code == code and outcome.error.data["printer"] == url
    row = shop.ledger.view.get(number)
    assert row["printed"] == 0 and row["print_failed"] is True
    assert get_receipt(shop, number).record["data"]["no"] == number  # still there, signed
    assert printed_records(shop, number) == [
        {"no": number, "ok": False, "copy": 0, "printer": url, "error": code}
    ]
    assert [r["no"] for r in print_queue(shop)] == [number]

    healthy = fake_printer("ok")
    set_printer(shop, url=healthy.url)
    (retried,) = retry_print_queue(shop)
    assert retried.ok and retried.copy == 0  # never reached the customer: the original
    assert print_queue(shop) == []
    assert shop.ledger.view.get(number)["printed"] == 1
    healthy.close()
    assert any(t.endswith(number) for t in decode(bytes(healthy.received)).texts)


def test_retry_stops_at_the_first_failure(shop):
    set_printer(shop, url=f"tcp://127.0.0.1:{refused_port()}", timeout_s=0.5)
    numbers = [sell(shop) for _ in range(3)]
    for number in numbers:
        assert not print_receipt(shop, number).ok
    outcomes = retry_print_queue(shop)
    assert len(outcomes) == 1 and not outcomes[0].ok
    assert [r["no"] for r in print_queue(shop)] == numbers


def test_reprints_are_marked_copies_with_rising_numbers(shop):
    number = sell(shop)
    assert print_receipt(shop, number).ok
    first = print_receipt(shop, number, copy=True)
    second = print_receipt(shop, number, copy=True)
    assert (first.copy, second.copy) == (1, 2)
    texts = [t.strip() for t in decode(second.files[0].read_bytes()).texts]
    assert texts.count("重印 第2联") == 2
    assert second.files[0].name == f"{number}-copy2.bin"


def test_a_reprinted_void_receipt_says_void_and_why(shop):
    number = sell(shop)
    void_receipt(shop, number, reason="顾客退货", who="王芳", approval=VOID_OK)
    outcome = print_receipt(shop, number, copy=True)
    texts = [t.strip() for t in decode(outcome.files[0].read_bytes()).texts]
    assert "作废" in texts and "作废原因：顾客退货" in texts


def test_cash_drawer_opens_for_an_original_cash_sale_only(shop, tmp_path):
    target = tmp_path / "lp0"
    set_printer(shop, url=f"file:{target}", cash_drawer=True)
    cash = sell(shop, pay="cash:100")
    card = sell(shop, pay="card")
    print_receipt(shop, cash)
    print_receipt(shop, card)
    print_receipt(shop, cash, copy=True)
    assert decode(target.read_bytes()).drawer_kicks == 1


def test_training_receipts_are_marked_training(shop):
    from shopdesk.domain.sale import Payment, SaleDraft
    from shopdesk.services.sales import issue_receipt, parse_item_spec

    issued = issue_receipt(
        shop,
        SaleDraft(lines=[parse_item_spec(shop.catalog, "D001")], payments=[Payment("cash")]),
        training=True,
    )
    outcome = print_receipt(shop, issued.number)
    texts = [t.strip() for t in decode(outcome.files[0].read_bytes()).texts]
    assert texts.count("培训 不是有效收据") == 2


def test_verify_qr_in_the_shop_reports_ledger_status(shop):
    number = sell(shop)
    outcome = print_receipt(shop, number)
    payload = decode(outcome.files[0].read_bytes()).native_qrs[0]
    shop.ledger.append(
        "batch.exported",
        {"batch_id": "B20261128-01", "first_rseq": 1, "last_rseq": 1},
        shop.now(),
    )
    shop.ledger.append(
        "invoice.reconciled", {"no": number, "invoice_no": "24110000000012345678"}, shop.now()
    )
    shop.close()
    report = check_qr_in_shop(payload, shop.home.root)
    assert report.genuine and report.in_ledger and report.mismatches == []
    assert report.status["batch"] == "B20261128-01"
    assert report.status["invoice"] == "24110000000012345678"


def test_status_and_test_page_on_a_network_printer(shop, fake_printer):
    printer = fake_printer("paper_out")
    set_printer(shop, url=printer.url)
    assert printer_status(shop).paper == "out"
    healthy = fake_printer("ok")
    set_printer(shop, url=healthy.url)
    result = print_test_page(shop)
    assert result.status.online is True and result.status.paper == "ok"
    healthy.close()
    out = decode(bytes(healthy.received))
    assert "12345678901234567890123456789012" in out.texts  # the full-width ruler
    assert out.native_qrs == ["SHOPDESK TEST 测试"]


def test_reports_print_through_the_same_printer(shop):
    outcome = print_report(
        shop,
        {"title": "X 报表", "sections": [{"title": "合计", "rows": [["13%", "120.00"]]}]},
        job="x-report",
    )
    texts = decode(outcome.files[0].read_bytes()).texts
    assert "X 报表" in [t.strip() for t in texts]
    assert any(t.startswith("13%") and t.endswith("￥120.00") for t in texts)


def test_printing_again_after_a_success_is_always_a_marked_copy(shop):
    number = sell(shop)
    assert print_receipt(shop, number).copy == 0
    again = print_receipt(shop, number)  # e.g. a second press of "print" in the app
    assert again.copy == 1
    assert "重印 第1联" in [t.strip() for t in decode(again.files[0].read_bytes()).texts]


def test_a_sale_saved_but_never_printed_is_in_the_queue(shop):
    # a power cut between saving and printing leaves no receipt.printed record
    never = sell(shop)
    voided = sell(shop)
    void_receipt(shop, voided, reason="录错", who="王芳", approval=VOID_OK)
    assert [r["no"] for r in print_queue(shop)] == [never]
    (outcome,) = retry_print_queue(shop)
    assert outcome.ok and outcome.copy == 0 and print_queue(shop) == []


def test_a_full_disk_for_the_print_record_still_reports_an_issued_printed_receipt(
    shop, disk_full_for
):
    """Issue 11 item 7: the receipt is in the ledger and on paper; only its print
    record is lost. The outcome says so instead of raising "receipt not issued"."""
    number = sell(shop)
    disk_full_for("receipt.printed")
    outcome = print_receipt(shop, number)
    assert outcome.ok and outcome.number == number
    assert outcome.record_error is not None and outcome.record_error.code == "ledger.write_failed"
    assert shop.ledger.view.get(number)["status"] == "issued"
    assert printed_records(shop, number) == []
