"""The ledger: journal + signing key + query view, opened and appended as one.

Appending a record = build it, hash it, sign it, write and ``fsync`` its line,
then fold its projection into the view; nothing else is touched, so the cost of
a sale does not grow with the ledger.

Opening = find the journal's head (reads only the end of the newest month),
then rebuild the view: for each finished month a snapshot of its projections
(``journal-YYYY-MM.view.json``, checked against the partition's size, rebuilt
when stale), and for the newest month the records themselves.
Snapshots are a cache: deleting them only makes the next open slower.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shopdesk.errors import LedgerError
from shopdesk.ledger.canonical import canonical_json, record_hash
from shopdesk.ledger.journal import Journal, TornTail
from shopdesk.ledger.keys import sign
from shopdesk.ledger.view import ReceiptView, project

#: Format version written into every record; readers refuse versions they don't know.
RECORD_VERSION = 1
#: 2: batch.exported projections carry the batch's journal range (shopdesk.export).
SNAPSHOT_VERSION = 2

#: Every kind of record the ledger holds. Nothing is ever edited or deleted:
#: a correction is a new record that refers back by receipt number.
RECORD_KINDS = frozenset(
    {
        "ledger.created",
        "receipt.issued",
        "receipt.printed",
        "receipt.voided",
        "outage.started",
        "outage.ended",
        "day.closed",
        "batch.exported",
        "invoice.reconciled",
        "backup.made",
    }
)


class Ledger:
    """One terminal's ledger folder, open for reading or (one process) writing."""

    def __init__(self, journal: Journal, key: Ed25519PrivateKey | None, terminal: str) -> None:
        self.journal = journal
        self.key = key
        self.terminal = terminal
        self.view = ReceiptView()

    @classmethod
    def open(
        cls,
        directory: Path,
        key: Ed25519PrivateKey | None,
        terminal: str,
        *,
        readonly: bool = False,
    ) -> Ledger:
        journal = Journal.open(directory, readonly=readonly or key is None)
        ledger = cls(journal, key, terminal)
        try:
            ledger._load_view()
        except BaseException:
            journal.close()
            raise
        return ledger

    @property
    def torn(self) -> TornTail | None:
        """The torn tail quarantined at open, if any: front ends must report it."""
        return self.journal.torn

    @property
    def head_seq(self) -> int:
        return self.journal.head.seq

    @property
    def head_hash(self) -> str:
        return self.journal.head.hash

    # ----- the view ----------------------------------------------------------

    def _load_view(self) -> None:
        months = self.journal.months()
        for month in months[:-1]:
            for projection in self._snapshot(month):
                self.view.apply(projection)
        for month in months[-1:]:
            for record in self.journal.records([month]):
                self.view.apply(project(record))

    def _snapshot(self, month: str) -> list[dict]:
        """Projections of a finished month, from its snapshot or rebuilt from its lines."""
        part = self.journal.path(month)
        snap = part.with_suffix(".view.json")
        size = part.stat().st_size
        try:
            cached = json.loads(snap.read_bytes())
            if cached["version"] == SNAPSHOT_VERSION and cached["size"] == size:
                return cached["projections"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        projections = [project(r) for r in self.journal.records([month])]
        if not self.journal.readonly:
            tmp = snap.with_suffix(".tmp")
            tmp.write_bytes(
                canonical_json(
                    {"version": SNAPSHOT_VERSION, "size": size, "projections": projections}
                )
            )
            os.replace(tmp, snap)
        return projections

    # ----- appending ---------------------------------------------------------

    def append(self, kind: str, data: dict, time: datetime) -> dict:
        """Make ``data`` a signed, chained record and write it durably; return it.

        When this returns, the record is on disk (fsynced): only then may a front
        end tell anyone it exists.
        """
        if kind not in RECORD_KINDS:
            raise ValueError(f"unknown record kind {kind!r}")
        if self.key is None:
            raise LedgerError("ledger.readonly", folder=str(self.journal.directory))
        if time.tzinfo is None:
            raise ValueError("record times must be timezone-aware")
        head = self.journal.head
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
        self.journal.note_appended(record["seq"], record["hash"])
        self.view.apply(project(record))
        return record

    # ----- reading -----------------------------------------------------------

    def records(self, months: list[str] | None = None) -> Iterator[dict]:
        return self.journal.records(months)

    def record_at(self, seq: int, month_hint: str | None = None) -> dict | None:
        """The record with journal sequence ``seq`` (scans its month's partition)."""
        months = self.journal.months()
        if month_hint and month_hint in months:
            months = [month_hint] + [m for m in months if m != month_hint]
        for month in months:
            for _, raw in self.journal.lines(month):
                # cheap pre-filter before parsing: canonical JSON sorts "seq" after "prev"
                if f'"seq":{seq},'.encode() in raw:
                    record = json.loads(raw)
                    if record["seq"] == seq:
                        return record
        return None

    def close(self) -> None:
        self.journal.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
