"""A shop home on disk, and opening it as a running shop (profile, catalog, ledger)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shopdesk import clock
from shopdesk.config import (
    LANGUAGES,
    TERMINAL_ID_RE,
    Profile,
    load_catalog,
    load_profile,
    parse_profile,
)
from shopdesk.domain.catalog import Catalog
from shopdesk.domain.pin import new_pin_hash
from shopdesk.domain.timeline import next_record_time
from shopdesk.domain.uscc import validate_tax_id
from shopdesk.errors import ConfigError, InvalidInput, LedgerError
from shopdesk.ledger.keys import (
    create_private_key,
    load_private_key,
    load_public_key,
    public_key_b64,
    public_key_pem,
)
from shopdesk.ledger.store import Ledger

DATA_DIR = Path(__file__).resolve().parent.parent / "_data"


def bundled(name: str) -> Path:
    """A folder shipped with the package (``sample_data``, ``themes``).

    Inside an installed wheel they live under ``shopdesk/_data``; in a source
    checkout they stay at the top of the repository.
    """
    packaged = DATA_DIR / name
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / name


@dataclass(frozen=True)
class ShopHome:
    """Where one terminal's files live; every path in one place."""

    root: Path

    @property
    def profile(self) -> Path:
        return self.root / "profile.toml"

    @property
    def catalog(self) -> Path:
        return self.root / "catalog.csv"

    @property
    def key(self) -> Path:
        return self.root / "keys" / "terminal.key"

    @property
    def public_key(self) -> Path:
        return self.root / "keys" / "terminal.pub.pem"

    @property
    def ledger(self) -> Path:
        return self.root / "ledger"

    @property
    def encrypted_key(self) -> Path:
        """The signing key encrypted with the backup passphrase (what backups carry)."""
        return self.root / "keys" / "terminal.key.enc.json"

    @property
    def backup_state(self) -> Path:
        """Last backup and last backup failure, kept so a warning stays visible."""
        return self.root / "backup-state.json"

    @property
    def restored(self) -> Path:
        """Written by ``restore``: where this home came from and whether the key came too."""
        return self.root / "restored.json"

    @property
    def preview(self) -> Path:
        return self.root / "preview"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def exists(self) -> bool:
        """A shop lives here: its profile, or its ledger even when the profile is lost."""
        return self.profile.exists() or self.has_ledger()

    def has_ledger(self) -> bool:
        return any(self.ledger.glob("journal-*.jsonl"))


class Shop:
    """An open shop: profile, catalog and ledger, with the clock records are stamped by."""

    def __init__(
        self,
        home: ShopHome,
        profile: Profile,
        catalog: Catalog,
        ledger: Ledger,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.home = home
        self.profile = profile
        self.catalog = catalog
        self.ledger = ledger
        self._clock = clock
        #: True when ``profile.toml`` is lost and the profile was read from the
        #: ledger's records (read-only opens only; see services.profile_rebuild).
        self.profile_from_ledger = False

    @classmethod
    def open(
        cls,
        root: Path,
        *,
        readonly: bool = False,
        clock: Callable[[], datetime] | None = None,
        load_view: bool = True,
    ) -> Shop:
        """Open a shop home; ``load_view=False`` leaves the receipt view empty (fast
        open for whole-ledger jobs such as a backup that never query receipts)."""
        home = ShopHome(root)
        if not home.exists():
            raise LedgerError("home.missing", folder=str(root))
        from_ledger = not home.profile.exists()
        if from_ledger and not readonly:
            # Writing needs the printer, PIN and limits no record holds (issue 15, item 2).
            raise ConfigError("profile.lost", file=str(home.profile), folder=str(root))
        if from_ledger:
            from shopdesk.services.profile_rebuild import read_only_profile

            profile = read_only_profile(home)
        else:
            profile = load_profile(home.profile)
        catalog = load_catalog(home.catalog)
        key = None
        keyless = not readonly and not home.key.exists() and home.restored.exists()
        if not readonly and not keyless:
            key = load_private_key(home.key)
        public = None
        if key is None and home.public_key.exists():
            public = load_public_key(home.public_key.read_bytes())  # checks the view cache
        ledger = Ledger.open(
            home.ledger,
            key,
            profile.terminal,
            readonly=readonly,
            load_view=load_view,
            public_key=public,
        )
        if keyless:
            # Restored without the key (no passphrase): everything can be read and
            # verified, but a sale must say why it cannot be signed.
            ledger.readonly_code = "key.not_restored"
        shop = cls(home, profile, catalog, ledger, clock)
        shop.profile_from_ledger = from_ledger
        if key is not None:
            try:
                ledger.record_repair(shop.now())  # a torn tail cut at open goes on record
            except BaseException:
                ledger.close()
                raise
        return shop

    def clock_reading(self) -> datetime:
        """What the clock says (a test's clock, else :func:`shopdesk.clock.now`), unadjusted."""
        return self._clock() if self._clock else clock.now(self.profile.tz)

    def last_record_time(self) -> datetime | None:
        """The newest record's own time: no record written after it may be earlier."""
        stamp = self.ledger.journal.head.time
        return datetime.fromisoformat(stamp) if stamp else None

    def now(self) -> datetime:
        """The time a record written now gets, and "today" for reports.

        The clock, except a clock a few seconds behind the last record stamps
        that record's time instead (see :mod:`shopdesk.domain.timeline`).
        """
        return next_record_time(self.clock_reading(), self.last_record_time())

    def close(self) -> None:
        self.ledger.close()

    def __enter__(self) -> Shop:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


PROFILE_TEMPLATE = """\
# shopdesk shop profile — see README "Configuration" for every field.
[shop]
name = {name}
uscc = {uscc}
address = {address}
phone = {phone}
language = {language}
timezone = "Asia/Shanghai"

[terminal]
id = {terminal}
cashiers = ["收银员"]
training = false

[printer]
url = {printer}
paper_width_mm = 58
text_mode = "gb18030"

[receipt]
language = "zh"
footer = "系统恢复后凭本收据开具正式发票。"
qr_template = "{{payload}}"

[offline_limits]
max_hours = 72
max_amount = "100000.00"
block_when_exceeded = false
"""


def toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_home_folder(root: Path) -> None:
    """Refuse a home that is a file, or lies below one, before anything is written.

    ``--home notes.txt`` is a typing slip, not a crash: the nearest part of the
    path that exists must be a folder (issue 15, item 4).
    """
    for place in (root, *root.parents):
        if place.exists():
            if not place.is_dir():
                raise InvalidInput("home.not_a_folder", file=str(place), folder=str(root))
            return


def init_shop(
    root: Path,
    *,
    demo: bool = False,
    name: str = "",
    uscc: str = "",
    address: str = "",
    phone: str = "",
    terminal: str = "T01",
    printer: str = "preview",
    language: str = "zh",
    clock: Callable[[], datetime] | None = None,
    signing_key: Ed25519PrivateKey | None = None,
    manager_pin: str = "",
    manager_pin_repeat: str | None = None,
) -> Shop:
    """Create a shop home: profile, catalog, signing key and a ledger with its first record.

    Refuses a folder that already holds a shop, so a second ``init`` can never
    replace a key that has signed receipts. ``signing_key`` is for tests and the
    golden batch only (a published key signs nothing a shop may rely on); a
    shop always gets a new key.

    A real shop must choose its own manager PIN (``manager_pin``, typed twice
    when ``manager_pin_repeat`` is given; 1234 and other weak PINs are refused):
    otherwise the demo's 1234 would guard its voids (issue 13, item 2). Only the
    demo keeps 1234.
    """
    home = ShopHome(root)
    if home.has_ledger() and not home.profile.exists():
        raise ConfigError("profile.lost", file=str(home.profile), folder=str(root))
    if home.exists() or home.key.exists():
        raise InvalidInput("home.exists", folder=str(root))
    sample = bundled("sample_data")
    if demo:
        text = (sample / "profile.toml").read_text(encoding="utf-8")
    else:
        if not name.strip():
            raise InvalidInput("init.name_missing")

        terminal = terminal.strip().upper()
        if not TERMINAL_ID_RE.match(terminal):
            raise InvalidInput("init.bad_terminal", value=terminal)
        if language not in LANGUAGES:
            raise ValueError(f"language {language!r}")
        from shopdesk.printing.connections import check_printer_url

        printer = check_printer_url(printer)
        text = PROFILE_TEMPLATE.format(
            name=toml_str(name.strip()),
            uscc=toml_str(validate_tax_id(uscc)),
            address=toml_str(address),
            phone=toml_str(phone),
            terminal=toml_str(terminal),
            printer=toml_str(printer),
            language=toml_str(language),
        )
        if not manager_pin.strip():
            raise InvalidInput("init.pin_missing")
        pin_hash = new_pin_hash(
            manager_pin, manager_pin if manager_pin_repeat is None else manager_pin_repeat
        )
        text += f"\n[security]\nmanager_pin = {toml_str(pin_hash)}\n"
    parse_profile(text, home.profile)  # validate before anything is written
    check_home_folder(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        home.profile.write_text(text, encoding="utf-8")
        shutil.copyfile(sample / "catalog.csv", home.catalog)
        profile = load_profile(home.profile)
        key = create_private_key(home.key, signing_key)
        home.public_key.write_bytes(public_key_pem(key.public_key()))
        ledger = Ledger.open(home.ledger, key, profile.terminal)
    except OSError as exc:  # a read-only stick, a protected folder, a full disk
        reason = exc.strerror or str(exc)
        raise InvalidInput("home.not_writable", folder=str(root), reason=reason) from exc
    shop = Shop(home, profile, load_catalog(home.catalog), ledger, clock)
    ledger.append(
        "ledger.created",
        {
            "shop": profile.shop_name,
            "uscc": profile.uscc,
            "terminal": profile.terminal,
            "public_key": public_key_b64(key.public_key()),
        },
        shop.now(),
    )
    return shop
