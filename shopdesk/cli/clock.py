"""``shopdesk clock status|correct``: the till's clock against the ledger's last record."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from shopdesk.cli.approval import cli_approval, cli_person
from shopdesk.cli.common import open_shop
from shopdesk.i18n import _

if TYPE_CHECKING:
    from shopdesk.cli import Context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "clock", help=_("the PC clock against the ledger; record a clock correction")
    )
    clock_sub = p.add_subparsers(dest="clock_command", metavar=_("ACTION"), required=True)
    s = clock_sub.add_parser("status", help=_("the PC clock and the last record's time"))
    s.set_defaults(run=cmd_clock_status)
    c = clock_sub.add_parser(
        "correct",
        help=_("record that earlier records were stamped by a clock that ran ahead (manager PIN)"),
    )
    c.add_argument("--note", required=True, help=_("what happened, for the accountant"))
    c.add_argument("--by", default="", help=_("who corrects it (default: the first cashier)"))
    c.set_defaults(run=cmd_clock_correct)


def cmd_clock_status(ctx: Context) -> int:
    """Exit 0 if a sale can be stamped now, 9 if the clock is behind or far ahead."""
    from shopdesk.services.clock_guard import clock_state

    with open_shop(ctx, readonly=True) as shop:
        state = clock_state(shop)
    texts = state.texts()
    ctx.out(ctx.say("clock.status", now=texts["now"], last=texts["last"] or "-"))
    notice = state.warning()
    if notice is not None:
        ctx.warn(ctx.say(notice.code, **notice.data))
        return 9
    ctx.out(ctx.say("clock.ok"))
    return 0


def cmd_clock_correct(ctx: Context) -> int:
    from shopdesk.services.clock_guard import correct_clock

    with open_shop(ctx) as shop:
        who = cli_person(ctx, shop, ctx.args.by) or shop.profile.cashiers[0]
        approval = cli_approval(ctx, shop, "clock_correct")
        record = correct_clock(shop, note=ctx.args.note, approval=approval, who=who)
        ctx.out(
            ctx.say(
                "clock.corrected",
                last=record["data"]["last_time"][:19].replace("T", " "),
                now=record["time"][:19].replace("T", " "),
            )
        )
    return 0
