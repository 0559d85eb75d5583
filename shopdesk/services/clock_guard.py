"""The till's clock against its ledger: is it safe to stamp, and a manager's correction.

The CLI and the app ask the same questions here before a sale and answer them
the same way (see :mod:`shopdesk.domain.timeline` for the rules and why).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shopdesk.domain.timeline import is_behind, is_far_ahead, next_record_time
from shopdesk.errors import ClockError, InvalidInput, Notice
from shopdesk.ledger.store import CLOCK_CORRECTION, clock_texts
from shopdesk.services.approval import Approval
from shopdesk.services.shop import Shop


@dataclass(frozen=True)
class ClockState:
    """What the clock says beside the newest record's time."""

    reading: datetime
    last: datetime | None

    @property
    def behind(self) -> bool:
        return is_behind(self.reading, self.last)

    @property
    def far_ahead(self) -> bool:
        return is_far_ahead(self.reading, self.last)

    @property
    def days_ahead(self) -> int:
        return (self.reading - self.last).days if self.last else 0

    def texts(self) -> dict[str, str]:
        """``now`` and ``last`` as people read them, for messages."""
        if self.last is None:
            return {"now": self.reading.strftime("%Y-%m-%d %H:%M:%S"), "last": ""}
        return clock_texts(self.reading, self.last)

    def warning(self) -> Notice | None:
        """What to tell the person at the till before any sale, if the clock looks wrong.

        The app says it at start and ``clock status`` prints it: one decision for
        both front ends (a sale itself is refused by :func:`check_before_sale`).
        """
        if self.behind:
            return Notice("clock.behind_at_start", self.texts())
        if self.far_ahead:
            return Notice("clock.far_ahead", {"days": self.days_ahead, **self.texts()})
        return None


def clock_state(shop: Shop) -> ClockState:
    return ClockState(shop.clock_reading(), shop.last_record_time())


def check_before_sale(shop: Shop, *, ahead_confirmed: bool = False) -> datetime:
    """The time the sale's records get, after refusing a clock behind the ledger
    and asking once about a clock far ahead.

    Raises :class:`ClockError` ``clock.behind`` (nothing can be sold until the
    clock is set right, or a manager records a correction) or ``clock.far_ahead``
    (sell again with the date confirmed). Runs before anything is written, so a
    refused sale takes no receipt number. One reading of the clock serves both
    the check and the stamp (see :func:`shopdesk.domain.timeline.next_record_time`).
    """
    state = clock_state(shop)
    if state.behind:
        raise ClockError("clock.behind", **state.texts())
    if state.far_ahead and not ahead_confirmed:
        raise ClockError("clock.far_ahead", days=state.days_ahead, **state.texts())
    return next_record_time(state.reading, state.last)


def correct_clock(shop: Shop, *, note: str, approval: Approval, who: str) -> dict:
    """Record that the records before this one were stamped by a clock that ran ahead.

    The one record allowed to be earlier than the record before it: after it,
    records continue from the corrected clock. It needs a manager's approval
    (:func:`shopdesk.services.approval.approve`, action ``clock_correct``: the
    one PIN rule with its lockout, and with ``[[people]]`` a manager's own PIN)
    and a note saying what happened (an auditor reads it), and only makes sense
    while the clock is behind the last record; it never edits the records it explains.
    """
    if approval.action != "clock_correct":
        raise ValueError(f"an approval for {approval.action!r} cannot correct the clock")
    note = " ".join(note.split())
    if not note:
        raise InvalidInput("clock.correction_note_missing")
    state = clock_state(shop)
    if state.last is None or not state.behind:
        raise InvalidInput("clock.nothing_to_correct", **state.texts())
    data = {
        "last_time": state.last.isoformat(timespec="microseconds"),
        "note": note,
        "by": who,
        "approved_by": approval.by,
    }
    return shop.ledger.append(CLOCK_CORRECTION, data, state.reading)
