"""X and Z reports: the figures of a shift, read from the ledger in its order.

A **shift** is every record after the previous Z (``day.closed``), in journal
order, whatever their dates: the X shows the shift still open, the Z closes it
and the next record opens the next. So every receipt is counted in exactly one Z
(a sale after a close simply belongs to the next shift), and several Zs on one
calendar date are two shifts. Each Z records the range it covers (``first_seq``
to ``last_seq``, the real receipt numbers up to ``last_rseq``, the calendar
dates touched), which ``verify`` checks adds up (issue 13, item 1). The shift is
found without the view or the whole ledger: the last Z is the newest
``day.closed`` line (searched from the end of the newest partition back), and
only the lines after it are read.

A read-only view by **calendar date** remains (``report x --date``): the records
stamped that day in the shop's timezone (profile ``shop.timezone``), from the
month partitions that can hold them, see
:meth:`shopdesk.ledger.store.Ledger.records_between`.

The Z also records the perpetual grand total: the gross of every real receipt
in the ledger up to that record, net of voids (issue 11). It is derivable from
the ledger alone and never reset; the view keeps it as a running sum
(``sales_fen``), so a Z costs nothing more at 100k receipts. The previous
close's grand total is recorded beside it. A Z needs a manager's approval
(``close_day``) and the drawer counted (item 6): counted, expected and over/short
go into the record and onto the paper.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from shopdesk.config import MANAGER
from shopdesk.domain.money import ZERO, money_str
from shopdesk.domain.reports import TILL_EVENT_KINDS, CashCount, DayFigures, summarize_day
from shopdesk.domain.tax import rate_label
from shopdesk.errors import InvalidInput, NotFound
from shopdesk.ledger.keys import key_fingerprint, public_key_b64
from shopdesk.messages import message
from shopdesk.services.approval import Approval
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
    #: A shift's report: the range it covers (``first_seq``, ``last_seq``,
    #: ``last_rseq``, ``days``, ``since``); ``None`` for a calendar date's view.
    shift: dict | None = None
    #: Z only: the drawer as counted at the close, and counted − expected.
    counted: Decimal | None = None
    over_short: Decimal | None = None
    count: dict[str, int] | None = None

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
        if self.shift is not None:
            out["shift"] = self.shift
        if self.counted is not None and self.over_short is not None:
            out["counted"] = money_str(self.counted)
            out["over_short"] = money_str(self.over_short)
            if self.count:
                out["count"] = self.count
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
    refunds: list[dict] = []
    events: list[dict] = []
    kinds = ("receipt.issued", "receipt.voided", "refund.issued", "day.closed", *TILL_EVENT_KINDS)
    for record in shop.ledger.records_between(start, end, kinds):
        kind = record["kind"]
        if kind in TILL_EVENT_KINDS:
            events.append(record)
        elif kind == "receipt.issued":
            issued.append(record["data"])
            bodies[record["data"]["no"]] = record["data"]
        elif kind == "receipt.voided":
            voided_numbers.append(record["data"]["no"])
        elif kind == "refund.issued":
            refunds.append(record["data"])
        elif kind == "day.closed" and record["data"].get("day") == day.isoformat():
            closed = True
    figures = _figures(shop, issued, bodies, voided_numbers, refunds, events)
    return figures, closed


def _figures(
    shop: Shop,
    issued: list[dict],
    bodies: dict[str, dict],
    voided_numbers: list[str],
    refunds: list[dict],
    events: list[dict],
) -> DayFigures:
    """The figures of a day's or a shift's records; a voided receipt issued before
    them is found by its number."""
    voided = [bodies.get(no) or _receipt_body(shop, no) for no in voided_numbers]
    return summarize_day(
        issued,
        [b for b in voided if b is not None],
        opening_float=shop.profile.opening_float,
        refunds=refunds,
        events=events,
    )


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


#: The kinds a shift's figures are made of (till events are counted, not summed in).
SHIFT_KINDS = ("receipt.issued", "receipt.voided", "refund.issued", *TILL_EVENT_KINDS)


@dataclass(frozen=True)
class _Shift:
    """The open shift as read from the ledger: its figures and the range it covers."""

    figures: DayFigures
    last_close: dict | None
    range: dict


def _read_shift(shop: Shop) -> _Shift:
    """Everything after the newest ``day.closed``, in journal order (see the module doc)."""
    found = shop.ledger.last_of_kind("day.closed")
    where = None if found is None else found[:2]
    last_close = None if found is None else found[2]
    issued: list[dict] = []
    bodies: dict[str, dict] = {}
    voided_numbers: list[str] = []
    refunds: list[dict] = []
    events: list[dict] = []
    days: set[str] = set()
    for record in shop.ledger.records_after(where, SHIFT_KINDS):
        if record["kind"] in TILL_EVENT_KINDS:
            events.append(record)  # no receipt: the shift's dates are its receipts'
            continue
        days.add(record["time"][:10])  # the record's own date (its own UTC offset)
        if record["kind"] == "receipt.issued":
            issued.append(record["data"])
            bodies[record["data"]["no"]] = record["data"]
        elif record["kind"] == "refund.issued":
            refunds.append(record["data"])
        else:
            voided_numbers.append(record["data"]["no"])
    figures = _figures(shop, issued, bodies, voided_numbers, refunds, events)
    real = [b["rseq"] for b in issued if not b.get("training")]
    before = 0 if last_close is None else _close_rseq(shop, last_close, real)
    span = {
        "first_seq": 1 if last_close is None else last_close["seq"] + 1,
        "last_seq": shop.ledger.head_seq,
        "first_rseq": before + 1,
        "last_rseq": real[-1] if real else before,
        "days": sorted(days),
        "since": "" if last_close is None else last_close["time"],
    }
    return _Shift(figures, last_close, span)


def _close_rseq(shop: Shop, close: dict, real: list[int]) -> int:
    """The last real receipt number a Z covers.

    A Z from before shifts did not record it: then it is the number before the
    shift's first receipt, or (a shift without one) the newest number so far.
    """
    if "last_rseq" in close["data"]:
        return int(close["data"]["last_rseq"])
    return real[0] - 1 if real else shop.ledger.view.last_rseq


def report_x(shop: Shop, day: str | date | None = None) -> DayReport:
    """Running totals of the open shift, or of a calendar date with ``day``; writes nothing."""
    now = shop.now()
    if day is None:
        return _shift_report(shop, _read_shift(shop), now)
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


def _closable_shift(shop: Shop) -> _Shift:
    """The open shift, or ``report.empty_shift`` when it has no receipt and no void."""
    shift = _read_shift(shop)
    figures = shift.figures
    if not (figures.receipts or figures.voids or figures.training):
        since = shift.range["since"]
        raise InvalidInput("report.empty_shift", since=since[:19].replace("T", " ") or "-")
    return shift


def shift_to_close(shop: Shop) -> DayReport:
    """The X of the shift a Z would close, refused as :func:`report_z` refuses it.

    A front end asks this before the PIN and the count: nobody counts a drawer
    for a Z that will be refused.
    """
    return _shift_report(shop, _closable_shift(shop), shop.now())


def _shift_report(shop: Shop, shift: _Shift, now: datetime) -> DayReport:
    """The X of an open shift, dated by the calendar date of ``now``."""
    today = now.astimezone(shop.profile.tz).date().isoformat()
    return DayReport(
        "x", today, shift.figures, now, False, key_fingerprint=_fingerprint(shop), shift=shift.range
    )


def report_z(shop: Shop, approval: Approval, count: CashCount) -> DayReport:
    """Close the open shift: append ``day.closed`` with its range, figures, count and grand total.

    ``approval`` is a manager's yes to ``close_day`` (see
    :func:`shopdesk.services.approval.approve`); ``count`` is the drawer as the
    closer counted it. A shift with nothing in it is refused: a Z of nothing
    would only make the next real one harder to find.
    """
    if approval.action != "close_day":
        raise ValueError(f"a Z needs a close_day approval, not {approval.action!r}")
    now = shop.now()
    shift = _closable_shift(shop)
    figures = shift.figures
    key = now.astimezone(shop.profile.tz).date().isoformat()
    previous = _signed_money(shop.ledger.view.last_close)
    total = Decimal(shop.ledger.view.sales_fen).scaleb(-2)
    span = {**shift.range, "last_seq": shop.ledger.head_seq}
    data = {
        "day": key,
        **{k: v for k, v in span.items() if k != "since"},
        **figures.to_json(),
        **count.to_json(figures.cash_expected),
        "previous_grand_total": money_str(previous),
        "grand_total": money_str(total),
        "approved_by": approval.by,
    }
    record = shop.ledger.append("day.closed", data, now)
    return _from_record(shop, record, copy=False)


def closed_report(shop: Shop, day: str | date | None = None) -> DayReport:
    """A Z exactly as its ``day.closed`` record holds it, for a reprint: the newest,
    or the newest closed on calendar date ``day``.

    Never recomputed: a reprint must show what was closed.
    """
    if day is None:
        found = shop.ledger.last_of_kind("day.closed")
        if found is None:
            raise NotFound("report.no_close")
        return _from_record(shop, found[2], copy=True)
    key = business_day(shop, day).isoformat()
    since = (business_day(shop, day) - timedelta(days=2)).strftime("%Y-%m")
    months = [m for m in shop.ledger.journal.months() if m >= since]
    closes = [
        record
        for record in shop.ledger.find_records(b'"kind":"day.closed"', months)
        if record["kind"] == "day.closed" and record["data"].get("day") == key
    ]
    if not closes:
        raise NotFound("report.not_closed", day=key)
    return _from_record(shop, closes[-1], copy=True)


def _from_record(shop: Shop, record: dict, *, copy: bool) -> DayReport:
    """The Z a ``day.closed`` record holds (a Z from before shifts has no range or count)."""
    data = record["data"]
    span = None
    if "first_seq" in data:
        span = {k: data[k] for k in ("first_seq", "last_seq", "first_rseq", "last_rseq", "days")}
    counted = data.get("counted")
    return DayReport(
        kind="z",
        day=data["day"],
        figures=DayFigures.from_json(data),
        generated_at=datetime.fromisoformat(record["time"]),
        closed=True,
        previous_grand_total=Decimal(data["previous_grand_total"]),
        grand_total=Decimal(data["grand_total"]),
        record=record,
        copy=copy,
        key_fingerprint=_fingerprint(shop),
        shift=span,
        counted=None if counted is None else Decimal(counted),
        over_short=None if counted is None else Decimal(data["over_short"]),
        count=data.get("count"),
    )


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
    return " / ".join(message(f"report.w.{key}", lang) for lang in language.split("+"))


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
        *(
            [
                [_label("refunds", language), f.refunds],
                [_label("refunded", language), money_str(-f.refunded)],
            ]
            + [[f"  {_label(m, language)}", money_str(-a)] for m, a in f.refunded_by_method.items()]
            if f.refunds
            else []
        ),
        [_label("gross", language), money_str(f.gross)],
        [_label("net", language), money_str(f.net)],
        [_label("tax", language), money_str(f.tax)],
    ]
    if f.rounding:  # 抹零: already inside the gross, shown so the shop sees what it gave
        summary.append([_label("rounding", language), money_str(-f.rounding)])
    events = till_event_rows(f, lambda key: _label(key, language))
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
    if report.counted is not None and report.over_short is not None:
        drawer += [[f"  {value} x", n] for value, n in (report.count or {}).items()]
        drawer += [
            [_label("counted", language), money_str(report.counted)],
            [_label("over_short", language), signed_money(report.over_short)],
        ]
    sections = [
        {"title": "", "rows": summary},
        {"title": _label("by_rate", language), "rows": rates or [[_label("none", language)]]},
        {"title": _label("by_method", language), "rows": methods or [[_label("none", language)]]},
        {"title": "", "rows": drawer},
    ]
    if events:
        sections.append({"title": _label("till_events", language), "rows": events})
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
        + shift_rows(report, lambda key: _label(key, language))
        + (
            [[_label("key_fingerprint", language), report.key_fingerprint]]
            if report.key_fingerprint
            else []
        ),
        "sections": sections,
        "training": False,
    }


def title_key(report: DayReport) -> str:
    """Which title a report carries (``report.w.*``): ``x`` (the open shift), ``x_day``
    or ``x_closed`` (a calendar date), ``z`` or ``z_copy``."""
    if report.kind == "z":
        return "z_copy" if report.copy else "z"
    if report.shift is not None:
        return "x"
    return "x_closed" if report.closed else "x_day"


def shift_rows(report: DayReport, label: Callable[[str], str]) -> list[list[str]]:
    """Label/value rows saying which records a shift's report covers (none for a date's).

    The range is what lets anyone check that every receipt is in exactly one Z:
    the next Z starts at the record after this one's last.
    """
    span = report.shift
    if span is None:
        return []
    rows = []
    if "since" in span:
        since = span["since"][:19].replace("T", " ")
        rows.append([label("since"), since or label("first_shift")])
    rows += [
        [label("seq_range"), f"{span['first_seq']}-{span['last_seq']}"],
        [label("rseq_range"), f"{span['first_rseq']}-{span['last_rseq']}"],
        [label("days"), " ".join(span["days"]) or label("none")],
    ]
    by = (report.record or {}).get("data", {}).get("approved_by")
    if by == MANAGER:  # the built-in name of a shop without [[people]]: say 店长
        by = label("manager")
    return rows + ([[label("approved_by"), by]] if by else [])


def till_event_rows(figures: DayFigures, label: Callable[[str], str]) -> list[list]:
    """Label/value rows of the shift's till events (none when it had none).

    Cancelled sales, removed lines and drawer openings without a sale are the
    classic ways cash leaves a till without a receipt (issue 13, item 5); the
    amounts are what the cashier took off sales in progress, not money moved.
    """
    e = figures.events
    if not e:
        return []
    return [
        [label("cancelled_sales"), e.cancelled_sales],
        [f"  {label('cancelled')}", money_str(e.cancelled)],
        [label("removed_lines"), e.removed_lines],
        [f"  {label('removed')}", money_str(e.removed)],
        [label("drawer_opens"), e.drawer_opens],
    ]


def signed_money(value: Decimal) -> str:
    """An over/short amount with its sign always shown (``+1.50``, ``-3.00``, ``0.00``)."""
    return ("+" if value > 0 else "") + money_str(value)
