"""Properties over random shop days: the view's waiting tallies and the reports add up.

Each example opens a fresh shop and plays a random list of operations (sales,
training sales, voids, exports, days passing, Z closes) through the services,
then checks the incremental figures against a brute-force count of the ledger.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.domain.money import ZERO
from shopdesk.domain.reports import CashCount
from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.errors import InvalidInput
from shopdesk.services.approval import approve
from shopdesk.services.outage import outage_status
from shopdesk.services.reports import report_x, report_z
from shopdesk.services.sales import issue_receipt, line_from_catalog, void_receipt
from shopdesk.services.shop import Shop, init_shop
from tests.conftest import VOID_OK

TZ = ZoneInfo("Asia/Shanghai")
ITEMS = ("D001", "C005", "F002", "F003", "V001")

ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("sell"),
            st.sampled_from(ITEMS),
            st.integers(1, 3),
            st.sampled_from(["cash", "wechat", "cash:100"]),
        ),
        st.tuples(st.just("train"), st.sampled_from(ITEMS)),
        st.tuples(st.just("void"), st.integers(0, 50)),
        st.tuples(st.just("export")),
        st.tuples(st.just("hours"), st.integers(1, 30)),
        st.tuples(st.just("close")),
    ),
    max_size=25,
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 9, 0, tzinfo=TZ)

    def __call__(self) -> datetime:
        return self.now


def play(shop: Shop, clock: Clock, steps: list[tuple]) -> None:
    exported = 0
    for step in steps:
        kind = step[0]
        if kind in ("sell", "train"):
            qty = step[2] if kind == "sell" else 1
            method, _, amount = (step[3] if kind == "sell" else "cash").partition(":")
            pay = Payment(method, Decimal(amount) if amount else None)
            draft = SaleDraft(
                [line_from_catalog(shop.catalog, step[1], Decimal(qty))], payments=[pay]
            )
            try:
                issue_receipt(shop, draft, training=kind == "train")
            except Exception as exc:  # 100 cash may not cover a big sale: that's fine
                assert getattr(exc, "code", "") == "sale.underpaid"
        elif kind == "void":
            rows = [r for r in shop.ledger.view.iter_rows() if r["status"] == "issued"]
            if rows:
                void_receipt(
                    shop, rows[step[1] % len(rows)]["no"], reason="x", who="王芳", approval=VOID_OK
                )
        elif kind == "export" and shop.ledger.view.last_rseq > exported:
            last = shop.ledger.view.last_rseq
            shop.ledger.append(
                "batch.exported",
                {"batch_id": f"B{last}", "first_rseq": exported + 1, "last_rseq": last},
                clock(),
            )
            exported = last
        elif kind == "hours":
            clock.now += timedelta(hours=step[1])
        elif kind == "close":
            try:
                report_z(shop, approve(shop, "close_day", "1234"), CashCount(ZERO))
            except InvalidInput as refused:
                assert refused.code == "report.empty_shift"


def brute_waiting(shop: Shop) -> tuple[int, Decimal, str | None]:
    rows = [
        r
        for r in shop.ledger.view.iter_rows()
        if not r["training"] and r["status"] == "issued" and not r["batch"]
    ]
    oldest = min((r["time"] for r in rows), default=None)
    return len(rows), sum((Decimal(r["total"]) for r in rows), ZERO), oldest


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_waiting_tallies_match_a_brute_force_count(steps: list[tuple]) -> None:
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "h"
        with init_shop(root, demo=True, clock=clock) as shop:
            play(shop, clock, steps)
            expected = brute_waiting(shop)
            status = outage_status(shop)
            assert (status.waiting_receipts, status.waiting_amount) == expected[:2]
            oldest = (
                status.oldest_waiting.isoformat(timespec="microseconds")
                if status.oldest_waiting
                else None
            )
            assert oldest == expected[2]
            shop.ledger.write_checkpoint()
        with Shop.open(root, readonly=True, clock=clock) as again:
            status = outage_status(again)
            assert (status.waiting_receipts, status.waiting_amount) == expected[:2]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_day_reports_add_up_to_the_ledger(steps: list[tuple]) -> None:
    clock = Clock()
    with (
        tempfile.TemporaryDirectory() as tmp,
        init_shop(Path(tmp) / "h", demo=True, clock=clock) as shop,
    ):
        play(shop, clock, steps)
        records = list(shop.ledger.records())
        days = sorted({datetime.fromisoformat(r["time"]).astimezone(TZ).date() for r in records})
        figures = [report_x(shop, d).figures for d in days]
        real = [
            r["data"]
            for r in records
            if r["kind"] == "receipt.issued" and not r["data"]["training"]
        ]
        void_nos = {r["data"]["no"] for r in records if r["kind"] == "receipt.voided"}
        kept = sum((Decimal(b["total"]) for b in real if b["no"] not in void_nos), ZERO)
        # every day's gross together = every receipt still valid, whatever day it was voided
        assert sum((f.gross for f in figures), ZERO) == kept
        assert sum(f.receipts for f in figures) == len(real)
        for f in figures:
            assert sum(f.by_method.values(), ZERO) == f.gross
            assert sum((r.gross for r in f.by_rate.values()), ZERO) == f.gross
        # a close's grand total = every real receipt before it, net of voids before it,
        # days never closed included (issue 11: the perpetual total misses nothing)
        for close in (r for r in records if r["kind"] == "day.closed"):
            before = [r for r in records if r["seq"] < close["seq"]]
            issued = {
                r["data"]["no"]: Decimal(r["data"]["total"])
                for r in before
                if r["kind"] == "receipt.issued" and not r["data"]["training"]
            }
            voided = {r["data"]["no"] for r in before if r["kind"] == "receipt.voided"}
            expected = sum((v for no, v in issued.items() if no not in voided), ZERO)
            assert Decimal(close["data"]["grand_total"]) == expected
        # every real receipt is in exactly one Z or in the open shift (issue 13, item 1)
        closes = [r["data"] for r in records if r["kind"] == "day.closed"]
        assert sum(c["receipts"] for c in closes) + report_x(shop).figures.receipts == len(real)
