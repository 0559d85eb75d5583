"""Till events: a sale cancelled, a line removed, the drawer opened without a sale.

None of them is a receipt, yet each is a classic way for cash to leave a till
untraced (issue 13, item 5: "不会留下任何记录"). So each is a signed ledger record
naming who did it and who approved it, counted on the X/Z of its shift
(:class:`shopdesk.domain.reports.TillEvents`). They take no receipt number and
touch neither the grand total nor any batch. Both front ends call these
functions: the app's sale screen (F8, F3, F2 to a smaller quantity, Ctrl+O) and
``shopdesk drawer open``.

Approval: opening the drawer always needs a manager (``drawer_open``);
cancelling a sale with lines (``cancel_sale``) and removing or reducing a line
(``remove_line``) do unless the profile says ``[security] approve_cancel =
false`` — recorded either way. Each function records *before* it changes the
cart, and changes nothing when the record cannot be written.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from shopdesk.domain.money import ZERO, money_str
from shopdesk.domain.reports import DRAWER_OPENED, LINE_REMOVED, SALE_CANCELLED
from shopdesk.domain.sale import PricedLine, parse_quantity
from shopdesk.errors import ApprovalRefused, InvalidInput
from shopdesk.services.approval import Approval
from shopdesk.services.cart import Cart
from shopdesk.services.sales import MAX_REASON
from shopdesk.services.shop import Shop


def needs_approval(shop: Shop, action: str) -> bool:
    """Whether ``action`` (``cancel_sale``, ``remove_line``, ``drawer_open``) needs a PIN."""
    return action == "drawer_open" or shop.profile.approve_cancel


def _approved_by(shop: Shop, action: str, approval: Approval | None) -> str | None:
    """Who approved (``None``: the profile lets this pass without a PIN), or refuse."""
    if approval is not None:
        if approval.action != action:
            raise ValueError(f"approval for {approval.action!r}, not {action!r}")
        return approval.by
    if needs_approval(shop, action):
        raise ApprovalRefused("till.approval_needed")
    return None


def _line_json(priced: PricedLine) -> dict:
    """A cart line as a till-event record keeps it: what, how many, at what price, for how much."""
    line = priced.line
    return {
        "sku": line.sku,
        "name": line.name,
        "qty": format(line.qty, "f"),
        "unit_price": money_str(line.unit_price),
        "amount": money_str(priced.amount),
    }


def cancel_sale(
    shop: Shop, cart: Cart, *, by: str, training: bool, approval: Approval | None
) -> dict | None:
    """Drop the sale in ``cart``, recording ``sale.cancelled`` with its lines and total.

    An empty cart records nothing and needs no approval: there was no sale.
    """
    priced = cart.priced()
    if priced is None:
        return None
    data = {
        "by": by,
        "approved_by": _approved_by(shop, "cancel_sale", approval),
        "training": training,
        "lines": [_line_json(line) for line in priced.lines],
        "total": money_str(priced.total),
    }
    record = shop.ledger.append(SALE_CANCELLED, data, shop.now())
    cart.clear()
    return record


def reduces(cart: Cart, index: int, qty: str | Decimal) -> bool:
    """Whether setting line ``index`` to ``qty`` takes something off the sale (a removal)."""
    return parse_quantity(qty, "quantity") < cart.line(index).qty


def remove_line(
    shop: Shop,
    cart: Cart,
    index: int,
    qty: str | Decimal | None = None,
    *,
    by: str,
    training: bool,
    approval: Approval | None,
) -> dict | None:
    """Remove line ``index`` (``qty`` ``None``) or reduce it to ``qty``; record ``line.removed``.

    The record holds the line as it was, the quantity taken off and the amount
    the sale's total dropped by (a sale discount spread over the lines moves
    with it). A quantity that is not smaller is a plain edit: no record, ``None``.
    """
    before = cart.priced()
    line = cart.line(index)
    assert before is not None
    kept = ZERO if qty is None else parse_quantity(qty, "quantity")
    if kept >= line.qty:
        cart.set_quantity(index, kept)
        return None
    approved_by = _approved_by(shop, "remove_line", approval)
    saved = replace(cart.draft, lines=list(cart.draft.lines))
    if qty is None:
        cart.remove(index)
    else:
        cart.set_quantity(index, kept)  # refuses (and undoes) a quantity the sale cannot price
    after = cart.priced()
    data = {
        "by": by,
        "approved_by": approved_by,
        "training": training,
        "line": _line_json(before.lines[index]),
        "qty_removed": format(line.qty - kept, "f"),
        "amount_removed": money_str(before.total - (after.total if after else ZERO)),
    }
    try:
        return shop.ledger.append(LINE_REMOVED, data, shop.now())
    except Exception:
        cart.draft = saved  # not recorded, so not removed
        raise


def open_drawer(
    shop: Shop, reason: str, *, by: str, approval: Approval, training: bool = False
) -> dict:
    """Record ``drawer.opened`` (no sale): who, why, who approved. The caller then kicks
    the drawer (:func:`shopdesk.services.printing.kick_drawer`): recorded first, so a
    printer fault can never leave an opening unrecorded."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("drawer.reason_missing")
    if len(reason) > MAX_REASON:
        raise InvalidInput("drawer.reason_too_long", limit=MAX_REASON)
    if by not in shop.profile.cashiers:
        raise InvalidInput("sale.unknown_cashier", value=by)
    data = {
        "by": by,
        "approved_by": _approved_by(shop, "drawer_open", approval),
        "training": training,
        "reason": reason,
    }
    return shop.ledger.append(DRAWER_OPENED, data, shop.now())


def set_training(shop: Shop, on: bool, *, by: str, approval: Approval | None) -> dict:
    """Record training mode switched on or off: ``training.changed`` (issue 13, item 3).

    A training receipt looks like a sale to a customer but is none, so turning it
    on needs a manager (``approval`` for ``training``); turning it off needs
    nobody. Either way the ledger says who, and who approved.
    """
    if on and approval is None:
        raise ApprovalRefused("approval.needed", action="training")
    if approval is not None and approval.action != "training":
        raise ValueError(f"approval for {approval.action!r}, not 'training'")
    data = {"on": on, "by": by, "approved_by": approval.by if on and approval else None}
    return shop.ledger.append("training.changed", data, shop.now())
