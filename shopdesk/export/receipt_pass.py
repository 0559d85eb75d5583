"""verify-batch's per-receipt work on the second core: the derived files and the sampled signatures.

The main process of verify-batch checks every record's hash, canonical bytes,
sequence, link, each receipt's arithmetic and its re-pricing
(:mod:`shopdesk.domain.repricing`). Rebuilding ``receipts.csv`` and
``invoice-import.xlsx`` (:mod:`shopdesk.export.derived_check`) and checking the
signatures the batch rule draws (:class:`~shopdesk.ledger.verify.SignatureRule`)
need none of that state, only the records, so for a large batch a worker
process reads the same ``receipts.jsonl`` member from the zip and does both
while the main process walks the chain. (Re-pricing was the worker's until
orjson made the main pass cheaper; the ~5,000 signatures of 100k receipts,
~0.25 s, moved here when the main process became the longer one again, and
so did hashing the workbook and CSV members, ~0.13 s that the main process spent
before and after its walk.)

Nothing is weakened: the worker hashes what it read, and that must be the
member's SHA-256 in the signed manifest, which the main process checks against
its own read, so both saw the same bytes. A signature is read from the end of
its line (``seq`` from the line's place, ``hash`` and ``sig`` from the tail):
for a canonical record in sequence that is the record's own, and any other line
is a problem the main process names at that line. The main process decides: a
problem either of them finds is reported in journal order (the earlier line
wins; on the same line the main process's, which checks a record's bytes,
order and figures before the rebuild could trip on it). If the worker cannot
start or dies, the same function runs in the main process.

Small batches (below :data:`PARALLEL_FROM` records) run it in-process: a process
costs more to start than it saves.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopdesk.domain.refund import refund_problem
from shopdesk.errors import BatchError
from shopdesk.export import batch_format as fmt
from shopdesk.export.background import Background, no_cyclic_gc
from shopdesk.export.batch_writer import tail_field
from shopdesk.export.derived_check import DerivedFiles
from shopdesk.export.safe_zip import SafeZip
from shopdesk.ledger.canonical import loads, loads_unwalked
from shopdesk.ledger.keys import load_public_key, verify_signature
from shopdesk.ledger.verify import SignatureRule, has_buyer_tax_id

#: Records from which the worker process pays off (it costs ~0.1 s to fork).
PARALLEL_FROM = 20_000
KIND = b'"kind":"'
ISSUED = b"receipt.issued"
REFUNDED = b"refund.issued"
#: A void: the batch rule checks every one's signature (and every refund's).
VOIDED = b"receipt.voided"
#: A problem after every record (the manifest's counts, head, a file's hash).
AFTER_ALL = float("inf")


@dataclass(frozen=True)
class ReceiptVerdict:
    """What the per-receipt pass found; codes and data of :class:`BatchError`."""

    #: (line, code, data) of the first line that fails here: a receipt or refund
    #: that cannot be read, a signature the rule checks that does not verify, or
    #: (line 0, before every record) a workbook that is not the signed one
    on_line: tuple[int, str, dict] | None
    #: (code, data) of what the jsonl's hash or the derived files' rebuild says
    derived: tuple[str, dict] | None
    #: The process that did the work (the worker's, or the main one's when it ran here).
    pid: int = field(default_factory=os.getpid)
    #: Whether the rebuilt ``receipts.csv`` hashes to what the signed manifest states.
    csv_rebuilt: bool = False
    #: (code, data) of what reading and hashing the ``receipts.csv`` member says, when
    #: ``csv_rebuilt`` (else verify-batch reads that file itself)
    csv_member: tuple[str, dict] | None = None


def _kind(raw: bytes) -> bytes:
    """A canonical record's ``kind``, read from the end of the line (see ``batch_writer.tail_field``).

    A line that is not canonical may be misread; the main process rejects it at
    that line, which then wins over anything the worker says about it or later.
    """
    at = raw.rfind(KIND)
    if at < 0:
        return b""
    at += len(KIND)
    end = raw.find(b'"', at)
    return raw[at:end] if end >= 0 else b""


def check_receipts(
    path: Path, manifest: dict, rule: SignatureRule | None, *, exact: bool = False
) -> ReceiptVerdict:
    """Rebuild the derived files of the batch at ``path``; check the signatures ``rule`` draws.

    ``rule`` is ``None`` when the main process checks every signature itself
    (``--all-signatures``, spread over a pool). Records are parsed by
    :func:`~shopdesk.ledger.canonical.loads_unwalked` unless ``exact``: it
    is json's on every plain line (msgspec's parse) and may differ only on a
    line that is not (a float, beside which a number beyond 64 bits may come back
    as a float too), which the main process's exact parse notices; it then asks
    for this again, exactly.
    """
    derived = DerivedFiles(manifest)
    digest = hashlib.sha256()
    signed = _Signatures(manifest, rule) if rule is not None else None
    parse = loads if exact else loads_unwalked
    with SafeZip(path) as archive, no_cyclic_gc():
        try:
            book_bytes = _signed_member(archive, manifest, fmt.XLSX)
        except BatchError as exc:  # as if before every record: verify-batch checks it first
            return ReceiptVerdict((0, exc.code, exc.data), None)
        try:
            on_line = _rebuild_all(archive, digest, derived, signed, parse)
        except BatchError as exc:  # an unreadable member: the main process names it too
            return ReceiptVerdict(None, (exc.code, exc.data))
        if on_line is not None:
            return ReceiptVerdict(on_line, None)
        if digest.hexdigest() != manifest["files"][fmt.JSONL]["sha256"]:
            return ReceiptVerdict(None, ("batch.file_hash", {"name": fmt.JSONL}))
        csv_rebuilt = derived.csv_matches()
        csv_member = None
        if csv_rebuilt:
            try:
                _signed_member(archive, manifest, fmt.CSV, keep=False)
            except BatchError as exc:
                csv_member = (exc.code, exc.data)
        try:
            derived.check(archive, book_bytes)
        except BatchError as exc:
            derived_problem: tuple[str, dict] | None = (exc.code, exc.data)
        else:
            derived_problem = None
    return ReceiptVerdict(None, derived_problem, csv_rebuilt=csv_rebuilt, csv_member=csv_member)


def _signed_member(archive: SafeZip, manifest: dict, name: str, *, keep: bool = True) -> bytes:
    """The member's bytes (``b""`` unless ``keep``); ``batch.file_hash`` unless the manifest's.

    The main process used to hash the workbook before the records and the CSV
    after them; here, on the second core, they cost the main process nothing
    (~0.13 s per 100k receipts), and the workbook is read once for both uses.
    """
    stated = manifest["files"][name]
    digest = hashlib.sha256()
    size = 0
    kept = []
    for chunk in archive.chunks(name, digest):
        size += len(chunk)
        if size > stated["size"]:  # kept in memory: never more than the signed size
            raise BatchError("batch.file_hash", name=name)
        if keep:
            kept.append(chunk)
    if digest.hexdigest() != stated["sha256"] or size != stated["size"]:
        raise BatchError("batch.file_hash", name=name)
    return b"".join(kept)


class _Signatures:
    """The batch rule (:meth:`SignatureRule.wants_parts`) for the lines of one batch.

    Asked of every line (~200k per 100k receipts), so the caller tests
    :attr:`everything`, :attr:`lines` and the kind inline, and the rule's
    ``seq`` are turned into line numbers once: a record out of sequence fails
    at its line in the main process, which wins there.
    """

    def __init__(self, manifest: dict, rule: SignatureRule) -> None:
        self.key = load_public_key(manifest["public_key"])
        self.first_seq = manifest["journal"]["first_seq"]
        self.everything = rule.everything
        self.lines = frozenset(seq - self.first_seq + 1 for seq in (*rule.sample, rule.last_seq))

    def problem(self, number: int, raw: bytes) -> tuple[int, str, dict] | None:
        """The verdict on line ``number`` if its signature does not verify."""
        try:
            digest, sig = tail_field(raw, b'"hash":"'), tail_field(raw, b'"sig":"').decode()
        except ValueError:  # not a canonical record: the main process names this line
            digest, sig = b"", ""
        if verify_signature(self.key, digest, sig):
            return None
        seq = self.first_seq + number - 1
        return number, "batch.bad_record", {"line": number, "seq": seq, "reason": "bad_signature"}


def _rebuild_all(
    archive: SafeZip,
    digest: hashlib._Hash,
    derived: DerivedFiles,
    signed: _Signatures | None,
    loads: Callable[[bytes], Any],
) -> tuple[int, str, dict] | None:
    """Feed each receipt and refund to ``derived``; the first line that fails.

    Figures are the main process's (arithmetic, re-pricing, refund figures): a
    receipt that fails them fails the batch at its own line, before anything
    the rebuild finds after all records, so it may be fed here as it is. On one
    line its signature is checked first: a record shopdesk signed is never
    unreadable, so a bad signature is the truer account of one that is.
    """
    every = signed is not None and signed.everything
    at_lines = signed.lines if signed is not None else frozenset()
    for number, raw in archive.lines(fmt.JSONL, digest):
        kind = _kind(raw)
        if kind not in (ISSUED, REFUNDED):
            if signed is not None and (every or number in at_lines or kind == VOIDED):
                found = signed.problem(number, raw)
                if found is not None:
                    return found
            continue
        try:
            record = loads(raw)
            data = record["data"]
            if signed is not None and (
                every or number in at_lines or kind == REFUNDED or has_buyer_tax_id(data)
            ):
                found = signed.problem(number, raw)
                if found is not None:
                    return found
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

    def __init__(self, path: Path, manifest: dict, rule: SignatureRule | None) -> None:
        self.path = path
        self.manifest = manifest
        big = manifest["journal"]["records"] >= PARALLEL_FROM
        self.rule = rule
        self.worker = Background(check_receipts, path, manifest, rule, spawn=True, start=big)

    def redo_exactly(self) -> None:
        """Drop the worker's verdict: compute it here with the exact parse when asked."""
        self.worker.close()
        exactly = functools.partial(check_receipts, exact=True)
        self.worker = Background(exactly, self.path, self.manifest, self.rule, start=False)

    def result(self) -> ReceiptVerdict:
        """The verdict: from the worker if it ran and answered, else computed here."""
        return self.worker.result()

    def first(self, error: BatchError, line: float) -> BatchError:
        """``error`` (found by the main process at ``line``), or this pass's on an earlier line."""
        found = self.result().on_line
        if found is not None and found[0] < line:
            return BatchError(found[1], **found[2])
        return error

    def raise_on_line(self) -> None:
        found = self.result().on_line
        _raise(found[1:] if found is not None else None)

    def raise_csv_member(self) -> None:
        _raise(self.result().csv_member)

    def raise_derived(self) -> None:
        _raise(self.result().derived)

    def close(self) -> None:
        """Stop the worker if it still runs (the main process failed first)."""
        self.worker.close()


def _raise(found: tuple[str, dict] | None) -> None:
    """Raise the (code, data) of a verdict's finding, if there is one."""
    if found is not None:
        raise BatchError(found[0], **found[1])
