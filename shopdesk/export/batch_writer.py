"""Writing one batch zip from a range of journal lines, atomically and deterministically.

The caller (:mod:`shopdesk.services.export`) decides *which* records form the
batch (:class:`BatchPlan`); this module turns them into the four files and the
zip. One pass over the records streams ``receipts.jsonl`` straight into the zip
(deflated and hashed in a background thread) while ``receipts.csv`` and the
workbook are written to a staging folder next to the destination, so memory
does not grow with the batch; then those two are added and the manifest, which
hashes all three, is signed and added last.

Atomic: the zip is written under a hidden temporary name in the destination
folder, ``fsync``-ed, renamed to its final name, and the folder ``fsync``-ed. A
full disk, a pulled USB stick or a kill at any point before the rename leaves
no file under the final name; the caller appends the ``batch.exported`` record
only after this function returns.

Deterministic: entries in a fixed order, every timestamp the batch's recorded
export time, a normalised workbook, and Ed25519 (deterministic by design,
RFC 8032) for the manifest signature, so ``export --again`` rewrites the same
bytes.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import queue
import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import TypeVar

from shopdesk.config import ExportSettings
from shopdesk.domain.tax import rate_label
from shopdesk.errors import BatchError
from shopdesk.export import batch_format as fmt
from shopdesk.export import deflate
from shopdesk.export.background import Background, no_cyclic_gc
from shopdesk.export.invoice_sheet import (
    Deflated,
    HeaderSheet,
    InvoiceSheetWriter,
    LineSheet,
    Skeleton,
    assemble_xlsx,
    line_key,
    workbook_skeleton,
)
from shopdesk.export.totals import BatchTotals, RefundTotals
from shopdesk.ledger.canonical import loads, loads_unwalked
from shopdesk.ledger.journal import fsync_dir

T = TypeVar("T")

#: progress(done, total): records of the batch written so far, out of all of them.
Progress = Callable[[int, int], None]
#: check(observe): the caller's check of the batch's range; raises unless every
#: record verifies, and calls ``observe`` (if not ``None``) with each record it
#: has checked, parsed, in journal order; ``observe`` may refuse a record by
#: returning a reason (``verify.reason.*``), which the check raises as its own.
RangeCheck = Callable[[Callable[[dict], str | None] | None], None]
PROGRESS_EVERY = 2000
COPY_CHUNK = 1 << 20
CSV_BUFFER = 1 << 20
STREAM_CHUNK = 1 << 20
STAGING_PREFIX = ".shopdesk-export-"
#: What ``csv.writer`` ends each row with (its default dialect, ``excel``).
CSV_LINE_END = "\r\n"
#: Distinct receipt lines whose CSV text is kept (a bound on memory, ~10 MB).
MAX_LINES = 1 << 15
#: Records from which the workbook's line sheet is built in a worker beside the
#: writer's pass (a process costs ~0.1 s to fork; ~4 s of CPU per 100k receipts
#: moves there); the header sheet stays in the pass, which balances the two.
WORKBOOK_WORKER_FROM = 20_000
#: Staged parts of a workbook built by two processes (see :func:`write_batch`).
SKELETON, HEADER_SHEET, LINE_SHEET = "skeleton.xlsx", "sheet1.deflated", "sheet2.deflated"
#: The members' level when zlib deflates them (ISA-L's own otherwise: :mod:`.deflate`).
COMPRESS_LEVEL = deflate.ZLIB_LEVEL


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
    #: Whether refunds (``refund.issued``) are in the range: receipts.csv then has
    #: the refund columns (known before the pass, as the header comes first).
    refunds: bool = False

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


#: A cell starting with one of these is a formula to Excel (CSV injection, OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    """Free text (names, buyer, cashier) made inert for Excel with a leading ``'``.

    A buyer name typed at the till as ``=HYPERLINK(…)`` must not run in the
    accountant's spreadsheet. Amounts and numbers are never touched; codes are
    written as :func:`~shopdesk.export.batch_format.code_cell` string literals.
    """
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_rows(data: dict, time: str, void: bool) -> Iterable[list[str]]:
    """The ``receipts.csv`` rows of one receipt: one per line, as the record has it.

    Free text gets the formula guard (:func:`_text`), codes the text form
    (``fmt.code_cell``); quantities and amounts stay the record's plain numbers.
    The verifier compares cell by cell with it (:class:`CsvRowsText` writes the same rows).
    """
    head = _receipt_cells(data, time, void)
    for index, line in enumerate(data["lines"], start=1):
        yield [*head, str(index), *_line_cells(line), data["total"]]


def _receipt_cells(data: dict, time: str, void: bool) -> list[str]:
    """The cells of a row before the line number: the receipt's own."""
    buyer = data.get("buyer") or {}
    return [
        fmt.code_cell(data["no"]),
        str(data["rseq"]),
        time,
        fmt.CSV_VOID if void else fmt.CSV_VALID,
        _text(data.get("cashier", "")),
        _text(buyer.get("name", "")),
        fmt.code_cell(buyer.get("tax_id", "")),
    ]


def _line_cells(line: dict) -> list[str]:
    """The cells of a row after the line number, before the receipt total: the line's own."""
    return [
        fmt.code_cell(line.get("sku", "")),
        fmt.code_cell(line.get("barcode", "")),
        _text(line["name"]),
        _text(line.get("spec", "")),
        _text(line.get("unit", "")),
        line["qty"],
        line["unit_price"],
        line["discount"],
        line["amount"],
        rate_label(line["rate"]),
        fmt.code_cell(line["tax_code"]),
        line["net"],
        line["tax"],
    ]


class CsvRowsText:
    """The :func:`csv_rows` of each receipt as the UTF-8 bytes :mod:`csv` writes for them.

    A row is the receipt's cells, the line number, the line's cells and the total;
    ``csv`` quotes each cell on its own and joins them with commas, so each part
    is quoted once and joined here, and the line part — the same for the same
    line on any receipt — is kept, encoded, for each distinct line (at most
    :data:`MAX_LINES`): ~2× faster than writing every row (issue 12, speed).
    Bytes, not text: the writer writes them and the verifier hashes them, so
    neither buffers ~50 MB of text per 100k receipts to encode it again.
    """

    def __init__(self, padding: int = 0) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)
        self.lines: dict[tuple, bytes] = {}
        #: Empty cells after the total: a batch with refunds has their columns too.
        self.padding = [""] * padding

    def _quoted(self, cells: list[str]) -> str:
        # a trailing empty cell: csv writes a lone empty cell as "" but not in a longer row
        self.writer.writerow([*cells, ""])
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text[: -len(CSV_LINE_END) - 1]

    def receipt(self, data: dict, time: str, void: bool) -> bytes:
        head = self._quoted(_receipt_cells(data, time, void)).encode()
        tail = (self._quoted([data["total"], *self.padding]) + CSV_LINE_END).encode()
        return b"".join(
            [
                b"%s,%d,%s,%s" % (head, index, self._line(line), tail)
                for index, line in enumerate(data["lines"], start=1)
            ]
        )

    def _line(self, line: dict) -> bytes:
        try:
            key: tuple | None = line_key(line)
            found = self.lines.get(key)  # type: ignore[arg-type]
        except TypeError:  # a value that cannot be a key (not one shopdesk writes)
            key = found = None
        if found is None:
            found = self._quoted(_line_cells(line)).encode()
            if key is not None and len(self.lines) < MAX_LINES:
                self.lines[key] = found
        return found


def _seq_of(raw: bytes) -> int:
    """A record's ``seq`` without parsing it: canonical JSON puts only ``sig``,
    ``terminal``, ``time`` and ``v`` after it, none of which can contain ``"seq":``."""
    at = raw.rfind(b'"seq":') + 6
    end = raw.index(b",", at)
    return int(raw[at:end])


def select_range(
    lines: Iterable[T], first_seq: int, last_seq: int, raw: Callable[[T], bytes] | None = None
) -> Iterator[T]:
    """The lines ``first_seq..last_seq`` out of journal lines in order.

    Lines before ``first_seq`` are skipped by their ``seq``; from there on the
    journal is gapless, so exactly the batch's count of lines follows (the
    writer checks every one's ``seq`` and ``prev`` anyway), handed on by
    ``islice`` without a Python step per line. ``raw`` gets the line's bytes
    out of each item when the items are not bytes themselves.
    """
    wanted = last_seq - first_seq + 1
    if wanted <= 0:
        return
    items = iter(lines)
    for item in items:
        line = raw(item) if raw is not None else item
        if _seq_of(line) >= first_seq:  # type: ignore[arg-type]
            yield item
            yield from islice(items, wanted - 1)
            return


def write_batch(
    plan: BatchPlan,
    lines: Callable[[], Iterable[bytes]],
    out_dir: Path,
    sign: Callable[[bytes], str],
    progress: Progress | None = None,
    before_publish: Callable[[], None] | None = None,
    check: RangeCheck | None = None,
) -> WrittenBatch:
    """Write ``plan``'s batch from its journal lines (in order, with newlines) to ``out_dir``.

    ``lines()`` must give exactly the records ``first_seq..last_seq``; a gap or a
    broken link is a ``BatchError`` (the ledger needs ``shopdesk verify``). It is
    called a second time in a worker that builds the workbook for a large batch.
    ``check`` (the caller's range check, see :data:`RangeCheck`) runs in a worker
    beside the writer's pass, and for a large batch that worker builds the
    line sheet from the records it checks; without a worker it runs first. Its
    error (a damaged ledger) wins over the writer's ``BatchError``.
    ``before_publish`` runs once the zip is complete and durable under its
    hidden name and ``check`` has passed, just before the rename gives it its
    final name; if either raises, the zip is deleted and nothing is published.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(out_dir, plan.terminal)
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{plan.terminal}-", dir=out_dir))
    except OSError as exc:
        raise BatchError(
            "export.write_failed", file=str(out_dir), reason=exc.strerror or str(exc)
        ) from exc
    final = out_dir / plan.file_name
    part: Path | None = None
    # before any thread starts (the worker is forked); small batches build it in the pass
    big = plan.last_seq - plan.first_seq + 1 >= WORKBOOK_WORKER_FROM
    try:  # made before the fork: both processes write rows in its styles
        skeleton = workbook_skeleton(staging / SKELETON, plan.export) if big else None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    worker = Background(
        build_line_sheet if big else _check_only,
        *((plan, lines, staging / LINE_SHEET, skeleton, check) if skeleton else (check,)),
        start=big or check is not None,
    )
    if check is not None and not worker.started:
        try:  # no worker (the app has threads): check first, as a small batch does
            check(None)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    book = worker if big and worker.started else None
    try:
        fd, part_name = tempfile.mkstemp(prefix=f".{plan.batch_id}.", suffix=".part", dir=out_dir)
        part = Path(part_name)
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; the accountant must be able to read it
        with os.fdopen(fd, "w+b") as raw_out:
            archive = zipfile.ZipFile(raw_out, "w", compresslevel=COMPRESS_LEVEL)
            try:
                manifest, last_time = _write_members(
                    plan,
                    lines(),
                    staging,
                    archive,
                    sign,
                    progress,
                    book,
                    skeleton,
                )
            except BatchError:
                with contextlib.suppress(Exception):
                    archive.close()
                if check is not None and worker.started:
                    worker.result()  # a damaged range: the check names it better
                raise
            except BaseException:
                # The part file is deleted anyway: finishing the zip must not hide the cause.
                with contextlib.suppress(Exception):
                    archive.close()
                raise
            archive.close()
            raw_out.flush()
            os.fsync(raw_out.fileno())
            raw_out.seek(0)
            digest = hashlib.sha256()
            while chunk := raw_out.read(COPY_CHUNK):
                digest.update(chunk)
            size = raw_out.tell()
        if check is not None and worker.started:
            worker.result()
        if before_publish is not None:
            before_publish()
        os.replace(part, final)
        part = None
        fsync_dir(out_dir)
        return WrittenBatch(final, digest.hexdigest(), size, manifest, last_time)
    except OSError as exc:
        raise BatchError(
            "export.write_failed", file=str(final), reason=exc.strerror or str(exc)
        ) from exc
    except RuntimeError as exc:  # zipfile: "File size too large, try using force_zip64"
        raise BatchError("export.too_large", file=str(final)) from exc
    finally:
        worker.close()
        if part is not None:
            part.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)


def _remove_leftovers(out_dir: Path, terminal: str) -> None:
    """Delete what a killed export of this terminal left behind (hidden, never a final zip).

    Only this terminal's names: another till may be exporting to the same stick
    right now, but not this one (the caller holds this ledger's writer lock).
    """
    for entry in out_dir.glob(f"{STAGING_PREFIX}{terminal}-*"):
        shutil.rmtree(entry, ignore_errors=True)
    for entry in out_dir.glob(f".{terminal}-B*.part"):
        entry.unlink(missing_ok=True)


def tail_field(raw: bytes, key: bytes) -> bytes:
    """A string field found from the end of a canonical record (see :func:`_seq_of`).

    Canonical JSON sorts keys, so after ``hash`` come only ``kind``, ``prev``,
    ``seq``, ``sig``, ``terminal``, ``time`` and ``v``: none of them can hold a
    quoted key, and user text inside ``data`` comes before all of them.
    """
    at = raw.rfind(key) + len(key)
    return raw[at : raw.index(b'"', at)]


#: The members after ``data`` of a record shopdesk writes, up to ``seq``: canonical JSON
#: sorts keys, and a ``"`` inside a string is always escaped, so the last ``,"hash":"``
#: starts them (the same reasoning as :func:`tail_field`).
_TAIL = re.compile(
    rb',"hash":"([0-9a-f]*)","kind":"([a-z._]*)","prev":"([0-9a-f]*)","seq":([0-9]+),'
)


def _chain_fields(raw: bytes) -> tuple[bytes, bytes, bytes, int]:
    """``hash``, ``kind``, ``prev`` and ``seq`` of a record, by one match at its tail.

    One regex match instead of four searches (~0.15 s per 200k records; issue 12,
    speed); a line it does not fit is read field by field, as before.
    """
    tail = _TAIL.match(raw, raw.rfind(b',"hash":"'))
    if tail is None:
        fields = (
            tail_field(raw, b'"hash":"'),
            tail_field(raw, b'"kind":"'),
            tail_field(raw, b'"prev":"'),
        )
        return (*fields, _seq_of(raw))
    digest, kind, prev, seq = tail.groups()
    return digest, kind, prev, int(seq)


def _member(plan: BatchPlan, name: str, size: int = 0) -> zipfile.ZipInfo:
    """A member's header. The workbook is stored: it is a zip of deflated sheets
    already, so deflating it again saved ~10 % of its size for ~0.08 s in export
    and as much in verify-batch per 100k receipts (issue 12, speed)."""
    info = zipfile.ZipInfo(name, date_time=fmt.zip_time(plan.exported_at))
    info.compress_type = zipfile.ZIP_STORED if name == fmt.XLSX else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    info.file_size = size
    # ZipFile(compresslevel=) does not reach members opened with a ZipInfo (3.11/3.12
    # read the private _compresslevel; 3.13 calls it compress_level).
    info._compresslevel = COMPRESS_LEVEL  # type: ignore[attr-defined]
    if hasattr(info, "compress_level"):
        info.compress_level = COMPRESS_LEVEL
    return info


class _StreamedMember:
    """Writes one zip member from a background thread while the caller produces its bytes.

    The deflater (:mod:`shopdesk.export.deflate`) and hashlib release the GIL on
    large buffers, so deflating and hashing ``receipts.jsonl`` overlaps with
    parsing records and writing the CSV in the main thread.
    """

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, zip64: bool) -> None:
        self.digest = hashlib.sha256()
        self.size = 0
        self.buffer: list[bytes] = []
        self.buffered = 0
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self.error: BaseException | None = None
        self.target = deflate.writing(archive, info, force_zip64=zip64)
        self.thread = threading.Thread(target=self._run, name="batch-jsonl", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (chunk := self.queue.get()) is not None:
                self.digest.update(chunk)
                self.target.write(chunk)
        except BaseException as exc:  # reported in the main thread by write()/close()
            self.error = exc
            while self.queue.get() is not None:  # drain so the producer never blocks
                pass

    def write(self, data: bytes) -> None:
        self.buffer.append(data)
        self.buffered += len(data)
        self.size += len(data)
        if self.buffered >= STREAM_CHUNK:
            self._send()

    def _send(self) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(b"".join(self.buffer))
        self.buffer.clear()
        self.buffered = 0

    def close(self) -> dict:
        """Finish the member; raises what went wrong in the thread, if anything."""
        if self.buffer:
            self._send()
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        self.target.close()
        return {"sha256": self.digest.hexdigest(), "size": self.size}

    def abort(self) -> None:
        """Stop the thread and let go of the member after a failure (errors ignored)."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        with contextlib.suppress(Exception):
            self.target.close()  # else ZipFile refuses to close "with an open writing handle"


def _write_members(
    plan: BatchPlan,
    lines: Iterable[bytes],
    staging: Path,
    archive: zipfile.ZipFile,
    sign: Callable[[bytes], str],
    progress: Progress | None,
    book: Background | None,
    skeleton: Skeleton | None,
) -> tuple[dict, str]:
    """One pass over the records: the jsonl straight into the zip, csv and workbook staged.

    With ``book`` (the worker building the line sheet), the pass builds the
    header sheet and the workbook is put together from both. Then the staged
    files and finally the signed manifest are added. Member order is fixed
    (jsonl, csv, xlsx, manifest), so the bytes are deterministic.
    """
    # Without zip64 a member stops at 2 GiB (~1M receipts): zipfile then raises
    # RuntimeError, reported as export.too_large (split the batch with --until).
    jsonl = _StreamedMember(archive, _member(plan, fmt.JSONL), zip64=False)
    xlsx = staging / fmt.XLSX
    try:
        if book is not None and skeleton is not None:
            headers = HeaderSheet(staging / HEADER_SHEET, plan.export, skeleton.styles)
            result = _scan(plan, lines, staging, jsonl, progress, headers)
            files = {fmt.JSONL: jsonl.close(), **result.files}
            assemble_xlsx(skeleton, xlsx, plan.exported_at, result.sheet, book.result())
        else:
            sheet = InvoiceSheetWriter(xlsx, plan.export, plan.exported_at, skeleton)
            result = _scan(plan, lines, staging, jsonl, progress, sheet)
            files = {fmt.JSONL: jsonl.close(), **result.files}
        files[fmt.XLSX] = _hash_file(xlsx)
    except BaseException:
        jsonl.abort()
        raise
    for name in (fmt.CSV, fmt.XLSX):
        source = staging / name
        with (
            source.open("rb") as src,
            deflate.writing(archive, _member(plan, name, source.stat().st_size)) as dst,
        ):
            shutil.copyfileobj(src, dst, COPY_CHUNK)
    manifest = result.manifest(files)
    manifest["signature"] = sign(fmt.signing_bytes(manifest))
    archive.writestr(_member(plan, fmt.MANIFEST), fmt.manifest_bytes(manifest))
    return manifest, result.last_time


@dataclass
class _Scan:
    """What one pass over the records found; :meth:`manifest` states it."""

    plan: BatchPlan
    files: dict[str, dict]
    totals: BatchTotals
    voided: list[str]
    late_voids: list[str]
    first_no: str | None
    last_no: str | None
    head: str
    last_time: str
    refunds: RefundTotals = field(default_factory=RefundTotals)
    #: The header sheet, deflated, when the pass built only that one.
    sheet: Deflated | None = None

    def manifest(self, files: dict[str, dict]) -> dict:
        plan = self.plan
        refunds = (
            {
                "refunds": self.refunds.block(),
                "net_of_refunds": self.refunds.net_of(self.totals),
            }
            if self.refunds.numbers
            else {}
        )
        return {
            **refunds,
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
                "first_no": self.first_no,
                "last_no": self.last_no,
                "first_rseq": plan.first_rseq,
                "last_rseq": plan.last_rseq,
            },
            "journal": {
                "first_seq": plan.first_seq,
                "last_seq": plan.last_seq,
                "records": plan.last_seq - plan.first_seq + 1,
                "prev_head": plan.prev_head,
                "head": self.head,
            },
            "counts": {**self.totals.counts(), "late_voids": len(self.late_voids)},
            "voided": self.voided,
            "late_voids": self.late_voids,
            "totals": self.totals.money(),
            "files": {name: files[name] for name in fmt.HASHED},
            "public_key": plan.public_key,
            # the verifier rebuilds the workbook with this layout (derived_check)
            "workbook": fmt.workbook_layout_of(plan.export),
        }


ISSUED = b"receipt.issued"
VOIDED = b"receipt.voided"
REFUNDED = b"refund.issued"
PARSED = frozenset((ISSUED, VOIDED, REFUNDED))
#: What reading a record of the wrong shape raises: a signed record that
#: shopdesk's own code did not make (``shopdesk verify`` names it). The export
#: is refused, naming its sequence, instead of ending in a traceback.
#: RecursionError (absurdly nested JSON) is a RuntimeError, which write_batch
#: would otherwise report as a batch too large.
SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)


def _scan(
    plan: BatchPlan,
    lines: Iterable[bytes],
    staging: Path,
    jsonl: _StreamedMember,
    progress: Progress | None,
    sheet: InvoiceSheetWriter | HeaderSheet,
) -> _Scan:
    csv_file = _HashingFile(staging / fmt.CSV)
    try:
        with no_cyclic_gc():
            return _scan_records(plan, lines, staging, jsonl, progress, csv_file, sheet)
    except BaseException:
        # the staging folder is deleted by the caller; let go of its files now
        # (a long-running app must not leak descriptors on every failed export)
        csv_file.handle.close()
        sheet.discard()
        raise


def _scan_records(
    plan: BatchPlan,
    lines: Iterable[bytes],
    staging: Path,
    jsonl: _StreamedMember,
    progress: Progress | None,
    csv_file: _HashingFile,
    sheet: InvoiceSheetWriter | HeaderSheet,
) -> _Scan:
    csv_file.write("\ufeff".encode())  # BOM: Chinese Excel reads UTF-8 only with it
    csv_out = CsvBytes(csv_file.write)
    csv_out.writer.writerow(fmt.csv_columns(plan.refunds))
    rows = CsvRowsText(len(fmt.CSV_REFUND_COLUMNS) if plan.refunds else 0)
    found = _Scan(plan, {}, BatchTotals(), [], [], None, None, plan.prev_head, "")
    expect_seq, prev = plan.first_seq, plan.prev_head.encode("ascii")
    expect_rseq = plan.first_rseq
    total = plan.last_seq - plan.first_seq + 1
    for raw in lines:
        # Only receipts, voids and refunds are parsed; for every record the chain
        # is followed through fields read from the end of the line (see tail_field).
        digest, kind, linked, seq = _chain_fields(raw)
        if seq != expect_seq or linked != prev:
            raise BatchError("export.ledger_broken", seq=expect_seq)
        jsonl.write(raw)  # as written: with its newline
        if kind in PARSED:
            try:
                # loads_unwalked: json's value on a plain line; on one with a float,
                # a number beyond 64 bits may be read as a float too. The one number
                # a receipt holds, rseq, is checked below to be the next int; any
                # other is a record shopdesk did not make, which verify-batch's
                # re-pricing refuses.
                record = loads_unwalked(raw)
                data = record["data"]
                if kind == REFUNDED:
                    _add_refund(found, record, csv_out, sheet)
                elif kind == VOIDED:
                    if plan.earlier_receipt(data.get("no", "")):
                        found.late_voids.append(data["no"])
                elif data.get("training"):
                    found.totals.add_receipt(data, void=False)  # counted as excluded only
                else:
                    rseq = data["rseq"]
                    if type(rseq) is not int or rseq != expect_rseq:
                        raise BatchError("export.ledger_broken", seq=seq)
                    expect_rseq += 1
                    void = data["no"] in plan.voided
                    found.first_no = found.first_no or data["no"]
                    found.last_no = data["no"]
                    found.totals.add_receipt(data, void=void)
                    csv_out.add(rows.receipt(data, record["time"], void))
                    if void:
                        found.voided.append(data["no"])
                    else:
                        sheet.add_receipt(data, record["time"])
            except SHAPE_ERRORS as exc:
                raise BatchError("export.ledger_broken", seq=seq) from exc
        prev = digest
        expect_seq += 1
        done = expect_seq - plan.first_seq
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
    if expect_seq != plan.last_seq + 1:
        raise BatchError("export.ledger_broken", seq=expect_seq)
    found.head = prev.decode("ascii", "replace")  # not a hash: the range check names it
    found.last_time = tail_field(raw, b'"time":"').decode() if total else ""
    csv_out.flush()
    found.files[fmt.CSV] = csv_file.close()
    found.sheet = sheet.close()
    if progress is not None:
        progress(total, total)
    return found


class CsvBytes:
    """``receipts.csv`` after its BOM: receipts' rows as bytes (:class:`CsvRowsText`),
    the header and refunds' rows through :attr:`writer`, in order, handed to ``out``
    in large pieces (the writer's file; the verifier's hash of the rebuild)."""

    def __init__(self, out: Callable[[bytes], object]) -> None:
        self.out = out
        self.text = io.StringIO()
        self.writer = csv.writer(self.text)
        self.parts: list[bytes] = []
        self.pending = 0

    def add(self, rows: bytes) -> None:
        self._take_text()
        self.parts.append(rows)
        self.pending += len(rows)
        if self.pending > CSV_BUFFER:
            self.flush()

    def flush(self) -> None:
        self._take_text()
        self.out(b"".join(self.parts))
        self.parts.clear()
        self.pending = 0

    def _take_text(self) -> None:
        if self.text.tell():
            self.parts.append(self.text.getvalue().encode())
            self.text.seek(0)
            self.text.truncate()


def _add_refund(
    found: _Scan, record: dict, csv_out: CsvBytes, sheet: InvoiceSheetWriter | HeaderSheet
) -> None:
    """A refund in the range: its red-letter rows and its money (issue 13, item 7)."""
    from shopdesk.export.refund_rows import refund_csv_rows

    if not found.plan.refunds:  # the plan is made from the same view: cannot happen
        raise BatchError("export.ledger_broken", seq=record["seq"])
    csv_out.writer.writerows(refund_csv_rows(record["data"], record["time"]))
    sheet.add_refund(record["data"], record["time"])
    found.refunds.add_refund(record["data"])


def _check_only(check: RangeCheck) -> None:
    """The worker's share of an export whose workbook is built in the writer's pass."""
    check(None)


def build_line_sheet(
    plan: BatchPlan,
    lines: Callable[[], Iterable[bytes]],
    path: Path,
    skeleton: Skeleton,
    check: RangeCheck | None = None,
) -> Deflated:
    """The workbook's line sheet of the batch, deflated at ``path``.

    The worker's share of a large export (issue 12, speed): the same rows, in
    the same order, as a writer's pass adds them — every receipt that is not
    training and not voided in the batch, and every refund's red-letter rows —
    while the pass builds the header sheet. The pass checks the chain; a broken
    one fails the export there, whatever this worker made of it. With
    ``check``, the records are the ones the range check parses anyway: the
    journal is read and parsed once in this process, not twice (~1 s of CPU
    per 100k receipts); a range that fails raises here and nothing is built.
    """
    sheet = LineSheet(path, plan.export, skeleton.styles)
    try:
        with no_cyclic_gc():
            if check is not None:
                check(lambda record: _sheet_rows(plan, sheet, record))
            else:
                for raw in lines():
                    kind = tail_field(raw, b'"kind":"')
                    if kind in (REFUNDED, ISSUED):
                        try:
                            _to_sheet(plan, sheet, kind.decode(), loads(raw))
                        except SHAPE_ERRORS as exc:
                            raise BatchError("export.ledger_broken", seq=_seq_of(raw)) from exc
    except BaseException:
        sheet.discard()
        raise
    return sheet.close()


def _sheet_rows(plan: BatchPlan, sheet: LineSheet, record: dict) -> str | None:
    """The range check's ``on_record``: a record's rows, or why it has none it could have.

    A receipt or refund of the wrong shape is named as ``shopdesk verify``
    names it, so the range check refuses the export at that record.
    """
    try:
        _to_sheet(plan, sheet, record["kind"], record)
    except SHAPE_ERRORS:
        return "refund_arithmetic" if record["kind"] == "refund.issued" else "receipt_arithmetic"
    return None


def _to_sheet(plan: BatchPlan, sheet: LineSheet, kind: str, record: dict) -> None:
    """A record's workbook rows, if it has any (as the writer's pass adds them)."""
    if kind == "refund.issued":
        sheet.add_refund(record["data"], record["time"])
    elif kind == "receipt.issued":
        data = record["data"]
        if not data.get("training") and data["no"] not in plan.voided:
            sheet.add_receipt(data, record["time"])


def _hash_file(path: Path) -> dict:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(COPY_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}
