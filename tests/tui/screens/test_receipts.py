"""Voiding from the receipts screen (issue 14, item 8)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from shopdesk.tui.screens.prompts import PromptScreen
from shopdesk.tui.screens.receipts import ReceiptsScreen

COLA = "6901939621257"  # D001 可口可乐 330ml, ￥3.00


@pytest.mark.parametrize(("language", "words"), [("zh", "原因"), ("en", "reason")])
async def test_an_empty_void_reason_keeps_the_dialog_and_marks_the_field(make_app, language, words):
    """The error closed the dialog and the PIN had to be typed again."""
    app = make_app(language)
    app.start_print = lambda number, record=None: None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", "f10", "f10")
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("f8", *"1234", "enter")
        await pilot.pause()
        await pilot.press("space", "enter")  # a reason of blanks only
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        field = app.screen.query_one("#prompt-value", Input)
        assert field.value == " " and field.has_class("-invalid")
        error = str(app.screen.query_one("#prompt-error", Static).render())
        assert words in error.lower(), error
        await pilot.press("backspace", *"scanned twice", "enter")  # no second PIN
        await pilot.pause()
        assert isinstance(app.screen, ReceiptsScreen)
        assert app.shop.ledger.view.get("T01-00000001")["status"] == "void"


async def test_a_receipts_history_speaks_chinese_not_record_kinds(make_app):
    """Issue 14 item 10: the detail listed ``receipt.printed`` as it is in the ledger."""
    app = make_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", "f10", "f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        kinds = [r["kind"] for r in app.shop.ledger.records()]
        assert "receipt.printed" in kinds
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        text = str(app.screen.query_one("#detail-text", Static).render())
        assert "receipt.printed" not in text and "已打印" in text, text
