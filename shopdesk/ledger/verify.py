"""Full verification of a journal: every line, hash, link, sequence and signature.

Opening a ledger trusts it (that is what keeps opening fast); ``verify`` does not.
It reads every partition in order and stops at the first record that is not
exactly what was written: a modified record fails its hash (or, if its hash was
recomputed, its signature); a deleted, inserted or reordered one breaks the
gapless sequence or the ``prev`` link. Only the exact canonical bytes that were
hashed pass (reports search the raw bytes, so an equivalent re-spelling would
hide a record from them), and receipt numbers must run 1, 2, 3… with no repeat
in each series (real, training). The result names that record by file, line
and sequence so the shopkeeper can say which receipt is affected.

It also reports what is not a record: bytes after the last newline of the
newest month are a torn write (a notice: the next writer cuts them off and
records that), in a finished month they are damage; and each repair the
ledger recorded (``ledger.repaired``) is listed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from shopdesk.domain.repricing import is_mispriced
from shopdesk.ledger.canonical import canonical_json, record_hash
from shopdesk.ledger.journal import GENESIS_PREV, QUARANTINE_DIR, Journal, partition_name
from shopdesk.ledger.keys import verify_signature
from shopdesk.ledger.store import CLOCK_CORRECTION

REQUIRED = {
    "v": int,
    "seq": int,
    "prev": str,
    "time": str,
    "kind": str,
    "data": dict,
    "hash": str,
    "sig": str,
}


@dataclass(frozen=True, slots=True)
class Problem:
    """The first bad record: where it is and what is wrong with it."""

    file: str
    line: int
    seq: int | None
    # a code: bad_json, bad_shape, bad_hash, non_canonical, bad_signature, bad_sequence,
    # bad_link, bad_receipt_number, receipt_arithmetic, time_backwards, trailing_junk (see verify.reason.*)
    reason: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something ``verify`` reports without failing: a message code and its data."""

    code: str
    data: dict


@dataclass(frozen=True, slots=True)
class VerifyResult:
    records: int
    head_seq: int
    head_hash: str
    problem: Problem | None
    notices: tuple[Notice, ...] = ()

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_records(
    lines: Iterable[tuple[str, int, bytes]],
    public_key: Ed25519PublicKey,
    *,
    expect_seq: int = 1,
    expect_prev: str = GENESIS_PREV,
    check_signatures: bool = True,
    on_record: Callable[[dict], str | None] | None = None,
) -> VerifyResult:
    """Check (file, line number, raw line) triples in order; stop at the first problem.

    ``expect_seq``/``expect_prev`` let a batch be checked as a continuation of an
    earlier one (its first record must link onto the previous batch's head).
    ``check_signatures=False`` leaves signatures to the caller (verify-batch checks
    them in parallel worker processes: Ed25519 verification is ~75 % of the cost);
    ``on_record`` sees each record that passed, so a caller need not parse it
    again, and may reject it by returning a reason code.
    """
    count = 0
    for file, number, raw in lines:
        try:
            record = json.loads(raw)
        except (ValueError, RecursionError):  # deeply nested JSON raises the latter
            return VerifyResult(
                count, expect_seq - 1, expect_prev, Problem(file, number, None, "bad_json")
            )
        seq = record.get("seq") if isinstance(record, dict) else None
        seq = seq if isinstance(seq, int) else None
        if not isinstance(record, dict) or any(
            not isinstance(record.get(k), t) for k, t in REQUIRED.items()
        ):
            return VerifyResult(
                count, expect_seq - 1, expect_prev, Problem(file, number, seq, "bad_shape")
            )
        reason = None
        if record["hash"] != record_hash(record):
            reason = "bad_hash"
        elif canonical_json(record) != raw:
            reason = "non_canonical"
        elif check_signatures and not verify_signature(
            public_key, record["hash"].encode("ascii"), record["sig"]
        ):
            reason = "bad_signature"
        elif record["seq"] != expect_seq:
            reason = "bad_sequence"
        elif record["prev"] != expect_prev:
            reason = "bad_link"
        if not reason and on_record is not None:
            reason = on_record(record)
        if reason:
            return VerifyResult(
                count, expect_seq - 1, expect_prev, Problem(file, number, seq, reason)
            )
        count += 1
        expect_seq += 1
        expect_prev = record["hash"]
    return VerifyResult(count, expect_seq - 1, expect_prev, None)


@dataclass
class _Tally:
    """What a whole journal must add up to beyond each record: numbering and repairs."""

    #: The last receipt sequence of each series (real ``False``, training ``True``).
    last_rseq: dict[bool, int] = field(default_factory=lambda: {False: 0, True: 0})
    numbers: set[str] = field(default_factory=set)
    notices: list[Notice] = field(default_factory=list)
    last_time: datetime | None = None

    def check(self, record: dict) -> str | None:
        """Times never go back (but at a clock correction); receipt numbers are
        unique and gapless per series; repairs are noted."""
        kind, data = record["kind"], record["data"]
        try:
            stamp = datetime.fromisoformat(record["time"])
        except (TypeError, ValueError):
            return "bad_shape"
        if stamp.tzinfo is None:
            return "bad_shape"
        if self.last_time is not None and stamp < self.last_time and kind != CLOCK_CORRECTION:
            return "time_backwards"
        self.last_time = stamp
        if kind == "ledger.repaired":
            self.notices.append(
                Notice("verify.repaired", {"seq": record["seq"], "time": record["time"]} | data)
            )
        if kind != "receipt.issued":
            return None
        training = data.get("training") is True
        rseq, number = data.get("rseq"), data.get("no")
        if (
            type(rseq) is not int
            or not isinstance(number, str)
            or rseq != self.last_rseq[training] + 1
            or number in self.numbers
        ):
            return "bad_receipt_number"
        self.last_rseq[training] = rseq
        self.numbers.add(number)
        return "receipt_arithmetic" if is_mispriced(data) else None  # issue 12, item 2


def verify_journal(journal: Journal, public_key: Ed25519PublicKey) -> VerifyResult:
    """Check every month file in order, including the bytes after its last record."""
    tally = _Tally()
    months = journal.months()
    count, head_seq, head_hash = 0, 0, GENESIS_PREV
    for month in months:
        name = partition_name(month)
        result = check_records(
            ((name, number, raw) for number, raw in journal.lines(month)),
            public_key,
            expect_seq=head_seq + 1,
            expect_prev=head_hash,
            on_record=tally.check,
        )
        count, head_seq, head_hash = count + result.records, result.head_seq, result.head_hash
        problem = result.problem
        offset, length = journal.incomplete_tail(month)
        if problem is None and length:
            line = journal.line_number(month, offset)
            if month != months[-1]:  # finished before the next month began: not a torn write
                problem = Problem(name, line, None, "trailing_junk")
            else:
                tail = {"file": name, "line": line, "offset": offset, "length": length}
                tally.notices.append(Notice("verify.torn_tail", tail))
        if problem is not None:
            return VerifyResult(count, head_seq, head_hash, problem, tuple(tally.notices))
    tally.notices.extend(_unrecorded_quarantine(journal, tally.notices))
    return VerifyResult(count, head_seq, head_hash, None, tuple(tally.notices))


def _unrecorded_quarantine(journal: Journal, notices: list[Notice]) -> list[Notice]:
    """Quarantined bytes that no ``ledger.repaired`` record names.

    A crash between cutting a torn tail and recording it (or a ledger from before
    repairs were recorded) leaves the quarantine file as the only trace: say so.
    """
    recorded = {
        Path(str(n.data.get("quarantined_to", ""))).name
        for n in notices
        if n.code == "verify.repaired"
    }
    folder = journal.directory / QUARANTINE_DIR
    kept = sorted(folder.iterdir()) if folder.is_dir() else []
    return [
        Notice(
            "verify.unrecorded_quarantine",
            {"file": f"{QUARANTINE_DIR}/{path.name}", "length": path.stat().st_size},
        )
        for path in kept
        if path.name not in recorded
    ]
