"""Offline limits, modelled on golden-tax offline invoicing (离线开票).

China's tax-control devices let a taxpayer keep issuing invoices offline only up
to two limits set by the tax bureau:

- 离线开票时限 (offline duration): counted from the *first offline invoice not yet
  uploaded* — not from the moment the network dropped: an outage with no sales
  uses none of it, and invoices from an earlier outage that were never uploaded
  keep the clock running;
- 离线开票累计限额 (cumulative offline amount): the total of the offline invoices
  not yet uploaded.

Past either, the device stops issuing until the offline invoices are uploaded.
shopdesk mirrors both with "exported in a batch" standing in for "uploaded", and
warns early (at 80 %), since a shop that learns of the limit when a customer is
waiting at the till has learned too late. The exact official defaults are not
verified (24–72 h are reported); they are profile settings.

Pure: the caller gives the figures (hours since the oldest receipt waiting, the
amount waiting *including the sale about to be issued*) and the limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from shopdesk.domain.money import money_str
from shopdesk.errors import Notice

OK = "ok"
WARN_80 = "warn_80"
EXCEEDED_100 = "exceeded_100"
#: Share of a limit at which the cashier is first warned.
WARN_RATIO = Decimal("0.8")
HOURS = "hours"
AMOUNT = "amount"


def limit_state(value: Decimal, limit: Decimal) -> str:
    """``ok`` below 80 % of ``limit``, ``warn_80`` from 80 %, ``exceeded_100`` from 100 %.

    Reaching a limit exactly counts as reached: a limit is the most that may be
    outstanding, and the next sale would go past it.
    """
    if limit <= 0:
        return EXCEEDED_100
    if value >= limit:
        return EXCEEDED_100
    if value >= limit * WARN_RATIO:
        return WARN_80
    return OK


@dataclass(frozen=True, slots=True)
class LimitState:
    """One limit, how much of it is used, and what that means."""

    name: str  # HOURS or AMOUNT
    value: Decimal
    limit: Decimal
    state: str

    @property
    def percent(self) -> int:
        """Whole percent used, rounded down (79.9 % is still "under 80 %")."""
        if self.limit <= 0:
            return 100
        return int((self.value * 100 / self.limit).to_integral_value(rounding=ROUND_DOWN))

    def to_json(self) -> dict:
        return {
            "value": money_str(self.value) if self.name == AMOUNT else str(self.value),
            "limit": money_str(self.limit) if self.name == AMOUNT else str(self.limit),
            "percent": self.percent,
            "state": self.state,
        }


@dataclass(frozen=True, slots=True)
class OfflineLimitCheck:
    hours: LimitState
    amount: LimitState

    @property
    def exceeded(self) -> tuple[LimitState, ...]:
        return tuple(s for s in (self.hours, self.amount) if s.state == EXCEEDED_100)

    def notices(self) -> tuple[Notice, ...]:
        """Warnings for the sale output (and the screen): one per limit at 80 % or more."""
        out: list[Notice] = []
        for s in (self.hours, self.amount):
            if s.state == OK:
                continue
            level = "exceeded" if s.state == EXCEEDED_100 else "warn"
            if s.name == HOURS:
                data = {"hours": str(s.value), "max_hours": str(s.limit), "percent": s.percent}
            else:
                data = {
                    "amount": money_str(s.value),
                    "max_amount": money_str(s.limit),
                    "percent": s.percent,
                }
            out.append(Notice(f"limits.{s.name}_{level}", data))
        return tuple(out)

    def to_json(self) -> dict:
        return {HOURS: self.hours.to_json(), AMOUNT: self.amount.to_json()}


def offline_hours(oldest_waiting: datetime | None, now: datetime) -> Decimal:
    """Hours (one decimal, rounded down) since the oldest receipt still waiting; 0 if none."""
    if oldest_waiting is None:
        return Decimal("0.0")
    seconds = max((now - oldest_waiting).total_seconds(), 0.0)
    return (Decimal(int(seconds)) / 3600).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def check_offline_limits(
    *, hours: Decimal, amount: Decimal, max_hours: Decimal | int, max_amount: Decimal
) -> OfflineLimitCheck:
    """The state of both limits for the given figures."""
    max_h = Decimal(max_hours)
    return OfflineLimitCheck(
        hours=LimitState(HOURS, hours, max_h, limit_state(hours, max_h)),
        amount=LimitState(AMOUNT, amount, max_amount, limit_state(amount, max_amount)),
    )
