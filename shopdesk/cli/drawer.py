"""``shopdesk drawer open --reason TEXT``: open the cash drawer without a sale, recorded.

The same rule as the app's Ctrl+O (:mod:`shopdesk.services.till_events`): a
manager's PIN (``SHOPDESK_PIN_FILE`` or a no-echo prompt, never an argument),
then a signed ``drawer.opened`` record, then the pulse to the printer's drawer.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from shopdesk.cli.common import open_shop
from shopdesk.i18n import _

if TYPE_CHECKING:
    from shopdesk.cli import Context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("drawer", help=_("the cash drawer: open it without a sale (manager's PIN)"))
    actions = p.add_subparsers(dest="drawer_action", metavar=_("ACTION"), required=True)
    opened = actions.add_parser("open", help=_("open the drawer without a sale; recorded with why"))
    opened.add_argument("--reason", required=True, help=_("why, e.g. 换零钱 (change for a note)"))
    opened.add_argument("--cashier", help=_("who opens it (default: the first cashier)"))
    opened.set_defaults(run=cmd_drawer_open)


def cmd_drawer_open(ctx: Context) -> int:
    from shopdesk.cli.approval import cli_approval, cli_person
    from shopdesk.services.printing import kick_drawer
    from shopdesk.services.till_events import open_drawer

    with open_shop(ctx) as shop:
        by = cli_person(ctx, shop, ctx.args.cashier) or shop.profile.cashiers[0]
        approval = cli_approval(ctx, shop, "drawer_open")
        record = open_drawer(
            shop,
            ctx.args.reason,
            by=by,
            approval=approval,
        )
        d = record["data"]
        ctx.out(
            ctx.say(
                "drawer.opened",
                seq=record["seq"],
                by=d["by"],
                approved_by=d["approved_by"],
                reason=d["reason"],
            )
        )
        # Recorded first: a printer that fails now (exit 5) cannot hide the opening.
        kick_drawer(shop, job=f"drawer-{record['seq']}")
    return 0
