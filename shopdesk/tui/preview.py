"""The receipt as the screen shows it: the printer's own lines and QR payload.

:func:`receipt_preview` asks the services for the lines the paper gets
(``receipt_text``) and the signed QR payload (``receipt_qr``), so what the
cashier sees is what the customer holds. :func:`receipt_lines` is the plain
fallback when that cannot be had (e.g. a read-only shop without its key).
"""

from __future__ import annotations

from decimal import Decimal

from shopdesk.domain.money import format_yuan
from shopdesk.domain.tax import rate_label
from shopdesk.errors import ShopdeskError
from shopdesk.i18n import _
from shopdesk.services.shop import Shop

#: Width of the rules between sections (fits a 58 mm slip's 32 cells).
RULE_WIDTH = 30


def receipt_preview(shop: Shop, record: dict) -> tuple[list[str], str]:
    """(lines as printed, QR payload) for a stored receipt record."""
    try:
        from shopdesk.services.printing import receipt_qr
        from shopdesk.services.report_text import receipt_text

        return receipt_text(shop, record), receipt_qr(shop, record)
    except ShopdeskError:
        return receipt_lines(record), record["data"]["no"]


def receipt_lines(record: dict) -> list[str]:
    data = record["data"]
    when = record["time"][:19].replace("T", " ")
    out = [
        _("PROVISIONAL RECEIPT — not a fapiao"),
        _("No. {number}").format(number=data["no"]),
        _("Time {time}").format(time=when),
    ]
    if data.get("training"):
        out.insert(0, _("*** TRAINING — not a sale ***"))
    out.append("-" * RULE_WIDTH)
    for line in data["lines"]:
        out.append(line["name"])
        out.append(
            f"  {line['qty']} × {format_yuan(Decimal(line['unit_price']))}"
            f"  = {format_yuan(Decimal(line['amount']))}"
        )
    out.append("-" * RULE_WIDTH)
    if Decimal(data["discount"]):
        out.append(_("Discount -{amount}").format(amount=format_yuan(Decimal(data["discount"]))))
    out.append(_("Total {amount}").format(amount=format_yuan(Decimal(data["total"]))))
    for rate, figures in data["by_rate"].items():
        out.append(
            "  "
            + _("{rate} tax {amount}").format(
                rate=rate_label(rate), amount=format_yuan(Decimal(figures["tax"]))
            )
        )
    for payment in data["payments"]:
        out.append(f"{method_label(payment['method'])} {format_yuan(Decimal(payment['amount']))}")
    if Decimal(data["change"]):
        out.append(_("Change {amount}").format(amount=format_yuan(Decimal(data["change"]))))
    buyer = data.get("buyer")
    if buyer:
        out.append(_("Buyer {name}").format(name=buyer["name"]))
        out.append(_("Tax id {tax_id}").format(tax_id=buyer["tax_id"]))
    return out


def method_label(method: str) -> str:
    return {
        "cash": _("Cash"),
        "wechat": _("WeChat Pay"),
        "alipay": _("Alipay"),
        "card": _("Bank card"),
        "other": _("Other"),
    }.get(method, method)


def status_label(row: dict) -> str:
    """The receipt's state in words: void, returned, exported, invoiced, printed or issued.

    ``returned`` (see :func:`shopdesk.services.history.with_returns`): a receipt
    whose every line came back is "returned", not "issued" (issue 14, item 2a).
    """
    parts = []
    if row.get("status") == "void":
        parts.append(_("void"))
    elif row.get("returned") == "all":
        parts.append(_("returned"))
    else:
        parts.append(_("issued"))
        if row.get("returned") == "part":
            parts.append(_("partly returned"))
    if row.get("training"):
        parts.append(_("training"))
    if row.get("printed"):
        parts.append(_("printed"))
    elif row.get("print_failed"):
        parts.append(_("not printed"))
    if row.get("batch"):
        parts.append(_("exported"))
    if row.get("invoice"):
        parts.append(_("invoiced"))
    # The list separator is a translation: Chinese writes "，" between items.
    return _(", ").join(parts)
