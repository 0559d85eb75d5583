"""Exporting a batch: only a ledger that verifies, and never two batches under one id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shopdesk.errors import LedgerError, LedgerTampered
from shopdesk.services import export as export_service
from shopdesk.services.export import export_batch
from shopdesk.services.shop import Shop
from tests.printing.fixtures import sell


def _rewrite_line(home: Path, seq: int, change) -> None:
    """Edit the record ``seq`` in place (the tamper tests' damaged middle record)."""
    (part,) = (home / "ledger").glob("journal-*.jsonl")
    lines = part.read_bytes().split(b"\n")
    for index, raw in enumerate(lines):
        if raw and json.loads(raw)["seq"] == seq:
            lines[index] = change(raw)
    part.write_bytes(b"\n".join(lines))


def _receipt_seqs(home: Path) -> list[int]:
    (part,) = (home / "ledger").glob("journal-*.jsonl")
    records = [json.loads(raw) for raw in part.read_bytes().splitlines()]
    return [r["seq"] for r in records if r["kind"] == "receipt.issued"]


def test_export_refuses_a_ledger_with_a_damaged_middle_record(home, clock, tmp_path):
    """Issue 11 item 9: a receipt whose total was edited must not be signed into a batch."""
    with Shop.open(home, clock=clock) as shop:
        for _ in range(3):
            sell(shop, "D001")
    middle = _receipt_seqs(home)[1]
    _rewrite_line(home, middle, lambda raw: raw.replace(b'"total":"', b'"total":"1', 1))
    out = tmp_path / "out"
    with Shop.open(home, clock=clock) as shop:
        with pytest.raises(LedgerTampered) as caught:
            export_batch(shop, out)
        assert caught.value.code == "export.ledger_damaged"
        assert caught.value.data["seq"] == middle
        assert caught.value.data["reason"] == "verify.reason.bad_hash"
        assert shop.ledger.view.batches == []
    assert not out.exists() or list(out.iterdir()) == []


def test_export_checks_the_signature_of_the_last_record_it_exports(home, clock, tmp_path):
    """The newest record's signature authenticates the chain, so it is always checked."""
    with Shop.open(home, clock=clock) as shop:
        sell(shop, "D001")
        sell(shop, "D001")
    last = _receipt_seqs(home)[-1]

    def forge(raw: bytes) -> bytes:
        record = json.loads(raw)
        sig = record["sig"]
        return raw.replace(sig.encode(), (("A" if sig[0] != "A" else "B") + sig[1:]).encode())

    _rewrite_line(home, last, forge)
    # a writer checks the newest record's signature when it opens: export never starts
    with pytest.raises(LedgerError) as caught:
        Shop.open(home, clock=clock)
    assert caught.value.code == "ledger.damaged_record" and caught.value.data["seq"] == last
    assert not (tmp_path / "out").exists()


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even ``except Exception``."""


def test_a_kill_after_the_zip_is_renamed_never_gives_a_second_different_batch(
    home, clock, tmp_path, monkeypatch
):
    """Issue 11 item 8: the zip is final but ``batch.exported`` never got written."""
    out = tmp_path / "out"
    real_write = export_service.write_batch

    def write_then_die(*args, **kwargs):
        real_write(*args, **kwargs)  # renamed to its final name and fsynced
        raise _Killed

    with Shop.open(home, clock=clock) as shop:
        sell(shop, "D001")
        sell(shop, "D001")
        monkeypatch.setattr(export_service, "write_batch", write_then_die)
        with pytest.raises(_Killed):
            export_batch(shop, out)
        monkeypatch.undo()
    (first,) = out.glob("*.zip")
    first_bytes = first.read_bytes()
    clock.advance(hours=1)
    with Shop.open(home, clock=clock) as shop:
        sell(shop, "D001")  # a receipt the interrupted batch does not hold
        again = export_batch(shop, out)
        # every zip that calls itself B0001 holds the same bytes: the one already out there
        b0001 = [p for p in out.glob("*.zip") if "-B0001-" in p.name]
        assert [p.read_bytes() for p in b0001] == [first_bytes]
        after = export_batch(shop, out)
        recorded = shop.ledger.view.batches
    assert again.batch_id == first.stem and again.resumed
    assert recorded[0]["sha256"] == again.sha256
    assert after.batch_id == "T01-B0002-00000003-00000003"
    assert [b["batch_no"] for b in recorded] == [1, 2]
