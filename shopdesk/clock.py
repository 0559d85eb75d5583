"""The one place shopdesk reads the wall clock.

A record's time is evidence (RKSV and KassenSichV treat it so), and the test
suite must pass on any date; both need every reading of "now" to go through one
seam that a test can replace and a guard can watch (``tests/conftest.py`` fails a
test that reaches :func:`wall_now` without saying it tests the wall clock).

``SHOPDESK_CLOCK`` fixes the clock at one ISO instant with its UTC offset
(``2026-11-28T12:00:00+08:00``): every reading returns that instant. Tests set it
for the CLI they run as a subprocess, so its records get the test's time, not
today's; a trainer can use it for a reproducible demo. It gives nobody a power
the PC's own clock setting does not already give, and a ledger refuses a time
earlier than its last record whichever clock produced it (see
:mod:`shopdesk.services.clock_guard`).
"""

from __future__ import annotations

import os
from datetime import datetime, tzinfo

from shopdesk.errors import InvalidInput

ENV = "SHOPDESK_CLOCK"


def wall_now(tz: tzinfo) -> datetime:
    """The machine's clock in ``tz``: the only call of ``datetime.now`` in shopdesk."""
    return datetime.now(tz)


def now(tz: tzinfo) -> datetime:
    """The current time in ``tz``: ``$SHOPDESK_CLOCK`` if set, else the machine's clock."""
    fixed = os.environ.get(ENV, "").strip()
    if not fixed:
        return wall_now(tz)
    try:
        instant = datetime.fromisoformat(fixed)
    except ValueError:
        raise InvalidInput("clock.bad_env", value=fixed) from None
    if instant.tzinfo is None:
        raise InvalidInput("clock.bad_env", value=fixed)
    return instant.astimezone(tz)
