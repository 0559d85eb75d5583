"""Sign-in at the till (issue 13, item 3): with ``[[people]]`` the app starts on a
sign-in screen, each person proves who they are with their own PIN, the top bar
says who is signed in, and signing out (Settings F5) is refused mid-sale."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from shopdesk.domain.pin import hash_pin
from shopdesk.services.approval import read_lockout
from shopdesk.tui.screens.sale import SaleScreen
from shopdesk.tui.screens.settings import SettingsScreen
from shopdesk.tui.screens.signin import SignInScreen
from shopdesk.tui.widgets import TopBar

COLA = "6901939621257"  # D001 可口可乐 330ml, ￥3.00
PEOPLE = (("王芳", "cashier", "2580"), ("李强", "manager", "8642"))


@pytest.fixture
def people(home: Path) -> Path:
    """The demo shop with a cashier 王芳 (PIN 2580) and a manager 李强 (PIN 8642)."""
    profile = home / "profile.toml"
    text = profile.read_text(encoding="utf-8")
    for name, role, pin in PEOPLE:
        text += f'\n[[people]]\nname = "{name}"\nrole = "{role}"\npin = "{hash_pin(pin)}"\n'
    profile.write_text(text, encoding="utf-8")
    return home


def records(app, kind: str) -> list[dict]:
    return [r["data"] for r in app.shop.ledger.records() if r["kind"] == kind]


def text_of(widget: Static) -> str:
    return str(widget.render())


@pytest.mark.parametrize(
    ("language", "wrong", "role"),
    [("zh", "PIN 不正确", "收银员"), ("en", "PIN is wrong", "cashier")],
)
async def test_the_app_starts_on_sign_in_and_the_top_bar_names_who(
    make_app, people, language, wrong, role
):
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await pilot.press(*"1234", "enter")  # not 王芳's PIN (nor the demo's any more)
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert wrong in text_of(app.screen.query_one("#signin-error", Static))
        assert read_lockout(app.shop).failures == 1
        assert records(app, "pin.failed")[-1]["action"] == "sign_in"
        await pilot.press(*"2580", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert app.cashier == "王芳"
        top = text_of(app.screen.query_one(TopBar))
        assert "王芳" in top and role in top.lower()
        await pilot.press(*COLA, "enter", "f10", "f10")
        await pilot.pause()
        assert app.last_issued.record["data"]["cashier"] == "王芳"


async def test_arrows_pick_the_person_and_their_own_pin_signs_in(make_app, people):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", *"2580", "enter")  # 王芳's PIN does not sign in 李强
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await pilot.press(*"8642", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen) and app.cashier == "李强"
        assert "manager" in text_of(app.screen.query_one(TopBar)).lower()


async def test_escape_on_sign_in_quits(make_app, people):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not app.is_running


async def test_sign_out_goes_back_to_sign_in_but_not_mid_sale(make_app, people):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"2580", "enter")
        await pilot.pause()
        await pilot.press(*COLA, "enter", "f9", "f5")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen) and app.cashier == "王芳"
        said = [str(n.message) for n in app._notifications]
        assert any("park" in text for text in said), said
        await pilot.press("escape", "f8", "enter", *"8642", "enter")  # cancel the sale
        await pilot.pause()
        assert app.cart.is_empty()
        assert records(app, "sale.cancelled")[-1]["approved_by"] == "李强"
        assert records(app, "sale.cancelled")[-1]["by"] == "王芳"
        await pilot.press("f9", "f5")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and app.cashier == ""
        await pilot.press("down", *"8642", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen) and app.cashier == "李强"


async def test_without_people_the_app_starts_on_the_sale_as_before(make_app):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert app.cashier == app.shop.profile.cashiers[0]
