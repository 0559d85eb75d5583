"""invoice-import.xlsx: a discount is its own 折扣行, and every figure still adds up.

Tax platforms check 数量 × 单价 = 金额 on every line and take a discount only as
a separate negative line right after the discounted one (issue 12, item 7).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.export import batch_format as fmt
from shopdesk.export.invoice_sheet import line_cells
from shopdesk.services.export import export_batch
from shopdesk.services.sales import issue_receipt, line_from_catalog
from shopdesk.services.shop import Shop
from tests.conftest import DISCOUNT_OK

FEN = Decimal("0.01")


def sell(shop: Shop, *items: tuple[str, str, str], discount: str = "0") -> dict:
    """Sell (sku, qty, line discount) items; the receipt as the ledger stores it."""
    lines = [
        dataclasses.replace(line_from_catalog(shop.catalog, sku, Decimal(qty)), discount=Decimal(d))
        for sku, qty, d in items
    ]
    draft = SaleDraft(lines=lines, payments=[Payment("cash")], sale_discount=Decimal(discount))
    number = issue_receipt(shop, draft, approval=DISCOUNT_OK).number
    return next(
        r["data"]
        for r in shop.ledger.records()
        if r["kind"] == "receipt.issued" and r["data"]["no"] == number
    )


def sheet_lines(shop: Shop, tmp_path: Path) -> list[dict]:
    """The line sheet of a fresh export, one dict per row keyed by header."""
    summary = export_batch(shop, tmp_path / "out")
    path = tmp_path / "import.xlsx"
    with zipfile.ZipFile(summary.path) as archive:
        path.write_bytes(archive.read(fmt.XLSX))
    rows = list(load_workbook(path)["发票明细信息"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(FEN)


def test_a_discounted_line_is_the_item_at_full_price_then_a_discount_line(
    shop: Shop, tmp_path: Path
) -> None:
    receipt = sell(shop, ("I004", "1", "0.20"))  # instant noodles 2.50 at 13 %, 0.20 off: paid 2.30
    line = receipt["lines"][0]
    assert (line["unit_price"], line["amount"], line["tax"]) == ("2.50", "2.30", "0.26")

    item, discount = sheet_lines(shop, tmp_path)

    assert item["项目名称"] == discount["项目名称"] == line["name"]
    assert item["商品和服务税收分类编码"] == discount["商品和服务税收分类编码"] == line["tax_code"]
    assert item["税率"] == discount["税率"] == 0.13
    assert (
        Decimal(str(item["数量"])) * money(item["单价"]) == money(item["金额"]) == Decimal("2.50")
    )
    assert money(item["税额"]) == Decimal("0.29")  # 2.50 - round(2.50 / 1.13)
    assert discount["数量"] is None and discount["单价"] is None
    assert money(discount["金额"]) == Decimal("-0.20")
    assert money(discount["税额"]) == Decimal("-0.03")  # the pair's tax is the line's 0.26
    assert discount["发票流水号"] == item["发票流水号"] == receipt["no"]
    # 发票行性质 (optional column): 2 = 被折扣行, 1 = 折扣行, as the 金税 software numbers them
    assert [row["line_kind"] for row in line_cells(receipt)] == [("str", "2"), ("str", "1")]


def test_each_lines_share_of_a_sale_discount_is_its_own_discount_line_and_sums_hold(
    shop: Shop, tmp_path: Path
) -> None:
    receipts = [
        sell(shop, ("D001", "2", "0.50"), ("C003", "3", "0"), ("G002", "1", "0"), discount="1.37"),
        sell(shop, ("D002", "1", "0"), ("F004", "0.532", "0")),  # no discount: no 折扣行
        sell(shop, ("M001", "4", "1.00"), ("F003", "1", "0"), discount="0.05"),
    ]

    rows = sheet_lines(shop, tmp_path)

    expected_rows = sum(
        1 + (Decimal(line["discount"]) > 0) for r in receipts for line in r["lines"]
    )
    assert len(rows) == expected_rows
    by_receipt = {r["no"]: r for r in receipts}
    at = 0
    for receipt in receipts:
        for line in receipt["lines"]:
            item = rows[at]
            at += 1
            gross = Decimal(line["amount"]) + Decimal(line["discount"])
            assert money(item["金额"]) == gross
            assert (Decimal(str(item["数量"])) * money(item["单价"])).quantize(FEN) == gross
            if Decimal(line["discount"]) > 0:
                discount = rows[at]
                at += 1
                assert discount["项目名称"] == line["name"]
                assert money(discount["金额"]) == -Decimal(line["discount"])
                assert money(discount["税额"]) <= 0
                assert money(item["税额"]) + money(discount["税额"]) == Decimal(line["tax"])

    gross: dict[tuple[str, object], Decimal] = defaultdict(Decimal)
    tax: dict[tuple[str, object], Decimal] = defaultdict(Decimal)
    for row in rows:
        for key in ((row["发票流水号"], "all"), (row["发票流水号"], row["税率"])):
            gross[key] += money(row["金额"])
            tax[key] += money(row["税额"])
    rate_of = {"13": 0.13, "9": 0.09, "6": 0.06, "exempt": "免税"}
    for no, receipt in by_receipt.items():
        assert gross[no, "all"] == Decimal(receipt["total"])
        assert tax[no, "all"] == Decimal(receipt["tax"])
        for rate, totals in receipt["by_rate"].items():
            assert gross[no, rate_of[rate]] == Decimal(totals["gross"])
            assert tax[no, rate_of[rate]] == Decimal(totals["tax"])


@pytest.mark.parametrize("engine", ["isal", "zlib"])
def test_the_sheets_are_deflated_while_their_rows_are_written(
    shop: Shop, tmp_path: Path, monkeypatch, engine: str
) -> None:
    """Issue 12, speed: zipfile used to deflate each sheet (~75 MB of XML per 100k
    receipts) only after the last row; the rows are now deflated as they come, in a
    thread, and zipfile is handed those bytes: every byte of the workbook is deflated
    exactly once, with either engine, and the workbook is byte for byte the same."""
    from datetime import datetime

    from shopdesk.export import deflate
    from shopdesk.export.invoice_sheet import InvoiceSheetWriter

    if engine == "isal" and deflate.isal_zlib is None:
        pytest.skip("python-isal is not installed")
    zlib_only = deflate.zlib_only if engine == "zlib" else contextlib.nullcontext
    for _ in range(40):
        sell(shop, ("D001", "2", "0"), ("D002", "1", "0"))
    journal = shop.ledger.journal
    records = [json.loads(raw) for m in journal.months() for _, raw in journal.lines(m)]
    receipts = [r for r in records if r["kind"] == "receipt.issued"]
    moment = datetime.fromisoformat(receipts[-1]["time"])

    def build(path: Path) -> bytes:
        with zlib_only():
            writer = InvoiceSheetWriter(path, shop.profile.export, moment)
            given[0] = 0  # the package openpyxl saved around placeholder sheets
            for record in receipts:
                writer.add_receipt(record["data"], record["time"])
            writer.close()
        return path.read_bytes()

    given = [0]  # bytes given to any deflater, zipfile's own or shopdesk's, once rows come
    before = build(tmp_path / "one.xlsx")

    class Counting:
        def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
            self.inner = inner

        def compress(self, data: bytes) -> bytes:
            given[0] += len(data)
            return self.inner.compress(data)

        def flush(self) -> bytes:
            return self.inner.flush()

    def counting(real):  # type: ignore[no-untyped-def]
        def make(*args, **kwargs):  # type: ignore[no-untyped-def]
            inner = real(*args, **kwargs)
            return None if inner is None else Counting(inner)

        return make

    monkeypatch.setattr(zipfile, "_get_compressor", counting(zipfile._get_compressor))  # type: ignore[attr-defined]
    monkeypatch.setattr(deflate, "compressor", counting(deflate.compressor))
    assert build(tmp_path / "two.xlsx") == before
    with zipfile.ZipFile(tmp_path / "two.xlsx") as book:
        line_sheet = book.getinfo("xl/worksheets/sheet2.xml").file_size
        everything = sum(info.file_size for info in book.infolist())
    assert line_sheet > 20_000
    assert given[0] == everything  # no member, and no sheet, deflated twice


def test_the_sheets_are_checksummed_as_deflated_and_never_written_out(
    shop: Shop, tmp_path: Path
) -> None:
    """Issue 12, speed: each sheet's XML (~185 MB per 100k receipts) went to a temp
    file only to be read back for its CRC-32. Now the deflating thread counts and
    checksums it: while rows come, only deflated parts and openpyxl's package are
    on disk, and every entry of the workbook reads back with the CRC it states."""
    from datetime import datetime

    from shopdesk.export.invoice_sheet import InvoiceSheetWriter

    for _ in range(30):
        sell(shop, ("D001", "2", "0"), ("D002", "1", "0"))
    receipts = [r for r in shop.ledger.records() if r["kind"] == "receipt.issued"]
    folder = tmp_path / "staging"
    folder.mkdir()
    writer = InvoiceSheetWriter(
        folder / "book.xlsx", shop.profile.export, datetime.fromisoformat(receipts[-1]["time"])
    )
    for record in receipts:
        writer.add_receipt(record["data"], record["time"])
    on_disk = sorted(p.name for p in folder.iterdir())
    assert on_disk == ["book.sheet1.xml.deflated", "book.sheet2.xml.deflated", "book.skeleton.xlsx"]
    writer.close()
    assert sorted(p.name for p in folder.iterdir()) == ["book.xlsx"]
    with zipfile.ZipFile(folder / "book.xlsx") as book:
        assert book.testzip() is None  # every entry's CRC-32 and size as stated
        assert book.getinfo("xl/worksheets/sheet2.xml").file_size > 10_000
    rows = list(load_workbook(folder / "book.xlsx")["发票明细信息"].iter_rows(values_only=True))
    assert len(rows) == 1 + 2 * len(receipts)


def test_a_member_writer_without_zipfiles_private_parts_gets_the_sheet_itself(
    tmp_path: Path,
) -> None:
    """Where zipfile has no ``_compressor``/``_crc``/``_file_size`` to take the
    deflated sheet, the sheet's own bytes are written through instead."""
    import zlib

    from shopdesk.export import deflate
    from shopdesk.export.invoice_sheet import Deflated, _write_deflated

    sheet = b"".join(b'<row r="%d"><c><v>%d</v></c></row>' % (n, n * 7) for n in range(50_000))
    packer = zlib.compressobj(6, zlib.DEFLATED, deflate.RAW)
    (tmp_path / "sheet.deflated").write_bytes(packer.compress(sheet) + packer.flush())
    deflated = Deflated(tmp_path / "sheet.deflated", zlib.crc32(sheet), len(sheet))

    class PlainWriter:
        def __init__(self) -> None:
            self.parts: list[bytes] = []

        def write(self, data: bytes) -> int:
            self.parts.append(data)
            return len(data)

    out = PlainWriter()
    _write_deflated(out, deflated)  # type: ignore[arg-type]
    assert b"".join(out.parts) == sheet
