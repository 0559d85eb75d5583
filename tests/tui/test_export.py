"""Exporting a batch from the app (F12, then F7), driven through the real app with Pilot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Input, ProgressBar, Static

from shopdesk.export.batch_verifier import verify_batch
from shopdesk.services.export_folder import check_folder, suggested_folder
from shopdesk.tui.screens.export import ExportScreen, Throttle
from shopdesk.tui.screens.outage import OutageScreen
from shopdesk.tui.screens.sale import SaleScreen

COLA = "6901939621257"  # D001 可口可乐 330ml, ￥3.00


def text_of(widget: Static) -> str:
    return str(widget.render())


async def sell(pilot, code: str) -> None:
    """Scan, then F10 F10: an exact cash sale."""
    await pilot.press(*code, "enter", "f10", "f10")
    await pilot.pause()


async def open_export(pilot, folder: Path | str) -> ExportScreen:
    """F12, F7, type the folder over the one offered; the dialog, not yet started."""
    app = pilot.app
    if not isinstance(app.screen, OutageScreen):
        await pilot.press("f12")
        await pilot.pause()
    await pilot.press("f7")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ExportScreen)
    screen.query_one("#export-folder", Input).value = str(folder)
    return screen


async def run_export(pilot, screen: ExportScreen) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def seen_updates(bar: ProgressBar) -> list[tuple[float | None, float]]:
    """Record every (total, progress) the screen gives the bar, and still give it."""
    seen: list[tuple[float | None, float]] = []
    update = bar.update

    def recording(**kwargs):
        update(**kwargs)
        if "total" in kwargs and "progress" in kwargs:  # not the bar's own inner calls
            seen.append((kwargs["total"], kwargs["progress"]))

    bar.update = recording  # type: ignore[method-assign]
    return seen


async def test_the_outage_screen_counts_one_receipt_in_the_singular(make_app):
    """ "Waiting for export: 1 receipts" (issue 14, item 10: counted words agree)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sell(pilot, COLA)
        await pilot.press("f12")
        await pilot.pause()
        state = text_of(app.screen.query_one("#outage-state", Static))
        assert "Waiting for export: 1 receipt," in state


async def test_export_with_progress(make_app, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sell(pilot, COLA)
        await sell(pilot, "D002x2")
        await app.workers.wait_for_complete()  # the two prints are recorded too
        await pilot.press("f12")
        await pilot.pause()
        state = app.screen.query_one("#outage-state", Static)
        assert "Waiting for export: 2 receipts" in text_of(state)
        screen = await open_export(pilot, usb)
        bar = screen.query_one(ProgressBar)
        assert not bar.display
        seen = seen_updates(bar)
        await run_export(pilot, screen)

        # The bar was shown and went to the end of the batch's records.
        records = app.shop.ledger.view.batches[-1]["last_seq"]
        assert bar.display and bar.total == records and bar.progress == records
        assert seen[0] == (None, 0)  # started without a total: reading the ledger
        assert seen[-1] == (records, records)
        # The summary names the batch, the file, the receipts and the total.
        summary = screen.summary
        assert summary is not None and summary.path.parent == usb and summary.path.is_file()
        text = text_of(screen.query_one("#export-summary", Static))
        assert summary.batch_id == "T01-B0001-00000001-00000002"
        assert f"Batch {summary.batch_id} is written." in text
        assert "Receipts: 2 (0 void), T01-00000001 to T01-00000002" in text
        assert "Total: CN¥7.00" in text
        assert summary.sha256[:16] in text
        assert str(summary.path) in text.replace("\n", "")
        assert [p.name for p in usb.iterdir()] == [summary.path.name]  # nothing else left
        # The real verifier accepts the batch.
        report = verify_batch(summary.path)
        assert report.manifest["batch_id"] == summary.batch_id
        assert report.manifest["counts"]["issued"] == 2
        # The outage screen behind already shows nothing waiting.
        outage = app.screen_stack[-2]
        assert "Waiting for export: 0 receipts" in text_of(
            outage.query_one("#outage-state", Static)
        )
        assert "Waiting for export: 0" in text_of(outage.query_one("#status", Static))

        await pilot.press("enter")  # closes the summary
        await pilot.pause()
        assert isinstance(app.screen, OutageScreen)

        # Again: nothing new, said calmly, nothing written, and the folder is remembered.
        await pilot.press("f7")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.query_one("#export-folder", Input).value == str(usb)
        await run_export(pilot, screen)
        assert "Nothing to export" in text_of(screen.query_one("#export-summary", Static))
        assert text_of(screen.query_one("#export-error", Static)) == ""
        assert screen.summary is None
        assert len(app.shop.ledger.view.batches) == 1
        assert len(list(usb.iterdir())) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OutageScreen)
        assert not any(n.severity == "error" for n in app._notifications)


async def test_export_progress_moves_through_a_large_batch(make_app, tmp_path):
    """More records than the writer reports at once: the bar moves before the end."""
    from shopdesk.domain.sale import Payment, SaleDraft
    from shopdesk.export.batch_writer import PROGRESS_EVERY
    from shopdesk.services.sales import issue_receipt, line_from_catalog

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(PROGRESS_EVERY + 10):
            draft = SaleDraft(lines=[line_from_catalog(app.shop.catalog, "D001")])
            draft.payments.append(Payment("cash"))
            issue_receipt(app.shop, draft)
        screen = await open_export(pilot, tmp_path)
        seen = seen_updates(screen.query_one(ProgressBar))
        await run_export(pilot, screen)
        totals = {total for total, _ in seen[1:]}
        steps = [done for _, done in seen[1:]]
        assert len(totals) == 1 and steps == sorted(steps) and len(steps) >= 2
        assert 0 < steps[0] < steps[-1] == totals.pop()
        assert screen.summary is not None and screen.summary.counts["issued"] == PROGRESS_EVERY + 10
        verify_batch(screen.summary.path)


async def test_a_bad_folder_is_said_under_the_field_and_changes_nothing(make_app, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sell(pilot, COLA)
        await app.workers.wait_for_complete()
        seq = app.shop.ledger.head_seq
        for folder, words in (
            (a_file, "is a file, not a folder"),
            (tmp_path / "no-such-stick", "There is no folder"),
            ("exports", "Type the whole path"),
            ("   ", "Type the folder"),
        ):
            screen = await open_export(pilot, folder)
            await pilot.press("enter")
            await pilot.pause()
            assert screen.state == "ask" and app.screen is screen
            assert words in text_of(screen.query_one("#export-error", Static))
            assert not screen.query_one(ProgressBar).display
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, OutageScreen)
        assert app.shop.ledger.head_seq == seq and not app.shop.ledger.view.batches
        assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "shop"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only folder")
async def test_an_unwritable_folder_is_said_and_can_be_fixed_in_place(make_app, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    stick.chmod(0o500)
    app = make_app()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await sell(pilot, COLA)
            screen = await open_export(pilot, stick)
            await run_export(pilot, screen)
            assert screen.state == "ask" and app.screen is screen
            error = text_of(screen.query_one("#export-error", Static))
            assert "Could not write the batch" in error and "check the USB stick" in error
            assert not app.shop.ledger.view.batches and not list(stick.iterdir())
            stick.chmod(0o700)  # fixed; Enter again in the same dialog
            await run_export(pilot, screen)
            assert screen.summary is not None and screen.summary.path.parent == stick
    finally:
        stick.chmod(0o700)


async def test_a_write_error_is_said_and_nothing_is_recorded(make_app, tmp_path):
    """The folder passes the check but the writer cannot finish: its error, in place."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sell(pilot, COLA)
        await app.workers.wait_for_complete()
        screen = await open_export(pilot, tmp_path)
        # A folder where the batch's file name should go: the final rename fails.
        blocker = tmp_path / "T01-B0001-00000001-00000001.zip"
        blocker.mkdir()
        (blocker / "x").write_text("x", encoding="utf-8")
        await run_export(pilot, screen)
        assert screen.state == "ask" and screen.summary is None
        error = text_of(screen.query_one("#export-error", Static))
        assert "Could not write the batch" in error
        assert not app.shop.ledger.view.batches
        assert sorted(p.name for p in tmp_path.iterdir()) == [blocker.name, "shop"]
        assert screen.query_one("#export-folder", Input).has_focus


async def test_export_in_chinese(make_app, tmp_path):
    app = make_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await sell(pilot, COLA)
        screen = await open_export(pilot, tmp_path / "nowhere")
        await pilot.press("enter")
        await pilot.pause()
        assert "没有文件夹" in text_of(screen.query_one("#export-error", Static))
        screen.query_one("#export-folder", Input).value = str(tmp_path)
        await run_export(pilot, screen)
        text = text_of(screen.query_one("#export-summary", Static))
        assert "已写入批次 T01-B0001-00000001-00000001" in text
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)


def test_check_folder_creates_only_the_shop_exports_folder(tmp_path):
    home = tmp_path / "shop"
    home.mkdir()
    assert check_folder(str(home / "exports"), home) == home / "exports"
    assert not (home / "exports").exists()  # the writer makes it, not the check
    assert check_folder(f"  {tmp_path}  ", home) == tmp_path


def test_the_folder_offered_is_the_last_one_else_the_first_usb_stick_else_none(tmp_path):
    stick, other = Path("/media/anna/KINGSTON"), Path("/media/anna/SANDISK")
    assert suggested_folder([stick, other]) == stick
    assert suggested_folder([]) is None  # never the till's own disk: the dialog asks
    assert suggested_folder([stick], str(tmp_path)) == tmp_path  # used last, still there
    assert suggested_folder([stick], str(tmp_path / "gone")) == stick


def test_throttle_passes_the_first_then_one_per_interval_and_always_the_end():
    now = [0.0]
    sent: list[tuple[int, int]] = []
    throttle = Throttle(lambda done, total: sent.append((done, total)), 0.1, lambda: now[0])
    for done in range(0, 100_001, 100):  # a fast disk: 1000 calls in 0.5 s
        throttle(done, 100_000)
        now[0] += 0.0005
    assert sent[0] == (0, 100_000) and sent[-1] == (100_000, 100_000)
    assert len(sent) <= 7
