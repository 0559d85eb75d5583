"""``shopdesk outage start|end|status``: record the e-invoice outage and what waits."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from shopdesk.cli.common import open_shop
from shopdesk.domain.money import format_yuan
from shopdesk.i18n import N_, _

if TYPE_CHECKING:
    from shopdesk.cli import Context
    from shopdesk.domain.limits import LimitState

#: Labels of the status table, translated where shown (:func:`label`).
LABELS: dict[str, str] = {
    "open": N_("E-invoice outage open since {since} ({duration})"),
    "auto": N_(" (recorded automatically at the first sale)"),
    "closed": N_("No outage is open."),
    "note": N_("Note: {note}"),
    "waiting": N_("Waiting for official invoices: {count} receipts, {amount}"),
    "oldest": N_("Oldest: {time}"),
    "hours": N_("Offline time: {value} / {limit} h ({percent}%){flag}"),
    "amount": N_("Offline amount: {value} / {limit} ({percent}%){flag}"),
    "warn_80": N_("  ⚠ near the limit"),
    "exceeded_100": N_("  ✖ limit reached"),
    "ok": "",
    "block": N_("Past a limit: sales are refused"),
    "warn": N_("Past a limit: warn only"),
}


def label(key: str, **data: object) -> str:
    return _(LABELS[key]).format(**data) if LABELS[key] else ""


def duration_text(span: timedelta) -> str:
    """``3 天 4 小时 5 分`` / ``3 d 4 h 5 min``: how long, to the minute."""
    minutes = int(span.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("{days} d").format(days=days))
    if days or hours:
        parts.append(_("{hours} h").format(hours=hours))
    parts.append(_("{minutes} min").format(minutes=mins))
    return " ".join(parts)


def local_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("outage", help=_("record when the e-invoice system went down / came back"))
    osub = p.add_subparsers(dest="outage_command", metavar="start|end|status", required=True)
    s = osub.add_parser(
        "start", help=_("the e-invoice system is down (automatic at the first sale)")
    )
    s.add_argument("--note", default="", help=_("what happened, e.g. 税务平台无法登录"))
    s.set_defaults(run=cmd_outage_start)
    s = osub.add_parser("end", help=_("the e-invoice system is back"))
    s.set_defaults(run=cmd_outage_end)
    s = osub.add_parser("status", help=_("how long, how many receipts and how much money wait"))
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_outage_status)


def cmd_outage_start(ctx: Context) -> int:
    from shopdesk.services.outage import start_outage

    with open_shop(ctx) as shop:
        record = start_outage(shop, ctx.args.note)
    ctx.out(ctx.say("outage.started", time=local_time(datetime.fromisoformat(record["time"]))))
    return 0


def cmd_outage_end(ctx: Context) -> int:
    from shopdesk.services.outage import end_outage

    with open_shop(ctx) as shop:
        record = end_outage(shop)
    ended = datetime.fromisoformat(record["time"])
    started = datetime.fromisoformat(record["data"]["started"])
    ctx.out(
        ctx.say(
            "outage.ended",
            time=local_time(ended),
            duration=duration_text(ended - started),
        )
    )
    return 0


def _limit_line(ctx: Context, state: LimitState) -> str:
    if state.name == "amount":
        value, limit = format_yuan(state.value), format_yuan(state.limit)
    else:
        value, limit = str(state.value), str(state.limit)
    return label(
        state.name,
        value=value,
        limit=limit,
        percent=state.percent,
        flag=label(state.state),
    )


def cmd_outage_status(ctx: Context) -> int:
    from shopdesk.services.approval import demo_pin_notice
    from shopdesk.services.outage import outage_status

    with open_shop(ctx, readonly=True) as shop:
        status = outage_status(shop)
        weak = demo_pin_notice(shop)
    if weak is not None:  # on stderr: the JSON on stdout stays the same
        ctx.warn(ctx.say(weak.code, **weak.data))
    if ctx.args.json:
        ctx.out(json.dumps(status.to_json(), ensure_ascii=False, indent=2))
        return 0
    if status.open and status.since and status.duration is not None:
        head = label(
            "open",
            since=local_time(status.since),
            duration=duration_text(status.duration),
        )
        ctx.out(head + (label("auto") if status.auto else ""))
        if status.note:
            ctx.out(label("note", note=status.note))
    else:
        ctx.out(label("closed"))
    ctx.out(
        label(
            "waiting",
            count=status.waiting_receipts,
            amount=format_yuan(status.waiting_amount),
        )
    )
    if status.oldest_waiting:
        ctx.out(label("oldest", time=local_time(status.oldest_waiting)))
    ctx.out(_limit_line(ctx, status.limits.hours))
    ctx.out(_limit_line(ctx, status.limits.amount))
    ctx.out(label("block" if status.block else "warn"))
    return 0
