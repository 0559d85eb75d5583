"""What the status bar shows on every screen, gathered from the open shop.

The outage clock, the receipts and money waiting for export and the offline
limits come from :func:`shopdesk.services.outage.outage_status` (O(1): the
view keeps the running figures). The printer's state is what the front end
last learnt of it — the outcome of its last print, or of asking the printer
(:func:`printer_check`) — since asking on every redraw would put a network
round trip on the screen's path.
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
    #: "preview", "unknown", "ok", "paper_low", "fault" — see printer_state().
    printer: str
    #: "ok", "warn" (80 % of an offline limit) or "exceeded" (100 %).
    limits: str = "ok"
    #: The highest share of an offline limit used, in percent.
    limits_percent: int = 0
    #: Catalog rows left out as broken: their items cannot be sold until fixed.
    catalog_problems: int = 0


def waiting_for_export(shop: Shop) -> tuple[int, Decimal]:
    status = outage_status(shop)
    return status.waiting_receipts, status.waiting_amount


def printer_state(shop: Shop, seen: str | None) -> str:
    """What the bar says of the printer, from what was last ``seen`` of it.

    Nothing seen yet: "preview" or "unknown". A fault always shows; a working
    preview printer stays "preview", so nobody mistakes it for paper.
    """
    preview = shop.profile.printer.url == "preview"
    if seen == "fault":
        return "fault"
    if seen in ("ok", "paper_low") and not preview:
        return seen
    return "preview" if preview else "unknown"


def printer_check(shop: Shop) -> tuple[str, str | None, dict]:
    """Ask the printer now: its state for the bar, and the problem (code, data) if any.

    A printer that cannot report its status over its connection (a file or
    CUPS queue) but was reached counts as "ok": a job would get that far too.
    """
    from shopdesk.errors import PrinterError
    from shopdesk.services.printing import printer_status

    url = shop.profile.printer.url
    try:
        status = printer_status(shop)
    except PrinterError as error:
        return "fault", error.code, error.data
    problem = status.problem() if status.readable else None
    if problem:
        return "fault", problem, {"printer": url}
    if status.readable and status.paper == "near_end":
        return "paper_low", "printer.paper_low", {"printer": url}
    return "ok", None, {}


def till_status(shop: Shop, training: bool, printer: str | None = None) -> TillStatus:
    """The bar's facts; ``printer`` is what the caller last saw of the printer
    ("ok", "paper_low" or "fault"; see :func:`printer_state`)."""
    outage = outage_status(shop)
    states = (outage.limits.hours.state, outage.limits.amount.state)
    limits = "exceeded" if EXCEEDED_100 in states else "warn" if WARN_80 in states else "ok"
    percent = max(outage.limits.hours.percent, outage.limits.amount.percent)
    return TillStatus(
        training,
        outage.since,
        outage.waiting_receipts,
        outage.waiting_amount,
        printer_state(shop, printer),
        limits,
        percent,
        len(shop.catalog.problems),
    )
