"""Outage lifecycle, the waiting figures, and offline limits on the sale path."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shopdesk.config import OfflineLimits
from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.errors import InvalidInput, OfflineLimitReached
from shopdesk.services.outage import end_outage, outage_status, start_outage
from shopdesk.services.sales import issue_receipt, line_from_catalog, void_receipt
from shopdesk.services.shop import Shop, init_shop
from tests.conftest import VOID_OK

TZ = ZoneInfo("Asia/Shanghai")


class Clock:
    """A settable clock for ``Shop.open(clock=)``: tests move time, not sleep."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 27, 9, 0, tzinfo=TZ))


@pytest.fixture
def shop(tmp_path: Path, clock: Clock) -> Iterator[Shop]:
    s = init_shop(tmp_path / "home", demo=True, clock=clock)
    yield s
    s.close()


def limit(shop: Shop, *, hours: int = 72, amount: str = "100000.00", block: bool = False) -> None:
    shop.profile = dataclasses.replace(
        shop.profile, limits=OfflineLimits(hours, Decimal(amount), block)
    )


def sell(shop: Shop, code: str = "D001", qty: str = "1", *, training: bool = False, **kw):
    draft = SaleDraft(
        lines=[line_from_catalog(shop.catalog, code, Decimal(qty))],
        payments=[Payment("cash")],
    )
    return issue_receipt(shop, draft, training=training, **kw)


def kinds(shop: Shop) -> list[str]:
    return [r["kind"] for r in shop.ledger.records()]


def codes(issued) -> list[str]:
    return [n.code for n in issued.warnings]


# ----- lifecycle ---------------------------------------------------------------


def test_first_sale_starts_an_outage_automatically_before_the_receipt(shop: Shop) -> None:
    issued = sell(shop)
    records = list(shop.ledger.records())
    assert [r["kind"] for r in records] == ["ledger.created", "outage.started", "receipt.issued"]
    assert records[1]["data"] == {"note": "", "auto": True}
    assert records[1]["time"] == records[2]["time"]
    assert "outage.auto_started" in codes(issued)
    # the second sale does not start another
    second = sell(shop)
    assert kinds(shop).count("outage.started") == 1
    assert "outage.auto_started" not in codes(second)


def test_training_sale_does_not_start_an_outage(shop: Shop) -> None:
    issued = sell(shop, training=True)
    assert issued.number == "T01-TR-00000001"
    assert "outage.started" not in kinds(shop)
    assert outage_status(shop).open is False


def test_start_twice_and_end_without_outage_are_refused(shop: Shop, clock: Clock) -> None:
    with pytest.raises(InvalidInput) as exc:
        end_outage(shop)
    assert exc.value.code == "outage.not_open"
    start_outage(shop, note="  税务平台  无法登录 ")
    with pytest.raises(InvalidInput) as exc:
        start_outage(shop)
    assert exc.value.code == "outage.already_open"
    assert exc.value.data["since"] == "2026-11-27 09:00"
    clock.advance(hours=3)
    ended = end_outage(shop)
    assert ended["data"]["started"] == "2026-11-27T09:00:00.000000+08:00"
    assert kinds(shop) == ["ledger.created", "outage.started", "outage.ended"]
    status = outage_status(shop)
    assert status.open is False and status.since is None
    # a new outage can start once the old one ended
    start_outage(shop)
    assert outage_status(shop).open


def test_status_figures(shop: Shop, clock: Clock) -> None:
    start_outage(shop, note="税务平台无法登录")
    clock.advance(minutes=30)
    first = sell(shop, "D001", "2")  # 6.00
    clock.advance(hours=1)
    sell(shop, "F002")  # 12.98
    sell(shop, "D005", training=True)  # training: never waiting
    voided = sell(shop, "C005")  # 5.00, voided below
    void_receipt(shop, voided.number, reason="扫错", who="王芳", approval=VOID_OK)
    clock.advance(hours=2)
    status = outage_status(shop)
    assert status.open and status.note == "税务平台无法登录" and status.auto is False
    assert status.since == datetime(2026, 11, 27, 9, 0, tzinfo=TZ)
    assert status.duration == timedelta(hours=3, minutes=30)
    assert status.waiting_receipts == 2
    assert status.waiting_amount == Decimal("18.98")
    assert status.oldest_waiting == datetime.fromisoformat(first.record["time"])
    # the duration limit counts from the oldest waiting receipt, not the outage start
    assert status.limits.hours.value == Decimal("3.0")
    j = status.to_json()
    assert j["waiting_amount"] == "18.98" and j["duration_seconds"] == 3.5 * 3600


def test_waiting_figures_survive_reopening(shop: Shop, clock: Clock) -> None:
    sell(shop, "D001", "2")
    sold = sell(shop, "F002")
    void_receipt(shop, sold.number, reason="退货", who="王芳", approval=VOID_OK)
    root = shop.home.root
    shop.close()
    with Shop.open(root, readonly=True, clock=clock) as again:
        status = outage_status(again)
        assert (status.waiting_receipts, status.waiting_amount) == (1, Decimal("6.00"))
        assert status.open and status.auto


def test_exported_receipts_stop_waiting(shop: Shop, clock: Clock) -> None:
    a = sell(shop, "D001")
    clock.advance(hours=1)
    b = sell(shop, "D002")
    clock.advance(hours=10)
    # what the export service appends: a batch naming a range of receipt sequences
    shop.ledger.append(
        "batch.exported", {"batch_id": "B1", "first_rseq": 1, "last_rseq": 1}, shop.now()
    )
    clock.advance(hours=1)
    c = sell(shop, "D003")
    status = outage_status(shop)
    assert status.waiting_receipts == 2
    assert status.waiting_amount == Decimal("5.50")
    assert status.oldest_waiting == datetime.fromisoformat(b.record["time"])
    assert status.limits.hours.value == Decimal("11.0")
    # voiding an exported receipt changes nothing that waits
    void_receipt(shop, a.number, reason="x", who="王芳", approval=VOID_OK)
    assert outage_status(shop).waiting_receipts == 2
    void_receipt(shop, c.number, reason="x", who="王芳", approval=VOID_OK)
    assert outage_status(shop).waiting_amount == Decimal("2.00")


# ----- limits on the sale path -------------------------------------------------


def test_hours_warn_at_80_and_100_percent(shop: Shop, clock: Clock) -> None:
    limit(shop, hours=10)
    assert not [c for c in codes(sell(shop)) if c.startswith("limits.")]
    clock.advance(hours=7, minutes=59)
    assert not [c for c in codes(sell(shop)) if c.startswith("limits.")]
    clock.advance(minutes=1)  # 8 h since the oldest waiting receipt: 80 %
    issued = sell(shop)
    [notice] = [n for n in issued.warnings if n.code.startswith("limits.")]
    assert notice.code == "limits.hours_warn"
    assert notice.data == {"hours": "8.0", "max_hours": "10", "percent": 80}
    clock.advance(hours=2)  # 10 h: at the limit; warn mode sells on
    issued = sell(shop)
    assert "limits.hours_exceeded" in codes(issued)
    assert issued.number == "T01-00000004"


def test_amount_warns_counting_the_sale_being_made(shop: Shop) -> None:
    limit(shop, amount="100.00")
    sell(shop, "F002", "6")  # 77.88: 77 %
    issued = sell(shop, "D002")  # +2.00 → 79.88
    assert "limits.amount_warn" not in codes(issued)
    issued = sell(shop, "D001")  # +3.00 → 82.88
    [n] = [n for n in issued.warnings if n.code == "limits.amount_warn"]
    assert n.data == {"amount": "82.88", "max_amount": "100.00", "percent": 82}
    issued = sell(shop, "F002", "2")  # +25.96 → 108.84
    assert "limits.amount_exceeded" in codes(issued)


def test_blocking_mode_refuses_and_appends_nothing(shop: Shop, clock: Clock) -> None:
    limit(shop, amount="10.00", block=True)
    sell(shop, "D001", "2")  # 6.00
    before = list(shop.ledger.records())
    with pytest.raises(OfflineLimitReached) as exc:
        sell(shop, "D001", "2")  # would be 12.00 ≥ 10.00
    assert exc.value.code == "limits.blocked_amount"
    assert exc.value.data["value"] == "12.00" and exc.value.data["limit"] == "10.00"
    assert exc.value.data["remaining"] == "4.00"  # 10.00 - 6.00 already waiting
    assert list(shop.ledger.records()) == before
    assert shop.ledger.view.last_rseq == 1  # no receipt number taken
    # a smaller sale that stays below the limit still goes through
    assert sell(shop, "D002").number == "T01-00000002"


def test_blocking_on_hours_refuses_before_the_automatic_outage(shop: Shop, clock: Clock) -> None:
    limit(shop, hours=24, block=True)
    sell(shop)
    end_outage(shop)
    clock.advance(hours=24)
    before = kinds(shop)
    with pytest.raises(OfflineLimitReached) as exc:
        sell(shop)
    assert exc.value.code == "limits.blocked_hours"
    assert kinds(shop) == before  # not even an outage.started
    # training sales are practice: never blocked, never counted
    assert sell(shop, training=True).number == "T01-TR-00000001"
    assert outage_status(shop).waiting_receipts == 1


def test_training_sales_never_count_towards_limits(shop: Shop) -> None:
    limit(shop, amount="10.00", block=True)
    for _ in range(5):
        issued = sell(shop, "F002", training=True)  # 12.98 each
        assert not [c for c in codes(issued) if c.startswith("limits.")]
    status = outage_status(shop)
    assert (status.waiting_receipts, status.waiting_amount) == (0, Decimal("0.00"))
    assert sell(shop, "D001").number == "T01-00000001"


def test_waiting_figures_survive_a_view_checkpoint(shop: Shop, clock: Clock) -> None:
    sell(shop, "D001")
    clock.advance(hours=1)
    b = sell(shop, "F002")
    clock.advance(hours=1)
    c = sell(shop, "D002")
    shop.ledger.append(
        "batch.exported", {"batch_id": "B1", "first_rseq": 1, "last_rseq": 1}, shop.now()
    )
    void_receipt(shop, c.number, reason="x", who="王芳", approval=VOID_OK)
    shop.ledger.write_checkpoint()  # the view as saved, replayed from nothing at the next open
    before = outage_status(shop).to_json()
    root = shop.home.root
    shop.close()
    for readonly in (True, False):
        with Shop.open(root, readonly=readonly, clock=clock) as again:
            status = outage_status(again)
            assert status.to_json() == before
            assert (status.waiting_receipts, status.waiting_amount) == (1, Decimal("12.98"))
            assert status.oldest_waiting == datetime.fromisoformat(b.record["time"])
