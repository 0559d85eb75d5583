"""``[security] manager_pin`` in the profile: a salted hash, checked with a line number."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopdesk.config import parse_profile
from shopdesk.domain.pin import DEMO_PIN_HASH, hash_pin, verify_pin
from shopdesk.errors import ConfigError
from shopdesk.services.shop import bundled

SAMPLE = (bundled("sample_data") / "profile.toml").read_text(encoding="utf-8")


def test_sample_profile_carries_the_demo_pin():
    profile = parse_profile(SAMPLE, Path("profile.toml"))
    assert verify_pin(profile.manager_pin_hash, "1234")


def test_missing_section_defaults_to_the_demo_pin():
    text = SAMPLE[: SAMPLE.index("[security]")]
    assert parse_profile(text, Path("p.toml")).manager_pin_hash == DEMO_PIN_HASH


def test_own_hash_is_used():
    own = hash_pin("97531")
    text = SAMPLE[: SAMPLE.index("[security]")] + f'[security]\nmanager_pin = "{own}"\n'
    assert verify_pin(parse_profile(text, Path("p.toml")).manager_pin_hash, "97531")


def test_a_plain_pin_is_refused_with_its_line():
    text = SAMPLE[: SAMPLE.index("[security]")] + '[security]\nmanager_pin = "1234"\n'
    with pytest.raises(ConfigError) as info:
        parse_profile(text, Path("p.toml"))
    assert info.value.data["field"] == "security.manager_pin"
    assert info.value.data["line"] == text.splitlines().index('manager_pin = "1234"') + 1
