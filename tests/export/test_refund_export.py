"""Refunds in the batch: red-letter (红字) rows the accountant issues the red invoice from.

Issue 13, item 7: a refund is exported on its own (even in a batch with no new
receipt), as negative rows naming the original receipt and its official invoice
number, counted and totalled in the manifest; verify-batch rebuilds those rows
from the signed refund records and names a tampered cell.
"""

from __future__ import annotations

import csv
import io
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from shopdesk.errors import BatchError, NotFound
from shopdesk.export import batch_format as fmt
from shopdesk.export.batch_verifier import verify_batch
from shopdesk.services.approval import approve
from shopdesk.services.export import export_batch
from shopdesk.services.reconcile import reconcile
from shopdesk.services.returns import return_items
from shopdesk.services.shop import Shop
from tests.export.test_batch_verifier import members, resign, rezip
from tests.printing.fixtures import sell

INVOICE = "26112000000000000042"


def give_back(shop: Shop, number: str, *lines: tuple[int, Decimal | None]) -> str:
    approval = approve(shop, "return", "1234")
    return return_items(shop, number, list(lines), reason="坏了", approval=approval).number


def csv_rows(files: dict[str, bytes]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(files[fmt.CSV].decode("utf-8-sig"), newline=""))
    return list(reader)


def sheet_rows(files: dict[str, bytes]) -> tuple[list[tuple], list[tuple]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(files[fmt.XLSX]), read_only=True, data_only=True)
    try:
        return tuple(list(book[name].iter_rows(values_only=True)) for name in book.sheetnames)
    finally:
        book.close()


@pytest.fixture
def refund_batch(shop: Shop, tmp_path: Path) -> tuple[Path, str, str]:
    """(second batch, original, refund): the original exported and reconciled, then a return."""
    original = sell(shop, "D001x3", "D004")
    export_batch(shop, tmp_path / "out")
    mapping = tmp_path / "map.csv"
    mapping.write_text(f"收据号,发票号码\n{original},{INVOICE}\n", encoding="utf-8")
    reconcile(shop, mapping)
    refund = give_back(shop, original, (1, Decimal(2)))
    return export_batch(shop, tmp_path / "out").path, original, refund


def test_a_refund_alone_is_exported_and_then_counts_as_exported(
    shop: Shop, tmp_path: Path, refund_batch
) -> None:
    path, _, refund = refund_batch
    manifest = json.loads(members(path)[fmt.MANIFEST])
    assert manifest["counts"]["issued"] == 0
    assert manifest["refunds"]["count"] == 1
    assert manifest["refunds"]["numbers"] == [refund]
    assert path.name.endswith("-returns.zip")
    with pytest.raises(NotFound):
        export_batch(shop, tmp_path / "out")
    verify_batch(path)


def test_refund_rows_are_negative_and_name_the_original_and_its_invoice(refund_batch) -> None:
    path, original, refund = refund_batch
    files = members(path)
    (row,) = csv_rows(files)
    assert row["收据号"] == f'="{refund}"'
    assert row["状态"] == fmt.CSV_REFUND == "退货/红字"
    assert (row["数量"], row["金额"]) == ("-2", "-" + row["金额"].lstrip("-"))
    assert row["原收据号"] == f'="{original}"'
    assert row["原发票号码"] == f'="{INVOICE}"'
    assert Decimal(row["收据合计"]) < 0
    headers, lines = sheet_rows(files)
    assert headers[1][0] == refund
    assert "红字" in headers[1][3] and original in headers[1][3] and INVOICE in headers[1][3]
    assert lines[1][5] == -2 and lines[1][7] < 0
    manifest = json.loads(files[fmt.MANIFEST])
    assert manifest["refunds"]["gross"] == row["金额"].lstrip("-")
    assert manifest["net_of_refunds"]["gross"] == "-" + row["金额"].lstrip("-")


def test_a_refund_after_the_last_receipt_rides_in_a_batch_with_receipts(
    shop: Shop, tmp_path: Path
) -> None:
    original = sell(shop, "D001x2")
    refund = give_back(shop, original, (1, Decimal(1)))
    path = export_batch(shop, tmp_path / "out").path
    manifest = json.loads(members(path)[fmt.MANIFEST])
    assert manifest["refunds"]["numbers"] == [refund]
    sold = Decimal(manifest["totals"]["gross"])
    back = Decimal(manifest["refunds"]["gross"])
    assert Decimal(manifest["net_of_refunds"]["gross"]) == sold - back
    rows = csv_rows(members(path))
    assert [r["状态"] for r in rows] == [fmt.CSV_VALID, fmt.CSV_REFUND]
    assert rows[0]["原收据号"] == "" and rows[1]["原发票号码"] == ""
    verify_batch(path)


@pytest.mark.parametrize("worker", [False, True])
def test_a_tampered_refund_row_is_named(
    refund_batch, home: Path, tmp_path: Path, monkeypatch, worker: bool
) -> None:
    import shopdesk.export.receipt_pass as receipt_pass

    if worker:  # the second-core pass of a large batch finds it the same way
        monkeypatch.setattr(receipt_pass, "PARALLEL_FROM", 1)
    path, _, _ = refund_batch
    files = members(path)
    text = files[fmt.CSV].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    at = rows[0].index("金额")
    before = rows[1][at]
    rows[1][at] = "-0.01"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    files = {**files, fmt.CSV: ("\ufeff" + out.getvalue()).encode()}
    key = home / "keys" / "terminal.key"
    signed = rezip(path, tmp_path / "t.zip", resign(files, key))
    with pytest.raises(BatchError) as caught:
        verify_batch(signed)
    d = caught.value.data
    assert caught.value.code == "batch.derived_mismatch", caught.value
    assert (d["file"], d["row"], d["column"], d["expected"], d["found"]) == (
        fmt.CSV,
        2,
        "金额",
        before,
        "-0.01",
    )


def test_a_manifest_that_hides_a_refund_fails(refund_batch, home: Path, tmp_path: Path) -> None:
    path, _, _ = refund_batch
    files = members(path)
    key = home / "keys" / "terminal.key"
    signed = rezip(path, tmp_path / "t.zip", resign(files, key, refunds__gross="0.01"))
    with pytest.raises(BatchError) as caught:
        verify_batch(signed)
    assert caught.value.code == "batch.totals_mismatch"
    assert caught.value.data["field"] == "refunds.gross"


def test_a_refund_signed_with_wrong_figures_is_named(
    shop: Shop, tmp_path: Path, monkeypatch
) -> None:
    """A refund the shop's key signed, self-consistent but a fen over its share, fails."""
    import shopdesk.services.returns as returns

    made = returns.refund_lines

    def a_fen_more(*args, **kwargs) -> list[dict]:  # type: ignore[no-untyped-def]
        lines = made(*args, **kwargs)
        lines[0]["amount"] = str(Decimal(lines[0]["amount"]) + Decimal("0.01"))
        lines[0]["tax"] = str(Decimal(lines[0]["tax"]) + Decimal("0.01"))
        return lines

    original = sell(shop, "D001x3")
    monkeypatch.setattr(returns, "refund_lines", a_fen_more)
    refund = give_back(shop, original, (1, Decimal(1)))
    monkeypatch.undo()
    path = export_batch(shop, tmp_path / "out").path
    with pytest.raises(BatchError) as caught:
        verify_batch(path)
    assert caught.value.code == "batch.refund_arithmetic"
    assert caught.value.data == {"number": refund, "reason": "line"}


def test_a_manifest_claiming_refunds_the_records_lack_fails(
    home: Path, shop: Shop, tmp_path
) -> None:
    sell(shop, "D001")
    path = export_batch(shop, tmp_path / "out").path
    files = members(path)
    claimed = {"count": 1, "numbers": ["T01-RF-00000001"], "gross": "3.00"}
    signed = rezip(
        path, tmp_path / "t.zip", resign(files, home / "keys" / "terminal.key", refunds=claimed)
    )
    with pytest.raises(BatchError) as caught:
        verify_batch(signed)
    assert caught.value.code == "batch.count_mismatch"
    assert caught.value.data == {"field": "refunds", "stated": 1, "found": 0}


@pytest.mark.timeout(120, method="signal")  # a timer thread would stop the fork
def test_refund_rows_built_by_the_workbook_worker_are_the_same_bytes(
    shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large export builds the workbook in a second process (issue 12, speed): its
    red-letter rows must be the writer's own, numbered on with the receipts' rows."""
    from shopdesk.export import batch_writer

    original = sell(shop, "D001x3", "D004")
    sell(shop, "D002")
    give_back(shop, original, (1, Decimal(2)))
    sell(shop, "D003")
    monkeypatch.setattr(batch_writer, "WORKBOOK_WORKER_FROM", 1)
    real, pids = batch_writer.build_line_sheet, tmp_path / "pid"

    def noted(*args, **kwargs):  # type: ignore[no-untyped-def]
        pids.write_text(str(os.getpid()))
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_writer, "build_line_sheet", noted)
    first = export_batch(shop, tmp_path / "worker")
    assert int(pids.read_text()) != os.getpid()  # it ran in the worker
    verify_batch(first.path)
    monkeypatch.setattr(batch_writer, "WORKBOOK_WORKER_FROM", 10**9)
    again = export_batch(shop, tmp_path / "in-process", again=first.batch_id)
    assert again.matches_recorded and again.sha256 == first.sha256
    headers, _ = sheet_rows(members(first.path))
    assert sum(1 for row in headers if row and "红字" in str(row)) == 1
