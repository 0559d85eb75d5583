"""First run through the real app: the setup form, or the demo shop."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from shopdesk.config import load_profile
from shopdesk.domain.pin import verify_pin
from shopdesk.tui.app import ShopdeskApp
from shopdesk.tui.screens.sale import SaleScreen
from shopdesk.tui.screens.setup import SetupScreen
from tests.tui.conftest import StepClock

VALID_USCC = "91110000600037341L"


def text_of(widget: Static) -> str:
    return str(widget.render())


async def type_into(pilot, field: Input, text: str) -> None:
    field.focus()
    field.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def test_setup_form_checks_as_typed_tries_the_printer_and_creates_the_shop(tmp_path: Path):
    home = tmp_path / "new-shop"
    app = ShopdeskApp(home, clock=StepClock(), language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SetupScreen)
        assert app.focused is form.query_one("#setup-name", Input)
        await pilot.press("f10")  # nothing typed yet
        await pilot.pause()
        assert "name" in text_of(form.query_one("#form-error", Static))
        assert not (home / "profile.toml").exists()
        await pilot.press(*"Corner Shop", "enter")  # Enter moves to the tax id
        await pilot.press(*VALID_USCC[:-1], "X")
        await pilot.pause()
        assert text_of(form.query_one("#uscc-check", Static)).startswith("✗")
        await pilot.press("f10")
        await pilot.pause()
        assert not (home / "profile.toml").exists()
        await pilot.press("backspace", "L")
        await pilot.pause()
        assert text_of(form.query_one("#uscc-check", Static)).startswith("✓")
        await type_into(pilot, form.query_one("#setup-terminal", Input), "t02")
        await type_into(pilot, form.query_one("#setup-printer", Input), "preview")
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert text_of(form.query_one("#printer-result", Static)).startswith("✓")
        assert (home / "preview" / "test-page.bin").exists()
        await pilot.press("f10")  # no manager PIN yet (issue 13, item 2)
        await pilot.pause()
        assert "manager PIN" in text_of(form.query_one("#form-error", Static))
        await type_into(pilot, form.query_one("#setup-pin", Input), "1234")
        await type_into(pilot, form.query_one("#setup-pin-repeat", Input), "1234")
        await pilot.press("f10")
        await pilot.pause()
        assert "too easy" in text_of(form.query_one("#form-error", Static))
        assert not (home / "profile.toml").exists()
        await type_into(pilot, form.query_one("#setup-pin", Input), "2580")
        await type_into(pilot, form.query_one("#setup-pin-repeat", Input), "2580")
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert verify_pin(load_profile(home / "profile.toml").manager_pin_hash, "2580")
        profile = load_profile(home / "profile.toml")
        assert (profile.shop_name, profile.uscc, profile.terminal, profile.language) == (
            "Corner Shop",
            VALID_USCC,
            "T02",
            "en",
        )
        await pilot.press(*"D001", "enter")
        await pilot.pause()
        await pilot.press("f10", "f10")
        await app.workers.wait_for_complete()
        assert app.last_issued.number == "T02-00000001"


async def test_language_choice_redraws_the_form_and_keeps_what_was_typed(tmp_path: Path):
    app = ShopdeskApp(tmp_path / "s", clock=StepClock(), language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"小店")
        app.screen.query_one("#setup-language").focus()
        await pilot.press("enter", "up", "enter")  # 中文 is the first choice
        await pilot.pause()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SetupScreen) and app.lang == "zh"
        assert form.query_one("#setup-name", Input).value == "小店"
        assert "欢迎" in text_of(form.query_one(".dialog-title", Static))


async def test_f2_opens_the_demo_shop_instead(tmp_path: Path):
    app = ShopdeskApp(tmp_path / "demo", clock=StepClock(), language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert "演示" in app.shop.profile.shop_name
