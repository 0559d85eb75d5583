"""When a till's clock may stamp a record, against the time of the last one.

Fiscal systems treat a record's time as evidence (RKSV, KassenSichV), and a
ledger whose times jump back by years (a PC whose CMOS battery died resets to
2009) is useless to an auditor. So a record is never earlier than the one
before it, with one exception a manager writes on purpose (``clock.corrected``).

Two tolerances keep the rule from hurting an honest till:

- a clock a little behind the last record (a network time sync steps back a few
  seconds) stamps the next record with the last record's time instead of
  refusing the sale: :data:`SMALL_STEP_BACK`;
- a clock far ahead of the last record (a wrong month or year typed into the
  BIOS) is probably wrong too, but a shop may also have been closed for a long
  holiday, so it is a question asked once before the first sale, not a refusal:
  :data:`FAR_AHEAD` (longer than a Spring Festival closure of most shops).
"""

from __future__ import annotations

from datetime import datetime, timedelta

SMALL_STEP_BACK = timedelta(minutes=2)
FAR_AHEAD = timedelta(days=14)


def next_record_time(reading: datetime, last: datetime | None) -> datetime:
    """The time the next record gets: the clock, or ``last`` if the clock is a little behind.

    A reading further behind is returned as it is: the ledger refuses it, saying
    both times (see :meth:`shopdesk.ledger.store.Ledger.append`).
    """
    if last is not None and last - SMALL_STEP_BACK <= reading < last:
        return last.astimezone(reading.tzinfo)
    return reading


def is_behind(reading: datetime, last: datetime | None) -> bool:
    """Whether ``reading`` is too far behind the last record to stamp anything."""
    return last is not None and reading < last - SMALL_STEP_BACK


def is_far_ahead(reading: datetime, last: datetime | None) -> bool:
    """Whether ``reading`` is so far after the last record that it should be confirmed."""
    return last is not None and reading - last > FAR_AHEAD
