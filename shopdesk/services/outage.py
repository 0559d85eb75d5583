"""The outage's life: when the e-invoice system went down and came back, what waits.

An outage is a pair of ledger records, ``outage.started`` and ``outage.ended``;
the view keeps the open one. The figures that matter while it lasts — how many
receipts and how much money still wait for an official invoice, and since when —
are kept by the view as records fold in (see
:class:`shopdesk.ledger.view.ReceiptView`), so asking costs O(1) and a sale can
check the offline limits without reading the journal.

"Waiting" means: not void, not training, and in no exported batch yet. Ending
an outage does not stop the waiting: the receipts wait until they are exported,
and the offline limits keep counting them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from shopdesk.domain.limits import OfflineLimitCheck, check_offline_limits, offline_hours
from shopdesk.domain.money import ZERO, from_fen, money_str
from shopdesk.errors import InvalidInput
from shopdesk.services.shop import Shop

MAX_NOTE = 200


@dataclass(frozen=True)
class OutageStatus:
    """Whether an outage is open, since when, and what waits for official invoices."""

    open: bool
    since: datetime | None
    duration: timedelta | None
    note: str
    auto: bool
    waiting_receipts: int
    waiting_amount: Decimal
    oldest_waiting: datetime | None
    limits: OfflineLimitCheck
    block: bool

    def to_json(self) -> dict:
        return {
            "open": self.open,
            "since": self.since.isoformat() if self.since else None,
            "duration_seconds": int(self.duration.total_seconds()) if self.duration else None,
            "note": self.note,
            "auto": self.auto,
            "waiting_receipts": self.waiting_receipts,
            "waiting_amount": money_str(self.waiting_amount),
            "oldest_waiting": self.oldest_waiting.isoformat() if self.oldest_waiting else None,
            "limits": self.limits.to_json(),
            "block_when_exceeded": self.block,
        }


def start_outage(shop: Shop, note: str = "", *, auto: bool = False) -> dict:
    """Record that the e-invoice system is down; refused if an outage is already open."""
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise InvalidInput("outage.note_too_long", limit=MAX_NOTE)
    check_outage_can_start(shop)
    return shop.ledger.append("outage.started", {"note": note, "auto": auto}, shop.now())


def check_outage_can_start(shop: Shop) -> None:
    """Refuse a second start while one is open — before the app asks for the note."""
    current = shop.ledger.view.open_outage
    if current is not None:
        since = datetime.fromisoformat(current["time"]).strftime("%Y-%m-%d %H:%M")
        raise InvalidInput("outage.already_open", since=since, time=current["time"])


def end_outage(shop: Shop) -> dict:
    """Record that the e-invoice system is back; refused when no outage is open."""
    current = shop.ledger.view.open_outage
    if current is None:
        raise InvalidInput("outage.not_open")
    return shop.ledger.append(
        "outage.ended",
        {"started_seq": current["seq"], "started": current["time"]},
        shop.now(),
    )


def waiting_figures(shop: Shop) -> tuple[int, Decimal, datetime | None]:
    """(receipts, amount, time of the oldest) waiting for an official invoice."""
    view = shop.ledger.view
    oldest = view.oldest_waiting()
    return (
        view.waiting_count,
        from_fen(view.waiting_fen),
        datetime.fromisoformat(oldest["time"]) if oldest else None,
    )


def limits_for(shop: Shop, now: datetime, extra: Decimal = ZERO) -> OfflineLimitCheck:
    """The offline limits as they stand at ``now`` with ``extra`` more yuan waiting.

    The clock of the duration limit starts at the oldest receipt still waiting,
    as 离线开票时限 starts at the first offline invoice not yet uploaded (see
    :mod:`shopdesk.domain.limits`), not at the outage's start.
    """
    _, amount, oldest = waiting_figures(shop)
    limits = shop.profile.limits
    return check_offline_limits(
        hours=offline_hours(oldest, now),
        amount=amount + extra,
        max_hours=limits.max_hours,
        max_amount=limits.max_amount,
    )


def outage_status(shop: Shop) -> OutageStatus:
    now = shop.now()
    current = shop.ledger.view.open_outage
    count, amount, oldest = waiting_figures(shop)
    since = datetime.fromisoformat(current["time"]) if current else None
    return OutageStatus(
        open=current is not None,
        since=since,
        duration=max(now - since, timedelta(0)) if since else None,
        note=str(current.get("note", "")) if current else "",
        auto=bool(current.get("auto", False)) if current else False,
        waiting_receipts=count,
        waiting_amount=amount,
        oldest_waiting=oldest,
        limits=limits_for(shop, now),
        block=shop.profile.limits.block,
    )
