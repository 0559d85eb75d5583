"""Taxpayer ids: the GB 32100-2015 check character and the accepted legacy shapes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.uscc import (
    USCC_CHARSET,
    USCC_WEIGHTS,
    is_uscc,
    uscc_check_char,
    validate_tax_id,
)
from shopdesk.errors import InvalidInput

#: Real USCCs whose check characters verify (the first is the standard's style example).
KNOWN_VALID = ("91110000600037341L", "91440300708461136T", "91110108551385082Q")

charset_chars = st.sampled_from(USCC_CHARSET)
digits = st.sampled_from("0123456789")


@st.composite
def uscc_bodies(draw: st.DrawFn) -> str:
    """17 charset symbols whose positions 3-8 are digits, as a region code must be."""
    head = draw(st.text(charset_chars, min_size=2, max_size=2))
    region = draw(st.text(digits, min_size=6, max_size=6))
    subject = draw(st.text(charset_chars, min_size=9, max_size=9))
    return head + region + subject


def _error(text: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        validate_tax_id(text)
    return caught.value


def test_weights_are_the_published_table() -> None:
    assert USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("uscc", KNOWN_VALID)
def test_known_valid_ids(uscc: str) -> None:
    assert uscc_check_char(uscc[:17]) == uscc[17]
    assert validate_tax_id(uscc) == uscc
    assert is_uscc(uscc)


def test_normalises_spaces_case_and_fullwidth() -> None:
    assert validate_tax_id(" 9111 0000 6000 3734 1l ") == "91110000600037341L"
    assert validate_tax_id("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_empty(text: str) -> None:
    assert _error(text).code == "tax_id.empty"


@pytest.mark.parametrize("text", ["9111000060003734", "91110000600037341L0", "1" * 21, "12"])
def test_bad_length(text: str) -> None:
    error = _error(text)
    assert error.code == "tax_id.bad_length"
    assert error.data == {"value": text, "length": len(text)}


def test_bad_char_names_first_offender_and_position() -> None:
    error = _error("91110000600O37341I")
    assert error.code == "tax_id.bad_char"
    assert error.data == {"value": "91110000600O37341I", "char": "O", "position": 12}


def test_bad_region() -> None:
    body = "91A10000600037341"
    error = _error(body + uscc_check_char(body))
    assert error.code == "tax_id.bad_region"
    assert error.data["region"] == "A10000"


def test_bad_check_names_expected_and_got() -> None:
    error = _error("91110000600037341M")
    assert error.code == "tax_id.bad_check"
    assert error.data == {"value": "91110000600037341M", "expected": "L", "got": "M"}


@pytest.mark.parametrize("text", ["110105123456789", "11010519491231002", "11010519491231002X01"])
def test_legacy_lengths_accepted_by_shape(text: str) -> None:
    assert validate_tax_id(text) == text
    assert not is_uscc(text)


def test_legacy_letters_outside_uscc_charset_are_fine() -> None:
    # Organisation codes (GB 11714) may use any capital letter, unlike a USCC.
    assert validate_tax_id("110105ZZ345678I") == "110105ZZ345678I"


def test_legacy_bad_char_and_region() -> None:
    assert _error("110105-23456789").data["position"] == 7
    assert _error("11010A123456789").code == "tax_id.bad_region"


def test_check_char_precondition() -> None:
    with pytest.raises(ValueError):
        uscc_check_char("9111000060003734I")
    with pytest.raises(ValueError):
        uscc_check_char("9111")


def test_is_uscc_false_for_rubbish() -> None:
    assert not is_uscc("hello")
    assert not is_uscc("91110000600037341M")


@given(uscc_bodies())
def test_body_plus_computed_check_validates(body: str) -> None:
    uscc = body + uscc_check_char(body)
    assert validate_tax_id(uscc) == uscc
    assert is_uscc(uscc.lower())


@given(uscc_bodies(), st.integers(0, 17), charset_chars)
def test_any_single_substitution_is_detected(body: str, position: int, new: str) -> None:
    """Weights are nonzero mod the prime 31, so one changed symbol always shifts the sum."""
    uscc = body + uscc_check_char(body)
    if uscc[position] == new:
        new = USCC_CHARSET[(USCC_CHARSET.index(new) + 1) % len(USCC_CHARSET)]
    mutated = uscc[:position] + new + uscc[position + 1 :]
    error = _error(mutated)
    if 2 <= position < 8 and not new.isdigit():
        assert error.code == "tax_id.bad_region"
    else:
        assert error.code == "tax_id.bad_check"
        assert error.data["expected"] == uscc_check_char(mutated[:17])
        assert error.data["got"] == mutated[17]
        if position == 17:
            assert error.data["expected"] == uscc[17]


@given(st.text(charset_chars, min_size=17, max_size=17), st.integers(0, 16), charset_chars)
def test_check_char_changes_with_any_body_substitution(body: str, position: int, new: str) -> None:
    """The bare checksum, on any charset body (region digits or not)."""
    if body[position] == new:
        new = USCC_CHARSET[(USCC_CHARSET.index(new) + 1) % len(USCC_CHARSET)]
    mutated = body[:position] + new + body[position + 1 :]
    assert uscc_check_char(mutated) != uscc_check_char(body)
