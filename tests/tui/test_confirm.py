"""Confirm → next sale (issue 14, item 1): durable first, then drawn in one frame."""

from __future__ import annotations

import os

from shopdesk.ledger import journal
from shopdesk.tui.screens.pay import PayScreen
from shopdesk.tui.screens.sale import SaleScreen
from shopdesk.tui.widgets import NoticeBar

COLA = "6901939621257"


async def test_receipt_is_fsynced_before_the_sale_screen_shows_it(make_app, monkeypatch):
    """A receipt acknowledged on screen survives a power cut: its line is fsynced first."""
    events: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(journal.os, "fsync", lambda fd: (real_fsync(fd), events.append("fsync"))[0])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", "f10")
        await pilot.pause()
        assert isinstance(app.screen, PayScreen)
        sale = app.screen_stack[-2]
        shown = sale.refresh_sale

        def refresh_sale(cursor=None):
            if app.last_issued is not None:
                events.append("shown " + app.last_issued.number)
            shown(cursor)

        monkeypatch.setattr(sale, "refresh_sale", refresh_sale)
        events.clear()
        await pilot.press("f10")
        await pilot.pause()
        number = app.last_issued.number
        assert isinstance(app.screen, SaleScreen)
        first_shown = events.index("shown " + number)
        assert "fsync" in events[:first_shown]


async def test_same_notices_again_are_not_rebuilt(make_app):
    """Every return to the sale screen hands its notice bar the app's notices; the same
    ones again keep their widgets (rebuilding cost a layout pass after every sale)."""
    app = make_app("zh")
    app.start_print = lambda number, record=None: None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", "f10", "f10")  # the first sale: "outage started"
        await pilot.pause()
        bar = app.screen.query_one(NoticeBar)
        before = list(bar.children)
        assert before
        await pilot.press(*COLA, "enter", "f10", "f10")  # no new notice
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert list(bar.children) == before
