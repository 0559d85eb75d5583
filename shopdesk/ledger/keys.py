"""The terminal's Ed25519 signing key.

Each terminal signs its own records, so a batch or a paper receipt proves which
till issued it without any server. The private key is created once at ``init``
and written with mode 0600 before any secret byte reaches the disk.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shopdesk.errors import LedgerError
from shopdesk.platform import O_BINARY

try:
    from nacl.bindings import crypto_sign_open
    from nacl.exceptions import CryptoError
except ImportError:  # a hard dependency, but a missing wheel must not stop the till
    crypto_sign_open = None
    CryptoError = ValueError  # never raised then


def create_private_key(path: Path, key: Ed25519PrivateKey | None = None) -> Ed25519PrivateKey:
    """A new key, stored PEM (PKCS#8) at ``path`` with mode 0600; refuses to overwrite.

    ``key`` stores a given key instead of a new one: only for the published test
    key that makes the golden batch and app snapshots reproducible (docs/format.md).
    """
    key = key or Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_BINARY, 0o600)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    return key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise LedgerError("key.missing", file=str(path)) from None
    except (ValueError, TypeError):
        raise LedgerError("key.unreadable", file=str(path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise LedgerError("key.unreadable", file=str(path))
    return key


def decode_b64(text: str | bytes, *, urlsafe: bool = False) -> bytes:
    """The bytes of ``text``, which must be their one canonical base64 spelling.

    Why: when the byte count is not a multiple of 3, the last character carries
    unused low bits, and lenient decoders also skip junk and surplus padding, so
    one signature has many spellings that all verify. A signature or key that
    could be re-spelled without the key is malleable (issue 11 item 11), so every
    base64 signature and key in shopdesk is read here: it is decoded, encoded
    again, and refused (``ValueError``) unless that gives back exactly ``text``.
    ``urlsafe`` is the unpadded ``-_`` alphabet of the receipt QR; otherwise
    standard, padded base64.
    """
    data = text.encode("ascii") if isinstance(text, str) else bytes(text)
    if urlsafe:
        raw = base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))
        again = base64.urlsafe_b64encode(raw).rstrip(b"=")
    else:
        raw = base64.b64decode(data, validate=True)
        again = base64.b64encode(raw)
    if again != data:
        raise ValueError("not the canonical base64 spelling")
    return raw


def public_key_b64(key: Ed25519PublicKey) -> str:
    """Raw 32-byte public key in base64: short enough for a manifest or a QR check."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def key_fingerprint(public_key_b64: str) -> str:
    """First 16 hex digits of SHA-256 of the raw 32-byte key, in groups of four.

    Short enough to read over the phone or note on paper, so a person can tell
    whether a batch or a backup was signed by the shop's key (``5f7f 76d8 bd65 5047``).
    """
    digest = hashlib.sha256(decode_b64(public_key_b64)).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def public_key_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(text: str | bytes) -> Ed25519PublicKey:
    """A public key from PEM or from the raw base64 form, e.g. out of a manifest."""
    data = text.encode("ascii") if isinstance(text, str) else text
    try:
        if data.strip().startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(data)
        else:
            key = Ed25519PublicKey.from_public_bytes(decode_b64(data.strip()))
    except (ValueError, TypeError):
        raise LedgerError("key.bad_public") from None
    if not isinstance(key, Ed25519PublicKey):
        raise LedgerError("key.bad_public")
    return key


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message)).decode("ascii")


def verify_signature(key: Ed25519PublicKey, message: bytes, signature_b64: str) -> bool:
    """Whether ``signature_b64`` is ``key``'s Ed25519 signature of ``message``.

    cryptography's answer (OpenSSL) is the definition. libsodium (PyNaCl) verifies
    in ~60 µs instead of ~100 µs, and verify-batch and export check thousands
    of signatures (issue 12, speed), so it is asked first: it computes the same
    RFC 8032 equation and only refuses more (non-canonical or small-order keys
    and points), so what it accepts OpenSSL accepts too; anything it refuses is
    asked of cryptography, which decides.
    """
    try:
        signature = decode_b64(signature_b64)
    except (ValueError, TypeError):
        return False
    if crypto_sign_open is not None and len(signature) == 64:
        try:
            crypto_sign_open(signature + message, key.public_bytes_raw())
        except (CryptoError, ValueError, TypeError):  # BadSignatureError: OpenSSL decides
            pass
        else:
            return True
    try:
        key.verify(signature, message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
