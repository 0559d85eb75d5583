"""The QR code on a provisional receipt: a compact, signed, offline-checkable payload.

Format (documented for accountants and customers in ``docs/qr.md``)::

    SDPR*1*<seller USCC>*<terminal>*<receipt no>*<issue time>*<total>*<tax>*<chain>*<signature>

``SDPR`` (ShopDesk Provisional Receipt) and the version ``1`` come first so no
reader can take it for an official VAT-invoice QR, which starts ``01,<type>,``.
The time is ``YYYYMMDDTHHMMSS±HHMM`` in the shop's zone; amounts are yuan with two
decimals; the chain value is the first 8 bytes (16 hex digits) of the receipt
record's ``prev`` hash, tying the paper to its place in the signed ledger; the
signature is Ed25519 by the terminal key over the UTF-8 bytes of everything
before it (the payload up to and including the last ``*``), in unpadded
base64url.

Why sign at print time instead of storing the signature: every field comes from
the stored receipt record, and Ed25519 signatures are deterministic (RFC 8032),
so the terminal key gives the same payload for the first print and every
reprint, and nothing new needs to go into the (already signed) record. A
checker needs only the terminal's public key.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import quote, unquote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shopdesk.errors import InvalidInput
from shopdesk.ledger.keys import decode_b64

TAG = "SDPR"
VERSION = "1"
SEP = "*"
PREFIX = f"{TAG}{SEP}{VERSION}{SEP}"
#: Hex digits of the chain value: the first 8 bytes of the previous record's hash.
CHAIN_HEX = 16
SIGNATURE_CHARS = 86  # 64 bytes in unpadded base64url
TIME_FORMAT = "%Y%m%dT%H%M%S%z"

FIELD_PATTERNS = {
    "uscc": re.compile(r"^[0-9A-Z]{15,20}$"),
    "terminal": re.compile(r"^[A-Z0-9]{1,8}$"),
    # ``R<n>-``: the series of a till restored from a backup (docs/backup.md)
    "number": re.compile(r"^[A-Z0-9]{1,8}-(?:R[1-9][0-9]{0,3}-)?(?:TR-)?[0-9]{8}$"),
    "time": re.compile(r"^\d{8}T\d{6}[+-]\d{4}$"),
    "total": re.compile(r"^\d{1,12}\.\d{2}$"),
    "tax": re.compile(r"^\d{1,12}\.\d{2}$"),
    "chain": re.compile(rf"^[0-9a-f]{{{CHAIN_HEX}}}$"),
    "signature": re.compile(rf"^[A-Za-z0-9_-]{{{SIGNATURE_CHARS}}}$"),
}
FIELDS = tuple(FIELD_PATTERNS)
#: Finds a payload inside a URL or text a scanner returned (also percent-encoded).
#: ``=`` is taken in too, so padding after the signature makes it malformed instead
#: of being left behind unseen (issue 11 item 11).
PAYLOAD_RE = re.compile(r"SDPR\*\d+\*[0-9A-Za-z_*+.=\-]+")


@dataclass(frozen=True)
class QrPayload:
    """The fields of a receipt QR; ``signature`` is empty until signed."""

    uscc: str
    terminal: str
    number: str
    time: str
    total: str
    tax: str
    chain: str
    signature: str = ""
    version: str = VERSION

    @property
    def signed_part(self) -> str:
        """The text the signature covers: everything up to and including the last ``*``."""
        fields = (self.uscc, self.terminal, self.number, self.time, self.total, self.tax)
        return f"{TAG}{SEP}{self.version}{SEP}" + SEP.join((*fields, self.chain)) + SEP

    def text(self) -> str:
        return self.signed_part + self.signature

    @property
    def training(self) -> bool:
        """Training receipts have their own series (``T01-TR-…``) and are never sales."""
        return "-TR-" in self.number

    @property
    def issued_at(self) -> datetime:
        return datetime.strptime(self.time, TIME_FORMAT)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def payload_fields(record: dict, uscc: str) -> QrPayload:
    """The unsigned QR fields of a stored ``receipt.issued`` record; nothing else is needed."""
    d = record["data"]
    issued = datetime.fromisoformat(record["time"])
    return QrPayload(
        uscc=uscc,
        terminal=record["terminal"],
        number=d["no"],
        time=issued.strftime(TIME_FORMAT),
        total=d["total"],
        tax=d["tax"],
        chain=record["prev"][:CHAIN_HEX],
    )


def sign_payload(fields: QrPayload, key: Ed25519PrivateKey) -> QrPayload:
    """``fields`` with the terminal's signature; deterministic, so reprints match."""
    return replace(fields, signature=_b64url(key.sign(fields.signed_part.encode("utf-8"))))


def make_qr_payload(record: dict, uscc: str, key: Ed25519PrivateKey) -> str:
    """The payload text printed on the receipt (before any URL template)."""
    return sign_payload(payload_fields(record, uscc), key).text()


def wrap_in_template(payload: str, template: str) -> str:
    """The profile's ``qr_template`` with ``{payload}`` filled in, percent-encoded in a URL.

    ``*`` is left as is (RFC 3986 allows it in a query), so the payload stays
    readable inside the URL and :func:`parse_qr` finds it either way.
    """
    if template.strip() == "{payload}":
        return payload
    return template.replace("{payload}", quote(payload, safe="*"))


def extract_payload(scanned: str) -> str:
    """The payload inside whatever a scanner returned: bare, or inside the shop's URL."""
    text = scanned.strip()
    if "%2A" in text.upper() or "%2B" in text.upper():
        text = unquote(text)
    match = PAYLOAD_RE.search(text)
    if not match:
        raise InvalidInput("qr.not_ours", value=scanned[:80])
    return match.group(0)


def parse_qr(scanned: str) -> QrPayload:
    """Read a scanned QR text into its fields; ``InvalidInput`` naming the bad field."""
    parts = extract_payload(scanned).split(SEP)
    if parts[1] != VERSION:
        raise InvalidInput("qr.unknown_version", value=parts[1])
    values = parts[2:]
    if len(values) != len(FIELDS):
        raise InvalidInput("qr.malformed", field="count", value=str(len(values)))
    data = dict(zip(FIELDS, values, strict=True))
    for name, pattern in FIELD_PATTERNS.items():
        if not pattern.match(data[name]):
            raise InvalidInput("qr.malformed", field=name, value=data[name])
    try:
        datetime.strptime(data["time"], TIME_FORMAT)
    except ValueError:
        raise InvalidInput("qr.malformed", field="time", value=data["time"]) from None
    return QrPayload(**data)


@dataclass(frozen=True)
class QrCheck:
    """The outcome of checking one scanned QR against a terminal's public key.

    ``reason`` is ``ok``, ``bad_signature``, or the code of the parse error
    (``qr.malformed``, ``qr.not_ours``, ``qr.unknown_version``).
    """

    valid: bool
    reason: str
    payload: QrPayload | None = None
    detail: dict | None = None


def verify_qr(scanned: str, public_key: Ed25519PublicKey) -> QrCheck:
    """Whether ``scanned`` is a well-formed payload signed by ``public_key``.

    Never raises for bad input: a checker loops over many codes (``--batch``)
    and wants a verdict for each.
    """
    try:
        payload = parse_qr(scanned)
    except InvalidInput as exc:
        return QrCheck(False, exc.code, None, dict(exc.data))
    try:
        public_key.verify(
            decode_b64(payload.signature, urlsafe=True), payload.signed_part.encode("utf-8")
        )
    except (InvalidSignature, ValueError):
        return QrCheck(False, "bad_signature", payload)
    return QrCheck(True, "ok", payload)


def record_mismatches(payload: QrPayload, record: dict, uscc: str) -> list[str]:
    """Fields where a validly signed payload disagrees with the ledger's record.

    Empty for a genuine receipt. Anything listed means the key signed something
    the ledger does not hold — a stolen key or a ledger that is not this till's.
    """
    expected = payload_fields(record, uscc)
    return [
        name
        for name in ("uscc", "terminal", "number", "time", "total", "tax", "chain")
        if getattr(expected, name) != getattr(payload, name)
    ]
