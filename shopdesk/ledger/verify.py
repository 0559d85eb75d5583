"""Full verification of a journal: every line, hash, link, sequence and number.

Opening a ledger trusts it (that is what keeps opening fast); ``verify`` does not.
It reads every partition in order and stops at the first record that is not
exactly what was written: a modified record fails its hash (or, if its hash was
recomputed, a signature); a deleted, inserted or reordered one breaks the
gapless sequence or the ``prev`` link.

Signatures follow one rule, :class:`SignatureRule` (issue 11, item 14), shared by
``verify``, ``export`` and ``verify-batch``. Each record's hash covers the
previous record's hash, so once every hash and link is checked the newest
record's signature authenticates the whole chain: it is always checked, as are
every void and every receipt with a buyer tax id (what an accountant or a tax
office asks about) and a random sample of :data:`SIGNATURE_SAMPLE` others;
``all_signatures`` checks every one (a signature field damaged on its own, with
the content intact, is found only then). A ledger that fails is checked again
with every signature, so a damaged record is named exactly as a full check
names it. Only the exact canonical bytes that were
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

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from shopdesk.backup.files import line_ending_at
from shopdesk.domain.refund import refund_problem
from shopdesk.domain.repricing import is_mispriced
from shopdesk.ledger.canonical import canonical_json, loads, parse, record_hash
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


#: Signatures checked at random in a range, besides the always-checked ones.
#: Ed25519 verification costs ~50 µs here (libsodium; ~110 µs with OpenSSL alone):
#: 1,000 add ~0.05 s to any check, every signature of 100k receipts (~200k
#: records) ~10 s of CPU.
SIGNATURE_SAMPLE = 1000
#: The refund record kind and the key of its number series in :class:`Tally`.
REFUND = "refund.issued"
REFUNDS = "refund"
#: The top-level keys of the records shopdesk writes: with exactly these (and a
#: scalar ``terminal``), ``data`` sorts first and every member after it is a
#: scalar once the shape check has passed, which the fast body cut relies on.
_PLAIN_KEYS = frozenset(REQUIRED) | {"terminal"}
#: :data:`REQUIRED` as two tuples: the shape test of every record runs in C (``map``).
_REQUIRED_KEYS, _REQUIRED_TYPES = tuple(REQUIRED), tuple(REQUIRED.values())


@dataclass(frozen=True, slots=True)
class SignatureRule:
    """Which records' signatures a check verifies: the one sampling rule of shopdesk.

    Always the record at ``last_seq`` (through the hash chain it authenticates
    every record before it), every void and every receipt with a buyer tax id;
    others when their ``seq`` is in ``sample``: :data:`SIGNATURE_SAMPLE` distinct
    ``seq`` of the range drawn from the operating system's randomness, so
    nobody can know beforehand which, and the same answer for the same record
    within one run (forked pieces get the same set). A set, not a keyed hash
    per record: verify-batch asks ~200k times (~0.2 s less; issue 12, speed).
    """

    everything: bool = False
    last_seq: int = 0
    sample: frozenset[int] = frozenset()

    @classmethod
    def batch(cls, records: int, last_seq: int) -> SignatureRule:
        """The rule for a range of ``records`` records ending at ``last_seq``."""
        if records <= SIGNATURE_SAMPLE:
            return ALL_SIGNATURES
        first = last_seq - records + 1
        draw = secrets.SystemRandom().sample(range(first, last_seq + 1), SIGNATURE_SAMPLE)
        return cls(False, last_seq, frozenset(draw))

    def wants(self, record: dict) -> bool:
        return self.wants_parts(record["seq"], record["kind"], record["data"])

    def wants_parts(self, seq: int, kind: str, data: dict | None) -> bool:
        """:meth:`wants` of a record known by its parts; ``data`` may be ``None``
        for a record that is neither a receipt nor a void or refund (not parsed)."""
        if self.everything or seq in self.sample or seq == self.last_seq:
            return True
        if kind in ("receipt.voided", REFUND):
            return True
        return data is not None and has_buyer_tax_id(data)


def has_buyer_tax_id(data: dict) -> bool:
    """Whether a receipt names a company buyer: its signature is always checked."""
    buyer = data.get("buyer")
    return isinstance(buyer, dict) and bool(buyer.get("tax_id"))


ALL_SIGNATURES = SignatureRule(everything=True)


@dataclass(frozen=True, slots=True)
class Problem:
    """The first bad record: where it is and what is wrong with it."""

    file: str
    line: int
    seq: int | None
    # a code: bad_json, bad_shape, bad_hash, non_canonical, bad_signature, bad_sequence,
    # bad_link, bad_receipt_number, receipt_arithmetic, refund_arithmetic, time_backwards, trailing_junk (see verify.reason.*)
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
    signatures: SignatureRule | None = ALL_SIGNATURES,
    on_record: Callable[[dict], str | None] | None = None,
    parse_line: Callable[[bytes], tuple[Any, bool]] = parse,
) -> VerifyResult:
    """Check (file, line number, raw line) triples in order; stop at the first problem.

    ``expect_seq``/``expect_prev`` let a batch be checked as a continuation of an
    earlier one (its first record must link onto the previous batch's head).
    ``signatures`` says which signatures to check (``None``: the caller checks
    them, as verify-batch does in worker processes); ``on_record`` sees each
    record that passed, so a caller need not parse it again, and may reject it
    by returning a reason code. ``parse_line`` is :func:`~shopdesk.ledger.canonical.parse`
    or one that also notes what it says (verify-batch).
    """
    count = 0
    for file, number, raw in lines:
        try:
            record, plain = parse_line(raw)
        except (ValueError, RecursionError):  # deeply nested JSON raises the latter
            return VerifyResult(
                count, expect_seq - 1, expect_prev, Problem(file, number, None, "bad_json")
            )
        seq = record.get("seq") if isinstance(record, dict) else None
        seq = seq if isinstance(seq, int) else None
        if not isinstance(record, dict) or not all(
            map(isinstance, map(record.get, _REQUIRED_KEYS), _REQUIRED_TYPES)
        ):
            return VerifyResult(
                count, expect_seq - 1, expect_prev, Problem(file, number, seq, "bad_shape")
            )
        reason = (
            content_problem(record, raw, plain=plain)
            or _signature_problem(record, signatures, public_key)
            or _order_problem(record, expect_seq, expect_prev)
            or (on_record(record) if on_record is not None else None)
        )
        if reason:
            return VerifyResult(
                count, expect_seq - 1, expect_prev, Problem(file, number, seq, reason)
            )
        count += 1
        expect_seq += 1
        expect_prev = record["hash"]
    return VerifyResult(count, expect_seq - 1, expect_prev, None)


def _signature_problem(
    record: dict, rule: SignatureRule | None, public_key: Ed25519PublicKey
) -> str | None:
    if rule is None or not rule.wants(record):
        return None
    ok = verify_signature(public_key, record["hash"].encode("ascii"), record["sig"])
    return None if ok else "bad_signature"


def _order_problem(record: dict, expect_seq: int, expect_prev: str) -> str | None:
    if record["seq"] != expect_seq:
        return "bad_sequence"
    return "bad_link" if record["prev"] != expect_prev else None


def content_problem(record: dict, raw: bytes, *, plain: bool = False) -> str | None:
    """``bad_hash``, ``non_canonical`` or ``None``: what hashing the re-serialised body says.

    The plain way serialises twice (the body to hash it, the record to compare
    it with ``raw``): ~28 µs a record. When ``raw`` is the canonical form of
    ``record`` (one serialisation, compared) and every top-level member after
    ``data`` is a scalar, the body's canonical bytes are ``raw`` without its
    ``"hash"`` and ``"sig"`` members, cut out in place: canonical JSON sorts
    keys, so ``data`` comes first, and in the scalars after it every ``"`` inside
    a string is escaped, so the last ``,"hash":`` and ``,"sig":`` are the top-level
    members. Anything else takes the plain way, so the answer is always the same.
    ``plain``: ``record`` came from :func:`~shopdesk.ledger.canonical.parse` as plain.
    """
    if canonical_json(record, plain=plain) == raw and _flat_after_data(record):
        return None if hashlib.sha256(_body(raw)).hexdigest() == record["hash"] else "bad_hash"
    if record["hash"] != record_hash(record):
        return "bad_hash"
    return "non_canonical" if canonical_json(record) != raw else None


def _flat_after_data(record: dict) -> bool:
    """Whether ``data`` is the first key and every other member a scalar (the usual record)."""
    keys = record.keys()
    return keys == REQUIRED.keys() or (
        keys == _PLAIN_KEYS and isinstance(record["terminal"], str | int | None)
    )


def _body(raw: bytes) -> bytes:
    """``raw`` without its ``"hash"`` and ``"sig"`` members, in one pass.

    In a flat record (:func:`_flat_after_data`) ``kind`` follows ``hash``, and
    ``terminal`` or ``time`` follows ``sig``; a ``"`` inside a string is always
    escaped, so ``,"kind":`` and ``,"t`` start the next member (a bare ``,"``
    would not: a value may end with a comma). One join instead of two cuts,
    each copying the line (~0.15 s per 200k records; issue 12, speed).
    """
    at = raw.rfind(b',"hash":')
    kind = raw.find(b',"kind":', at)
    sig = raw.rfind(b',"sig":')
    return b"".join((raw[:at], raw[kind:sig], raw[raw.find(b',"t', sig) :]))


#: A Z's last real receipt number that a piece of the journal cannot know.
UNKNOWN = -1


@dataclass
class Tally:
    """What a whole journal must add up to beyond each record: numbering, time, repairs.

    A tally made by :meth:`piece` checks part of a journal on its own (a forked
    worker's piece): it takes its first receipt number and time as they come, and
    :meth:`follows` then says whether that piece continues this tally.
    """

    #: The last receipt sequence of each series (real ``False``, training ``True``);
    #: ``None``: not known (a piece).
    #: ``REFUNDS`` keys the refund series (``T01-RF-…``).
    last_rseq: dict[bool | str, int | None] = field(
        default_factory=lambda: {False: 0, True: 0, REFUNDS: 0}
    )
    first_rseq: dict[bool | str, int | None] = field(
        default_factory=lambda: {False: None, True: None, REFUNDS: None}
    )
    numbers: set[str] = field(default_factory=set)
    notices: list[Notice] = field(default_factory=list)
    last_time: datetime | None = None
    #: The first record's time and kind (a clock correction may go back).
    first: tuple[datetime, str] | None = None
    #: The newest Z (``day.closed``): its seq and the last real receipt number it
    #: covers (``UNKNOWN`` for a Z from before shifts seen by a piece); ``None``:
    #: no Z seen yet by a piece.
    close_seq: int | None = 0
    close_rseq: int | None = 0
    #: A piece's Z claims about what came before the piece, as (``close_seq`` |
    #: ``close_rseq`` | ``rseq``, value): :meth:`follows` checks them.
    claims: list[tuple[str, int]] = field(default_factory=list)

    @classmethod
    def piece(cls) -> Tally:
        return cls(
            last_rseq={False: None, True: None, REFUNDS: None}, close_seq=None, close_rseq=None
        )

    def _state(self, what: str) -> int | None:
        return self.last_rseq[False] if what == "rseq" else getattr(self, what)

    def _agrees(self, what: str, value: int) -> bool:
        mine = self._state(what)
        return mine is None or mine == value or (what == "close_rseq" and mine == UNKNOWN)

    def _close(self, record: dict) -> str | None:
        """A Z covers exactly the records after the previous Z (issue 13, item 1).

        Its range starts right after the previous Z, ends right before itself,
        and its real receipts are the numbers after the previous Z's last: so the
        Zs' receipt counts add up to every real receipt, each in one Z.
        """
        data, seq = record["data"], record["seq"]
        if "first_seq" not in data:  # a Z from before shifts: nothing to check
            known = self.last_rseq[False]
            self.close_seq, self.close_rseq = seq, UNKNOWN if known is None else known
            return None
        try:
            first, last = int(data["first_seq"]), int(data["last_seq"])
            first_r, last_r, count = (
                int(data["first_rseq"]),
                int(data["last_rseq"]),
                int(data["receipts"]),
            )
        except (KeyError, TypeError, ValueError):
            return "shift_range"
        if last != seq - 1 or count != last_r - first_r + 1:
            return "shift_range"
        for what, value in (
            ("close_seq", first - 1),
            ("close_rseq", first_r - 1),
            ("rseq", last_r),
        ):
            if not self._agrees(what, value):
                return "shift_range"
            if self._state(what) is None:
                self.claims.append((what, value))
        self.close_seq, self.close_rseq = seq, last_r
        return None

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
        self.first = self.first or (stamp, kind)
        if kind == "ledger.repaired":
            self.notices.append(
                Notice("verify.repaired", {"seq": record["seq"], "time": record["time"]} | data)
            )
        if kind == "day.closed":
            return self._close(record)
        if kind not in ("receipt.issued", REFUND):
            return None
        series: bool | str = REFUNDS if kind == REFUND else data.get("training") is True
        rseq, number = data.get("rseq"), data.get("no")
        last = self.last_rseq[series]
        if (
            type(rseq) is not int
            or not isinstance(number, str)
            or rseq != (last + 1 if last is not None else max(rseq, 1))
            or number in self.numbers
        ):
            return "bad_receipt_number"
        if self.first_rseq[series] is None:
            self.first_rseq[series] = rseq
        self.last_rseq[series] = rseq
        self.numbers.add(number)
        if kind == REFUND:
            return "refund_arithmetic" if refund_problem(data) else None
        return "receipt_arithmetic" if is_mispriced(data) else None  # issue 12, item 2

    def follows(self, piece: Tally) -> bool:
        """Whether ``piece`` (checked on its own) continues this tally; changes nothing."""
        if piece.first is not None and self.last_time is not None:
            stamp, kind = piece.first
            if stamp < self.last_time and kind != CLOCK_CORRECTION:
                return False
        for series in (False, True, REFUNDS):
            first, last = piece.first_rseq[series], self.last_rseq[series]
            if first is not None and last is not None and first != last + 1:
                return False
        if not all(self._agrees(what, value) for what, value in piece.claims):
            return False
        return self.numbers.isdisjoint(piece.numbers)

    def add(self, piece: Tally) -> None:
        """Take ``piece`` in after it; call only when :meth:`follows` said so."""
        self.claims += [(w, v) for w, v in piece.claims if self._state(w) is None]
        if piece.close_seq is not None:
            self.close_seq, self.close_rseq = piece.close_seq, piece.close_rseq
        for series in (False, True, REFUNDS):
            if piece.first_rseq[series] is not None:
                if self.first_rseq[series] is None:
                    self.first_rseq[series] = piece.first_rseq[series]
                self.last_rseq[series] = piece.last_rseq[series]
        self.first = self.first or piece.first
        self.last_time = piece.last_time or self.last_time
        self.numbers |= piece.numbers
        self.notices.extend(piece.notices)


def verify_journal(
    journal: Journal, public_key: Ed25519PublicKey, *, all_signatures: bool = False
) -> VerifyResult:
    """Check every month file in order, including the bytes after its last record.

    Large months are checked in forked workers (see
    :func:`shopdesk.backup.checking.check_range`). A ledger that fails is walked
    again with every signature, so the first bad record is named as the full
    check names it (a forged record's own bad signature, not the next link).
    """
    ends = {month: journal.incomplete_tail(month) for month in journal.months()}
    last_seq = _last_seq(journal, ends)
    rule = SignatureRule.batch(records=last_seq, last_seq=last_seq)
    return check_named(
        lambda rule, first: _walk(journal, ends, public_key, rule, parallel=first),
        ALL_SIGNATURES if all_signatures else rule,
    )


def check_named(
    run: Callable[[SignatureRule, bool], VerifyResult], rule: SignatureRule
) -> VerifyResult:
    """``run(rule, True)``; if that fails, ``run(ALL_SIGNATURES, False)`` names the problem.

    With some signatures skipped, a forged record (content changed, hash
    recomputed) is first seen at the next record's link, or at the newest
    record's signature; the second, full run stops at the forged record's own
    signature, as a full check always has. It costs a full check, but only on a
    ledger that is damaged anyway. The flag says whether this is the first run.
    """
    result = run(rule, True)
    if result.problem is not None and not rule.everything:
        result = run(ALL_SIGNATURES, False)
    return result


def _last_seq(journal: Journal, ends: dict[str, tuple[int, int]]) -> int:
    """The ``seq`` of the newest complete line (0 if none or unreadable: it then fails)."""
    for month in reversed(list(ends)):
        if ends[month][0]:
            try:
                seq = loads(line_ending_at(journal.path(month), ends[month][0]))["seq"]
            except (ValueError, KeyError, TypeError, RecursionError):
                return 0
            return seq if isinstance(seq, int) else 0
    return 0


def _walk(
    journal: Journal,
    ends: dict[str, tuple[int, int]],
    public_key: Ed25519PublicKey,
    rule: SignatureRule,
    *,
    parallel: bool,
) -> VerifyResult:
    # imported here: the forked-worker range check (written for backups first)
    # imports this module
    from shopdesk.backup.checking import check_range

    tally = Tally()
    months = list(ends)
    count, head_seq, head_hash = 0, 0, GENESIS_PREV
    for month in months:
        name = partition_name(month)
        offset, length = ends[month]
        result, _ = check_range(
            journal.path(month),
            0,
            offset,
            name,
            1,
            (head_seq + 1, head_hash),
            public_key,
            None,
            signatures=rule,
            tally=tally,
            parallel=parallel,
        )
        count, head_seq, head_hash = count + result.records, result.head_seq, result.head_hash
        problem = result.problem
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
