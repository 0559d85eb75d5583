"""Reconciling official invoice numbers: all problems reported at once, never half applied.

The round trip at the top is the accountant's whole day: sell → export →
verify-batch → reconcile (CSV from Chinese Excel, in GBK, and xlsx), after
which ``list --pending`` is empty.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from shopdesk.domain.sale import Buyer, Payment, SaleDraft
from shopdesk.errors import InvalidInput
from shopdesk.export.batch_verifier import verify_batch
from shopdesk.services.export import export_batch
from shopdesk.services.reconcile import reconcile
from shopdesk.services.sales import issue_receipt, line_from_catalog, list_receipts, void_receipt
from shopdesk.services.shop import Shop, init_shop
from tests.conftest import VOID_OK

TZ = ZoneInfo("Asia/Shanghai")
INVOICE = "2611200000000000{:04d}"  # 20-digit 数电票 number


@pytest.fixture
def shop(tmp_path: Path):
    moment = [datetime(2026, 11, 20, 9, 0, tzinfo=TZ)]

    def clock() -> datetime:
        moment[0] += timedelta(seconds=5)
        return moment[0]

    init_shop(tmp_path / "home", demo=True, clock=clock).close()
    with Shop.open(tmp_path / "home", clock=clock) as opened:
        yield opened


def sell(shop: Shop, sku: str = "D001", training: bool = False, buyer=None) -> str:
    draft = SaleDraft(
        lines=[line_from_catalog(shop.catalog, sku, Decimal(2))],
        buyer=buyer,
        payments=[Payment("wechat")],
    )
    return issue_receipt(shop, draft, training=training).number


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([["收据号", "发票号码", "开票日期"], *rows])
    return path


def export(shop: Shop, tmp_path: Path) -> Path:
    """Export what is pending: only an exported receipt is invoiced (and reconciled)."""
    (tmp_path / "out").mkdir(exist_ok=True)
    return export_batch(shop, tmp_path / "out").path


def invoices(shop: Shop) -> dict[str, str]:
    return {r["no"]: r["invoice"] for r in list_receipts(shop) if r["invoice"]}


def test_round_trip_sell_export_verify_reconcile(shop: Shop, tmp_path: Path) -> None:
    buyer = Buyer("北京海淀区好味道餐饮管理有限公司", "91110108MA01C6PX8E")
    numbers = [sell(shop, "D001"), sell(shop, "D002", buyer=buyer), sell(shop, "D003")]
    verify_batch(export(shop, tmp_path))
    assert [r["no"] for r in list_receipts(shop, pending=True)] == numbers

    gbk = write_csv(
        tmp_path / "from-excel.csv",
        [[numbers[0], INVOICE.format(1), "2026/11/28"], [numbers[1], INVOICE.format(2), ""]],
        encoding="gb18030",  # what Chinese Excel saves by default
    )
    result = reconcile(shop, gbk)
    assert (result.applied, result.skipped) == (2, 0)

    book = Workbook()
    sheet = book.active
    sheet.append(["发票流水号", "数电票号码", "开票日期"])
    sheet.append([numbers[2], INVOICE.format(3), datetime(2026, 11, 29)])
    book.save(tmp_path / "mapping.xlsx")
    assert reconcile(shop, tmp_path / "mapping.xlsx").applied == 1

    assert invoices(shop) == {n: INVOICE.format(i) for i, n in enumerate(numbers, start=1)}
    assert list_receipts(shop, pending=True) == []
    records = [r for r in shop.ledger.records() if r["kind"] == "invoice.reconciled"]
    assert [r["data"] for r in records] == [
        {"no": numbers[0], "invoice_no": INVOICE.format(1), "invoice_date": "2026-11-28"},
        {"no": numbers[1], "invoice_no": INVOICE.format(2), "invoice_date": ""},
        {"no": numbers[2], "invoice_no": INVOICE.format(3), "invoice_date": "2026-11-29"},
    ]


def test_every_problem_is_reported_and_nothing_is_applied(shop: Shop, tmp_path: Path) -> None:
    good = sell(shop)
    done = sell(shop)
    void = sell(shop)
    void_receipt(shop, void, reason="收银错误", who="王芳", approval=VOID_OK)
    training = sell(shop, training=True)
    export(shop, tmp_path)
    reconcile(shop, write_csv(tmp_path / "first.csv", [[done, INVOICE.format(9), ""]]))
    before = shop.ledger.head_seq

    path = write_csv(
        tmp_path / "bad.csv",
        [
            [good, INVOICE.format(1), "2026-11-28"],  # fine on its own
            ["T01-00009999", INVOICE.format(2), ""],  # unknown
            [good, INVOICE.format(3), ""],  # duplicate in the file
            [done, INVOICE.format(4), ""],  # already reconciled to another number
            [void, INVOICE.format(5), ""],  # void
            [training, INVOICE.format(6), ""],  # training
            ["T01-00000001", "12AB", ""],  # bad invoice number
            [good.lower(), INVOICE.format(7), "2026-13-45"],  # bad date
            ["", INVOICE.format(8), ""],  # no receipt number
        ],
    )
    with pytest.raises(InvalidInput) as rejected:
        reconcile(shop, path)
    assert rejected.value.code == "reconcile.rejected"
    problems = [(p.line, p.code.rsplit(".", 1)[1]) for p in rejected.value.data["problems"]]
    assert problems == [
        (3, "unknown"),
        (4, "duplicate"),
        (5, "already"),
        (6, "void"),
        (7, "training"),
        (8, "bad_invoice_no"),
        (9, "bad_date"),
        (10, "missing_number"),
    ]
    assert shop.ledger.head_seq == before  # not even the good row was applied
    assert invoices(shop) == {done: INVOICE.format(9)}


def test_running_a_file_again_skips_rows_already_recorded(shop: Shop, tmp_path: Path) -> None:
    a, b = sell(shop), sell(shop)
    export(shop, tmp_path)
    path = write_csv(tmp_path / "m.csv", [[a, INVOICE.format(1), ""], [b, INVOICE.format(2), ""]])
    reconcile(shop, write_csv(tmp_path / "part.csv", [[a, INVOICE.format(1), ""]]))
    result = reconcile(shop, path)  # as after a power cut half way through the first run
    assert (result.applied, result.skipped) == (1, 1)
    assert invoices(shop) == {a: INVOICE.format(1), b: INVOICE.format(2)}


def test_an_invoice_number_excel_stored_as_a_number_is_refused(shop: Shop, tmp_path: Path) -> None:
    number = sell(shop)
    export(shop, tmp_path)
    book = Workbook()
    book.active.append(["收据号", "发票号码"])
    book.active.append([number, 26112000000000000001])  # Excel keeps 15 digits of this
    book.save(tmp_path / "m.xlsx")
    with pytest.raises(InvalidInput) as rejected:
        reconcile(shop, tmp_path / "m.xlsx")
    assert rejected.value.data["problems"][0].code == "reconcile.problem.invoice_as_number"


def test_a_receipt_not_exported_yet_is_refused_so_it_is_never_invoiced_twice(
    shop: Shop, tmp_path: Path
) -> None:
    """Issue 12 item 5: an invoice recorded before export went into the next import sheet."""
    exported = sell(shop)
    export(shop, tmp_path)
    waiting = sell(shop)
    before = shop.ledger.head_seq
    path = write_csv(
        tmp_path / "m.csv", [[exported, INVOICE.format(1), ""], [waiting, INVOICE.format(2), ""]]
    )
    with pytest.raises(InvalidInput) as rejected:
        reconcile(shop, path)
    problems = [(p.line, p.number, p.code) for p in rejected.value.data["problems"]]
    assert problems == [(3, waiting, "reconcile.problem.not_exported")]
    assert shop.ledger.head_seq == before

    second = export(shop, tmp_path)
    with zipfile.ZipFile(second) as batch:
        sheet = load_workbook(io.BytesIO(batch.read("invoice-import.xlsx"))).worksheets[0]
        assert waiting in {c.value for row in sheet.iter_rows() for c in row}
    assert reconcile(shop, path).applied == 2


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("m.txt", b"x", "reconcile.bad_type"),
        ("m.csv", "名称,金额\n可乐,3\n".encode(), "reconcile.no_header"),
        ("m.csv", "收据号,发票号码\n".encode(), "reconcile.empty"),
        ("m.xlsx", b"not a workbook", "reconcile.bad_file"),
    ],
)
def test_unusable_files_are_refused(shop: Shop, tmp_path: Path, name, content, code) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InvalidInput) as caught:
        reconcile(shop, tmp_path / name)
    assert caught.value.code == code


def test_an_xlsx_bomb_is_refused_before_it_is_inflated(shop: Shop, tmp_path: Path) -> None:

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", b"<" * (30 << 20))
    with pytest.raises(InvalidInput) as caught:
        reconcile(shop, path)
    assert caught.value.code == "reconcile.bad_file"


def test_a_huge_csv_is_refused_by_its_row_count(shop: Shop, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("shopdesk.services.reconcile.MAX_ROWS", 5)
    path = write_csv(
        tmp_path / "big.csv", [[f"T01-{i:08d}", INVOICE.format(i), ""] for i in range(9)]
    )
    with pytest.raises(InvalidInput) as caught:
        reconcile(shop, path)
    assert caught.value.code == "reconcile.too_many_rows"
