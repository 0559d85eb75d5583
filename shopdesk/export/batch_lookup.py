"""Finding one receipt in a batch zip without verifying the whole batch.

Used by ``verify-qr --batch``: the accountant holds a customer's paper receipt
and a batch, and asks "is this receipt in it, and does it match?". A full
verify-batch of 100k receipts takes many seconds; this takes one pass of
decompression and hashing: the manifest's signature is checked, the jsonl is
streamed and hashed (its SHA-256 is bound by that signature, so every line is
authentic once it matches), and only lines mentioning the receipt number are
parsed. The receipt record's own hash and signature are checked as well.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from shopdesk.errors import BatchError
from shopdesk.export import batch_format as fmt
from shopdesk.export.batch_verifier import (
    _check_file,
    _check_signature,
    _read_manifest,
)
from shopdesk.export.safe_zip import SafeZip
from shopdesk.ledger.canonical import loads, record_hash
from shopdesk.ledger.keys import key_fingerprint, load_public_key, verify_signature


@dataclass(frozen=True)
class BatchReceipt:
    """One receipt as a batch holds it."""

    manifest: dict
    key_fingerprint: str
    #: The ``receipt.issued`` record, or ``None`` if the batch does not hold it.
    record: dict | None
    #: ``valid``, ``void`` (voided inside this batch), ``late_void`` (this batch
    #: carries the void of a receipt exported earlier), ``training`` or ``missing``.
    state: str

    @property
    def batch_id(self) -> str:
        return self.manifest["batch_id"]


def find_receipt(path: Path, number: str) -> BatchReceipt:
    """The receipt ``number`` in the batch at ``path``; ``BatchError`` if the batch is bad."""
    with SafeZip(path) as archive:
        manifest = _read_manifest(archive)
        _check_signature(manifest, None)
        key = load_public_key(manifest["public_key"])
        needle = json.dumps(number, ensure_ascii=False).encode()
        digest = hashlib.sha256()
        size = 0
        record = None
        voided = False
        for line_no, raw in archive.lines(fmt.JSONL, digest):
            size += len(raw) + 1
            if needle not in raw:
                continue
            try:
                candidate = loads(raw)
                data = candidate["data"]
                if data.get("no") != number:
                    continue
                kind = candidate["kind"]
            except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
                raise BatchError(
                    "batch.bad_record", line=line_no, seq="?", reason="bad_json"
                ) from None
            if candidate.get("hash") != record_hash(candidate):
                raise BatchError(
                    "batch.bad_record", line=line_no, seq=candidate.get("seq"), reason="bad_hash"
                )
            if not verify_signature(
                key, candidate["hash"].encode("ascii"), candidate.get("sig", "")
            ):
                raise BatchError(
                    "batch.bad_record",
                    line=line_no,
                    seq=candidate.get("seq"),
                    reason="bad_signature",
                )
            if kind == "receipt.issued":
                record = candidate
            elif kind == "receipt.voided":
                voided = True
        member_size = archive.members[fmt.JSONL].file_size
        _check_file(archive, manifest, fmt.JSONL, digest, min(size, member_size))
    if record is not None and record["data"].get("training"):
        state = "training"
    elif record is not None:
        state = "void" if voided or number in manifest["voided"] else "valid"
    else:
        state = "late_void" if number in manifest["late_voids"] else "missing"
    return BatchReceipt(manifest, key_fingerprint(manifest["public_key"]), record, state)
