"""Other spellings of the same bytes in base64, as a forger would try them (issue 11 item 11)."""

from __future__ import annotations

import string

STANDARD = string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/"
URLSAFE = STANDARD[:-2] + "-_"


def same_bits_twin(text: str, *, urlsafe: bool = False) -> str:
    """``text`` with its last data character swapped for one that decodes to the same bytes.

    When the byte count is not a multiple of 3 the last character carries unused
    low bits (2 or 4); a lenient decoder ignores them, so flipping the lowest one
    changes the text but not the bytes.
    """
    alphabet = URLSAFE if urlsafe else STANDARD
    data = text.rstrip("=")
    assert len(data) % 4 in (2, 3), "no unused bits: every spelling is canonical"
    twin = alphabet[alphabet.index(data[-1]) ^ 1]
    return data[:-1] + twin + text[len(data) :]
