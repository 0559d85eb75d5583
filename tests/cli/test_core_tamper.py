"""Issue 11 tamper scenarios, run as a user would: the CLI against a shop home's files.

Each test edits the files of a shop home exactly as the issue describes, then
runs ``sell`` and ``verify`` in-process. Records are stamped by the test clock
(see ``tests/conftest.py``), so nothing depends on today's date.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from shopdesk.cli import main
from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.services.sales import issue_receipt, line_from_catalog
from shopdesk.services.shop import Shop
from tests.conftest import Clock


@pytest.fixture
def cli_home(tmp_path: Path, capsys) -> Path:
    home = tmp_path / "home"
    assert main(["--home", str(home), "init", "--demo"]) == 0
    capsys.readouterr()
    return home


def run(capsys: pytest.CaptureFixture, home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), "--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, out, err


def journal(home: Path) -> Path:
    (part,) = (home / "ledger").glob("journal-*.jsonl")
    return part


def sell_unprinted(capsys: pytest.CaptureFixture, home: Path) -> tuple[Path, bytes]:
    """Sell one receipt without printing (so it is the last record); the journal and its bytes."""
    assert run(capsys, home, "sell", "--item", "D001", "--no-print")[0] == 0
    part = journal(home)
    return part, part.read_bytes()


def records(home: Path) -> list[dict]:
    return [
        json.loads(line)
        for part in sorted((home / "ledger").glob("journal-*.jsonl"))
        for line in part.read_bytes().splitlines()
    ]


def test_flipped_total_in_a_complete_last_line_refuses_to_sell_and_keeps_it(
    capsys, cli_home: Path
) -> None:
    part, data = sell_unprinted(capsys, cli_home)
    assert data.endswith(b"\n") and b'"total":"3.00"' in data.splitlines()[-1]
    at = data.rfind(b'"total":"3.00"') + len(b'"total":"')
    damaged = data[:at] + b"8" + data[at + 1 :]  # one digit flipped; the newline stays
    part.write_bytes(damaged)
    assert run(capsys, cli_home, "verify")[0] == 3
    code, out, err = run(capsys, cli_home, "sell", "--item", "D001", "--no-print")
    assert code == 3 and out == ""
    assert "does not match its hash or signature" in err and "line 3" in err
    assert part.read_bytes() == damaged  # nothing cut, nothing added
    assert not (cli_home / "ledger" / "quarantine").exists()
    assert run(capsys, cli_home, "verify")[0] == 3


def test_torn_tail_is_cut_recorded_in_the_ledger_and_reported_by_verify(
    capsys, cli_home: Path
) -> None:
    part, data = sell_unprinted(capsys, cli_home)
    start = data.rstrip(b"\n").rfind(b"\n") + 1
    torn = data[start:-30]  # a power cut in the middle of the last line
    part.write_bytes(data[:start] + torn)

    code, out, err = run(capsys, cli_home, "verify")
    assert code == 0 and f"{part.name} ends in {len(torn)} bytes of an incomplete record" in err

    code, out, err = run(capsys, cli_home, "sell", "--item", "D002", "--no-print")
    assert code == 0 and out.strip() == "T01-00000001"  # the torn receipt was never issued
    repaired = [r for r in records(cli_home) if r["kind"] == "ledger.repaired"]
    assert len(repaired) == 1
    fact = repaired[0]["data"]
    assert fact["partition"] == part.name and fact["offset"] == start
    assert fact["length"] == len(torn)
    assert fact["sha256"] == hashlib.sha256(torn).hexdigest()
    assert (cli_home / "ledger" / fact["quarantined_to"]).read_bytes() == torn

    code, out, err = run(capsys, cli_home, "verify")
    assert code == 0
    assert f"{len(torn)} bytes cut from {part.name} at offset {start}" in err
    assert fact["sha256"] in err


def test_incomplete_end_of_an_older_month_fails_verify(
    capsys, cli_home: Path, clock: Clock
) -> None:
    assert run(capsys, cli_home, "sell", "--item", "D001", "--no-print")[0] == 0
    clock.advance(days=5)  # into December: a new month file
    assert run(capsys, cli_home, "sell", "--item", "D001", "--no-print")[0] == 0
    november = cli_home / "ledger" / "journal-2026-11.jsonl"
    with november.open("ab") as out:
        out.write(b'{"data":{"junk')
    code, _, err = run(capsys, cli_home, "verify")
    assert code == 3
    assert "journal-2026-11.jsonl" in err and "incomplete bytes at the end" in err


def test_a_space_after_a_colon_fails_verify(capsys, cli_home: Path) -> None:
    assert run(capsys, cli_home, "sell", "--item", "D001")[0] == 0
    part = journal(cli_home)
    data = part.read_bytes()
    assert data.count(b'"total":"3.00"') == 1
    part.write_bytes(data.replace(b'"total":"3.00"', b'"total": "3.00"'))
    code, _, err = run(capsys, cli_home, "verify")
    assert code == 3 and "line 3 (sequence 3)" in err and "not the canonical form" in err


def test_lowered_receipt_counter_in_the_checkpoint_issues_no_number_twice(
    capsys, cli_home: Path, clock: Clock
) -> None:
    with Shop.open(cli_home, clock=clock) as shop:
        for _ in range(12):
            draft = SaleDraft(
                lines=[line_from_catalog(shop.catalog, "D001")], payments=[Payment("cash")]
            )
            issue_receipt(shop, draft)
        shop.ledger.write_checkpoint()
    checkpoint = cli_home / "ledger" / "view-checkpoint.json"
    header, columns = checkpoint.read_bytes().split(b"\n", 1)
    state = json.loads(header)
    assert state["extra"]["last_rseq"] == 12
    state["extra"]["last_rseq"] -= 10
    checkpoint.write_bytes(
        json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" + columns
    )
    code, out, _ = run(capsys, cli_home, "sell", "--item", "D001", "--no-print")
    assert code == 0 and out.strip() == "T01-00000013"
    numbers = [r["data"]["no"] for r in records(cli_home) if r["kind"] == "receipt.issued"]
    assert len(numbers) == len(set(numbers)) == 13
    assert run(capsys, cli_home, "verify")[0] == 0


def test_quarantined_bytes_no_repair_record_names_are_reported(capsys, cli_home: Path) -> None:
    """A crash between the cut and its record leaves only the file: verify says so."""
    kept = cli_home / "ledger" / "quarantine" / "journal-2026-11.torn-at-9.x.bin"
    kept.parent.mkdir()
    kept.write_bytes(b'{"data":')
    code, _, err = run(capsys, cli_home, "verify")
    assert code == 0 and f"quarantine/{kept.name} (8 bytes)" in err
    assert "no repair record names it" in err
