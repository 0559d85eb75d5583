"""Screen money and times follow CLDR (checked against Babel's data) in both languages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.tui.formats import date_time, day_time, money

LOCALES = {"zh": "zh_CN", "en": "en"}
amounts = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
)


@given(amounts, st.sampled_from(["zh", "en"]))
def test_money_is_cldr_currency_format(value: Decimal, lang: str) -> None:
    assert money(value, lang) == format_currency(value, "CNY", locale=LOCALES[lang])


@given(moments)
def test_date_time_is_cldr_long_date_and_short_time(moment: datetime) -> None:
    assert date_time(moment, "zh") == (
        format_date(moment, "long", locale="zh_CN")
        + " "
        + format_time(moment, "short", locale="zh_CN")
    )
    assert date_time(moment, "en") == (
        format_date(moment, "medium", locale="en_GB")
        + ", "
        + format_time(moment, "short", locale="en_GB")
    )


def test_day_time_and_iso_text() -> None:
    assert day_time("2026-11-28T10:30:05+08:00", "zh") == "11月28日 10:30"
    assert day_time("2026-11-28T10:30:05+08:00", "en") == "28 Nov 10:30"
    assert money(Decimal("0.005"), "zh") == "¥0.01"  # half-up to the fen, as everywhere
