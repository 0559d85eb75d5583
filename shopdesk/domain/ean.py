"""Retail barcodes: is scanner input a barcode, and is an EAN-13 intact?

A scanner types into the same field a cashier uses for names and codes, so the
sales screen needs a cheap shape test to route the input; the EAN-13 check digit
then catches a misread or a hand-typed slip before a wrong item is sold.
"""

from __future__ import annotations

import re

#: GS1 General Specifications (mod-10 check digit): from the left, the first 12
#: digits of an EAN-13 alternate weights 1 and 3.
EAN13_BODY_LENGTH = 12
EAN13_WEIGHTS = (1, 3) * (EAN13_BODY_LENGTH // 2)
CHECK_MODULUS = 10

#: EAN-8, UPC-A and EAN-13 (GTIN-8, -12 and -13): the lengths a shop's scanner sends.
BARCODE_LENGTHS = frozenset({8, 12, 13})

# ``[0-9]`` not ``\d``: ``\d`` also matches other scripts' digits, which no scanner sends.
_EAN13_BODY = re.compile(r"[0-9]{12}")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def ean13_check_digit(first12: str) -> str:
    """The GS1 check digit for the first 12 digits of an EAN-13.

    A precondition, not user input: anything but 12 ASCII digits is ``ValueError``.
    """
    if not _EAN13_BODY.fullmatch(first12):
        raise ValueError(f"need {EAN13_BODY_LENGTH} ASCII digits, got {first12!r}")
    total = sum(int(d) * w for d, w in zip(first12, EAN13_WEIGHTS, strict=True))
    return str((CHECK_MODULUS - total % CHECK_MODULUS) % CHECK_MODULUS)


def is_valid_ean13(code: str) -> bool:
    """True for exactly 13 ASCII digits whose last is the check digit of the rest.

    No trimming here: callers pass what :func:`looks_like_barcode` accepted, stripped.
    """
    if len(code) != EAN13_BODY_LENGTH + 1 or not _ASCII_DIGITS.fullmatch(code):
        return False
    return ean13_check_digit(code[:EAN13_BODY_LENGTH]) == code[EAN13_BODY_LENGTH]


def looks_like_barcode(text: str) -> bool:
    """True when ``text`` has a barcode's shape: 8, 12 or 13 ASCII digits.

    Surrounding whitespace is ignored (scanners end with Enter, some with a tab).
    The check digit is deliberately not tested: a misread barcode should still be
    treated as a barcode, so the cashier hears "bad barcode" rather than "no such
    product name".
    """
    stripped = text.strip()
    return len(stripped) in BARCODE_LENGTHS and bool(_ASCII_DIGITS.fullmatch(stripped))
