"""The till's screen at 80×24 in Chinese (issue 14, item 9), and what may cover what."""

from __future__ import annotations

from textual.widgets import Digits

from shopdesk.tui.screens.pay import PayScreen
from shopdesk.tui.widgets import NoticeBar

START_NOTICE = "电脑时钟比最后一条记录早：请先把电脑的日期和时间改对，再开始收款。" * 2


async def test_start_of_day_notices_never_cover_the_change(make_app):
    app = make_app("zh")
    app.start_print = lambda number, record=None: None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.notify(START_NOTICE, severity="error", timeout=30)
        app.notify(START_NOTICE, severity="warning", timeout=30)
        app.notify(START_NOTICE, timeout=30)  # clock, outage, printer: up to three at start
        await pilot.press(*"D001", "enter")
        await pilot.pause()
        await pilot.press("f10", "1", "f3", "1", "f4", "1", "f5", "1", "f6", "5", "0", "f2")
        await pilot.pause()
        assert isinstance(app.screen, PayScreen)
        change = app.screen.query_one("#pay-change", Digits)
        assert change.region.height == 3 and change.region.bottom <= 23  # above the key bar
        dialog = app.screen.query_one("#pay")
        assert dialog.region.contains_region(change.region)  # not cut off by the dialog's edge
        for bar in app.screen.query(NoticeBar):
            assert not (bar.display and bar.region.overlaps(change.region))
        app.notify("付款时出现的新提示", timeout=30)
        await pilot.pause()
        assert "付款时出现的新提示" in str(
            app.screen.query_one(NoticeBar).query_one(".notice").render()
        )
