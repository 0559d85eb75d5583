"""The figures of a business day, for the X (running) and Z (closing) reports.

Pure arithmetic over receipt bodies as the ledger stores them (see
:func:`shopdesk.domain.sale.receipt_body`), in integer fen so nothing drifts:

- every receipt *issued* that day adds its figures;
- every receipt *voided* that day subtracts its figures, whatever day it was
  issued: a closed day never changes afterwards (as fiscal registers do: NF525
  and RKSV book a cancellation on the day it happens), so a void of yesterday's
  receipt shows in today's report;
- training receipts are practice: they are counted apart and never enter a total;
- every refund (a return, ``refund.issued``) issued that day subtracts what it
  paid back, per rate and per method, on the day of the return like a void;
- till events (issue 13, item 5: a sale cancelled with lines, a line removed or
  reduced, the drawer opened without a sale) are counted apart with what they
  took off a sale in progress: they are no receipts and enter no total. Training
  ones are left out, like training receipts.

Per payment method, cash counts what stayed in the drawer: tendered − change
(change is only ever given in cash, see :func:`shopdesk.domain.sale.settle`), so
the methods add up to the gross exactly. Cash expected in the drawer is the
opening float plus that cash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from shopdesk.domain.money import from_fen, money_str, parse_money, to_fen
from shopdesk.domain.sale import PAYMENT_METHODS
from shopdesk.domain.tax import RATE_ORDER
from shopdesk.errors import InvalidInput


def _fen(amount: str) -> int:
    """Fen of a ledger amount string.

    Records always hold ``money_str`` forms (``"12.50"``, ``"-3.00"``): read those
    as integers directly (a day of receipts is ~15k amounts); anything else goes
    through ``Decimal`` and half-up rounding.
    """
    whole, dot, cents = amount.partition(".")
    if dot and len(cents) == 2 and cents.isdigit() and whole.lstrip("-").isdigit():
        fen = int(whole.lstrip("-")) * 100 + int(cents)
        return -fen if whole.startswith("-") else fen
    return to_fen(Decimal(amount))


@dataclass(frozen=True, slots=True)
class RateFigures:
    gross: Decimal
    net: Decimal
    tax: Decimal

    def to_json(self) -> dict:
        return {
            "gross": money_str(self.gross),
            "net": money_str(self.net),
            "tax": money_str(self.tax),
        }


#: The ledger kinds of till events (see :mod:`shopdesk.services.till_events`).
SALE_CANCELLED, LINE_REMOVED, DRAWER_OPENED = "sale.cancelled", "line.removed", "drawer.opened"
TILL_EVENT_KINDS = (SALE_CANCELLED, LINE_REMOVED, DRAWER_OPENED)


@dataclass(frozen=True, slots=True)
class TillEvents:
    """What a shift's till events add up to: the loss-prevention rows of an X/Z."""

    cancelled_sales: int = 0
    cancelled: Decimal = Decimal("0.00")  # the totals of the sales cancelled
    removed_lines: int = 0
    removed: Decimal = Decimal("0.00")  # what the removals took off their sales
    drawer_opens: int = 0

    def __bool__(self) -> bool:
        return bool(self.cancelled_sales or self.removed_lines or self.drawer_opens)

    @classmethod
    def of(cls, records: Iterable[dict]) -> TillEvents:
        """Count the real (non-training) till-event records among ``records``."""
        counts = {kind: 0 for kind in TILL_EVENT_KINDS}
        cancelled = removed = 0
        for record in records:
            kind, data = record["kind"], record["data"]
            if kind not in counts or data.get("training"):
                continue
            counts[kind] += 1
            if kind == SALE_CANCELLED:
                cancelled += _fen(data["total"])
            elif kind == LINE_REMOVED:
                removed += _fen(data["amount_removed"])
        return cls(
            counts[SALE_CANCELLED],
            from_fen(cancelled),
            counts[LINE_REMOVED],
            from_fen(removed),
            counts[DRAWER_OPENED],
        )

    @classmethod
    def from_json(cls, data: dict) -> TillEvents:
        return cls(
            int(data.get("cancelled_sales", 0)),
            Decimal(data.get("cancelled", "0.00")),
            int(data.get("removed_lines", 0)),
            Decimal(data.get("removed", "0.00")),
            int(data.get("drawer_opens", 0)),
        )

    def to_json(self) -> dict:
        """The fields as a ``day.closed`` holds them; none when there was no event."""
        if not self:
            return {}
        return {
            "cancelled_sales": self.cancelled_sales,
            "cancelled": money_str(self.cancelled),
            "removed_lines": self.removed_lines,
            "removed": money_str(self.removed),
            "drawer_opens": self.drawer_opens,
        }


@dataclass(frozen=True, slots=True)
class DayFigures:
    """What an X or Z report shows for one business day (training excluded)."""

    receipts: int  # receipts issued that day
    voids: int  # voids recorded that day
    training: int  # training receipts issued that day (not in any figure)
    sales: Decimal  # gross of the receipts issued that day
    voided: Decimal  # gross of the receipts voided that day
    gross: Decimal  # sales − voided
    net: Decimal
    tax: Decimal
    by_rate: dict[str, RateFigures] = field(default_factory=dict)
    by_method: dict[str, Decimal] = field(default_factory=dict)
    opening_float: Decimal = Decimal("0.00")
    refunds: int = 0  # refund receipts (returns) issued that day
    refunded: Decimal = Decimal("0.00")  # what they paid back
    refunded_by_method: dict[str, Decimal] = field(default_factory=dict)
    #: 抹零 given that day (rounded-off small change, voids taken back out).
    rounding: Decimal = Decimal("0.00")
    events: TillEvents = field(default_factory=TillEvents)

    @property
    def cash_in(self) -> Decimal:
        return self.by_method.get("cash", Decimal("0.00"))

    @property
    def cash_expected(self) -> Decimal:
        return self.opening_float + self.cash_in

    @classmethod
    def from_json(cls, data: dict) -> DayFigures:
        """The figures as :meth:`to_json` wrote them (e.g. in a ``day.closed`` record)."""
        return cls(
            receipts=int(data["receipts"]),
            voids=int(data["voids"]),
            training=int(data.get("training_excluded", 0)),
            sales=Decimal(data["sales"]),
            voided=Decimal(data["voided"]),
            gross=Decimal(data["gross"]),
            net=Decimal(data["net"]),
            tax=Decimal(data["tax"]),
            by_rate={
                rate: RateFigures(Decimal(r["gross"]), Decimal(r["net"]), Decimal(r["tax"]))
                for rate, r in data.get("by_rate", {}).items()
            },
            by_method={m: Decimal(a) for m, a in data.get("by_method", {}).items()},
            opening_float=Decimal(data.get("opening_float", "0.00")),
            refunds=int(data.get("refunds", 0)),
            refunded=Decimal(data.get("refunded", "0.00")),
            refunded_by_method={
                m: Decimal(a) for m, a in data.get("refunded_by_method", {}).items()
            },
            rounding=Decimal(data.get("rounding", "0.00")),
            events=TillEvents.from_json(data),
        )

    def to_json(self) -> dict:
        """The figures as JSON; the refund fields only on a day that had returns, the
        till-event fields only on one that had events, ``rounding`` only on one that had
        some (older records keep their shape)."""
        refunds = {
            "refunds": self.refunds,
            "refunded": money_str(self.refunded),
            "refunded_by_method": {m: money_str(a) for m, a in self.refunded_by_method.items()},
        }
        out = (
            (refunds if self.refunds else {})
            | self.events.to_json()
            | {
                "receipts": self.receipts,
                "voids": self.voids,
                "training_excluded": self.training,
                "sales": money_str(self.sales),
                "voided": money_str(self.voided),
                "gross": money_str(self.gross),
                "net": money_str(self.net),
                "tax": money_str(self.tax),
                "by_rate": {rate: f.to_json() for rate, f in self.by_rate.items()},
                "by_method": {m: money_str(a) for m, a in self.by_method.items()},
                "opening_float": money_str(self.opening_float),
                "cash_in": money_str(self.cash_in),
                "cash_expected": money_str(self.cash_expected),
            }
        )
        if self.rounding:
            out["rounding"] = money_str(self.rounding)
        return out


class _Tally:
    """Running sums in fen; ``sign`` +1 adds a receipt, −1 takes a voided one back out."""

    def __init__(self) -> None:
        self.rates: dict[str, list[int]] = {}
        self.methods: dict[str, int] = {}
        self.gross = 0
        self.rounding = 0

    def add(self, body: dict, sign: int) -> int:
        total = _fen(body["total"])
        self.gross += sign * total
        self.rounding += sign * _fen(body.get("rounding", "0.00"))
        for rate, figures in body["by_rate"].items():
            acc = self.rates.setdefault(rate, [0, 0, 0])
            acc[0] += sign * _fen(figures["gross"])
            acc[1] += sign * _fen(figures["net"])
            acc[2] += sign * _fen(figures["tax"])
        change = _fen(body.get("change", "0.00"))
        for payment in body["payments"]:
            amount = _fen(payment["amount"])
            if payment["method"] == "cash":
                amount -= change
                change = 0  # change comes out of the cash once, even over several cash lines
            self.methods[payment["method"]] = self.methods.get(payment["method"], 0) + sign * amount
        return total


def _in_method_order(fen: dict[str, int]) -> dict[str, Decimal]:
    return {
        m: from_fen(fen[m])
        for m in (*PAYMENT_METHODS, *sorted(set(fen) - set(PAYMENT_METHODS)))
        if m in fen
    }


def summarize_day(
    issued: Iterable[dict],
    voided: Iterable[dict],
    *,
    opening_float: Decimal = Decimal("0.00"),
    refunds: Iterable[dict] = (),
    events: Iterable[dict] = (),
) -> DayFigures:
    """Figures of a day from the bodies of its issued receipts, of the receipts voided
    in it and of the refunds issued in it; ``events``: its till-event records."""
    tally = _Tally()
    back = _Tally()  # the refunds alone, for their own lines
    refund_count = 0
    for body in refunds:
        refund_count += 1
        back.add(body, +1)
        tally.add(body, -1)
    receipts = training = voids = 0
    sales = voided_fen = 0
    for body in issued:
        if body.get("training"):
            training += 1
            continue
        receipts += 1
        sales += tally.add(body, +1)
    for body in voided:
        if body.get("training"):
            continue
        voids += 1
        voided_fen += tally.add(body, -1)
    by_rate = {
        rate: RateFigures(*(from_fen(v) for v in tally.rates[rate]))
        for rate in (*RATE_ORDER, *sorted(set(tally.rates) - set(RATE_ORDER)))
        if rate in tally.rates
    }
    by_method = _in_method_order(tally.methods)
    return DayFigures(
        receipts=receipts,
        voids=voids,
        training=training,
        sales=from_fen(sales),
        voided=from_fen(voided_fen),
        gross=from_fen(tally.gross),
        net=from_fen(sum(v[1] for v in tally.rates.values())),
        tax=from_fen(sum(v[2] for v in tally.rates.values())),
        by_rate=by_rate,
        by_method=by_method,
        opening_float=opening_float,
        refunds=refund_count,
        refunded=from_fen(back.gross),
        refunded_by_method=_in_method_order(back.methods),
        rounding=from_fen(tally.rounding),
        events=TillEvents.of(events),
    )


#: Notes and coins a closer counts, in yuan (issue 13, item 6): 100 to 1 yuan
#: notes, 5 and 1 jiao. A 1 yuan coin and note count alike.
DENOMINATIONS = tuple(Decimal(d) for d in ("100", "50", "20", "10", "5", "1", "0.5", "0.1"))


@dataclass(frozen=True, slots=True)
class CashCount:
    """What the closer counted in the drawer: pieces per denomination, or only a total.

    ``pieces`` is empty when a total was given; then ``total`` is that total.
    """

    total: Decimal
    pieces: dict[Decimal, int] = field(default_factory=dict)

    @classmethod
    def by_pieces(cls, pieces: dict[Decimal, int]) -> CashCount:
        """A count by denomination; its total is the sum of pieces × value."""
        total = sum((value * n for value, n in pieces.items()), Decimal("0"))
        return cls(from_fen(to_fen(total)), dict(pieces))

    def over_short(self, expected: Decimal) -> Decimal:
        """Counted − expected: positive is over (more cash than sold), negative short."""
        return self.total - expected

    def to_json(self, expected: Decimal) -> dict:
        """The count as a ``day.closed`` record holds it (see docs/format.md)."""
        out = {
            "counted": money_str(self.total),
            "over_short": money_str(self.over_short(expected)),
        }
        if self.pieces:
            out["count"] = {format(v.normalize(), "f"): n for v, n in self.pieces.items() if n}
        return out


def parse_count(items: Iterable[str]) -> CashCount:
    """A count typed as ``VALUExPIECES`` items (``100x3 50x1 0.5x4``); the same value twice adds.

    An unknown denomination or a piece count that is not a whole number is an
    ``InvalidInput`` naming the item: a miscount is worse than asking again.
    """
    pieces: dict[Decimal, int] = {}
    for item in items:
        value, sep, n = item.strip().lower().replace("×", "x").partition("x")
        try:
            key = DENOMINATIONS[DENOMINATIONS.index(Decimal(value))] if sep else None
            count = int(n)
        except (ArithmeticError, ValueError):  # not a number, or no such note or coin
            key, count = None, -1
        if key is None or count < 0:
            raise InvalidInput("report.bad_count", item=item, values=DENOMINATION_TEXT)
        pieces[key] = pieces.get(key, 0) + count
    return CashCount.by_pieces(pieces)


#: The denominations as a person reads them, for messages and the count dialog.
DENOMINATION_TEXT = " ".join(format(d.normalize(), "f") for d in DENOMINATIONS)


def count_from_text(text: str) -> CashCount:
    """What a closer typed in one field: a total (``1234.50``) or pieces (``100x3 50x1``)."""
    items = text.replace(",", " ").split()
    if any("x" in item.lower() or "×" in item for item in items):
        return parse_count(items)
    if len(items) != 1:
        raise InvalidInput("report.bad_count", item=text.strip(), values=DENOMINATION_TEXT)
    return CashCount(parse_money(items[0], "counted"))
