"""Quitting the app (issue 14, item 5): never at once with a sale in progress.

Quitting mid-sale is cancelling it (issue 13, item 3.4): the same flow as F8 —
the manager's PIN when the profile asks for it, and a ``sale.cancelled`` record.
"""

from __future__ import annotations

import pytest
from textual.widgets import Static

from shopdesk.services.shop import Shop
from shopdesk.tui.screens.prompts import ConfirmScreen, PinScreen
from shopdesk.tui.screens.sale import SaleScreen

COLA = "6901939621257"  # D001 可口可乐 330ml, ￥3.00


@pytest.mark.parametrize(("language", "words"), [("zh", "退出"), ("en", "quit")])
async def test_ctrl_q_mid_sale_asks_first_and_no_keeps_the_sale(make_app, language, words):
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one(".dialog-title", Static).render())
        assert words in question.lower(), question
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, SaleScreen)
        assert [line.sku for line in app.cart.lines] == ["D001"]
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, PinScreen)
        await pilot.press("escape")  # no PIN: the sale stays, nothing recorded
        await pilot.pause()
        assert app.is_running and [line.sku for line in app.cart.lines] == ["D001"]
        assert cancels(app) == []
        await pilot.press("ctrl+q", "y", *"1234", "enter")
        await pilot.pause()
        assert not app.is_running
    [cancelled] = cancels(app)
    assert cancelled["total"] == "3.00" and cancelled["approved_by"] == "manager"
    assert cancelled["by"] == app.cashier


def cancels(app) -> list[dict]:
    """The ``sale.cancelled`` records in the app's shop (read again after the app closed it)."""
    with Shop.open(app.home, readonly=True) as shop:
        return [r["data"] for r in shop.ledger.records() if r["kind"] == "sale.cancelled"]


async def test_ctrl_q_mid_sale_without_approve_cancel_records_the_cancel_and_quits(make_app, home):
    profile = home / "profile.toml"
    text = profile.read_text(encoding="utf-8")
    text = text.replace("[security]\n", "[security]\napprove_cancel = false\n")
    profile.write_text(text, encoding="utf-8")
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter")
        await pilot.pause()
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
        assert not app.is_running
    [cancelled] = cancels(app)
    assert cancelled["approved_by"] is None and cancelled["total"] == "3.00"


async def test_ctrl_q_with_no_sale_quits_at_once(make_app):
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


@pytest.mark.parametrize(("language", "words"), [("zh", "退出"), ("en", "quit")])
async def test_ctrl_c_says_how_to_quit_in_the_cashiers_language(make_app, language, words):
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_focus(None)  # in a text field Ctrl+C copies; elsewhere it is a quit reflex
        await pilot.press("ctrl+c")
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any(words in text.lower() and "Ctrl+Q" in text for text in said), said
        assert app.is_running
