"""The sale screen after a cancelled sale (issue 14, item 7)."""

from __future__ import annotations

import pytest
from textual.widgets import ContentSwitcher, Digits, Static

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
        await pilot.press("enter")  # yes, cancel it
        await pilot.pause()
        assert app.cart.is_empty()
        assert app.screen.query_one("#total", Digits).value == "0.00"
        assert str(app.screen.query_one("#total-label", Static).render()).startswith(total)
        assert app.screen.query_one("#main", ContentSwitcher).current == "lines"
        assert "T01-00000001" not in str(app.screen.query_one("#rates", Static).render())
