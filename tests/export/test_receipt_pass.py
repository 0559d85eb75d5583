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


def _lines(files: dict[str, bytes]) -> list[bytes]:
    return files[fmt.JSONL].split(b"\n")


def _with_lines(batch, tmp_path, files: dict[str, bytes], lines: list[bytes], name: str):  # noqa: F811
    files = {**files, fmt.JSONL: b"\n".join(lines)}
    return rezip(batch[0], tmp_path / name, resign(files, batch[1]))


def _forged_signature(line: bytes, other: bytes) -> bytes:
    """``line`` with another record's signature: its hash still right, its signature not."""
    record = json.loads(line)
    record["sig"] = json.loads(other)["sig"]
    return canonical_json(record)


def _line_of(lines: list[bytes], kind: str, **data) -> int:
    return next(
        i
        for i, raw in enumerate(lines)
        if raw
        and json.loads(raw)["kind"] == kind
        and all(json.loads(raw)["data"].get(k) == v for k, v in data.items())
    )


@pytest.mark.parametrize("where", ["worker", "main"])
def test_an_earlier_bad_signature_wins_over_a_later_repriced_receipt(
    batch,  # noqa: F811
    tmp_path,
    monkeypatch,
    where: str,
) -> None:
    """The first problem in journal order, also when it is a signature: before, a later
    receipt's figures were named while the signatures collected so far were never checked."""
    if where == "worker":
        monkeypatch.setattr(receipt_pass, "PARALLEL_FROM", 1)
    files = members(batch[0])
    lines = _lines(files)
    first = _line_of(lines, "receipt.issued")
    lines[first] = _forged_signature(lines[first], lines[first + 1])
    later = max(i for i, raw in enumerate(lines) if raw and b'"receipt.issued"' in raw)
    record = json.loads(lines[later])
    record["data"]["lines"][0]["unit_price"] = "0.01"
    record["hash"] = record_hash(record)
    lines[later] = canonical_json(record)
    with pytest.raises(BatchError) as caught:
        verify_batch(_with_lines(batch, tmp_path, files, lines, "t.zip"))
    assert caught.value.code == "batch.bad_record"
    seq = json.loads(lines[first])["seq"]
    assert caught.value.data == {"line": first + 1, "seq": seq, "reason": "bad_signature"}


def test_the_rules_signatures_are_checked_by_the_worker(batch, tmp_path, monkeypatch) -> None:  # noqa: F811
    """Every void and every buyer with a tax id, whatever the sample draws (here nothing)."""
    from shopdesk.ledger import verify

    monkeypatch.setattr(verify, "SIGNATURE_SAMPLE", 0)
    monkeypatch.setattr(receipt_pass, "PARALLEL_FROM", 1)
    checked: list[int] = []
    real = receipt_pass.verify_signature

    def noted(key, message: bytes, signature: str) -> bool:  # type: ignore[no-untyped-def]
        checked.append(1)
        return real(key, message, signature)

    monkeypatch.setattr(receipt_pass, "verify_signature", noted)  # seen by the forked worker
    files = members(batch[0])
    lines = _lines(files)
    assert verify_batch(batch[0]).batch_id and checked == []  # the worker's list, not ours
    buyer = next(i for i, raw in enumerate(lines) if b'"tax_id":"9' in raw)
    void = _line_of(lines, "receipt.voided")
    plain = _line_of(lines, "receipt.issued", buyer=None)
    for at, name in ((buyer, "b.zip"), (void, "v.zip")):
        forged = list(lines)
        forged[at] = _forged_signature(lines[at], lines[plain])
        with pytest.raises(BatchError) as caught:
            verify_batch(_with_lines(batch, tmp_path, files, forged, name))
        assert (caught.value.data["line"], caught.value.data["reason"]) == (at + 1, "bad_signature")
    forged = list(lines)
    forged[plain] = _forged_signature(lines[plain], lines[void])
    assert verify_batch(_with_lines(batch, tmp_path, files, forged, "p.zip")).batch_id


@pytest.mark.parametrize("where", ["worker", "main"])
def test_a_line_the_worker_cannot_read_a_signature_from_is_the_main_process_s(
    batch,  # noqa: F811
    tmp_path,
    monkeypatch,
    where: str,
) -> None:
    """Not canonical (a space before its end) and signed with garbage: ``non_canonical``,
    what the main process says of that line, not the worker's ``bad_signature``."""
    if where == "worker":
        monkeypatch.setattr(receipt_pass, "PARALLEL_FROM", 1)
    files = members(batch[0])
    lines = _lines(files)
    at = _line_of(lines, "receipt.voided")
    record = json.loads(lines[at])
    record["sig"] = "not base64"
    record["hash"] = record_hash(record)
    lines[at] = canonical_json(record)[:-1] + b" }"
    with pytest.raises(BatchError) as caught:
        verify_batch(_with_lines(batch, tmp_path, files, lines, "t.zip"))
    assert (caught.value.data["line"], caught.value.data["reason"]) == (at + 1, "non_canonical")


def _renumbered(batch, tmp_path, start: int, cell=str, extra: dict | None = None):  # noqa: F811
    """The batch with its receipts numbered from ``start`` on, rechained and signed again
    with the shop's key; ``cell`` writes the number into receipts.csv; ``extra``: more
    fields for each receipt's data."""
    from shopdesk.ledger.keys import load_private_key, sign

    key = load_private_key(batch[1])
    files = members(batch[0])
    prev = json.loads(files[fmt.MANIFEST])["journal"]["prev_head"]
    lines, numbers, rseq = [], {}, start
    for raw in _lines(files):
        if not raw:
            lines.append(raw)
            continue
        record = json.loads(raw)
        if record["kind"] == "receipt.issued":
            numbers[record["data"]["no"]] = cell(rseq)
            record["data"]["rseq"] = rseq
            record["data"].update(extra or {})
            rseq += 1
        record["prev"] = prev
        record["hash"] = prev = record_hash(record)
        record["sig"] = sign(key, prev.encode("ascii"))
        lines.append(canonical_json(record))
    rows = csv_table(files)
    no_at, rseq_at = fmt.CSV_COLUMNS.index("收据号"), fmt.CSV_COLUMNS.index("收据序号")
    for row in rows[1:]:
        row[rseq_at] = numbers[fmt.code_value(row[no_at])]
    files = {**with_csv(files, rows), fmt.JSONL: b"\n".join(lines)}
    changes = {
        "receipts__first_rseq": start,
        "receipts__last_rseq": rseq - 1,
        "journal__head": prev,
    }
    name = f"r{start}-{cell is str}-{bool(extra)}.zip"
    return rezip(batch[0], tmp_path / name, resign(files, batch[1], **changes))


def _as_float(number: int) -> str:
    return str(float(number))


def test_a_number_beyond_64_bits_is_read_exactly_by_the_worker(
    batch,  # noqa: F811
    tmp_path,
    in_worker,
    monkeypatch,
) -> None:
    """On a plain line (no float) the worker's quick parse is exact for an int of any
    size, so no redo is needed: a CSV written from orjson's float is refused there."""
    assert verify_batch(_renumbered(batch, tmp_path, 2**64)).batch_id
    assert in_worker and os.getpid() not in in_worker
    monkeypatch.setattr(receipt_pass.ReceiptPass, "redo_exactly", lambda self: None)
    with pytest.raises(BatchError) as caught:
        verify_batch(_renumbered(batch, tmp_path, 2**64, _as_float))
    assert (caught.value.code, caught.value.data["column"]) == (
        "batch.derived_mismatch",
        "收据序号",
    )


def test_beside_a_float_a_number_beyond_64_bits_is_read_exactly_by_the_redo(
    batch,  # noqa: F811
    tmp_path,
    in_worker,
    monkeypatch,
) -> None:
    """A line with a float is not plain: the worker's quick parse (orjson's) then reads an
    int beyond 64 bits as a float too; the main process's exact parse met such a line, so
    the pass is done again, exactly, here: a CSV written from the float is not what the
    records say."""
    weight = {"weight_kg": 1.5}  # a float: json spells it as it reads it, so canonical
    assert verify_batch(_renumbered(batch, tmp_path, 7, extra=weight)).batch_id
    assert in_worker[-1] == os.getpid()
    assert verify_batch(_renumbered(batch, tmp_path, 2**64, extra=weight)).batch_id
    assert in_worker[-1] == os.getpid()

    misread = _renumbered(batch, tmp_path, 2**64, _as_float, extra=weight)
    with pytest.raises(BatchError) as caught:
        verify_batch(misread)
    d = caught.value.data
    assert caught.value.code == "batch.derived_mismatch"
    assert (d["column"], d["expected"], d["found"]) == (
        "收据序号",
        "18446744073709551616",
        "1.8446744073709552e+19",
    )
    monkeypatch.setattr(receipt_pass.ReceiptPass, "redo_exactly", lambda self: None)
    assert verify_batch(misread).batch_id  # what the quick parse alone would have let through


def test_a_number_beyond_64_bits_is_read_exactly_in_one_process_too(batch, tmp_path) -> None:  # noqa: F811
    misread = _renumbered(batch, tmp_path, 2**64, _as_float)
    with pytest.raises(BatchError) as caught:
        verify_batch(misread)
    assert (caught.value.code, caught.value.data["column"]) == (
        "batch.derived_mismatch",
        "收据序号",
    )


@pytest.mark.parametrize("where", ["worker", "main"])
def test_a_changed_workbook_is_named_before_any_record(
    batch,  # noqa: F811
    tmp_path,
    monkeypatch,
    where: str,
) -> None:
    """The worker hashes the workbook before it reads a record; its verdict comes first,
    as when the main process hashed it before the walk."""
    if where == "worker":
        monkeypatch.setattr(receipt_pass, "PARALLEL_FROM", 1)
    files = members(batch[0])
    lines = _lines(files)
    lines[0] = lines[0].replace(b'"v":1', b'"v": 1', 1)  # non_canonical on line 1 too
    book = bytearray(files[fmt.XLSX])
    book[-30] ^= 0x01
    files = {**files, fmt.XLSX: bytes(book), fmt.JSONL: b"\n".join(lines)}
    with pytest.raises(BatchError) as caught:
        verify_batch(rezip(batch[0], tmp_path / "t.zip", files))
    assert (caught.value.code, caught.value.data) == ("batch.file_hash", {"name": fmt.XLSX})


def test_a_csv_that_is_not_the_signed_one_is_named_by_its_hash(batch, tmp_path, in_worker) -> None:  # noqa: F811
    """The rebuild matches the manifest, the member does not: hashed in the worker now."""
    files = members(batch[0])
    files = {**files, fmt.CSV: files[fmt.CSV] + b"\r\n"}
    with pytest.raises(BatchError) as caught:
        verify_batch(rezip(batch[0], tmp_path / "t.zip", files))
    assert (caught.value.code, caught.value.data) == ("batch.file_hash", {"name": fmt.CSV})
    assert in_worker and os.getpid() not in in_worker
