"""The shop profile (``profile.toml``) and catalog (``catalog.csv``) from disk.

A profile is written by a shopkeeper in a text editor, so every mistake must be
reported as *file, line, field, what is wrong*: ``tomllib`` gives the line of a
syntax error; for a wrong or missing value we find the line of the key (or of
its section) ourselves, since ``tomllib`` keeps no positions.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shopdesk.domain.catalog import Catalog, CatalogProblem, decode_catalog, parse_catalog_rows
from shopdesk.domain.money import parse_money
from shopdesk.domain.pin import DEMO_PIN_HASH, is_pin_hash
from shopdesk.domain.uscc import validate_tax_id
from shopdesk.errors import ConfigError, InvalidInput
from shopdesk.export import columns
from shopdesk.i18n import LOCALES

LANGUAGES = tuple(LOCALES)  # every language with a catalog (shopdesk/i18n.py)
RECEIPT_LANGUAGES = (*LANGUAGES, "zh+en")
TEXT_MODES = ("gb18030", "image")
PAPER_WIDTHS = (58, 80)
TERMINAL_ID_RE = re.compile(r"^[A-Z0-9]{1,8}$")


@dataclass(frozen=True)
class PrinterSettings:
    url: str = "preview"
    profile: str = "default"
    paper_mm: int = 58
    #: 80 mm printers print 576 dots (48 cells) or, on some models, 512 (42 cells).
    dots: int = 384
    text_mode: str = "gb18030"
    font: str = ""
    native_qr: bool = True
    cut: bool = True
    cash_drawer: bool = False
    timeout_s: float = 5.0
    #: Ask a tcp printer for its status (DLE EOT) before and after each job; turn off
    #: only for a network printer that never answers it.
    status_query: bool = True


@dataclass(frozen=True)
class OfflineLimits:
    max_hours: int = 72
    max_amount: Decimal = Decimal("100000.00")
    #: False (default): past a limit, sales go on with a warning; True: they stop.
    block: bool = False


@dataclass(frozen=True)
class ExportSettings:
    """Sheet names and (field, header) columns of ``invoice-import.xlsx``; see export.columns."""

    header_sheet: str = columns.HEADER_SHEET
    line_sheet: str = columns.LINE_SHEET
    header_columns: tuple[tuple[str, str], ...] = columns.HEADER_COLUMNS
    line_columns: tuple[tuple[str, str], ...] = columns.LINE_COLUMNS


#: The roles a person may have: a manager sells and also approves controlled actions.
ROLES = ("cashier", "manager")
#: The approver's name while the profile knows a single manager PIN and no people;
#: shown in words (店长) wherever a name is displayed (issue 14, item 10).
MANAGER = "manager"


@dataclass(frozen=True)
class Person:
    """Someone who signs in at the till with their own PIN (``[[people]]`` in the profile)."""

    name: str
    role: str
    #: Salted scrypt hash of the person's own PIN (see shopdesk.domain.pin).
    pin_hash: str

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


@dataclass(frozen=True)
class Profile:
    path: Path
    shop_name: str
    uscc: str
    address: str
    phone: str
    terminal: str
    cashiers: tuple[str, ...]
    language: str = "zh"
    receipt_language: str = "zh"
    timezone: str = "Asia/Shanghai"
    training: bool = False
    footer: str = ""
    qr_template: str = "{payload}"
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    limits: OfflineLimits = field(default_factory=OfflineLimits)
    backup_dir: str = ""
    export: ExportSettings = field(default_factory=ExportSettings)
    #: Salted scrypt hash of the manager PIN (see shopdesk.domain.pin); demo PIN 1234.
    manager_pin_hash: str = DEMO_PIN_HASH
    #: Cancelling a sale with lines and removing a line need a manager's PIN; a
    #: shop may turn that off (both are recorded either way; issue 13, item 5).
    approve_cancel: bool = True
    #: Cash put in the drawer at the start of each business day (X/Z "cash expected").
    opening_float: Decimal = Decimal("0.00")
    #: 抹零: the most small change a cashier may round off a sale (0.00 = off).
    max_rounding: Decimal = Decimal("0.99")
    #: Automatic backup after this many receipts since the last one (0 = off).
    backup_every_receipts: int = 0
    #: Automatic backup at the first sale this many minutes after the last one (0 = off).
    backup_every_minutes: int = 0
    #: ``[[people]]``: who may sign in; empty in an old profile (names only, one PIN).
    people: tuple[Person, ...] = ()
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _line_of(text: str, section: str, key: str | None) -> int:
    """1-based line of ``key`` inside ``[section]`` (or of the section header)."""
    current = ""
    section_line = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[([^\]]+)\]", stripped)
        if header:
            current = header.group(1).strip()
            if current == section:
                section_line = number
            continue
        if key and current == section and re.match(rf"^{re.escape(key)}\s*=", stripped):
            return number
    return section_line


class _Reader:
    """Pulls typed values out of the parsed TOML, raising errors that point at lines."""

    def __init__(self, path: Path, text: str, data: dict) -> None:
        self.path, self.text, self.data = path, text, data

    def fail(
        self, section: str, key: str, reason: str, value: Any = "", detail: dict | None = None
    ) -> ConfigError:
        return ConfigError(
            "profile.bad_field",
            file=str(self.path),
            line=_line_of(self.text, section, key),
            field=f"{section}.{key}",
            value=str(value),
            reason=reason,
            detail=detail or {},
        )

    def get(
        self,
        section: str,
        key: str,
        kind: type,
        default: Any = ...,
        check: Callable[[Any], Any] | None = None,
    ) -> Any:
        table = self.data.get(section, {})
        if not isinstance(table, dict):
            raise self.fail(section, key, "not_a_table")
        if key not in table:
            if default is ...:
                raise ConfigError(
                    "profile.missing_field",
                    file=str(self.path),
                    line=_line_of(self.text, section, None),
                    field=f"{section}.{key}",
                )
            return default
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(section, key, f"expected_{kind.__name__}", value)
        if check is not None:
            try:
                return check(value)
            except InvalidInput as exc:
                raise self.fail(section, key, exc.code, value, exc.data) from None
            except ValueError as exc:
                raise self.fail(section, key, str(exc), value) from None
        return value


def _one_of(options: tuple) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value not in options:
            raise ValueError("one_of:" + "|".join(map(str, options)))
        return value

    return check


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("empty")
    return value.strip()


def _terminal(value: str) -> str:
    if not TERMINAL_ID_RE.match(value):
        raise ValueError("terminal_id_shape")
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("unknown_timezone") from None
    return value


def _qr_template(value: str) -> str:
    if "{payload}" not in value:
        raise ValueError("needs_{payload}")
    return value


def _positive(value: int | float) -> int | float:
    if value <= 0:
        raise ValueError("not_positive")
    return value


def _not_negative(value: int) -> int:
    if value < 0:
        raise ValueError("negative")
    return value


def _pin_hash(value: str) -> str:
    if not is_pin_hash(value.strip()):
        raise ValueError("not_a_pin_hash")
    return value.strip()


def default_dots(paper_mm: int) -> int:
    """Dots across the paper on most printers of that width (58 mm: 384, 80 mm: 576)."""
    return 384 if paper_mm == 58 else 576


def parse_profile(text: str, path: Path) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(
            "profile.syntax",
            file=str(path),
            line=int(match.group(1)) if match else 0,
            reason=str(exc),
        ) from None
    r = _Reader(path, text, data)
    people = _people(r)
    cashiers = r.get("terminal", "cashiers", list, ["收银员"])
    if not cashiers or not all(isinstance(c, str) and c.strip() for c in cashiers):
        raise r.fail("terminal", "cashiers", "expected_names", cashiers)
    if people:  # the people who sign in are the cashiers; the old list is ignored
        cashiers = [person.name for person in people]
    paper = r.get("printer", "paper_width_mm", int, 58, _one_of(PAPER_WIDTHS))
    return Profile(
        path=path,
        shop_name=r.get("shop", "name", str, check=_non_empty),
        uscc=r.get("shop", "uscc", str, check=validate_tax_id),
        address=r.get("shop", "address", str, ""),
        phone=r.get("shop", "phone", str, ""),
        language=r.get("shop", "language", str, "zh", _one_of(LANGUAGES)),
        timezone=r.get("shop", "timezone", str, "Asia/Shanghai", _timezone),
        terminal=r.get("terminal", "id", str, check=_terminal),
        cashiers=tuple(c.strip() for c in cashiers),
        training=r.get("terminal", "training", bool, False),
        receipt_language=r.get("receipt", "language", str, "zh", _one_of(RECEIPT_LANGUAGES)),
        footer=r.get("receipt", "footer", str, ""),
        qr_template=r.get("receipt", "qr_template", str, "{payload}", _qr_template),
        printer=PrinterSettings(
            url=r.get("printer", "url", str, "preview", _non_empty),
            profile=r.get("printer", "profile", str, "default"),
            paper_mm=paper,
            dots=r.get("printer", "dots", int, default_dots(paper), _one_of((384, 512, 576))),
            text_mode=r.get("printer", "text_mode", str, "gb18030", _one_of(TEXT_MODES)),
            font=r.get("printer", "font", str, ""),
            native_qr=r.get("printer", "native_qr", bool, True),
            cut=r.get("printer", "cut", bool, True),
            cash_drawer=r.get("printer", "cash_drawer", bool, False),
            timeout_s=r.get("printer", "timeout_seconds", float, 5.0, _positive),
            status_query=r.get("printer", "status_query", bool, True),
        ),
        limits=OfflineLimits(
            max_hours=r.get("offline_limits", "max_hours", int, 72, _positive),
            max_amount=r.get(
                "offline_limits",
                "max_amount",
                str,
                Decimal("100000.00"),  # a default is returned as is, so already a Decimal
                lambda v: parse_money(v, "max_amount"),
            ),
            block=r.get("offline_limits", "block_when_exceeded", bool, False),
        ),
        backup_dir=r.get("backup", "folder", str, ""),
        export=_export_settings(r),
        manager_pin_hash=r.get("security", "manager_pin", str, DEMO_PIN_HASH, _pin_hash),
        approve_cancel=r.get("security", "approve_cancel", bool, True),
        opening_float=r.get(
            "drawer",
            "opening_float",
            str,
            Decimal("0.00"),
            lambda v: parse_money(v, "opening_float"),
        ),
        max_rounding=r.get(
            "sale",
            "max_rounding",
            str,
            Decimal("0.99"),
            lambda v: parse_money(v, "max_rounding"),
        ),
        backup_every_receipts=r.get("backup", "every_receipts", int, 0, _not_negative),
        backup_every_minutes=r.get("backup", "every_minutes", int, 0, _not_negative),
        people=people,
        raw=data,
    )


def _people(r: _Reader) -> tuple[Person, ...]:
    """``[[people]]`` entries: name, role and PIN hash each; names unique; a manager among them.

    Without a manager nobody could approve a void or close the day, so such a
    list is refused at load rather than discovered at the first void.
    """
    entries = r.data.get("people", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise r.fail("people", "", "not_a_list_of_tables", "")
    people: list[Person] = []
    for number, entry in enumerate(entries, start=1):
        section = f"people.{number}"
        name, role, pin = (entry.get(key) for key in ("name", "role", "pin"))
        if not isinstance(name, str) or not name.strip():
            raise r.fail(section, "name", "empty", name or "")
        if name.strip() in {p.name for p in people}:
            raise r.fail(section, "name", "duplicate_name", name)
        if role not in ROLES:
            raise r.fail(section, "role", "one_of:" + "|".join(ROLES), role or "")
        if not isinstance(pin, str) or not is_pin_hash(pin.strip()):
            raise r.fail(section, "pin", "not_a_pin_hash", "")
        people.append(Person(name.strip(), role, pin.strip()))
    if people and not any(p.is_manager for p in people):
        raise r.fail("people", "role", "no_manager", "")
    return tuple(people)


def _column_table(
    r: _Reader,
    key: str,
    defaults: tuple[tuple[str, str], ...],
    optional: tuple[str, ...],
) -> tuple[tuple[str, str], ...]:
    """``[export.<key>]``: field = "header"; unknown fields and non-strings point at their line."""
    section = f"export.{key}"
    table = r.data.get("export", {})
    table = table.get(key, {}) if isinstance(table, dict) else {}
    if not isinstance(table, dict):
        raise r.fail("export", key, "not_a_table", table)
    known = {f for f, _ in defaults} | set(optional)
    for name, value in table.items():
        if name not in known:
            raise r.fail(section, name, "unknown_column:" + "|".join(sorted(known)), name)
        if not isinstance(value, str):
            raise r.fail(section, name, "expected_str", value)
    given = {name: value.strip() for name, value in table.items()}
    if not given.get("serial", "x"):
        raise r.fail(section, "serial", "serial_required", "")
    return columns.resolve(defaults, optional, given)


def _export_settings(r: _Reader) -> ExportSettings:
    return ExportSettings(
        header_sheet=r.get("export", "header_sheet", str, columns.HEADER_SHEET, _non_empty),
        line_sheet=r.get("export", "line_sheet", str, columns.LINE_SHEET, _non_empty),
        header_columns=_column_table(
            r, "header_columns", columns.HEADER_COLUMNS, columns.OPTIONAL_HEADER_COLUMNS
        ),
        line_columns=_column_table(
            r, "line_columns", columns.LINE_COLUMNS, columns.OPTIONAL_LINE_COLUMNS
        ),
    )


def _read_text(path: Path, kind: str) -> str:
    """A text file a person edits: UTF-8 (an Excel or Notepad BOM is fine)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{kind}.missing", file=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{kind}.not_utf8", file=str(path)) from None


def load_profile(path: Path) -> Profile:
    return parse_profile(_read_text(path, "profile"), path)


def load_catalog(path: Path) -> Catalog:
    """The catalog's good rows; its bad rows (or a missing or unreadable file) as problems.

    Never raises for the file's content: a broken catalog must not stop the till
    from reading its ledger or selling what is sound (issue 15, item 1).
    """
    try:
        text = decode_catalog(path.read_bytes(), str(path))
    except FileNotFoundError:
        return Catalog((), [CatalogProblem(ConfigError("catalog.missing", file=str(path)))])
    except ConfigError as error:
        return Catalog((), [CatalogProblem(error)])
    return parse_catalog_rows(text, source=str(path))
