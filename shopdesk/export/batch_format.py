"""The batch zip's layout and manifest, shared by the writer and the verifier.

A batch is one zip holding four files (see docs/export.md):

- ``manifest.json`` — what the batch claims (shop, range, counts, totals, file
  hashes, chain heads) and an Ed25519 signature over all of it;
- ``receipts.jsonl`` — the ledger records of the batch, byte for byte as in the
  journal, so every record's own hash and signature verify;
- ``receipts.csv`` — one row per receipt line, UTF-8 with BOM for Chinese Excel;
- ``invoice-import.xlsx`` — the bulk-issuing workbook for the e-invoice platform.

**What a batch holds.** The contiguous range of journal records from the one
after the previous batch's last record to the batch's last receipt or void, so
the chain verifies inside the batch and links onto the previous batch's head
(``prev_head``) without any other file. Training receipts and other records
(prints, outages, the previous ``batch.exported``) sit in that range too and are
in ``receipts.jsonl`` for the chain's sake; they never reach the csv, the
workbook or the totals.
"""

from __future__ import annotations

from datetime import datetime

from shopdesk.config import ExportSettings
from shopdesk.errors import BatchError
from shopdesk.export import columns
from shopdesk.ledger.canonical import canonical_json

FORMAT = "shopdesk.batch"
FORMAT_VERSION = 1

MANIFEST = "manifest.json"
JSONL = "receipts.jsonl"
CSV = "receipts.csv"
XLSX = "invoice-import.xlsx"
#: Every member of a batch, in the fixed order they are written: the jsonl is
#: streamed into the zip while the others are produced, the manifest (which
#: hashes the others) comes last.
MEMBERS = (JSONL, CSV, XLSX, MANIFEST)
#: Files the manifest hashes (itself excluded).
HASHED = (JSONL, CSV, XLSX)

#: receipts.csv header (Chinese, for the accountant's Excel); meaning in docs/export.md.
CSV_COLUMNS = (
    "收据号",
    "收据序号",
    "开具时间",
    "状态",
    "收银员",
    "购买方名称",
    "购买方税号",
    "行号",
    "商品编号",
    "条码",
    "项目名称",
    "规格型号",
    "单位",
    "数量",
    "单价",
    "折扣",
    "金额",
    "税率",
    "商品和服务税收分类编码",
    "不含税金额",
    "税额",
    "收据合计",
)
CSV_VALID = "有效"
CSV_VOID = "作废"
#: 状态 of a refund's rows (退货, issued as a red-letter invoice: 红字).
CSV_REFUND = "退货/红字"
#: Columns added after :data:`CSV_COLUMNS` in a batch that carries refunds (only
#: then, so a batch without returns keeps the layout it always had).
CSV_REFUND_COLUMNS = ("原收据号", "原发票号码")


def csv_columns(refunds: bool) -> tuple[str, ...]:
    """The receipts.csv header: with the refund columns when the batch has refunds."""
    return CSV_COLUMNS + CSV_REFUND_COLUMNS if refunds else CSV_COLUMNS


def code_cell(value: str) -> str:
    """A code for ``receipts.csv`` that a spreadsheet keeps as text: ``="6901939621257"``.

    Excel and WPS open a CSV by guessing types, so a 19-digit tax code becomes
    ``1.03031E+18`` (Excel keeps 15 significant digits) and a code with leading
    zeros loses them. A leading ``'`` is shown as a literal character in a CSV
    and a leading tab is not honoured everywhere; a formula whose result is a
    string constant is the form Microsoft documents for this (KB Q66033) and
    both keep it as text. Quotes inside are doubled, so the cell stays one string
    literal whatever the code holds; an empty code stays empty.
    """
    return '="' + value.replace('"', '""') + '"' if value else ""


def code_value(cell: str) -> str:
    """The code inside a :func:`code_cell` (a cell not in that form is returned as is)."""
    if cell.startswith('="') and cell.endswith('"') and len(cell) >= 3:
        return cell[2:-1].replace('""', '"')
    return cell


def signing_bytes(manifest: dict) -> bytes:
    """What the manifest signature covers: its canonical JSON without ``signature``."""
    return canonical_json({k: v for k, v in manifest.items() if k != "signature"})


def manifest_bytes(manifest: dict) -> bytes:
    """The manifest as written: sorted, indented, UTF-8 (readable in any editor)."""
    import json

    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """The fixed timestamp of every zip entry: the batch's export time, local, to 2 s.

    Zip stores DOS times (no zone, even seconds); taking them from the batch's
    recorded export time instead of the clock is what makes ``--again`` byte-identical.
    """
    return (
        max(moment.year, 1980),
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second - moment.second % 2,
    )


def workbook_layout(manifest: dict) -> ExportSettings:
    """The workbook's sheet names and columns as the signed manifest states them.

    A batch written before the manifest had ``workbook`` used the default layout.
    """
    stated = manifest.get("workbook")
    if not isinstance(stated, dict):
        return ExportSettings()
    try:
        layout = ExportSettings(
            header_sheet=str(stated["header_sheet"]),
            line_sheet=str(stated["line_sheet"]),
            header_columns=tuple((str(f), str(t)) for f, t in stated["header_columns"]),
            line_columns=tuple((str(f), str(t)) for f, t in stated["line_columns"]),
        )
        header_known = {f for f, _ in columns.HEADER_COLUMNS} | set(columns.OPTIONAL_HEADER_COLUMNS)
        line_known = {f for f, _ in columns.LINE_COLUMNS} | set(columns.OPTIONAL_LINE_COLUMNS)
        if {f for f, _ in layout.header_columns} <= header_known and {
            f for f, _ in layout.line_columns
        } <= line_known:
            return layout
    except (KeyError, TypeError, ValueError):
        pass
    raise BatchError(
        "batch.bad_manifest_field", field="workbook", expected="sheet names and known columns"
    )


def workbook_layout_of(settings: ExportSettings) -> dict:
    """What the writer states under ``workbook`` in the manifest."""
    return {
        "header_sheet": settings.header_sheet,
        "line_sheet": settings.line_sheet,
        "header_columns": [list(c) for c in settings.header_columns],
        "line_columns": [list(c) for c in settings.line_columns],
    }
