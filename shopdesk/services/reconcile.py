"""Feeding official invoice numbers back: provisional receipt → fapiao number (and date).

The accountant exports a mapping from the e-invoice platform (or types one)
as CSV or xlsx. The whole file is read and checked first; if any row is wrong
nothing is recorded and every problem is reported, so a file is never half
applied by a validation error. Rows whose receipt already carries the *same*
invoice number are skipped (not an error): that makes running a file again after
an interrupted run (power cut after some records) finish the job instead of
refusing it. A receipt reconciled to a *different* number is a conflict. A
receipt in no exported batch yet is refused: its invoice is to be issued from
the batch's ``invoice-import.xlsx``, which would still list it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from shopdesk.errors import InvalidInput, NotFound
from shopdesk.services.shop import Shop

#: A mapping file bigger than this is not a mapping (a 100k-row CSV is ~5 MB).
MAX_FILE_BYTES = 64 << 20
#: Official numbers: 8 digits (older paper/electronic fapiao) to 20 (数电票, fully digital).
INVOICE_NO_RE = re.compile(r"^[0-9]{8,20}$")
#: Excel keeps 15 significant digits: a longer number stored as a number has lost digits.
EXCEL_DIGITS = 15
HEADER_SCAN_ROWS = 10
#: A mapping has one row per receipt; a batch of a busy year is far below this.
MAX_ROWS = 500_000
MAX_COLUMNS = 64
MAX_XLSX_MEMBERS = 200
MAX_XLSX_MEMBER_BYTES = 512 << 20
MAX_XLSX_RATIO = 100

NUMBER_HEADERS = ("收据号", "临时收据号", "发票流水号", "流水号", "receipt", "receipt_no", "no")
INVOICE_HEADERS = ("发票号码", "发票号", "数电票号码", "全电发票号码", "invoice", "invoice_no")
DATE_HEADERS = ("开票日期", "日期", "invoice_date", "date")


@dataclass(frozen=True)
class MappingRow:
    line: int
    number: str
    invoice_no: str
    invoice_date: str


@dataclass(frozen=True)
class Problem:
    """One bad row: its line in the file, the receipt number and a message code."""

    line: int
    number: str
    code: str  # reconcile.problem.<what>
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReconcileResult:
    applied: int
    skipped: int
    rows: int


def _norm_header(value: object) -> str:
    return re.sub(r"\s+", "", str(value or "")).lower()


def _find_columns(rows: list[list[object]], source: str) -> tuple[int, dict[str, int]]:
    """Index of the header row and the column of number / invoice / date in it."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        names = [_norm_header(c) for c in row]
        found: dict[str, int] = {}
        for key, options in (
            ("number", NUMBER_HEADERS),
            ("invoice", INVOICE_HEADERS),
            ("date", DATE_HEADERS),
        ):
            for col, name in enumerate(names):
                if name in options:
                    found[key] = col
                    break
        if "number" in found and "invoice" in found:
            return index, found
    raise InvalidInput(
        "reconcile.no_header",
        file=source,
        number=" / ".join(NUMBER_HEADERS[:3]),
        invoice=" / ".join(INVOICE_HEADERS[:2]),
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_rows(path: Path) -> list[list[object]]:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotFound("reconcile.missing_file", file=str(path)) from None
    if size > MAX_FILE_BYTES:
        raise InvalidInput("reconcile.file_too_large", file=str(path), limit=MAX_FILE_BYTES >> 20)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".csv":
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):  # Chinese Excel saves CSV as GBK by default
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes almost anything
            raise InvalidInput("reconcile.bad_file", file=str(path))
        rows: list[list[object]] = []
        try:
            for row in csv.reader(io.StringIO(text, newline="")):
                rows.append(list(row[:MAX_COLUMNS]))
                _check_rows(rows, path)
        except csv.Error:
            raise InvalidInput("reconcile.bad_file", file=str(path)) from None
        return rows
    raise InvalidInput("reconcile.bad_type", file=str(path))


def _check_package(path: Path) -> None:
    """An xlsx is a zip: refuse a decompression bomb before openpyxl inflates it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput("reconcile.bad_file", file=str(path)) from None
    if len(infos) > MAX_XLSX_MEMBERS or any(
        i.file_size > MAX_XLSX_MEMBER_BYTES
        or i.file_size > MAX_XLSX_RATIO * max(i.compress_size, 1) + (1 << 20)
        for i in infos
    ):
        raise InvalidInput("reconcile.bad_file", file=str(path))


def _read_xlsx(path: Path) -> list[list[object]]:
    import zipfile

    from openpyxl import load_workbook

    _check_package(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError):
        raise InvalidInput("reconcile.bad_file", file=str(path)) from None
    try:
        rows: list[list[object]] = []
        for row in book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS):
            rows.append(list(row))
            _check_rows(rows, path)
        return rows
    finally:
        book.close()


def _check_rows(rows: list, path: Path) -> None:
    if len(rows) > MAX_ROWS:
        raise InvalidInput("reconcile.too_many_rows", file=str(path), limit=MAX_ROWS)


def _date(text: str) -> str | None:
    """``YYYY-MM-DD`` from 2026-11-28, 2026/11/28, 20261128 or 2026年11月28日; None if not a date."""
    match = re.fullmatch(r"(\d{4})[-/年.]?(\d{1,2})[-/月.]?(\d{1,2})日?", text)
    if not match:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def read_mapping(path: Path) -> tuple[list[MappingRow], list[Problem]]:
    """Every data row of the file, plus the problems of its own content (format)."""
    rows = _read_rows(path)
    header_at, cols = _find_columns(rows, str(path))
    out: list[MappingRow] = []
    problems: list[Problem] = []
    for index, row in enumerate(rows[header_at + 1 :], start=header_at + 2):

        def cell(key: str, row: list[object] = row) -> object:
            col = cols.get(key)
            return row[col] if col is not None and col < len(row) else None

        if all(_cell_text(c) == "" for c in row):
            continue
        number = _cell_text(cell("number")).upper()
        raw_invoice = cell("invoice")
        invoice = _cell_text(raw_invoice)
        raw_date = _cell_text(cell("date"))
        if not number:
            problems.append(Problem(index, "", "reconcile.problem.missing_number"))
            continue
        if isinstance(raw_invoice, float | int) and len(invoice) > EXCEL_DIGITS:
            problems.append(Problem(index, number, "reconcile.problem.invoice_as_number"))
            continue
        if not INVOICE_NO_RE.match(invoice):
            problems.append(
                Problem(index, number, "reconcile.problem.bad_invoice_no", {"value": invoice})
            )
            continue
        when = _date(raw_date) if raw_date else ""
        if when is None:
            problems.append(
                Problem(index, number, "reconcile.problem.bad_date", {"value": raw_date})
            )
            continue
        out.append(MappingRow(index, number, invoice, when))
    return out, problems


def check_mapping(shop: Shop, rows: list[MappingRow]) -> tuple[list[MappingRow], list[Problem]]:
    """Rows to record, and every problem against the ledger; rows already done are dropped."""
    view = shop.ledger.view
    seen: dict[str, int] = {}
    todo: list[MappingRow] = []
    problems: list[Problem] = []
    for row in rows:
        if row.number in seen:
            problems.append(
                Problem(
                    row.line, row.number, "reconcile.problem.duplicate", {"first": seen[row.number]}
                )
            )
            continue
        seen[row.number] = row.line
        receipt = view.get(row.number)
        if receipt is None:
            problems.append(Problem(row.line, row.number, "reconcile.problem.unknown"))
        elif receipt["training"]:
            problems.append(Problem(row.line, row.number, "reconcile.problem.training"))
        elif receipt["status"] == "void":
            problems.append(Problem(row.line, row.number, "reconcile.problem.void"))
        elif receipt["invoice"] and receipt["invoice"] != row.invoice_no:
            problems.append(
                Problem(
                    row.line,
                    row.number,
                    "reconcile.problem.already",
                    {"invoice": receipt["invoice"]},
                )
            )
        elif not receipt["invoice"] and not receipt["batch"]:
            # Invoices are issued from a batch's invoice-import.xlsx; one recorded
            # before its batch is exported would still be in that sheet, and be
            # issued a second time (issue 12 item 5).
            problems.append(Problem(row.line, row.number, "reconcile.problem.not_exported"))
        elif not receipt["invoice"]:
            todo.append(row)
    return todo, problems


def reconcile(shop: Shop, path: Path) -> ReconcileResult:
    """Record the official invoice of every row of ``path``, or nothing if any row is bad.

    Raises ``InvalidInput("reconcile.rejected", problems=[Problem…])`` listing all
    problems of the file (format and ledger) at once.
    """
    rows, problems = read_mapping(path)
    todo, ledger_problems = check_mapping(shop, rows)
    problems = sorted(problems + ledger_problems, key=lambda p: p.line)
    if problems:
        raise InvalidInput(
            "reconcile.rejected", file=str(path), count=len(problems), problems=problems
        )
    if not rows:
        raise InvalidInput("reconcile.empty", file=str(path))
    for row in todo:
        shop.ledger.append(
            "invoice.reconciled",
            {"no": row.number, "invoice_no": row.invoice_no, "invoice_date": row.invoice_date},
            shop.now(),
        )
    return ReconcileResult(applied=len(todo), skipped=len(rows) - len(todo), rows=len(rows))
