"""Batch commands: export (shop side), verify-batch and reconcile (accountant side)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from shopdesk.cli.common import open_shop
from shopdesk.i18n import _

if TYPE_CHECKING:
    from shopdesk.cli import Context

#: Below this many records an export is over before a progress bar could help.
PROGRESS_BAR_FROM = 5000


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help=_("write the next batch (zip) for the accountant"))
    p.add_argument("--out", help=_("destination folder, e.g. a USB stick (default: HOME/exports)"))
    p.add_argument(
        "--since", metavar=_("DATE"), help=_("YYYY-MM-DD: refuse if older receipts are pending")
    )
    p.add_argument("--until", metavar=_("DATE"), help=_("YYYY-MM-DD: end the batch with this day"))
    p.add_argument(
        "--again", metavar=_("BATCH_ID"), help=_("write an earlier batch again (same bytes)")
    )
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("verify-batch", help=_("check a batch zip (no shop home needed)"))
    p.add_argument("file", type=Path, metavar=_("BATCH_ZIP"), help=_("the batch zip to check"))
    p.add_argument("--previous", type=Path, help=_("the batch before it: checks the chain links"))
    p.add_argument("--key", help=_("the shop's public key (PEM file or base64) to insist on"))
    p.add_argument("--json", action="store_true", help=_("print the verified manifest as JSON"))
    p.add_argument(
        "--all-signatures",
        action="store_true",
        help=_("check every record's signature (default: the batch rule, as `verify`)"),
    )
    p.set_defaults(run=cmd_verify_batch)

    p = sub.add_parser("reconcile", help=_("record official invoice numbers (CSV or xlsx)"))
    p.add_argument(
        "file",
        type=Path,
        metavar=_("FILE"),
        help=_("the invoice list: receipt number and invoice number per row"),
    )
    p.set_defaults(run=cmd_reconcile)


class _Bar:
    """A rich progress bar on stderr, started only for long exports on a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.progress = None
        self.task = None

    def __call__(self, done: int, total: int) -> None:
        import sys

        if self.progress is None:
            if total < PROGRESS_BAR_FROM or not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import Progress

            self.progress = Progress(console=Console(stderr=True), transient=True)
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=total)
        self.progress.update(self.task, completed=done)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def cmd_export(ctx: Context) -> int:
    from shopdesk.services.export import export_batch
    from shopdesk.services.export_folder import check_folder, shop_exports

    a = ctx.args
    # The app's folder rules (issue 12 item 6): a typo or an unplugged stick is
    # refused, never created; only the shop's own exports folder is made.
    out = check_folder(os.path.abspath(Path(a.out).expanduser()), ctx.home) if a.out else None
    out = out or shop_exports(ctx.home)
    bar = _Bar(ctx.say("export.progress"))
    try:
        with open_shop(ctx) as shop:
            s = export_batch(shop, out, since=a.since, until=a.until, again=a.again, progress=bar)
    finally:
        bar.close()
    ctx.out(str(s.path))
    ctx.warn(
        ctx.say(
            "export.done",
            batch=s.batch_id,
            issued=s.counts["issued"],
            voided=s.counts["voided"],
            training=s.counts["training_excluded"],
            total=s.totals["gross"],
            sha256=s.sha256,
        )
    )
    if s.late_voids:
        ctx.warn(ctx.say("export.late_voids", numbers=", ".join(s.late_voids)))
    if s.refunds:
        ctx.warn(ctx.say("export.refunds", **s.refunds))
    if s.resumed:
        ctx.warn(ctx.say("export.resumed", batch=s.batch_id))
    if s.again:
        ctx.warn(ctx.say("export.again_same" if s.matches_recorded else "export.again_differs"))
    return 0


def _key_text(value: str | None) -> str | None:
    if value is None:
        return None
    path = Path(value).expanduser()
    try:
        if path.is_file():
            return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        pass
    return value


def cmd_verify_batch(ctx: Context) -> int:
    from shopdesk.errors import BatchError
    from shopdesk.export.batch_verifier import verify_batch
    from shopdesk.services.export import refunds_note

    a = ctx.args
    try:
        report = verify_batch(
            a.file,
            previous=a.previous,
            public_key=_key_text(a.key),
            all_signatures=a.all_signatures,
        )
    except BatchError as exc:
        if exc.code == "batch.bad_record":  # the reason is a verify.reason.* code
            exc.data["reason"] = ctx.say(f"verify.reason.{exc.data['reason']}")
        raise
    m = report.manifest
    if a.json:
        ctx.out(json.dumps(m, ensure_ascii=False, indent=2))
        return 0
    ctx.out(ctx.say("verify_batch.ok", batch=m["batch_id"], file=str(a.file)))
    ctx.out(f"  {m['shop']}  {m['uscc']}  " + _("terminal {id}").format(id=m["terminal"]))
    r, c, t = m["receipts"], m["counts"], m["totals"]
    ctx.out(
        "  "
        + _("receipts {first} … {last}").format(
            first=r["first_no"] or "-", last=r["last_no"] or "-"
        )
        + "  "
        + ctx.say(
            "verify_batch.counts",
            issued=c["issued"],
            voided=c["voided"],
            valid=c["valid"],
            training=c["training_excluded"],
        )
    )
    from shopdesk.domain.tax import RATE_ORDER, rate_label

    ctx.out("  " + _("total {gross}  (net {net}, tax {tax})").format(**t))
    by_rate = t["by_rate"]  # the manifest's keys are sorted as text: show them in rate order
    for rate in sorted(by_rate, key=lambda r: RATE_ORDER.index(r) if r in RATE_ORDER else 99):
        fig = by_rate[rate]
        ctx.out(
            f"    {rate_label(rate):>5}  {fig['gross']:>12}  {fig['net']:>12}  {fig['tax']:>10}"
        )
    for method, amount in t["by_payment"].items():
        ctx.out(f"    {method:>8}  {amount:>12}")
    j = m["journal"]
    ctx.out(
        "  "
        + _("records {first}–{last}  head {head}…  prev {prev}…").format(
            first=j["first_seq"], last=j["last_seq"], head=j["head"][:16], prev=j["prev_head"][:16]
        )
    )
    if m["late_voids"]:
        ctx.out(ctx.say("export.late_voids", numbers=", ".join(m["late_voids"])))
    if "refunds" in m:
        ctx.out(ctx.say("export.refunds", **refunds_note(m)))
    if report.previous is not None:
        ctx.out(ctx.say("verify_batch.links", previous=report.previous.batch_id))
    ctx.out(ctx.say("verify_batch.key", fingerprint=report.key_fingerprint))
    return 0


def cmd_reconcile(ctx: Context) -> int:
    from shopdesk.errors import InvalidInput
    from shopdesk.services.reconcile import reconcile

    with open_shop(ctx) as shop:
        try:
            result = reconcile(shop, ctx.args.file)
        except InvalidInput as exc:
            if exc.code != "reconcile.rejected":
                raise
            for p in exc.data["problems"]:
                ctx.warn(
                    ctx.say("reconcile.problem", line=p.line, number=p.number or "-")
                    + ctx.say(p.code, **p.data)
                )
            ctx.warn(ctx.say(exc.code, file=exc.data["file"], count=exc.data["count"]))
            return exc.exit_code
    ctx.out(ctx.say("reconcile.done", applied=result.applied, skipped=result.skipped))
    return 0
