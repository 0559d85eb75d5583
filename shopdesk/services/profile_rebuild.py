"""A lost ``profile.toml`` rebuilt from the ledger's own records (issue 15, item 2).

The ledger holds what a receipt needs from the profile: the ``ledger.created``
record names the shop, its tax id (USCC) and the terminal, and each
``profile.changed`` record the newer values of what the app edits (name,
address, cashiers, printer…). So reading the ledger never needs the profile, and
a lost one can be written again from those records — over the defaults, or over
an older ``profile.toml`` from a backup. What no record holds (a hand-edited
footer, offline limits, backup folder…) is named so the shopkeeper can check it.

The manager PIN is never recovered and never the demo's: its hash is not in the
ledger (only that it changed), so a rebuilt profile always gets a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from shopdesk.backup.files import write_atomic
from shopdesk.config import Profile, parse_profile
from shopdesk.domain.pin import new_pin_hash
from shopdesk.errors import ConfigError, InvalidInput, LedgerError
from shopdesk.ledger.journal import Journal
from shopdesk.services.profile_edit import EDITABLE, SECRET, changed_text
from shopdesk.services.shop import PROFILE_TEMPLATE, ShopHome, toml_str

#: Settings no ledger record holds: a rebuild over the defaults cannot know them.
NEVER_RECORDED = (
    "receipt.footer",
    "receipt.qr_template",
    "offline_limits",
    "backup.folder",
    "drawer.opening_float",
    "export",
)


@dataclass(frozen=True)
class RebuiltProfile:
    """The new profile's text, and which settings came from where."""

    text: str
    profile: Profile
    #: ``section.key`` taken from the ledger's records.
    recovered: tuple[str, ...]
    #: Settings left at their defaults: to be checked by the shopkeeper.
    not_recovered: tuple[str, ...]


def profile_from_ledger(home: ShopHome, base_text: str | None = None) -> RebuiltProfile:
    """The profile the ledger's records describe, over ``base_text`` or the defaults.

    ``base_text`` (an older profile, e.g. from a backup) must be for the same
    terminal. The result has no manager PIN of its own: the caller sets one.
    """
    created, changes = _profile_records(home)
    terminal = str(created.get("terminal", ""))
    if base_text is None:
        text = PROFILE_TEMPLATE.format(
            name=toml_str(str(created.get("shop", ""))),
            uscc=toml_str(str(created.get("uscc", ""))),
            address=toml_str(""),
            phone=toml_str(""),
            terminal=toml_str(terminal),
            printer=toml_str("preview"),
            language=toml_str("zh"),
        )
    else:
        base = parse_profile(base_text, home.profile)
        if base.terminal != terminal:
            raise InvalidInput("profile.other_terminal", terminal=base.terminal, ledger=terminal)
        text = changed_text(
            base_text, {"shop.name": created.get("shop", ""), "shop.uscc": created.get("uscc", "")}
        )
    text = changed_text(text, changes)
    recovered = ("shop.name", "shop.uscc", "terminal.id", *sorted(changes))
    missing: tuple[str, ...] = ()
    if base_text is None:
        missing = (*sorted(EDITABLE - set(recovered) - SECRET), *NEVER_RECORDED)
    profile = parse_profile(text, home.profile)
    return RebuiltProfile(text, profile, tuple(dict.fromkeys(recovered)), missing)


def _profile_records(home: ShopHome) -> tuple[dict, dict[str, object]]:
    """The ``ledger.created`` data, and the newest value of each changed profile field."""
    journal = Journal.open(home.ledger, readonly=True)
    created: dict | None = None
    changes: dict[str, object] = {}
    try:
        for record in journal.records():
            data = record.get("data") or {}
            if record.get("kind") == "ledger.created" and created is None:
                created = data
            elif record.get("kind") == "profile.changed":
                for key, value in (data.get("fields") or {}).items():
                    if key in EDITABLE and key not in SECRET:
                        changes[key] = tuple(value) if isinstance(value, list) else value
    finally:
        journal.close()
    if created is None:
        raise LedgerError("home.missing", folder=str(home.root))
    return created, changes


def read_only_profile(home: ShopHome) -> Profile:
    """A profile for reading the ledger when ``profile.toml`` is gone; no PIN opens it."""
    return replace(profile_from_ledger(home).profile, manager_pin_hash="")


def rebuild_profile(home: ShopHome, pin: str, base: Path | None = None) -> RebuiltProfile:
    """Write ``profile.toml`` from the ledger (over ``base`` if given) with a new PIN.

    Only where the profile is missing, and only from a ledger that verifies
    against the shop's public key: a forged record must not name the shop.
    """
    from shopdesk.services.integrity import verify_ledger

    if home.profile.exists():
        raise InvalidInput("profile.exists", file=str(home.profile))
    pin_hash = new_pin_hash(pin, pin)  # the rule init applies: no 1234, 0000, runs
    result = verify_ledger(home.root)
    if not result.ok:
        raise LedgerError("profile.ledger_unverified", folder=str(home.root))
    try:
        base_text = base.read_text(encoding="utf-8-sig") if base is not None else None
    except (OSError, UnicodeDecodeError):
        raise ConfigError("profile.base_unreadable", file=str(base)) from None
    rebuilt = profile_from_ledger(home, base_text)
    text = changed_text(rebuilt.text, {"security.manager_pin": pin_hash})
    profile = parse_profile(text, home.profile)
    write_atomic(home.profile, text.encode("utf-8"))
    return replace(rebuilt, text=text, profile=profile)
