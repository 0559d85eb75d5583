"""``verify-qr --batch``: is this paper receipt in this batch, and does it match?

The QR's signature is checked with the batch's key (bound to the batch by the
manifest signature), the receipt is looked up in the batch
(:func:`shopdesk.export.batch_lookup.find_receipt`), and every QR field is
compared with the batch's record, as ``verify-qr`` does against a ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from shopdesk.errors import InvalidInput
from shopdesk.export.batch_lookup import BatchReceipt, find_receipt
from shopdesk.ledger.keys import load_public_key
from shopdesk.printing.qr import QrCheck, parse_qr, record_mismatches, verify_qr


@dataclass(frozen=True)
class QrBatchReport:
    check: QrCheck
    #: ``None`` when the scanned text is not a receipt QR at all.
    batch: BatchReceipt | None
    mismatches: list[str] = field(default_factory=list)

    @property
    def genuine(self) -> bool:
        """Signed by the batch's key, a valid (not void, not training) receipt of it, matching."""
        return (
            self.check.valid
            and self.batch is not None
            and self.batch.state == "valid"
            and not self.mismatches
        )


def check_qr_in_batch(scanned: str, batch: Path) -> QrBatchReport:
    try:
        number = parse_qr(scanned).number
    except InvalidInput as exc:
        return QrBatchReport(QrCheck(False, exc.code, None, dict(exc.data)), None)
    hit = find_receipt(batch, number)
    check = verify_qr(scanned, load_public_key(hit.manifest["public_key"]))
    mismatches: list[str] = []
    if check.valid and check.payload is not None and hit.record is not None:
        mismatches = record_mismatches(check.payload, hit.record, hit.manifest["uscc"])
    return QrBatchReport(check, hit, mismatches)
