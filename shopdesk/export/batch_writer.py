"""Writing one batch zip from a range of journal lines, atomically and deterministically.

The caller (:mod:`shopdesk.services.export`) decides *which* records form the
batch (:class:`BatchPlan`); this module turns them into the four files and the
zip. One pass over the records streams ``receipts.jsonl``, ``receipts.csv`` and
the workbook into a staging folder next to the destination (hashing as it
goes), so memory does not grow with the batch; then the manifest is signed and
the zip assembled.

Atomic: the zip is written under a hidden temporary name in the destination
folder, ``fsync``-ed, renamed to its final name, and the folder ``fsync``-ed. A
full disk, a pulled USB stick or a kill at any point before the rename leaves
no file under the final name; the caller appends the ``batch.exported`` record
only after this function returns.

Deterministic: entries in sorted order, every timestamp the batch's recorded
export time, a normalised workbook, and Ed25519 (deterministic by design,
RFC 8032) for the manifest signature, so ``export --again`` rewrites the same
bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from shopdesk.config import ExportSettings
from shopdesk.domain.tax import rate_label
from shopdesk.errors import BatchError
from shopdesk.export import batch_format as fmt
from shopdesk.export.invoice_sheet import InvoiceSheetWriter
from shopdesk.export.totals import BatchTotals
from shopdesk.ledger.journal import fsync_dir

#: progress(done, total): records of the batch written so far, out of all of them.
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 2000
COPY_CHUNK = 1 << 20
CSV_BUFFER = 1 << 20


@dataclass(frozen=True)
class BatchPlan:
    """Everything that decides a batch's bytes; the same plan always gives the same zip."""

    shop_name: str
    uscc: str
    terminal: str
    public_key: str  # base64 raw Ed25519
    batch_no: int
    batch_id: str
    previous_batch: str | None
    first_seq: int
    last_seq: int
    prev_head: str
    first_rseq: int
    last_rseq: int  # first_rseq - 1 when the batch carries only late voids
    exported_at: datetime
    #: Receipts of this batch voided inside its range (known before the pass).
    voided: frozenset[str]
    #: Receipt numbers before this batch (non-training): a void of one is a late void.
    earlier_receipt: Callable[[str], bool]
    export: ExportSettings

    @property
    def file_name(self) -> str:
        return f"{self.batch_id}.zip"


@dataclass(frozen=True)
class WrittenBatch:
    path: Path
    sha256: str
    size: int
    manifest: dict
    #: Time of the batch's last record: where the next batch starts reading the journal.
    last_time: str


class _HashingFile:
    """A binary file that hashes and counts what is written to it."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("wb")
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.handle.write(data)

    def close(self) -> dict:
        self.handle.close()
        return {"sha256": self.digest.hexdigest(), "size": self.size}


def _csv_rows(data: dict, time: str, void: bool) -> Iterable[list[str]]:
    buyer = data.get("buyer") or {}
    for index, line in enumerate(data["lines"], start=1):
        yield [
            data["no"],
            str(data["rseq"]),
            time,
            fmt.CSV_VOID if void else fmt.CSV_VALID,
            data.get("cashier", ""),
            buyer.get("name", ""),
            buyer.get("tax_id", ""),
            str(index),
            line.get("sku", ""),
            line.get("barcode", ""),
            line["name"],
            line.get("spec", ""),
            line.get("unit", ""),
            line["qty"],
            line["unit_price"],
            line["discount"],
            line["amount"],
            rate_label(line["rate"]),
            line["tax_code"],
            line["net"],
            line["tax"],
            data["total"],
        ]


def _seq_of(raw: bytes) -> int:
    """A record's ``seq`` without parsing it: canonical JSON puts only ``sig``,
    ``terminal``, ``time`` and ``v`` after it, none of which can contain ``"seq":``."""
    at = raw.rfind(b'"seq":') + 6
    end = raw.index(b",", at)
    return int(raw[at:end])


def select_range(lines: Iterable[bytes], first_seq: int, last_seq: int) -> Iterable[bytes]:
    """The raw lines with ``first_seq <= seq <= last_seq`` out of journal lines in order."""
    for raw in lines:
        seq = _seq_of(raw)
        if seq < first_seq:
            continue
        if seq > last_seq:
            return
        yield raw


def write_batch(
    plan: BatchPlan,
    lines: Iterable[bytes],
    out_dir: Path,
    sign: Callable[[bytes], str],
    progress: Progress | None = None,
) -> WrittenBatch:
    """Write ``plan``'s batch from its raw journal lines (in order) to ``out_dir``.

    ``lines`` must be exactly the records ``first_seq..last_seq``; a gap or a
    broken link is a ``BatchError`` (the ledger needs ``shopdesk verify``).
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".shopdesk-export-", dir=out_dir))
    except OSError as exc:
        raise BatchError(
            "export.write_failed", file=str(out_dir), reason=exc.strerror or str(exc)
        ) from exc
    final = out_dir / plan.file_name
    part: Path | None = None
    try:
        files, manifest, last_time = _stage(plan, lines, staging, sign, progress)
        fd, part_name = tempfile.mkstemp(prefix=f".{plan.batch_id}.", suffix=".part", dir=out_dir)
        part = Path(part_name)
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; the accountant must be able to read it
        with os.fdopen(fd, "wb") as raw_out:
            digest = _zip_members(plan, staging, files, raw_out)
            raw_out.flush()
            os.fsync(raw_out.fileno())
            size = raw_out.tell()
        os.replace(part, final)
        part = None
        fsync_dir(out_dir)
        return WrittenBatch(final, digest, size, manifest, last_time)
    except OSError as exc:
        raise BatchError(
            "export.write_failed", file=str(final), reason=exc.strerror or str(exc)
        ) from exc
    finally:
        if part is not None:
            part.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)


def _stage(
    plan: BatchPlan,
    lines: Iterable[bytes],
    staging: Path,
    sign: Callable[[bytes], str],
    progress: Progress | None,
) -> tuple[dict[str, dict], dict, str]:
    """One pass: jsonl, csv and workbook into ``staging``; returns files, manifest, last time."""
    import json

    jsonl = _HashingFile(staging / fmt.JSONL)
    csv_file = _HashingFile(staging / fmt.CSV)
    csv_file.write("\ufeff".encode())  # BOM: Chinese Excel reads UTF-8 only with it
    csv_text = io.StringIO()
    writer = csv.writer(csv_text)
    writer.writerow(fmt.CSV_COLUMNS)
    sheet = InvoiceSheetWriter(staging / fmt.XLSX, plan.export, plan.exported_at)
    totals = BatchTotals()
    voided: list[str] = []
    late_voids: list[str] = []
    first_no = last_no = None
    expect_seq, prev, head = plan.first_seq, plan.prev_head, plan.prev_head
    last_time = ""
    total = plan.last_seq - plan.first_seq + 1
    for raw in lines:
        record = json.loads(raw)
        if record["seq"] != expect_seq or record["prev"] != prev:
            raise BatchError("export.ledger_broken", seq=expect_seq)
        jsonl.write(raw + b"\n")
        kind, data = record["kind"], record["data"]
        if kind == "receipt.issued" and not data.get("training"):
            void = data["no"] in plan.voided
            first_no = first_no or data["no"]
            last_no = data["no"]
            totals.add_receipt(data, void=void)
            writer.writerows(_csv_rows(data, record["time"], void))
            if csv_text.tell() > CSV_BUFFER:
                csv_file.write(csv_text.getvalue().encode("utf-8"))
                csv_text.seek(0)
                csv_text.truncate()
            if void:
                voided.append(data["no"])
            else:
                sheet.add_receipt(data, record["time"])
        elif kind == "receipt.issued":
            totals.add_receipt(data, void=False)  # counted as excluded only
        elif kind == "receipt.voided" and plan.earlier_receipt(data.get("no", "")):
            late_voids.append(data["no"])
        prev = head = record["hash"]
        last_time = record["time"]
        expect_seq += 1
        done = expect_seq - plan.first_seq
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
    if expect_seq != plan.last_seq + 1:
        raise BatchError("export.ledger_broken", seq=expect_seq)
    csv_file.write(csv_text.getvalue().encode("utf-8"))
    files = {fmt.JSONL: jsonl.close(), fmt.CSV: csv_file.close()}
    sheet.close()
    files[fmt.XLSX] = _hash_file(staging / fmt.XLSX)
    if progress is not None:
        progress(total, total)
    manifest = {
        "format": fmt.FORMAT,
        "format_version": fmt.FORMAT_VERSION,
        "shop": plan.shop_name,
        "uscc": plan.uscc,
        "terminal": plan.terminal,
        "batch_id": plan.batch_id,
        "batch_no": plan.batch_no,
        "previous_batch": plan.previous_batch,
        "exported_at": plan.exported_at.isoformat(timespec="seconds"),
        "receipts": {
            "first_no": first_no,
            "last_no": last_no,
            "first_rseq": plan.first_rseq,
            "last_rseq": plan.last_rseq,
        },
        "journal": {
            "first_seq": plan.first_seq,
            "last_seq": plan.last_seq,
            "records": total,
            "prev_head": plan.prev_head,
            "head": head,
        },
        "counts": {**totals.counts(), "late_voids": len(late_voids)},
        "voided": voided,
        "late_voids": late_voids,
        "totals": totals.money(),
        "files": files,
        "public_key": plan.public_key,
    }
    manifest["signature"] = sign(fmt.signing_bytes(manifest))
    (staging / fmt.MANIFEST).write_bytes(fmt.manifest_bytes(manifest))
    files[fmt.MANIFEST] = {}
    return files, manifest, last_time


def _hash_file(path: Path) -> dict:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(COPY_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


class _HashingWriter(io.RawIOBase):
    """Passes bytes to ``target`` and hashes them: the zip's SHA-256 without re-reading it."""

    def __init__(self, target: io.BufferedWriter) -> None:
        self.target = target
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.digest.update(data)
        return self.target.write(data)

    def tell(self) -> int:
        return self.target.tell()

    def seekable(self) -> bool:
        return False

    def flush(self) -> None:
        self.target.flush()


def _zip_members(plan: BatchPlan, staging: Path, files: dict, out: io.BufferedWriter) -> str:
    when = fmt.zip_time(plan.exported_at)
    sink = _HashingWriter(out)
    with zipfile.ZipFile(sink, "w") as archive:  # type: ignore[arg-type]
        for name in fmt.MEMBERS:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            source = staging / name
            info.file_size = source.stat().st_size
            with source.open("rb") as src, archive.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, COPY_CHUNK)
    return sink.digest.hexdigest()
