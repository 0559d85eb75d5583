"""What the status bar shows on every screen, gathered from the open shop.

Hooks for work landing on other branches are named here, so the bar has one
source: the outage clock reads ``view.open_outage`` (the outage service will
start/end it), and :func:`printer_state` returns "unknown" until the printing
service can report a status round trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shopdesk.domain.money import ZERO
from shopdesk.services.shop import Shop


@dataclass(frozen=True)
class TillStatus:
    training: bool
    #: When the open outage started, or None when no outage is recorded.
    outage_since: datetime | None
    #: Issued, not void, not training, not yet in an exported batch.
    waiting: int
    waiting_amount: Decimal
    #: "preview", "unknown", "ok", "fault" — see printer_state().
    printer: str


def waiting_for_export(shop: Shop) -> tuple[int, Decimal]:
    count, amount = 0, ZERO
    for row in shop.ledger.view.iter_rows():
        if row["status"] != "void" and not row["training"] and not row["batch"]:
            count += 1
            amount += Decimal(row["total"])
    return count, amount


def printer_state(shop: Shop) -> str:
    """HOOK (printing branch): replace with the printing service's last known status."""
    return "preview" if shop.profile.printer.url == "preview" else "unknown"


def till_status(
    shop: Shop, training: bool, waiting: tuple[int, Decimal] | None = None
) -> TillStatus:
    """The bar's facts; ``waiting`` lets a caller that keeps a running count skip
    the walk over every receipt (the app updates it on each issue and void)."""
    outage = shop.ledger.view.open_outage
    since = None
    if outage and isinstance(outage.get("time"), str):
        since = datetime.fromisoformat(outage["time"])
    count, amount = waiting_for_export(shop) if waiting is None else waiting
    return TillStatus(training, since, count, amount, printer_state(shop))
