"""Foundation commands: init, sell, void, show, list, verify, pubkey."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import TYPE_CHECKING

from shopdesk.cli.approval import cli_approval, cli_person
from shopdesk.cli.common import (
    after_sale,
    open_app,
    open_shop,
    report_bad_record,
    report_print,
    status_words,
)
from shopdesk.domain.money import format_yuan, parse_money
from shopdesk.i18n import _

if TYPE_CHECKING:
    from shopdesk.cli import Context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init",
        help=_(
            "create a shop home (profile, key, ledger); a real shop sets its manager PIN "
            "(asked twice without echo, or read from the file $SHOPDESK_PIN_FILE)"
        ),
    )
    p.add_argument("--demo", action="store_true", help=_("copy the demo shop from sample_data/"))
    p.add_argument("--name", default="", help=_("shop name (without --demo)"))
    p.add_argument("--uscc", default="", help=_("统一社会信用代码 (without --demo)"))
    p.add_argument("--address", default="")
    p.add_argument("--phone", default="")
    p.add_argument("--terminal", default="T01", help=_("terminal id, e.g. T01"))
    p.add_argument(
        "--printer",
        default="preview",
        help=_("printer URL, e.g. tcp://192.168.1.50:9100 (default: preview, no printer)"),
    )
    p.set_defaults(run=cmd_init)

    p = sub.add_parser("sell", help=_("issue one provisional receipt"))
    p.add_argument(
        "--item", action="append", required=True, metavar=_("SKU_OR_BARCODE[xQTY][@PRICE]")
    )
    p.add_argument(
        "--discount",
        action="append",
        default=[],
        metavar=_("AMOUNT|PCT%|LINE:AMOUNT|LINE:PCT%"),
        help=_("sale discount (5.00 or 10%%), or LINE:… for one line (1-based)"),
    )
    p.add_argument(
        "--round-off",
        choices=("jiao", "yuan"),
        default="",
        help=_(
            "抹零: round the amount due down to the jiao or the yuan "
            "(within the profile's [sale] max_rounding)"
        ),
    )
    p.add_argument("--buyer-name")
    p.add_argument("--buyer-tax-id")
    p.add_argument("--buyer-phone", default="")
    p.add_argument("--buyer-email", default="")
    p.add_argument(
        "--pay",
        action="append",
        default=[],
        metavar=_("METHOD[:AMOUNT]"),
        help=_("cash, wechat, alipay, card or other; cash gives change"),
    )
    p.add_argument("--cashier")
    p.add_argument(
        "--training", action="store_true", default=None, help=_("training receipt (never exported)")
    )
    p.add_argument("--json", action="store_true", help=_("print the whole receipt record as JSON"))
    p.add_argument(
        "--no-print", action="store_true", help=_("save the receipt without printing it")
    )
    p.add_argument(
        "--clock-ok",
        action="store_true",
        help=_("the PC's date is right although it is far after the last record"),
    )
    p.set_defaults(run=cmd_sell)

    p = sub.add_parser("void", help=_("void a receipt (a new record; nothing is deleted)"))
    p.add_argument("number", metavar=_("RECEIPT_NO"))
    p.add_argument("--reason", required=True)
    p.add_argument(
        "--by",
        default="",
        help=_(
            "who asked for the void (default: first cashier); "
            "a manager approves with the PIN (no echo, or the file $SHOPDESK_PIN_FILE)"
        ),
    )
    p.set_defaults(run=cmd_void)

    p = sub.add_parser(
        "return", help=_("give back lines of a receipt: a refund receipt (退货), manager's PIN")
    )
    p.add_argument("number", metavar=_("RECEIPT_NO"))
    p.add_argument(
        "--line",
        action="append",
        required=True,
        metavar=_("N[xQTY]"),
        help=_("line number as `show` prints it (1-based); without xQTY all that is left"),
    )
    p.add_argument(
        "--pay-back",
        action="append",
        default=[],
        metavar=_("METHOD[:AMOUNT]"),
        help=_("how the money goes back (default: the way the customer paid)"),
    )
    p.add_argument("--reason", required=True)
    p.add_argument("--cashier")
    p.add_argument("--no-print", action="store_true", help=_("save the refund without printing it"))
    p.set_defaults(run=cmd_return)

    p = sub.add_parser("show", help=_("show one receipt, its status and later records"))
    p.add_argument("number", metavar=_("RECEIPT_NO"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_show)

    p = sub.add_parser("list", help=_("list receipts"))
    p.add_argument("--date", help=_("YYYY-MM-DD (default: all)"))
    p.add_argument(
        "--pending",
        action="store_true",
        help=_("only receipts still waiting for an official invoice"),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_list)

    p = sub.add_parser(
        "verify", help=_("check every record's hash, sequence, chain and receipt number")
    )
    p.add_argument(
        "--all-signatures",
        action="store_true",
        help=_(
            "check every record's signature, not only the newest, voids, buyer tax ids "
            "and a random sample (slower: ~30 s at 100k receipts)"
        ),
    )
    p.set_defaults(run=cmd_verify)

    p = sub.add_parser("pubkey", help=_("print the terminal's public key (PEM)"))
    p.add_argument(
        "--fingerprint",
        action="store_true",
        help=_("print only the key fingerprint (what verify-batch and the Z report show)"),
    )
    p.set_defaults(run=cmd_pubkey)

    p = sub.add_parser("demo", help=_("set up the demo shop (if needed) and open the app on it"))
    p.add_argument(
        "--sell", action="store_true", help=_("sell one demo receipt instead of opening the app")
    )
    p.set_defaults(run=cmd_demo)


def cmd_init(ctx: Context) -> int:
    from shopdesk.cli.approval import read_new_pin
    from shopdesk.services.shop import init_shop

    a = ctx.args
    pin, repeat = ("", "") if a.demo else read_new_pin(ctx)
    with init_shop(
        ctx.home,
        demo=a.demo,
        name=a.name,
        uscc=a.uscc,
        address=a.address,
        phone=a.phone,
        terminal=a.terminal,
        printer=a.printer,
        language=ctx.lang,
        manager_pin=pin,
        manager_pin_repeat=repeat,
    ) as shop:
        ctx.out(
            ctx.say(
                "init.done",
                folder=ctx.home,
                shop=shop.profile.shop_name,
                terminal=shop.profile.terminal,
            )
        )
    return 0


def cmd_sell(ctx: Context) -> int:
    from shopdesk.domain.sale import SaleDraft, parse_payment
    from shopdesk.services.sales import (
        apply_discounts,
        approval_needed,
        issue_receipt,
        make_buyer,
        parse_item_spec,
    )

    a = ctx.args
    with open_shop(ctx) as shop:
        lines = [parse_item_spec(shop.catalog, spec) for spec in a.item]
        lines, sale_discount, sale_pct = apply_discounts(lines, a.discount)
        draft = SaleDraft(
            lines=lines,
            sale_discount=sale_discount,
            sale_discount_pct=sale_pct,
            round_off=a.round_off,
            buyer=make_buyer(a.buyer_name, a.buyer_tax_id, a.buyer_phone, a.buyer_email),
            payments=[parse_payment(p) for p in a.pay],
        )
        cashier = cli_person(ctx, shop, a.cashier)
        needed = approval_needed(draft)
        issued = issue_receipt(
            shop,
            draft,
            cashier=cashier,
            training=a.training,
            clock_confirmed=a.clock_ok,
            approval=cli_approval(ctx, shop, needed) if needed else None,
        )
        for notice in issued.warnings:
            ctx.warn(ctx.say(notice.code, **notice.data))
        if a.json:
            ctx.out(json.dumps(issued.record, ensure_ascii=False, indent=2))
        else:
            ctx.out(issued.number)
            if issued.change > 0:
                ctx.warn(ctx.say("sell.change", change=format_yuan(issued.change)))
        if not a.no_print:
            # Commit first, print second: the receipt is saved whatever the printer
            # does, so a print failure is a warning and the exit code stays 0.
            from shopdesk.services.printing import print_receipt

            report_print(ctx, print_receipt(shop, issued.number, record=issued.record))
        after_sale(ctx, shop)  # the sale is committed: a backup problem only warns
    return 0


def cmd_void(ctx: Context) -> int:
    from shopdesk.services.sales import void_receipt

    with open_shop(ctx) as shop:
        record = void_receipt(
            shop,
            ctx.args.number,
            reason=ctx.args.reason,
            who=cli_person(ctx, shop, ctx.args.by) or shop.profile.cashiers[0],
            approval=cli_approval(ctx, shop, "void"),
        )
        ctx.out(ctx.say("void.done", number=record["data"]["no"]))
    return 0


def cmd_return(ctx: Context) -> int:
    from shopdesk.domain.sale import parse_payment
    from shopdesk.services.returns import parse_line_spec, return_items

    lines = [parse_line_spec(spec) for spec in ctx.args.line]
    pay = [parse_payment(text) for text in ctx.args.pay_back]
    with open_shop(ctx) as shop:
        approval = cli_approval(ctx, shop, "return")
        refund = return_items(
            shop,
            ctx.args.number,
            lines,
            reason=ctx.args.reason,
            approval=approval,
            pay=pay,
            cashier=cli_person(ctx, shop, ctx.args.cashier),
        )
        d = refund.record["data"]
        payments = ", ".join(f"{p['method']} {p['amount']}" for p in d["payments"])
        ctx.out(
            ctx.say(
                "return.done",
                number=refund.number,
                original=d["original"],
                total=d["total"],
                payments=payments,
            )
        )
        if not ctx.args.no_print:
            from shopdesk.services.printing import print_refund

            report_print(ctx, print_refund(shop, refund.record))
    return 0


def _show_refund(ctx: Context, record: dict) -> int:
    d = record["data"]
    ctx.out(f"{d['no']}  {_('refund')}  {record['time']}  {d['cashier']}")
    ctx.out(_("Original receipt {number}").format(number=d["original"]))
    for line in d["lines"]:
        ctx.out(f"  {line['line']}. {line['name']}  -{line['qty']}  -{line['amount']}")
    payments = ", ".join(f"{p['method']} -{p['amount']}" for p in d["payments"])
    ctx.out(_("Refund -{total}  ({payments})").format(total=d["total"], payments=payments))
    ctx.out(_("Reason {reason}  ({by})").format(reason=d["reason"], by=d["approved_by"]))
    return 0


def cmd_show(ctx: Context) -> int:
    from shopdesk.errors import NotFound
    from shopdesk.services.returns import get_refund
    from shopdesk.services.sales import get_receipt

    with open_shop(ctx, readonly=True) as shop:
        try:
            detail = get_receipt(shop, ctx.args.number)
        except NotFound:
            refund = get_refund(shop, ctx.args.number)
            if ctx.args.json:
                ctx.out(json.dumps({"refund": refund}, ensure_ascii=False, indent=2))
                return 0
            return _show_refund(ctx, refund)
        returned = shop.ledger.view.returns.get(detail.record["data"]["no"])
    if ctx.args.json:
        ctx.out(
            json.dumps(
                {"receipt": detail.record, "status": detail.status, "events": detail.events},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    d = detail.record["data"]
    ctx.out(f"{d['no']}  {detail.record['time']}  {d['cashier']}")
    for index, line in enumerate(d["lines"], start=1):
        ctx.out(
            f"  {index}. {line['name']}  {line['qty']} x {line['unit_price']} = {line['amount']}  ({line['rate']}%)"
        )
    total = format_yuan(parse_money(d["total"]))
    ctx.out(_("Total {total}  tax {tax}").format(total=total, tax=d["tax"]))
    if d.get("buyer"):
        buyer = d["buyer"]
        ctx.out(_("Buyer {name} {tax_id}").format(name=buyer["name"], tax_id=buyer["tax_id"]))
    ctx.out(_("Status {words}").format(words=", ".join(status_words(detail.status))))
    if returned:
        amount = format(Decimal(returned["fen"]) / 100, ".2f")
        refunds = ", ".join(returned["refunds"])
        ctx.out(_("returned {amount} ({refunds})").format(amount=amount, refunds=refunds))
    for event in detail.events:
        ctx.out(
            f"  {event['time']}  {event['kind']}  {json.dumps(event['data'], ensure_ascii=False)}"
        )
    return 0


def cmd_list(ctx: Context) -> int:
    from shopdesk.services.sales import list_receipts, sale_total

    with open_shop(ctx, readonly=True) as shop:
        rows = list_receipts(shop, ctx.args.date, pending=ctx.args.pending)
    if ctx.args.json:
        ctx.out(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        ctx.out(
            f"{row['no']}  {row['time'][:19]}  {row['total']:>10}  {row['buyer'] or '-'}  "
            + ", ".join(status_words(row))
        )
    ctx.out(_("{n} receipts, total {t}").format(n=len(rows), t=format_yuan(sale_total(rows))))
    return 0


def cmd_verify(ctx: Context) -> int:
    from shopdesk.services.integrity import verify_ledger

    result = verify_ledger(ctx.home, all_signatures=ctx.args.all_signatures)
    for notice in result.notices:  # torn tails and recorded repairs: never silent
        ctx.warn(ctx.say(notice.code, **notice.data))
    if result.ok:
        code = "verify.ok_all" if ctx.args.all_signatures else "verify.ok"
        ctx.out(ctx.say(code, records=result.records, seq=result.head_seq))
        return 0
    assert result.problem is not None
    return report_bad_record(ctx, result.problem)


def cmd_pubkey(ctx: Context) -> int:
    from shopdesk.ledger.keys import key_fingerprint, load_public_key, public_key_b64
    from shopdesk.services.integrity import public_key_text

    text = public_key_text(ctx.home)
    fingerprint = key_fingerprint(public_key_b64(load_public_key(text)))
    if ctx.args.fingerprint:  # alone on stdout, to compare with verify-batch's
        ctx.out(fingerprint)
        return 0
    ctx.out(text.rstrip())
    # on stderr, so `shopdesk pubkey > terminal.pub.pem` still writes a plain PEM file
    ctx.warn(ctx.say("pubkey.fingerprint", fingerprint=fingerprint))
    return 0


def cmd_demo(ctx: Context) -> int:
    """The quick start: the demo shop in ``--home`` (default: the user data folder's ``demo``).

    Creates it on first use, then opens the till app on it; ``--sell`` instead
    sells one demo receipt and shows it (no terminal UI, e.g. in a script).
    """
    from shopdesk.services.shop import ShopHome, init_shop

    if not ctx.args.home:
        ctx.home = ctx.home / "demo"
    if not ShopHome(ctx.home).exists():
        with init_shop(ctx.home, demo=True) as shop:
            ctx.adopt_profile_language(shop.profile.language)
        ctx.out(ctx.say("demo.created", folder=ctx.home))
    if not ctx.args.sell:
        return open_app(ctx)
    from shopdesk.domain.sale import Payment, SaleDraft
    from shopdesk.services.sales import issue_receipt, parse_item_spec

    with open_shop(ctx) as shop:
        draft = SaleDraft(
            lines=[parse_item_spec(shop.catalog, spec) for spec in ("D001x2", "S001", "C001")],
            payments=[Payment("cash", parse_money("50"))],
        )
        issued = issue_receipt(shop, draft)
    ctx.args.number, ctx.args.json = issued.number, False
    cmd_show(ctx)
    ctx.out(ctx.say("demo.next", folder=ctx.home))
    return 0
