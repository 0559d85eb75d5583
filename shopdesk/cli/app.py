"""``shopdesk app`` (and ``shopdesk`` alone): the Textual app; ``hash-pin`` for profiles.

Textual is imported only inside :func:`shopdesk.cli.common.open_app`, so
``import shopdesk.cli`` and every other command stay fast.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from shopdesk.cli.common import open_app
from shopdesk.errors import InvalidInput

if TYPE_CHECKING:
    from shopdesk.cli import Context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="open the till app (the default with no command)")
    p.set_defaults(run=open_app)
    p = sub.add_parser("hash-pin", help="print a [security] manager_pin line for profile.toml")
    p.set_defaults(run=cmd_hash_pin)


def cmd_hash_pin(ctx: Context) -> int:
    from shopdesk.domain.pin import hash_pin

    pin = _ask_pin("PIN (4–12 digits): ")
    if pin != _ask_pin("again: "):
        ctx.warn(ctx.say("pin.mismatch"))
        return 2
    try:
        line = hash_pin(pin)
    except ValueError:
        ctx.warn(ctx.say("pin.bad_shape"))
        return 2
    ctx.out(f'manager_pin = "{line}"')
    return 0


def _ask_pin(prompt: str) -> str:
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
