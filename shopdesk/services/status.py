"""What the status bar shows on every screen, gathered from the open shop.

The outage clock, the receipts and money waiting for export and the offline
limits come from :func:`shopdesk.services.outage.outage_status` (O(1): the
view keeps the running figures). :func:`printer_state` is a hook: until the
printing service can report a status round trip, it says "preview" or
"not checked"; the app overrides it with the outcome of its last print.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shopdesk.domain.limits import EXCEEDED_100, WARN_80
from shopdesk.services.outage import outage_status
from shopdesk.services.shop import Shop


@dataclass(frozen=True)
class TillStatus:
    training: bool
    #: When the open outage started, or None when no outage is open.
    outage_since: datetime | None
    #: Issued, not void, not training, not yet in an exported batch.
    waiting: int
    waiting_amount: Decimal
    #: "preview", "unknown", "ok", "fault" — see printer_state().
    printer: str
    #: "ok", "warn" (80 % of an offline limit) or "exceeded" (100 %).
    limits: str = "ok"
    #: The highest share of an offline limit used, in percent.
    limits_percent: int = 0


def waiting_for_export(shop: Shop) -> tuple[int, Decimal]:
    status = outage_status(shop)
    return status.waiting_receipts, status.waiting_amount


def printer_state(shop: Shop) -> str:
    """HOOK: the printing service's status round trip, when it offers one."""
    return "preview" if shop.profile.printer.url == "preview" else "unknown"


def till_status(shop: Shop, training: bool, printer: str | None = None) -> TillStatus:
    """The bar's facts; ``printer`` is what the caller saw on its last print
    ("ok" or "fault"), which wins over the configured default except that a
    preview printer stays "preview" while it works."""
    outage = outage_status(shop)
    states = (outage.limits.hours.state, outage.limits.amount.state)
    limits = "exceeded" if EXCEEDED_100 in states else "warn" if WARN_80 in states else "ok"
    percent = max(outage.limits.hours.percent, outage.limits.amount.percent)
    return TillStatus(
        training,
        outage.since,
        outage.waiting_receipts,
        outage.waiting_amount,
        "fault"
        if printer == "fault"
        else printer_state(shop)
        if printer != "ok" or shop.profile.printer.url == "preview"
        else "ok",
        limits,
        percent,
    )
