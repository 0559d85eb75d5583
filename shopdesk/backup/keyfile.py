"""The signing key, encrypted with the shopkeeper's passphrase, for backups.

A backup travels on a USB stick that can be lost, so the private key is never
copied in the clear. ``cryptography``'s PKCS#8 ``BestAvailableEncryption`` alone
derives its AES key with PBKDF2 at only 2,048 rounds (cryptography 42–50), cheap
to brute-force for a short passphrase; so the passphrase is first stretched with
scrypt (n=2^15, r=8: ~32 MB and ~0.1 s per guess) and the stretched value is the
PEM password. The file is a small JSON document that names its parameters, so it
can be opened by hand with any scrypt and PKCS#8 implementation.
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from shopdesk.errors import BackupError, InvalidInput
from shopdesk.ledger.keys import decode_b64

KEYFILE_FORMAT = "shopdesk-encrypted-key"
KEYFILE_VERSION = 1
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
#: Short passphrases fall to a guessing attack even with scrypt.
MIN_PASSPHRASE = 8


def check_passphrase(passphrase: str) -> str:
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput("backup.passphrase_short", minimum=MIN_PASSPHRASE)
    return passphrase


def _stretch(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    raw = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return base64.b64encode(raw)


def encrypt_key(key: Ed25519PrivateKey, passphrase: str) -> bytes:
    """The key as an encrypted key document (JSON bytes); a fresh salt each time."""
    check_passphrase(passphrase)
    salt = os.urandom(SALT_BYTES)
    password = _stretch(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password),
    )
    document = {
        "format": KEYFILE_FORMAT,
        "version": KEYFILE_VERSION,
        "kdf": {
            "name": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": base64.b64encode(salt).decode("ascii"),
            "output": "base64 of 32 bytes, used as the PKCS#8 PEM password",
        },
        "pem": pem.decode("ascii"),
    }
    return json.dumps(document, indent=1).encode("utf-8") + b"\n"


def decrypt_key(document: bytes, passphrase: str) -> Ed25519PrivateKey:
    """The private key back; a wrong passphrase is ``backup.wrong_passphrase``."""
    try:
        data = json.loads(document)
        if data["format"] != KEYFILE_FORMAT or data["version"] != KEYFILE_VERSION:
            raise ValueError("format")
        kdf = data["kdf"]
        salt = decode_b64(kdf["salt"])
        pem = data["pem"].encode("ascii")
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    except (ValueError, KeyError, TypeError):
        raise BackupError("backup.key_unreadable") from None
    password = _stretch(passphrase, salt, n, r, p)
    try:
        key = serialization.load_pem_private_key(pem, password=password)
    except ValueError:
        raise BackupError("backup.wrong_passphrase") from None
    except TypeError:
        raise BackupError("backup.key_unreadable") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BackupError("backup.key_unreadable")
    return key
