from __future__ import annotations

import pytest

from shopdesk.domain.pin import DEMO_PIN, DEMO_PIN_HASH, hash_pin, is_pin_hash, verify_pin


def test_demo_hash_is_the_demo_pin():
    assert verify_pin(DEMO_PIN_HASH, DEMO_PIN)
    assert not verify_pin(DEMO_PIN_HASH, "4321")


def test_hash_is_salted_and_verifies():
    a, b = hash_pin("246810"), hash_pin("246810")
    assert a != b and is_pin_hash(a)
    assert verify_pin(a, "246810") and verify_pin(b, "246810")
    assert not verify_pin(a, "246811")


@pytest.mark.parametrize("pin", ["", "12", "abcd", "1234567890123", "12 34"])
def test_bad_pins_never_verify_and_cannot_be_hashed(pin):
    assert not verify_pin(DEMO_PIN_HASH, pin)
    with pytest.raises(ValueError):
        hash_pin(pin)


def test_garbage_or_hostile_hashes_are_refused():
    assert not verify_pin("plain1234", "1234")
    hostile = DEMO_PIN_HASH.replace("scrypt$16384$", "scrypt$1073741824$")
    assert not verify_pin(hostile, "1234")
