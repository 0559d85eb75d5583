"""Cashier flows driven through the real app with Pilot, keys only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from textual.widgets import Digits, Input, Select, Static

from shopdesk.services.uistate import load_ui_state
from shopdesk.tui.screens.pay import PayScreen
from shopdesk.tui.screens.receipts import ReceiptsScreen
from shopdesk.tui.screens.sale import SaleScreen
from shopdesk.tui.screens.settings import SettingsScreen
from tests.tui.conftest import StepClock

COLA = "6901939621257"  # D001 可口可乐 330ml, ￥3.00
VALID_TAX_ID = "91110000600037341L"


def text_of(widget: Static) -> str:
    return str(widget.render())


async def scan(pilot, code: str) -> None:
    """A scanner: the digits as one burst, then Enter, no pause in between."""
    await pilot.press(*code, "enter")
    await pilot.pause()


async def test_cash_sale_with_scanned_barcode_shows_change_and_starts_next_sale(make_app, home):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, COLA)
        await scan(pilot, COLA)
        await scan(pilot, "D002")  # 农夫山泉 ￥2.00 → total 8.00
        assert app.screen.query_one("#total", Digits).value == "8.00"
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, PayScreen)
        await pilot.press("5", "0", "enter")
        await pilot.pause()
        assert app.screen.query_one("#pay-change", Digits).value == "42.00"
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        issued = app.last_issued
        assert issued is not None and issued.number == "T01-00000001"
        assert issued.change == Decimal("42.00")
        record = issued.record["data"]
        assert [(line["sku"], line["qty"]) for line in record["lines"]] == [
            ("D001", "2"),
            ("D002", "1"),
        ]
        assert record["payments"] == [{"method": "cash", "amount": "50.00"}]
        # The next sale is ready: empty cart, cursor in an empty entry field,
        # the change still shown big.
        assert app.cart.is_empty()
        entry = app.screen.query_one("#entry", Input)
        assert app.focused is entry and entry.value == ""
        assert app.screen.query_one("#total", Digits).value == "42.00"
        assert "T01-00000001" in text_of(app.screen.query_one("#last-text", Static))
    assert app.shop is not None


async def test_two_scans_in_one_burst_are_two_lines_not_one_code(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"D001", "enter", *"D002", "enter", *COLA, "enter")
        await pilot.pause()
        assert [(line.sku, str(line.qty)) for line in app.cart.lines] == [
            ("D001", "2"),
            ("D002", "1"),
        ]


async def test_pinyin_search_offers_a_pick_list(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"kele", "enter")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "picks"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert [line.sku for line in app.cart.lines] == ["D003"]
        assert app.focused is app.screen.query_one("#entry", Input)
        await pilot.press(*"kkkl", "enter")  # a single match is added directly
        await pilot.pause()
        assert [line.sku for line in app.cart.lines] == ["D003", "D001"]


async def test_unknown_code_is_reported_and_kept_for_correction(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "0000000000000")
        assert app.cart.is_empty()
        assert app.screen.query_one("#entry", Input).value == "0000000000000"
        assert isinstance(app.screen, SaleScreen)
        await scan(pilot, COLA)  # the next scan replaces the kept text
        assert [line.sku for line in app.cart.lines] == ["D001"]


async def test_company_buyer_wrong_then_right_tax_id(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, COLA)
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press(*"Acme", "enter")
        await pilot.press(*"91110000600037341X", "enter", "enter", "enter")  # wrong check char
        await pilot.pause()
        check = app.screen.query_one("#tax-id-check", Static)
        assert text_of(check).startswith("✗")
        assert app.cart.buyer is None
        assert "check" in text_of(app.screen.query_one("#form-error", Static)).lower()
        tax = app.screen.query_one("#buyer-tax-id", Input)
        tax.focus()
        await pilot.press("end", "backspace", "L")
        await pilot.pause()
        assert text_of(check).startswith("✓")
        await pilot.press("f10")
        await pilot.pause()
        assert app.cart.buyer is not None and app.cart.buyer.tax_id == VALID_TAX_ID
        await pilot.press("f10", "f10")
        await pilot.pause()
        assert app.last_issued.record["data"]["buyer"]["tax_id"] == VALID_TAX_ID


async def test_split_payment_wechat_then_cash(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "D001x3")  # 9.00
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("5", "f3")  # 5.00 by WeChat Pay
        await pilot.pause()
        assert app.screen.query_one("#pay-change", Digits).value == "4.00"  # still due
        await pilot.press("f2", "1", "0", "f10")  # 10.00 cash, confirm
        await pilot.pause()
        data = app.last_issued.record["data"]
        assert data["payments"] == [
            {"method": "wechat", "amount": "5.00"},
            {"method": "cash", "amount": "10.00"},
        ]
        assert data["change"] == "6.00"


async def test_underpayment_cannot_be_confirmed(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "D001x3")
        await pilot.press("f10", "5", "f10")
        await pilot.pause()
        assert isinstance(app.screen, PayScreen)
        assert "4.00" in text_of(app.screen.query_one("#pay-error", Static))
        assert app.shop.ledger.view.last_rseq == 0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert len(app.cart.lines) == 1  # nothing lost


async def test_void_with_manager_pin(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, COLA)
        await pilot.press("f10", "f10")
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptsScreen)
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press(*"9999", "enter")  # wrong PIN
        await pilot.pause()
        assert "PIN is wrong" in text_of(app.screen.query_one("#pin-error", Static))
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        await pilot.press(*"wrong item", "enter")
        await pilot.pause()
        row = app.shop.ledger.view.get("T01-00000001")
        assert row["status"] == "void"
        assert isinstance(app.screen, ReceiptsScreen)
        void = list(app.shop.ledger.records())[-1]
        assert void["data"]["approved_by"] == "manager"
        await pilot.press("enter")  # the receipt's detail names who approved the void
        await pilot.pause()
        text = text_of(app.screen.query_one("#detail-text", Static))
        assert "approved by manager: wrong item" in text


async def test_five_wrong_pins_lock_the_dialog_and_say_until_when(make_app):
    clock = StepClock()
    app = make_app(clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, COLA)
        await pilot.press("f4")
        await pilot.pause()
        for _ in range(5):
            await pilot.press(*"9999", "enter")
            await pilot.pause()
        error = app.screen.query_one("#pin-error", Static)
        assert "Too many wrong PINs" in text_of(error)
        await pilot.press(*"1234", "enter")  # the right PIN, but locked
        await pilot.pause()
        assert "Too many wrong PINs" in text_of(app.screen.query_one("#pin-error", Static))
        clock.now += timedelta(seconds=31)
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert app.screen.query_one("#prompt-value", Input)  # the price prompt is open
        kinds = [r["kind"] for r in app.shop.ledger.records()]
        assert kinds.count("pin.failed") == 5


async def test_price_override_and_discount_need_the_pin(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "D001x2")
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("escape")  # no PIN, no change
        await pilot.pause()
        assert app.cart.lines[0].unit_price == Decimal("3.00")
        await pilot.press("f4", *"1234", "enter")
        await pilot.pause()
        prompt = app.screen.query_one("#prompt-value", Input)
        prompt.value = ""
        await pilot.press(*"2.50", "enter")
        await pilot.pause()
        assert app.cart.lines[0].unit_price == Decimal("2.50")
        assert app.cart.lines[0].price_override
        await pilot.press("f5", *"1234", "enter")
        await pilot.pause()
        app.screen.query_one("#prompt-value", Input).value = ""
        await pilot.press(*"1", "enter")
        await pilot.pause()
        assert app.screen.query_one("#total", Digits).value == "4.00"


async def test_language_and_theme_switch_are_remembered(make_app, home: Path):
    app = make_app(language=None)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.lang == "zh"  # the demo profile's language
        await scan(pilot, COLA)  # a sale in progress survives the switch
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        theme = app.screen.query_one("#theme", Select)
        theme.value = "shopdesk-high-contrast"
        await pilot.pause()
        assert app.theme == "shopdesk-high-contrast"
        app.screen.query_one("#language", Select).value = "en"
        await pilot.pause()
        await pilot.pause()
        assert app.lang == "en"
        assert isinstance(app.screen, SettingsScreen)
        assert "Settings" in text_of(app.screen.query_one(".dialog-title", Static))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert len(app.cart.lines) == 1
        assert app.screen.query_one("#entry", Input).placeholder.startswith("Scan")
    state = load_ui_state(home)
    assert (state.theme, state.language) == ("shopdesk-high-contrast", "en")
    again = make_app(language=None)
    async with again.run_test(size=(80, 24)) as pilot:
        assert again.lang == "en" and again.theme == "shopdesk-high-contrast"


async def test_training_mode_issues_training_receipts(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9", "f4", *"1234", "enter", "escape")
        await pilot.pause()
        assert app.training
        await scan(pilot, COLA)
        await pilot.press("f10", "f10")
        await pilot.pause()
        assert app.last_issued.number == "T01-TR-00000001"
        assert "TRAINING" in text_of(app.screen.query_one("#status", Static))


async def test_unexpected_error_is_logged_and_the_sale_kept(make_app, home, monkeypatch):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, COLA)

        def broken(*args, **kwargs):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(app.cart, "remove", broken)
        await pilot.press("f3", *"1234", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert len(app.cart.lines) == 1
        log = (home / "logs" / "errors.log").read_text(encoding="utf-8")
        assert "disk on fire" in log
        await scan(pilot, "D002")  # the app still works
        assert len(app.cart.lines) == 2


async def test_receipts_screen_pages_and_searches(make_app):
    from shopdesk.domain.sale import Payment, SaleDraft
    from shopdesk.services.history import PAGE_SIZE
    from shopdesk.services.sales import issue_receipt, line_from_catalog

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(PAGE_SIZE + 5):
            draft = SaleDraft(lines=[line_from_catalog(app.shop.catalog, "D001")])
            draft.payments.append(Payment("cash"))
            issue_receipt(app.shop, draft)
        await pilot.press("f7")
        await pilot.pause()
        table = app.screen.query_one("#receipts")
        assert table.row_count == PAGE_SIZE
        assert table.get_row_at(0)[0] == f"T01-{PAGE_SIZE + 5:08d}"
        await pilot.press("f4")
        await pilot.pause()
        assert table.row_count == 5
        await pilot.press("f2", *"00000007", "enter")
        await pilot.pause()
        assert table.row_count == 1 and table.get_row_at(0)[0] == "T01-00000007"
        await pilot.press("enter")
        await pilot.pause()
        text = text_of(app.screen.query_one("#detail-text", Static))
        assert "T01-00000007" in text and "issued" in text


async def test_the_key_bar_works_with_the_mouse(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, COLA)
        bar = app.screen.query_one(".keybar", Static)
        rows = str(bar.render()).splitlines()
        row = next(n for n, text in enumerate(rows) if "F10" in text)  # the 2nd row at 80
        await pilot.click(bar, offset=(rows[row].index("F10") + 1, row))
        await pilot.pause()
        assert isinstance(app.screen, PayScreen)


NASTY = [
    "[bold]x[/]",
    "x",
    "@",
    "D001x-1",
    "D001x99999",
    "D001@abc",
    "D001x0.0001",
    "💥💥",
    "9" * 300,
    "  ",
    "\\",
    "D001x",
]


async def test_nothing_typed_crashes_the_app(make_app, home):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for text in NASTY:
            while not isinstance(app.screen, SaleScreen):  # a search may open a dialog
                await pilot.press("escape")
                await pilot.pause()
            await pilot.press("escape")  # closes a pick list, clears the field
            await pilot.press(*text, "enter")
            await pilot.pause()
        while not isinstance(app.screen, SaleScreen):
            await pilot.press("escape")
            await pilot.pause()
        app.cart.clear()
        await scan(pilot, COLA)
        for key in ("f2", "f4", "f5"):
            await pilot.press(key)
            await pilot.pause()
            if key != "f2":
                await pilot.press(*"1234", "enter")
                await pilot.pause()
            for text in ("-5", "abc", "1e9", "[b]", "0", "3.001"):
                fields = app.screen.query("#prompt-value")
                if not fields:  # a valid value closed the prompt
                    break
                fields.first(Input).value = text
                await pilot.press("enter")
                await pilot.pause()
            while not isinstance(app.screen, SaleScreen):
                await pilot.press("escape")
                await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, PayScreen), [n.message for n in app._notifications]
        for text in ("-1", "abc", "0", "99999999999"):
            app.screen.query_one("#pay-amount", Input).value = text
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert [line.sku for line in app.cart.lines] == ["D001"]  # the sale is intact
        assert app.shop.ledger.view.last_rseq == 0
    assert not (home / "logs" / "errors.log").exists()


async def test_a_second_instance_is_told_the_ledger_is_in_use(make_app, home):
    from shopdesk.services.shop import Shop
    from shopdesk.tui.screens.prompts import ProblemScreen

    with Shop.open(home):  # the first till holds the writer lock
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ProblemScreen)
            assert app.screen.code == "ledger.locked"
            assert app.shop is None
            await pilot.press("q")
            await pilot.pause()
        assert app.return_code == 1 and app.return_value == 1


def closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once it is closed


def unplug_printer(home: Path) -> None:
    """The profile's printer becomes a network printer nobody answers for."""
    profile = home / "profile.toml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(
        text.replace('url = "preview"', f'url = "tcp://127.0.0.1:{closed_port()}"'),
        encoding="utf-8",
    )


async def test_printer_fault_then_print_again(make_app, home):
    import dataclasses

    unplug_printer(home)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, COLA)
        await pilot.press("f10", "f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        number = app.last_issued.number
        assert app.failed_print == number
        row = app.shop.ledger.view.get(number)
        assert row["print_failed"] and row["printed"] == 0
        assert any("NOT printed" in str(n.message) for n in app._notifications)
        assert "FAULT" in text_of(app.screen.query_one("#status", Static))
        assert app.cart.is_empty() and isinstance(app.screen, SaleScreen)  # the sale is done
        # The printer is fixed (here: the preview printer); F11 prints the original.
        fixed = dataclasses.replace(app.shop.profile.printer, url="preview")
        app.shop.profile = dataclasses.replace(app.shop.profile, printer=fixed)
        await pilot.press("f11")
        await app.workers.wait_for_complete()
        await pilot.pause()
        row = app.shop.ledger.view.get(number)
        assert row["printed"] == 1 and not row["print_failed"]
        assert app.failed_print is None
        assert "FAULT" not in text_of(app.screen.query_one("#status", Static))


async def test_a_full_disk_for_the_print_record_says_the_sale_was_issued(
    make_app, home, disk_full_for
):
    """Issue 11 item 7 in the app: the receipt is issued and printed; the banner says so."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        disk_full_for("receipt.printed")
        await scan(pilot, COLA)
        await pilot.press("f10", "f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        number = app.last_issued.number
        said = [str(n.message) for n in app._notifications]
        assert any("was issued and printed" in m and number in m for m in said)
        assert not any("NOT issued" in m for m in said)
        assert app.shop.ledger.view.get(number)["status"] == "issued"


async def test_reprint_from_receipts_is_a_marked_copy(make_app, home):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, COLA)
        await pilot.press("f10", "f10")
        await app.workers.wait_for_complete()
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        row = app.shop.ledger.view.get("T01-00000001")
        assert row["printed"] == 2
        copies = [
            r["data"]["copy"] for r in app.shop.ledger.records() if r["kind"] == "receipt.printed"
        ]
        assert copies == [0, 1]


async def test_outage_start_x_report_and_end(make_app):
    from shopdesk.tui.screens.outage import OutageScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, OutageScreen)
        assert "No outage open" in text_of(app.screen.query_one("#outage-state", Static))
        await pilot.press("f2", *"platform down", "enter")
        await pilot.pause()
        assert app.shop.ledger.view.open_outage is not None
        assert "Outage open since" in text_of(app.screen.query_one("#outage-state", Static))
        await pilot.press("escape")
        await scan(pilot, "D001x2")
        await pilot.press("f10", "f10", "f12")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert "6.00" in text_of(app.screen.query_one("#report-text", Static))
        await pilot.press("f3", "enter")
        await pilot.pause()
        assert app.shop.ledger.view.open_outage is None
        await pilot.press("f6", *"1234", "enter")
        await pilot.pause()
        await pilot.press(*"100x2 1x5", "enter")  # the drawer counted: 205.00
        await pilot.pause()
        assert "-1.00" in app.screen.question  # shown before confirming
        await pilot.press("enter")  # confirm the Z
        await pilot.pause()
        [close] = [r for r in app.shop.ledger.records() if r["kind"] == "day.closed"]
        assert (close["data"]["counted"], close["data"]["over_short"]) == ("205.00", "-1.00")
        report = text_of(app.screen.query_one("#report-text", Static))
        assert "￥205.00" in report and "-￥1.00" in report


async def test_z_count_dialog_keeps_a_bad_count_and_refuses_an_empty_shift(make_app):
    from shopdesk.tui.screens.outage import OutageScreen
    from shopdesk.tui.screens.prompts import PinScreen, PromptScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("f6")  # nothing sold yet: refused before any PIN
        await pilot.pause()
        assert isinstance(app.screen, OutageScreen)
        await pilot.press("escape")
        await scan(pilot, "D001")
        await pilot.press("f10", "f10", "f12")
        await pilot.pause()
        await pilot.press("f6", *"0000", "enter")  # a wrong PIN: asked again
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        await pilot.press(*"1234", "enter", *"3x100", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)  # kept, with the reason under it
        assert "3x100" in text_of(app.screen.query_one("#prompt-error", Static))
        await pilot.press("escape")  # no count, no Z
        await pilot.pause()
        assert not [r for r in app.shop.ledger.records() if r["kind"] == "day.closed"]


async def test_voiding_an_exported_receipt_warns_first(make_app, home, tmp_path):
    from shopdesk.services.export import export_batch
    from shopdesk.services.shop import Shop
    from tests.tui.conftest import StepClock

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, COLA)
        await pilot.press("f10", "f10")
        await app.workers.wait_for_complete()
    with Shop.open(home, clock=StepClock()) as shop:
        batch = export_batch(shop, tmp_path).batch_id
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("f8", *"1234", "enter")
        await pilot.pause()
        label = str(app.screen.query_one("#prompt-label", Static).render())
        assert f"Already exported in batch {batch}" in label and "red-letter" in label
        await pilot.press(*"wrong item", "enter")
        await pilot.pause()
        assert app.shop.ledger.view.get("T01-00000001")["status"] == "void"


async def test_quitting_waits_for_the_print_job_then_closes_the_shop(make_app, home):
    from shopdesk.services.shop import Shop

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, COLA)
        await pilot.press("f10", "f10", "ctrl+q")  # quit while the receipt is printing
    # The lock is released (this would raise ledger.locked otherwise) and the print
    # job's record made it in before the ledger closed.
    with Shop.open(home) as shop:
        row = shop.ledger.view.get("T01-00000001")
        assert row["printed"] == 1


async def test_a_failed_print_is_kept_when_a_later_receipt_prints(make_app, home):
    """Issue 14, item 2b: F11 reprinted only the last failure, and a good print after it
    made F11 say nothing waits — the failed receipt was forgotten. Now F11 prints the
    oldest failed one and the notice says how many still wait."""
    import dataclasses

    unplug_printer(home)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        failed = []
        for _sale in range(2):
            await scan(pilot, COLA)
            await pilot.press("f10", "f10")
            await app.workers.wait_for_complete()
            await pilot.pause()
            failed.append(app.last_issued.number)
        assert any("2 receipts wait" in str(n.message) for n in app._notifications)
        fixed = dataclasses.replace(app.shop.profile.printer, url="preview")
        app.shop.profile = dataclasses.replace(app.shop.profile, printer=fixed)
        await scan(pilot, COLA)
        await pilot.press("f10", "f10")  # this one prints
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.failed_print == failed[0]
        await pilot.press("f11")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.shop.ledger.view.get(failed[0])["printed"] == 1
        assert app.failed_print == failed[1]
        assert any("1 receipt waits" in str(n.message) for n in app._notifications)
        await pilot.press("f11")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.shop.ledger.view.get(failed[1])["printed"] == 1
        assert app.failed_print is None
