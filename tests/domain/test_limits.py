"""Offline limits: the 80 % / 100 % states and the notices a sale shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.limits import (
    EXCEEDED_100,
    OK,
    WARN_80,
    check_offline_limits,
    limit_state,
    offline_hours,
)

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("value", "limit", "state"),
    [
        ("0", "72", OK),
        ("57.5", "72", OK),
        ("57.6", "72", WARN_80),  # exactly 80 %
        ("71.9", "72", WARN_80),
        ("72", "72", EXCEEDED_100),  # reaching the limit is reaching it
        ("500", "72", EXCEEDED_100),
        ("79999.99", "100000.00", OK),
        ("80000.00", "100000.00", WARN_80),
        ("99999.99", "100000.00", WARN_80),
        ("100000.00", "100000.00", EXCEEDED_100),
    ],
)
def test_limit_state_thresholds(value: str, limit: str, state: str) -> None:
    assert limit_state(Decimal(value), Decimal(limit)) == state


def test_a_zero_limit_is_always_exceeded() -> None:
    assert limit_state(Decimal(0), Decimal(0)) == EXCEEDED_100


@given(
    st.decimals(min_value=0, max_value=10**6, places=2),
    st.decimals(min_value="0.01", max_value=10**6, places=2),
)
def test_state_agrees_with_percent(value: Decimal, limit: Decimal) -> None:
    check = check_offline_limits(hours=Decimal(0), amount=value, max_hours=1, max_amount=limit)
    percent, state = check.amount.percent, check.amount.state
    assert (state == EXCEEDED_100) == (percent >= 100)
    assert (state == OK) == (percent < 80)


def test_notices_name_the_limit_and_carry_the_figures() -> None:
    check = check_offline_limits(
        hours=Decimal("60.0"),
        amount=Decimal("100000.00"),
        max_hours=72,
        max_amount=Decimal("100000.00"),
    )
    notices = {n.code: n.data for n in check.notices()}
    assert notices == {
        "limits.hours_warn": {"hours": "60.0", "max_hours": "72", "percent": 83},
        "limits.amount_exceeded": {
            "amount": "100000.00",
            "max_amount": "100000.00",
            "percent": 100,
        },
    }
    assert [s.name for s in check.exceeded] == ["amount"]


def test_no_notice_below_80_percent() -> None:
    check = check_offline_limits(
        hours=Decimal("1"), amount=Decimal("1"), max_hours=72, max_amount=Decimal("100")
    )
    assert check.notices() == ()
    assert check.exceeded == ()


def test_offline_hours_counts_from_the_oldest_waiting_receipt() -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=TZ)
    assert offline_hours(None, now) == Decimal("0.0")
    assert offline_hours(now - timedelta(hours=57, minutes=36), now) == Decimal("57.6")
    # rounded down: 71 h 59 min is not yet 72 h
    assert offline_hours(now - timedelta(hours=71, minutes=59), now) == Decimal("71.9")
    # a clock that moved back never gives negative hours
    assert offline_hours(now + timedelta(hours=1), now) == Decimal("0.0")
