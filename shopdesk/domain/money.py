"""Money as ``Decimal`` yuan with exactly two places (fen); never float.

Amounts cross every boundary (ledger, CSV, QR, xlsx) as plain strings with two
decimals (``"12.50"``) so an accountant can read them and no reader has to guess a
float's rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shopdesk.errors import InvalidInput

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
#: Largest single amount shopdesk accepts (one hundred million yuan): far above any
#: shop sale, small enough that a typo of extra digits is caught.
MAX_AMOUNT = Decimal("99999999.99")


def round_fen(value: Decimal) -> Decimal:
    """Round half-up to the fen, the rule Chinese invoicing uses (四舍五入)."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_money(text: str | Decimal | int, field: str = "amount") -> Decimal:
    """Read an amount a person typed or a file holds: ``12``, ``12.5``, ``￥12.50``.

    More than two decimals, a negative sign, or anything not a number is an
    ``InvalidInput`` rather than a silent rounding: a cashier who typed ``1.005``
    meant something, and we should ask.
    """
    if isinstance(text, Decimal | int):
        raw = str(text)
    else:
        raw = text.strip().replace("￥", "").replace("¥", "").replace(",", "").replace("，", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput("money.not_a_number", field=field, value=str(text)) from None
    if not value.is_finite():
        raise InvalidInput("money.not_a_number", field=field, value=str(text))
    if value < 0:
        raise InvalidInput("money.negative", field=field, value=str(text))
    if value > MAX_AMOUNT:
        raise InvalidInput("money.too_large", field=field, value=str(text))
    if value != value.quantize(FEN):
        raise InvalidInput("money.too_precise", field=field, value=str(text))
    return value.quantize(FEN)


def money_str(value: Decimal) -> str:
    """The canonical text form: two decimals, no sign for zero, no grouping."""
    return str(round_fen(value) + ZERO)


def to_fen(value: Decimal) -> int:
    """Integer fen, for arithmetic that must not drift (allocations, totals)."""
    return int(round_fen(value) * 100)


def from_fen(fen: int) -> Decimal:
    """The inverse of :func:`to_fen`."""
    return (Decimal(fen) / 100).quantize(FEN)


def format_yuan(value: Decimal) -> str:
    """Display form with the fullwidth sign thermal printers can encode: ``￥1,203.05``.

    U+00A5 (¥) has no GBK encoding and breaks cheap printers; U+FFE5 (￥) does.
    """
    return f"￥{round_fen(value):,.2f}"
