"""The pay dialog under a scanner (issue 14, item 4)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from shopdesk.tui.screens.pay import PayScreen

COLA = "6901939621257"  # D001 可口可乐 330ml, ￥3.00


@pytest.mark.parametrize(("language", "words"), [("zh", "100 倍"), ("en", "100 times")])
async def test_a_barcode_scanned_into_the_amount_is_refused_not_taken_as_cash(
    make_app, language, words
):
    app = make_app(language)
    app.start_print = lambda number, record=None: None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", "f10")
        await pilot.pause()
        await pilot.press(*"96385074", "enter")  # an 8-digit code: digits, then Enter
        await pilot.pause()
        assert isinstance(app.screen, PayScreen)
        assert app.screen.tender.payments == []
        error = str(app.screen.query_one("#pay-error", Static).render())
        assert words in error and "96385074" in error.replace(",", ""), error
        await pilot.press("f10")  # a second key of the burst: still nothing issued
        await pilot.pause()
        assert app.last_issued is None
        assert app.screen.query_one("#pay-amount", Input).selected_text == "96385074"
        await pilot.press(*"100")  # the real note replaces the scanned digits
        await pilot.press("f10")
        await pilot.pause()
        assert app.last_issued is not None and str(app.last_issued.change) == "97.00"
