"""``receipts.csv`` and ``invoice-import.xlsx`` rebuilt from the verified records and compared.

The manifest's signature only proves the files are the ones the shop's key
signed; a buggy or dishonest exporter can sign anything (issue 12, item 1). So
the verifier rebuilds both files with the writer's own row builders
(:func:`shopdesk.export.batch_writer.csv_rows`,
:func:`shopdesk.export.invoice_sheet.sheet_rows`) from the records it has just
verified, and compares:

- **Fast path, while the records stream by.** The expected CSV bytes and the
  expected SpreadsheetML of both sheets are hashed as they are produced. Equal
  hashes mean every cell is identical, byte for byte, and cost no second pass.
- **On any difference**, the files are compared cell by cell to name what
  differs: the CSV parsed with :mod:`csv` (exact cell text, the injection
  guard's apostrophe included), the workbook read with openpyxl in read-only
  mode (value *and* type: a rate written as text is a difference; the header
  row must be there). Each difference is (file, row, column, expected, found).

Limits: cell values and types are compared, not display formats (styles) or
column widths. The workbook layout (sheet names, columns) is the one the signed
manifest states under ``workbook``; a batch from before that field is compared
with the default layout.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import zip_longest
from pathlib import Path

from shopdesk.config import ExportSettings
from shopdesk.errors import BatchError
from shopdesk.export import batch_format as fmt
from shopdesk.export import deflate
from shopdesk.export.batch_writer import CsvBytes, CsvRowsText, csv_rows
from shopdesk.export.invoice_sheet import (
    SHEET_HEAD,
    SHEET_TAIL,
    XML_ILLEGAL,
    HeaderRowsXml,
    LineRowsXml,
    _column_letters,
    row_xml,
    sheet_rows,
    workbook_skeleton,
)
from shopdesk.export.refund_rows import padded, refund_csv_rows, refund_sheet_rows
from shopdesk.export.safe_zip import SafeZip
from shopdesk.ledger.canonical import loads

#: How many differences an error names; the count says how many there are in all.
MAX_NAMED = 20
BOM = "\ufeff"
#: Fast-path bytes are hashed in pieces of about this many.
FLUSH_AT = 1 << 20
Cell = tuple[str, str]
REFUND = "refund.issued"


@dataclass(frozen=True, slots=True)
class Difference:
    """One cell (or row) of a derived file that is not what the records give."""

    file: str
    row: int  # 1-based, the header row is 1
    column: str
    expected: str
    found: str

    def __str__(self) -> str:
        return f"{self.file} row {self.row} {self.column}: {self.expected!r} ≠ {self.found!r}"


class _HashedBytes:
    """Bytes hashed in large pieces (one ``update`` per row would cost more)."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.parts: list[bytes] = []
        self.pending = 0
        self.size = 0

    def add(self, data: bytes) -> None:
        self.parts.append(data)
        self.pending += len(data)
        if self.pending >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        data = b"".join(self.parts)
        self.size += len(data)
        self.digest.update(data)
        self.parts.clear()
        self.pending = 0

    def hexdigest(self) -> str:
        self.flush()
        return self.digest.hexdigest()


class _Expected:
    """The derived files' expected content; fed every valid receipt in journal order."""

    def __init__(self, manifest: dict, styles: dict[str, int] | None) -> None:
        self.layout = fmt.workbook_layout(manifest)
        self.voided = frozenset(manifest["voided"])
        self.header_fields = [f for f, _ in self.layout.header_columns]
        self.line_fields = [f for f, _ in self.layout.line_columns]
        self.styles = styles
        self.refunds = "refunds" in manifest

    def csv_header(self) -> list[str]:
        return list(fmt.csv_columns(self.refunds))

    def sheet_titles(self) -> tuple[list[Cell], list[Cell]]:
        return (
            [("str", t) for _, t in self.layout.header_columns],
            [("str", t) for _, t in self.layout.line_columns],
        )

    def rows(self, data: dict, time: str) -> tuple[list[list[str]], list[Cell], list[list[Cell]]]:
        """(csv rows, header-sheet row or [], line-sheet rows) of one receipt."""
        void = data["no"] in self.voided
        csv_part = list(csv_rows(data, time, void))
        if self.refunds:
            csv_part = list(padded(csv_part))
        if void:  # voided receipts are never in the workbook: they must not be invoiced
            return csv_part, [], []
        header, lines = sheet_rows(data, time, self.header_fields, self.line_fields)
        return csv_part, header, lines

    def refund_rows(
        self, data: dict, time: str
    ) -> tuple[list[list[str]], list[Cell], list[list[Cell]]]:
        """(csv rows, header-sheet row, line-sheet rows) of one refund (red-letter rows)."""
        header, lines = refund_sheet_rows(data, time, self.header_fields, self.line_fields)
        return list(refund_csv_rows(data, time)), header, lines

    def item_rows(
        self, kind: str, data: dict, time: str
    ) -> tuple[list[list[str]], list[Cell], list[list[Cell]]]:
        """The rows of a receipt or a refund, as :func:`_items` yields them."""
        return self.refund_rows(data, time) if kind == REFUND else self.rows(data, time)


class DerivedFiles:
    """Hashes the expected derived files while the verifier walks the records.

    :meth:`add_receipt` takes each valid (non-training) ``receipt.issued`` record
    the verifier accepted; :meth:`check` compares with the zip and raises
    ``batch.derived_mismatch`` naming the differences.
    """

    def __init__(self, manifest: dict) -> None:
        self.manifest = manifest
        self.expected = _Expected(manifest, _writer_styles(fmt.workbook_layout(manifest)))
        refund_columns = len(fmt.CSV_REFUND_COLUMNS) if self.expected.refunds else 0
        self.csv_rows = CsvRowsText(refund_columns)
        self.csv = _HashedBytes()
        self.csv.add(BOM.encode())
        self.csv_out = CsvBytes(self.csv.add)  # the writer's own way of writing the file
        self.csv_out.writer.writerow(self.expected.csv_header())
        header_titles, line_titles = self.expected.sheet_titles()
        self.sheets = [_ExpectedSheet(header_titles, self.expected.styles)]
        self.sheets.append(_ExpectedSheet(line_titles, self.expected.styles))
        # the same row builders as the writer's; without its styles the cell-by-cell check decides
        styles = self.expected.styles
        self.line_rows = LineRowsXml(self.expected.line_fields, styles) if styles else None
        self.header_rows = HeaderRowsXml(self.expected.header_fields, styles or {})

    def add_receipt(self, data: dict, time: str) -> None:
        void = data["no"] in self.expected.voided
        self.csv_out.add(self.csv_rows.receipt(data, time, void))
        if not void and self.line_rows is not None:  # voided: never in the workbook
            self.sheets[0].add_receipt(self.header_rows, data, time)
            self.sheets[1].text.add(self.line_rows.receipt(data))

    def add_refund(self, data: dict, time: str) -> None:
        """A refund the verifier accepted: its red-letter rows, in journal order."""
        csv_part, header, lines = self.expected.refund_rows(data, time)
        self.csv_out.writer.writerows(csv_part)
        if self.line_rows is not None:
            self.sheets[0].add(header)
            self.sheets[1].text.add(self.line_rows.rows(lines))

    def csv_matches(self) -> bool:
        """Whether the rebuilt ``receipts.csv`` has the SHA-256 the signed manifest states."""
        self.csv_out.flush()
        return self.csv.hexdigest() == self.manifest["files"][fmt.CSV]["sha256"]

    def check(self, archive: SafeZip, book_bytes: bytes) -> None:
        """Raise ``batch.derived_mismatch`` if either file differs from its rebuild.

        ``book_bytes``: the workbook member, already read (and hashed) by the caller.
        """
        differences: list[Difference] = []
        if not self.csv_matches():
            differences += _csv_differences(archive, self.expected)
        differences += self._xlsx_differences(archive, book_bytes)
        if differences:
            first = differences[0]
            raise BatchError(
                "batch.derived_mismatch",
                batch=self.manifest["batch_id"],
                count=len(differences),
                file=first.file,
                row=first.row,
                column=first.column,
                expected=first.expected,
                found=first.found,
                details="\n".join(str(d) for d in differences[:MAX_NAMED]),
            )

    def _xlsx_differences(self, archive: SafeZip, book_bytes: bytes) -> list[Difference]:
        layout = self.expected.layout
        names = [layout.header_sheet, layout.line_sheet]
        try:
            with zipfile.ZipFile(io.BytesIO(book_bytes)) as package:
                parts = _sheet_parts(package)
                if [name for name, _ in parts] != names:
                    return [_sheets_differ(names, [name for name, _ in parts])]
                digests = [sheet.hexdigest() for sheet in self.sheets]
                same = all(
                    digest is not None and _member_digest(package, path, sheet.text.size) == digest
                    for (_, path), sheet, digest in zip(parts, self.sheets, digests, strict=True)
                )
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            return [
                Difference(fmt.XLSX, 0, "(workbook)", "a readable workbook", type(exc).__name__)
            ]
        if same:
            return []
        return _xlsx_cell_differences(archive, book_bytes, self.expected)


def _sheet_parts(package: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order, found the way openpyxl finds them.

    ``load_workbook(read_only=True)`` would parse every sheet whole just to size
    it (our sheets carry no ``<dimension>``): ~15 s for 100k receipts, so the
    fast path asks openpyxl's own package and workbook readers for the mapping.
    """
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.xml.constants import ARC_CONTENT_TYPES
    from openpyxl.xml.functions import fromstring

    content_types = Manifest.from_tree(fromstring(package.read(ARC_CONTENT_TYPES)))
    parser = WorkbookParser(package, _find_workbook_part(content_types).PartName[1:])
    parser.parse()
    return [(sheet.name, rel.target) for sheet, rel in parser.find_sheets()]


class _ExpectedSheet:
    """One sheet's expected SpreadsheetML, exactly as :class:`InvoiceSheetWriter` streams it."""

    def __init__(self, titles: list[Cell], styles: dict[str, int] | None) -> None:
        self.letters = _column_letters(len(titles))
        self.styles = styles or {}
        self.text = _HashedBytes()
        self.row = 0
        self.text.add(SHEET_HEAD)
        self.add(titles)

    def add(self, cells: list[Cell]) -> None:
        self.row += 1
        if self.styles:
            self.text.add(row_xml(self.letters, self.row, cells, self.styles).encode())

    def add_receipt(self, rows: HeaderRowsXml, data: dict, time: str) -> None:
        """A receipt's header row, built by the writer's own builder (styles known)."""
        self.row += 1
        self.text.add(rows.receipt(data, time, self.row))

    def hexdigest(self) -> str | None:
        """None when the writer's styles are unknown here (the cell-by-cell check decides)."""
        if not self.styles:
            return None
        self.text.add(SHEET_TAIL)
        return self.text.hexdigest()


def _writer_styles(layout: ExportSettings) -> dict[str, int] | None:
    """The style ids the writer gives money/rate/qty cells (from openpyxl, as it does)."""
    try:
        with tempfile.TemporaryDirectory(prefix="shopdesk-verify-") as folder:
            return workbook_skeleton(Path(folder) / "skeleton.xlsx", layout).styles
    except (OSError, ValueError):
        return None


def _member_digest(package: zipfile.ZipFile, path: str, limit: int) -> str | None:
    """SHA-256 of a workbook member, or None as soon as it is longer than ``limit``."""
    digest = hashlib.sha256()
    seen = 0
    with deflate.reading(package, path.lstrip("/")) as handle:
        while chunk := handle.read(1 << 20):
            seen += len(chunk)
            if seen > limit:
                return None
            digest.update(chunk)
    return digest.hexdigest()


def _sheets_differ(expected: list[str], found: list[str]) -> Difference:
    return Difference(fmt.XLSX, 0, "(sheets)", " / ".join(expected), " / ".join(found))


def _items(archive: SafeZip) -> Iterator[tuple[str, dict, str]]:
    """(kind, data, time) of the valid receipts and the refunds of the (already
    verified) jsonl again, in journal order, for the slow comparison."""
    for _, raw in archive.lines(fmt.JSONL):
        record = loads(raw)
        data = record["data"]
        if record["kind"] == REFUND or (
            record["kind"] == "receipt.issued" and not data.get("training")
        ):
            yield record["kind"], data, record["time"]


def _csv_differences(archive: SafeZip, expected: _Expected) -> list[Difference]:
    def wanted() -> Iterator[list[str]]:
        yield expected.csv_header()
        for kind, data, time in _items(archive):
            yield from expected.item_rows(kind, data, time)[0]

    def found_lines() -> Iterator[str]:
        for number, raw in archive.lines(fmt.CSV):
            text = raw.decode("utf-8", errors="replace") + "\n"
            yield text.removeprefix(BOM) if number == 1 else text

    try:
        found = list(csv.reader(found_lines()))
    except csv.Error as exc:
        return [Difference(fmt.CSV, 0, "(file)", "valid CSV", str(exc)[:80])]
    return _compare_rows(fmt.CSV, expected.csv_header(), wanted(), iter(found), _csv_cell)


def _csv_cell(want: str, have: object) -> tuple[str, str] | None:
    return None if want == have else (want, "(missing)" if have is None else str(have))


def _xlsx_cell_differences(
    archive: SafeZip, book_bytes: bytes, expected: _Expected
) -> list[Difference]:
    from openpyxl import load_workbook

    header_titles, line_titles = expected.sheet_titles()

    def wanted(sheet: int) -> Iterator[list[Cell]]:
        yield (header_titles, line_titles)[sheet]
        for kind, data, time in _items(archive):
            _, header, lines = expected.item_rows(kind, data, time)
            if header:
                yield from ([header] if sheet == 0 else lines)

    layout = expected.layout
    book = load_workbook(io.BytesIO(book_bytes), read_only=True, data_only=True)
    out: list[Difference] = []
    try:
        for sheet, (name, titles) in enumerate(
            ((layout.header_sheet, header_titles), (layout.line_sheet, line_titles))
        ):
            found = book[name].iter_rows(values_only=True)
            columns = [
                f"{letter} {t}"
                for letter, (_, t) in zip(_column_letters(len(titles)), titles, strict=True)
            ]
            out += _compare_rows(f"{fmt.XLSX}:{name}", columns, wanted(sheet), found, _xlsx_cell)
    finally:
        book.close()
    return out


def _xlsx_cell(want: Cell, have: object) -> tuple[str, str] | None:
    """(expected, found) when a workbook cell differs in value or type, else None."""
    kind, text = want
    if not text:  # the writer leaves an empty cell out (a 折扣行's quantity and price)
        return None if have in (None, "") else ("(empty)", _typed(have))
    if kind == "str":
        text = XML_ILLEGAL.sub("", text)
        if (have or "") == text and (have is None or isinstance(have, str)):
            return None
        return text, _typed(have)
    if isinstance(have, int | float) and not isinstance(have, bool):
        try:
            if Decimal(repr(have)) == Decimal(text):
                return None
        except InvalidOperation:
            pass
    return f"{text} (number)", _typed(have)


def _typed(value: object) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return f"{value} (text)"
    return f"{value} ({type(value).__name__})"


def _compare_rows(file, columns, wanted, found, differ) -> list[Difference]:  # type: ignore[no-untyped-def]
    """Row by row, cell by cell; a missing or extra row is one difference."""
    out: list[Difference] = []
    for number, (want, have) in enumerate(zip_longest(wanted, found), start=1):
        if want is None:
            if any(v not in (None, "") for v in have):
                out.append(Difference(file, number, "(row)", "(no row)", _row_text(have)))
            continue
        if have is None:
            out.append(Difference(file, number, "(row)", _row_text(want), "(missing)"))
            continue
        for at, (w, h) in enumerate(zip_longest(want, have)):
            if w is None:
                if h not in (None, ""):
                    out.append(Difference(file, number, f"column {at + 1}", "(none)", str(h)))
                continue
            bad = differ(w, h)
            if bad is not None:
                name = columns[at] if at < len(columns) else f"column {at + 1}"
                out.append(Difference(file, number, name, *bad))
    return out


def _row_text(row) -> str:  # type: ignore[no-untyped-def]
    cells = [c[1] if isinstance(c, tuple) else c for c in row]
    return ",".join("" if c is None else str(c) for c in cells)[:80]
