"""Screenshots of the main screens at 80×24, in Chinese and English.

Deterministic by construction: a fixed clock (the top bar and every record
show 2026-11-28 10:30), a fresh demo home per test, the default theme, and no
notifications on screen. Update after an intended change with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.services.sales import issue_receipt, line_from_catalog, make_buyer
from shopdesk.services.shop import Shop
from shopdesk.tui.app import ShopdeskApp
from tests.conftest import VOID_OK

SIZE = (80, 24)
START = datetime(2026, 11, 28, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def fixed_clock() -> datetime:
    return START


def app_for(home: Path, language: str) -> ShopdeskApp:
    app = ShopdeskApp(home, clock=fixed_clock, language=language)
    # No printing: a worker thread finishing before or after the shot must not
    # matter (printing has its own flow tests).
    app.start_print = lambda number, record=None: None
    return app


def seed_receipts(home: Path) -> None:
    """Three receipts, one with a company buyer and one void, for the history screen."""
    from shopdesk.services.sales import void_receipt

    with Shop.open(home, clock=fixed_clock) as shop:
        for skus, buyer in ((["D001", "D002"], None), (["D003"], "buyer"), (["D004"], None)):
            draft = SaleDraft(lines=[line_from_catalog(shop.catalog, s) for s in skus])
            if buyer:
                draft.buyer = make_buyer("北京海淀科技有限公司", "91110000600037341L")
            draft.payments.append(Payment("cash"))
            issue_receipt(shop, draft)
        void_receipt(shop, "T01-00000003", reason="扫错商品", who="王芳", approval=VOID_OK)


async def steady(pilot) -> None:
    """A blinking cursor is on or off by the clock: hold it on for the shot."""
    from textual.widgets import Input

    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def build_sale(pilot) -> None:
    await pilot.press(*"6901939621257", "enter", *"D002x3", "enter", *"kele", "enter")
    await pilot.pause()  # the pick list takes the focus; a person looks before choosing
    await pilot.press("down", "enter")
    await pilot.pause()
    await steady(pilot)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_sale_screen(snap_compare, home, language):
    assert snap_compare(app_for(home, language), terminal_size=SIZE, run_before=build_sale)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_pay_screen(snap_compare, home, language):
    async def pay(pilot) -> None:
        await build_sale(pilot)
        await pilot.press("f10", "5", "f3", "2", "0")
        await pilot.pause()
        await steady(pilot)

    assert snap_compare(app_for(home, language), terminal_size=SIZE, run_before=pay)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_issued_receipt_with_qr(snap_compare, home, language):
    async def issue(pilot) -> None:
        await build_sale(pilot)
        await pilot.press("f10", "5", "0", "f10")
        await pilot.pause()
        pilot.app.clear_notifications()  # toasts time out: keep the shot still
        await steady(pilot)

    assert snap_compare(app_for(home, language), terminal_size=SIZE, run_before=issue)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_receipts_screen(snap_compare, home, language):
    seed_receipts(home)
    assert snap_compare(app_for(home, language), terminal_size=SIZE, run_before=open_receipts)


async def open_receipts(pilot) -> None:
    await pilot.press("f7")
    await pilot.pause()
    await steady(pilot)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_first_run_setup(snap_compare, language):
    async def fill(pilot) -> None:
        await pilot.pause()
        await pilot.press(*"Corner Shop", "enter", *"91110000600037341X")
        await pilot.pause()
        await steady(pilot)

    # The form names its folder: a fixed one keeps the shot the same on every machine.
    folder = Path("/tmp") / f"shopdesk-snapshot-first-run-{language}"
    shutil.rmtree(folder, ignore_errors=True)
    app = ShopdeskApp(folder, clock=fixed_clock, language=language)
    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=fill)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_settings_and_printer_dialog(snap_compare, home, language):
    async def open_printer(pilot) -> None:
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("f7", *"1234", "enter")
        await pilot.pause()
        await steady(pilot)

    assert snap_compare(app_for(home, language), terminal_size=SIZE, run_before=open_printer)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_outage_screen(snap_compare, home, language):
    seed_receipts(home)

    async def open_outage(pilot) -> None:
        await pilot.press("f12")
        await pilot.pause()

    assert snap_compare(app_for(home, language), terminal_size=SIZE, run_before=open_outage)


async def two_lines(pilot) -> None:
    await pilot.press(*"6901939621257", "enter", *"D002", "enter")  # 3.00 + 2.00
    await pilot.pause()
    await steady(pilot)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_sale_screen_with_two_lines(snap_compare, home, language):
    assert snap_compare(app_for(home, language), terminal_size=SIZE, run_before=two_lines)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_pay_screen_with_change(snap_compare, home, language):
    async def pay(pilot) -> None:
        await two_lines(pilot)
        await pilot.press("f10", "2", "0", "enter")  # 20.00 cash for 5.00: change 15.00
        await pilot.pause()
        await steady(pilot)

    assert snap_compare(app_for(home, language), terminal_size=SIZE, run_before=pay)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_receipts_list_with_a_return(snap_compare, home, language):
    from decimal import Decimal

    from shopdesk.services.approval import Approval
    from shopdesk.services.returns import return_items

    seed_receipts(home)
    with Shop.open(home, clock=fixed_clock) as shop:  # receipt 1: line 2 back, line 1 kept
        ok = Approval("return", "manager")
        return_items(shop, "T01-00000001", [(2, Decimal(1))], reason="破损", approval=ok)
        return_items(shop, "T01-00000002", [(1, None)], reason="退货", approval=ok)
    assert snap_compare(app_for(home, language), terminal_size=SIZE, run_before=open_receipts)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_x_report_screen(snap_compare, home, language):
    seed_receipts(home)

    async def open_x(pilot) -> None:
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        await steady(pilot)

    assert snap_compare(app_for(home, language), terminal_size=SIZE, run_before=open_x)
