"""Canonical JSON: the one byte form that is hashed, signed and written.

Sorted keys, no spaces, UTF-8 (not ``\\u`` escapes, so Chinese names stay readable
in the journal file). Two writers of the same record always produce the same
bytes, which is what makes a hash over them meaningful.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def record_hash(record: dict) -> str:
    """SHA-256 (hex) over the canonical record without its ``hash`` and ``sig``."""
    body = {k: v for k, v in record.items() if k not in ("hash", "sig")}
    return hashlib.sha256(canonical_json(body)).hexdigest()
