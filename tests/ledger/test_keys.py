"""Keys and signatures in base64 have exactly one accepted spelling (issue 11 item 11)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shopdesk.errors import LedgerError
from shopdesk.export.batch_verifier import key_fingerprint
from shopdesk.ledger.keys import (
    decode_b64,
    load_public_key,
    public_key_b64,
    sign,
    verify_signature,
)
from tests.b64twin import same_bits_twin

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
MESSAGE = b"a record hash"


def test_a_signature_verifies_only_in_its_canonical_spelling():
    signature = sign(KEY, MESSAGE)
    assert verify_signature(KEY.public_key(), MESSAGE, signature)
    for other in (
        same_bits_twin(signature),  # the same 64 bytes, another last character
        signature + "==",
        signature.rstrip("="),
        signature[:40] + "\n" + signature[40:],
    ):
        assert not verify_signature(KEY.public_key(), MESSAGE, other), other


def test_a_public_key_is_read_only_in_its_canonical_spelling():
    text = public_key_b64(KEY.public_key())
    assert load_public_key(text + "\n")  # a key file's final newline is fine
    for other in (same_bits_twin(text), text + "=", text.rstrip("=")):
        with pytest.raises(LedgerError):
            load_public_key(other)
        with pytest.raises(ValueError):
            key_fingerprint(other)


@pytest.mark.parametrize("size", range(0, 7))
def test_decode_b64_round_trips_both_alphabets(size):
    raw = bytes(range(250, 250 - size, -1))
    assert decode_b64(base64.b64encode(raw).decode()) == raw
    unpadded = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    assert decode_b64(unpadded, urlsafe=True) == raw
    if size % 3:
        with pytest.raises(ValueError):
            decode_b64(same_bits_twin(unpadded, urlsafe=True), urlsafe=True)
