"""Returns: a refund receipt for part or all of an earlier receipt (issue 13, item 7).

A return never changes the original: it is a new signed record
(``refund.issued``) with its own number in its own series (``T01-RF-00000001``),
marked 退货, naming the original receipt and its lines, priced from the
original's figures (:mod:`shopdesk.domain.refund`), paid back by method and
approved by a manager. The accountant issues the red-letter invoice (红字发票)
from the batch that carries it. The CLI and the app both call :func:`return_items`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.domain.money import ZERO, from_fen, money_str, parse_money
from shopdesk.domain.refund import (
    ReturnLine,
    pay_back,
    refund_lines,
    refund_totals,
)
from shopdesk.domain.sale import Payment, parse_quantity
from shopdesk.errors import InvalidInput, NotFound
from shopdesk.services.approval import Approval
from shopdesk.services.clock_guard import check_before_sale
from shopdesk.services.sales import MAX_REASON, get_receipt
from shopdesk.services.shop import Shop

#: ``LINE[xQTY]``: ``2`` (the whole line), ``2x1``, ``3x0.5``.
LINE_SPEC_RE = re.compile(r"^(?P<line>\d+)(?:[x×*](?P<qty>.+))?$", re.IGNORECASE)


def refund_number(terminal: str, rseq: int, series: str = "") -> str:
    """``T01-RF-00000001``; after a restore ``T01-R1-RF-00000002`` (see ``receipt_number``)."""
    prefix = f"{terminal}-{series}-" if series else f"{terminal}-"
    return f"{prefix}RF-{rseq:08d}"


def parse_line_spec(spec: str) -> tuple[int, Decimal | None]:
    """One ``--line`` argument: the line number and the quantity (``None``: all that is left)."""
    match = LINE_SPEC_RE.match(spec.strip())
    if not match:
        raise InvalidInput("return.bad_line_spec", value=spec)
    qty = match.group("qty")
    return int(match.group("line")), parse_quantity(qty) if qty else None


@dataclass(frozen=True)
class ReturnState:
    """What is left to return of a receipt: its record's data and what came back already."""

    number: str
    time: str
    data: dict
    #: Quantity returned so far per line number (1-based).
    returned: dict[int, Decimal]
    #: Money paid back so far per method.
    paid_back: dict[str, Decimal]
    refunds: tuple[str, ...]
    #: The original's official invoice number once reconciled, else ``""``.
    invoice: str = ""

    def left(self, line: int) -> Decimal:
        """How much of ``line`` can still come back."""
        return Decimal(self.data["lines"][line - 1]["qty"]) - self.returned.get(line, ZERO)


def return_state(shop: Shop, number: str) -> ReturnState:
    """The receipt ``number`` as a return sees it; refuses void and training receipts."""
    detail = get_receipt(shop, number)
    number = detail.record["data"]["no"]
    if detail.status["status"] == "void":
        raise InvalidInput("return.voided", number=number)
    if detail.status["training"]:
        raise InvalidInput("return.training", number=number)
    back = shop.ledger.view.returns.get(number) or {"lines": {}, "by_method": {}, "refunds": []}
    return ReturnState(
        number,
        detail.record["time"],
        detail.record["data"],
        {int(line): Decimal(qty) for line, qty in back["lines"].items()},
        {m: from_fen(fen) for m, fen in back["by_method"].items()},
        tuple(back["refunds"]),
        detail.status.get("invoice") or "",
    )


@dataclass(frozen=True)
class IssuedRefund:
    number: str
    record: dict


@dataclass(frozen=True)
class PricedReturn:
    """A return worked out but not written: what the app shows as the cashier types."""

    state: ReturnState
    lines: list[dict]
    totals: dict
    payments: list[tuple[str, Decimal]]


def price_return(
    shop: Shop,
    number: str,
    lines: list[tuple[int, Decimal | None]],
    pay: list[Payment] | None = None,
    state: ReturnState | None = None,
) -> PricedReturn:
    """The refund lines, totals and pay-back of a return, with every refusal of
    :func:`return_items` about them (limits, lines, pay-back) — and nothing written.

    ``state`` (from :func:`return_state`) saves reading the receipt again on each keystroke.
    """
    state = state or return_state(shop, number)
    wanted = [
        ReturnLine(line, qty if qty is not None else _all_left(state, line)) for line, qty in lines
    ]
    back = refund_lines(state.data, wanted, state.returned)
    totals = refund_totals(back)
    payments = pay_back(
        parse_money(totals["total"]),
        state.data,
        state.paid_back,
        [(p.method, p.amount) for p in pay or []],
    )
    return PricedReturn(state, back, totals, payments)


def return_items(
    shop: Shop,
    number: str,
    lines: list[tuple[int, Decimal | None]],
    *,
    reason: str,
    approval: Approval,
    pay: list[Payment] | None = None,
    cashier: str | None = None,
    clock_confirmed: bool = False,
) -> IssuedRefund:
    """Issue the refund receipt for ``lines`` (line number, quantity or all that is left).

    Everything that can refuse runs before the ledger is touched: an unknown,
    void or training receipt, an unknown line, more than is left of a line
    (after earlier returns), a pay-back the original's payments do not cover, a
    missing reason, a clock behind the ledger. Allowed whatever happened since
    the sale: exported, invoiced (that is what the red-letter invoice is for).
    """
    if approval.action != "return":
        raise ValueError(f"approval for {approval.action!r}, not a return")
    reason = check_return_reason(reason)
    cashier = cashier or shop.profile.cashiers[0]
    if cashier not in shop.profile.cashiers:
        raise InvalidInput("sale.unknown_cashier", value=cashier)
    priced = price_return(shop, number, lines, pay)
    state, back, totals, payments = priced.state, priced.lines, priced.totals, priced.payments
    now = check_before_sale(shop, ahead_confirmed=clock_confirmed)
    view = shop.ledger.view
    rseq = view.last_refund_rseq + 1
    refund_no = refund_number(shop.profile.terminal, rseq, view.series)
    body = {
        "no": refund_no,
        "rseq": rseq,
        "original": state.number,
        "original_time": state.time,
        "cashier": cashier,
        "reason": reason,
        "approved_by": approval.by,
        "lines": back,
        **totals,
        "payments": [{"method": m, "amount": money_str(a)} for m, a in payments],
        "buyer": state.data.get("buyer"),
        # the blue invoice the red-letter one cancels, if known by now (reconcile)
        "original_invoice": state.invoice,
    }
    record = shop.ledger.append("refund.issued", body, now)
    return IssuedRefund(refund_no, record)


def check_return_reason(reason: str) -> str:
    """The reason as recorded (blanks folded); refuses an empty or too long one.

    The app checks it before asking for the PIN, so a refusal never costs the PIN.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("return.reason_missing")
    if len(reason) > MAX_REASON:
        raise InvalidInput("return.reason_too_long", limit=MAX_REASON)
    return reason


def _all_left(state: ReturnState, line: int) -> Decimal:
    """All that is left of ``line``; an unknown line asks for 1 so the domain names the error."""
    if not 1 <= line <= len(state.data["lines"]):
        return Decimal(1)
    return state.left(line)


def get_refund(shop: Shop, number: str) -> dict:
    """A refund receipt's signed record by its number."""
    number = number.strip().upper()
    entry = shop.ledger.view.refunds.get(number)
    if entry is None:
        raise NotFound("receipt.not_found", number=number)
    months = [m for m in shop.ledger.journal.months() if m >= entry["time"][:7]]
    for rec in shop.ledger.records(months):
        if rec["seq"] == entry["seq"]:
            return rec
    raise NotFound(
        "receipt.not_found", number=number
    )  # pragma: no cover - view and journal disagree
