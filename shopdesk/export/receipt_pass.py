"""verify-batch's per-receipt work on the second core: rebuilding the derived files.

The main process of verify-batch checks every record's hash, canonical bytes,
sequence, link, the signatures of the batch rule, each receipt's arithmetic and
its re-pricing (:mod:`shopdesk.domain.repricing`). Rebuilding ``receipts.csv``
and ``invoice-import.xlsx`` (:mod:`shopdesk.export.derived_check`) needs none of
that state, only the records, so for a large batch a worker process reads the
same ``receipts.jsonl`` member from the zip and does it while the main process
walks the chain. (Re-pricing was the worker's too until orjson made the main
pass cheaper: per 100k receipts the main pass then took ~4.0 s of CPU and the
worker ~5.3 s, of which re-pricing ~0.9 s; now they balance.)

Nothing is weakened: the worker hashes what it read, and that must be the
member's SHA-256 in the signed manifest, which the main process checks against
its own read, so both saw the same bytes. The main process decides: a problem
either of them finds is reported in journal order (the earlier line wins; on
the same line the main process's, which checks a record's figures before the
rebuild could trip on it). If the worker cannot start or dies, the same
function runs in the main process.

Small batches (below :data:`PARALLEL_FROM` records) run it in-process: a process
costs more to start than it saves.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from shopdesk.domain.refund import refund_problem
from shopdesk.errors import BatchError
from shopdesk.export import batch_format as fmt
from shopdesk.export.background import Background, no_cyclic_gc
from shopdesk.export.derived_check import DerivedFiles
from shopdesk.export.safe_zip import SafeZip
from shopdesk.ledger.canonical import loads

#: Records from which the worker process pays off (it costs ~0.1 s to fork).
PARALLEL_FROM = 20_000
KIND = b'"kind":"'
ISSUED = b"receipt.issued"
REFUNDED = b"refund.issued"
#: A problem after every record (the manifest's counts, head, a file's hash).
AFTER_ALL = float("inf")


@dataclass(frozen=True)
class ReceiptVerdict:
    """What the per-receipt pass found; codes and data of :class:`BatchError`."""

    #: (line, code, data) of the first receipt or refund that cannot be read
    unreadable: tuple[int, str, dict] | None
    #: (code, data) of what the jsonl's hash or the derived files' rebuild says
    derived: tuple[str, dict] | None
    #: The process that did the work (the worker's, or the main one's when it ran here).
    pid: int = field(default_factory=os.getpid)
    #: Whether the rebuilt ``receipts.csv`` hashes to what the signed manifest states.
    csv_rebuilt: bool = False


def _kind(raw: bytes) -> bytes:
    """A canonical record's ``kind``, read from the end of the line (see ``batch_writer._field``).

    A line that is not canonical may be misread; the main process rejects it at
    that line, which then wins over anything the worker says about it or later.
    """
    at = raw.rfind(KIND)
    if at < 0:
        return b""
    at += len(KIND)
    end = raw.find(b'"', at)
    return raw[at:end] if end >= 0 else b""


def check_receipts(path: Path, manifest: dict) -> ReceiptVerdict:
    """Rebuild the derived files of the batch at ``path`` from its receipts and refunds."""
    derived = DerivedFiles(manifest)
    digest = hashlib.sha256()
    with SafeZip(path) as archive, no_cyclic_gc():
        try:
            unreadable = _rebuild_all(archive, digest, derived)
        except BatchError as exc:  # an unreadable member: the main process names it too
            return ReceiptVerdict(None, (exc.code, exc.data))
        if unreadable is not None:
            return ReceiptVerdict(unreadable, None)
        if digest.hexdigest() != manifest["files"][fmt.JSONL]["sha256"]:
            return ReceiptVerdict(None, ("batch.file_hash", {"name": fmt.JSONL}))
        csv_rebuilt = derived.csv_matches()
        try:
            derived.check(archive)
        except BatchError as exc:
            return ReceiptVerdict(None, (exc.code, exc.data), csv_rebuilt=csv_rebuilt)
    return ReceiptVerdict(None, None, csv_rebuilt=csv_rebuilt)


def _rebuild_all(
    archive: SafeZip, digest: hashlib._Hash, derived: DerivedFiles
) -> tuple[int, str, dict] | None:
    """Feed each receipt and refund to ``derived``; the first that cannot be read.

    Figures are the main process's (arithmetic, re-pricing, refund figures): a
    receipt that fails them fails the batch at its own line, before anything
    the rebuild finds after all records, so it may be fed here as it is.
    """
    for number, raw in archive.lines(fmt.JSONL, digest):
        kind = _kind(raw)
        if kind not in (ISSUED, REFUNDED):
            continue
        try:
            record = loads(raw)
            data = record["data"]
            if kind == REFUNDED:
                if refund_problem(data) is None:
                    derived.add_refund(data, record["time"])
            elif data.get("training") is not True:
                derived.add_receipt(data, record["time"])
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return number, "batch.bad_record", {"line": "?", "seq": "?", "reason": "bad_shape"}
    return None


class ReceiptPass:
    """The per-receipt pass of one batch, started in a worker when the batch is large."""

    def __init__(self, path: Path, manifest: dict) -> None:
        self.path = path
        self.manifest = manifest
        big = manifest["journal"]["records"] >= PARALLEL_FROM
        self.worker = Background(check_receipts, path, manifest, spawn=True, start=big)

    def result(self) -> ReceiptVerdict:
        """The verdict: from the worker if it ran and answered, else computed here."""
        return self.worker.result()

    def first(self, error: BatchError, line: float) -> BatchError:
        """``error`` (found by the main process at ``line``), or an earlier unreadable record."""
        found = self.result().unreadable
        if found is not None and found[0] < line:
            return BatchError(found[1], **found[2])
        return error

    def raise_unreadable(self) -> None:
        found = self.result().unreadable
        if found is not None:
            raise BatchError(found[1], **found[2])

    def raise_derived(self) -> None:
        found = self.result().derived
        if found is not None:
            raise BatchError(found[0], **found[1])

    def close(self) -> None:
        """Stop the worker if it still runs (the main process failed first)."""
        self.worker.close()
