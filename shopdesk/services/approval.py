"""Approvals and sign-in: the one rule for who may do a controlled action, in the CLI and the app.

A void, a price override, a discount, a return, closing the day… each is allowed
only with a manager's PIN. Both front ends ask for the PIN their own way (a
dialog; a no-echo prompt or ``SHOPDESK_PIN_FILE``) and hand it here, so the
rule, its lockout and its record of who approved are one piece of code. The
returned :class:`Approval` is what a service writes into its record
(``approved_by``), so the ledger says who approved, not only who asked.

Who is a manager (docs/profile.md): with ``[[people]]`` in the profile, every
person whose role is ``manager``, each with their own PIN; in an old profile
without people, the one ``[security] manager_pin``, recorded as ``manager``.

Guessing is slowed down: after :data:`TRIES` wrong PINs in a row (approvals and
sign-ins together) every PIN is refused for :func:`lock_seconds` — 30 s, then
1, 2, 4 … minutes up to :data:`MAX_LOCK_SECONDS`. The count lives in a small
file in the shop home (written atomically), so quitting the app does not reset
it; each wrong PIN is also a ``pin.failed`` ledger record (the action and the
count, never the digits typed).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from shopdesk.config import MANAGER, Person, load_profile
from shopdesk.domain.pin import DEMO_PIN, verify_pin
from shopdesk.errors import ApprovalRefused, ClockError, ConfigError, InvalidInput, Notice
from shopdesk.services.shop import Shop, bundled

#: The actions that need a manager's approval (issue 13); a front end names one.
ACTIONS = frozenset(
    {
        "void",
        "price_override",
        "discount",
        "return",
        "rounding",
        "cancel_sale",
        "remove_line",
        "drawer_open",
        "close_day",
        "clock_correct",
        "training",
        "settings",
    }
)
#: What a failed sign-in is recorded as (not an approval, but the same lockout).
SIGN_IN = "sign_in"

#: Wrong PINs in a row before the till refuses every PIN for a while.
TRIES = 5
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 30 * 60
#: The lockout file in the shop home.
STATE_FILE = "pin-lockout.json"


@dataclass(frozen=True)
class Approval:
    """A manager said yes to ``action``: the name recorded as ``approved_by``."""

    action: str
    by: str


@dataclass(frozen=True)
class Lockout:
    """Wrong PINs in a row, and until when every PIN is refused (``None``: not locked)."""

    failures: int = 0
    until: datetime | None = None


def lock_seconds(failures: int) -> int:
    """How long the ``failures``-th wrong PIN in a row locks: 0 unless a multiple of TRIES."""
    if failures == 0 or failures % TRIES:
        return 0
    return min(FIRST_LOCK_SECONDS * 2 ** (failures // TRIES - 1), MAX_LOCK_SECONDS)


def read_lockout(shop: Shop) -> Lockout:
    """The saved lockout; a missing or damaged file counts as no failures."""
    try:
        data = json.loads(_state_path(shop).read_text(encoding="utf-8"))
        until = datetime.fromisoformat(data["until"]) if data.get("until") else None
        return Lockout(int(data["failures"]), until)
    except (OSError, ValueError, KeyError, TypeError):
        return Lockout()


def approve(shop: Shop, action: str, pin: str) -> Approval:
    """The approval of ``action`` by the manager whose PIN this is.

    Raises ``approval.locked`` while locked (even for a right PIN) and
    ``approval.wrong_pin`` for a PIN no manager has.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    person = _check_pin(shop, action, pin, [p for p in _managers(shop) if p.is_manager])
    return Approval(action=action, by=person.name)


def sign_in(shop: Shop, name: str, pin: str) -> Person:
    """The person ``name`` proven by their own PIN; the same lockout as approvals.

    Only for a profile with ``[[people]]``: an old profile has names but no
    PINs, so there is nobody to prove (``people.none``).
    """
    if not shop.profile.people:
        raise InvalidInput("people.none")
    named = [p for p in shop.profile.people if p.name == name.strip()]
    if not named:
        raise InvalidInput("sale.unknown_cashier", value=name.strip())
    return _check_pin(shop, SIGN_IN, pin, named)


def demo_pin_notice(shop: Shop) -> Notice | None:
    """``security.demo_pin`` when a real shop's manager PIN is still the demo's 1234.

    A profile written before ``init`` asked for a PIN has no ``[security]``
    section, so 1234 guards its voids and nobody was told (issue 13, item 2).
    The demo shop itself (the bundled sample's name and tax id) keeps 1234.
    """
    profile = shop.profile
    if profile.people:
        return None
    try:
        demo = load_profile(bundled("sample_data") / "profile.toml")
    except ConfigError:  # pragma: no cover - the package ships it
        demo = None
    if demo is not None and (demo.shop_name, demo.uscc) == (profile.shop_name, profile.uscc):
        return None
    # scrypt last (~50 ms): only a real shop without people pays for it, once at start
    if not verify_pin(profile.manager_pin_hash, DEMO_PIN):
        return None
    return Notice("security.demo_pin", {})


def _managers(shop: Shop) -> list[Person]:
    """Everyone whose PIN may approve (an old profile: its one manager PIN)."""
    if shop.profile.people:
        return list(shop.profile.people)
    return [Person(MANAGER, "manager", shop.profile.manager_pin_hash)]


def _check_pin(shop: Shop, action: str, pin: str, candidates: list[Person]) -> Person:
    now = shop.now()
    state = read_lockout(shop)
    if state.until is not None and now < state.until:
        raise _locked(now, state.until)
    for person in candidates:
        if verify_pin(person.pin_hash, pin):
            if state.failures:
                _save(shop, Lockout())
            return person
    failures = state.failures + 1
    wait = lock_seconds(failures)
    until = now + timedelta(seconds=wait) if wait else None
    _save(shop, Lockout(failures, until))
    _record_failure(shop, action, failures, until, now)
    if until is not None:
        raise _locked(now, until)
    raise ApprovalRefused("approval.wrong_pin", tries_left=TRIES - failures % TRIES)


def _locked(now: datetime, until: datetime) -> ApprovalRefused:
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    return ApprovalRefused("approval.locked", seconds=seconds, until=until.strftime("%H:%M:%S"))


def _record_failure(
    shop: Shop, action: str, failures: int, until: datetime | None, now: datetime
) -> None:
    """A ``pin.failed`` record, when the ledger can be written (a read-only or
    key-less open, or a clock behind the ledger, leaves only the lockout file)."""
    if shop.ledger.key is None:
        return
    data: dict = {"action": action, "failures": failures}
    if until is not None:
        data["locked_until"] = until.isoformat(timespec="seconds")
    with contextlib.suppress(ClockError):
        shop.ledger.append("pin.failed", data, now)


def _state_path(shop: Shop) -> Path:
    return shop.home.root / STATE_FILE


def _save(shop: Shop, state: Lockout) -> None:
    """Write the lockout atomically: a crash leaves the old file or the new, never half."""
    path = _state_path(shop)
    data = {
        "failures": state.failures,
        "until": state.until.isoformat() if state.until else None,
    }
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temp, path)
