"""Printing commands: reprint, print-queue, printer test/status, verify-qr (also --batch)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from shopdesk.cli.common import open_shop, report_print, status_words
from shopdesk.i18n import _

if TYPE_CHECKING:
    from shopdesk.cli import Context
    from shopdesk.printing.qr import QrCheck, QrPayload


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reprint", help=_("print a marked copy (重印 / COPY n) of a receipt"))
    p.add_argument("number", metavar=_("RECEIPT_NO"))
    p.set_defaults(run=cmd_reprint)

    p = sub.add_parser(
        "print",
        help=_("print a receipt (a marked copy if it printed before), or --retry the queue"),
    )
    p.add_argument("number", nargs="?", metavar=_("RECEIPT_NO"))
    p.add_argument("--retry", action="store_true", help=_("print every receipt not printed yet"))
    p.set_defaults(run=cmd_print)

    p = sub.add_parser(
        "print-queue", help=_("list receipts not printed yet (failed or never tried)")
    )
    p.add_argument("--retry", action="store_true", help=_("print them again now"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_print_queue)

    p = sub.add_parser("printer", help=_("check the printer: test page or status"))
    psub = p.add_subparsers(dest="printer_command", metavar="test|status", required=True)
    t = psub.add_parser("test", help=_("print a test page (ruler, both text modes, a QR)"))
    t.set_defaults(run=cmd_printer_test)
    s = psub.add_parser("status", help=_("ask the printer for its status"))
    s.set_defaults(run=cmd_printer_status)

    p = sub.add_parser(
        "verify-qr", help=_("check a receipt QR: signature, and the ledger's status")
    )
    p.add_argument(
        "payload", metavar=_("QR_TEXT"), help=_("the scanned text (bare SDPR*… or the shop's URL)")
    )
    # Without --pubkey or --batch, the shop in --home (anywhere on the line) is checked.
    key = p.add_mutually_exclusive_group()
    key.add_argument("--pubkey", help=_("terminal public key file (PEM or base64), no ledger"))
    key.add_argument(
        "--batch", type=Path, help=_("a batch zip: is this receipt in it, and does it match?")
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_verify_qr)


def cmd_reprint(ctx: Context) -> int:
    from shopdesk.services.printing import print_receipt

    with open_shop(ctx) as shop:
        outcome = print_receipt(shop, ctx.args.number, copy=True)
    report_print(ctx, outcome)
    return 0 if outcome.ok else 5


def cmd_print(ctx: Context) -> int:
    from shopdesk.errors import InvalidInput
    from shopdesk.services.printing import print_receipt

    a = ctx.args
    if a.retry:
        a.json = False
        return cmd_print_queue(ctx)
    if not a.number:
        raise InvalidInput("print.what")
    with open_shop(ctx) as shop:
        outcome = print_receipt(shop, a.number)
    report_print(ctx, outcome)
    return 0 if outcome.ok else 5


def cmd_print_queue(ctx: Context) -> int:
    from shopdesk.services.printing import print_queue, retry_print_queue

    with open_shop(ctx, readonly=not ctx.args.retry) as shop:
        rows = print_queue(shop)
        if not ctx.args.retry:
            if ctx.args.json:
                ctx.out(json.dumps(rows, ensure_ascii=False, indent=2))
            elif not rows:
                ctx.out(ctx.say("print.queue_empty"))
            for row in [] if ctx.args.json else rows:
                ctx.out(
                    ctx.say(
                        "print.queue_row",
                        number=row["no"],
                        time=row["time"][:19],
                        total=row["total"],
                    )
                )
            return 0
        if not rows:
            ctx.out(ctx.say("print.queue_empty"))
            return 0
        outcomes = retry_print_queue(shop)
    for outcome in outcomes:
        report_print(ctx, outcome)
    if outcomes and not outcomes[-1].ok:
        ctx.warn(ctx.say("print.queue_stopped", left=len(rows) - len(outcomes) + 1))
        return 5
    return 0


def cmd_printer_test(ctx: Context) -> int:
    from shopdesk.services.printing import print_test_page

    with open_shop(ctx, readonly=True) as shop:
        result = print_test_page(shop)
    ctx.out(ctx.say("printer.test_done", printer=result.printer))
    _say_status(ctx, result.printer, result.status)
    if result.files:
        ctx.out(ctx.say("print.preview_files", files=", ".join(map(str, result.files))))
    return 0


def _say_status(ctx: Context, printer: str, status: object) -> int:
    from shopdesk.messages import printer_status_text

    line, problem = printer_status_text(printer, status, ctx.lang)
    ctx.out(line)
    if problem:
        ctx.warn(problem)
        return 5
    return 0


def cmd_printer_status(ctx: Context) -> int:
    from shopdesk.services.printing import printer_status

    with open_shop(ctx, readonly=True) as shop:
        status = printer_status(shop)
        url = shop.profile.printer.url
    return _say_status(ctx, url, status)


def cmd_verify_qr(ctx: Context) -> int:
    """Exit 0 for a genuine receipt that stands; 1 for an invalid, disagreeing or void one.

    With only ``--pubkey`` no ledger says whether the receipt was voided, so exit 0
    means "signed by this terminal" and the output says the rest needs a ledger or batch.
    """
    from shopdesk.services.qr_check import (
        check_qr_in_shop,
        check_qr_with_key,
        public_key_from_file,
    )

    a = ctx.args
    if a.batch:
        return verify_qr_in_batch(ctx)
    if a.pubkey:
        report = check_qr_with_key(a.payload, public_key_from_file(Path(a.pubkey)))
    else:
        report = check_qr_in_shop(a.payload, ctx.home)
    check = report.check
    if a.json:
        return _say_json(
            ctx,
            check,
            report.genuine,
            in_ledger=report.in_ledger,
            status=report.status,
            mismatches=report.mismatches,
        )
    q = _say_signature(ctx, check, found=True)
    if q is None:
        return 1
    if q.training:
        ctx.out(ctx.say("qr.training", number=q.number))
        return 1
    if report.in_ledger is False:
        ctx.out(ctx.say("qr.not_in_ledger", number=q.number))
        return 1
    if report.mismatches:
        ctx.out(ctx.say("qr.mismatch", fields=", ".join(report.mismatches)))
        return 1
    if report.status is not None:
        words = ", ".join(status_words(report.status))
        ctx.out(ctx.say("qr.in_ledger", status=words))
    if report.voided:
        ctx.out(ctx.say("qr.voided", number=q.number))
    elif report.in_ledger is None:
        ctx.out(ctx.say("qr.signature_only"))
    return 0 if report.genuine else 1


def verify_qr_in_batch(ctx: Context) -> int:
    """``verify-qr PAYLOAD --batch FILE.zip``: exit 0 only for a valid, matching receipt."""
    from shopdesk.services.qr_batch import check_qr_in_batch

    a = ctx.args
    report = check_qr_in_batch(a.payload, a.batch)
    check, hit = report.check, report.batch
    if a.json:
        return _say_json(
            ctx,
            check,
            report.genuine,
            batch=None if hit is None else hit.batch_id,
            state=None if hit is None else hit.state,
            mismatches=report.mismatches,
        )
    q = _say_signature(ctx, check, found=hit is not None)
    if q is None or hit is None:
        return 1
    ctx.out(ctx.say("verify_batch.key", fingerprint=hit.key_fingerprint))
    if report.mismatches:
        ctx.out(ctx.say("qr.mismatch", fields=", ".join(report.mismatches)))
        return 1
    ctx.out(ctx.say(f"qr_batch.{hit.state}", number=q.number, batch=hit.batch_id))
    return 0 if report.genuine else 1


def _say_json(ctx: Context, check: QrCheck, genuine: bool, **found: object) -> int:
    """``verify-qr --json``: the signature check, what the ledger or batch says, the verdict."""
    payload = None if check.payload is None else check.payload.__dict__
    verdict = {"valid": check.valid, "reason": check.reason, "payload": payload}
    ctx.out(json.dumps({**verdict, **found, "genuine": genuine}, ensure_ascii=False, indent=2))
    return 0 if genuine else 1


def _say_signature(ctx: Context, check: QrCheck, *, found: bool) -> QrPayload | None:
    """Say whether the QR is readable and signed; its payload if so, else ``None`` (exit 1)."""
    if check.payload is None or not found:
        ctx.out(ctx.say(check.reason, **(check.detail or {})))
        return None
    if not check.valid:
        ctx.out(ctx.say("qr.invalid"))
        return None
    q = check.payload
    ctx.out(
        ctx.say(
            "qr.valid",
            number=q.number,
            time=q.issued_at.isoformat(sep=" "),
            total="￥" + q.total,
            tax="￥" + q.tax,
            terminal=q.terminal,
            uscc=q.uscc,
        )
    )
    return q
