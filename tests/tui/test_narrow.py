"""The till's screen at 80×24 in Chinese (issue 14, item 9), and what may cover what."""

from __future__ import annotations

import html
import re

from textual.widgets import DataTable, Digits

from shopdesk.tui.screens.pay import PayScreen
from shopdesk.tui.widgets import NoticeBar


def screen_lines(app) -> list[str]:
    """The terminal's text as the cashier sees it, line by line (from Textual's screenshot)."""
    svg = app.export_screenshot()
    rows: dict[int, list[tuple[float, str]]] = {}
    for match in re.finditer(
        r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*clip-path="url\(#[^)]*-line-(\d+)\)">([^<]*)</text>',
        svg,
    ):
        x, _y, line, text = match.groups()
        rows.setdefault(int(line), []).append((float(x), html.unescape(text)))
    return ["".join(text for _x, text in sorted(row)) for _n, row in sorted(rows.items())]


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


async def sell_and_export(pilot, folder) -> str:
    """A sale to a company with a long Chinese name, printed (preview), then exported."""
    from shopdesk.services.export import export_batch

    app = pilot.app
    await pilot.press(*"D001", "enter")
    await pilot.pause()
    app.cart.set_buyer("北京市海淀区好邻居商贸有限责任公司", "91110000600037341L")
    await pilot.press("f10", "f10")
    await app.workers.wait_for_complete()
    await pilot.pause()
    export_batch(app.shop, folder)
    return app.last_issued.number


async def test_voiding_an_exported_receipt_shows_the_whole_warning_at_80x24(make_app, tmp_path):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await sell_and_export(pilot, tmp_path)
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("f8", *"1234", "enter")
        await pilot.pause()
        text = "".join(line.strip() for line in screen_lines(app))
        assert "已在批次" in text and "红字发票" in text, "\n".join(screen_lines(app))


async def test_the_receipts_list_shows_whole_status_words_and_end_does_not_scroll(
    make_app, tmp_path
):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await sell_and_export(pilot, tmp_path)
        await pilot.press("f7")
        await pilot.pause()
        lines = screen_lines(app)
        assert any("已导出" in line for line in lines), "\n".join(lines)
        table = app.screen.query_one("#receipts", DataTable)
        await pilot.press("end")
        await pilot.pause()
        assert table.scroll_x == 0
        assert any("号码" in line or "编号" in line for line in screen_lines(app)[:4])


async def test_the_qr_is_whole_or_not_drawn_after_shrinking_the_window(make_app):
    """120×40 shows the last receipt's QR; at 80×24 it does not fit: a line says so,
    and no half-drawn code (a phone would fail to read it) is left behind."""
    from shopdesk.tui.widgets import QrView

    app = make_app("zh")
    app.start_print = lambda number, record=None: None
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"D001", "enter")
        await pilot.pause()
        await pilot.press("f10", "f10")
        await pilot.pause()
        qr = app.screen.query_one("#last-qr", QrView)
        assert "▀" in str(qr.render()) or "█" in str(qr.render())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        box = app.screen.query_one("#last")
        assert box.region.contains_region(qr.region)  # not cut by the space around it
        lines = screen_lines(app)
        assert "放大窗口" in "".join(lines) or qr.region.height >= 20
        assert any(line.strip().startswith("合计") for line in lines)  # the slip's total in view


async def test_the_receipts_list_fits_again_after_shrinking_the_window(make_app, tmp_path):
    app = make_app("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await sell_and_export(pilot, tmp_path)
        await pilot.press("f7")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        lines = screen_lines(app)
        assert any("已导出" in line for line in lines), "\n".join(lines)
        assert app.screen.query_one("#receipts", DataTable).max_scroll_x == 0
