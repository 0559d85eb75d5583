"""``shopdesk profile rebuild [--from FILE]``: a lost ``profile.toml`` written again.

From the ledger's own records (shop, tax id, terminal, later changes), over an
older profile from a backup if given; always with a new manager PIN, asked with
no echo (or ``SHOPDESK_PIN_FILE``), never the demo's.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from shopdesk.i18n import _

if TYPE_CHECKING:
    from shopdesk.cli import Context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("profile", help=_("the shop profile: rebuild a lost profile.toml"))
    psub = p.add_subparsers(dest="profile_command", metavar=_("ACTION"), required=True)
    r = psub.add_parser(
        "rebuild", help=_("write a lost profile.toml from the ledger, with a new manager PIN")
    )
    r.add_argument(
        "--from",
        dest="base",
        metavar=_("FILE"),
        help=_("an older profile.toml (e.g. from a backup) for what the ledger does not hold"),
    )
    r.set_defaults(run=cmd_rebuild)


def cmd_rebuild(ctx: Context) -> int:
    from shopdesk.cli.approval import read_manager_pin
    from shopdesk.services.profile_rebuild import rebuild_profile
    from shopdesk.services.shop import ShopHome

    home = ShopHome(ctx.home)
    base = Path(ctx.args.base) if ctx.args.base else None
    rebuilt = rebuild_profile(home, read_manager_pin(ctx), base)
    profile = rebuilt.profile
    ctx.out(
        ctx.say(
            "profile.rebuilt",
            file=home.profile,
            shop=profile.shop_name,
            uscc=profile.uscc,
            terminal=profile.terminal,
        )
    )
    ctx.out(ctx.say("profile.recovered", fields=", ".join(rebuilt.recovered)))
    if rebuilt.not_recovered:
        ctx.out(ctx.say("profile.not_recovered", fields=", ".join(rebuilt.not_recovered)))
    return 0
