"""The journal keeps every acknowledged record through torn writes, full disks and rivals."""

from __future__ import annotations

import itertools
import json
import os
import resource
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from shopdesk.errors import LedgerError, LedgerLocked
from shopdesk.ledger.canonical import canonical_json, record_hash
from shopdesk.ledger.journal import Journal
from shopdesk.ledger.keys import (
    create_private_key,
    load_private_key,
    load_public_key,
    public_key_pem,
)
from shopdesk.ledger.store import Ledger
from shopdesk.ledger.verify import verify_journal
from tests.conftest import BEIJING, cli_env


def _ledger(tmp_path: Path) -> tuple[Ledger, Path]:
    key = create_private_key(tmp_path / "k.pem")
    (tmp_path / "k.pub").write_bytes(public_key_pem(key.public_key()))
    return Ledger.open(tmp_path / "ledger", key, "T01"), tmp_path / "ledger"


def _t(day: int, month: int = 11, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=BEIJING)


def test_records_survive_reopen_in_order_with_chain(tmp_path: Path) -> None:
    ledger, folder = _ledger(tmp_path)
    for i in range(5):
        ledger.append("outage.started" if i == 0 else "receipt.voided", {"no": f"X{i}"}, _t(1))
    ledger.close()
    reopened = Ledger.open(folder, None, "T01", readonly=True)
    records = list(reopened.records())
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    assert all(b["prev"] == a["hash"] for a, b in itertools.pairwise(records))
    assert reopened.head_seq == 5 and reopened.head_hash == records[-1]["hash"]
    reopened.close()


def test_new_month_starts_a_new_partition_and_the_chain_continues(tmp_path: Path) -> None:
    ledger, folder = _ledger(tmp_path)
    ledger.append("outage.started", {}, _t(30, 10))
    ledger.append("outage.ended", {}, _t(1, 11))
    # a clock corrected back never reopens a finished month
    ledger.append("clock.corrected", {}, _t(31, 10))
    ledger.close()
    assert sorted(p.name for p in folder.glob("*.jsonl")) == [
        "journal-2026-10.jsonl",
        "journal-2026-11.jsonl",
    ]
    journal = Journal.open(folder, readonly=True)
    public = load_public_key((tmp_path / "k.pub").read_bytes())
    assert verify_journal(journal, public).ok
    journal.close()


def test_second_writer_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    ledger, folder = _ledger(tmp_path)
    ledger.append("outage.started", {}, _t(1))
    before = (folder / "journal-2026-11.jsonl").read_bytes()
    code = textwrap.dedent(
        f"""
        from pathlib import Path
        from shopdesk.errors import LedgerLocked
        from shopdesk.ledger.journal import Journal
        try:
            Journal.open(Path({str(folder)!r}))
        except LedgerLocked as exc:
            print("LOCKED", exc.data["pid"])
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env()
    )
    assert out.stdout.split() == ["LOCKED", str(os.getpid())]
    with pytest.raises(LedgerLocked):
        Journal.open(folder)  # a second open in the same process is refused too
    assert (folder / "journal-2026-11.jsonl").read_bytes() == before
    ledger.close()
    Journal.open(folder).close()  # released on close


def _three_records(tmp_path: Path) -> tuple[Path, bytes]:
    ledger, folder = _ledger(tmp_path)
    for i in range(3):
        ledger.append("receipt.voided", {"no": f"T01-{i:08d}", "reason": "测试"}, _t(2))
    ledger.close()
    return folder / "journal-2026-11.jsonl", (folder / "journal-2026-11.jsonl").read_bytes()


def test_torn_tail_at_every_offset_is_quarantined_and_ledger_opens(tmp_path: Path) -> None:
    part, data = _three_records(tmp_path)
    last_start = data.rstrip(b"\n").rfind(b"\n") + 1
    key = load_private_key(tmp_path / "k.pem")
    for cut in range(last_start + 1, len(data)):  # every byte inside the last record
        part.write_bytes(data[:cut])
        ledger = Ledger.open(part.parent, key, "T01")
        assert ledger.torn is not None, cut
        assert ledger.torn.offset == last_start and ledger.torn.length == cut - last_start
        assert Path(ledger.torn.quarantined_to).read_bytes() == data[last_start:cut]
        assert ledger.head_seq == 2
        assert part.read_bytes() == data[:last_start]
        ledger.close()
        for q in (part.parent / "quarantine").iterdir():
            q.unlink()


def test_garbled_complete_last_line_is_damage_not_a_torn_write(tmp_path: Path) -> None:
    """A line that ends in its newline was written whole: bad content is damage (issue 11)."""
    part, data = _three_records(tmp_path)
    damaged = data[:-40] + b"\x00" * 39 + b"\n"
    part.write_bytes(damaged)
    with pytest.raises(LedgerError) as err:
        Ledger.open(part.parent, create_private_key(tmp_path / "o.pem"), "T01")
    assert err.value.code == "ledger.damaged_record"
    assert (err.value.data["file"], err.value.data["line"]) == ("journal-2026-11.jsonl", 3)
    assert part.read_bytes() == damaged and not (part.parent / "quarantine").exists()


def test_zero_filled_tail_without_its_newline_is_a_torn_write(tmp_path: Path) -> None:
    part, data = _three_records(tmp_path)
    part.write_bytes(data[:-40] + b"\x00" * 40)  # e.g. zero-filled after a crash
    ledger = Ledger.open(part.parent, load_private_key(tmp_path / "k.pem"), "T01")
    assert ledger.torn is not None and ledger.head_seq == 2
    ledger.close()


def test_rehashed_last_record_with_a_bad_signature_refuses_a_writer(tmp_path: Path) -> None:
    part, data = _three_records(tmp_path)
    lines = data.splitlines(keepends=True)
    record = json.loads(lines[-1])
    record["data"]["reason"] = "改过"
    record["hash"] = record_hash(record)
    lines[-1] = canonical_json(record) + b"\n"
    part.write_bytes(b"".join(lines))
    key = load_private_key(tmp_path / "k.pem")
    with pytest.raises(LedgerError) as err:
        Ledger.open(part.parent, key, "T01")
    assert err.value.code == "ledger.damaged_record" and err.value.data["seq"] == 3


def test_readonly_open_reports_but_does_not_touch_a_torn_tail(tmp_path: Path) -> None:
    part, data = _three_records(tmp_path)
    part.write_bytes(data[:-10])
    ledger = Ledger.open(part.parent, None, "T01", readonly=True)
    assert ledger.torn is not None and ledger.torn.quarantined_to == ""
    assert ledger.head_seq == 2 and len(list(ledger.records())) == 2
    assert part.read_bytes() == data[:-10]
    ledger.close()


def test_damage_before_the_last_line_refuses_to_open_naming_the_file(tmp_path: Path) -> None:
    part, data = _three_records(tmp_path)
    lines = data.split(b"\n")
    lines[1] = b"{broken"
    part.write_bytes(b"\n".join(lines)[:-5])  # broken second line, torn third
    with pytest.raises(LedgerError) as err:
        Ledger.open(part.parent, create_private_key(tmp_path / "o.pem"), "T01")
    assert err.value.code == "ledger.bad_tail" and err.value.data["file"] == "journal-2026-11.jsonl"


def test_disk_full_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    """RLIMIT_FSIZE stands in for a full disk: the write fails part-way."""
    ledger, folder = _ledger(tmp_path)
    ledger.append("outage.started", {"note": "x" * 100}, _t(1))
    ledger.close()
    size = (folder / "journal-2026-11.jsonl").stat().st_size
    code = textwrap.dedent(
        f"""
        import json
        from datetime import datetime
        from pathlib import Path
        from zoneinfo import ZoneInfo
        from shopdesk.errors import LedgerError
        from shopdesk.ledger.keys import load_private_key
        from shopdesk.ledger.store import Ledger
        ledger = Ledger.open(Path({str(folder)!r}), load_private_key(Path({str(tmp_path / "k.pem")!r})), "T01")
        t = datetime(2026, 11, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
        done = 0
        try:
            for i in range(100):
                ledger.append("receipt.voided", {{"no": "T01-%08d" % i, "reason": "y" * 200}}, t)
                done += 1
        except LedgerError as exc:
            print(json.dumps({{"done": done, "code": exc.code, "data": exc.data}}))
        """
    )
    limit = size + 1500  # room for two or three more records, not a hundred

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), preexec_fn=cap
    )
    result = json.loads(out.stdout)
    assert result["code"] == "ledger.write_failed" and result["data"]["reason"]
    assert 0 < result["done"] < 100
    ledger = Ledger.open(folder, None, "T01", readonly=True)
    assert ledger.torn is None  # the failed write was cut off again
    assert ledger.head_seq == 1 + result["done"]
    public = load_public_key((tmp_path / "k.pub").read_bytes())
    assert verify_journal(ledger.journal, public).ok
    ledger.close()


def test_view_opens_from_a_checkpoint_that_is_only_a_cache(tmp_path: Path, monkeypatch) -> None:
    import shopdesk.ledger.store as store

    monkeypatch.setattr(store, "CHECKPOINT_EVERY", 2)
    ledger, folder = _ledger(tmp_path)
    for rseq in range(1, 5):
        ledger.append("receipt.issued", _receipt(rseq), _t(30, 10) if rseq < 3 else _t(1, 11))
    ledger.append("receipt.voided", {"no": "T01-00000001", "reason": "x"}, _t(1, 11))
    ledger.close()  # more than CHECKPOINT_EVERY appended: a checkpoint is written
    checkpoint = folder / store.CHECKPOINT_NAME
    saved = json.loads(checkpoint.read_bytes().splitlines()[0])  # the header line
    assert saved["seq"] == 5 and saved["month"] == "2026-11"

    key = load_private_key(tmp_path / "k.pem")  # the same key: a writer checks the last signature
    with Ledger.open(folder, key, "T01") as writer:  # from the checkpoint, then one more
        assert writer.view.get("T01-00000001")["status"] == "void"
        writer.append("receipt.issued", _receipt(5), _t(2, 11))
    with Ledger.open(folder, None, "T01", readonly=True) as reader:  # checkpoint + 1 replayed
        assert reader.view.last_rseq == 5 and len(reader.view) == 5
        assert reader.view.get("T01-00000005")["day"] == "2026-11-02"

    for broken in (b"garbage", checkpoint.read_bytes().replace(saved["hash"].encode(), b"0" * 64)):
        checkpoint.write_bytes(broken)  # a broken or foreign checkpoint is ignored, never trusted
        with Ledger.open(folder, None, "T01", readonly=True) as again:
            assert again.view.get("T01-00000001")["status"] == "void" and again.view.last_rseq == 5


def _receipt(rseq: int) -> dict:
    return {
        "no": f"T01-{rseq:08d}",
        "rseq": rseq,
        "training": False,
        "total": "1.00",
        "buyer": None,
    }


def test_checkpoint_rows_stay_cold_for_a_sale_and_warm_on_demand(
    tmp_path: Path, monkeypatch
) -> None:
    """Opening reads only the checkpoint's header; rows are read when first needed."""
    import shopdesk.ledger.store as store

    monkeypatch.setattr(store, "CHECKPOINT_EVERY", 2)
    ledger, folder = _ledger(tmp_path)
    for rseq in range(1, 6):
        ledger.append("receipt.issued", _receipt(rseq), _t(1, 11))
    ledger.close()
    key = load_private_key(tmp_path / "k.pem")  # the same key: a writer checks the last signature
    with Ledger.open(folder, key, "T01") as writer:
        view = writer.view
        assert view._cold is not None and view.last_rseq == 5
        assert view.oldest_waiting()["no"] == "T01-00000001"  # from the saved oldest row
        writer.append("receipt.issued", _receipt(6), _t(2, 11))
        writer.append("receipt.printed", {"no": "T01-00000006", "ok": True, "copy": 0}, _t(2, 11))
        assert view._cold is not None  # a sale and its print touch no old row
        writer.append("receipt.voided", {"no": "T01-00000001", "reason": "x"}, _t(2, 11))
        assert view._cold is None  # an old receipt's event warms the rows
        assert [r["no"] for r in view.iter_rows()] == [f"T01-{i:08d}" for i in range(1, 7)]
        assert (
            view.get("T01-00000001")["status"] == "void"
            and view.get("T01-00000006")["printed"] == 1
        )
        assert view.by_rseq == sorted(view.by_rseq) and len(view.by_rseq) == 6
        assert view.oldest_waiting()["no"] == "T01-00000002"


def test_damaged_checkpoint_rows_are_rebuilt_from_the_journal(tmp_path: Path, monkeypatch) -> None:
    import shopdesk.ledger.store as store

    monkeypatch.setattr(store, "CHECKPOINT_EVERY", 2)
    ledger, folder = _ledger(tmp_path)
    for rseq in range(1, 5):
        ledger.append("receipt.issued", _receipt(rseq), _t(1, 11))
    ledger.close()
    checkpoint = folder / store.CHECKPOINT_NAME
    header = checkpoint.read_bytes().splitlines()[0]
    checkpoint.write_bytes(header + b"\n{damaged\n")
    public = load_public_key((tmp_path / "k.pub").read_bytes())
    with Ledger.open(folder, None, "T01", readonly=True, public_key=public) as reader:
        assert reader.view._cold is not None
        assert [r["rseq"] for r in reader.view.iter_rows()] == [1, 2, 3, 4]


def test_newest_page_of_a_cold_view_builds_only_its_rows(tmp_path: Path, monkeypatch) -> None:
    """The history screen's first page on a just-opened view: same rows as after a full
    build, across the line between checkpoint rows and rows written since."""
    import shopdesk.ledger.store as store

    monkeypatch.setattr(store, "CHECKPOINT_EVERY", 5)
    ledger, folder = _ledger(tmp_path)
    for rseq in range(1, 11):
        ledger.append("receipt.issued", _receipt(rseq), _t(1, 11))
    ledger.close()
    key = load_private_key(tmp_path / "k.pem")  # the same key: a writer checks the last signature
    with Ledger.open(folder, key, "T01") as writer:
        for rseq in range(11, 14):  # three rows warm, since the checkpoint
            writer.append("receipt.issued", _receipt(rseq), _t(2, 11))
        view = writer.view
        pages = {}
        for skip, limit in ((0, 2), (0, 5), (2, 4), (3, 3), (11, 5), (13, 5), (20, 5)):
            assert view._cold is not None
            pages[skip, limit] = [dict(row) for row in view.newest_page(skip, limit)]
        view._materialize()
        for (skip, limit), rows in pages.items():
            assert rows == [dict(row) for row in view.newest_page(skip, limit)], (skip, limit)
        assert [r["rseq"] for r in pages[2, 4]] == [11, 10, 9, 8]
        assert [r["rseq"] for r in pages[11, 5]] == [2, 1] and pages[13, 5] == []


def test_lines_as_written_keep_their_newlines_and_stop_before_a_torn_tail(
    tmp_path: Path,
) -> None:
    """What an export streams into its jsonl: each complete line, byte for byte, its
    newline included; a tail without its newline is not a record yet."""
    (tmp_path / "journal-2026-11.jsonl").write_bytes(b'{"a":1}\n{"b":"x\\n"}\n{"c":')
    journal = Journal(tmp_path, readonly=True)
    assert list(journal.lines_as_written("2026-11")) == [b'{"a":1}\n', b'{"b":"x\\n"}\n']
    assert [raw for _, raw in journal.lines("2026-11")] == [b'{"a":1}', b'{"b":"x\\n"}']
