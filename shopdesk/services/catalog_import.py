"""Turning the spreadsheet a shop already keeps into ``catalog.csv``.

A shop's own sheet (xlsx from Excel or WPS, or a CSV in any encoding Excel
writes) has its own column names, usually Chinese (品名, 售价, 税率…). Columns
are matched by those common names, and ``--map`` names the rest. The result is
checked by the same parser the till uses before the catalog is replaced, all at
once: a sheet with a bad row is refused and the current catalog stays as it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from shopdesk.backup.files import write_atomic
from shopdesk.domain.catalog import (
    COLUMNS,
    REQUIRED,
    Catalog,
    decode_catalog,
    delimiter_of,
    fold,
    parse_catalog_rows,
)
from shopdesk.errors import ConfigError, InvalidInput

#: Column names shops commonly use, folded (see ``fold``), for each catalog field.
ALIASES: Mapping[str, tuple[str, ...]] = {
    "sku": ("sku", "货号", "编号", "商品编号", "自编码", "code"),
    "barcode": ("barcode", "条码", "条形码", "商品条码", "ean"),
    "name": ("name", "名称", "品名", "商品名称", "商品名"),
    "name_en": ("name_en", "英文名", "英文名称", "english name"),
    "unit": ("unit", "单位", "计量单位"),
    "spec": ("spec", "规格", "规格型号"),
    "price": ("price", "售价", "单价", "零售价", "价格", "含税单价"),
    "tax_rate": ("tax_rate", "税率", "tax rate"),
    "tax_code": ("tax_code", "税收分类编码", "税收编码", "商品和服务税收分类编码"),
    "category": ("category", "分类", "类别", "品类"),
}


@dataclass(frozen=True)
class ImportedCatalog:
    """The sheet as catalog text, and what the till's parser made of it."""

    text: str
    catalog: Catalog


def parse_column_map(pairs: Iterable[str]) -> dict[str, str]:
    """``--map 售价=price`` arguments as {folded sheet column: catalog field}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        field = field.strip().lower()
        if not sep or not column.strip() or field not in COLUMNS:
            raise InvalidInput("catalog.bad_map", value=pair, fields=", ".join(COLUMNS))
        mapping[fold(column)] = field
    return mapping


def read_sheet(path: Path) -> list[list[str]]:
    """The first sheet of an xlsx, or a CSV/tab-separated text file, as rows of cells."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return _xlsx_rows(path)
        text = decode_catalog(path.read_bytes(), str(path))
    except FileNotFoundError:
        raise InvalidInput("catalog.missing", file=str(path)) from None
    except ConfigError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise InvalidInput("catalog.unreadable", file=str(path), reason=str(exc)) from None
    text = text.removeprefix("\ufeff")
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter_of(text))]


def _xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A cell as the text a person sees: ``6901939621257`` not ``6.901939621257e12``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def import_catalog(path: Path, column_map: Mapping[str, str]) -> ImportedCatalog:
    """Map ``path``'s columns onto the catalog's and check every row.

    ``column_map`` (from :func:`parse_column_map`) wins over the common names.
    A field the catalog requires that no column maps to raises
    ``catalog.missing_column``; row problems are in ``catalog.problems``, with
    the sheet's own row numbers.
    """
    rows = read_sheet(path)
    header = rows[0] if rows else []
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        folded = fold(name)
        field = column_map.get(folded) or next(
            (f for f, names in ALIASES.items() if folded in names), None
        )
        if field is not None:
            positions.setdefault(field, index)
    for field in COLUMNS:
        if field in REQUIRED and field not in positions:
            raise InvalidInput("catalog.missing_column", file=str(path), column=field)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows[1:]:
        writer.writerow(
            [
                row[positions[f]] if f in positions and positions[f] < len(row) else ""
                for f in COLUMNS
            ]
        )
    text = out.getvalue()
    return ImportedCatalog(text, parse_catalog_rows(text, source=str(path)))


def write_catalog(target: Path, imported: ImportedCatalog) -> None:
    """Replace the shop's catalog with a checked import, atomically (old or new, never half)."""
    if imported.catalog.problems:
        raise ValueError("a catalog with problems is never written")
    write_atomic(target, imported.text.encode("utf-8"))
