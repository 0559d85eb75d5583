"""Manager PINs stored as salted scrypt hashes, never as the digits themselves.

A profile is a text file anyone at the till can open, so it holds
``scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>``; checking a PIN re-derives the hash
with the stored salt and cost and compares in constant time. Pure computation:
no I/O, so the domain stays testable.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import os
import re

#: The demo shop's PIN, documented in docs/app.md; change it in a real shop.
DEMO_PIN = "1234"
#: scrypt cost: ~30–60 ms on a till PC, cheap for a person, dear for a brute force.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
PIN_RE = re.compile(r"^[0-9]{4,12}$")
HASH_RE = re.compile(r"^scrypt\$(\d+)\$(\d+)\$(\d+)\$([0-9a-f]{16,64})\$([0-9a-f]{64})$")
#: hash_pin(DEMO_PIN) with a fixed salt: the default when a profile sets none.
DEMO_PIN_HASH = (
    "scrypt$16384$8$1$73686f706465736b2d64656d6f$"
    "259584f45031598dcf24469d630b3380400d17c152ab738fcadb73f25a8a0233"
)


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """The text to store for ``pin`` (4–12 digits)."""
    if not PIN_RE.match(pin):
        raise ValueError("pin_shape")
    salt = os.urandom(16) if salt is None else salt
    digest = _derive(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def is_pin_hash(text: str) -> bool:
    return HASH_RE.match(text) is not None


def verify_pin(stored: str, pin: str) -> bool:
    """True when ``pin`` is the one ``stored`` was made from; never raises on bad input."""
    match = HASH_RE.match(stored)
    if match is None or not isinstance(pin, str) or not PIN_RE.match(pin.strip()):
        return False
    n, r, p = (int(match.group(i)) for i in (1, 2, 3))
    if n > 2**20 or r > 32 or p > 16:  # a hostile profile must not hang the till
        return False
    digest = _derive(pin.strip(), bytes.fromhex(match.group(4)), n, r, p)
    return hmac.compare_digest(digest.hex(), match.group(5))


def is_weak_pin(pin: str) -> bool:
    """The demo PIN, one digit repeated (0000) or a run up or down (1234, 987654):
    the first guesses anyone makes, so a real shop may not choose them."""
    digits = [int(c) for c in pin]
    steps = {b - a for a, b in itertools.pairwise(digits)}
    return pin == DEMO_PIN or (len(steps) <= 1 and steps <= {-1, 0, 1})


def new_pin_hash(new: str, repeat: str) -> str:
    """The hash to store for a PIN a shop chooses, typed twice; refuses a weak one.

    Raises ``InvalidInput`` ``pin.bad_shape`` (not 4–12 digits), ``pin.mismatch``
    or ``pin.too_weak`` (:func:`is_weak_pin`), saying what to do.
    """
    from shopdesk.errors import InvalidInput

    new, repeat = new.strip(), repeat.strip()
    if not PIN_RE.match(new):
        raise InvalidInput("pin.bad_shape")
    if new != repeat:
        raise InvalidInput("pin.mismatch")
    if is_weak_pin(new):
        raise InvalidInput("pin.too_weak")
    return hash_pin(new)
