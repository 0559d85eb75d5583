"""Returns from the receipts screen (issue 13, item 7): the 退货 dialog, keys only, 80×24."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from shopdesk.tui.screens.prompts import PinScreen
from shopdesk.tui.screens.receipts import ReceiptsScreen
from shopdesk.tui.screens.returns import ReturnScreen

COLA = "6901939621257"  # D001 可口可乐 330ml, ￥3.00


def text_of(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


async def open_return(app, pilot) -> ReturnScreen:  # type: ignore[no-untyped-def]
    """Sell 3 colas and a water (11.00 cash), then F7 receipts, F6 return."""
    await pilot.press(*COLA, "enter", *COLA, "enter", *COLA, "enter", *"D002", "enter")
    await pilot.press("f10", "f10")
    await pilot.pause()
    await pilot.press("f7")
    await pilot.pause()
    assert isinstance(app.screen, ReceiptsScreen)
    await pilot.press("f6")
    await pilot.pause()
    assert isinstance(app.screen, ReturnScreen)
    return app.screen


@pytest.mark.parametrize(
    ("language", "title", "left"), [("zh", "退货：", "可退 3"), ("en", "Return", "left 3")]
)
async def test_a_partial_return_with_the_pin_issues_and_prints_the_refund(
    make_app, language, title, left
):
    app = make_app(language)
    app.start_print = lambda number, record=None: None
    printed: list[str] = []
    app.start_refund_print = lambda record: printed.append(record["data"]["no"])
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_return(app, pilot)
        assert title in text_of(dialog, "#return-title")
        assert left in text_of(dialog, "#return-left-1")  # all three colas can come back
        assert app.focused is dialog.query_one("#return-qty-1", Input)
        await pilot.press("1")
        await pilot.pause()
        assert "3.00" in text_of(dialog, "#return-amount")
        await pilot.press("tab", "tab", *"broken", "f10")  # line 2 stays 0; the reason
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptsScreen)
        refunds = app.shop.ledger.view.refunds
        assert list(refunds) == ["T01-RF-00000001"]
        entry = refunds["T01-RF-00000001"]
        assert (entry["original"], entry["total"]) == ("T01-00000001", "3.00")
        assert entry["payments"] == [["cash", "3.00"]]  # paid back as paid
        assert printed == ["T01-RF-00000001"]


@pytest.mark.parametrize(("language", "words"), [("zh", "最多还能退 3"), ("en", "at most 3")])
async def test_an_over_return_is_refused_in_the_dialog(make_app, language, words):
    app = make_app(language)
    app.start_print = lambda number, record=None: None
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_return(app, pilot)
        await pilot.press("4")
        await pilot.pause()
        field = dialog.query_one("#return-qty-1", Input)
        assert field.has_class("-invalid")
        assert words in text_of(dialog, "#return-error")
        await pilot.press("tab", "tab", *"broken", "f10")
        await pilot.pause()
        assert app.screen is dialog  # no PIN asked, nothing written
        assert field.has_class("-invalid") and field.value == "4"
        assert app.shop.ledger.view.refunds == {}


async def test_all_then_escape_changes_nothing(make_app):
    app = make_app("en")
    app.start_print = lambda number, record=None: None
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_return(app, pilot)
        seq = app.shop.ledger.journal.head.seq
        await pilot.press("f2")  # all that is left, every line
        await pilot.pause()
        assert dialog.query_one("#return-qty-1", Input).value == "3"
        assert dialog.query_one("#return-qty-2", Input).value == "1"
        assert "11.00" in text_of(dialog, "#return-amount")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptsScreen)
        assert app.shop.ledger.journal.head.seq == seq
        assert app.shop.ledger.view.refunds == {}


async def test_the_export_after_a_return_names_the_refund(make_app, tmp_path):
    """Return in the app, then F12 F7: the batch carries the refund and the summary says so."""
    from tests.tui.test_export import open_export, run_export

    app = make_app("en")
    app.start_print = lambda number, record=None: None
    app.start_refund_print = lambda record: None
    async with app.run_test(size=(80, 24)) as pilot:
        await open_return(app, pilot)
        await pilot.press("1", "tab", "tab", *"broken", "f10", *"1234", "enter")
        await pilot.pause()
        assert list(app.shop.ledger.view.refunds) == ["T01-RF-00000001"]
        await pilot.press("escape")
        await pilot.pause()
        screen = await open_export(pilot, tmp_path)
        await run_export(pilot, screen)
        text = str(screen.query_one("#export-summary", Static).render()).replace("\n", " ")
        assert "Returns: 1 (T01-RF-00000001), refunded 3.00" in text
        assert "net of returns is 8.00" in text


def status_cell(screen: ReceiptsScreen, number: str) -> str:
    from textual.widgets import DataTable

    return str(screen.query_one("#receipts", DataTable).get_row(number)[3])


async def return_one(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """F6 on the receipt selected in the receipts screen: one of line 1 back, with the PIN."""
    await pilot.press("f6")
    await pilot.pause()
    assert isinstance(app.screen, ReturnScreen)
    await pilot.press("1", "tab", *"broken", "f10")
    await pilot.pause()
    await pilot.press(*"1234", "enter")
    await pilot.pause()
    assert isinstance(app.screen, ReceiptsScreen)


@pytest.mark.parametrize(
    ("language", "part", "whole", "issued"),
    [("zh", "部分退货", "已退货", "已开具"), ("en", "partly returned", "returned", "issued")],
)
async def test_the_receipts_list_says_partly_then_fully_returned(
    make_app, language, part, whole, issued
):
    """A receipt all of whose lines came back read "issued, printed" in the list."""
    app = make_app(language)
    app.start_print = lambda number, record=None: None
    app.start_refund_print = lambda record: None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", *COLA, "enter", "f10", "f10")  # 2 colas, one line
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        assert issued in status_cell(app.screen, "T01-00000001")
        await return_one(app, pilot)
        status = status_cell(app.screen, "T01-00000001")
        assert part in status and issued in status, status
        await return_one(app, pilot)
        status = status_cell(app.screen, "T01-00000001")
        assert status.startswith(whole) and part not in status and issued not in status, status
