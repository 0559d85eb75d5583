"""X and Z reports: the figures of a business day, read from that day's records.

A business day is a calendar date in the shop's timezone (profile
``shop.timezone``), midnight to midnight. Its figures are computed from the
journal records stamped that day — only the month partitions that can hold them
are read, see :meth:`shopdesk.ledger.store.Ledger.records_between` — so a report
costs the size of one day, not of the ledger.

``report_z`` closes the day: it appends a ``day.closed`` record with every figure
and the perpetual grand total: the gross of every real receipt in the ledger
up to that record, net of voids (issue 11) — days never closed included, so
skipping a Z never drops a day from it. It is derivable from the ledger alone
and never reset; the view keeps it as a running sum (``sales_fen``), so a Z
costs nothing more at 100k receipts. The previous close's grand total is
recorded beside it: the two differ by more than the day's gross exactly when
days in between were never closed (or were closed late). A day is closed once; a day
that has not begun cannot be closed. Sales after a close still happen (the shop
cannot turn a customer away), but the sale output warns, and they are in no Z.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from shopdesk.domain.money import ZERO, money_str
from shopdesk.domain.reports import DayFigures, summarize_day
from shopdesk.domain.tax import rate_label
from shopdesk.errors import InvalidInput, NotFound
from shopdesk.ledger.keys import key_fingerprint, public_key_b64
from shopdesk.messages import message
from shopdesk.services.shop import Shop

DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class DayReport:
    """An X (running, writes nothing) or Z (closing) report of one business day."""

    kind: str  # "x" or "z"
    day: str
    figures: DayFigures
    generated_at: datetime
    #: True when a Z already closed this day (for an X) or this report closed it (Z).
    closed: bool
    #: Z only: the grand total before and after this day.
    previous_grand_total: Decimal | None = None
    grand_total: Decimal | None = None
    record: dict | None = None
    #: A reprint of a recorded Z (figures as closed, not recomputed).
    copy: bool = False
    #: Which key signs this till's records (``key_fingerprint``), so the paper Z
    #: gives the accountant the fingerprint to compare a batch's with (issue 12
    #: item 4); "" when the shop has no public key to show.
    key_fingerprint: str = ""

    def to_json(self) -> dict:
        out = {
            "report": self.kind,
            "copy": self.copy,
            "day": self.day,
            "generated_at": self.generated_at.isoformat(),
            "closed": self.closed,
            **self.figures.to_json(),
        }
        if self.grand_total is not None and self.previous_grand_total is not None:
            out["previous_grand_total"] = money_str(self.previous_grand_total)
            out["grand_total"] = money_str(self.grand_total)
        if self.record is not None:
            out["seq"] = self.record["seq"]
        return out


def business_day(shop: Shop, day: str | date | None = None) -> date:
    """``day`` as a date (``YYYY-MM-DD``), or today in the shop's timezone."""
    if day is None:
        return shop.now().astimezone(shop.profile.tz).date()
    if isinstance(day, date):
        return day
    if not DAY_RE.match(day.strip()):
        raise InvalidInput("report.bad_date", value=day)
    try:
        return date.fromisoformat(day.strip())
    except ValueError:
        raise InvalidInput("report.bad_date", value=day) from None


def day_figures(shop: Shop, day: date) -> DayFigures:
    """Figures of ``day`` from its own records (plus the bodies of older voided receipts)."""
    return _read_day(shop, day)[0]


def _read_day(shop: Shop, day: date) -> tuple[DayFigures, bool]:
    """The day's figures, and whether a ``day.closed`` for it is stamped within the day."""
    tz = shop.profile.tz
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    issued: list[dict] = []
    bodies: dict[str, dict] = {}
    voided_numbers: list[str] = []
    closed = False
    kinds = ("receipt.issued", "receipt.voided", "day.closed")
    for record in shop.ledger.records_between(start, end, kinds):
        kind = record["kind"]
        if kind == "receipt.issued":
            issued.append(record["data"])
            bodies[record["data"]["no"]] = record["data"]
        elif kind == "receipt.voided":
            voided_numbers.append(record["data"]["no"])
        elif kind == "day.closed" and record["data"].get("day") == day.isoformat():
            closed = True
    voided = [bodies.get(no) or _receipt_body(shop, no) for no in voided_numbers]
    figures = summarize_day(
        issued, [b for b in voided if b is not None], opening_float=shop.profile.opening_float
    )
    return figures, closed


def _receipt_body(shop: Shop, number: str) -> dict | None:
    """The body of a receipt issued on an earlier day (voided on this one).

    A byte search of the partitions, newest first, rather than the view: a
    reader that builds the view of a large ledger pays seconds for one report.
    """
    needle = b'"no":"' + number.encode("ascii") + b'"'
    for month in reversed(shop.ledger.journal.months()):
        for record in shop.ledger.find_records(needle, [month]):
            if record["kind"] == "receipt.issued" and record["data"]["no"] == number:
                return record["data"]
    return None


def is_closed(shop: Shop, day: date) -> bool:
    """Whether a ``day.closed`` record exists for ``day`` (found without the view)."""
    since = (day - timedelta(days=2)).strftime("%Y-%m")
    months = [m for m in shop.ledger.journal.months() if m >= since]
    return any(
        record["kind"] == "day.closed" and record["data"].get("day") == day.isoformat()
        for record in shop.ledger.find_records(b'"kind":"day.closed"', months)
    )


def report_x(shop: Shop, day: str | date | None = None) -> DayReport:
    """Running totals of a business day (today by default); writes nothing."""
    now = shop.now()
    when = business_day(shop, day)
    figures, closed = _read_day(shop, when)
    if not closed and when < now.astimezone(shop.profile.tz).date():
        # A day is closed no earlier than it starts and (for today) no later than
        # now, so today's close is already among today's records; an earlier
        # day's close may have been written any time since.
        closed = is_closed(shop, when)
    return DayReport(
        "x", when.isoformat(), figures, now, closed, key_fingerprint=_fingerprint(shop)
    )


def grand_total(shop: Shop) -> Decimal:
    """The perpetual grand total as of the newest ``day.closed`` record (0 before any)."""
    return _signed_money(shop.ledger.view.last_close)


def check_day_can_close(shop: Shop, day: str | date | None = None) -> None:
    """Refuse a Z for a closed or future day — before the app asks for the manager's PIN."""
    _closable_day(shop, day, shop.now())


def _closable_day(shop: Shop, day: str | date | None, now: datetime) -> date:
    when = business_day(shop, day)
    key = when.isoformat()
    today = now.astimezone(shop.profile.tz).date()
    if when > today:
        raise InvalidInput("report.future_day", day=key, today=today.isoformat())
    if key in shop.ledger.view.closed_days:
        raise InvalidInput("report.already_closed", day=key)
    return when


def report_z(shop: Shop, day: str | date | None = None) -> DayReport:
    """Close a business day: append ``day.closed`` with its figures and the grand total."""
    now = shop.now()
    when = _closable_day(shop, day, now)
    key = when.isoformat()
    figures = day_figures(shop, when)
    previous = _signed_money(shop.ledger.view.last_close)
    total = Decimal(shop.ledger.view.sales_fen).scaleb(-2)
    data = {
        "day": key,
        **figures.to_json(),
        "previous_grand_total": money_str(previous),
        "grand_total": money_str(total),
    }
    record = shop.ledger.append("day.closed", data, now)
    return DayReport(
        "z", key, figures, now, True, previous, total, record, key_fingerprint=_fingerprint(shop)
    )


def closed_report(shop: Shop, day: str | date | None = None) -> DayReport:
    """The Z of a closed day exactly as its ``day.closed`` record holds it, for a reprint.

    Never recomputed: a reprint must show what was closed, even if a receipt was
    sold on that day after the close.
    """
    when = business_day(shop, day)
    key = when.isoformat()
    since = (when - timedelta(days=2)).strftime("%Y-%m")
    months = [m for m in shop.ledger.journal.months() if m >= since]
    for record in shop.ledger.find_records(b'"kind":"day.closed"', months):
        data = record["data"]
        if record["kind"] == "day.closed" and data.get("day") == key:
            return DayReport(
                kind="z",
                day=key,
                figures=DayFigures.from_json(data),
                generated_at=datetime.fromisoformat(record["time"]),
                closed=True,
                previous_grand_total=Decimal(data["previous_grand_total"]),
                grand_total=Decimal(data["grand_total"]),
                record=record,
                copy=True,
                key_fingerprint=_fingerprint(shop),
            )
    raise NotFound("report.not_closed", day=key)


def _fingerprint(shop: Shop) -> str:
    """The fingerprint of the key that signs this ledger ("" if none is at hand)."""
    public = shop.ledger.public_key
    return key_fingerprint(public_key_b64(public)) if public is not None else ""


def _signed_money(last_close: dict | None) -> Decimal:
    """The grand total a close recorded; may be negative (a day of voids only)."""
    if not last_close or "grand_total" not in last_close:
        return ZERO
    return Decimal(last_close["grand_total"])


def _label(key: str, language: str) -> str:
    """A report label in ``zh``, ``en`` or both (``zh+en``, as receipts can be)."""
    code = f"report.w.{key}"
    if language == "zh+en":
        return f"{message(code, 'zh')} / {message(code, 'en')}"
    return message(code, language)


def report_sheet(report: DayReport, language: str = "zh") -> dict:
    """The report as a plain figure sheet for paper (the printing module's report layout).

    Shape: ``title``, ``info`` (label/value pairs), ``sections`` (each a ``title``
    and ``rows`` of label/value); amounts are two-decimal strings, counts ints.
    """
    f = report.figures
    title = title_key(report)
    summary = [
        [_label("receipts", language), f.receipts],
        [_label("voids", language), f.voids],
        [_label("sales", language), money_str(f.sales)],
        [_label("voided", language), money_str(-f.voided)],
        [_label("gross", language), money_str(f.gross)],
        [_label("net", language), money_str(f.net)],
        [_label("tax", language), money_str(f.tax)],
    ]
    if f.training:
        summary.insert(2, [_label("training", language), f.training])
    rates = [
        row
        for rate, r in f.by_rate.items()
        for row in (
            [rate_label(rate), money_str(r.gross)],
            [f"  {_label('net', language)}", money_str(r.net)],
            [f"  {_label('tax', language)}", money_str(r.tax)],
        )
    ]
    methods = [[_label(m, language), money_str(a)] for m, a in f.by_method.items()]
    drawer = [
        [_label("opening_float", language), money_str(f.opening_float)],
        [_label("cash", language), money_str(f.cash_in)],
        [_label("cash_expected", language), money_str(f.cash_expected)],
    ]
    sections = [
        {"title": "", "rows": summary},
        {"title": _label("by_rate", language), "rows": rates or [[_label("none", language)]]},
        {"title": _label("by_method", language), "rows": methods or [[_label("none", language)]]},
        {"title": "", "rows": drawer},
    ]
    if report.grand_total is not None and report.previous_grand_total is not None:
        sections.append(
            {
                "title": "",
                "rows": [
                    [
                        _label("previous_grand_total", language),
                        money_str(report.previous_grand_total),
                    ],
                    [_label("grand_total", language), money_str(report.grand_total)],
                ],
            }
        )
    return {
        "title": _label(title, language),
        "info": [
            [_label("day", language), report.day],
            [_label("generated", language), report.generated_at.strftime("%Y-%m-%d %H:%M:%S")],
        ]
        + (
            [[_label("key_fingerprint", language), report.key_fingerprint]]
            if report.key_fingerprint
            else []
        ),
        "sections": sections,
        "training": False,
    }


def title_key(report: DayReport) -> str:
    """Which title a report carries: ``x``, ``x_closed``, ``z`` or ``z_copy`` (``report.w.*``)."""
    if report.kind == "z":
        return "z_copy" if report.copy else "z"
    return "x_closed" if report.closed else "x"
