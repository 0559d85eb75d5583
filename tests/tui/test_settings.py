"""Settings through the real app: cashier, shop profile, printer (a fake one on 127.0.0.1), PIN."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, Static

from shopdesk.config import load_profile
from shopdesk.domain.pin import verify_pin
from shopdesk.errors import InvalidInput
from shopdesk.tui.screens.profile import PinChangeScreen, PrinterScreen, ShopProfileScreen
from shopdesk.tui.screens.settings import SettingsScreen
from tests.printing.escpos_decode import decode
from tests.printing.fake_printer import refused_port
from tests.printing.fixtures import fake_printers

COLA = "6901939621257"
VALID_USCC = "91110000600037341L"


@pytest.fixture
def fake_printer():
    yield from fake_printers()


def text_of(widget: Static) -> str:
    return str(widget.render())


def changes_recorded(app) -> list[dict]:
    return [r["data"] for r in app.shop.ledger.records() if r["kind"] == "profile.changed"]


async def open_dialog(pilot, key: str, pin: str | None = "1234") -> None:
    await pilot.press("f9")
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
    if pin is not None:
        await pilot.press(*pin, "enter")
        await pilot.pause()


async def retype(pilot, field: Input, text: str) -> None:
    field.focus()
    field.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def test_switching_cashier_names_the_next_receipts_seller(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("f5")  # focus the cashier list
        await pilot.press("enter", "down", "enter")  # open it, next name, pick
        await pilot.pause()
        assert app.cashier == "李强"
        assert "李强" in text_of(app.screen.query_one("#topbar", Static))
        await pilot.press("escape")
        await pilot.press(*COLA, "enter")
        await pilot.pause()
        await pilot.press("f10", "f10")
        await app.workers.wait_for_complete()
        assert app.last_issued.record["data"]["cashier"] == "李强"


async def test_shop_profile_needs_the_pin_checks_the_tax_id_and_saves(make_app, home):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(pilot, "f6", pin="0000")  # a wrong PIN keeps the dialog away
        assert not isinstance(app.screen, ShopProfileScreen)
        await pilot.press("escape")
        await pilot.press("f6", *"1234", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ShopProfileScreen)
        await retype(pilot, dialog.query_one("#shop-name", Input), "朝阳好邻居")
        await retype(pilot, dialog.query_one("#shop-uscc", Input), VALID_USCC[:-1] + "X")
        assert text_of(dialog.query_one("#uscc-check", Static)).startswith("✗")
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ShopProfileScreen)  # stays open, nothing written
        # the words name the check character the id should end with
        assert "L" in text_of(dialog.query_one("#form-error", Static))
        assert load_profile(home / "profile.toml").shop_name != "朝阳好邻居"
        await pilot.press("backspace", "L")
        await pilot.pause()
        assert text_of(dialog.query_one("#uscc-check", Static)).startswith("✓")
        await retype(pilot, dialog.query_one("#shop-cashiers", Input), "王芳, 赵六")
        await pilot.press("enter")  # Enter on the last field saves
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        saved = load_profile(home / "profile.toml")
        assert (saved.shop_name, saved.uscc, saved.cashiers) == (
            "朝阳好邻居",
            VALID_USCC,
            ("王芳", "赵六"),
        )
        assert "朝阳好邻居" in text_of(app.screen.query_one("#topbar", Static))
        assert app.screen.query_one("#cashier", Select).value == "王芳"
        [change] = changes_recorded(app)
        assert change["fields"]["shop.name"] == "朝阳好邻居" and change["by"] == "王芳"
        assert change["approved_by"] == "manager"  # the PIN that opened the dialog
        assert "# The demo shop" in (home / "profile.toml").read_text(encoding="utf-8")


async def test_printer_test_print_then_save_sends_receipts_there(make_app, home, fake_printer):
    printer = fake_printer("ok")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(pilot, "f7")
        dialog = app.screen
        assert isinstance(dialog, PrinterScreen)
        url = dialog.query_one("#printer-url", Input)
        await retype(pilot, url, "lpt1")
        assert text_of(dialog.query_one("#url-check", Static)).startswith("✗")
        await retype(pilot, url, f"tcp://127.0.0.1:{refused_port()}")
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert text_of(dialog.query_one("#printer-result", Static)).startswith("✗")
        await retype(pilot, url, printer.url)
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = text_of(dialog.query_one("#printer-result", Static))
        assert result.startswith("✓") and "online" in result
        assert "PRINTER TEST" in "\n".join(decode(bytes(printer.received)).texts)
        # Not saved yet: the profile still names the preview printer.
        assert load_profile(home / "profile.toml").printer.url == "preview"
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert load_profile(home / "profile.toml").printer.url == printer.url
        await pilot.press("escape")
        printer.received.clear()
        await pilot.press(*COLA, "enter")
        await pilot.pause()
        await pilot.press("f10", "f10")
        await app.workers.wait_for_complete()
        assert app.last_issued.number in "\n".join(decode(bytes(printer.received)).texts)


async def test_manager_pin_change(make_app, home):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(pilot, "f8", pin=None)
        assert isinstance(app.screen, PinChangeScreen)
        await pilot.press(*"9999", "enter", *"5678", "enter", *"5678", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PinChangeScreen)
        assert "wrong" in text_of(app.screen.query_one("#form-error", Static))
        assert app.focused is app.screen.query_one("#pin-current", Input)
        await pilot.press(*"1234", "enter", *"5806", "enter", *"5807", "enter")
        await pilot.pause()
        assert "differ" in text_of(app.screen.query_one("#form-error", Static))
        await pilot.press(*"1234", "enter", *"5678", "enter", *"5678", "enter")
        await pilot.pause()
        assert "easy to guess" in text_of(app.screen.query_one("#form-error", Static))
        await pilot.press(*"1234", "enter", *"5806", "enter", *"5806", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert verify_pin(load_profile(home / "profile.toml").manager_pin_hash, "5806")
        assert app.approve_pin("void", "5806").by == "manager"
        with pytest.raises(InvalidInput):
            app.approve_pin("void", "1234")


async def test_the_printer_is_asked_at_start_and_a_problem_shows_before_any_sale(make_app, home):
    printers = fake_printers()
    start = next(printers)
    try:
        low = start("paper_low")
        profile = home / "profile.toml"
        text = profile.read_text(encoding="utf-8")
        profile.write_text(text.replace('url = "preview"', f'url = "{low.url}"'), encoding="utf-8")
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.4)  # the check runs just after the first frame
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.printer_seen == "paper_low"
            assert "paper low" in text_of(app.screen.query_one("#status", Static))
            assert any("new roll" in str(n.message) for n in app._notifications)
            # The shopkeeper points the till at another printer that is unplugged.
            await open_dialog(pilot, "f7")
            await retype(
                pilot,
                app.screen.query_one("#printer-url", Input),
                f"tcp://127.0.0.1:{refused_port()}",
            )
            await pilot.press("f10")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.printer_seen == "fault"
            assert "FAULT" in text_of(app.screen.query_one("#status", Static))
    finally:
        printers.close()


async def test_training_mode_on_needs_the_manager_pin(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9", "f4")
        await pilot.pause()
        await pilot.press("escape")  # no PIN: training stays off
        await pilot.pause()
        assert not app.training
        assert not app.screen.query_one("#training").value
        await pilot.press("f4", *"1234", "enter")
        await pilot.pause()
        assert app.training
        await pilot.press("f4")  # off again needs no PIN
        await pilot.pause()
        assert not app.training
        switched = [r["data"] for r in app.shop.ledger.records() if r["kind"] == "training.changed"]
        assert switched == [  # the Esc left no record; on and off name who (and who approved)
            {"on": True, "by": "王芳", "approved_by": "manager"},
            {"on": False, "by": "王芳", "approved_by": None},
        ]
