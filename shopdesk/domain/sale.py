"""A sale from draft to the receipt body that goes into the ledger.

Everything here is arithmetic on ``Decimal``: the draft a cashier builds (lines,
discounts, buyer, payments) is priced line by line, the sale discount is spread
over the lines in whole fen (largest remainder, so the sum is exact), VAT is split
per line (see :mod:`shopdesk.domain.tax`), and payments are checked. The result is
a plain JSON-ready dict: the ledger signs exactly what the domain computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from shopdesk.domain.money import (
    ZERO,
    from_fen,
    money_str,
    parse_money,
    round_fen,
    to_fen,
)
from shopdesk.domain.tax import RATE_ORDER, split_gross
from shopdesk.domain.uscc import validate_tax_id
from shopdesk.errors import InvalidInput

PAYMENT_METHODS = ("cash", "wechat", "alipay", "card", "other")
#: A line above this quantity is almost certainly a scanner or keyboard slip.
MAX_QUANTITY = Decimal("9999")
#: Quantities by weight (kg) are read to the gram; counted goods are whole numbers.
QUANTITY_PLACES = Decimal("0.001")
#: Catalog units sold by weight: only these lines may have a fractional quantity
#: (lower-cased; a shop's 罐, 瓶, 袋 … are counted). Issue 13 item 8.
WEIGHED_UNITS = frozenset({"kg", "千克", "公斤", "斤", "两", "g", "克"})


def parse_quantity(text: str | Decimal | int, field: str = "quantity") -> Decimal:
    """A positive quantity of at most three decimals (grams when sold by the kg)."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise InvalidInput("sale.bad_quantity", field=field, value=str(text)) from None
    if not value.is_finite() or value <= 0:
        raise InvalidInput("sale.bad_quantity", field=field, value=str(text))
    if value > MAX_QUANTITY:
        raise InvalidInput("sale.quantity_too_large", field=field, value=str(text))
    if value != value.quantize(QUANTITY_PLACES):
        raise InvalidInput("sale.bad_quantity", field=field, value=str(text))
    return value.normalize() if value == value.to_integral() else value


def is_weighed(unit: str) -> bool:
    """True for a unit sold by weight (``kg``, ``斤`` …), where 0.512 is a real quantity."""
    return unit.strip().lower() in WEIGHED_UNITS


def check_quantity_for_unit(qty: Decimal, unit: str, item: str) -> Decimal:
    """``qty`` unchanged, unless it has a fraction and ``unit`` is not a weight.

    Half a can of cola is a typing slip (``D001x1.5`` for ``D001x15``) that would
    still price; refusing it at entry is the till's only chance to catch it. Only
    applied where a line is entered: stored receipts are re-priced as they are.
    """
    if qty != qty.to_integral_value() and not is_weighed(unit):
        raise InvalidInput(
            "sale.whole_quantity", item=item, unit=unit or "—", value=format(qty, "f")
        )
    return qty


#: 抹零: the amount due rounded *down* to a whole jiao or yuan; the step in fen.
ROUND_OFF_STEPS = {"jiao": 10, "yuan": 100}

#: A percentage discount is read to two decimals (12.5 %, 8.75折).
PERCENT_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


def parse_discount(text: str) -> tuple[Decimal | None, Decimal | None]:
    """``(amount, None)`` for ``0.30``, ``(None, percent)`` for ``10%``.

    A percent is above 0 and at most 100 with at most two decimals; anything
    else is refused rather than rounded, like a money amount.
    """
    raw = text.strip()
    if not raw.endswith(("%", "％")):
        return parse_money(raw, "discount"), None
    try:
        pct = Decimal(raw[:-1].strip())
    except InvalidOperation:
        raise InvalidInput("sale.bad_percent", value=text) from None
    if not pct.is_finite() or not 0 < pct <= HUNDRED or pct != pct.quantize(PERCENT_PLACES):
        raise InvalidInput("sale.bad_percent", value=text)
    return None, pct


def percent_fen(base_fen: int, pct: Decimal) -> int:
    """``pct`` % of ``base_fen``, half-up to the fen (四舍五入), as the receipt records it."""
    return to_fen(from_fen(base_fen) * pct / HUNDRED)


def percent_str(pct: Decimal) -> str:
    """``10`` for 10 %, ``12.5`` for 12.5 %: the text a receipt stores."""
    return format(pct.normalize(), "f")


def zhe_label(pct: Decimal) -> str:
    """How a Chinese shop says a percent off: 10 % is ``9折``, 15 % is ``8.5折``."""
    return f"{percent_str((HUNDRED - pct) / 10)}折"


def percent_label(pct: Decimal, language: str) -> str:
    """``9折`` for a Chinese reader, ``10%`` for an English one."""
    return zhe_label(pct) if language == "zh" else f"{percent_str(pct)}%"


@dataclass(frozen=True, slots=True)
class DraftLine:
    """One line as the cashier entered it: what, how many, at what unit price."""

    sku: str
    name: str
    unit: str
    tax_rate: str
    tax_code: str
    qty: Decimal
    unit_price: Decimal
    barcode: str = ""
    spec: str = ""
    #: Amount taken off this line (not per unit), in yuan.
    discount: Decimal = ZERO
    #: True when the unit price is not the catalog's (needs a manager's PIN in the app).
    price_override: bool = False
    #: A percentage off this line (``10`` = 10 %); when set it decides ``discount``.
    discount_pct: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Buyer:
    """A company buyer that wants a special or ordinary fapiao in its own name."""

    name: str
    tax_id: str
    phone: str = ""
    email: str = ""

    @classmethod
    def create(cls, name: str, tax_id: str, phone: str = "", email: str = "") -> Buyer:
        """Validated buyer: a name and a checked tax id, or an ``InvalidInput``."""
        name = name.strip()
        if not name:
            raise InvalidInput("buyer.name_missing")
        return cls(name, validate_tax_id(tax_id), phone.strip(), email.strip())


@dataclass(frozen=True, slots=True)
class Payment:
    method: str
    #: Amount handed over; ``None`` means "the rest of the total" (exact payment).
    amount: Decimal | None = None

    def __post_init__(self) -> None:
        if self.method not in PAYMENT_METHODS:
            raise InvalidInput("payment.unknown_method", value=self.method)


@dataclass(slots=True)
class SaleDraft:
    lines: list[DraftLine] = field(default_factory=list)
    sale_discount: Decimal = ZERO
    buyer: Buyer | None = None
    payments: list[Payment] = field(default_factory=list)
    #: A percentage off the whole sale; when set it decides ``sale_discount``.
    sale_discount_pct: Decimal | None = None
    #: 抹零: ``""`` (none), ``"jiao"`` or ``"yuan"``: the total is rounded down to it.
    round_off: str = ""


@dataclass(frozen=True, slots=True)
class PricedLine:
    line: DraftLine
    gross_before_discount: Decimal
    discount: Decimal  # line discount + its share of the sale discount
    amount: Decimal  # what the customer pays for this line, tax included
    net: Decimal
    tax: Decimal
    #: The line's own discount, without its share of the sale discount.
    own_discount: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class RateTotal:
    gross: Decimal
    net: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class PricedSale:
    lines: tuple[PricedLine, ...]
    by_rate: dict[str, RateTotal]
    subtotal: Decimal  # before any discount
    discount: Decimal  # all discounts together
    total: Decimal
    net: Decimal
    tax: Decimal
    #: The sale discount before it was spread (from an amount or a percent).
    sale_discount: Decimal = ZERO
    #: The percent behind ``sale_discount``, when the cashier gave one.
    sale_discount_pct: Decimal | None = None
    #: 抹零: small change taken off the total (spread over the lines like a discount).
    rounding: Decimal = ZERO


def _allocate(total_fen: int, weights: list[int]) -> list[int]:
    """Split ``total_fen`` over lines in proportion to ``weights``, exactly.

    Largest-remainder: floor shares first, then the leftover fen go to the lines
    with the largest remainders (earliest first on ties), so the shares always
    sum to the discount and the result does not depend on float rounding.
    """
    whole = sum(weights)
    if whole == 0:
        return [0] * len(weights)
    shares = [total_fen * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total_fen * weights[i] % whole), i))
    for i in remainders[: total_fen - sum(shares)]:
        shares[i] += 1
    return shares


def _rounding_fen(total_fen: int, round_off: str) -> int:
    """What 抹零 takes off ``total_fen``: down to the whole jiao or yuan, never up."""
    if not round_off:
        return 0
    if round_off not in ROUND_OFF_STEPS:
        raise InvalidInput("sale.bad_round_off", value=round_off)
    return total_fen % ROUND_OFF_STEPS[round_off]


def price_sale(draft: SaleDraft) -> PricedSale:
    """Price every line, spread the sale discount, and split VAT per line."""
    if not draft.lines:
        raise InvalidInput("sale.empty")
    before: list[int] = []
    after_line_discount: list[int] = []
    for index, line in enumerate(draft.lines, start=1):
        gross = to_fen(round_fen(line.qty * line.unit_price))
        if line.discount_pct is None:
            discount = to_fen(line.discount)
        else:
            discount = percent_fen(gross, line.discount_pct)
        if discount < 0 or discount > gross:
            raise InvalidInput("sale.bad_line_discount", line=index, value=money_str(line.discount))
        before.append(gross)
        after_line_discount.append(gross - discount)
    if draft.sale_discount_pct is None:
        sale_discount = to_fen(draft.sale_discount)
    else:
        sale_discount = percent_fen(sum(after_line_discount), draft.sale_discount_pct)
    if sale_discount < 0 or sale_discount > sum(after_line_discount):
        raise InvalidInput("sale.bad_sale_discount", value=money_str(draft.sale_discount))
    rounding = _rounding_fen(sum(after_line_discount) - sale_discount, draft.round_off)
    # 抹零 is spread with the sale discount: every line keeps amount = net + tax and
    # the invoice shows it as part of each line's 折扣行 (docs/format.md).
    shares = _allocate(sale_discount + rounding, after_line_discount)

    priced: list[PricedLine] = []
    sums: dict[str, list[Decimal]] = {}
    for line, gross, base, share in zip(
        draft.lines, before, after_line_discount, shares, strict=True
    ):
        split = split_gross(from_fen(base - share), line.tax_rate)
        priced.append(
            PricedLine(
                line,
                from_fen(gross),
                from_fen(gross - base + share),
                split.gross,
                split.net,
                split.tax,
                from_fen(gross - base),
            )
        )
        acc = sums.setdefault(line.tax_rate, [ZERO, ZERO, ZERO])
        acc[0] += split.gross
        acc[1] += split.net
        acc[2] += split.tax
    by_rate = {r: RateTotal(*sums[r]) for r in RATE_ORDER if r in sums}
    total = sum((p.amount for p in priced), ZERO)
    return PricedSale(
        lines=tuple(priced),
        by_rate=by_rate,
        subtotal=from_fen(sum(before)),
        discount=from_fen(sum(before) - to_fen(total)),
        total=total,
        net=sum((p.net for p in priced), ZERO),
        tax=sum((p.tax for p in priced), ZERO),
        sale_discount=from_fen(sale_discount),
        sale_discount_pct=draft.sale_discount_pct,
        rounding=from_fen(rounding),
    )


@dataclass(frozen=True, slots=True)
class Settlement:
    payments: tuple[tuple[str, Decimal], ...]
    paid: Decimal
    change: Decimal


def settle(total: Decimal, payments: list[Payment]) -> Settlement:
    """Check the payments cover the total; only cash can be over-tendered (change).

    No payment given means cash, exact. A payment without an amount takes what is
    still due. Card, WeChat and Alipay charge exact amounts, so if they alone
    exceed the total it is a typing mistake, not change to hand out.
    """
    if not payments:
        payments = [Payment("cash")]
    explicit = sum((p.amount for p in payments if p.amount is not None), ZERO)
    open_ones = [p for p in payments if p.amount is None]
    if len(open_ones) > 1:
        raise InvalidInput("payment.several_open")
    resolved: list[tuple[str, Decimal]] = []
    for payment in payments:
        amount = payment.amount if payment.amount is not None else max(total - explicit, ZERO)
        resolved.append((payment.method, round_fen(amount)))
    paid = sum((a for _, a in resolved), ZERO)
    if paid < total:
        raise InvalidInput(
            "sale.underpaid",
            total=money_str(total),
            paid=money_str(paid),
            missing=money_str(total - paid),
        )
    change = paid - total
    cash = sum((a for m, a in resolved if m == "cash"), ZERO)
    if change > cash:
        raise InvalidInput("payment.overpaid_noncash", total=money_str(total), paid=money_str(paid))
    return Settlement(tuple(resolved), paid, change)


def _qty_str(qty: Decimal) -> str:
    return format(qty.normalize(), "f")


def _percent_off(pct: Decimal, amount: Decimal) -> dict:
    return {"pct": percent_str(pct), "amount": money_str(amount)}


def _line_body(p: PricedLine) -> dict:
    """One stored line; ``percent_off`` only when the cashier gave a percent (old receipts unchanged)."""
    body = {
        "sku": p.line.sku,
        "barcode": p.line.barcode,
        "name": p.line.name,
        "spec": p.line.spec,
        "unit": p.line.unit,
        "qty": _qty_str(p.line.qty),
        "unit_price": money_str(p.line.unit_price),
        "price_override": p.line.price_override,
        "discount": money_str(p.discount),
        "amount": money_str(p.amount),
        "rate": p.line.tax_rate,
        "tax_code": p.line.tax_code,
        "net": money_str(p.net),
        "tax": money_str(p.tax),
    }
    if p.line.discount_pct is not None:
        body["percent_off"] = _percent_off(p.line.discount_pct, p.own_discount)
    return body


def receipt_body(
    priced: PricedSale,
    settlement: Settlement,
    *,
    number: str,
    receipt_seq: int,
    cashier: str,
    buyer: Buyer | None,
    training: bool,
) -> dict:
    """The receipt as the ledger stores and signs it: strings for every amount."""
    body = {
        "no": number,
        "rseq": receipt_seq,
        "training": training,
        "cashier": cashier,
        "lines": [_line_body(p) for p in priced.lines],
        "subtotal": money_str(priced.subtotal),
        "discount": money_str(priced.discount),
        "total": money_str(priced.total),
        "net": money_str(priced.net),
        "tax": money_str(priced.tax),
        "by_rate": {
            rate: {"gross": money_str(t.gross), "net": money_str(t.net), "tax": money_str(t.tax)}
            for rate, t in priced.by_rate.items()
        },
        "payments": [{"method": m, "amount": money_str(a)} for m, a in settlement.payments],
        "change": money_str(settlement.change),
        "buyer": buyer_json(buyer),
    }
    if priced.sale_discount_pct is not None:
        body["percent_off"] = _percent_off(priced.sale_discount_pct, priced.sale_discount)
    if priced.rounding:
        body["rounding"] = money_str(priced.rounding)
    return body


def buyer_json(buyer: Buyer | None) -> dict | None:
    """The buyer as a receipt (and a parked sale) stores it."""
    if buyer is None:
        return None
    return {"name": buyer.name, "tax_id": buyer.tax_id, "phone": buyer.phone, "email": buyer.email}


def parse_payment(text: str) -> Payment:
    """``cash``, ``cash:100``, ``wechat:12.50`` as given on the command line."""
    method, _, amount = text.partition(":")
    method = method.strip().lower()
    return Payment(method, parse_money(amount, field="payment") if amount.strip() else None)
