"""Keys and signatures in base64 have exactly one accepted spelling (issue 11 item 11)."""

from __future__ import annotations

import base64

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given
from hypothesis import strategies as st
from nacl.exceptions import BadSignatureError

from shopdesk.errors import LedgerError
from shopdesk.export.batch_verifier import key_fingerprint
from shopdesk.ledger import keys
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


def _cryptography_says(public: Ed25519PublicKey, message: bytes, signature: bytes) -> bool:
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True


@given(flip=st.integers(min_value=0, max_value=64 * 8 - 1), message=st.binary(max_size=80))
def test_libsodium_first_answers_exactly_as_cryptography(flip: int, message: bytes) -> None:
    """Any one bit of a signature flipped, any message: the answer is OpenSSL's."""
    signature = bytearray(KEY.sign(message))
    assert verify_signature(KEY.public_key(), message, base64.b64encode(signature).decode())
    signature[flip // 8] ^= 1 << flip % 8
    expected = _cryptography_says(KEY.public_key(), message, bytes(signature))
    assert verify_signature(KEY.public_key(), message, base64.b64encode(signature).decode()) is (
        expected
    )


def test_what_libsodium_refuses_cryptography_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    """The identity point as a public key (small order): libsodium refuses every
    signature, OpenSSL accepts R = identity, S = 0 for any message. OpenSSL is the
    definition, so shopdesk accepts it too, and answers the same without libsodium."""
    identity = Ed25519PublicKey.from_public_bytes(b"\x01" + bytes(31))
    forged = base64.b64encode(b"\x01" + bytes(63)).decode()
    assert keys.crypto_sign_open is not None
    with pytest.raises(BadSignatureError):
        keys.crypto_sign_open(base64.b64decode(forged) + MESSAGE, identity.public_bytes_raw())
    answer = _cryptography_says(identity, MESSAGE, base64.b64decode(forged))
    assert verify_signature(identity, MESSAGE, forged) is answer
    monkeypatch.setattr(keys, "crypto_sign_open", None)
    assert verify_signature(identity, MESSAGE, forged) is answer
    assert verify_signature(KEY.public_key(), MESSAGE, sign(KEY, MESSAGE))
    assert not verify_signature(KEY.public_key(), MESSAGE + b".", sign(KEY, MESSAGE))
