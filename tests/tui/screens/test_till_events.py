"""The sale screen's till events (issue 13, item 5): F8, F3, a lower quantity and Ctrl+O
ask the manager's PIN and leave a record; Esc at the PIN keeps the sale as it was."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import Input

from shopdesk.services.approval import approve
from shopdesk.tui.screens.prompts import ConfirmScreen, PinScreen, PromptScreen
from shopdesk.tui.screens.sale import SaleScreen

COLA = "6901939621257"  # D001 可口可乐 330ml, ￥3.00


def events(app, kind: str) -> list[dict]:
    return [r["data"] for r in app.shop.ledger.records() if r["kind"] == kind]


async def test_f8_on_a_sale_asks_the_pin_and_records_the_cancel(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", *"D002", "enter", "f8")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        await pilot.press("escape")  # no PIN: the sale stays, nothing recorded
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen) and len(app.cart.lines) == 2
        assert events(app, "sale.cancelled") == []
        await pilot.press("f8", "enter", *"1234", "enter")
        await pilot.pause()
        assert app.cart.is_empty()
        [cancelled] = events(app, "sale.cancelled")
        assert cancelled["total"] == "5.00" and cancelled["approved_by"] == "manager"
        assert cancelled["by"] == app.cashier and len(cancelled["lines"]) == 2


async def test_f8_on_an_empty_sale_asks_nothing_and_records_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        before = app.shop.ledger.head_seq
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert app.shop.ledger.head_seq == before


async def test_removing_a_line_asks_the_pin_and_records_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", *"D002", "enter", "f3")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.cart.lines) == 2 and events(app, "line.removed") == []
        await pilot.press("f3", *"9999", "enter")  # wrong PIN: asked again, nothing removed
        await pilot.pause()
        assert isinstance(app.screen, PinScreen) and len(app.cart.lines) == 2
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert [line.sku for line in app.cart.lines] == ["D001"]
        [removed] = events(app, "line.removed")
        assert removed["line"]["sku"] == "D002" and removed["amount_removed"] == "2.00"


async def test_a_lower_quantity_asks_the_pin_and_a_higher_one_does_not(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"D001x3", "enter", "f2", "5", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen) and app.cart.lines[0].qty == 5
        await pilot.press("f2", "2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen) and app.cart.lines[0].qty == 5
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert app.cart.lines[0].qty == 2
        [removed] = events(app, "line.removed")
        assert (removed["qty_removed"], removed["amount_removed"]) == ("3", "9.00")


async def test_ctrl_o_opens_the_drawer_with_pin_and_reason(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")  # no reason: refused in place
        await pilot.pause()
        assert app.screen.query_one("#prompt-value", Input).has_class("-invalid")
        await pilot.press(*"change", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        [opened] = events(app, "drawer.opened")
        assert opened["reason"] == "change" and opened["approved_by"] == "manager"
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_training_cancels_are_recorded_as_training(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_training(True, approve(app.shop, "training", "1234"))
        await pilot.press(*COLA, "enter", "f8", "enter", *"1234", "enter")
        await pilot.pause()
        [cancelled] = events(app, "sale.cancelled")
        assert cancelled["training"] is True
        assert app.cart.total() == Decimal("0")


async def test_the_x_report_screen_shows_the_shifts_till_events(make_app):
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", "f10", "f10")  # one sale: the shift has a receipt
        await pilot.press(*"D002", "enter", "f8", "enter", *"1234", "enter")
        await pilot.pause()
        await pilot.press("f12", "f4")
        await pilot.pause()
        report = " ".join(str(app.screen.query_one("#report-text", Static).render()).split())
        assert "Till events (no receipts)" in report
        assert "Sales cancelled 1" in report and "Amount cancelled ￥2.00" in report
        assert "Drawer opened without a sale 0" in report
