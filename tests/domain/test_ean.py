"""EAN-13 check digits and the barcode-shape test the sales screen routes input by."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.ean import ean13_check_digit, is_valid_ean13, looks_like_barcode

#: Check digits verified by hand: GS1's and Wikipedia's EAN-13 examples, an ISBN-13,
#: and Chinese (690-699 prefix) retail codes.
KNOWN_VALID = (
    "4006381333931",
    "5901234123457",
    "9780306406157",
    "6901939621257",
    "6901028075763",
    "6920202888883",
)

bodies = st.text(st.sampled_from("0123456789"), min_size=12, max_size=12)


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes(code: str) -> None:
    assert ean13_check_digit(code[:12]) == code[12]
    assert is_valid_ean13(code)


@pytest.mark.parametrize(
    "code",
    ["6901939621258", "690193962125", "69019396212577", "690193962125X", "６901939621257", ""],
)
def test_invalid_codes(code: str) -> None:
    assert not is_valid_ean13(code)


@pytest.mark.parametrize("body", ["12345678901", "1234567890123", "12345678901a", "١٢٣٤٥٦٧٨٩٠١٢"])
def test_check_digit_precondition(body: str) -> None:
    with pytest.raises(ValueError):
        ean13_check_digit(body)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6901939621257", True),
        ("6901939621257\r\n", True),
        ("036000291452", True),  # UPC-A
        ("96385074", True),  # EAN-8
        ("6901939621258", True),  # bad check digit is still a barcode
        ("1234567", False),
        ("12345678901", False),
        ("69019396212570", False),
        ("690193962125a", False),
        ("可口可乐", False),
        ("６９０１９３９６", False),
        ("", False),
    ],
)
def test_looks_like_barcode(text: str, expected: bool) -> None:
    assert looks_like_barcode(text) is expected


@given(bodies)
def test_computed_check_digit_validates(body: str) -> None:
    assert is_valid_ean13(body + ean13_check_digit(body))


@given(bodies, st.integers(0, 12), st.integers(1, 9))
def test_any_single_digit_change_is_detected(body: str, position: int, shift: int) -> None:
    """Weights 1 and 3 are coprime to 10, so one changed digit always moves the sum."""
    code = body + ean13_check_digit(body)
    changed = str((int(code[position]) + shift) % 10)
    mutated = code[:position] + changed + code[position + 1 :]
    assert not is_valid_ean13(mutated)
