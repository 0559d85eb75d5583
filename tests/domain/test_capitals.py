"""人民币大写: a table of worked examples, and properties over random amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.capitals import MAX_CAPITALS_AMOUNT, amount_in_capitals
from shopdesk.errors import InvalidInput

EXAMPLES = [
    ("0", "零元整"),
    ("0.01", "壹分"),
    ("0.05", "伍分"),
    ("0.10", "壹角整"),
    ("0.50", "伍角整"),
    ("0.15", "壹角伍分"),
    ("1", "壹元整"),
    ("1.05", "壹元零伍分"),
    ("10", "壹拾元整"),
    ("10.05", "壹拾元零伍分"),
    ("10.10", "壹拾元壹角整"),
    ("15", "壹拾伍元整"),
    ("100", "壹佰元整"),
    ("1000.50", "壹仟元伍角整"),
    ("1004.00", "壹仟零肆元整"),
    ("1010", "壹仟零壹拾元整"),
    ("1203.05", "壹仟贰佰零叁元零伍分"),
    ("1409.50", "壹仟肆佰零玖元伍角整"),  # PBOC rule (一)
    ("6007.14", "陆仟零柒元壹角肆分"),  # PBOC rule (二)
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),  # PBOC rule (三), 零 left out
    ("107000.53", "壹拾万柒仟元伍角叁分"),  # PBOC rule (三), 零 left out
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),  # PBOC rule (四)
    ("325.04", "叁佰贰拾伍元零肆分"),  # PBOC rule (四)
    ("35680", "叁万伍仟陆佰捌拾元整"),
    ("100000.00", "壹拾万元整"),
    ("110000", "壹拾壹万元整"),
    ("100100", "壹拾万零壹佰元整"),
    ("10005000.00", "壹仟万伍仟元整"),
    ("10010000", "壹仟零壹万元整"),
    ("100000000", "壹亿元整"),
    ("100000001", "壹亿零壹元整"),
    ("100005000", "壹亿零伍仟元整"),
    ("101000000", "壹亿零壹佰万元整"),
    ("100010000.10", "壹亿零壹万元壹角整"),
    (
        "999999999999.99",
        "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
    ),
]

DIGIT_WORDS = "零壹贰叁肆伍陆柒捌玖"
PLACE_VALUES = {"拾": 10, "佰": 100, "仟": 1000}
SECTION_VALUES = {"万": 10**4, "亿": 10**8}
ALLOWED = set(DIGIT_WORDS) | set(PLACE_VALUES) | set(SECTION_VALUES) | set("元角分整")

amounts = st.integers(0, 10**14 - 1).map(lambda fen: Decimal(fen) / 100)


def parse_capitals(text: str) -> Decimal:
    """Read capitals back, strictly enough that a malformed string fails an assertion.

    零 is skipped: the units alone fix each digit's place, so decoding never needs it.
    """
    body = text.removesuffix("整")
    integer_text, _, fraction_text = body.rpartition("元")
    total_fen = _parse_integer(integer_text) * 100
    for unit, fen_per_unit in (("角", 10), ("分", 1)):
        if unit in fraction_text:
            before, _, fraction_text = fraction_text.partition(unit)
            digit = before.removeprefix("零")
            assert len(digit) == 1 and digit in DIGIT_WORDS[1:], text
            total_fen += DIGIT_WORDS.index(digit) * fen_per_unit
    assert fraction_text == "", text
    return Decimal(total_fen) / 100


def _parse_integer(text: str) -> int:
    total = section = 0
    digit: int | None = None
    for char in text:
        if char in DIGIT_WORDS[1:]:
            assert digit is None, text
            digit = DIGIT_WORDS.index(char)
        elif char in PLACE_VALUES:
            assert digit is not None, text
            section += digit * PLACE_VALUES[char]
            digit = None
        elif char in SECTION_VALUES:
            section += digit or 0
            total += section * SECTION_VALUES[char]
            section, digit = 0, None
        else:
            assert char == "零", text
    return total + section + (digit or 0)


@pytest.mark.parametrize(("amount", "expected"), EXAMPLES)
def test_examples(amount: str, expected: str) -> None:
    assert amount_in_capitals(Decimal(amount)) == expected


@pytest.mark.parametrize(("amount", "expected"), EXAMPLES)
def test_parser_reads_examples(amount: str, expected: str) -> None:
    assert parse_capitals(expected) == Decimal(amount)


def test_rounds_half_up_to_the_fen_first() -> None:
    assert amount_in_capitals(Decimal("1.005")) == "壹元零壹分"
    assert amount_in_capitals(Decimal("0.004")) == "零元整"
    assert amount_in_capitals(Decimal("9.995")) == "壹拾元整"


@pytest.mark.parametrize("amount", ["-0.01", "-100", "-0.001"])
def test_negative_is_invalid(amount: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        amount_in_capitals(Decimal(amount))
    assert caught.value.code == "money.negative"
    assert caught.value.data == {"field": "amount", "value": amount}


@pytest.mark.parametrize("amount", ["1000000000000", "999999999999.995"])
def test_too_large(amount: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        amount_in_capitals(Decimal(amount))
    assert caught.value.code == "money.too_large"


@pytest.mark.parametrize("amount", ["NaN", "Infinity"])
def test_not_a_number(amount: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        amount_in_capitals(Decimal(amount))
    assert caught.value.code == "money.not_a_number"


def test_ceiling_is_accepted() -> None:
    assert amount_in_capitals(MAX_CAPITALS_AMOUNT).endswith("玖角玖分")


@given(amounts)
def test_round_trips(amount: Decimal) -> None:
    assert parse_capitals(amount_in_capitals(amount)) == amount


@given(amounts)
def test_uses_only_allowed_characters(amount: Decimal) -> None:
    assert set(amount_in_capitals(amount)) <= ALLOWED


@given(amounts)
def test_ends_with_whole_iff_no_fen(amount: Decimal) -> None:
    fen_digit = int(amount * 100) % 10
    assert amount_in_capitals(amount).endswith("整") == (fen_digit == 0)


@given(amounts)
def test_never_doubles_zero(amount: Decimal) -> None:
    assert "零零" not in amount_in_capitals(amount)


@given(amounts)
def test_leading_zero_only_for_zero(amount: Decimal) -> None:
    words = amount_in_capitals(amount)
    assert words.startswith("零") == (amount == 0)


@given(amounts)
def test_no_zero_before_a_unit_or_at_the_end(amount: Decimal) -> None:
    """零 only ever stands before a digit word: never before 元/万/亿/角/分 or at the end."""
    words = amount_in_capitals(amount).removesuffix("整")
    for index, char in enumerate(words):
        if char == "零" and amount != 0:
            assert index + 1 < len(words) and words[index + 1] in DIGIT_WORDS[1:], words
