"""Keys typed at machine speed go where they would have gone typed slowly (issue 14, item 6).

``pilot.press`` waits for the app to go idle after every key, which a scanner
never does. ``burst`` hands the app every key at once, as one read from the
terminal does: all of them are queued before the first is handled.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from shopdesk.tui.screens.profile import PinChangeScreen
from shopdesk.tui.screens.sale import SaleScreen

COLA = "6901939621257"  # D001 可口可乐 330ml, ￥3.00


def key_event(key: str) -> events.Key:
    """The event a terminal sends for ``key`` (a character or a key name such as ``f10``)."""
    return events.Key(key, key if len(key) == 1 else None)


async def burst(pilot, *keys: str) -> None:
    """Queue all ``keys`` before the app handles any, then wait until it has handled them."""
    for key in keys:
        event = key_event(key)
        event.set_sender(pilot.app)
        pilot.app.post_message(event)
    await pilot.app.keys.drained()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def issued_numbers(app) -> list[str]:
    return [r["data"]["no"] for r in app.shop.ledger.records() if r["kind"] == "receipt.issued"]


async def test_five_scan_and_pay_bursts_make_five_receipts(make_app):
    app = make_app("zh")
    app.start_print = lambda number, record=None: None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await burst(pilot, *[*COLA, "enter", "f10", "f10"] * 5)
        assert len(issued_numbers(app)) == 5
        assert isinstance(app.screen, SaleScreen)
        assert app.cart.is_empty()
        assert app.screen.query_one("#entry", Input).value == ""


async def test_a_pin_change_typed_in_one_burst_puts_each_pin_in_its_field(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, PinChangeScreen)
        await burst(pilot, *"1234", "enter", *"5678", "enter", *"5670")
        values = [app.screen.query_one(f"#{f}", Input).value for f in PinChangeScreen.FIELDS]
        assert values == ["1234", "5678", "5670"]


async def test_keys_typed_before_a_dialog_is_shown_go_to_the_dialog(make_app):
    """F8 then the PIN in one burst: the digits belong to the new dialog's first field."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        await burst(pilot, "f8", *"1234", "enter", *"5678")
        assert isinstance(app.screen, PinChangeScreen)
        values = [app.screen.query_one(f"#{f}", Input).value for f in PinChangeScreen.FIELDS]
        assert values == ["1234", "5678", ""]
