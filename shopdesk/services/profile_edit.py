"""Changing the shop profile from the app: settings and the manager PIN.

``profile.toml`` is the shopkeeper's file, written by hand with comments that
explain each field. The app changes only a few values in it, through tomlkit,
which keeps every comment, blank line and key order. The new text goes through
the same :func:`parse_profile` as a hand edit before anything is written, then
replaces the file atomically (old or new after a power cut, never half), and a
``profile.changed`` record in the ledger says what changed, when and by whom —
a receipt's seller name or tax id changing mid-outage is something the
accountant must be able to see.

The terminal id is not editable here: it is in every receipt number and in the
signing key's records; a different terminal is a different shop home.
"""

from __future__ import annotations

from collections.abc import Mapping

import tomlkit

from shopdesk.backup.files import write_atomic
from shopdesk.config import PAPER_WIDTHS, Profile, parse_profile
from shopdesk.domain.pin import PIN_RE, hash_pin, verify_pin
from shopdesk.errors import InvalidInput, LedgerError
from shopdesk.services.shop import Shop

#: ``section.key`` the app may set. Anything else is the hand editor's business.
EDITABLE = frozenset(
    {
        "shop.name",
        "shop.uscc",
        "shop.address",
        "shop.phone",
        "shop.language",
        "terminal.cashiers",
        "printer.url",
        "printer.paper_width_mm",
        "printer.text_mode",
        "receipt.language",
        "security.manager_pin",
    }
)
#: Values never copied into the ledger record (it is exported to the accountant).
SECRET = frozenset({"security.manager_pin"})


def changed_text(text: str, changes: Mapping[str, object]) -> str:
    """``text`` with ``changes`` applied; comments and layout kept.

    A new paper width drops an explicit ``[printer] dots``: that setting belongs
    to the old printer, and the width's default is right for most models.
    """
    document = tomlkit.parse(text)
    for dotted, value in changes.items():
        if dotted not in EDITABLE:
            raise ValueError(f"not editable from the app: {dotted}")
        section, key = dotted.split(".")
        if section not in document:
            document[section] = tomlkit.table()
        table = document[section]
        table[key] = list(value) if isinstance(value, tuple) else value  # type: ignore[index]
        if dotted == "printer.paper_width_mm" and "dots" in table:  # type: ignore[operator]
            del table["dots"]  # type: ignore[union-attr]
    return tomlkit.dumps(document)


def edit_profile(shop: Shop, changes: Mapping[str, object], *, who: str) -> Profile:
    """Apply ``changes`` to the profile on disk and to ``shop``; return the new profile.

    Only what differs from the current profile is written and recorded; a bad
    value raises the same error a hand edit would, and nothing changes.
    """
    path = shop.home.profile
    text = path.read_text(encoding="utf-8")
    current = _flat(shop.profile)
    wanted = {k: v for k, v in changes.items() if _comparable(v) != current.get(k)}
    if not wanted:
        return shop.profile
    new_text = changed_text(text, wanted)
    profile = parse_profile(new_text, path)
    if shop.ledger.key is None:  # a read-only shop: refuse before touching the file
        raise LedgerError(shop.ledger.readonly_code, folder=str(shop.home.ledger))
    write_atomic(path, new_text.encode("utf-8"))
    shop.profile = profile
    shop.ledger.append(
        "profile.changed",
        {
            "fields": {
                k: ("(changed)" if k in SECRET else _comparable(v)) for k, v in wanted.items()
            },
            "by": who,
        },
        shop.now(),
    )
    return profile


def change_manager_pin(shop: Shop, current: str, new: str, repeat: str, *, who: str) -> Profile:
    """Replace the manager PIN; the current one must be given, the new one twice."""
    if not verify_pin(shop.profile.manager_pin_hash, current):
        raise InvalidInput("pin.wrong")
    if not PIN_RE.match(new):
        raise InvalidInput("pin.bad_shape")
    if new != repeat:
        raise InvalidInput("pin.mismatch")
    return edit_profile(shop, {"security.manager_pin": hash_pin(new)}, who=who)


def check_paper_width(value: object) -> int:
    try:
        width = int(str(value))
    except ValueError:
        width = 0
    if width not in PAPER_WIDTHS:
        raise InvalidInput("printer.bad_paper_width", value=str(value))
    return width


def _comparable(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def _flat(profile: Profile) -> dict[str, object]:
    """The profile's editable values under their ``section.key`` names."""
    return {
        "shop.name": profile.shop_name,
        "shop.uscc": profile.uscc,
        "shop.address": profile.address,
        "shop.phone": profile.phone,
        "shop.language": profile.language,
        "terminal.cashiers": list(profile.cashiers),
        "printer.url": profile.printer.url,
        "printer.paper_width_mm": profile.printer.paper_mm,
        "printer.text_mode": profile.printer.text_mode,
        "receipt.language": profile.receipt_language,
        "security.manager_pin": profile.manager_pin_hash,
    }
