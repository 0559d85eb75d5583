"""Where things are (issue 14, item 11): keys shown, refusals before questions, stale notices."""

from __future__ import annotations

from textual.widgets import Static

from shopdesk.tui.screens.outage import OutageScreen
from shopdesk.tui.screens.prompts import PinScreen, PromptScreen
from shopdesk.tui.widgets import NoticeBar


def notices(app) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query_one(NoticeBar).query(Static))


async def open_outage_screen(pilot) -> None:
    await pilot.press("f12")
    await pilot.pause()
    assert isinstance(pilot.app.screen, OutageScreen)


async def test_a_second_outage_start_is_refused_before_the_note_is_asked(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_outage_screen(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert app.shop.ledger.view.open_outage is not None
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, OutageScreen)  # no note asked
        assert "already" in notices(app)


async def test_a_second_z_is_refused_before_the_pin_is_asked(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_outage_screen(pilot)
        await pilot.press("f6", *"1234", "enter")
        await pilot.pause()
        await pilot.press("enter")  # yes, close the day
        await pilot.pause()
        assert app.shop.ledger.view.closed_days
        await pilot.press("f6")
        await pilot.pause()
        assert not isinstance(app.screen, PinScreen)
        assert isinstance(app.screen, OutageScreen)
        assert "closed" in notices(app)
