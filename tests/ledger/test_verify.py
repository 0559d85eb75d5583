"""``verify`` names the first record that is not what was written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.ledger.canonical import canonical_json, record_hash
from shopdesk.services.integrity import verify_ledger
from shopdesk.services.sales import issue_receipt, line_from_catalog
from shopdesk.services.shop import Shop


@pytest.fixture
def journal(home: Path, clock) -> Path:
    with Shop.open(home, clock=clock) as shop:
        for code in ("D001", "S001", "D002", "S002", "D003"):
            draft = SaleDraft(
                lines=[line_from_catalog(shop.catalog, code)], payments=[Payment("cash")]
            )
            issue_receipt(shop, draft)
    (part,) = (home / "ledger").glob("journal-*.jsonl")
    return part


def _lines(part: Path) -> list[bytes]:
    return part.read_bytes().splitlines(keepends=True)


def test_untouched_ledger_verifies(home: Path, journal: Path) -> None:
    result = verify_ledger(home)
    assert result.ok and result.records == len(_lines(journal))


def test_flipped_byte_is_named(home: Path, journal: Path) -> None:
    data = bytearray(journal.read_bytes())
    lines = _lines(journal)
    offset = sum(map(len, lines[:3])) + lines[3].index(b'"total":"') + 9
    data[offset] = ord("9") if data[offset] != ord("9") else ord("8")
    journal.write_bytes(bytes(data))
    problem = verify_ledger(home).problem
    assert problem is not None
    assert (problem.line, problem.seq, problem.reason) == (4, 4, "bad_hash")


def test_rehashed_forgery_fails_its_signature(home: Path, journal: Path) -> None:
    lines = _lines(journal)
    record = json.loads(lines[2])
    record["data"]["total"] = "0.01"
    record["hash"] = record_hash(record)
    lines[2] = canonical_json(record) + b"\n"
    journal.write_bytes(b"".join(lines))
    problem = verify_ledger(home).problem
    assert problem is not None and (problem.seq, problem.reason) == (3, "bad_signature")


@pytest.mark.parametrize(
    ("edit", "line", "reason"),
    [
        (lambda ls: ls[:2] + ls[3:], 3, "bad_sequence"),  # deleted
        (lambda ls: [*ls[:2], ls[3], ls[2], *ls[4:]], 3, "bad_sequence"),  # swapped
        (lambda ls: [*ls[:3], ls[1], *ls[3:]], 4, "bad_sequence"),  # inserted (a replay)
        (lambda ls: [*ls[:3], b"not json\n", *ls[3:]], 4, "bad_json"),  # inserted garbage
    ],
    ids=["deleted", "swapped", "inserted", "garbage"],
)
def test_structural_tampering_is_named(
    home: Path, journal: Path, edit, line: int, reason: str
) -> None:
    journal.write_bytes(b"".join(edit(_lines(journal))))
    problem = verify_ledger(home).problem
    assert problem is not None and (problem.line, problem.reason) == (line, reason)


def test_a_record_moved_with_its_sequence_renumbered_breaks_the_link(
    home: Path, journal: Path
) -> None:
    """Even a forger who renumbers cannot fix the chain without the key."""
    lines = _lines(journal)
    del lines[2]
    record = json.loads(lines[2])
    record["seq"] = 3
    record["hash"] = record_hash(record)
    lines[2] = canonical_json(record) + b"\n"
    journal.write_bytes(b"".join(lines))
    problem = verify_ledger(home).problem
    assert (
        problem is not None and problem.seq == 3 and problem.reason in ("bad_signature", "bad_link")
    )


def test_deeply_nested_garbage_is_named_not_a_crash(home: Path, journal: Path) -> None:
    lines = _lines(journal)
    lines.insert(2, b"[" * 100_000 + b"\n")
    journal.write_bytes(b"".join(lines))
    problem = verify_ledger(home).problem
    assert problem is not None and (problem.line, problem.reason) == (3, "bad_json")


def _append_receipt(home: Path, clock, **changes: object) -> int:
    """Sign a copy of the newest receipt with ``changes`` to its data (what a bug would write)."""
    with Shop.open(home, clock=clock) as shop:
        last = shop.ledger.record_at(shop.ledger.view.by_rseq[-1])
        assert last is not None
        record = shop.ledger.append("receipt.issued", {**last["data"], **changes}, clock())
    return record["seq"]


def test_a_signed_duplicate_receipt_number_is_named(home: Path, journal: Path, clock) -> None:
    seq = _append_receipt(home, clock)  # same number, same rseq, properly signed
    problem = verify_ledger(home).problem
    assert problem is not None and (problem.seq, problem.reason) == (seq, "bad_receipt_number")


def test_a_gap_in_receipt_numbers_is_named(home: Path, journal: Path, clock) -> None:
    seq = _append_receipt(home, clock, rseq=7, no="T01-00000007")  # 6 skipped
    problem = verify_ledger(home).problem
    assert problem is not None and (problem.seq, problem.reason) == (seq, "bad_receipt_number")


def test_training_receipts_number_their_own_series(home: Path, journal: Path, clock) -> None:
    with Shop.open(home, clock=clock) as shop:
        for training in (True, False, True):
            draft = SaleDraft(
                lines=[line_from_catalog(shop.catalog, "D001")], payments=[Payment("cash")]
            )
            issue_receipt(shop, draft, training=training)
    assert verify_ledger(home).ok


def test_bytes_that_are_not_the_canonical_form_are_named(home: Path, journal: Path) -> None:
    lines = _lines(journal)
    lines[3] = lines[3].replace(b'"kind":', b'"kind": ', 1)  # same JSON, other bytes
    journal.write_bytes(b"".join(lines))
    problem = verify_ledger(home).problem
    assert problem is not None and (problem.line, problem.reason) == (4, "non_canonical")


def _shifts(home: Path, clock) -> list[dict]:
    """Two Zs on one date around the fixture's five receipts, and one more sale after."""
    from decimal import Decimal

    from shopdesk.domain.reports import CashCount
    from shopdesk.services.approval import approve
    from shopdesk.services.reports import report_z

    with Shop.open(home, clock=clock) as shop:
        approval = approve(shop, "close_day", "1234")
        report_z(shop, approval, CashCount(Decimal("0")))
        for code in ("D001", "D002"):
            draft = SaleDraft(
                lines=[line_from_catalog(shop.catalog, code)], payments=[Payment("cash")]
            )
            issue_receipt(shop, draft)
        report_z(shop, approval, CashCount(Decimal("0")))
        draft = SaleDraft(
            lines=[line_from_catalog(shop.catalog, "D003")], payments=[Payment("cash")]
        )
        issue_receipt(shop, draft)
        return list(shop.ledger.records())


def test_z_ranges_that_cover_every_receipt_once_verify(home: Path, journal: Path, clock) -> None:
    records = _shifts(home, clock)
    closes = [r["data"] for r in records if r["kind"] == "day.closed"]
    ranges = [(c["first_rseq"], c["last_rseq"], c["receipts"]) for c in closes]
    assert ranges == [(1, 5, 5), (6, 7, 2)]
    assert verify_ledger(home).ok


@pytest.mark.parametrize(
    "change",
    [
        {"receipts": 3},
        {"first_seq": 2},
        {"last_rseq": 8, "receipts": 3},
        {"first_rseq": 5, "receipts": 3},
    ],
)
def test_a_signed_z_with_a_wrong_range_is_named(
    home: Path, journal: Path, clock, change: dict
) -> None:
    records = _shifts(home, clock)
    last_close = [r for r in records if r["kind"] == "day.closed"][-1]
    with Shop.open(home, clock=clock) as shop:
        forged = {**last_close["data"], "first_seq": last_close["seq"] + 1}
        forged.update(last_seq=shop.ledger.head_seq, first_rseq=8, last_rseq=8, receipts=1)
        forged.update(change)
        seq = shop.ledger.append("day.closed", forged, clock())["seq"]
    problem = verify_ledger(home).problem
    assert problem is not None and (problem.seq, problem.reason) == (seq, "shift_range")


def test_z_checks_hold_across_pieces_checked_apart(home: Path, journal: Path, clock) -> None:
    """The parallel check splits a month into pieces: each Z's claims about what came
    before its piece are checked when the pieces are joined, wherever the cut falls."""
    from shopdesk.ledger.verify import Tally

    records = _shifts(home, clock)
    for cut in range(1, len(records)):
        for wrong in (False, True):
            recs = [dict(r) for r in records]
            if wrong:  # the second Z claims one receipt fewer before it
                z = [r for r in recs if r["kind"] == "day.closed"][-1]
                z["data"] = {**z["data"], "first_rseq": 7, "receipts": 1}
            whole, head, tail = Tally(), Tally.piece(), Tally.piece()
            whole_ok = all(whole.check(r) is None for r in recs)
            pieces_ok = all(head.check(r) is None for r in recs[:cut]) and all(
                tail.check(r) is None for r in recs[cut:]
            )
            joined = Tally()
            joined_ok = pieces_ok and joined.follows(head)
            if joined_ok:
                joined.add(head)
                joined_ok = joined.follows(tail)
            assert whole_ok is not wrong and joined_ok is whole_ok, (cut, wrong)
