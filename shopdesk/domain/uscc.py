"""Chinese taxpayer ids (纳税人识别号) as printed on a receipt's buyer and seller lines.

Since 2015 almost every registered body has an 18-character Unified Social Credit
Code (统一社会信用代码, GB 32100-2015) that carries a mod-31 check character, so a
mistyped id is caught at the counter instead of on the buyer's rejected invoice.
Older taxpayer ids (15, 17 or 20 characters) are still met on long-lived records;
they have no check we can verify, so they are accepted by shape only.

Errors are ``InvalidInput`` with a stable code; ``value`` is always the normalised
id, so a 1-based ``position`` in the data points into exactly what is shown.
"""

from __future__ import annotations

import re
import string
import unicodedata

from shopdesk.errors import InvalidInput

#: GB 32100-2015 code charset: digits and capital letters without I, O, S, V, Z
#: (too easily confused with 1, 0, 5, U, 2). A symbol's value is its index here.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_MODULUS = len(USCC_CHARSET)  # 31, a prime: every single substitution is detected.
USCC_LENGTH = 18
USCC_BODY_LENGTH = USCC_LENGTH - 1

#: GB 32100-2015 check-character weights for positions 1-17: 3**(i-1) mod 31, i.e.
#: 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
USCC_WEIGHTS = tuple(pow(3, i, USCC_MODULUS) for i in range(USCC_BODY_LENGTH))

#: GB 32100-2015 code structure: positions 3-8 are the registering authority's administrative
#: division code (登记管理机关行政区划码, GB/T 2260), six digits.
USCC_REGION = slice(2, 8)

#: Lengths of pre-2015 taxpayer ids: 15 = region (6 digits) + organisation code
#: (9 chars, GB 11714); 17 and 20 = a sole trader's 15- or 18-character resident id
#: number + 2. Accepted by shape: they carry no check we can verify.
LEGACY_LENGTHS = frozenset({15, 17, 20})
LEGACY_CHARSET = string.digits + string.ascii_uppercase
#: Every legacy form starts with a six-digit region code (GB/T 2260).
LEGACY_REGION = slice(0, 6)

_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_WHITESPACE = re.compile(r"\s+")


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a USCC.

    A precondition, not user input: ``first17`` must be 17 charset symbols, else
    ``ValueError`` (a programming error, not something to show a cashier).
    """
    if len(first17) != USCC_BODY_LENGTH or any(c not in USCC_CHARSET for c in first17):
        raise ValueError(f"need {USCC_BODY_LENGTH} USCC charset symbols, got {first17!r}")
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(USCC_MODULUS - total % USCC_MODULUS) % USCC_MODULUS]


def normalise_tax_id(text: str) -> str:
    """The id as it should be stored: no whitespace, ASCII capitals.

    NFKC first because a Chinese IME often types fullwidth ``９１１０`` or ``ａｂ``;
    uppercasing is ASCII-only so a stray ``ß`` cannot turn into valid-looking ``SS``.
    """
    folded = unicodedata.normalize("NFKC", text)
    return _WHITESPACE.sub("", folded).translate(_ASCII_UPPER)


def validate_tax_id(text: str) -> str:
    """Return the normalised taxpayer id, or raise ``InvalidInput`` saying what is wrong.

    Codes: ``tax_id.empty``, ``tax_id.bad_length``, ``tax_id.bad_char``,
    ``tax_id.bad_region``, ``tax_id.bad_check`` (the last for 18-character ids only).
    """
    value = normalise_tax_id(text)
    if not value:
        raise InvalidInput("tax_id.empty", value=value)
    if len(value) == USCC_LENGTH:
        _check_uscc(value)
    elif len(value) in LEGACY_LENGTHS:
        _check_legacy(value)
    else:
        raise InvalidInput("tax_id.bad_length", value=value, length=len(value))
    return value


def is_uscc(text: str) -> bool:
    """True when ``text`` is a valid 18-character USCC (not merely an older accepted id)."""
    try:
        return len(validate_tax_id(text)) == USCC_LENGTH
    except InvalidInput:
        return False


def _check_uscc(value: str) -> None:
    _check_chars(value, USCC_CHARSET)
    _check_region(value, USCC_REGION)
    expected = uscc_check_char(value[:USCC_BODY_LENGTH])
    got = value[USCC_BODY_LENGTH]
    if got != expected:
        raise InvalidInput("tax_id.bad_check", value=value, expected=expected, got=got)


def _check_legacy(value: str) -> None:
    _check_chars(value, LEGACY_CHARSET)
    _check_region(value, LEGACY_REGION)


def _check_chars(value: str, allowed: str) -> None:
    """Name the first character outside ``allowed``, so the message can point at it."""
    for position, char in enumerate(value, start=1):
        if char not in allowed:
            raise InvalidInput("tax_id.bad_char", value=value, char=char, position=position)


def _check_region(value: str, where: slice) -> None:
    """Region codes are digits; by now ``value`` is ASCII, so ``isdigit`` is exact."""
    region = value[where]
    if not region.isdigit():
        raise InvalidInput("tax_id.bad_region", value=value, region=region)
