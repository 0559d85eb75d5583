"""check_range: the parallel check gives exactly the sequential answer."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from shopdesk.backup import checking
from shopdesk.domain.sale import SaleDraft
from shopdesk.ledger.canonical import canonical_json
from shopdesk.ledger.journal import GENESIS_PREV
from shopdesk.ledger.keys import load_public_key
from shopdesk.ledger.verify import check_records
from shopdesk.services.sales import issue_receipt, parse_item_spec
from shopdesk.services.shop import Shop


@pytest.fixture
def journal(home: Path, clock) -> Path:
    with Shop.open(home, clock=clock) as shop:
        shop.ledger.journal.sync = False
        for _ in range(300):
            issue_receipt(shop, SaleDraft(lines=[parse_item_spec(shop.catalog, "D001")]))
    return next((home / "ledger").glob("journal-*.jsonl"))


def both(journal: Path, home: Path, monkeypatch: pytest.MonkeyPatch):
    public = load_public_key((home / "keys" / "terminal.pub.pem").read_bytes())
    size = journal.stat().st_size
    ran = []
    real = checking._check_parallel

    def spy(*args, **kwargs):
        answer = real(*args, **kwargs)
        ran.append(answer)
        return answer

    monkeypatch.setattr(checking, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(checking, "_check_parallel", spy)
    monkeypatch.setattr(checking.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(checking.threading, "active_count", lambda: 1)
    result, digest = checking.check_range(
        journal, 0, size, journal.name, 1, (1, GENESIS_PREV), public, hashlib.sha256()
    )
    assert ran  # the parallel path really ran
    with journal.open("rb") as handle:
        lines = [(journal.name, n, raw.rstrip(b"\n")) for n, raw in enumerate(handle, 1)]
    expected = check_records(lines, public)
    assert digest.hexdigest() == hashlib.sha256(journal.read_bytes()).hexdigest()
    return result, expected, ran


def test_parallel_check_of_a_good_range_matches_the_sequential_one(
    journal: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, expected, ran = both(journal, home, monkeypatch)
    assert result == expected and result.ok and result.records > 300
    assert ran[0] == expected  # answered by the forked workers, not the fallback


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9])
def test_parallel_check_names_the_same_first_bad_record(
    journal: Path, home: Path, monkeypatch: pytest.MonkeyPatch, where: float
) -> None:
    lines = journal.read_bytes().split(b"\n")
    at = int(len(lines) * where)
    record = json.loads(lines[at])
    record["time"] = record["time"].replace(":", ";", 1)
    lines[at] = canonical_json(record)
    journal.write_bytes(b"\n".join(lines))
    result, expected, ran = both(journal, home, monkeypatch)
    assert ran == [None]  # the workers found a problem: the sequential check names it
    assert result == expected and not result.ok
    assert result.problem.line == at + 1 and result.problem.reason == "bad_hash"
