"""The everyday POS tools in the app (issue 13 item 8), driven with Pilot."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import Digits, Input, Static

from shopdesk.tui.screens.parked import ParkedScreen
from shopdesk.tui.screens.pay import PayScreen
from shopdesk.tui.screens.prompts import PromptScreen
from shopdesk.tui.screens.sale import SaleScreen


def text_of(widget: Static) -> str:
    return str(widget.render())


async def scan(pilot, code: str) -> None:
    await pilot.press(*code, "enter")
    await pilot.pause()


async def test_quantity_dialog_refuses_a_fraction_of_a_can_and_takes_one_of_bananas(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "D001")
        await pilot.press("f2")
        await pilot.pause()
        app.screen.query_one("#prompt-value", Input).value = ""
        await pilot.press(*"1.5", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        assert "whole number" in text_of(app.screen.query_one("#prompt-error", Static))
        await pilot.press("escape")
        await pilot.pause()
        assert app.cart.lines[0].qty == 1
        await scan(pilot, "F001x0.75")
        assert isinstance(app.screen, SaleScreen)
        assert app.cart.lines[1].qty == Decimal("0.75")


async def test_f5_takes_a_percent_with_the_pin_and_the_receipt_records_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "D001x3")  # 9.00
        await pilot.press("f5", *"1234", "enter")
        await pilot.pause()
        app.screen.query_one("#prompt-value", Input).value = ""
        await pilot.press(*"10%", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert app.cart.total() == Decimal("8.10")
        assert "10% -" in text_of(app.screen.query_one("#rates", Static))
        await pilot.press("f10", "f10")
        await pilot.pause()
        data = app.last_issued.record["data"]
        assert data["percent_off"] == {"pct": "10", "amount": "0.90"}
        assert data["total"] == "8.10"


async def test_f1_parks_a_sale_serves_the_next_and_resumes_it_after_a_restart(make_app, home):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "D001x2")
        await pilot.press("f1")  # park
        await pilot.pause()
        assert app.cart.is_empty() and app.shop.ledger.view.last_rseq == 0
        await scan(pilot, "D002")  # the next customer pays at once
        await pilot.press("f10", "f10")
        await pilot.pause()
        assert app.last_issued.record["data"]["lines"][0]["sku"] == "D002"
    app = make_app()  # the till restarts: the parked sale is still there
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")  # empty sale: the list of parked sales
        await pilot.pause()
        assert isinstance(app.screen, ParkedScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert [(line.sku, line.qty) for line in app.cart.lines] == [("D001", Decimal(2))]
        await pilot.press("f1", "f1")  # park it again, then open the list again
        await pilot.pause()
        assert isinstance(app.screen, ParkedScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.cart.is_empty()


async def test_f7_in_the_pay_screen_rounds_off_to_the_jiao_then_the_yuan(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "D003")  # 3.50
        await scan(pilot, "S003")  # 7.90 → 11.40
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, PayScreen)
        await pilot.press("f7")  # to the jiao: nothing to take off 11.40
        await pilot.press("f7")  # to the yuan: 11.00
        await pilot.pause()
        assert app.screen.query_one("#pay-total", Digits).value == "11.00"
        assert "Rounded off -" in text_of(app.screen.query_one("#pay-lines", Static))
        await pilot.press("f10")
        await pilot.pause()
        data = app.last_issued.record["data"]
        assert (data["rounding"], data["total"], data["change"]) == ("0.40", "11.00", "0.00")
