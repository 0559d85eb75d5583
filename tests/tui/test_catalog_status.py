"""The status bar says when catalog rows were left out (issue 15, item 1)."""

from __future__ import annotations

from textual.widgets import Static

from tests.services.test_catalog_problems import break_water_price
from tests.tui.test_flows import text_of


async def test_the_status_bar_counts_bad_catalog_rows(make_app, home):
    break_water_price(home)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "Catalog: 1 bad row(s)" in text_of(app.screen.query_one("#status", Static))


async def test_a_sound_catalog_adds_nothing_to_the_bar(make_app):
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "Catalog" not in text_of(app.screen.query_one("#status", Static))
