"""The manager's PIN at the command line: typed without echo, or from a file for scripts.

Never an argument: a PIN on the command line is in the shell history and in
every ``ps`` listing. ``SHOPDESK_PIN_FILE`` names a file whose first line is the
PIN (for a script the shopkeeper trusts); otherwise a terminal is asked with no
echo, and a pipe gives its first line.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from shopdesk.errors import ApprovalRefused, InvalidInput

if TYPE_CHECKING:
    from shopdesk.cli import Context
    from shopdesk.config import Person
    from shopdesk.services.approval import Approval
    from shopdesk.services.shop import Shop

PIN_FILE_ENV = "SHOPDESK_PIN_FILE"
#: The signed-in cashier's own PIN for ``sell --cashier NAME`` in a script; a
#: separate file, since a manager's PIN file must not be every cashier's.
CASHIER_PIN_FILE_ENV = "SHOPDESK_CASHIER_PIN_FILE"


def read_manager_pin(ctx: Context) -> str:
    """The PIN the person at the till gives; an empty answer is refused, saying how."""
    return _read_pin(ctx, PIN_FILE_ENV, "clock.pin_prompt", "clock.pin_missing")


def _read_pin(ctx: Context, env: str, prompt: str, missing: str) -> str:
    named = os.environ.get(env, "").strip()
    try:
        if named:
            lines = Path(named).read_text(encoding="utf-8").splitlines()
            pin = lines[0] if lines else ""
        elif sys.stdin is not None and sys.stdin.isatty():
            pin = ask_pin(ctx.say(prompt))
        else:
            pin = sys.stdin.readline() if sys.stdin is not None else ""
    except (OSError, EOFError, UnicodeDecodeError, InvalidInput):
        pin = ""
    pin = pin.strip()
    if not pin:
        raise InvalidInput(missing)
    return pin


def read_new_pin(ctx: Context) -> tuple[str, str]:
    """A new shop's manager PIN and its repeat: from ``SHOPDESK_PIN_FILE`` (its first
    line, taken as typed twice), asked twice without echo, or two lines of input.
    Nothing to read gives empty strings, which ``init`` refuses saying how."""
    if os.environ.get(PIN_FILE_ENV, "").strip() or (sys.stdin is not None and sys.stdin.isatty()):
        try:
            pin = read_manager_pin(ctx)
        except InvalidInput:
            return "", ""
        if os.environ.get(PIN_FILE_ENV, "").strip():
            return pin, pin
        return pin, ask_pin(ctx.say("init.pin_again"))
    if sys.stdin is None:
        return "", ""
    return sys.stdin.readline().strip(), sys.stdin.readline().strip()


def cli_approval(ctx: Context, shop: Shop, action: str) -> Approval:
    """A manager's approval of ``action`` at the command line, through the app's rule.

    No PIN to read is ``approval.needed`` (exit 10), like a wrong or locked PIN.
    """
    from shopdesk.services.approval import approve

    try:
        pin = read_manager_pin(ctx)
    except InvalidInput:
        raise ApprovalRefused("approval.needed", action=action) from None
    return approve(shop, action, pin)


def cli_cashier(ctx: Context, shop: Shop, name: str | None) -> Person | None:
    """The cashier of a CLI sale proven by their own PIN when the profile lists people.

    An old profile (names only) has no PINs to prove: ``None``, and the sale
    takes ``--cashier`` as a name as before.
    """
    from shopdesk.services.approval import sign_in

    if not shop.profile.people:
        return None
    if not name:
        raise InvalidInput("people.cashier_needed")
    pin = _read_pin(ctx, CASHIER_PIN_FILE_ENV, "people.pin_prompt", "people.cashier_needed")
    return sign_in(shop, name, pin)


def cli_person(ctx: Context, shop: Shop, name: str | None) -> str | None:
    """Who does a CLI action (``--cashier``, ``--by``): with ``[[people]]``, the named
    person proven by their own PIN, as the app's sign-in proves them; else the
    name as given (``None``: the command's default)."""
    person = cli_cashier(ctx, shop, name)
    return person.name if person is not None else name


def ask_pin(prompt: str) -> str:
    """One PIN without echo; no terminal and nothing to read is a user error, not a crash.

    Without a terminal ``getpass`` reads a line of stdin: at its end that is
    ``EOFError``, and with stdin closed (``sys.stdin`` is ``None``) an
    ``AttributeError`` from inside ``getpass`` (issue 15, item 4).
    """
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise InvalidInput("pin.not_given") from None
    except AttributeError:
        if sys.stdin is not None:
            raise
        raise InvalidInput("pin.not_given") from None
