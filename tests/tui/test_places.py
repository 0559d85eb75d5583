"""Where things are (issue 14, item 11): keys shown, refusals before questions, stale notices."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from shopdesk.tui.screens.outage import OutageScreen
from shopdesk.tui.screens.prompts import PinScreen, PromptScreen
from shopdesk.tui.widgets import KeyBar, NoticeBar


def notices(app) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query_one(NoticeBar).query(Static))


async def open_outage_screen(pilot) -> None:
    await pilot.press("f12")
    await pilot.pause()
    assert isinstance(pilot.app.screen, OutageScreen)


async def test_a_second_outage_start_is_refused_before_the_note_is_asked(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_outage_screen(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert app.shop.ledger.view.open_outage is not None
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, OutageScreen)  # no note asked
        assert "already" in notices(app)


async def test_a_second_z_is_refused_before_the_pin_is_asked(make_app):
    """Right after a Z the shift is empty: F6 says so at once, no PIN, no count."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"D001", "enter", "f10", "f10")
        await pilot.pause()
        await open_outage_screen(pilot)
        await pilot.press("f6", *"1234", "enter")
        await pilot.pause()
        await pilot.press(*"3", "enter")  # the drawer counted
        await pilot.pause()
        await pilot.press("enter")  # yes, close the shift
        await pilot.pause()
        assert [r["kind"] for r in app.shop.ledger.records()].count("day.closed") == 1
        await pilot.press("f6")
        await pilot.pause()
        assert not isinstance(app.screen, PinScreen)
        assert isinstance(app.screen, OutageScreen)
        assert "Nothing to close" in notices(app)


@pytest.mark.parametrize(
    ("language", "words"), [("zh", "F11 重新打印 F12 停机"), ("en", "F11 Print again F12 Outage")]
)
async def test_f11_and_f12_are_in_the_key_bar_when_there_is_room(make_app, language, words):
    app = make_app(language)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one(KeyBar).render()).replace("\n", " ").endswith(words)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        line = str(app.screen.query_one(KeyBar).render())
        # on a second row now, and whole keys only
        assert line.replace("\n", " ").endswith(words) and "…" not in line


@pytest.mark.parametrize(
    ("language", "park", "drawer", "round_off"),
    [
        ("zh", "F1 挂单", "Ctrl+O 钱箱", "F7 抹零"),
        ("en", "F1 Park", "Ctrl+O Drawer", "F7 Round off"),
    ],
)
async def test_park_drawer_and_round_off_are_in_the_key_bar_at_80_columns(
    make_app, language, park, drawer, round_off
):
    """Issue 14, item 2c: F1, Ctrl+O and F7 in the pay dialog were only in the palette."""
    app = make_app(language)
    app.start_print = lambda number, record=None: None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        line = str(bar.render())
        assert park in line and drawer in line and "F10" in line, line
        assert bar.size.height == len(line.splitlines()) and "…" not in line
        await pilot.press(*"6901939621257", "enter", "f10")
        await pilot.pause()
        line = str(app.screen.query_one(KeyBar).render())
        assert round_off in line and "F10" in line and "Esc" in line, line


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_a_notice_leaves_both_rows_of_the_key_bar_visible(make_app, language):
    """At 80 columns the key bar takes two rows; a notice sat over the first (F1–F9)."""
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.notify("x" * 60, timeout=30)
        await pilot.pause()
        await pilot.pause()
        keys = app.screen.query_one(KeyBar).region
        notices = app.screen.query_one(NoticeBar).region
        assert keys.height == 2 and notices.height >= 1
        assert notices.bottom <= keys.y, (notices, keys)


async def test_the_create_error_goes_once_the_tax_id_is_fixed(tmp_path):
    from textual.widgets import Input

    from shopdesk.tui.app import ShopdeskApp
    from tests.tui.conftest import StepClock

    app = ShopdeskApp(tmp_path / "new-shop", clock=StepClock(), language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"Corner Shop", "enter", *"91110000600037341X", "f10")
        await pilot.pause()
        error = app.screen.query_one("#form-error", Static)
        assert str(error.render())  # F10 refused the tax id, and said so
        await pilot.press("backspace", "L")
        await pilot.pause()
        assert str(error.render()) == ""  # fixed: the old refusal no longer stands
        assert app.screen.query_one("#setup-uscc", Input).value == "91110000600037341L"


async def test_the_print_failure_notice_goes_after_f11_prints_the_receipt(make_app, home):
    import dataclasses
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once it is closed
    profile = home / "profile.toml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace('url = "preview"', f'url = "tcp://127.0.0.1:{port}"'))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"D001", "enter")
        await pilot.pause()
        await pilot.press("f10", "f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "NOT printed" in notices(app)
        fixed = dataclasses.replace(app.shop.profile.printer, url="preview")
        app.shop.profile = dataclasses.replace(app.shop.profile, printer=fixed)
        await pilot.press("f11")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.failed_print is None
        assert "NOT printed" not in notices(app)


async def open_export_dialog(pilot):
    from shopdesk.tui.screens.export import ExportScreen

    await pilot.press("f12")
    await pilot.pause()
    await pilot.press("f7")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExportScreen)
    return pilot.app.screen


def export_folder_field(screen) -> str:
    from textual.widgets import Input

    return screen.query_one("#export-folder", Input).value


async def test_the_export_folder_is_remembered_after_a_restart(make_app, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"D001", "enter", "f10", "f10")
        await app.workers.wait_for_complete()
        screen = await open_export_dialog(pilot)
        await pilot.press("ctrl+u", *str(stick), "enter")  # clear the field, type the folder
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert list(stick.glob("*.zip"))
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await open_export_dialog(pilot)
        assert export_folder_field(screen) == str(stick)


async def test_with_no_usb_stick_no_folder_on_the_tills_disk_is_offered(make_app, monkeypatch):
    import shopdesk.tui.screens.export as export_screen

    monkeypatch.setattr(export_screen, "removable_drives", lambda: [])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_export_dialog(pilot)
        assert export_folder_field(screen) == ""
        assert "USB" in str(screen.query_one("#export-where", Static).render())


async def test_the_first_usb_stick_is_offered_and_the_dialog_says_where_it_goes(
    make_app, monkeypatch, tmp_path
):
    import shopdesk.tui.screens.export as export_screen

    first, second = tmp_path / "KINGSTON", tmp_path / "SANDISK"
    first.mkdir(), second.mkdir()
    monkeypatch.setattr(export_screen, "removable_drives", lambda: [first, second])
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_export_dialog(pilot)
        assert export_folder_field(screen) == str(first)
        where = str(screen.query_one("#export-where", Static).render())
        assert "U 盘" in where and str(first) in where
        await pilot.press("ctrl+u", *str(app.home))
        await pilot.pause()
        where = str(screen.query_one("#export-where", Static).render())
        assert "本机" in where  # typed a folder on the till's own disk: it says so
