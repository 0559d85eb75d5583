"""Notices on screen (issue 14, items 1 and 2): never over the change, never missing a character."""

from __future__ import annotations

from textual.geometry import Region
from textual.widgets import Digits

from shopdesk.tui.app import ShopdeskApp

COLA = "6901939621257"  # D001 可口可乐 330ml, ￥3.00
#: A notice as long as the printer's: it wraps at 80 columns, Chinese on both sides of each wrap.
LONG_ZH = "已保存，但未打印：拒绝连接：请检查打印机是否开机，然后按 F11 再打印一次。停机开始于 2026-11-28 10:30。"


def screen_rows(app: ShopdeskApp) -> list[str]:
    """The characters on screen, row by row, as a terminal would show them."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def notice_regions(app: ShopdeskApp) -> list[Region]:
    """Where notices are drawn: Textual's toasts or the app's notice lines."""
    return [widget.region for widget in app.screen.query("Toast, .notice") if widget.region]


def text_in(rows: list[str], region: Region) -> str:
    """What is written inside ``region``, without spaces and borders."""
    cut = "".join(row[region.x : region.right] for row in rows[region.y : region.bottom])
    return "".join(ch for ch in cut if ch not in " ▌▐▊")


async def sell_one(pilot) -> None:
    """A cash sale of one cola, F10 F10: the change is on screen, the outage notice too."""
    await pilot.press(*COLA, "enter")
    await pilot.pause()
    await pilot.press("f10")
    await pilot.pause()
    await pilot.press("f10")
    await pilot.pause(0.3)


async def test_notices_after_a_sale_leave_the_change_uncovered(make_app):
    app = make_app("zh")
    app.start_print = lambda number, record=None: None  # the printer has its own tests
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await sell_one(pilot)
        app.notify(LONG_ZH, severity="error", timeout=60)
        app.notify("已删除：可口可乐 330ml")
        await pilot.pause(0.3)
        shown = notice_regions(app)
        assert shown, "the notices are on screen"
        change = app.screen.query_one("#total", Digits)
        label = app.screen.query_one("#total-label")
        assert change.value == "0.00"
        for region in shown:
            assert not region.overlaps(change.region), (region, change.region)
            assert not region.overlaps(label.region), (region, label.region)


async def test_chinese_notice_shows_every_character_where_it_wraps(make_app):
    app = make_app("zh")
    app.start_print = lambda number, record=None: None
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await sell_one(pilot)  # the receipt preview and QR put widget edges under the notices
        app.notify(LONG_ZH, severity="error", timeout=60)
        await pilot.pause(0.3)
        app.screen.refresh()  # a full redraw shows the same
        await pilot.pause()
        rows = screen_rows(app)
        drawn = [text_in(rows, region) for region in notice_regions(app)]
        assert any(LONG_ZH.replace(" ", "") in text for text in drawn), drawn
        said = [str(n.message) for n in app._notifications]
        outage = next(text for text in said if "停机" in text)  # the notice the first sale raises
        assert any(outage.replace(" ", "") in text for text in drawn), (outage, drawn)
