"""The app says keys where the shared messages give CLI commands; the CLI keeps its words."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from shopdesk import i18n
from shopdesk.messages import message
from shopdesk.tui.screens.export import ExportScreen
from shopdesk.tui.screens.pay import PayScreen
from shopdesk.tui.screens.sale import SaleScreen
from shopdesk.tui.wording import EXPORT_SOON, REWORDED, app_message
from tests.test_messages_outage import SAMPLES

COLA = "6901939621257"  # D001, ￥3.00


@pytest.mark.parametrize("code", sorted(set(REWORDED) | EXPORT_SOON))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_app_names_keys_not_commands(code: str, lang: str) -> None:
    i18n.set_language(lang)
    try:
        text = app_message(code, lang, **SAMPLES[code])
    finally:
        i18n.set_language("en")
    assert "shopdesk " not in text and "{" not in text
    assert "F12" in text or "F3" in text
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    cli = message(code, lang, **SAMPLES[code])  # the CLI's sentence is untouched
    if code in REWORDED:
        assert "shopdesk " in cli
    else:
        assert text.startswith(cli + " ")


def test_other_codes_are_worded_as_the_cli_does() -> None:
    assert app_message("export.nothing", "en") == message("export.nothing", "en")


async def test_the_automatic_outage_notice_says_the_keys(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", "f10", "f10")
        await pilot.pause()
        notes = [str(n.message) for n in app._notifications]
        assert any("end it: F12, then F3" in note for note in notes), notes
        assert not any("shopdesk" in note for note in notes)


def block_sales_above(home: Path, amount: str) -> None:
    profile = home / "profile.toml"
    text = profile.read_text(encoding="utf-8")
    text = text.replace('max_amount = "100000.00"', f'max_amount = "{amount}"')
    text = text.replace("block_when_exceeded = false", "block_when_exceeded = true")
    profile.write_text(text, encoding="utf-8")


async def test_a_blocked_sale_says_export_here_and_exporting_unblocks_it(make_app, home, tmp_path):
    block_sales_above(home, "5.00")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*COLA, "enter", "f10", "f10")  # 3.00 waiting
        await pilot.pause()
        await pilot.press(*COLA, "enter", "f10", "f10")  # 6.00 would pass 5.00
        await pilot.pause()
        assert isinstance(app.screen, PayScreen)
        error = str(app.screen.query_one("#pay-error", Static).render())
        assert "Export a batch first: F12, then F7." in error and "shopdesk" not in error
        await pilot.press("escape", "f12", "f7")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#export-folder", Input).value = str(tmp_path)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter", "escape")  # close the summary, back to the sale
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        await pilot.press("f10", "f10")  # the same sale goes through now
        await pilot.pause()
        assert app.last_issued.number == "T01-00000002"
