"""``shopdesk outage start|end|status``: record the e-invoice outage and what waits."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from shopdesk.cli.common import open_shop
from shopdesk.domain.money import format_yuan

if TYPE_CHECKING:
    from shopdesk.cli import Context
    from shopdesk.domain.limits import LimitState

#: zh, en labels of the status table.
LABELS: dict[str, tuple[str, str]] = {
    "open": (
        "发票系统停机中：自 {since} 起，已 {duration}",
        "E-invoice outage open since {since} ({duration})",
    ),
    "auto": ("（首笔销售时自动记录）", " (recorded automatically at the first sale)"),
    "closed": ("当前没有未结束的停机记录。", "No outage is open."),
    "note": ("备注：{note}", "Note: {note}"),
    "waiting": (
        "待开正式发票：{count} 张，{amount}",
        "Waiting for official invoices: {count} receipts, {amount}",
    ),
    "oldest": ("最早一张：{time}", "Oldest: {time}"),
    "hours": (
        "离线时限：{value} / {limit} 小时（{percent}%）{flag}",
        "Offline time: {value} / {limit} h ({percent}%){flag}",
    ),
    "amount": (
        "离线累计：{value} / {limit}（{percent}%）{flag}",
        "Offline amount: {value} / {limit} ({percent}%){flag}",
    ),
    "warn_80": ("  ⚠ 接近上限", "  ⚠ near the limit"),
    "exceeded_100": ("  ✖ 已达上限", "  ✖ limit reached"),
    "ok": ("", ""),
    "block": ("超限时：停止开票", "Past a limit: sales are refused"),
    "warn": ("超限时：仅警告", "Past a limit: warn only"),
}


def label(ctx: Context, key: str, **data: object) -> str:
    zh, en = LABELS[key]
    return (zh if ctx.lang == "zh" else en).format(**data)


def duration_text(ctx: Context, span: timedelta) -> str:
    """``3 天 4 小时 5 分`` / ``3 d 4 h 5 min``: how long, to the minute."""
    minutes = int(span.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    zh = ctx.lang == "zh"
    parts = []
    if days:
        parts.append(f"{days} 天" if zh else f"{days} d")
    if days or hours:
        parts.append(f"{hours} 小时" if zh else f"{hours} h")
    parts.append(f"{mins} 分" if zh else f"{mins} min")
    return " ".join(parts)


def local_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("outage", help="record when the e-invoice system went down / came back")
    osub = p.add_subparsers(dest="outage_command", metavar="start|end|status", required=True)
    s = osub.add_parser("start", help="the e-invoice system is down (automatic at the first sale)")
    s.add_argument("--note", default="", help="what happened, e.g. 税务平台无法登录")
    s.set_defaults(run=cmd_outage_start)
    s = osub.add_parser("end", help="the e-invoice system is back")
    s.set_defaults(run=cmd_outage_end)
    s = osub.add_parser("status", help="how long, how many receipts and how much money wait")
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
            duration=duration_text(ctx, ended - started),
        )
    )
    return 0


def _limit_line(ctx: Context, state: LimitState) -> str:
    if state.name == "amount":
        value, limit = format_yuan(state.value), format_yuan(state.limit)
    else:
        value, limit = str(state.value), str(state.limit)
    return label(
        ctx,
        state.name,
        value=value,
        limit=limit,
        percent=state.percent,
        flag=label(ctx, state.state),
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
            ctx,
            "open",
            since=local_time(status.since),
            duration=duration_text(ctx, status.duration),
        )
        ctx.out(head + (label(ctx, "auto") if status.auto else ""))
        if status.note:
            ctx.out(label(ctx, "note", note=status.note))
    else:
        ctx.out(label(ctx, "closed"))
    ctx.out(
        label(
            ctx,
            "waiting",
            count=status.waiting_receipts,
            amount=format_yuan(status.waiting_amount),
        )
    )
    if status.oldest_waiting:
        ctx.out(label(ctx, "oldest", time=local_time(status.oldest_waiting)))
    ctx.out(_limit_line(ctx, status.limits.hours))
    ctx.out(_limit_line(ctx, status.limits.amount))
    ctx.out(label(ctx, "block" if status.block else "warn"))
    return 0
