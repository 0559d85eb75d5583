"""``shopdesk app`` (and ``shopdesk`` alone): the Textual app; ``hash-pin`` for profiles.

Textual is imported only inside :func:`shopdesk.cli.common.open_app`, so
``import shopdesk.cli`` and every other command stay fast.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from shopdesk.cli.common import open_app
from shopdesk.i18n import _

if TYPE_CHECKING:
    from shopdesk.cli import Context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help=_("open the till app (the default with no command)"))
    p.set_defaults(run=open_app)
    p = sub.add_parser("hash-pin", help=_("print a [security] manager_pin line for profile.toml"))
    p.set_defaults(run=cmd_hash_pin)


def cmd_hash_pin(ctx: Context) -> int:
    from shopdesk.cli.approval import ask_pin
    from shopdesk.domain.pin import hash_pin

    pin = ask_pin("PIN (4–12 digits): ")
    if pin != ask_pin("again: "):
        ctx.warn(ctx.say("pin.mismatch"))
        return 2
    try:
        line = hash_pin(pin)
    except ValueError:
        ctx.warn(ctx.say("pin.bad_shape"))
        return 2
    ctx.out(f'manager_pin = "{line}"')
    return 0
