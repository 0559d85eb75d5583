"""``invoice-import.xlsx``: the workbook the accountant imports to issue the fapiao.

Two sheets (names and headers from the profile, see :mod:`shopdesk.export.columns`):
one row per valid receipt on the header sheet, keyed by the provisional receipt
number (发票流水号), and one row per receipt line on the line sheet with the
same key. Voided and training receipts are never written here: they must not be
invoiced.

How it is built, and why: openpyxl writes the package (workbook, styles,
content types, relationships), but its write-only row serialisation costs about
16 s per 100k rows on the till PCs we target (measured, without lxml), and a
100k-receipt batch has ~450k rows. So the rows of both sheets are streamed
here as plain SpreadsheetML (``<row><c t="inlineStr">…``) into temp files and
swapped into openpyxl's package in :func:`assemble_xlsx`; the number formats
they use are registered by styled cells in openpyxl's placeholder sheets and
their style ids read back from its output, so they always agree. Amounts are
written as the ledger's own decimal text (``<v>6.90</v>``), which Excel and
openpyxl read as the same number.

Deterministic: openpyxl stamps the save time into ``docProps/core.xml`` and
every zip entry; :func:`assemble_xlsx` sets them all to the batch's export
time, so the same batch always gives the same bytes.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from shopdesk.config import ExportSettings
from shopdesk.domain.tax import RATES
from shopdesk.export.batch_format import zip_time
from shopdesk.export.columns import BUYER_PERSONAL

CORE_XML = "docProps/core.xml"
SHEET_XML = "xl/worksheets/sheet{n}.xml"
W3CDTF = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
#: Characters XML 1.0 cannot hold at all (a catalog name pasted from somewhere odd).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
COPY_CHUNK = 1 << 20
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
)
SHEET_TAIL = "</sheetData></worksheet>"
#: Number formats of the cells we write: money and tax rate (quantities stay General).
FORMATS = {"money": "0.00", "rate": "0%"}
EXEMPT_LABEL = "免税"


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, rem = divmod(index - 1, 26)
            name = chr(65 + rem) + name
        letters.append(name)
    return letters


def _text(value: str) -> str:
    value = XML_ILLEGAL.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def row_xml(
    letters: list[str], r: int, cells: list[tuple[str, str]], styles: dict[str, int]
) -> str:
    """Row ``r`` as SpreadsheetML; ``cells`` as (kind, text), see :meth:`_SheetStream.append`."""
    out = [f'<row r="{r}">']
    for letter, (kind, value) in zip(letters, cells, strict=True):
        if kind == "str":
            if value:
                out.append(
                    f'<c r="{letter}{r}" t="inlineStr"><is><t xml:space="preserve">'
                    f"{_text(value)}</t></is></c>"
                )
        else:
            out.append(f'<c r="{letter}{r}" s="{styles[kind]}"><v>{value}</v></c>')
    out.append("</row>")
    return "".join(out)


class _SheetStream:
    """Rows of one sheet as SpreadsheetML, appended to a temp file."""

    def __init__(self, path: Path, columns: int, styles: dict[str, int]) -> None:
        self.path = path
        self.handle: TextIO = path.open("w", encoding="utf-8", newline="")
        self.handle.write(SHEET_HEAD)
        self.letters = _column_letters(columns)
        self.styles = styles
        self.row = 0
        self.buffer: list[str] = []

    def append(self, cells: list[tuple[str, str]]) -> None:
        """``cells``: (kind, text) with kind ``str``, ``money``, ``rate`` or ``qty``."""
        self.row += 1
        self.buffer.append(row_xml(self.letters, self.row, cells, self.styles))
        if len(self.buffer) >= 2000:
            self.flush()

    def flush(self) -> None:
        self.handle.write("".join(self.buffer))
        self.buffer.clear()

    def close(self) -> None:
        self.flush()
        self.handle.write(SHEET_TAIL)
        self.handle.close()


def _rate_cell(rate: str) -> tuple[str, str]:
    return ("str", EXEMPT_LABEL) if rate == "exempt" else ("rate", str(RATES[rate]))


def sheet_rows(
    data: dict, time: str, header_fields: list[str], line_fields: list[str]
) -> tuple[list[tuple[str, str]], list[list[tuple[str, str]]]]:
    """One receipt's header-sheet row and line-sheet rows as (kind, text) cells.

    The verifier rebuilds the workbook's cells from the records with it.
    """
    buyer = data.get("buyer") or {}
    header = {
        "serial": ("str", data["no"]),
        "buyer_name": ("str", buyer.get("name") or BUYER_PERSONAL),
        "buyer_tax_id": ("str", buyer.get("tax_id", "")),
        "remarks": ("str", f"临时收据 {data['no']} {time[:10]} {time[11:16]}"),
        "total": ("money", data["total"]),
        "net": ("money", data["net"]),
        "tax": ("money", data["tax"]),
        "buyer_phone": ("str", buyer.get("phone", "")),
        "buyer_email": ("str", buyer.get("email", "")),
        "receipt_time": ("str", time),
        "cashier": ("str", data.get("cashier", "")),
    }
    rows = []
    for line in data["lines"]:
        row = {
            "serial": ("str", data["no"]),
            "item_name": ("str", line["name"]),
            "tax_code": ("str", line["tax_code"]),
            "spec": ("str", line.get("spec", "")),
            "unit": ("str", line.get("unit", "")),
            "qty": ("qty", line["qty"]),
            "unit_price": ("money", line["unit_price"]),
            "amount": ("money", line["amount"]),
            "tax_rate": _rate_cell(line["rate"]),
            "tax": ("money", line["tax"]),
            "net": ("money", line["net"]),
            "discount": ("money", line["discount"]),
            "barcode": ("str", line.get("barcode", "")),
            "sku": ("str", line.get("sku", "")),
        }
        rows.append([row[f] for f in line_fields])
    return [header[f] for f in header_fields], rows


class InvoiceSheetWriter:
    """Streams receipts into the two sheets; :meth:`close` builds the workbook."""

    def __init__(self, path: Path, settings: ExportSettings, exported_at: datetime) -> None:
        self.path = path
        self.settings = settings
        self.exported_at = exported_at
        self.skeleton, styles = _skeleton(path.with_suffix(".skeleton.xlsx"), settings)
        self.header_fields = [f for f, _ in settings.header_columns]
        self.line_fields = [f for f, _ in settings.line_columns]
        self.headers = _SheetStream(
            path.with_suffix(".sheet1.xml"), len(self.header_fields), styles
        )
        self.lines = _SheetStream(path.with_suffix(".sheet2.xml"), len(self.line_fields), styles)
        self.headers.append([("str", title) for _, title in settings.header_columns])
        self.lines.append([("str", title) for _, title in settings.line_columns])

    def add_receipt(self, data: dict, time: str) -> None:
        header, lines = sheet_rows(data, time, self.header_fields, self.line_fields)
        self.headers.append(header)
        for row in lines:
            self.lines.append(row)

    def discard(self) -> None:
        """Close the temp files after a failed export (the caller deletes them)."""
        self.headers.handle.close()
        self.lines.handle.close()
        self.skeleton.unlink(missing_ok=True)

    def close(self) -> None:
        self.headers.close()
        self.lines.close()
        try:
            assemble_xlsx(
                self.skeleton,
                self.path,
                self.exported_at,
                {
                    SHEET_XML.format(n=1): self.headers.path,
                    SHEET_XML.format(n=2): self.lines.path,
                },
            )
        finally:
            for temp in (self.skeleton, self.headers.path, self.lines.path):
                temp.unlink(missing_ok=True)


def _skeleton(path: Path, settings: ExportSettings) -> tuple[Path, dict[str, int]]:
    """openpyxl's package with two placeholder sheets; the style id of each number format."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for name in (settings.header_sheet, settings.line_sheet):
        sheet = book.create_sheet(name)
        cells = []
        for number_format in FORMATS.values():
            cell = WriteOnlyCell(sheet, value=0)
            cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    book.properties.creator = "shopdesk"
    book.save(path)
    with zipfile.ZipFile(path) as package:
        placeholder = package.read(SHEET_XML.format(n=1)).decode()
    ids = [int(s) for s in re.findall(r'<c [^>]*s="(\d+)"', placeholder)]
    return path, {**dict(zip(FORMATS, ids, strict=True)), "qty": 0}


def assemble_xlsx(
    source: Path, target: Path, moment: datetime, replace: dict[str, Path] | None = None
) -> None:
    """Copy an xlsx package with entries swapped in and every timestamp set to ``moment``.

    Entry order is kept (openpyxl writes a fixed order); zip entry times and
    ``dcterms:created/modified`` become ``moment``, so the bytes are deterministic.
    """
    replace = replace or {}
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    when = zip_time(moment)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            out = zipfile.ZipInfo(info.filename, date_time=when)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o644 << 16
            out.create_system = 3
            if info.filename == CORE_XML:
                zout.writestr(out, W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<3>", zin.read(info)))
                continue
            swapped = replace.get(info.filename)
            out.file_size = swapped.stat().st_size if swapped else info.file_size
            with (
                swapped.open("rb") if swapped else zin.open(info) as src,
                zout.open(out, "w") as dst,
            ):
                shutil.copyfileobj(src, dst, COPY_CHUNK)
