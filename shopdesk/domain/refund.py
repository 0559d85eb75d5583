"""A return: part or all of a receipt's lines given back, and the money paid back.

A refund is priced from the original receipt's own line figures, never from the
catalog: the customer gets back what they paid for the goods, discounts and VAT
split included. Partial returns use a *cumulative* share so that several returns
of one line always add up to exactly what was paid for it, never a fen more:

    returned amount after x of Q units = round_half_up(amount × x / Q)

and a return of q units when r were returned before gives back
``cum(r + q) − cum(r)`` (the same for ``net``; ``tax`` = amount − net). When
r + q = Q the sum of every return of the line is the line's amount, net and tax.

Each refund line carries the sold line's quantity, amount and net and the
quantity returned before it, so the refund re-checks from its own record
(``verify``, ``verify-batch``) even when the original is in an older batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shopdesk.domain.money import ZERO, from_fen, money_str, to_fen
from shopdesk.domain.tax import RATE_ORDER
from shopdesk.errors import InvalidInput

#: Words a refund receipt is marked with on paper and in the batch.
REFUND_MARK = "退货"


@dataclass(frozen=True, slots=True)
class ReturnLine:
    """One line to give back: the original's line number (1-based) and how much."""

    line: int
    qty: Decimal


def _qty_str(qty: Decimal) -> str:
    return format(qty.normalize(), "f")


def cumulative_fen(whole_fen: int, part: Decimal, whole: Decimal) -> int:
    """``round_half_up(whole_fen × part / whole)`` in integer fen, exactly."""
    share = (Decimal(whole_fen) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(share)


def refund_figures(
    sold_qty: Decimal, sold_amount: str, sold_net: str, qty: Decimal, before: Decimal
) -> tuple[int, int]:
    """Fen of amount and net given back for ``qty`` of a line of which ``before`` went back already."""
    amount, net = to_fen(Decimal(sold_amount)), to_fen(Decimal(sold_net))
    give = cumulative_fen(amount, before + qty, sold_qty) - cumulative_fen(amount, before, sold_qty)
    give_net = cumulative_fen(net, before + qty, sold_qty) - cumulative_fen(net, before, sold_qty)
    return give, give_net


def refund_lines(
    original: Mapping, wanted: list[ReturnLine], returned: Mapping[int, Decimal]
) -> list[dict]:
    """The refund's lines for ``wanted`` of the ``original`` receipt's data.

    ``returned``: quantity already given back per line number by earlier refunds.
    Refuses an unknown line, a line named twice, and more than is left of a line.
    """
    if not wanted:
        raise InvalidInput("return.nothing")
    lines = original["lines"]
    seen: set[int] = set()
    out: list[dict] = []
    for item in wanted:
        if not 1 <= item.line <= len(lines):
            raise InvalidInput("return.unknown_line", line=item.line, lines=len(lines))
        if item.line in seen:
            raise InvalidInput("return.line_twice", line=item.line)
        seen.add(item.line)
        sold = lines[item.line - 1]
        before = returned.get(item.line, ZERO)
        left = Decimal(sold["qty"]) - before
        if item.qty <= 0 or item.qty > left:
            raise InvalidInput(
                "return.too_much",
                line=item.line,
                name=sold["name"],
                qty=_qty_str(item.qty),
                left=_qty_str(left) if left else "0",
            )
        amount, net = refund_figures(
            Decimal(sold["qty"]), sold["amount"], sold["net"], item.qty, before
        )
        out.append(
            {
                "line": item.line,
                "sku": sold["sku"],
                "barcode": sold["barcode"],
                "name": sold["name"],
                "spec": sold["spec"],
                "unit": sold["unit"],
                "unit_price": sold["unit_price"],
                "rate": sold["rate"],
                "tax_code": sold["tax_code"],
                "sold_qty": sold["qty"],
                "sold_amount": sold["amount"],
                "sold_net": sold["net"],
                "returned_before": _qty_str(before) if before else "0",
                "qty": _qty_str(item.qty),
                "amount": money_str(from_fen(amount)),
                "net": money_str(from_fen(net)),
                "tax": money_str(from_fen(amount - net)),
            }
        )
    return out


def refund_totals(lines: list[Mapping]) -> dict:
    """``total``, ``net``, ``tax`` and ``by_rate`` of refund lines: sums of the lines."""
    sums: dict[str, list[int]] = {}
    for line in lines:
        acc = sums.setdefault(line["rate"], [0, 0, 0])
        acc[0] += to_fen(Decimal(line["amount"]))
        acc[1] += to_fen(Decimal(line["net"]))
        acc[2] += to_fen(Decimal(line["tax"]))
    by_rate = {
        rate: {
            k: money_str(from_fen(v))
            for k, v in zip(("gross", "net", "tax"), sums[rate], strict=True)
        }
        for rate in RATE_ORDER
        if rate in sums
    }
    return {
        "total": money_str(from_fen(sum(v[0] for v in sums.values()))),
        "net": money_str(from_fen(sum(v[1] for v in sums.values()))),
        "tax": money_str(from_fen(sum(v[2] for v in sums.values()))),
        "by_rate": by_rate,
    }


def received_by_method(original: Mapping) -> dict[str, Decimal]:
    """What the original receipt kept per payment method (cash net of its change)."""
    kept: dict[str, Decimal] = {}
    for payment in original["payments"]:
        kept[payment["method"]] = kept.get(payment["method"], ZERO) + Decimal(payment["amount"])
    if "cash" in kept:
        kept["cash"] -= Decimal(original["change"])
    return kept


def pay_back(
    total: Decimal,
    original: Mapping,
    paid_back: Mapping[str, Decimal],
    asked: list[tuple[str, Decimal | None]],
) -> list[tuple[str, Decimal]]:
    """How the refund's ``total`` goes back, by method.

    Money goes back only by a method the original was paid with, and never more
    by a method than it received less what earlier refunds paid back by it: cash
    out of the drawer cannot exceed the cash this receipt brought in, so a return
    cannot turn a card sale into cash. Without ``asked`` it goes back the way it
    came, in the original's payment order. One asked method may leave its amount
    open (``None``): it takes the rest.
    """
    room = {m: kept - paid_back.get(m, ZERO) for m, kept in received_by_method(original).items()}
    if not asked:
        asked = []
        left = total
        for method, can in room.items():
            take = min(can, left)
            if take > 0:
                asked.append((method, take))
                left -= take
        return _checked_pay_back(total, room, asked)
    if sum(1 for _, amount in asked if amount is None) > 1:
        raise InvalidInput("payment.several_open")
    fixed = sum((a for _, a in asked if a is not None), ZERO)
    resolved = [(m, a if a is not None else max(total - fixed, ZERO)) for m, a in asked]
    return _checked_pay_back(total, room, resolved)


def _checked_pay_back(
    total: Decimal, room: Mapping[str, Decimal], resolved: list[tuple[str, Decimal]]
) -> list[tuple[str, Decimal]]:
    by_method: dict[str, Decimal] = {}
    for method, amount in resolved:
        by_method[method] = by_method.get(method, ZERO) + amount
    for method, amount in by_method.items():
        if amount > room.get(method, ZERO):
            raise InvalidInput(
                "return.pay_back_too_much",
                method=method,
                amount=money_str(amount),
                room=money_str(max(room.get(method, ZERO), ZERO)),
            )
    paid = sum(by_method.values(), ZERO)
    if paid != total:
        raise InvalidInput("return.pay_back_mismatch", total=money_str(total), paid=money_str(paid))
    return [(m, a) for m, a in resolved if a > 0]


def refund_problem(data: Mapping) -> str | None:
    """Why a refund record's figures do not follow from its own lines, or ``None``.

    Used by ``verify`` and ``verify-batch``: each line's amount and net are
    re-derived from the sold figures it carries, the totals re-summed, and the
    payments must add up to the total.
    """
    try:
        for line in data["lines"]:
            qty, before = Decimal(line["qty"]), Decimal(line["returned_before"])
            if qty <= 0 or before < 0 or before + qty > Decimal(line["sold_qty"]):
                return "too_much"
            amount, net = refund_figures(
                Decimal(line["sold_qty"]), line["sold_amount"], line["sold_net"], qty, before
            )
            if (line["amount"], line["net"], line["tax"]) != (
                money_str(from_fen(amount)),
                money_str(from_fen(net)),
                money_str(from_fen(amount - net)),
            ):
                return "line"
        totals = refund_totals(data["lines"])
        if any(data[k] != totals[k] for k in totals):
            return "totals"
        paid = sum((Decimal(p["amount"]) for p in data["payments"]), ZERO)
        if money_str(paid) != data["total"]:
            return "payments"
    except (KeyError, TypeError, ArithmeticError, ValueError):
        return "shape"
    return None
