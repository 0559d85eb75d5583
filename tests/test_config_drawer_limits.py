"""Profile fields for issue 4: ``[drawer] opening_float`` and the offline-limit defaults."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from shopdesk.config import parse_profile
from shopdesk.errors import ConfigError
from shopdesk.services.shop import bundled

DEMO = (bundled("sample_data") / "profile.toml").read_text(encoding="utf-8")


def without_section(text: str, name: str) -> str:
    return re.sub(rf"\[{name}\][^\[]*", "", text)


def test_demo_profile_has_an_opening_float() -> None:
    assert parse_profile(DEMO, Path("p.toml")).opening_float == Decimal("200.00")


def test_defaults_are_decimals_when_sections_are_left_out() -> None:
    text = without_section(without_section(DEMO, "drawer"), "offline_limits")
    profile = parse_profile(text, Path("p.toml"))
    assert profile.opening_float == Decimal("0.00")
    # a missing max_amount used to come back as the string "100000.00"
    assert profile.limits.max_amount == Decimal("100000.00")
    assert isinstance(profile.limits.max_amount, Decimal)
    assert profile.limits.block is False


@pytest.mark.parametrize("value", ['"-1"', '"12.345"', '"abc"', "200"])
def test_a_bad_opening_float_names_its_line(value: str) -> None:
    text = DEMO.replace('opening_float = "200.00"', f"opening_float = {value}")
    line = text.splitlines().index(f"opening_float = {value}") + 1
    with pytest.raises(ConfigError) as exc:
        parse_profile(text, Path("p.toml"))
    assert exc.value.code == "profile.bad_field"
    assert exc.value.data["field"] == "drawer.opening_float"
    assert exc.value.data["line"] == line
