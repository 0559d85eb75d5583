"""The golden batch: docs/format.md's test vectors, checked by shopdesk and by a verifier
written from the spec alone (issue 12 item 3).

The independent verifier below uses only hashlib, json, base64, zipfile and
cryptography, and nothing of shopdesk: if it agrees with ``verify-batch`` on the
golden batch, the spec says enough to write one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from shopdesk.export.batch_verifier import verify_batch
from tests.conftest import REPO, cli_env

GOLDEN = REPO / "tests" / "data" / "golden"
REGENERATE = "PYTHONPATH=. python tools/make_golden_batch.py"


def golden_zip() -> Path:
    (found,) = GOLDEN.glob("T01-B*.zip")
    return found


def test_verify_batch_passes_on_the_golden_batch() -> None:
    public, fingerprint = (GOLDEN / "public-key.txt").read_text(encoding="ascii").split("\n")[:2]
    report = verify_batch(golden_zip(), public_key=public)
    assert report.key_fingerprint == fingerprint
    assert report.manifest["counts"] == {
        "issued": 4,
        "voided": 1,
        "valid": 3,
        "training_excluded": 1,
        "late_voids": 0,
    }


def test_regenerating_gives_the_same_bytes(tmp_path: Path) -> None:
    made = subprocess.run(
        [sys.executable, str(REPO / "tools" / "make_golden_batch.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=cli_env(PYTHONPATH=str(REPO)),
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    for name in [golden_zip().name, "qr-T01-00000001.txt", "public-key.txt"]:
        assert (tmp_path / name).read_bytes() == (GOLDEN / name).read_bytes(), (
            f"{name} is no longer what the code writes. If the export format changed on "
            f"purpose, run `{REGENERATE}`, commit tests/data/golden/ and update docs/format.md."
        )


# ----- an independent verifier, from docs/format.md alone -----------------------------


def canonical(value: object) -> bytes:
    """docs/format.md "Canonical JSON"."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b64(text: str) -> bytes:
    """Standard, padded base64, and only its one canonical spelling."""
    raw = base64.b64decode(text, validate=True)
    assert base64.b64encode(raw).decode() == text
    return raw


def test_an_independent_verifier_written_from_the_spec_agrees() -> None:
    with zipfile.ZipFile(golden_zip()) as z:
        assert z.namelist() == [
            "receipts.jsonl",
            "receipts.csv",
            "invoice-import.xlsx",
            "manifest.json",
        ]
        manifest = json.loads(z.read("manifest.json"))
        members = {n: z.read(n) for n in z.namelist()}
    key = Ed25519PublicKey.from_public_bytes(b64(manifest["public_key"]))
    # the manifest: signature over its canonical JSON without "signature"
    body = {k: v for k, v in manifest.items() if k != "signature"}
    key.verify(b64(manifest["signature"]), canonical(body))  # raises if wrong
    assert (
        members["manifest.json"]
        == (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    )
    for name, stated in manifest["files"].items():
        assert hashlib.sha256(members[name]).hexdigest() == stated["sha256"]
        assert len(members[name]) == stated["size"]
    fingerprint = hashlib.sha256(b64(manifest["public_key"])).hexdigest()[:16]
    assert (
        " ".join(fingerprint[i : i + 4] for i in range(0, 16, 4))
        == ((GOLDEN / "public-key.txt").read_text(encoding="ascii").split("\n")[1])
    )

    # the records: canonical bytes, hash, signature, sequence and chain
    lines = members["receipts.jsonl"].split(b"\n")
    assert lines[-1] == b""  # every record ends with a newline
    journal = manifest["journal"]
    prev, seq = journal["prev_head"], journal["first_seq"]
    receipts = {}
    for raw in lines[:-1]:
        record = json.loads(raw)
        assert canonical(record) == raw
        unsigned = {k: v for k, v in record.items() if k not in ("hash", "sig")}
        assert hashlib.sha256(canonical(unsigned)).hexdigest() == record["hash"]
        key.verify(b64(record["sig"]), record["hash"].encode("ascii"))
        assert (record["v"], record["seq"], record["prev"]) == (1, seq, prev)
        assert record["terminal"] == manifest["terminal"]
        prev, seq = record["hash"], seq + 1
        if record["kind"] == "receipt.issued" and not record["data"]["training"]:
            receipts[record["data"]["no"]] = record
    assert (seq - 1, prev) == (journal["last_seq"], journal["head"])
    assert journal["records"] == len(lines) - 1

    # the totals of the valid receipts, in fen
    valid = [r["data"] for n, r in receipts.items() if n not in manifest["voided"]]
    assert sum(int(d["total"].replace(".", "")) for d in valid) == int(
        manifest["totals"]["gross"].replace(".", "")
    )
    # the CSV: one row per line of every non-training receipt, BOM, CRLF
    csv_text = members["receipts.csv"].decode("utf-8")
    assert csv_text.startswith("\ufeff收据号,") and csv_text.endswith("\r\n")
    rows = csv_text[1:].split("\r\n")[1:-1]
    assert len(rows) == sum(len(r["data"]["lines"]) for r in receipts.values())

    # the QR of receipt 1: fields from its record, time cut (not rounded) to the second
    qr = (GOLDEN / "qr-T01-00000001.txt").read_text(encoding="ascii").strip()
    signed, signature = qr[: qr.rindex("*") + 1], qr[qr.rindex("*") + 1 :]
    first = receipts["T01-00000001"]
    moment = datetime.fromisoformat(first["time"])
    assert moment.microsecond == 750_000
    expected = "*".join(
        [
            "SDPR",
            "1",
            manifest["uscc"],
            first["terminal"],
            first["data"]["no"],
            moment.strftime("%Y%m%dT%H%M%S%z"),
            first["data"]["total"],
            first["data"]["tax"],
            first["prev"][:16],
            "",
        ]
    )
    assert signed == expected
    key.verify(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)), signed.encode())
