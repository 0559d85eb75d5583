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

import re
from collections.abc import Mapping
from dataclasses import replace

import tomlkit

from shopdesk.backup.files import write_atomic
from shopdesk.config import (
    PAPER_WIDTHS,
    TEXT_MODES,
    PrinterSettings,
    Profile,
    default_dots,
    parse_profile,
)
from shopdesk.domain.pin import new_pin_hash, verify_pin
from shopdesk.domain.uscc import validate_tax_id
from shopdesk.errors import InvalidInput, LedgerError

# Also the settings and set-up forms' as-typed URL check: screens ask services, not printing.
from shopdesk.printing.connections import check_printer_url
from shopdesk.services.approval import Approval
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
#: Names in the cashier list are separated by commas (either width) or 、.
CASHIER_SEPARATORS = re.compile(r"[,，、]")


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


def edit_profile(
    shop: Shop, changes: Mapping[str, object], *, who: str, approval: Approval | None = None
) -> Profile:
    """Apply ``changes`` to the profile on disk and to ``shop``; return the new profile.

    Only what differs from the current profile is written and recorded; a bad
    value raises the same error a hand edit would, and nothing changes. The
    record names who changed it and, with ``approval``, the manager who approved
    (``approved_by``; issue 13, item 3).
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
        }
        | ({"approved_by": approval.by} if approval is not None else {}),
        shop.now(),
    )
    return profile


def change_manager_pin(shop: Shop, current: str, new: str, repeat: str, *, who: str) -> Profile:
    """Replace the manager PIN; the current one must be given, the new one twice.

    The new PIN passes the same check as ``init``'s (:func:`new_pin_hash`): a
    change must not bring back 1234 or another first guess.
    """
    if not verify_pin(shop.profile.manager_pin_hash, current):
        raise InvalidInput("pin.wrong")
    return edit_profile(shop, {"security.manager_pin": new_pin_hash(new, repeat)}, who=who)


def update_shop_details(
    shop: Shop,
    *,
    name: str,
    uscc: str,
    address: str,
    phone: str,
    cashiers: str,
    who: str,
    approval: Approval | None = None,
) -> Profile:
    """The settings dialog's shop fields, as typed: checked, normalised and saved."""
    return edit_profile(
        shop,
        {
            "shop.name": name.strip(),
            "shop.uscc": validate_tax_id(uscc),
            "shop.address": address.strip(),
            "shop.phone": phone.strip(),
            "terminal.cashiers": parse_cashiers(cashiers),
        },
        who=who,
        approval=approval,
    )


def parse_cashiers(text: str) -> tuple[str, ...]:
    """``王芳, 李强`` (commas of either width, or 、) as names; at least one."""
    names = tuple(name.strip() for name in CASHIER_SEPARATORS.split(text) if name.strip())
    if not names:
        raise InvalidInput("cashier.empty")
    return names


def printer_settings(
    saved: PrinterSettings, *, url: str, paper_mm: object, text_mode: str
) -> PrinterSettings:
    """``saved`` with a new URL, paper and text mode, checked; for a test print before saving.

    A new paper width takes that width's usual dot count (as a profile without
    ``dots`` does); the same width keeps the saved one.
    """
    paper = check_paper_width(paper_mm)
    if text_mode not in TEXT_MODES:
        raise ValueError(f"text mode {text_mode!r}")
    return replace(
        saved,
        url=check_printer_url(url),
        paper_mm=paper,
        dots=saved.dots if paper == saved.paper_mm else default_dots(paper),
        text_mode=text_mode,
    )


def update_printer(
    shop: Shop, settings: PrinterSettings, *, who: str, approval: Approval | None = None
) -> Profile:
    """Save the printer a settings dialog tried (see :func:`printer_settings`)."""
    return edit_profile(
        shop,
        {
            "printer.url": settings.url,
            "printer.paper_width_mm": settings.paper_mm,
            "printer.text_mode": settings.text_mode,
        },
        who=who,
        approval=approval,
    )


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
