"""``shopdesk report x|z``: the open shift's figures (or a calendar date's), and closing the shift."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import TYPE_CHECKING

from shopdesk.cli.approval import cli_approval
from shopdesk.cli.common import after_z_report, cells, open_shop
from shopdesk.domain.money import format_yuan, parse_money
from shopdesk.domain.reports import CashCount, parse_count
from shopdesk.domain.tax import rate_label
from shopdesk.errors import InvalidInput
from shopdesk.i18n import _

if TYPE_CHECKING:
    from shopdesk.cli import Context
    from shopdesk.services.reports import DayReport
    from shopdesk.services.shop import Shop

WIDTH = 44


def word(ctx: Context, key: str) -> str:
    return ctx.say(f"report.w.{key}")


def row(left: str, right: str, width: int = WIDTH) -> str:
    return left + " " * max(1, width - cells(left) - cells(right)) + right


def columns(values: list[str], widths: list[int]) -> str:
    """First value left-aligned, the rest right-aligned in their column widths."""
    out = values[0] + " " * max(0, widths[0] - cells(values[0]))
    for value, width in zip(values[1:], widths[1:], strict=True):
        out += " " * max(1, width - cells(value)) + value
    return out


def render_report(ctx: Context, report: DayReport, shop_name: str, terminal: str) -> list[str]:
    """The report as lines of text for the terminal, in the context's language."""
    f = report.figures
    from shopdesk.services.reports import shift_rows, signed_money, till_event_rows, title_key

    title = title_key(report)
    lines = [
        word(ctx, title),
        f"{shop_name}  {terminal}",
        row(word(ctx, "day"), report.day),
        row(word(ctx, "generated"), report.generated_at.strftime("%Y-%m-%d %H:%M:%S")),
    ]
    if report.key_fingerprint:
        lines.append(row(word(ctx, "key_fingerprint"), report.key_fingerprint))
    lines += [row(label, value) for label, value in shift_rows(report, lambda k: word(ctx, k))]
    lines += [
        "-" * WIDTH,
        row(word(ctx, "receipts"), str(f.receipts)),
        row(word(ctx, "voids"), str(f.voids)),
    ]
    if f.training:
        lines.append(row(word(ctx, "training"), str(f.training)))
    lines += [
        row(word(ctx, "sales"), format_yuan(f.sales)),
        row(
            word(ctx, "voided"), "-" + format_yuan(f.voided) if f.voided else format_yuan(f.voided)
        ),
    ]
    if f.refunds:
        lines.append(row(word(ctx, "refunds"), str(f.refunds)))
        lines.append(row(word(ctx, "refunded"), _yuan(-f.refunded)))
        for method, amount in f.refunded_by_method.items():
            lines.append(row("  " + word(ctx, method), _yuan(-amount)))
    lines += [
        row(word(ctx, "gross"), _yuan(f.gross)),
        row(word(ctx, "net"), _yuan(f.net)),
        row(word(ctx, "tax"), _yuan(f.tax)),
    ]
    if f.rounding:  # 抹零, already inside the gross
        lines.append(row(word(ctx, "rounding"), "-" + _yuan(f.rounding)))
    lines += [
        "-" * WIDTH,
        word(ctx, "by_rate"),
    ]
    widths = [8, 12, 12, 12]
    if f.by_rate:
        lines.append(columns(word(ctx, "rate_head").split("|"), widths))
        for rate, figures in f.by_rate.items():
            lines.append(
                columns(
                    [
                        rate_label(rate),
                        _yuan(figures.gross),
                        _yuan(figures.net),
                        _yuan(figures.tax),
                    ],
                    widths,
                )
            )
    else:
        lines.append(word(ctx, "none"))
    lines += ["-" * WIDTH, word(ctx, "by_method")]
    for method, amount in f.by_method.items():
        lines.append(row("  " + word(ctx, method), _yuan(amount)))
    if not f.by_method:
        lines.append(word(ctx, "none"))
    lines += [
        "-" * WIDTH,
        row(word(ctx, "opening_float"), _yuan(f.opening_float)),
        row(word(ctx, "cash"), _yuan(f.cash_in)),
        row(word(ctx, "cash_expected"), _yuan(f.cash_expected)),
    ]
    if report.counted is not None and report.over_short is not None:
        lines += [row(f"  {value} x", str(n)) for value, n in (report.count or {}).items()]
        lines += [
            row(word(ctx, "counted"), _yuan(report.counted)),
            row(word(ctx, "over_short"), signed_money(report.over_short)),
        ]
    events = till_event_rows(f, lambda k: word(ctx, k))
    if events:
        lines += ["-" * WIDTH, word(ctx, "till_events")]
        lines += [row(label, str(value)) for label, value in events]
    if report.grand_total is not None and report.previous_grand_total is not None:
        lines += [
            "-" * WIDTH,
            row(word(ctx, "previous_grand_total"), _yuan(report.previous_grand_total)),
            row(word(ctx, "grand_total"), _yuan(report.grand_total)),
        ]
    return lines


def _yuan(value: Decimal) -> str:
    """``￥1,203.05``, with a leading minus for a negative figure (a day of voids)."""
    return "-" + format_yuan(-value) if value < 0 else format_yuan(value)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help=_("X (running) and Z (closing) reports of a shift"))
    rsub = p.add_subparsers(dest="report_command", metavar="x|z", required=True)
    for name, run, helptext in (
        ("x", cmd_report_x, _("running totals of the open shift (or of --date); writes nothing")),
        (
            "z",
            cmd_report_z,
            _("close the shift: count the drawer, manager PIN, written to the ledger"),
        ),
    ):
        s = rsub.add_parser(name, help=helptext)
        s.add_argument("--json", action="store_true", help=_("print the figures as JSON"))
        s.add_argument(
            "--print", action="store_true", help=_("also print it on the receipt printer")
        )
        if name == "x":
            s.add_argument("--date", help=_("a calendar date YYYY-MM-DD instead of the open shift"))
        else:
            s.add_argument(
                "--reprint",
                action="store_true",
                help=_("show (and with --print, print) the newest Z again, as recorded"),
            )
            s.add_argument("--date", help=_("with --reprint: the newest Z closed on YYYY-MM-DD"))
            counted = s.add_mutually_exclusive_group()
            counted.add_argument(
                "--counted", help=_("the cash counted in the drawer, e.g. 1234.50")
            )
            counted.add_argument(
                "--count",
                nargs="+",
                metavar=_("VALUExPIECES"),
                help=_("the drawer by denomination, e.g. 100x3 50x1 0.5x4"),
            )
        s.set_defaults(run=run)


def _show(ctx: Context, report: DayReport, shop: Shop) -> None:
    if ctx.args.json:
        ctx.out(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for line in render_report(ctx, report, shop.profile.shop_name, shop.profile.terminal):
            ctx.out(line)
    if ctx.args.print:
        _print(ctx, report, shop)


def _print(ctx: Context, report: DayReport, shop: Shop) -> None:
    """Paper output through the printing module's report layout (issue 3), if built in.

    ``print_report(shop, sheet)`` lays out any figure sheet for the paper width;
    without the module, say so plainly — the report is already on screen (and a
    Z is already recorded, so a print failure never loses the close).
    """
    try:
        from shopdesk.services.printing import print_report
    except ImportError:
        ctx.warn(ctx.say("report.print_unavailable"))
        return
    from shopdesk.services.reports import report_sheet

    print_report(shop, report_sheet(report, shop.profile.receipt_language))
    ctx.warn(ctx.say("report.printed", printer=shop.profile.printer.url))


def cmd_report_x(ctx: Context) -> int:
    from shopdesk.services.reports import report_x

    with open_shop(ctx, readonly=True) as shop:
        report = report_x(shop, ctx.args.date)
        _show(ctx, report, shop)
    return 0


def cmd_report_z(ctx: Context) -> int:
    from shopdesk.services.reports import closed_report, report_z

    if ctx.args.reprint:
        with open_shop(ctx, readonly=True) as shop:
            _show(ctx, closed_report(shop, ctx.args.date), shop)
        return 0
    if ctx.args.date:
        raise InvalidInput("report.z_date")
    count = _count(ctx)  # before the PIN: a mistyped count costs no PIN
    with open_shop(ctx) as shop:
        approval = cli_approval(ctx, shop, "close_day")
        report = report_z(shop, approval, count)
        _show(ctx, report, shop)
        after_z_report(ctx, shop)  # the shift is closed: a backup problem only warns
    return 0


def _count(ctx: Context) -> CashCount:
    """The drawer as counted, from ``--counted`` or ``--count``; one of them is required."""
    if ctx.args.count:
        return parse_count(ctx.args.count)
    if ctx.args.counted is None:
        raise InvalidInput("report.count_needed")
    return CashCount(parse_money(ctx.args.counted, "counted"))
