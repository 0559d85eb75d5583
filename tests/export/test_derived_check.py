"""verify-batch rebuilds receipts.csv and invoice-import.xlsx from the records (issue 12, item 1).

Every tampering here edits a derived file inside a real exported zip and re-signs
the manifest with the shop's own key (file hashes recomputed), so the manifest
signature and the file hashes pass: only the cell-by-cell rebuild can catch it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shopdesk.domain.sale import Buyer, Payment, SaleDraft
from shopdesk.errors import BatchError
from shopdesk.export import batch_format as fmt
from shopdesk.export.batch_verifier import verify_batch
from shopdesk.services.export import export_batch
from shopdesk.services.sales import issue_receipt, line_from_catalog, void_receipt
from shopdesk.services.shop import Shop, init_shop
from tests.conftest import DISCOUNT_OK, VOID_OK, Clock
from tests.export.test_batch_verifier import members, resign, rezip

TZ = ZoneInfo("Asia/Shanghai")
LINE_SHEET = "xl/worksheets/sheet2.xml"
HEADER_SHEET = "xl/worksheets/sheet1.xml"
COL = {name: i for i, name in enumerate(fmt.CSV_COLUMNS)}


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, Path]:
    """(zip, shop key): two-line receipts at two rates, a discount, a company buyer, a void."""
    root = tmp_path_factory.mktemp("shop")
    clock = Clock(datetime(2026, 11, 20, 9, 0, tzinfo=TZ))
    init_shop(root / "home", demo=True, clock=clock).close()
    with Shop.open(root / "home", clock=clock) as shop:
        for i in range(4):
            first = line_from_catalog(shop.catalog, "D001", Decimal(2))
            second = line_from_catalog(shop.catalog, "D004", Decimal(1))
            buyer = Buyer("=HYPERLINK(1)", "91110000600037341L") if i == 1 else None
            draft = SaleDraft(
                lines=[replace(first, discount=Decimal("0.20")), second],
                buyer=buyer,
                payments=[Payment("cash")],
            )
            issue_receipt(shop, draft, approval=DISCOUNT_OK)
        void_receipt(shop, "T01-00000003", reason="收银错误", who="王芳", approval=VOID_OK)
        path = export_batch(shop, root / "out").path
    return path, root / "home" / "keys" / "terminal.key"


def csv_table(files: dict[str, bytes]) -> list[list[str]]:
    return list(csv.reader(io.StringIO(files[fmt.CSV].decode("utf-8-sig"), newline="")))


def with_csv(files: dict[str, bytes], rows: list[list[str]]) -> dict[str, bytes]:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return {**files, fmt.CSV: ("\ufeff" + text.getvalue()).encode("utf-8")}


def with_sheet(files: dict[str, bytes], name: str, edit) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """The workbook with one sheet's XML passed through ``edit`` (other entries kept)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(files[fmt.XLSX])) as book,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in book.infolist():
            data = book.read(info)
            new.writestr(info, edit(data.decode()).encode() if info.filename == name else data)
    return {**files, fmt.XLSX: out.getvalue()}


def mismatch(batch, tmp_path: Path, files: dict[str, bytes]) -> BatchError:  # type: ignore[no-untyped-def]
    signed = rezip(batch[0], tmp_path / "t.zip", resign(files, batch[1]))
    with pytest.raises(BatchError) as caught:
        verify_batch(signed)
    assert caught.value.code == "batch.derived_mismatch", caught.value
    return caught.value


def named(error: BatchError) -> tuple:
    d = error.data
    return d["file"], d["row"], d["column"], d["expected"], d["found"]


def test_the_untouched_batch_verifies(batch) -> None:
    verify_batch(batch[0])


def test_amounts_swapped_between_two_lines_are_named(batch, tmp_path: Path) -> None:
    files = members(batch[0])
    rows = csv_table(files)
    a, b = rows[1][COL["金额"]], rows[2][COL["金额"]]
    assert a != b and rows[1][0] == rows[2][0]
    rows[1][COL["金额"]], rows[2][COL["金额"]] = b, a
    error = mismatch(batch, tmp_path, with_csv(files, rows))
    assert named(error) == (fmt.CSV, 2, "金额", a, b)
    assert error.data["count"] == 2


def test_a_line_moved_to_another_receipt_is_named(batch, tmp_path: Path) -> None:
    files = members(batch[0])
    rows = csv_table(files)
    moved = rows.pop(2)  # second line of the first receipt …
    moved[COL["收据号"]], moved[COL["收据序号"]] = rows[2][0], rows[2][1]
    rows.insert(4, moved)  # … now under the second receipt
    error = mismatch(batch, tmp_path, with_csv(files, rows))
    assert error.data["file"] == fmt.CSV and error.data["row"] == 3
    assert error.data["count"] > 1


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("项目名称", "别的商品"),
        ("数量", "3"),
        ("单价", "0.01"),
        ("商品和服务税收分类编码", "1090000000000000000"),
        ("税率", "6%"),
        ("购买方税号", "91110108MA01C6PX8E"),
    ],
)
def test_a_changed_csv_cell_is_named(batch, tmp_path: Path, column: str, value: str) -> None:
    files = members(batch[0])
    rows = csv_table(files)
    row = 3 if column == "购买方税号" else 1  # the company buyer's first line
    before = rows[row][COL[column]]
    assert before and before != value
    rows[row][COL[column]] = value
    error = mismatch(batch, tmp_path, with_csv(files, rows))
    assert named(error) == (fmt.CSV, row + 1, column, before, value)
    assert error.data["count"] == 1


def test_net_and_tax_swapped_are_named(batch, tmp_path: Path) -> None:
    files = members(batch[0])
    rows = csv_table(files)
    net, tax = rows[1][COL["不含税金额"]], rows[1][COL["税额"]]
    rows[1][COL["不含税金额"]], rows[1][COL["税额"]] = tax, net
    error = mismatch(batch, tmp_path, with_csv(files, rows))
    assert named(error) == (fmt.CSV, 2, "不含税金额", net, tax)
    assert error.data["count"] == 2


def test_a_removed_injection_guard_is_named(batch, tmp_path: Path) -> None:
    files = members(batch[0])
    rows = csv_table(files)
    at = COL["购买方名称"]
    assert rows[3][at] == "'=HYPERLINK(1)"
    rows[3][at] = rows[4][at] = "=HYPERLINK(1)"
    error = mismatch(batch, tmp_path, with_csv(files, rows))
    assert named(error) == (fmt.CSV, 4, "购买方名称", "'=HYPERLINK(1)", "=HYPERLINK(1)")


def test_a_changed_amount_in_the_workbook_is_named(batch, tmp_path: Path) -> None:
    files = members(batch[0])
    edited = with_sheet(
        files, LINE_SHEET, lambda xml: re.sub(r'(<c r="H2" s="\d+"><v>)[^<]*', r"\g<1>99.00", xml)
    )
    assert edited[fmt.XLSX] != files[fmt.XLSX]
    error = mismatch(batch, tmp_path, edited)
    file, row, column, expected, found = named(error)
    assert (file, row, column) == (f"{fmt.XLSX}:发票明细信息", 2, "H 金额")
    assert found == "99.0 (float)" and expected.endswith("(number)")
    assert error.data["count"] == 1


def test_a_deleted_header_row_in_the_workbook_is_named(batch, tmp_path: Path) -> None:
    files = members(batch[0])
    edited = with_sheet(files, HEADER_SHEET, lambda xml: re.sub(r'<row r="1">.*?</row>', "", xml))
    error = mismatch(batch, tmp_path, edited)
    assert named(error)[:4] == (f"{fmt.XLSX}:发票基本信息", 1, "A 发票流水号", "发票流水号")


def test_a_rate_written_as_text_in_the_workbook_is_named(batch, tmp_path: Path) -> None:
    files = members(batch[0])

    def as_text(xml: str) -> str:
        return re.sub(
            r'<c r="I2" s="\d+"><v>([^<]*)</v></c>',
            r'<c r="I2" t="inlineStr"><is><t>\g<1></t></is></c>',
            xml,
        )

    error = mismatch(batch, tmp_path, with_sheet(files, LINE_SHEET, as_text))
    file, row, column, expected, found = named(error)
    assert (file, row, column) == (f"{fmt.XLSX}:发票明细信息", 2, "I 税率")
    assert (expected, found) == ("0.13 (number)", "0.13 (text)")
    assert error.data["count"] == 1


def test_an_untouched_batch_is_proved_by_hashes_alone(batch, monkeypatch) -> None:
    """The cell-by-cell pass (a second read, slow at 100k) runs only when something differs."""
    import shopdesk.export.derived_check as derived

    def slow(*args: object) -> list:
        raise AssertionError("the cell-by-cell pass ran on an untouched batch")

    monkeypatch.setattr(derived, "_csv_differences", slow)
    monkeypatch.setattr(derived, "_xlsx_cell_differences", slow)
    verify_batch(batch[0])


def test_a_shop_layout_is_rebuilt_from_the_manifest(shop, tmp_path: Path, monkeypatch) -> None:
    """A profile's own sheet names and columns travel in the signed manifest."""
    from shopdesk.config import ExportSettings

    layout = ExportSettings(
        line_sheet="明细",
        header_columns=(("serial", "流水号"), ("total", "价税合计")),
        line_columns=(("serial", "流水号"), ("net", "金额"), ("discount", "折扣金额")),
    )
    monkeypatch.setattr(shop, "profile", replace(shop.profile, export=layout))
    line = line_from_catalog(shop.catalog, "D001", Decimal(2))
    issue_receipt(shop, SaleDraft(lines=[line], payments=[Payment("cash")]))
    path = export_batch(shop, tmp_path / "out").path
    verify_batch(path)
    key = shop.home.key
    files = members(path)
    changed = resign(files, key, workbook__line_sheet="发票明细信息")
    with pytest.raises(BatchError) as caught:
        verify_batch(rezip(path, tmp_path / "t.zip", changed))
    assert caught.value.code == "batch.derived_mismatch"
    assert caught.value.data["column"] == "(sheets)"
