"""``invoice-import.xlsx``: the workbook the accountant imports to issue the fapiao.

Two sheets (names and headers from the profile, see :mod:`shopdesk.export.columns`):
one row per valid receipt on the header sheet, keyed by the provisional receipt
number (发票流水号), and on the line sheet, with the same key, one row per receipt
line, followed by a 折扣行 when the line was discounted (:func:`line_cells`).
Voided and training receipts are never written here: they must not be invoiced.
The rows are built by :func:`header_cells` and :func:`line_cells` alone, so a
checker can rebuild them from the records.

How it is built, and why: openpyxl writes the package (workbook, styles,
content types, relationships), but its write-only row serialisation costs about
16 s per 100k rows on the till PCs we target (measured, without lxml), and a
100k-receipt batch has ~450k rows. So the rows of both sheets are streamed
here as plain SpreadsheetML (``<row><c t="inlineStr">…``), deflated into temp files, and
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

import contextlib
import queue
import re
import shutil
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import IO

from shopdesk.config import ExportSettings
from shopdesk.domain.money import money_str
from shopdesk.domain.tax import RATES, split_gross
from shopdesk.export import deflate
from shopdesk.export.batch_format import zip_time
from shopdesk.export.columns import BUYER_PERSONAL

CORE_XML = "docProps/core.xml"
SHEET_XML = "xl/worksheets/sheet{n}.xml"
W3CDTF = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
#: Characters XML 1.0 cannot hold at all (a catalog name pasted from somewhere odd).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Anything :func:`_text` would change; most text has none, so one search skips four passes.
XML_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
COPY_CHUNK = 1 << 20
#: Distinct receipt lines kept as row templates (a bound on memory, ~10 MB).
MAX_TEMPLATES = 1 << 15
#: Every field of a record's line that its rows in ``receipts.csv`` and in the
#: line sheet show: those rows are the same for lines equal in these, whatever
#: else the line holds (tests/export/test_row_templates.py notes which fields
#: :func:`line_cells` and the CSV's cells read).
LINE_SHOWN = (
    *("amount", "barcode", "discount", "name", "net", "qty", "rate"),
    *("sku", "spec", "tax", "tax_code", "unit", "unit_price"),
)
_shown = itemgetter(*LINE_SHOWN)
#: Marks a :func:`line_key` made of the whole line (no tuple of values starts with it).
_WHOLE = object()
#: The bytes a sheet's part starts and ends with.
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_TAIL = b"</sheetData></worksheet>"
#: Number formats of the cells we write: money and tax rate (quantities stay General).
FORMATS = {"money": "0.00", "rate": "0%"}
EXEMPT_LABEL = "免税"
ZERO_MONEY = "0.00"
#: 发票行性质 as the 金税 invoicing software numbers it: a normal line, a
#: discount line (折扣行) and the line it discounts (被折扣行).
LINE_NORMAL, LINE_DISCOUNT, LINE_DISCOUNTED = "0", "1", "2"
#: One cell: (kind, text) with kind ``str``, ``money``, ``rate`` or ``qty``; empty text, no cell.
Cell = tuple[str, str]


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
    if XML_SPECIAL.search(value) is None:
        return value
    value = XML_ILLEGAL.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def row_xml(
    letters: list[str], r: int, cells: list[tuple[str, str]], styles: dict[str, int]
) -> str:
    """Row ``r`` as SpreadsheetML; ``cells`` as (kind, text), see :meth:`_SheetStream.append`.

    Written directly: a header row differs on every receipt, so a template
    (:func:`row_template`) would be built and filled in once each (issue 12, speed).
    """
    out = [f'<row r="{r}">']
    for letter, (kind, value) in zip(letters, cells, strict=True):
        if not value:
            continue  # an empty cell is left out, as Excel writes it
        if kind == "str":
            out.append(
                f'<c r="{letter}{r}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}'
                "</t></is></c>"
            )
        else:
            out.append(f'<c r="{letter}{r}" s="{styles[kind]}"><v>{value}</v></c>')
    out.append("</row>")
    return "".join(out)


def row_template(
    letters: list[str], cells: list[Cell], styles: dict[str, int], serial_at: int | None = None
) -> str:
    """A row as a ``%``-template: ``%(r)d`` where the row number goes, ``%(s)s`` for the
    (escaped) text of cell ``serial_at``; every literal ``%`` is doubled, so filling it
    in gives exactly what writing that row directly gives (as text, or encoded as bytes
    with bytes for ``s``)."""
    out = ['<row r="%(r)d">']
    for at, (letter, (kind, value)) in enumerate(zip(letters, cells, strict=True)):
        if not value:
            continue  # an empty cell is left out, as Excel writes it
        if kind == "str":
            text = "%(s)s" if at == serial_at else _text(value).replace("%", "%%")
            out.append(
                f'<c r="{letter}%(r)d" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
            )
        else:
            value = value.replace("%", "%%")
            out.append(f'<c r="{letter}%(r)d" s="{styles[kind]}"><v>{value}</v></c>')
    out.append("</row>")
    return "".join(out)


def line_key(line: dict) -> tuple:
    """A dict key for what the derived rows of ``line`` show (:data:`LINE_SHOWN`).

    The values alone, picked in one C call: ~3× cheaper than a tuple of every
    (key, value) pair, which the CSV and the line sheet each built for every line
    of every receipt, in export and in verify-batch (~0.13 s per 100k receipts
    each; issue 12, speed). A line without one of them (not one shopdesk
    writes) is keyed by all its pairs. Hashing the key raises ``TypeError`` for
    a value that cannot be a key; the caller then builds its rows without one.
    """
    try:
        return _shown(line)
    except KeyError:
        return (_WHOLE, *line.items())


class LineRowsXml:
    """The line-sheet rows of each receipt as SpreadsheetML, numbered on from the title row.

    Receipt lines repeat (the same item, quantity and price on many receipts) and
    a line's rows differ between receipts only in the row number and the receipt
    number, so each distinct line is built once as a :func:`row_template` and
    then only filled in: ~4× faster than building every cell (issue 12, speed).
    Rows are UTF-8 bytes, the templates encoded once: encoding ~155 MB of rows
    per 100k receipts after building them cost ~0.4 s in the writer and again in
    the verifier. The writer writes what :meth:`receipt` returns; the verifier hashes it.
    """

    def __init__(self, line_fields: list[str], styles: dict[str, int]) -> None:
        self.letters = _column_letters(len(line_fields))
        self.pick = _picker(tuple(line_fields))
        self.styles = styles
        self.serial_at = line_fields.index("serial") if "serial" in line_fields else None
        self.templates: dict[tuple, list[bytes]] = {}
        #: The last row written (1: the title row).
        self.row = 1

    def receipt(self, data: dict) -> bytes:
        """The rows of every line of one receipt (see :func:`line_cells`)."""
        serial = data["no"]
        filled = {b"s": _text(serial).encode()}
        out = []
        for line in data["lines"]:
            for template in self._templates(serial, line):
                self.row += 1
                filled[b"r"] = self.row
                out.append(template % filled)
        return b"".join(out)

    def rows(self, rows: list[list[Cell]]) -> bytes:
        """Rows built cell by cell (a refund's red-letter rows), numbered on with the rest."""
        out = []
        for cells in rows:
            self.row += 1
            out.append(row_xml(self.letters, self.row, cells, self.styles))
        return "".join(out).encode()

    def _templates(self, serial: str, line: dict) -> list[bytes]:
        try:
            key: tuple | None = (bool(serial), line_key(line))
            found = self.templates.get(key)  # type: ignore[arg-type]
        except TypeError:  # a value that cannot be a key (not one shopdesk writes)
            key = found = None
        if found is None:
            at = self.serial_at if serial else None
            found = [
                row_template(self.letters, self.pick(row), self.styles, at).encode()
                for row in line_cells({"no": serial, "lines": [line]})
            ]
            if key is not None and len(self.templates) < MAX_TEMPLATES:
                self.templates[key] = found
        return found


class _Deflating:
    """Deflates a sheet's bytes in a thread while its rows are still being built.

    The bytes are exactly those :func:`assemble_xlsx` would deflate the member to
    (:mod:`shopdesk.export.deflate`; with zlib, zipfile's default level; how the
    input is cut into pieces does not change the output), so it can hand them
    to zipfile instead of deflating the whole sheet after the last row: the
    deflater releases the GIL, so this overlaps with building rows (issue 12, speed).
    It also counts and checksums the sheet (CRC-32, what the zip entry states),
    so the sheet itself is never written out: ~185 MB per 100k receipts that
    were written to disk and read back only to be checksummed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = path.open("wb")
        self.crc = 0
        self.size = 0
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="sheet-deflate", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        deflater = deflate.compressor(zlib.Z_DEFAULT_COMPRESSION)
        try:
            while (chunk := self.queue.get()) is not None:
                self.crc = zlib.crc32(chunk, self.crc)
                self.size += len(chunk)
                self.handle.write(deflater.compress(chunk))
            self.handle.write(deflater.flush())
        except BaseException as exc:  # reported by close()
            self.error = exc
            while self.queue.get() is not None:  # drain so the producer never blocks
                pass

    def write(self, data: bytes) -> None:
        self.queue.put(data)

    def close(self) -> Deflated:
        self.queue.put(None)
        self.thread.join()
        self.handle.close()
        if self.error is not None:
            raise self.error
        return Deflated(self.path, self.crc, self.size)


@dataclass(frozen=True)
class Deflated:
    """A zip entry's content, deflated as zipfile would, with what its header states."""

    path: Path
    crc: int
    size: int

    def inflated(self) -> Iterator[bytes]:
        """The entry's own bytes again, in pieces (where zipfile must deflate them itself)."""
        inflater = zlib.decompressobj(deflate.RAW)
        with self.path.open("rb") as handle:
            while chunk := handle.read(COPY_CHUNK):
                yield inflater.decompress(chunk)
        yield inflater.flush()


class _Predeflated:
    """Stands in for zipfile's deflater of one member: the bytes :class:`_Deflating` made."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def compress(self, data: bytes) -> bytes:
        return b""  # nothing is written through: assemble_xlsx states CRC and size

    def flush(self) -> bytes:
        return self.path.read_bytes()


class _SheetStream:
    """Rows of one sheet as SpreadsheetML, deflated as they come (:class:`_Deflating`)."""

    def __init__(self, path: Path, columns: int, styles: dict[str, int]) -> None:
        self.deflated = path
        self.deflating = _Deflating(self.deflated)
        self.letters = _column_letters(columns)
        self.styles = styles
        self.row = 0
        self.buffer: list[bytes] = [SHEET_HEAD]

    def append(self, cells: list[Cell]) -> None:
        self.row += 1
        self.write(row_xml(self.letters, self.row, cells, self.styles).encode())

    def write(self, rows: bytes) -> None:
        """Rows already numbered on from :attr:`row` (see :class:`LineRowsXml`), UTF-8."""
        self.buffer.append(rows)
        if len(self.buffer) >= 2000:
            self.flush()

    def flush(self) -> None:
        self.deflating.write(b"".join(self.buffer))
        self.buffer.clear()

    def close(self) -> Deflated:
        self.buffer.append(SHEET_TAIL)
        self.flush()
        return self.deflating.close()

    def discard(self) -> None:
        """Let go of the file after a failure (the caller deletes it)."""
        with contextlib.suppress(Exception):
            self.deflating.close()


def _rate_cell(rate: str) -> Cell:
    return ("str", EXEMPT_LABEL) if rate == "exempt" else ("rate", str(RATES[rate]))


def header_cells(data: dict, time: str) -> dict[str, Cell]:
    """Every header-sheet field of one receipt; the profile picks and orders the columns."""
    buyer = data.get("buyer") or {}
    return {
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


def line_cells(data: dict) -> Iterator[dict[str, Cell]]:
    """Every line-sheet field of one receipt's rows, in order.

    Tax platforms check 数量 × 单价 = 金额 on every line and take a discount only
    as a 折扣行: a negative line with the same item name, tax code and rate right
    after the discounted line (金税 "发票行性质" 2 = 被折扣行, 1 = 折扣行). So a
    line with a discount (its own, plus its share of a sale discount, as the
    record already spreads it) becomes two rows: the item at full price, split
    by the rounding rule of :mod:`shopdesk.domain.tax`, then the discount, whose
    net and tax are what is left of the record's line figures. The pair adds up
    to the record's line exactly, so every receipt and rate total still does.
    """
    for line in data["lines"]:
        # "0.00" is nearly every line: no Decimal for it (any other zero still counts as none)
        if line["discount"] == ZERO_MONEY or not (discount := Decimal(line["discount"])):
            yield _line_row(data["no"], line, LINE_NORMAL, line)
            continue
        full = split_gross(Decimal(line["amount"]) + discount, line["rate"])
        item = {
            "qty": line["qty"],
            "unit_price": line["unit_price"],
            "amount": money_str(full.gross),
            "net": money_str(full.net),
            "tax": money_str(full.tax),
            "discount": line["discount"],
        }
        off = {
            "qty": "",
            "unit_price": "",
            "amount": money_str(-discount),
            "net": money_str(Decimal(line["net"]) - full.net),
            "tax": money_str(Decimal(line["tax"]) - full.tax),
            "discount": "",
        }
        yield _line_row(data["no"], line, LINE_DISCOUNTED, item)
        yield _line_row(data["no"], line, LINE_DISCOUNT, off)


def _line_row(serial: str, line: dict, kind: str, figures: dict) -> dict[str, Cell]:
    """One line-sheet row: the item's identity from ``line``, its numbers from ``figures``."""
    return {
        "serial": ("str", serial),
        "line_kind": ("str", kind),
        "item_name": ("str", line["name"]),
        "tax_code": ("str", line["tax_code"]),
        "spec": ("str", line.get("spec", "") if kind != LINE_DISCOUNT else ""),
        "unit": ("str", line.get("unit", "") if kind != LINE_DISCOUNT else ""),
        "qty": ("qty", figures["qty"]),
        "unit_price": ("money", figures["unit_price"]),
        "amount": ("money", figures["amount"]),
        "tax_rate": _rate_cell(line["rate"]),
        "tax": ("money", figures["tax"]),
        "net": ("money", figures["net"]),
        "discount": ("money", figures["discount"]),
        "barcode": ("str", line.get("barcode", "")),
        "sku": ("str", line.get("sku", "")),
    }


def sheet_rows(
    data: dict, time: str, header_fields: list[str], line_fields: list[str]
) -> tuple[list[Cell], list[list[Cell]]]:
    """One receipt's header-sheet row and line-sheet rows, in the profile's columns.

    The writer and the verifier both build the workbook's cells with it.
    """
    pick_line = _picker(tuple(line_fields))
    return header_row(data, time, header_fields), [pick_line(row) for row in line_cells(data)]


#: What each header-sheet field of :func:`header_cells` reads of a receipt besides
#: its number and time; those three are holes in a :class:`HeaderRowsXml` template
#: (tests/export/test_row_templates.py changes every value and compares).
HEADER_READS: dict[str, tuple[str, ...]] = {
    "serial": (),
    "remarks": (),
    "receipt_time": (),
    "buyer_name": ("buyer",),
    "buyer_tax_id": ("buyer",),
    "buyer_phone": ("buyer",),
    "buyer_email": ("buyer",),
    "total": ("total",),
    "net": ("net",),
    "tax": ("tax",),
    "cashier": ("cashier",),
}
#: Stand-ins for a receipt's number and the parts of its time a template's holes take:
#: private-use characters, which neither :func:`_text` nor ``%`` touches.
_NO, _DAY, _MINUTE = "\ue000", "\ue001" * 10, "\ue002" * 5
_TIME = f"{_DAY}T{_MINUTE}\ue003"
_HOLES = ((_TIME, "%(t)s"), (_NO, "%(s)s"), (_DAY, "%(d)s"), (_MINUTE, "%(m)s"))
_STAND_IN = re.compile("[\ue000-\ue003]")
#: The header fields made of a receipt's number and time alone (and fixed text).
_HOLED = frozenset(f for f, reads in HEADER_READS.items() if not reads)


class HeaderRowsXml:
    """Each receipt's header-sheet row as SpreadsheetML: :func:`row_xml` of :func:`header_row`.

    A header row differs on every receipt only in the cells made of its number
    and time (serial, remarks, receipt time); the rest (the buyer, the default
    "个人", amounts when shown) repeats. So a ``%``-template is kept per distinct
    value of what those cells read (:data:`HEADER_READS`), with holes for the
    number and time: 0.39 → 0.25 s per 100k receipts, in export's main process
    and again in verify-batch's worker (issue 12, speed). A layout naming a
    field not listed there, or a receipt whose values cannot be a key, are not
    text or hold a stand-in's character, gets its row built directly.
    """

    def __init__(self, fields: list[str], styles: dict[str, int]) -> None:
        self.fields = fields
        self.letters = _column_letters(len(fields))
        self.styles = styles
        known = all(f in HEADER_READS for f in fields)
        self.reads = sorted({r for f in fields for r in HEADER_READS.get(f, ())}) if known else None
        self.templates: dict[tuple, bytes] = {}

    def receipt(self, data: dict, time: str, row: int) -> bytes:
        """Row ``row`` of the receipt ``data`` issued at ``time``, UTF-8."""
        template = self._template(data, time)
        if template is None:
            return row_xml(
                self.letters, row, header_row(data, time, self.fields), self.styles
            ).encode()
        if time.isascii() and XML_SPECIAL.search(time) is None:  # the usual time: cut once
            stamp = time.encode()
            day, minute = stamp[:10], stamp[11:16]
        else:
            stamp, day, minute = (_text(t).encode() for t in (time, time[:10], time[11:16]))
        no = _text(data["no"]).encode()
        return template % {b"r": row, b"s": no, b"t": stamp, b"d": day, b"m": minute}

    def _template(self, data: dict, time: str) -> bytes | None:
        if self.reads is None or type(data) is not dict or type(time) is not str:
            return None
        if type(data.get("no")) is not str:
            return None
        try:
            key = (bool(data["no"]), bool(time), *map(_key_part, map(data.get, self.reads)))
            found = self.templates.get(key)
        except TypeError:  # a value that cannot be a key
            return None
        if found is None:
            found = self._build({**data, "no": _NO if data["no"] else ""}, _TIME if time else "")
            if len(self.templates) < MAX_TEMPLATES:
                self.templates[key] = found
        return found or None

    def _build(self, stand_in: dict, time: str) -> bytes:
        """The template: the row of the stand-ins, a hole where each is; ``b""`` (build each
        row directly) when a value the row shows is not text or holds a stand-in itself."""
        cells = header_row(stand_in, time, self.fields)
        for field, (_, value) in zip(self.fields, cells, strict=True):
            if type(value) is not str or (field not in _HOLED and _STAND_IN.search(value)):
                return b""
        row = row_template(self.letters, cells, self.styles)
        for text, hole in _HOLES:
            row = row.replace(text, hole)
        return row.encode()


def _key_part(value: object) -> object:
    """A receipt's value as part of a dict key: a buyer (a dict) by its pairs."""
    return tuple(value.items()) if isinstance(value, dict) else value


def header_row(data: dict, time: str, header_fields: list[str]) -> list[Cell]:
    """One receipt's header-sheet row, in the profile's columns."""
    return _picker(tuple(header_fields))(header_cells(data, time))


@lru_cache(maxsize=16)
def _picker(fields: tuple[str, ...]) -> Callable[[dict[str, Cell]], list[Cell]]:
    """The cells of ``fields`` out of a row's dict, in order (one C call a row, not a loop)."""
    if len(fields) < 2:  # itemgetter gives a bare value for one field, and needs one
        return lambda row: [row[f] for f in fields]
    get = itemgetter(*fields)
    return lambda row: list(get(row))


@dataclass(frozen=True)
class Skeleton:
    """openpyxl's package around placeholder sheets, and the style id of each number format."""

    path: Path
    styles: dict[str, int]


class HeaderSheet:
    """The header sheet's rows: one per receipt, one per refund (:func:`header_row`)."""

    def __init__(self, path: Path, settings: ExportSettings, styles: dict[str, int]) -> None:
        self.fields = [f for f, _ in settings.header_columns]
        self.stream = _SheetStream(path, len(self.fields), styles)
        self.stream.append([("str", title) for _, title in settings.header_columns])
        self.rows = HeaderRowsXml(self.fields, styles)

    def add_receipt(self, data: dict, time: str) -> None:
        self.stream.row += 1
        self.stream.write(self.rows.receipt(data, time, self.stream.row))

    def add_refund(self, data: dict, time: str) -> None:
        """A refund's red-letter row (:mod:`shopdesk.export.refund_rows`)."""
        from shopdesk.export.refund_rows import refund_sheet_rows

        self.stream.append(refund_sheet_rows(data, time, self.fields, [])[0])

    def close(self) -> Deflated:
        return self.stream.close()

    def discard(self) -> None:
        self.stream.discard()


class LineSheet:
    """The line sheet's rows: each receipt's lines and 折扣行, each refund's lines."""

    def __init__(self, path: Path, settings: ExportSettings, styles: dict[str, int]) -> None:
        self.fields = [f for f, _ in settings.line_columns]
        self.stream = _SheetStream(path, len(self.fields), styles)
        self.stream.append([("str", title) for _, title in settings.line_columns])
        self.rows = LineRowsXml(self.fields, styles)

    def add_receipt(self, data: dict, time: str) -> None:
        self.stream.write(self.rows.receipt(data))

    def add_refund(self, data: dict, time: str) -> None:
        """A refund's red-letter rows (:mod:`shopdesk.export.refund_rows`)."""
        from shopdesk.export.refund_rows import refund_sheet_rows

        self.stream.write(self.rows.rows(refund_sheet_rows(data, time, [], self.fields)[1]))

    def close(self) -> Deflated:
        return self.stream.close()

    def discard(self) -> None:
        self.stream.discard()


class InvoiceSheetWriter:
    """Streams receipts into the two sheets; :meth:`close` builds the workbook.

    The sheets are built apart (:class:`HeaderSheet`, :class:`LineSheet`), so a
    large export can build each in its own process from the same records, in
    the same order, and put them together with :func:`assemble_xlsx`.
    """

    def __init__(
        self,
        path: Path,
        settings: ExportSettings,
        exported_at: datetime,
        skeleton: Skeleton | None = None,
    ) -> None:
        self.path = path
        self.exported_at = exported_at
        self.skeleton = skeleton or workbook_skeleton(path.with_suffix(".skeleton.xlsx"), settings)
        styles = self.skeleton.styles
        self.headers = HeaderSheet(path.with_suffix(".sheet1.xml.deflated"), settings, styles)
        self.lines = LineSheet(path.with_suffix(".sheet2.xml.deflated"), settings, styles)

    def add_receipt(self, data: dict, time: str) -> None:
        self.headers.add_receipt(data, time)
        self.lines.add_receipt(data, time)

    def add_refund(self, data: dict, time: str) -> None:
        self.headers.add_refund(data, time)
        self.lines.add_refund(data, time)

    def discard(self) -> None:
        """Close the temp files after a failed export (the caller deletes them)."""
        self.headers.discard()
        self.lines.discard()
        self.skeleton.path.unlink(missing_ok=True)

    def close(self) -> None:
        try:
            try:
                headers = self.headers.close()
            except BaseException:
                self.lines.discard()  # its thread must not wait forever
                raise
            assemble_xlsx(self.skeleton, self.path, self.exported_at, headers, self.lines.close())
        finally:
            for sheet in (self.headers, self.lines):
                sheet.stream.deflated.unlink(missing_ok=True)
            self.skeleton.path.unlink(missing_ok=True)


def workbook_skeleton(path: Path, settings: ExportSettings) -> Skeleton:
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
    return Skeleton(path, {**dict(zip(FORMATS, ids, strict=True)), "qty": 0})


def assemble_xlsx(
    skeleton: Skeleton, target: Path, moment: datetime, headers: Deflated, lines: Deflated
) -> None:
    """The workbook: the skeleton's package with the two sheets swapped in, every
    timestamp set to ``moment``.

    Entry order is kept (openpyxl writes a fixed order); zip entry times and
    ``dcterms:created/modified`` become ``moment``, so the bytes are deterministic.
    Each sheet is already deflated as zipfile would (:class:`_Deflating`): its
    bytes are copied and its CRC and size stated, not computed again.
    """
    sheets = {SHEET_XML.format(n=1): headers, SHEET_XML.format(n=2): lines}
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    when = zip_time(moment)
    with zipfile.ZipFile(skeleton.path) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            out = zipfile.ZipInfo(info.filename, date_time=when)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o644 << 16
            out.create_system = 3
            if info.filename == CORE_XML:
                zout.writestr(out, W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<3>", zin.read(info)))
                continue
            sheet = sheets.get(info.filename)
            out.file_size = sheet.size if sheet else info.file_size
            with deflate.writing(zout, out) as dst:
                if sheet is None:
                    with zin.open(info) as src:
                        shutil.copyfileobj(src, dst, COPY_CHUNK)
                else:
                    _write_deflated(dst, sheet)


def _write_deflated(dst: IO[bytes], sheet: Deflated) -> None:
    """Write a pre-deflated entry through zipfile's member writer ``dst``.

    zipfile's private deflater, CRC and size of the member (``_compressor``,
    ``_crc``, ``_file_size``: the same names in 3.11–3.13) take the sheet's own;
    where they are missing zipfile deflates the inflated sheet itself: other
    compressed bytes, the same entry.
    """
    names = ("_compressor", "_crc", "_file_size")
    if all(getattr(dst, name, None) is not None for name in names):
        dst._compressor = _Predeflated(sheet.path)  # type: ignore[attr-defined]
        dst._crc, dst._file_size = sheet.crc, sheet.size  # type: ignore[attr-defined]
    else:
        for piece in sheet.inflated():
            dst.write(piece)
