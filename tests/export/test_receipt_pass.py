"""verify-batch re-prices and rebuilds the derived files on the second core (issue 12, speed).

The per-receipt work (re-pricing, rebuilding ``receipts.csv`` and the workbook)
runs in a worker process reading the same jsonl member, while the main process
checks hashes, links and signatures. The verdicts must be exactly those of the
one-process check: the same errors, naming the same receipt, line and cell.
"""

from __future__ import annotations

import csv
import json
import os
from types import SimpleNamespace

import pytest

import shopdesk.export.receipt_pass as receipt_pass
from shopdesk.errors import BatchError
from shopdesk.export import batch_format as fmt
from shopdesk.export.batch_verifier import verify_batch
from shopdesk.ledger.canonical import canonical_json, record_hash
from tests.export.test_batch_repricing import export_with
from tests.export.test_batch_verifier import members, resign, rezip
from tests.export.test_derived_check import batch, csv_table, with_csv  # noqa: F401


@pytest.fixture
def in_worker(monkeypatch) -> list[int]:
    """Take the worker path even for a tiny batch; collects the pid each verdict came from."""
    monkeypatch.setattr(receipt_pass, "PARALLEL_FROM", 1)
    pids: list[int] = []
    result = receipt_pass.ReceiptPass.result

    def noted(self: receipt_pass.ReceiptPass) -> receipt_pass.ReceiptVerdict:
        verdict = result(self)
        pids.append(verdict.pid)
        return verdict

    monkeypatch.setattr(receipt_pass.ReceiptPass, "result", noted)
    return pids


def test_receipts_are_rebuilt_in_another_process(batch, in_worker: list[int]) -> None:  # noqa: F811
    verify_batch(batch[0])
    assert in_worker and all(pid != os.getpid() for pid in in_worker)


def test_a_changed_csv_cell_is_named_from_the_worker(batch, tmp_path, in_worker) -> None:  # noqa: F811
    files = members(batch[0])
    rows = csv_table(files)
    at = fmt.CSV_COLUMNS.index("数量")
    rows[2][at] = "3"
    signed = rezip(batch[0], tmp_path / "t.zip", resign(with_csv(files, rows), batch[1]))
    with pytest.raises(BatchError) as caught:
        verify_batch(signed)
    assert caught.value.code == "batch.derived_mismatch"
    d = caught.value.data
    assert (d["file"], d["row"], d["column"], d["found"]) == (fmt.CSV, 3, "数量", "3")


def test_a_repriced_receipt_is_named_while_the_worker_rebuilds(shop, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(receipt_pass, "PARALLEL_FROM", 1)

    def plus_one_fen(data: dict) -> dict:
        data["lines"][0]["unit_price"] = "%.2f" % (float(data["lines"][0]["unit_price"]) + 0.01)
        return data

    path = export_with(shop, tmp_path, monkeypatch, plus_one_fen)
    with pytest.raises(BatchError) as caught:
        verify_batch(path)
    assert caught.value.code == "batch.receipt_repriced"
    assert caught.value.data["number"] == "T01-00000002"


def test_an_earlier_bad_record_wins_over_a_later_repriced_one(batch, tmp_path, in_worker) -> None:  # noqa: F811
    """The first problem in journal order is named, whichever process found it."""
    files = members(batch[0])
    lines = files[fmt.JSONL].split(b"\n")
    first = json.loads(lines[0])
    first["data"]["cashier"] = "李强"  # not rehashed: bad_hash on line 1 (main process)
    lines[0] = canonical_json(first)
    at = next(i for i in range(1, len(lines)) if json.loads(lines[i])["kind"] == "receipt.issued")
    later = json.loads(lines[at])
    later["data"]["lines"][0]["unit_price"] = "0.01"  # mispriced (a later line)
    later["hash"] = record_hash(later)
    lines[at] = canonical_json(later)
    files[fmt.JSONL] = b"\n".join(lines)
    with pytest.raises(BatchError) as caught:
        verify_batch(rezip(batch[0], tmp_path / "t.zip", resign(files, batch[1])))
    assert caught.value.code == "batch.bad_record"
    assert (caught.value.data["line"], caught.value.data["reason"]) == (1, "bad_hash")


@pytest.fixture
def csv_reads(monkeypatch) -> list[int]:
    """Counts verify-batch's own reads of receipts.csv with the csv module."""
    import shopdesk.export.batch_verifier as batch_verifier

    reads: list[int] = []
    real = batch_verifier.csv.reader

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(1)
        return real(*args, **kwargs)

    # only verify-batch's own module sees the counting reader (the rebuild's cell diff does not)
    monkeypatch.setattr(batch_verifier, "csv", SimpleNamespace(reader=counted, Error=csv.Error))
    return reads


def test_a_csv_identical_to_its_rebuild_is_not_parsed_again(batch, csv_reads) -> None:  # noqa: F811
    """Issue 12, speed: byte-equal to the rebuild from checked records, so its rows add up."""
    verify_batch(batch[0])
    assert csv_reads == []


def test_a_csv_that_differs_from_its_rebuild_is_still_read_row_by_row(
    batch,  # noqa: F811
    tmp_path,
    csv_reads,
) -> None:
    files = members(batch[0])
    rows = csv_table(files)
    rows.append(rows[-1])  # one row too many: the row count says so before the cell diff
    signed = rezip(batch[0], tmp_path / "t.zip", resign(with_csv(files, rows), batch[1]))
    with pytest.raises(BatchError) as caught:
        verify_batch(signed)
    assert caught.value.code == "batch.csv_mismatch" and caught.value.data["reason"] == "totals"
    assert csv_reads == [1]


def test_records_are_walked_with_the_cycle_collector_paused(batch, monkeypatch) -> None:  # noqa: F811
    """Issue 12, speed: parsed records hold no cycles; the collector is back on afterwards."""
    import gc

    import shopdesk.export.batch_verifier as batch_verifier

    seen: list[bool] = []
    real = batch_verifier.check_records

    def noted(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_verifier, "check_records", noted)
    assert gc.isenabled()
    verify_batch(batch[0])
    assert seen == [False] and gc.isenabled()


def test_the_cycle_collector_is_back_on_after_a_failed_check(batch, tmp_path) -> None:  # noqa: F811
    import gc

    files = members(batch[0])
    rows = csv_table(files)
    rows.append(rows[-1])
    signed = rezip(batch[0], tmp_path / "t.zip", resign(with_csv(files, rows), batch[1]))
    with pytest.raises(BatchError):
        verify_batch(signed)
    assert gc.isenabled()


def test_receipts_are_repriced_by_the_main_process(batch, monkeypatch, in_worker) -> None:  # noqa: F811
    """With orjson the main pass got lighter than the worker's rebuild: re-pricing moved
    to the main process (the worker only rebuilds the derived files), so the two balance."""
    import shopdesk.export.totals as totals
    from shopdesk.domain.repricing import reprice

    priced: list[str] = []

    def counted(data: dict):  # type: ignore[no-untyped-def]
        priced.append(data["no"])
        return reprice(data)

    monkeypatch.setattr(totals, "reprice", counted)
    verify_batch(batch[0])
    assert in_worker and all(pid != os.getpid() for pid in in_worker)
    issued = members(batch[0])[fmt.JSONL].count(b'"kind":"receipt.issued"')
    assert len(priced) == issued > 0
