"""VAT on tax-inclusive (含税) retail prices.

Rounding rule (documented in README "Money and tax"): each receipt line's gross
amount (after its discounts) is the fixed point; its net is
``round_half_up(gross / (1 + rate))`` to the fen and its tax is ``gross - net``, so
net + tax always equals what the customer paid, line by line. Per-rate and receipt
totals are sums of the line figures, never recomputed from a total, so every
figure on the receipt, in the batch and in the xlsx adds up exactly. This matches
how the e-invoice platform derives tax per line from a tax-inclusive amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shopdesk.domain.money import ZERO, round_fen
from shopdesk.errors import InvalidInput

#: Rates a Chinese retail line can carry, by their text form in catalogs and records.
#: "exempt" (免税) is not the same as "0" (零税率): the invoice shows them differently.
RATES: dict[str, Decimal] = {
    "13": Decimal("0.13"),
    "9": Decimal("0.09"),
    "6": Decimal("0.06"),
    "3": Decimal("0.03"),
    "1": Decimal("0.01"),
    "0": Decimal("0"),
    "exempt": Decimal("0"),
}

#: Order in which per-rate totals are shown and exported.
RATE_ORDER = ("13", "9", "6", "3", "1", "0", "exempt")


def parse_rate(text: str, field: str = "tax_rate") -> str:
    """Normalise a rate as written in a catalog: ``13``, ``13%``, ``0.13``, ``免税``."""
    raw = str(text).strip().lower().rstrip("%").strip()
    if raw in ("exempt", "免税", "free"):
        return "exempt"
    if raw in RATES:
        return raw
    try:
        as_decimal = Decimal(raw)
        known = as_decimal.is_finite()
    except ArithmeticError:
        known = False
    if not known:
        raise InvalidInput("tax.unknown_rate", field=field, value=str(text))
    for key in RATES:
        if key != "exempt" and RATES[key] == as_decimal:
            return key
    raise InvalidInput("tax.unknown_rate", field=field, value=str(text))


def rate_label(rate: str) -> str:
    """How the rate is printed: ``13%`` or ``免税``."""
    return "免税" if rate == "exempt" else f"{rate}%"


@dataclass(frozen=True, slots=True)
class TaxSplit:
    gross: Decimal
    net: Decimal
    tax: Decimal


def split_gross(gross: Decimal, rate: str) -> TaxSplit:
    """Net and tax inside a tax-inclusive gross amount, by the module's rounding rule."""
    gross = round_fen(gross)
    if rate not in RATES:
        raise InvalidInput("tax.unknown_rate", field="tax_rate", value=rate)
    factor = RATES[rate]
    if factor == 0:
        return TaxSplit(gross, gross, ZERO)
    net = round_fen(gross / (1 + factor))
    return TaxSplit(gross, net, gross - net)
