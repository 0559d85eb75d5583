"""The app and a wrong clock: refused when behind the ledger, asked once when far ahead."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Static

from shopdesk.tui.screens.pay import PayScreen
from shopdesk.tui.screens.prompts import ConfirmScreen
from shopdesk.tui.screens.sale import SaleScreen
from tests.tui.conftest import START, StepClock


async def ring_up(pilot) -> None:
    await pilot.press(*"D001", "enter")
    await pilot.pause()
    await pilot.press("f10")
    await pilot.pause()
    await pilot.press("f10")  # exact cash
    await pilot.pause()


async def test_a_clock_behind_the_ledger_is_said_at_start_and_issues_nothing(make_app):
    clock = StepClock(START)
    app = make_app(language="zh", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ring_up(pilot)
        assert app.last_issued is not None and app.last_issued.number == "T01-00000001"
        clock.now = START.replace(year=2009)  # the CMOS battery died
        await ring_up(pilot)
        assert isinstance(app.screen, PayScreen)  # not issued: the cart is kept
        error = str(app.screen.query_one("#pay-error", Static).render())
        assert "2009-11-28" in error and "不能倒退" in error
        assert app.shop is not None and app.shop.ledger.view.last_rseq == 1
    restarted = make_app(language="zh", clock=clock)
    async with restarted.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        said = [str(n.message) for n in restarted._notifications]
        assert any("早于账本最后一条记录" in text and "现在不能开出收据" in text for text in said)


async def test_a_date_far_ahead_is_confirmed_once_then_sells(make_app):
    clock = StepClock(START)
    app = make_app(clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ring_up(pilot)
        clock.now += timedelta(days=365)
        await ring_up(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "days after the ledger's last record" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PayScreen)
        assert app.shop is not None and app.shop.ledger.view.last_rseq == 1
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert app.last_issued is not None and app.last_issued.number == "T01-00000002"
