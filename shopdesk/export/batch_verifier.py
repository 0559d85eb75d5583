"""The accountant's check of a batch zip: is it exactly what the shop's key signed?

Run on another PC with no shop home: everything needed is in the zip (the
public key is in the manifest; compare its fingerprint with the one the shop
gave you, or pass ``--key``). Checks, stopping at the first problem:

1. the zip is safe to read (:mod:`shopdesk.export.safe_zip`);
2. the manifest is JSON of the expected shape, and its Ed25519 signature verifies;
3. the SHA-256 and size of every file match the manifest (the workbook's and
   the CSV's are hashed in 7.'s worker, a wrong workbook still named first);
4. every record of ``receipts.jsonl``: hash, canonical bytes, sequence and link
   (:func:`shopdesk.ledger.verify.check_records`), starting at the manifest's
   first sequence and linking onto its ``prev_head`` — with ``--previous``, the
   previous batch is verified too and must end exactly there; the signed
   manifest's ``head`` and the chain authenticate every record, so record
   signatures follow :class:`~shopdesk.ledger.verify.SignatureRule` (the last,
   every void and buyer tax id, a sample — checked beside the rebuild of 7.;
   all with ``all_signatures``, here, spread over a pool);
5. every receipt's own figures add up, receipt numbers run gaplessly, and the
   counts, voids and totals recomputed from the records equal the manifest's;
   every refund's figures follow from its own lines (:func:`~shopdesk.domain.refund.refund_problem`),
   refund numbers run gaplessly inside the batch, and ``refunds`` and
   ``net_of_refunds`` equal what the refund records add up to;
6. ``receipts.csv`` holds the same receipts and amounts (read with :mod:`csv`
   only when its rebuild in 7. differs: an identical file cannot differ here);
7. every receipt re-prices to its own figures (:mod:`shopdesk.domain.repricing`),
   and ``receipts.csv`` and ``invoice-import.xlsx`` are exactly what the records
   give, cell by cell (:mod:`shopdesk.export.derived_check`) — the rebuild and
   the rule's signatures in a worker process on the second core for a large
   batch (:mod:`shopdesk.export.receipt_pass`), a problem still named in journal order.

Memory stays bounded: members are streamed, records are checked one at a time
and only counters and the (rare) voided numbers are kept.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopdesk.domain.refund import refund_problem
from shopdesk.domain.repricing import reprice_receipt
from shopdesk.errors import BatchError, LedgerError
from shopdesk.export import batch_format as fmt
from shopdesk.export.background import no_cyclic_gc
from shopdesk.export.receipt_pass import AFTER_ALL, ReceiptPass
from shopdesk.export.safe_zip import SafeZip
from shopdesk.export.signatures import SignatureChecker
from shopdesk.export.totals import (
    MONEY_RE,
    BatchTotals,
    ReceiptFigures,
    RefundTotals,
    checked_figures,
    fen,
    receipt_figures,
    yuan,
)
from shopdesk.ledger.canonical import parse
from shopdesk.ledger.keys import key_fingerprint, load_public_key, verify_signature
from shopdesk.ledger.verify import SignatureRule, VerifyResult, check_records

HEX64 = re.compile(r"^[0-9a-f]{64}$")
INT = "int"
MONEY = "money"
HASH = "hash"
OPT_STR = "str|null"


def _shape() -> dict:
    counts = {k: INT for k in ("issued", "voided", "valid", "training_excluded", "late_voids")}
    return {
        "format": str,
        "format_version": INT,
        "shop": str,
        "uscc": str,
        "terminal": str,
        "batch_id": str,
        "batch_no": INT,
        "previous_batch": OPT_STR,
        "exported_at": str,
        "receipts": {
            "first_no": OPT_STR,
            "last_no": OPT_STR,
            "first_rseq": INT,
            "last_rseq": INT,
        },
        "journal": {
            "first_seq": INT,
            "last_seq": INT,
            "records": INT,
            "prev_head": HASH,
            "head": HASH,
        },
        "counts": counts,
        "voided": [str],
        "late_voids": [str],
        "totals": {
            "gross": MONEY,
            "net": MONEY,
            "tax": MONEY,
            "by_rate": ({"gross": MONEY, "net": MONEY, "tax": MONEY},),
            "by_payment": (MONEY,),
        },
        "files": {name: {"sha256": HASH, "size": INT} for name in fmt.HASHED},
        "public_key": str,
        "signature": str,
    }


def _check_shape(value: object, shape: object, path: str) -> None:
    """Raise ``batch.bad_manifest_field`` naming the first field of the wrong type."""

    def bad(expected: str) -> BatchError:
        return BatchError("batch.bad_manifest_field", field=path or "(top)", expected=expected)

    if shape is INT:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise bad("integer ≥ 0")
    elif shape is MONEY:
        if not isinstance(value, str) or not MONEY_RE.match(value):
            raise bad('amount "0.00"')
    elif shape is HASH:
        if not isinstance(value, str) or not HEX64.match(value):
            raise bad("64 hex digits")
    elif shape is OPT_STR:
        if value is not None and not isinstance(value, str):
            raise bad("text or null")
    elif shape is str:
        if not isinstance(value, str):
            raise bad("text")
    elif isinstance(shape, list):
        if not isinstance(value, list):
            raise bad("list")
        for i, item in enumerate(value):
            _check_shape(item, shape[0], f"{path}[{i}]")
    elif isinstance(shape, tuple):  # a mapping of free keys to one shape
        if not isinstance(value, dict):
            raise bad("object")
        for key, item in value.items():
            _check_shape(item, shape[0], f"{path}.{key}")
    elif isinstance(shape, dict):
        if not isinstance(value, dict):
            raise bad("object")
        for key, sub in shape.items():
            if key not in value:
                raise BatchError(
                    "batch.bad_manifest_field",
                    field=f"{path}.{key}".lstrip("."),
                    expected="present",
                )
            _check_shape(value[key], sub, f"{path}.{key}".lstrip("."))


@dataclass(frozen=True)
class BatchReport:
    """A verified batch: what the accountant is told."""

    path: Path
    manifest: dict
    key_fingerprint: str
    previous: BatchReport | None = None

    @property
    def batch_id(self) -> str:
        return self.manifest["batch_id"]


def _read_manifest(archive: SafeZip) -> dict:
    raw = archive.read_small(fmt.MANIFEST)
    if raw.startswith(b"PK\x03\x04"):
        raise BatchError("batch.nested_archive", name=fmt.MANIFEST)
    try:
        manifest = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BatchError("batch.bad_manifest_json", reason=str(exc)[:120]) from None
    if not isinstance(manifest, dict):
        raise BatchError("batch.bad_manifest_field", field="(top)", expected="object")
    if manifest.get("format") != fmt.FORMAT:
        raise BatchError("batch.bad_format", value=str(manifest.get("format"))[:40])
    if manifest.get("format_version") != fmt.FORMAT_VERSION:
        raise BatchError(
            "batch.bad_version",
            value=str(manifest.get("format_version"))[:20],
            known=fmt.FORMAT_VERSION,
        )
    _check_shape(manifest, _shape(), "")
    return manifest


def _check_signature(manifest: dict, expected_key: str | None) -> None:
    try:
        key = load_public_key(manifest["public_key"])
    except LedgerError:
        raise BatchError(
            "batch.bad_manifest_field", field="public_key", expected="Ed25519 key"
        ) from None
    if (
        expected_key is not None
        and load_public_key(expected_key).public_bytes_raw() != key.public_bytes_raw()
    ):
        raise BatchError("batch.key_mismatch", fingerprint=key_fingerprint(manifest["public_key"]))
    if not verify_signature(key, fmt.signing_bytes(manifest), manifest["signature"]):
        raise BatchError("batch.bad_signature")


def _check_file(
    archive: SafeZip, manifest: dict, name: str, digest: hashlib._Hash, size: int
) -> None:
    stated = manifest["files"][name]
    if digest.hexdigest() != stated["sha256"] or size != stated["size"]:
        raise BatchError("batch.file_hash", name=name)


class _Counter:
    """Counts bytes passing through a chunk iterator."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.size += len(chunk)
            yield chunk


@dataclass
class _Tally:
    """What the records add up to, collected from each record check_records accepted."""

    totals: BatchTotals
    voided_claimed: frozenset[str]
    terminal: str
    next_rseq: int
    first_seq: int
    #: Every record's signature (``all_signatures``); else the rule's are the worker's
    signatures: SignatureChecker | None
    receipts_seen: set[str] = field(default_factory=set)
    voids_seen: list[str] = field(default_factory=list)
    late_voids: list[str] = field(default_factory=list)
    first_no: str | None = None
    last_no: str | None = None
    lines: int = 0
    #: The line of the record being checked (a problem found now is on it).
    line: int = 0
    refunds: RefundTotals = field(default_factory=RefundTotals)
    next_refund_rseq: int | None = None
    #: Whether every line so far parsed plain: only then may the worker's quicker
    #: parse stand for the exact one (:mod:`shopdesk.export.receipt_pass`).
    plain: bool = True

    def parse(self, raw: bytes) -> tuple[Any, bool]:
        """:func:`~shopdesk.ledger.canonical.parse`, noting a line that is not plain."""
        value, plain = parse(raw)
        if not plain:
            self.plain = False
        return value, plain

    def add(self, record: dict) -> None:
        seq = record["seq"]
        self.line = seq - self.first_seq + 1
        if self.signatures is not None:
            self.signatures.add(self.line, seq, record["hash"], record["sig"])
        if record.get("terminal") != self.terminal:
            raise BatchError("batch.wrong_terminal", seq=seq)
        kind, data = record["kind"], record["data"]
        if kind == "receipt.issued":
            no = data.get("no")
            figures = checked_figures(data) if isinstance(no, str) else None
            if figures is None:  # something is wrong: name the first problem
                figures = _figures_or_problem(no, data)
            # the derived files: :mod:`shopdesk.export.receipt_pass`
            if data.get("training") is True:
                self.totals.add_receipt(data, void=False)
                return
            if data.get("rseq") != self.next_rseq:
                raise BatchError("batch.receipt_gap", number=no, expected=self.next_rseq)
            self.next_rseq += 1
            self.receipts_seen.add(no)
            self.first_no = self.first_no or no
            self.last_no = no
            self.lines += len(data["lines"])
            self.totals.add_receipt(data, void=no in self.voided_claimed, figures=figures)
        elif kind == "receipt.voided":
            no = data.get("no")
            if not isinstance(no, str) or "-TR-" in no:
                return
            (self.voids_seen if no in self.receipts_seen else self.late_voids).append(no)
        elif kind == "refund.issued":
            self.add_refund(data)

    def add_refund(self, data: dict) -> None:
        """A refund: its figures re-checked from its own lines, its series gapless here."""
        no = data.get("no")
        reason = refund_problem(data)
        if reason is not None or not isinstance(no, str):
            raise BatchError("batch.refund_arithmetic", number=str(no), reason=reason)
        if self.next_refund_rseq is not None and data["rseq"] != self.next_refund_rseq:
            raise BatchError("batch.refund_gap", number=no, expected=self.next_refund_rseq)
        self.next_refund_rseq = data["rseq"] + 1
        self.lines += len(data["lines"])
        self.refunds.add_refund(data)


def _figures_or_problem(no: object, data: dict) -> ReceiptFigures:
    """A receipt's figures, or the first of its problems: arithmetic, then re-pricing."""
    figures = receipt_figures(data)
    if isinstance(figures, str) or not isinstance(no, str):
        reason = figures if isinstance(figures, str) else None
        raise BatchError("batch.receipt_arithmetic", number=str(no), reason=reason)
    wrong = reprice_receipt(data)
    if wrong:
        raise BatchError(
            "batch.receipt_repriced",
            number=no,
            field=wrong[0].field,
            expected=wrong[0].expected,
            found=wrong[0].found,
        )
    return figures


def _record_lines(
    archive: SafeZip, digest: hashlib._Hash, counter: list[int]
) -> Iterator[tuple[str, int, bytes]]:
    for number, raw in archive.lines(fmt.JSONL, digest):
        counter[0] += len(raw) + 1
        if number == 1 and raw.startswith(b"PK\x03\x04"):
            raise BatchError("batch.nested_archive", name=fmt.JSONL)
        yield fmt.JSONL, number, raw


def _check_records(
    archive: SafeZip, manifest: dict, all_signatures: bool, receipts: ReceiptPass
) -> _Tally:
    """Walk the chain; the first problem in journal order, this walk's or ``receipts``'."""
    journal = manifest["journal"]
    tally = _new_tally(manifest, all_signatures)
    digest = hashlib.sha256()
    size = [0]
    try:
        result = _walk_records(archive, manifest, tally, digest, size, receipts)
    except BatchError as exc:
        line = exc.data.get("line")
        raise receipts.first(exc, line if isinstance(line, int) else tally.line) from None
    try:
        # the last line may lack its newline: the byte count then differs, and the hash says so
        counted = size[0] - _missing_newline(archive, size[0])
        _check_file(archive, manifest, fmt.JSONL, digest, counted)
        if result.records != journal["records"] or result.head_seq != journal["last_seq"]:
            raise BatchError(
                "batch.record_count", found=result.records, expected=journal["records"]
            )
        if journal["last_seq"] - journal["first_seq"] + 1 != journal["records"]:
            raise BatchError(
                "batch.record_count", found=result.records, expected=journal["records"]
            )
        if result.head_hash != journal["head"]:
            raise BatchError("batch.head_mismatch")
    except BatchError as exc:
        raise receipts.first(exc, AFTER_ALL) from None
    return tally


def _new_tally(manifest: dict, all_signatures: bool) -> _Tally:
    m_receipts, journal = manifest["receipts"], manifest["journal"]
    return _Tally(
        totals=BatchTotals(),
        voided_claimed=frozenset(manifest["voided"]),
        terminal=manifest["terminal"],
        next_rseq=m_receipts["first_rseq"],
        first_seq=journal["first_seq"],
        signatures=(
            SignatureChecker(manifest["public_key"], journal["records"]) if all_signatures else None
        ),
    )


def _walk_records(
    archive: SafeZip,
    manifest: dict,
    tally: _Tally,
    digest: hashlib._Hash,
    size: list[int],
    receipts: ReceiptPass,
) -> VerifyResult:
    """Every record through ``check_records`` and ``tally``; raises at the first bad one.

    Before anything asks ``receipts`` for its verdict: if a line did not parse
    plain, the worker's quicker parse may differ from the exact one there, so
    the per-receipt pass is done again in this process, exactly.
    """
    journal = manifest["journal"]
    key = load_public_key(manifest["public_key"])
    try:
        try:
            result = check_records(
                _record_lines(archive, digest, size),
                key,
                expect_seq=journal["first_seq"],
                expect_prev=journal["prev_head"],
                signatures=None,
                on_record=tally.add,
                parse_line=tally.parse,
            )
        except (KeyError, TypeError, AttributeError, ValueError, RecursionError) as exc:
            # RecursionError: a line of absurdly nested JSON (json.loads recurses)
            # a record of the right shape whose data is not (a signed one cannot be)
            bad_sig = _first_bad_signature(tally)
            if bad_sig is not None:
                raise BatchError(
                    "batch.bad_record", line=bad_sig[0], seq=bad_sig[1], reason="bad_signature"
                ) from None
            reason = "bad_json" if isinstance(exc, RecursionError) else "bad_shape"
            raise BatchError("batch.bad_record", line="?", seq="?", reason=reason) from exc
        bad_sig = _first_bad_signature(tally)
    finally:
        if tally.signatures is not None:
            tally.signatures.close()
        if not tally.plain:
            receipts.redo_exactly()
    p = result.problem
    if bad_sig is not None and (p is None or bad_sig[0] < p.line):
        raise BatchError(
            "batch.bad_record", line=bad_sig[0], seq=bad_sig[1], reason="bad_signature"
        )
    if p is not None:
        raise BatchError(
            "batch.bad_record",
            line=p.line,
            seq=p.seq if p.seq is not None else "?",
            reason=p.reason,
        )
    return result


def _first_bad_signature(tally: _Tally) -> tuple[int, int] | None:
    """With ``all_signatures``, the earliest bad one so far; the worker checks the rule's."""
    return tally.signatures.first_failure() if tally.signatures is not None else None


def _missing_newline(archive: SafeZip, counted: int) -> int:
    return max(0, counted - archive.members[fmt.JSONL].file_size)


def _compare(manifest: dict, tally: _Tally) -> None:
    counts = {**tally.totals.counts(), "late_voids": len(tally.late_voids)}
    for key, value in counts.items():
        if manifest["counts"][key] != value:
            raise BatchError(
                "batch.count_mismatch", field=key, stated=manifest["counts"][key], found=value
            )
    if sorted(tally.voids_seen) != sorted(manifest["voided"]):
        raise BatchError(
            "batch.count_mismatch",
            field="voided",
            stated=len(manifest["voided"]),
            found=len(tally.voids_seen),
        )
    if tally.late_voids != manifest["late_voids"]:
        raise BatchError(
            "batch.count_mismatch",
            field="late_voids",
            stated=len(manifest["late_voids"]),
            found=len(tally.late_voids),
        )
    r = manifest["receipts"]
    if (r["first_no"], r["last_no"], r["last_rseq"]) != (
        tally.first_no,
        tally.last_no,
        tally.next_rseq - 1,
    ):
        raise BatchError("batch.range_mismatch")
    _same_money(manifest["totals"], tally.totals.money(), "")
    _compare_refunds(manifest, tally)


def _same_money(stated: dict, found: dict, prefix: str) -> None:
    """Every key of ``found`` as the manifest states it, else ``batch.totals_mismatch``."""
    for key, value in found.items():
        if stated.get(key) != value:
            raise BatchError(
                "batch.totals_mismatch",
                field=prefix + key,
                stated=json.dumps(stated.get(key), ensure_ascii=False)[:80],
                found=json.dumps(value, ensure_ascii=False)[:80],
            )


def _compare_refunds(manifest: dict, tally: _Tally) -> None:
    """``refunds`` and ``net_of_refunds``: present exactly when the records hold refunds."""
    if not tally.refunds.numbers:
        if "refunds" in manifest or "net_of_refunds" in manifest:
            stated = manifest.get("refunds")
            count = stated.get("count", "?") if isinstance(stated, dict) else "?"
            raise BatchError("batch.count_mismatch", field="refunds", stated=count, found=0)
        return
    for name in ("refunds", "net_of_refunds"):
        if not isinstance(manifest.get(name), dict):
            raise BatchError("batch.bad_manifest_field", field=name, expected="present")
    _same_money(manifest["refunds"], tally.refunds.block(), "refunds.")
    _same_money(manifest["net_of_refunds"], tally.refunds.net_of(tally.totals), "net_of_refunds.")


def _check_csv(archive: SafeZip, manifest: dict, tally: _Tally) -> None:
    """receipts.csv: same header, one row per line of each receipt, same valid amount."""
    digest = hashlib.sha256()
    counter = _Counter(archive.chunks(fmt.CSV, digest))
    text = io.TextIOWrapper(_IterStream(iter(counter)), encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text)
        header = next(reader, None)
        columns = fmt.csv_columns("refunds" in manifest)
        if header is None or tuple(header) != columns:
            raise BatchError("batch.csv_mismatch", reason="header")
        rows = 0
        valid = 0
        status_at = fmt.CSV_COLUMNS.index("状态")
        amount_at = fmt.CSV_COLUMNS.index("金额")
        for row in reader:
            rows += 1
            if len(row) != len(columns):
                raise BatchError("batch.csv_mismatch", reason=f"row {rows + 1}")
            if row[status_at] == fmt.CSV_VALID:
                valid += fen(row[amount_at])
    except (UnicodeDecodeError, csv.Error, ValueError) as exc:
        if isinstance(exc, BatchError):
            raise
        raise BatchError("batch.csv_mismatch", reason=type(exc).__name__) from None
    _check_file(archive, manifest, fmt.CSV, digest, counter.size)
    if rows != tally.lines or yuan(valid) != manifest["totals"]["gross"]:
        raise BatchError("batch.csv_mismatch", reason="totals")


class _IterStream(io.RawIOBase):
    """A readable raw stream over an iterator of byte chunks (for TextIOWrapper)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # type: ignore[override]
        while not self.buffer:
            try:
                self.buffer = next(self.chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def verify_batch(
    path: Path,
    previous: Path | None = None,
    public_key: str | None = None,
    *,
    all_signatures: bool = False,
) -> BatchReport:
    """Verify one batch (and the one before it); ``BatchError`` names the first problem."""
    before = (
        verify_batch(previous, public_key=public_key, all_signatures=all_signatures)
        if previous is not None
        else None
    )
    with SafeZip(path) as archive, no_cyclic_gc():
        manifest = _read_manifest(archive)
        _check_signature(manifest, public_key)
        if before is not None:
            _check_follows(before.manifest, manifest)
        journal = manifest["journal"]
        rule = SignatureRule.batch(journal["records"], journal["last_seq"])
        # before the signature pool starts its threads: the worker may be forked;
        # it hashes the workbook first (a wrong one is named before any record)
        receipts = ReceiptPass(path, manifest, None if all_signatures else rule)
        try:
            tally = _check_records(archive, manifest, all_signatures, receipts)
            receipts.raise_on_line()
            _compare(manifest, tally)
            if receipts.result().csv_rebuilt:
                # the file is the signed one and byte for byte the rebuild from the
                # records checked above: its rows and valid amounts cannot differ
                receipts.raise_csv_member()
            else:
                _check_csv(archive, manifest, tally)
            receipts.raise_derived()
        finally:
            receipts.close()
    return BatchReport(path, manifest, key_fingerprint(manifest["public_key"]), before)


def _check_follows(prev: dict, this: dict) -> None:
    """``this`` must continue ``prev``: same terminal and key, next number, linked chain."""
    checks = (
        ("terminal", prev["terminal"] == this["terminal"]),
        ("public_key", prev["public_key"] == this["public_key"]),
        ("batch_no", prev["batch_no"] + 1 == this["batch_no"]),
        ("previous_batch", this["previous_batch"] == prev["batch_id"]),
        ("first_seq", prev["journal"]["last_seq"] + 1 == this["journal"]["first_seq"]),
        ("prev_head", prev["journal"]["head"] == this["journal"]["prev_head"]),
        ("first_rseq", prev["receipts"]["last_rseq"] + 1 == this["receipts"]["first_rseq"]),
    )
    for name, ok in checks:
        if not ok:
            raise BatchError(
                "batch.not_previous", field=name, previous=prev["batch_id"], batch=this["batch_id"]
            )
