"""The ledger: journal + signing key + query view, opened and appended as one.

Appending a record = build it, hash it, sign it, write and ``fsync`` its line,
then fold its projection into the view; nothing else is touched, so the cost of
a sale does not grow with the ledger.

Opening = find the journal's head (reads only the end of the newest month),
then rebuild the view from ``view-checkpoint.json`` — the whole view as it was
at a known (month, byte offset, record hash) — plus the records written after
it. A checkpoint is written when more than ``CHECKPOINT_EVERY`` records had to
be replayed, so opening stays fast at any size without every ``sell`` paying for
a rewrite. It is a cache: checked against the journal before use, rebuilt from
the journal when missing, stale or broken, and never the source of truth. Its
header (the receipt counters and every other running fact) is signed with the
ledger's key, so an edited checkpoint (e.g. a lowered ``last_rseq``, which would
make the next sale reissue a number, issue 11) is discarded and the view
rebuilt from the journal instead.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shopdesk.errors import ClockError, LedgerError
from shopdesk.ledger.canonical import canonical_json, loads, record_hash
from shopdesk.ledger.journal import Journal, TornTail
from shopdesk.ledger.keys import sign, verify_signature
from shopdesk.ledger.view import ROW_FIELDS, ReceiptView, project

#: How a record's time key starts in canonical JSON (see :meth:`Ledger.records_between`).
TIME_KEY = b'"time":"'
KIND_KEY = b'"kind":"'
#: Format version written into every record; readers refuse versions they don't know.
RECORD_VERSION = 1
#: 2: rows carry void_seq/void_day, the view keeps its batches (shopdesk.export).
CHECKPOINT_VERSION = 3
CHECKPOINT_NAME = "view-checkpoint.json"
#: Records replayed at open (or appended since) above which a new checkpoint is written.
CHECKPOINT_EVERY = 1000
#: Replay time at open above which a new checkpoint is written.
CHECKPOINT_SECONDS = 0.05
#: Bytes read back to find the checkpoint's last line; records are far smaller.
TAIL_LINE = 256 * 1024

#: Every kind of record the ledger holds. Nothing is ever edited or deleted:
#: a correction is a new record that refers back by receipt number.
RECORD_KINDS = frozenset(
    {
        "ledger.created",
        "ledger.restored",
        "receipt.issued",
        "receipt.printed",
        "receipt.voided",
        # A return: a refund receipt of its own series (T01-RF-…) naming the original.
        "refund.issued",
        # Till events (issue 13, item 5): no receipts, counted on the X/Z.
        "sale.cancelled",
        "line.removed",
        "drawer.opened",
        "outage.started",
        "outage.ended",
        "day.closed",
        "batch.started",
        "batch.exported",
        "invoice.reconciled",
        "backup.made",
        "profile.changed",
        "clock.corrected",
        # Training mode switched on (with a manager's approval) or off (issue 13).
        "training.changed",
        # A torn tail was cut off at open: what, where, its SHA-256 and where the
        # bytes were kept (the technical-event journal NF525 asks for; issue 11).
        "ledger.repaired",
        # A wrong PIN at an approval or sign-in: the action and the count in a
        # row, never the digits (issue 13; services/approval.py).
        "pin.failed",
    }
)
#: The one kind whose time may be earlier than the record before it: a manager's
#: documented correction after records were stamped by a clock that ran ahead.
CLOCK_CORRECTION = "clock.corrected"


def clock_texts(now: datetime, last: datetime) -> dict[str, str]:
    """Both times as a person reads them, in the last record's own UTC offset."""
    shown = "%Y-%m-%d %H:%M:%S"
    return {"now": now.astimezone(last.tzinfo).strftime(shown), "last": last.strftime(shown)}


class Ledger:
    """One terminal's ledger folder, open for reading or (one process) writing."""

    def __init__(
        self,
        journal: Journal,
        key: Ed25519PrivateKey | None,
        terminal: str,
        public_key: Ed25519PublicKey | None = None,
    ) -> None:
        self.journal = journal
        self.key = key
        self.terminal = terminal
        #: Checks the view checkpoint's signature; without it the checkpoint is not used.
        self.public_key = key.public_key() if key is not None else public_key
        self._view: ReceiptView | None = None
        self._since_checkpoint = 0
        #: The error code ``append`` raises without a key: front ends explain why.
        self.readonly_code = "ledger.readonly"
        #: False for a writer opened without its view (see :meth:`open`).
        self._fold = True

    @classmethod
    def open(
        cls,
        directory: Path,
        key: Ed25519PrivateKey | None,
        terminal: str,
        *,
        readonly: bool = False,
        load_view: bool = True,
        public_key: Ed25519PublicKey | None = None,
    ) -> Ledger:
        """Open the journal (and, for a writer, build the view).

        ``load_view=False`` is for a writer that only copies files and appends
        (a backup): the view is then never built, and appends do not fold into it.
        A writer checks the last record's signature before chaining onto it. A
        reader uses the view checkpoint only if ``public_key`` can check it.
        """
        readonly = readonly or key is None
        authentic = None if readonly or key is None else _signed_by(key.public_key())
        journal = Journal.open(directory, readonly=readonly, authentic=authentic)
        ledger = cls(journal, key, terminal, public_key)
        if journal.readonly:
            return ledger  # the view is built on first use: see :attr:`view`
        if not load_view:
            ledger._fold = False
            return ledger
        try:
            ledger.view  # noqa: B018 - a writer builds it now (and may write a checkpoint)
        except BaseException:
            journal.close()
            raise
        return ledger

    @property
    def view(self) -> ReceiptView:
        """The query view, built from the journal the first time it is asked for.

        A writer builds it at open. A reader builds it only if it needs it: a
        report of one day reads the journal directly and should not pay for a
        view of the whole ledger.
        """
        if self._view is None:
            self._view = ReceiptView()
            try:
                self._load_view(self._view)
            except BaseException:
                self._view = None
                raise
        return self._view

    @property
    def torn(self) -> TornTail | None:
        """The torn tail quarantined at open, if any: front ends must report it."""
        return self.journal.torn

    def record_repair(self, time: datetime) -> dict | None:
        """Record in the ledger itself the torn tail cut off at open (``ledger.repaired``).

        The cut bytes stay in ``quarantine/``; the record names them by size and
        SHA-256, so the journal alone shows that a repair happened and what it
        removed. Called by the writer right after open; ``None`` if nothing was cut.
        (A crash between the cut and this record leaves only the quarantine file.)
        """
        torn = self.journal.torn
        if torn is None or not torn.quarantined_to:
            return None
        if self.journal.head.time:
            # a repair is a fact about the files, never refused for a wrong clock:
            # stamped no earlier than the last record, so the rule of time holds
            time = max(time, datetime.fromisoformat(self.journal.head.time))
        kept = Path(torn.quarantined_to)
        data = {
            "partition": torn.partition,
            "offset": torn.offset,
            "length": torn.length,
            "sha256": torn.sha256,
            "quarantined_to": f"{kept.parent.name}/{kept.name}",
        }
        return self.append("ledger.repaired", data, time)

    @property
    def head_seq(self) -> int:
        return self.journal.head.seq

    @property
    def head_hash(self) -> str:
        return self.journal.head.hash

    # ----- the view ----------------------------------------------------------

    def _load_view(self, view: ReceiptView) -> None:
        checkpoint = self._read_checkpoint()
        months = self.journal.months()
        replayed = 0
        if checkpoint is None:
            todo, offset = months, 0
        else:
            view.load_state(checkpoint["extra"], self._rows_loader(checkpoint))
            todo, offset = [m for m in months if m >= checkpoint["month"]], checkpoint["size"]
        started = time.perf_counter()
        for record in self.journal.records(todo, offset):
            view.apply(project(record))
            replayed += 1
        self._since_checkpoint = replayed
        # Few records can still be much work (a batch marks 100k receipts), so
        # the time spent counts too: what was slow to replay is saved once.
        if replayed > CHECKPOINT_EVERY or time.perf_counter() - started > CHECKPOINT_SECONDS:
            self.write_checkpoint()

    def _read_checkpoint(self) -> dict | None:
        """The checkpoint's first line, if it still describes a prefix of this journal.

        The file holds two lines: the header with the view's running facts, then
        the rows' columns, read only when a row is first needed (see
        :meth:`ReceiptView.load_state`) through the still-open file, so a newer
        checkpoint written meanwhile cannot mix with this one.
        """
        path = self.journal.directory / CHECKPOINT_NAME
        try:
            handle = path.open("rb")
        except OSError:
            return None
        try:
            cp = loads(handle.readline())
            if cp["version"] != CHECKPOINT_VERSION or cp["terminal"] != self.terminal:
                raise ValueError("another version or terminal")
            signature = cp.pop("sig")
            if self.public_key is None or not verify_signature(
                self.public_key, canonical_json(cp), signature
            ):
                raise ValueError("not signed by this ledger's key")
            if cp["seq"] != 0:
                with self.journal.path(cp["month"]).open("rb") as part:
                    size = cp["size"]
                    part.seek(max(0, size - TAIL_LINE))
                    tail = part.read(size - max(0, size - TAIL_LINE))
                last = tail[tail.rfind(b"\n", 0, len(tail) - 1) + 1 : -1]
                if not tail.endswith(b"\n") or loads(last)["hash"] != cp["hash"]:
                    raise ValueError("not a prefix of this journal")
        except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
            handle.close()
            return None
        cp["_handle"] = handle
        return cp

    def _rows_loader(self, checkpoint: dict) -> Callable[[], dict]:
        handle = checkpoint.pop("_handle")

        def load() -> dict:
            """The checkpoint's columns; if that line is damaged, rebuilt from the journal."""
            try:
                with handle:
                    columns = loads(handle.readline())
                if isinstance(columns, dict) and set(columns) >= set(ROW_FIELDS):
                    return columns
            except (OSError, ValueError, RecursionError):
                pass
            return self._columns_from_journal(checkpoint["seq"])

        return load

    def _columns_from_journal(self, through_seq: int) -> dict:
        view = ReceiptView()
        for record in self.journal.records():
            if record["seq"] > through_seq:
                break
            view.apply(project(record))
        return view.dump_state()["columns"]

    def write_checkpoint(self) -> None:
        """Save the view as of the journal's head (atomically; skipped when read-only)."""
        if self.journal.readonly or self.key is None:
            return
        head = self.journal.head
        state = self.view.dump_state()
        header = {
            "version": CHECKPOINT_VERSION,
            "terminal": self.terminal,
            "month": head.month,
            "size": self.journal.size,
            "seq": head.seq,
            "hash": head.hash,
            "extra": state["extra"],
        }
        header["sig"] = sign(self.key, canonical_json(header))
        path = self.journal.directory / CHECKPOINT_NAME
        tmp = path.with_suffix(".tmp")
        try:
            with tmp.open("w", encoding="utf-8") as out:  # streamed: no second copy in memory
                json.dump(header, out, ensure_ascii=False, separators=(",", ":"))
                out.write("\n")
                json.dump(state["columns"], out, ensure_ascii=False, separators=(",", ":"))
                out.write("\n")
            os.replace(tmp, path)
        except OSError:
            pass  # a cache: the next open replays a little more
        self._since_checkpoint = 0

    # ----- appending ---------------------------------------------------------

    def append(self, kind: str, data: dict, time: datetime) -> dict:
        """Make ``data`` a signed, chained record and write it durably; return it.

        When this returns, the record is on disk (fsynced): only then may a front
        end tell anyone it exists.
        """
        if kind not in RECORD_KINDS:
            raise ValueError(f"unknown record kind {kind!r}")
        if self.key is None:
            raise LedgerError(self.readonly_code, folder=str(self.journal.directory))
        if time.tzinfo is None:
            raise ValueError("record times must be timezone-aware")
        head = self.journal.head
        if kind != CLOCK_CORRECTION and head.time:
            last = datetime.fromisoformat(head.time)
            if time < last:
                raise ClockError("clock.behind", **clock_texts(time, last))
        record = {
            "v": RECORD_VERSION,
            "seq": head.seq + 1,
            "prev": head.hash,
            "time": time.isoformat(timespec="microseconds"),
            "terminal": self.terminal,
            "kind": kind,
            "data": data,
        }
        record["hash"] = record_hash(record)
        record["sig"] = sign(self.key, record["hash"].encode("ascii"))
        self.journal.write(canonical_json(record) + b"\n", record["time"][:7])
        self.journal.note_appended(record["seq"], record["hash"], record["time"])
        if self._fold:
            self.view.apply(project(record))
            self._since_checkpoint += 1
        return record

    # ----- reading -----------------------------------------------------------

    def records(self, months: list[str] | None = None) -> Iterator[dict]:
        return self.journal.records(months)

    def records_between(
        self, start: datetime, end: datetime, kinds: tuple[str, ...] | None = None
    ) -> Iterator[dict]:
        """Records stamped in ``[start, end)`` (aware datetimes), in journal order.

        Reads only the partitions that can hold such a record, and parses only
        the lines that can: a record's time string carries its own UTC offset
        (the shop's, as ``Shop.now`` stamps them, or any other a clock gave);
        two real offsets differ by less than a day, so its date is within one day
        of the window's dates. One pattern search per partition
        finds those dates (``"time":"2026-11-28T``…; in canonical JSON a ``"``
        inside a value is always escaped, so it only matches a real ``time``
        key), then each hit's own time is checked exactly; ``kinds`` skips other
        records before parsing. Order of records in the file is not assumed.

        A record's day comes from its own time, never from the file it sits in:
        after a clock that ran ahead was corrected, records of today sit in the
        future month's partition (a partition only ever grows, see
        :meth:`Journal.write`), so every partition from the window's first month
        on is searched, not just the window's months.
        """
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("records_between needs timezone-aware bounds")
        first, last = start.date() - timedelta(days=1), end.date() + timedelta(days=1)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        pattern = re.compile(
            re.escape(TIME_KEY)
            + b"(?:"
            + b"|".join(d.isoformat().encode("ascii") for d in days)
            + b")T"
        )
        wanted = {k.encode() for k in kinds or ()}
        lo = first.strftime("%Y-%m")
        for month in [m for m in self.journal.months() if m >= lo]:
            for offset, raw in self.journal.grep(month, pattern):
                if wanted and not _may_be(raw, wanted):
                    continue
                # the record's own time is the line's LAST "time" key (only "v" sorts
                # after it); the pattern may have matched a nested one in ``data``
                at = raw.rfind(TIME_KEY) + len(TIME_KEY)
                try:
                    stamp = datetime.fromisoformat(raw[at : raw.index(b'"', at)].decode())
                except (ValueError, UnicodeDecodeError):
                    raise self._bad_line(month, offset) from None
                if start <= stamp < end:
                    try:
                        yield loads(raw)
                    except (ValueError, RecursionError):  # deeply nested JSON raises the latter
                        raise self._bad_line(month, offset) from None

    def last_of_kind(self, kind: str) -> tuple[str, int, dict] | None:
        """(month, byte offset, record) of the newest record of ``kind``, or ``None``.

        Searches the partitions newest first, each from its end, and stops at the
        first hit: the last Z of a 100k-receipt ledger without building the view.
        Partitions follow the journal's order (a record never goes into an older
        partition than the one before it), so the newest hit is the last record.
        """
        needle = KIND_KEY + kind.encode("ascii") + b'"'
        for month in reversed(self.journal.months()):
            for offset, raw in self.journal.grep_last(month, needle):
                if _may_be(raw, {kind.encode("ascii")}):
                    try:
                        return month, offset, loads(raw)
                    except (ValueError, RecursionError):
                        raise self._bad_line(month, offset) from None
        return None

    def records_after(
        self, where: tuple[str, int] | None, kinds: tuple[str, ...]
    ) -> Iterator[dict]:
        """Records of ``kinds`` after the line at ``where`` (month, offset), in journal order.

        ``None`` means from the first record. Only the partitions from ``where``'s
        on are searched, from that line on, and only lines of those kinds parsed:
        a shift costs its own records, not the ledger's.
        """
        wanted = {k.encode("ascii") for k in kinds}
        pattern = re.compile(
            re.escape(KIND_KEY) + b"(?:" + b"|".join(re.escape(k) for k in wanted) + b')"'
        )
        month, offset = where or ("", -1)
        for m in [m for m in self.journal.months() if m >= month]:
            start = offset + 1 if m == month else 0  # inside the line at ``offset``: skips it
            for at, raw in self.journal.grep(m, pattern, start):
                if (at <= offset and m == month) or not _may_be(raw, wanted):
                    continue
                try:
                    yield loads(raw)
                except (ValueError, RecursionError):
                    raise self._bad_line(m, at) from None

    def find_records(self, needle: bytes, months: list[str] | None = None) -> Iterator[dict]:
        """Records whose line contains ``needle`` (e.g. ``b'"kind":"day.closed"'``), in order.

        A byte search over each partition, parsing only the matching lines: finds
        a few records in a large ledger without building the view.
        """
        for month in self.journal.months() if months is None else months:
            for offset, raw in self.journal.grep(month, needle):
                try:
                    yield loads(raw)
                except (ValueError, RecursionError):  # deeply nested JSON raises the latter
                    raise self._bad_line(month, offset) from None

    def _bad_line(self, month: str, offset: int) -> LedgerError:
        return LedgerError(
            "ledger.bad_line",
            file=self.journal.path(month).name,
            line=self.journal.line_number(month, offset),
        )

    def record_at(self, seq: int, month_hint: str | None = None) -> dict | None:
        """The record with journal sequence ``seq`` (scans its month's partition)."""
        months = self.journal.months()
        if month_hint and month_hint in months:
            months = [month_hint] + [m for m in months if m != month_hint]
        for month in months:
            for _, raw in self.journal.lines(month):
                # cheap pre-filter before parsing: canonical JSON sorts "seq" after "prev"
                if f'"seq":{seq},'.encode() in raw:
                    record = loads(raw)
                    if record["seq"] == seq:
                        return record
        return None

    def close(self) -> None:
        if self._since_checkpoint > CHECKPOINT_EVERY:
            self.write_checkpoint()
        self.journal.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _may_be(raw: bytes, wanted: set[bytes]) -> bool:
    """Whether a journal line's own kind is one of ``wanted``, without parsing it.

    The record's own kind is the line's last ``"kind"`` key: only ``data`` sorts
    before it and the keys after it hold no objects. A line without one may be
    anything: it is parsed (and then fails as a bad line).
    """
    k = raw.rfind(KIND_KEY) + len(KIND_KEY)
    return k < len(KIND_KEY) or raw[k : raw.find(b'"', k)] in wanted


def _signed_by(public_key: Ed25519PublicKey) -> Callable[[dict], bool]:
    """A check that a record's signature is the ledger key's (see :meth:`Journal.open`)."""

    def check(record: dict) -> bool:
        digest, signature = record.get("hash"), record.get("sig")
        return (
            isinstance(digest, str)
            and isinstance(signature, str)
            and verify_signature(public_key, digest.encode("ascii"), signature)
        )

    return check
