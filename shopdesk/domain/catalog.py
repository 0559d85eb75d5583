"""The shop's product catalog: what can be sold, at what price and VAT rate.

The catalog is a CSV a shopkeeper edits in Excel or WPS, so :func:`parse_catalog_rows`
treats it as untrusted input: every problem becomes a :class:`ConfigError` naming
the file, the 1-based line and the field, so the person can open the file and fix
that cell, instead of a traceback or, worse, a silently wrong price on a receipt.
A bad row is left out and reported, never the whole file: one mistyped price must
not stop the till from selling everything else (issue 15, item 1).

This module is pure: the caller reads the file and passes its bytes to
:func:`decode_catalog` (UTF-8 with or without BOM, UTF-16, GB18030/GBK — whatever
Excel wrote) and the text to :func:`parse_catalog_rows`. Pinyin search
keys are built lazily on the first :meth:`Catalog.search`, because importing
pypinyin and romanising every name takes long enough to be felt at start-up, and
a cashier who only scans barcodes never needs them.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.domain.ean import ean13_check_digit
from shopdesk.domain.money import parse_money
from shopdesk.domain.tax import parse_rate
from shopdesk.errors import ConfigError, InvalidInput

#: Header columns, in the order the sample file and any exporter write them.
COLUMNS = (
    "sku",
    "barcode",
    "name",
    "name_en",
    "unit",
    "spec",
    "price",
    "tax_rate",
    "tax_code",
    "category",
)
#: Cells a row cannot do without: an item has to be found, named, priced and taxed.
REQUIRED = frozenset({"sku", "name", "price", "tax_rate", "tax_code"})
#: GTIN-8 (EAN-8), GTIN-12 (UPC-A) and GTIN-13 (EAN-13): what a till scanner reads.
BARCODE_LENGTHS = frozenset({8, 12, 13})
#: 商品和服务税收分类编码 are 19 digits; the e-invoice platform rejects anything else.
TAX_CODE_LENGTH = 19
#: Longest cell we accept; a real name or spec is far shorter, a longer one is a
#: pasted paragraph or a broken file, and would wreck a 58 mm receipt anyway.
MAX_CELL_LENGTH = 200

# ``[0-9]`` rather than ``\d`` or ``str.isdigit``: those accept other scripts'
# digits and superscripts, which no scanner or tax platform sends.
_DIGITS = re.compile(r"[0-9]+")
_WORD = re.compile(r"\w+")
_BOM = "\ufeff"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

#: Builds the error for one bad cell of the row being parsed: (field, value, reason).
_BadCell = Callable[[str, str, str], ConfigError]


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """One sellable item, with its price as the tax-inclusive (含税) shelf price."""

    sku: str
    barcode: str
    name: str
    name_en: str
    unit: str
    spec: str
    price: Decimal
    tax_rate: str
    tax_code: str
    category: str


@dataclass(frozen=True, slots=True)
class CatalogProblem:
    """A row (or the whole file) left out of the catalog, and why.

    ``sku`` and ``barcode`` are the row's raw cells, kept so that a sale of that
    very item is refused with this reason rather than "unknown item".
    """

    error: ConfigError
    sku: str = ""
    barcode: str = ""


@dataclass(frozen=True, slots=True)
class _SearchKeys:
    """Lower-cased forms of an item a typed query is compared against."""

    name: str
    name_en: str
    #: Words of the English name, so ``cola`` ranks Coca-Cola above Chocolate.
    words_en: tuple[str, ...]
    sku: str
    initials: str
    full_pinyin: str


class Catalog:
    """An immutable set of items with the lookups a sales screen needs.

    Build it with :func:`parse_catalog_rows` (which validates); the constructor
    trusts its items to be unique by SKU (case-insensitively) and by barcode.
    ``problems`` are the rows that were left out.
    """

    __slots__ = ("_broken", "_by_barcode", "_by_sku", "_items", "_keys", "problems")

    def __init__(
        self, items: Iterable[CatalogItem] = (), problems: Iterable[CatalogProblem] = ()
    ) -> None:
        self._items: tuple[CatalogItem, ...] = tuple(items)
        self._by_sku = {item.sku.casefold(): item for item in self._items}
        self._by_barcode = {item.barcode: item for item in self._items if item.barcode}
        self._keys: tuple[_SearchKeys, ...] | None = None
        self.problems: tuple[CatalogProblem, ...] = tuple(problems)
        self._broken: dict[str, CatalogProblem] = {}
        for problem in self.problems:
            for key in (problem.sku.casefold(), problem.barcode):
                if key:
                    self._broken.setdefault(key, problem)

    def __iter__(self) -> Iterator[CatalogItem]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Catalog({len(self._items)} items)"

    def by_sku(self, sku: str) -> CatalogItem | None:
        """The item with this SKU, ignoring case: cashiers type ``d001`` for ``D001``."""
        return self._by_sku.get(sku.strip().casefold())

    def by_barcode(self, code: str) -> CatalogItem | None:
        """The item with this barcode.

        Scanners disagree on UPC-A: some send its 12 digits, some the 13-digit
        EAN form with a leading ``0``. Both find the same item whichever form the
        catalog holds.
        """
        code = code.strip()
        if not code:
            return None
        found = self._by_barcode.get(code)
        if found is None and len(code) == 12:
            found = self._by_barcode.get("0" + code)
        if found is None and len(code) == 13 and code.startswith("0"):
            found = self._by_barcode.get(code[1:])
        return found

    def find(self, code_or_sku: str) -> CatalogItem | None:
        """What the single input field of the sales screen resolves to.

        Barcode first: a scan is the common case, and an SKU made only of digits
        must not shadow a product's barcode.
        """
        return self.by_barcode(code_or_sku) or self.by_sku(code_or_sku)

    def broken(self, code_or_sku: str) -> CatalogProblem | None:
        """Why a code that :meth:`find` does not know was left out, if a bad row had it."""
        code = code_or_sku.strip()
        return self._broken.get(code) or self._broken.get(code.casefold())

    def search(self, text: str, limit: int = 20) -> list[CatalogItem]:
        """Items matching what a cashier typed, best matches first.

        Matches Chinese name substrings (``可乐``), English name substrings in any
        case (``cola``), SKU prefixes (``D00``) and pinyin, both initials (``kkkl``)
        and full syllables (``kekou``), because on a till keyboard pinyin is the
        quickest way to type a Chinese name. Matches at the start of a key rank
        before matches inside it; ties keep catalog order.
        """
        query = fold(text)
        if not query or limit <= 0:
            return []
        compact = query.replace(" ", "")
        keys = self._search_keys()
        ranked: list[tuple[int, int, CatalogItem]] = []
        for index, (item, key) in enumerate(zip(self._items, keys, strict=True)):
            rank = _rank(key, query, compact)
            if rank is not None:
                ranked.append((rank, index, item))
        ranked.sort(key=lambda entry: (entry[0], entry[1]))
        return [item for _, _, item in ranked[:limit]]

    def _search_keys(self) -> tuple[_SearchKeys, ...]:
        if self._keys is None:
            self._keys = tuple(_keys_for(item) for item in self._items)
        return self._keys


def fold(text: str) -> str:
    """Case- and width-insensitive form: ``ＣＯＬＡ`` from a Chinese IME is ``cola``."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _rank(key: _SearchKeys, query: str, compact: str) -> int | None:
    """0 for an exact SKU, 1 for a prefix match, 2 for a match inside; else None."""
    if key.sku == compact:
        return 0
    prefix_hit = (
        key.sku.startswith(compact)
        or key.name.startswith(query)
        or key.name_en.startswith(query)
        or any(word.startswith(query) for word in key.words_en)
        or (compact.isascii() and compact.isalnum() and _pinyin_prefix(key, compact))
    )
    if prefix_hit:
        return 1
    inside_hit = (
        query in key.name
        or query in key.name_en
        or (compact.isascii() and compact.isalnum() and _pinyin_inside(key, compact))
    )
    return 2 if inside_hit else None


def _pinyin_prefix(key: _SearchKeys, compact: str) -> bool:
    return bool(key.initials) and (
        key.initials.startswith(compact) or key.full_pinyin.startswith(compact)
    )


def _pinyin_inside(key: _SearchKeys, compact: str) -> bool:
    # Substrings only from two letters on: a single letter occurs in nearly every
    # romanised name and would flood the list.
    return (
        len(compact) >= 2
        and bool(key.initials)
        and (compact in key.initials or compact in key.full_pinyin)
    )


def _keys_for(item: CatalogItem) -> _SearchKeys:
    initials, full = _pinyin_keys(item.name)
    name_en = fold(item.name_en)
    return _SearchKeys(
        name=fold(item.name),
        name_en=name_en,
        words_en=tuple(_WORD.findall(name_en)),
        sku=item.sku.casefold(),
        initials=initials,
        full_pinyin=full,
    )


def _pinyin_keys(name: str) -> tuple[str, str]:
    """Initials and full pinyin of a name, lower-case, without spaces.

    Non-Chinese characters are kept one by one, so ``可口可乐 330ml`` gives
    ``kkkl330ml`` and ``kekoukele330ml``. pypinyin is imported here, not at module
    level, so start-up does not pay for it (see the module docstring). Without
    pypinyin installed, pinyin search is simply off: the rest of search still works.
    """
    if not any(_is_han(char) for char in name):
        return "", ""
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # pragma: no cover - depends on the installation
        return "", ""
    syllables = lazy_pinyin(
        unicodedata.normalize("NFKC", name),
        style=Style.NORMAL,
        errors=lambda chunk: list(chunk),
    )
    parts = [part.casefold() for part in syllables if part.strip()]
    return "".join(part[0] for part in parts), "".join(parts)


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0003134f"


# --- parsing -----------------------------------------------------------------------


def decode_catalog(data: bytes, source: str = "catalog.csv") -> str:
    """The text of a catalog file, in whichever encoding Excel or WPS saved it.

    A BOM decides (UTF-8 from "CSV UTF-8", UTF-16 from "Unicode text"). Without
    one, UTF-8 is tried first: GBK text is almost never valid UTF-8, while
    GB18030 — a superset of GBK, what Chinese Excel writes by default as "CSV" —
    decodes nearly any byte string, so it comes last.
    """
    try:
        if data.startswith(_UTF16_BOMS):
            return data.decode("utf-16")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ConfigError("catalog.not_text", file=source) from None


def delimiter_of(text: str) -> str:
    """A tab when the first line has tabs and no comma (Excel's "Unicode text"), else a comma."""
    first_line = text.split("\n", 1)[0]
    return "\t" if "\t" in first_line and "," not in first_line else ","


def parse_catalog(text: str, source: str = "catalog.csv") -> Catalog:
    """Like :func:`parse_catalog_rows`, but the first problem raises its ConfigError.

    For a catalog that must be whole: one being written by an import.
    """
    catalog = parse_catalog_rows(text, source)
    if catalog.problems:
        raise catalog.problems[0].error
    return catalog


def parse_catalog_rows(text: str, source: str = "catalog.csv") -> Catalog:
    """Validate catalog text and build a :class:`Catalog` of its good rows.

    ``source`` only names the file in errors. A leading BOM is dropped (Excel
    writes one when saving "CSV UTF-8"). Cells are split at commas, or at tabs
    when the header has tabs and no comma (Excel's "Unicode text"). Blank lines
    are skipped; extra columns are ignored so a shop can keep notes beside the
    data. Each bad row becomes a :class:`CatalogProblem` whose ConfigError has
    ``file`` and ``line``, and for a bad cell ``field``, ``value`` and
    ``reason``. A bad header loads nothing (no cell could be trusted to be what
    its column says), and a CSV syntax error stops reading at that row.
    """
    text = text.removeprefix(_BOM)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter_of(text))
    rows = _records(reader, source)

    items: list[CatalogItem] = []
    problems: list[CatalogProblem] = []
    seen_sku: dict[str, int] = {}
    seen_barcode: dict[str, int] = {}
    try:
        header_line, header = next(rows, (1, []))
        columns = _header_columns(header, header_line, source)
        for line, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue
            try:
                item = _parse_row(cells, columns, len(header), line, source)
                _check_unique(seen_sku, item.sku.casefold(), item.sku, "sku", line, source)
                _check_unique(seen_barcode, item.barcode, item.barcode, "barcode", line, source)
            except ConfigError as error:
                problems.append(_row_problem(error, cells, columns, seen_sku, seen_barcode))
                continue
            seen_sku[item.sku.casefold()] = line
            if item.barcode:
                seen_barcode[item.barcode] = line
            items.append(item)
    except ConfigError as error:  # the header, or CSV syntax: nothing after it can be read
        problems.append(CatalogProblem(error))
    return Catalog(items, problems)


def _row_problem(
    error: ConfigError,
    cells: list[str],
    columns: dict[str, int],
    seen_sku: dict[str, int],
    seen_barcode: dict[str, int],
) -> CatalogProblem:
    """The problem of a bad row, with the SKU and barcode it would have sold under.

    A duplicate's codes are left out: the first row with them sells normally.
    """
    if error.code == "catalog.duplicate":
        return CatalogProblem(error)

    def cell(column: str) -> str:
        index = columns[column]
        return cells[index].strip() if index < len(cells) else ""

    sku, barcode = cell("sku"), cell("barcode")
    return CatalogProblem(
        error,
        sku="" if sku.casefold() in seen_sku else sku,
        barcode="" if barcode in seen_barcode else barcode,
    )


def _records(reader: Iterator[list[str]], source: str) -> Iterator[tuple[int, list[str]]]:
    """Rows with the 1-based line each starts on (a quoted cell may span lines)."""
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ConfigError(
                "catalog.bad_row",
                file=source,
                line=line,
                field="row",
                value="",
                reason=f"not valid CSV: {exc}",
            ) from None
        yield line, cells
        line = reader.line_num + 1  # type: ignore[attr-defined]


def _header_columns(header: list[str], line: int, source: str) -> dict[str, int]:
    """Where each known column is; a missing one is named, not guessed."""
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = fold(raw)
        if name in COLUMNS and name in positions:
            raise ConfigError(
                "catalog.duplicate",
                file=source,
                line=line,
                field="header",
                value=name,
                first_line=line,
            )
        positions.setdefault(name, index)
    for column in COLUMNS:
        if column not in positions:
            raise ConfigError("catalog.missing_column", file=source, line=line, column=column)
    return {column: positions[column] for column in COLUMNS}


def _parse_row(
    cells: list[str], columns: dict[str, int], width: int, line: int, source: str
) -> CatalogItem:
    def bad(field: str, value: str, reason: str, detail: dict | None = None) -> ConfigError:
        # ``detail`` fills a reason that is itself a message code (money.*, tax.*).
        return ConfigError(
            "catalog.bad_row",
            file=source,
            line=line,
            field=field,
            value=value,
            reason=reason,
            detail=detail or {},
        )

    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        # Almost always an unquoted comma inside a name: every later cell has
        # shifted, so reading on would misprice the item.
        raise bad("row", ",".join(cells), f"has {len(cells)} cells but the header has {width}")

    values: dict[str, str] = {}
    for column, index in columns.items():
        value = cells[index].strip() if index < len(cells) else ""
        if len(value) > MAX_CELL_LENGTH:
            raise bad(column, value[:MAX_CELL_LENGTH], f"longer than {MAX_CELL_LENGTH} characters")
        if any(unicodedata.category(char) in ("Cc", "Cf") for char in value):
            # Control and format characters (escape sequences, bidi overrides)
            # would reach the terminal and the receipt printer verbatim.
            raise bad(column, value, "contains a control character")
        if column in REQUIRED and not value:
            raise bad(column, value, "is empty")
        values[column] = value

    sku = values["sku"]
    if any(char.isspace() for char in sku):
        raise bad("sku", sku, "must not contain spaces")

    barcode = values["barcode"]
    if barcode:
        _check_barcode(barcode, bad)

    try:
        price = parse_money(values["price"], field="price")
    except InvalidInput as exc:
        raise bad("price", values["price"], exc.code, exc.data) from None
    except ArithmeticError:
        # parse_money lets decimal.InvalidOperation escape for huge exponents
        # (``1e30``); a broken file must still give a ConfigError.
        detail = {"field": "price", "value": values["price"]}
        raise bad("price", values["price"], "money.not_a_number", detail) from None
    if price == 0:
        raise bad("price", values["price"], "price must be greater than zero")

    try:
        tax_rate = parse_rate(values["tax_rate"], field="tax_rate")
    except InvalidInput as exc:
        raise bad("tax_rate", values["tax_rate"], exc.code, exc.data) from None
    except ArithmeticError:
        # parse_rate compares Decimals, and comparing ``sNaN`` signals.
        detail = {"field": "tax_rate", "value": values["tax_rate"]}
        raise bad("tax_rate", values["tax_rate"], "tax.unknown_rate", detail) from None

    tax_code = values["tax_code"]
    if len(tax_code) != TAX_CODE_LENGTH or not _DIGITS.fullmatch(tax_code):
        raise bad("tax_code", tax_code, f"tax code must be {TAX_CODE_LENGTH} digits")

    return CatalogItem(
        sku=sku,
        barcode=barcode,
        name=values["name"],
        name_en=values["name_en"],
        unit=values["unit"],
        spec=values["spec"],
        price=price,
        tax_rate=tax_rate,
        tax_code=tax_code,
        category=values["category"],
    )


def _check_barcode(barcode: str, bad: _BadCell) -> None:
    """Shape and GS1 check digit; a wrong digit means a typo that would never scan."""
    if len(barcode) not in BARCODE_LENGTHS or not _DIGITS.fullmatch(barcode):
        raise bad("barcode", barcode, "barcode must be 8, 12 or 13 digits")
    # EAN-8 and UPC-A use the same mod-10 rule as EAN-13 once left-padded with
    # zeros, because the weights are anchored at the check digit.
    expected = ean13_check_digit(barcode[:-1].rjust(12, "0"))
    if barcode[-1] != expected:
        raise bad("barcode", barcode, f"barcode check digit should be {expected}")


def _check_unique(
    seen: dict[str, int], key: str, value: str, field: str, line: int, source: str
) -> None:
    """A key an earlier good row already has is a duplicate (the caller records keys)."""
    first = seen.get(key)
    if key and first is not None:
        raise ConfigError(
            "catalog.duplicate", file=source, line=line, field=field, value=value, first_line=first
        )
