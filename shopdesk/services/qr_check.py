"""Checking a scanned receipt QR: is it signed by this till, and what does the ledger say?

:func:`shopdesk.printing.qr.verify_qr` answers the first question with only a
public key (the accountant's PC, ``--pubkey``); with a shop home we also look the
receipt up and report its status and any field that disagrees with the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from shopdesk.errors import InvalidInput, NotFound
from shopdesk.ledger.keys import load_public_key
from shopdesk.printing.qr import QrCheck, record_mismatches, verify_qr
from shopdesk.services.sales import get_receipt
from shopdesk.services.shop import Shop


@dataclass(frozen=True)
class QrReport:
    """The verdict on one scanned QR, plus the ledger's view when a home was given."""

    check: QrCheck
    in_ledger: bool | None = None  # None: no ledger was consulted
    status: dict | None = None  # the view row: status, printed, batch, invoice, training
    mismatches: list[str] = field(default_factory=list)

    @property
    def voided(self) -> bool:
        """The ledger holds a void for this receipt (unknown, so ``False``, with a bare key)."""
        return self.status is not None and self.status["status"] == "void"

    @property
    def genuine(self) -> bool:
        """A sale that stands: signed, not training, and (when a ledger was asked) held,
        matching and not voided — the same verdict ``verify-qr --batch`` gives."""
        return (
            self.check.valid
            and not (self.check.payload is not None and self.check.payload.training)
            and self.in_ledger is not False
            and not self.mismatches
            and not self.voided
        )


def public_key_from_file(path: Path) -> Ed25519PublicKey:
    try:
        return load_public_key(path.read_bytes())
    except FileNotFoundError:
        raise NotFound("qr.pubkey_missing", file=str(path)) from None
    except OSError as exc:
        raise InvalidInput("qr.pubkey_missing", file=f"{path} ({exc.strerror})") from None


def check_qr_with_key(scanned: str, public_key: Ed25519PublicKey) -> QrReport:
    return QrReport(verify_qr(scanned, public_key))


def check_qr_in_shop(scanned: str, home: Path) -> QrReport:
    """Verify against the shop's public key, then find the receipt in its ledger (read-only)."""
    shop = Shop.open(home, readonly=True)
    try:
        check = verify_qr(scanned, public_key_from_file(shop.home.public_key))
        if check.payload is None:
            return QrReport(check)
        try:
            detail = get_receipt(shop, check.payload.number)
        except NotFound:
            return QrReport(check, in_ledger=False)
        mismatches = record_mismatches(check.payload, detail.record, shop.profile.uscc)
        return QrReport(check, True, detail.status, mismatches)
    finally:
        shop.close()
