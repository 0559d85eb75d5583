"""The sale screen: after a cancelled sale, and its PIN dialogs (issue 14, items 7 and 8)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import ContentSwitcher, Digits, Input, Static

from shopdesk.tui.screens.prompts import PromptScreen
from shopdesk.tui.screens.sale import SaleScreen

COLA = "6901939621257"  # D001 可口可乐 330ml, ￥3.00


@pytest.mark.parametrize(("language", "total"), [("zh", "合计"), ("en", "Total")])
async def test_a_cancelled_sale_leaves_an_empty_sale_not_the_last_receipt(
    make_app, language, total
):
    app = make_app(language)
    app.start_print = lambda number, record=None: None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", "f10", *"10", "f10")  # change 7.00 shown
        await pilot.pause()
        assert app.screen.query_one("#total", Digits).value == "7.00"
        await pilot.press(*"D002", "enter")
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("enter", *"1234", "enter")  # yes, cancel it; the manager's PIN
        await pilot.pause()
        assert app.cart.is_empty()
        assert app.screen.query_one("#total", Digits).value == "0.00"
        assert str(app.screen.query_one("#total-label", Static).render()).startswith(total)
        assert app.screen.query_one("#main", ContentSwitcher).current == "lines"
        assert "T01-00000001" not in str(app.screen.query_one("#rates", Static).render())


@pytest.mark.parametrize(("language", "words"), [("zh", "折扣"), ("en", "discount")])
async def test_a_discount_above_the_total_keeps_the_dialog_and_marks_the_field(
    make_app, language, words
):
    """Issue 14 item 8: the error closed the dialog and the PIN had to be typed again."""
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", "f5", *"1234", "enter")  # ￥3.00; PIN
        await pilot.pause()
        await pilot.press("5", "enter")  # more than the whole sale (typing replaces 0.00)
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        field = app.screen.query_one("#prompt-value", Input)
        assert field.value == "5" and field.has_class("-invalid")
        error = str(app.screen.query_one("#prompt-error", Static).render())
        assert words in error.lower(), error
        await pilot.press("1", "enter")  # fixed in place (it replaces the 5): no second PIN
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert app.cart.sale_discount == Decimal("1.00")
        assert app.screen.query_one("#total", Digits).value == "2.00"
