"""What a batch adds up to, computed the same way by the writer and the verifier.

Integer fen throughout: every amount in a record is a canonical two-decimal
string, so ``"12.34"`` → 1234 is exact and 100k receipts add up without
``Decimal`` overhead or float drift. Only receipts that stay valid count towards
money totals; a voided one is counted as issued and voided, a training receipt
is counted only as excluded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shopdesk.domain.repricing import reprice
from shopdesk.domain.sale import PAYMENT_METHODS
from shopdesk.domain.tax import RATE_ORDER, RATES

MONEY_RE = re.compile(r"^(0|[1-9][0-9]{0,11})\.([0-9]{2})$")


#: Amounts already converted: catalog prices and totals repeat (a bound on memory).
_FEN: dict[str, int] = {}
FEN_CACHE = 1 << 16


def _fen(text: str) -> int:
    # Checked by hand rather than by MONEY_RE: this runs millions of times per batch.
    whole, cents = text[:-3], text[-2:]
    if (
        text[-3:-2] == "."
        and text.isascii()
        and whole.isdigit()
        and cents.isdigit()
        and len(whole) <= 12
        and (whole[0] != "0" or len(whole) == 1)
    ):
        return int(whole) * 100 + int(cents)
    raise ValueError(f"not a money string: {text!r}")


def fen(text: object) -> int:
    """Integer fen of a canonical money string; anything else is a ``ValueError``.

    Amounts repeat a lot (catalog prices), so results are kept: a dict lookup
    first, ~2× cheaper than ``lru_cache`` behind the type test, and an export
    asks ~1M times per 100k receipts (issue 12, speed).
    """
    if type(text) is not str:
        raise ValueError(f"not a money string: {text!r}")
    try:
        return _FEN[text]
    except KeyError:
        value = _fen(text)
    if len(_FEN) < FEN_CACHE:
        _FEN[text] = value
    return value


def yuan(value: int) -> str:
    """The canonical money string of integer fen (``1234`` → ``"12.34"``)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100}.{value % 100:02d}"


def received_by_method(data: dict) -> dict[str, int]:
    """What each payment method actually brought in: cash minus the change handed back."""
    out: dict[str, int] = {}
    for payment in data["payments"]:
        out[payment["method"]] = out.get(payment["method"], 0) + fen(payment["amount"])
    change = fen(data["change"])
    if change:
        out["cash"] = out.get("cash", 0) - change
    return out


@dataclass(frozen=True, slots=True)
class ReceiptFigures:
    """A receipt's money in fen, as :func:`receipt_figures` has just added it up and checked it."""

    total: int
    net: int
    tax: int
    #: rate → [gross, net, tax]: the sums of the lines, equal to the stated ``by_rate``
    by_rate: dict[str, list[int]]
    #: what each payment method brought in (:func:`received_by_method`)
    received: dict[str, int]


def receipt_problem(data: dict) -> str | None:
    """Why a receipt's own figures do not add up, or ``None`` when they do.

    Lines sum to the receipt's total, net and tax; net + tax = total on every
    line; the per-rate totals are the sums of their lines; payments minus change
    equal the total. A receipt that fails one of these was not made by
    :func:`shopdesk.domain.sale.price_sale`, whatever its signature says.
    """
    found = receipt_figures(data)
    return found if isinstance(found, str) else None


def receipt_figures(data: dict) -> ReceiptFigures | str:
    """The figures :func:`receipt_problem` checks, or the code of why they do not add up.

    verify-batch hands them to :meth:`BatchTotals.add_receipt` instead of
    converting the same strings to fen a second time (~0.3 s per 100k receipts).
    """
    try:
        total, net, tax = fen(data["total"]), fen(data["net"]), fen(data["tax"])
        sums = [0, 0, 0]
        by_rate: dict[str, list[int]] = {}
        for line in data["lines"]:
            if line["rate"] not in RATES:
                return "unknown_rate"
            amount, lnet, ltax = fen(line["amount"]), fen(line["net"]), fen(line["tax"])
            if lnet + ltax != amount:
                return "line_net_tax"
            sums[0] += amount
            sums[1] += lnet
            sums[2] += ltax
            acc = by_rate.setdefault(line["rate"], [0, 0, 0])
            acc[0] += amount
            acc[1] += lnet
            acc[2] += ltax
        if sums != [total, net, tax]:
            return "lines_vs_total"
        stated = {
            rate: [fen(v["gross"]), fen(v["net"]), fen(v["tax"])]
            for rate, v in data["by_rate"].items()
        }
        if stated != by_rate:
            return "by_rate"
        received = received_by_method(data)
        if any(method not in PAYMENT_METHODS for method in received):
            return "unknown_method"
        if sum(received.values()) != total:
            return "payments"
    except (KeyError, TypeError, ValueError, AttributeError):
        return "bad_fields"
    return ReceiptFigures(total, net, tax, stated, received)


def checked_figures(data: dict) -> ReceiptFigures | None:
    """A receipt's figures when it re-prices to itself; ``None``: ask the slow way.

    The usual receipt of verify-batch: :func:`~shopdesk.domain.repricing.reprice`
    compared every stated amount (canonical strings) with its own sums, so
    those sums are the record's figures and :func:`receipt_figures` would
    return them, converting the same strings again (~0.7 s per 100k receipts;
    issue 12, speed). Only what re-pricing does not look at is checked here:
    the strict money form of payments and change, known methods, and that the
    payments bring in the total. ``None`` for anything else, a record of the
    wrong shape too: the caller then runs both checks in their own order, so
    the first problem named stays the same (tests/export/test_totals.py).
    """
    try:
        repriced = reprice(data)
        if repriced.mismatches:
            return None
        received = received_by_method(data)
        by_rate = {rate: repriced.by_rate[rate] for rate in data["by_rate"]}
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if sum(received.values()) != repriced.total or any(
        method not in PAYMENT_METHODS for method in received
    ):
        return None
    return ReceiptFigures(repriced.total, repriced.net, repriced.tax, by_rate, received)


@dataclass
class BatchTotals:
    """Counts and money of one batch; :meth:`as_dict` is what the manifest states."""

    issued: int = 0
    voided: int = 0
    training_excluded: int = 0
    gross: int = 0
    net: int = 0
    tax: int = 0
    by_rate: dict[str, list[int]] = field(default_factory=dict)
    by_payment: dict[str, int] = field(default_factory=dict)

    def add_receipt(self, data: dict, *, void: bool, figures: ReceiptFigures | None = None) -> None:
        """Count one receipt of the batch; only a valid one adds money.

        ``figures``: the receipt's own, from :func:`receipt_figures` (already in fen).
        """
        if data.get("training"):
            self.training_excluded += 1
            return
        self.issued += 1
        if void:
            self.voided += 1
            return
        if figures is None:
            self.gross += fen(data["total"])
            self.net += fen(data["net"])
            self.tax += fen(data["tax"])
            by_rate = {
                rate: (fen(v["gross"]), fen(v["net"]), fen(v["tax"]))
                for rate, v in data["by_rate"].items()
            }
            received = received_by_method(data)
        else:
            self.gross += figures.total
            self.net += figures.net
            self.tax += figures.tax
            by_rate, received = figures.by_rate, figures.received
        for rate, (gross, net, tax) in by_rate.items():
            acc = self.by_rate.setdefault(rate, [0, 0, 0])
            acc[0] += gross
            acc[1] += net
            acc[2] += tax
        for method, amount in received.items():
            self.by_payment[method] = self.by_payment.get(method, 0) + amount

    def counts(self) -> dict[str, int]:
        return {
            "issued": self.issued,
            "voided": self.voided,
            "valid": self.issued - self.voided,
            "training_excluded": self.training_excluded,
        }

    def money(self) -> dict:
        rates = [r for r in RATE_ORDER if r in self.by_rate] + sorted(
            r for r in self.by_rate if r not in RATE_ORDER
        )
        methods = [m for m in PAYMENT_METHODS if m in self.by_payment] + sorted(
            m for m in self.by_payment if m not in PAYMENT_METHODS
        )
        return {
            "gross": yuan(self.gross),
            "net": yuan(self.net),
            "tax": yuan(self.tax),
            "by_rate": {
                r: {
                    "gross": yuan(self.by_rate[r][0]),
                    "net": yuan(self.by_rate[r][1]),
                    "tax": yuan(self.by_rate[r][2]),
                }
                for r in rates
            },
            "by_payment": {m: yuan(self.by_payment[m]) for m in methods},
        }


@dataclass
class RefundTotals:
    """Refunds of one batch: what the manifest states under ``refunds``.

    Kept apart from :class:`BatchTotals` (the sales) so a batch without returns
    states exactly what it always did; ``net_of_refunds`` is sales minus these.
    """

    numbers: list[str] = field(default_factory=list)
    sales: BatchTotals = field(default_factory=BatchTotals)

    def add_refund(self, data: dict) -> None:
        """Count one refund; its payments are what went back by each method."""
        self.numbers.append(data["no"])
        refunded = {**data, "change": "0.00"}
        self.sales.add_receipt(refunded, void=False)

    def block(self) -> dict:
        """``refunds``: count, numbers and money given back (positive, as the records)."""
        money = self.sales.money()
        return {"count": len(self.numbers), "numbers": list(self.numbers), **money}

    def net_of(self, sales: BatchTotals) -> dict[str, str]:
        """``net_of_refunds``: the batch's sales minus its refunds (may be negative)."""
        return {
            "gross": yuan(sales.gross - self.sales.gross),
            "net": yuan(sales.net - self.sales.net),
            "tax": yuan(sales.tax - self.sales.tax),
        }
