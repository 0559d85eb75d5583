"""Export checks the range in a worker while it writes (issue 12, speed), and publishes nothing
until that check has passed: ``batch.started`` comes first, then the zip's final name."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from shopdesk.errors import BatchError, LedgerTampered
from shopdesk.services import export as export_service
from shopdesk.services.export import export_batch
from shopdesk.services.shop import Shop
from tests.conftest import run_cli
from tests.printing.fixtures import sell
from tests.services.test_export import (
    test_export_refuses_a_ledger_with_a_damaged_middle_record as refuses_a_damaged_middle_record,
)

# pytest-timeout's default timer is a thread, and the worker is only forked from a
# single-threaded process (as the CLI is): time these out with SIGALRM instead.
pytestmark = pytest.mark.timeout(120, method="signal")


def _calling(real, before):  # type: ignore[no-untyped-def]
    """``real``, with ``before()`` run first at every call (a spy)."""

    def spied(*args, **kwargs):  # type: ignore[no-untyped-def]
        before()
        return real(*args, **kwargs)

    return spied


@pytest.fixture
def checked_in(monkeypatch, tmp_path) -> Path:
    """Take the worker path even for a tiny batch; the range check writes its pid here."""
    monkeypatch.setattr(export_service, "BACKGROUND_CHECK_FROM", 1)
    note = tmp_path / "checked-in.txt"

    def noted() -> None:
        with note.open("a") as handle:
            handle.write(f"{os.getpid()}\n")

    monkeypatch.setattr(
        export_service, "verify_range", _calling(export_service.verify_range, noted)
    )
    return note


def _kinds(home: Path) -> list[str]:
    (part,) = (home / "ledger").glob("journal-*.jsonl")
    return [json.loads(raw)["kind"] for raw in part.read_bytes().splitlines()]


def test_the_range_is_checked_in_another_process(home, clock, tmp_path, checked_in) -> None:
    out = tmp_path / "out"
    with Shop.open(home, clock=clock) as shop:
        sell(shop, "D001")
        done = export_batch(shop, out)
    assert [int(pid) for pid in checked_in.read_text().split()] != [os.getpid()]
    assert len(checked_in.read_text().split()) == 1
    assert done.path.exists() and _kinds(home)[-2:] == ["batch.started", "batch.exported"]


def test_a_damaged_range_found_in_the_worker_publishes_nothing(
    home, clock, tmp_path, checked_in
) -> None:
    # the one-process test's damaged middle record, error and empty folder, now from the worker
    refuses_a_damaged_middle_record(home, clock, tmp_path)
    assert "batch.started" not in _kinds(home)
    pids = [int(pid) for pid in checked_in.read_text().split()]
    assert pids and os.getpid() not in pids


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs."""


def test_batch_started_is_recorded_before_the_zip_has_its_final_name(
    home, clock, tmp_path, checked_in, monkeypatch
) -> None:
    out = tmp_path / "out"
    real_replace = os.replace

    def die_at_rename(source, target):  # type: ignore[no-untyped-def]
        if str(target).endswith(".zip"):
            raise _Killed
        return real_replace(source, target)

    with Shop.open(home, clock=clock) as shop:
        sell(shop, "D001")
        monkeypatch.setattr(os, "replace", die_at_rename)
        with pytest.raises(_Killed):
            export_batch(shop, out)
        monkeypatch.undo()
    assert _kinds(home)[-1] == "batch.started"
    assert list(out.glob("*.zip")) == []


def test_the_workbook_is_built_in_another_process_with_the_same_bytes(
    home, clock, tmp_path, monkeypatch
) -> None:
    """Issue 12, speed: the workbook built by two processes (the line sheet in the
    worker, the header sheet in the writer's pass) is the one the pass alone builds."""
    from shopdesk.export import batch_writer

    monkeypatch.setattr(batch_writer, "WORKBOOK_WORKER_FROM", 1)
    note = tmp_path / "built-in.txt"
    monkeypatch.setattr(
        batch_writer,
        "build_line_sheet",
        _calling(batch_writer.build_line_sheet, lambda: note.write_text(str(os.getpid()))),
    )
    with Shop.open(home, clock=clock) as shop:
        for _ in range(3):
            sell(shop, "D001")
        first = export_batch(shop, tmp_path / "worker")
        assert int(note.read_text()) != os.getpid()
        monkeypatch.setattr(batch_writer, "WORKBOOK_WORKER_FROM", 10**9)
        note.unlink()
        again = export_batch(shop, tmp_path / "in-process", again=first.batch_id)
        assert not note.exists()  # built in the writer's own pass this time
    assert again.matches_recorded and again.sha256 == first.sha256


def test_the_range_check_builds_the_workbook_from_the_records_it_checked(
    home, clock, tmp_path, checked_in, monkeypatch
) -> None:
    """Issue 12, speed: one worker checks the range and builds the workbook from the
    records it has just parsed (not a second worker reading and parsing the journal
    again); the workbook and the zip are the bytes the one-process export writes."""
    from shopdesk.export import batch_writer, invoice_sheet

    monkeypatch.setattr(batch_writer, "WORKBOOK_WORKER_FROM", 1)
    built = tmp_path / "built-in.txt"

    class NotedSheet(invoice_sheet.LineSheet):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            with built.open("a") as handle:
                handle.write(f"{os.getpid()}\n")
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(batch_writer, "LineSheet", NotedSheet)
    monkeypatch.setattr(invoice_sheet, "LineSheet", NotedSheet)
    with Shop.open(home, clock=clock) as shop:
        for _ in range(3):
            sell(shop, "D001")
        first = export_batch(shop, tmp_path / "worker")
        checked, sheets = checked_in.read_text().split(), built.read_text().split()
        assert len(checked) == 1 and sheets == checked and int(checked[0]) != os.getpid()
        monkeypatch.setattr(batch_writer, "WORKBOOK_WORKER_FROM", 10**9)
        monkeypatch.setattr(export_service, "BACKGROUND_CHECK_FROM", 10**9)
        again = export_batch(shop, tmp_path / "in-process", again=first.batch_id)
    assert again.matches_recorded and again.sha256 == first.sha256
    assert built.read_text().split()[-1] == str(os.getpid())  # built in the writer's pass


def test_with_threads_running_the_range_is_checked_first_in_process(
    home, clock, tmp_path, checked_in
) -> None:
    """The app has threads, so no worker is forked: the check then runs first, in this
    process, and a damaged range still publishes nothing (as with the worker)."""
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        refuses_a_damaged_middle_record(home, clock, tmp_path)
    finally:
        stop.set()
        other.join()
    assert "batch.started" not in _kinds(home)
    assert [int(pid) for pid in checked_in.read_text().split()] == [os.getpid()]


def _forge_signature(home: Path, seq: int) -> None:
    """Change one character of record ``seq``'s signature; its content and hash stay right."""
    (part,) = (home / "ledger").glob("journal-*.jsonl")
    lines = part.read_bytes().split(b"\n")
    for index, raw in enumerate(lines):
        if raw and json.loads(raw)["seq"] == seq:
            sig = json.loads(raw)["sig"]
            lines[index] = raw.replace(
                sig.encode(), (("A" if sig[0] != "A" else "B") + sig[1:]).encode()
            )
    part.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize("worker", [True, False])
def test_a_bad_signature_stops_the_export_and_publishes_nothing(
    home, clock, tmp_path, monkeypatch, worker: bool
) -> None:
    """The range check has the batch rule's signatures, in the worker beside the
    writer's pass (issue 12, speed) or first, in this process. A record whose
    signature alone was damaged still stops the export, named as the full check
    names it, and nothing is published."""
    from shopdesk.export import batch_writer
    from shopdesk.ledger import verify

    monkeypatch.setattr(export_service, "BACKGROUND_CHECK_FROM", 1 if worker else 10**9)
    monkeypatch.setattr(batch_writer, "WORKBOOK_WORKER_FROM", 1 if worker else 10**9)
    note = tmp_path / "verified-in.txt"

    def noted() -> None:
        with note.open("a") as handle:
            handle.write(f"{os.getpid()}\n")

    monkeypatch.setattr(verify, "verify_signature", _calling(verify.verify_signature, noted))
    with Shop.open(home, clock=clock) as shop:
        for _ in range(3):
            sell(shop, "D001")
        good = export_batch(shop, tmp_path / "good")
        assert good.path.exists()
        pids = {int(pid) for pid in note.read_text().split()}
        assert (os.getpid() not in pids) if worker else (pids == {os.getpid()})
        for _ in range(3):
            sell(shop, "D001")
    kinds = _kinds(home)
    middle = max(i for i, k in enumerate(kinds, 1) if k == "receipt.issued") - 2
    assert kinds[middle - 1] == "receipt.issued"  # seq = line number: one month, from 1
    _forge_signature(home, middle)
    out = tmp_path / "out"
    before = _kinds(home)
    with Shop.open(home, clock=clock) as shop:
        with pytest.raises(LedgerTampered) as caught:
            export_batch(shop, out)
        assert caught.value.code == "export.ledger_damaged"
        assert caught.value.data["seq"] == middle
        assert caught.value.data["reason"] == "verify.reason.bad_signature"
        assert len(shop.ledger.view.batches) == 1
    assert _kinds(home) == before  # no batch.started for it
    assert not out.exists() or list(out.glob("*.zip")) == []


def _wrong_lines(data: dict) -> dict:
    return {**data, "lines": 5}


def _rseq_beyond_64_bits(data: dict) -> dict:
    return {**data, "rseq": 2**64 + 2}  # orjson would read it as a float


def _rseq_skipped(data: dict) -> dict:
    return {**data, "rseq": 3}


@pytest.mark.parametrize("worker", [True, False])
@pytest.mark.parametrize("change", [_wrong_lines, _rseq_beyond_64_bits, _rseq_skipped])
def test_a_signed_receipt_shopdesk_did_not_make_refuses_the_export_by_name(
    home, clock, tmp_path, monkeypatch, worker: bool, change
) -> None:
    """A record signed with the shop's key but not made by the till (a bug, or
    someone with the key): the export is refused naming its sequence, as
    ``shopdesk verify`` would, not ended by a traceback; it never publishes a
    batch numbered after it. Either process may be the one that finds it."""
    from shopdesk.export import batch_writer

    monkeypatch.setattr(export_service, "BACKGROUND_CHECK_FROM", 1 if worker else 10**9)
    monkeypatch.setattr(batch_writer, "WORKBOOK_WORKER_FROM", 1 if worker else 10**9)
    with Shop.open(home, clock=clock) as shop:
        sell(shop, "D001")
        first = shop.ledger.record_at(shop.ledger.view.by_rseq[-1])
        assert first is not None
        data = {**first["data"], "no": "T01-00000002", "rseq": 2}
        wrong = shop.ledger.append("receipt.issued", change(data), clock())
        sell(shop, "D001")
    out = tmp_path / "out"
    before = _kinds(home)
    with Shop.open(home, clock=clock) as shop:
        with pytest.raises((LedgerTampered, BatchError)) as caught:
            export_batch(shop, out)
        assert shop.ledger.view.batches == []
    if isinstance(caught.value, LedgerTampered):
        assert caught.value.code == "export.ledger_damaged"
        assert caught.value.data["reason"] == "verify.reason.receipt_arithmetic"
    else:
        assert caught.value.code == "export.ledger_broken"
    assert caught.value.data["seq"] == wrong["seq"]
    assert _kinds(home) == before
    assert not out.exists() or list(out.glob("*.zip")) == []
    if not worker:  # the shopkeeper's view of the same refusal
        cli = run_cli("--home", home, "export", "--out", tmp_path)
        assert cli.returncode != 0 and "Traceback" not in cli.stderr
        assert f"sequence {wrong['seq']}" in cli.stderr and "shopdesk verify" in cli.stderr
        assert _kinds(home) == before and list(tmp_path.glob("*.zip")) == []
