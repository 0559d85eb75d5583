"""Money parsing and the tax-inclusive VAT split."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.money import format_yuan, from_fen, money_str, parse_money, round_fen, to_fen
from shopdesk.domain.tax import RATES, parse_rate, rate_label, split_gross
from shopdesk.errors import InvalidInput

fen_amounts = st.integers(min_value=0, max_value=9_999_999_999).map(from_fen)  # up to MAX_AMOUNT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", "12.00"),
        ("12.5", "12.50"),
        ("￥1,203.05", "1203.05"),
        (" 0.10 ", "0.10"),
        ("¥3", "3.00"),
    ],
)
def test_parse_money_reads_what_people_type(text: str, expected: str) -> None:
    assert money_str(parse_money(text)) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("-1", "money.negative"),
        ("1.005", "money.too_precise"),
        ("abc", "money.not_a_number"),
        ("NaN", "money.not_a_number"),
        ("Infinity", "money.not_a_number"),
        ("1e30", "money.too_large"),
        ("", "money.not_a_number"),
    ],
)
def test_parse_money_refuses_with_a_code(text: str, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_money(text)
    assert err.value.code == code


def test_round_half_up_not_bankers() -> None:
    assert round_fen(Decimal("0.125")) == Decimal("0.13")
    assert round_fen(Decimal("0.135")) == Decimal("0.14")


def test_fullwidth_yuan_sign_for_printers() -> None:
    assert format_yuan(Decimal("1203.05")) == "￥1,203.05"
    assert "¥" not in format_yuan(Decimal(1))


@given(fen_amounts)
def test_fen_round_trip(amount: Decimal) -> None:
    assert from_fen(to_fen(amount)) == amount
    assert parse_money(money_str(amount)) == amount


@given(fen_amounts, st.sampled_from(sorted(RATES)))
def test_net_plus_tax_is_always_the_gross(gross: Decimal, rate: str) -> None:
    split = split_gross(gross, rate)
    assert split.net + split.tax == gross
    assert split.tax >= 0 and split.net >= 0
    # the tax is the rate applied to the net, within half a fen of rounding
    assert abs(split.net * RATES[rate] - split.tax) <= Decimal("0.005") * (1 + RATES[rate])


def test_known_splits() -> None:
    assert split_gross(Decimal("3.00"), "13") == split_gross(Decimal("3"), "13")
    s = split_gross(Decimal("113.00"), "13")
    assert (s.net, s.tax) == (Decimal("100.00"), Decimal("13.00"))
    s = split_gross(Decimal("10.00"), "exempt")
    assert (s.net, s.tax) == (Decimal("10.00"), Decimal("0.00"))


@pytest.mark.parametrize(
    ("text", "rate"), [("13", "13"), ("13%", "13"), ("0.09", "9"), ("免税", "exempt"), ("0", "0")]
)
def test_parse_rate(text: str, rate: str) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["17", "sNaN", "x", "-13"])
def test_parse_rate_refuses_unknown_rates(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_rate(text)


def test_rate_label() -> None:
    assert rate_label("exempt") == "免税" and rate_label("9") == "9%"
