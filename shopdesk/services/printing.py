"""Printing receipts, copies, reports and test pages: commit first, print second.

A receipt is already durable in the ledger when :func:`print_receipt` is called.
Whatever the printer does — refuses, hangs, drops the connection, runs out of
paper — the attempt ends in a ``receipt.printed`` record (``ok`` true or false,
the copy number, the error code), so the receipt shows "not printed" and the
print queue offers it again. A failure is *returned* as a :class:`PrintOutcome`,
never raised: the sale has happened and must not look as if it had not.
That holds when the ``receipt.printed`` record itself cannot be written (a
full disk): the outcome carries ``record_error`` and still says what the
printer did (issue 11, item 7).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shopdesk.config import PrinterSettings
from shopdesk.errors import ConfigError, LedgerError, NotFound, PrinterError, ShopdeskError
from shopdesk.printing.layout import (
    Block,
    ShopHeader,
    cells_for,
    layout_receipt,
    layout_refund,
    layout_report,
)
from shopdesk.printing.qr import make_qr_payload, wrap_in_template
from shopdesk.services.sales import get_receipt
from shopdesk.services.shop import Shop

if TYPE_CHECKING:
    from shopdesk.printing.connections import Connection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintOutcome:
    """What happened to one print job; ``error`` is set when it did not print.

    ``record_error`` is set when the ``receipt.printed`` record could not be
    saved: the receipt is still issued (and, if ``ok``, on paper), but the
    ledger does not know it printed, so the print queue will offer it again.
    """

    number: str
    ok: bool
    copy: int
    printer: str
    error: ShopdeskError | None = None
    files: tuple[Path, ...] = field(default_factory=tuple)
    record_error: LedgerError | None = None


def receipt_qr(shop: Shop, record: dict) -> str:
    """The QR text for a stored receipt: signed payload in the profile's URL template."""
    if shop.ledger.key is None:
        raise PrinterError("printer.needs_key", printer=shop.profile.printer.url)
    payload = make_qr_payload(record, shop.profile.uscc, shop.ledger.key)
    return wrap_in_template(payload, shop.profile.qr_template)


def receipt_layout(
    shop: Shop, number: str, *, copy: int = 0, record: dict | None = None
) -> list[Block]:
    """The blocks of one stored receipt as the profile's paper prints them."""
    number = number.strip().upper()
    row = shop.ledger.view.get(number)
    if row is None:
        raise NotFound("receipt.not_found", number=number)
    return _layout_of(shop, number, row, copy, record)


def _stored_record(shop: Shop, number: str, row: dict) -> dict:
    """The ``receipt.issued`` record, found by its journal sequence (a byte scan of one month)."""
    seq = shop.ledger.view.seq_of(number)
    record = None if seq is None else shop.ledger.record_at(seq, row["time"][:7])
    if record is None:  # pragma: no cover - the view and journal disagree
        raise NotFound("receipt.not_found", number=number)
    return record


def _layout_of(shop: Shop, number: str, row: dict, copy: int, record: dict | None) -> list[Block]:
    record = record if record is not None else _stored_record(shop, number, row)
    void_reason = None
    if row["status"] == "void":  # only then read the later records for the reason
        void_reason = next(
            (
                e["data"].get("reason", "")
                for e in get_receipt(shop, number).events
                if e["kind"] == "receipt.voided"
            ),
            "",
        )
    return layout_receipt(
        record,
        ShopHeader.from_profile(shop.profile),
        cells_for(shop.profile.printer.dots),
        qr=receipt_qr(shop, record),
        copy=copy,
        void_reason=void_reason,
    )


def _preview_renderer(settings: PrinterSettings, blocks: list[Block]) -> Callable[[], Any]:
    """A PNG of the job for the preview printer; none (not an error) without a CJK font."""

    def render() -> Any:
        from shopdesk.printing.raster import find_cjk_font, render_blocks, to_png_image

        try:
            font = find_cjk_font(settings.font)
            ink = render_blocks(blocks, settings.dots, cells_for(settings.dots), font)
        except PrinterError:  # the .bin is the job; a picture we cannot draw is no failure
            return None
        return to_png_image(ink)

    return render


def connect(shop: Shop) -> Connection:
    """A connection to the profile's printer, with the profile's timeout."""
    return _connect(shop.profile.printer, shop.home.preview)


def _connect(settings: PrinterSettings, preview_dir: Path) -> Connection:
    from shopdesk.printing.connections import open_printer

    return open_printer(
        settings.url,
        timeout=settings.timeout_s,
        preview_dir=preview_dir,
        status_query=settings.status_query,
    )


def send_blocks(shop: Shop, blocks: list[Block], *, job: str, kick_drawer: bool = False) -> tuple:
    """Render and send one job; returns the files a preview printer wrote.

    Raises :class:`PrinterError` (or ``ConfigError`` for a printer setting that
    cannot work) — callers decide whether that is recorded or shown.
    """
    return _send(shop.profile.printer, shop.home.preview, blocks, job=job, kick_drawer=kick_drawer)


def kick_drawer(shop: Shop, job: str) -> tuple:
    """Open the cash drawer wired to the printer, printing nothing (the same pulse a
    cash sale sends); returns the files a preview printer wrote.

    Raises :class:`PrinterError` like :func:`send_blocks`; ``printer.no_drawer``
    when the profile says no drawer hangs on this printer (``[printer] cash_drawer``).
    """
    from shopdesk.printing.escpos_out import JobOptions, render_drawer_kick

    settings = shop.profile.printer
    if not settings.cash_drawer:
        raise PrinterError("printer.no_drawer", printer=settings.url)
    data = render_drawer_kick(JobOptions.from_settings(settings, cells_for(settings.dots)))
    return _deliver(settings, shop.home.preview, data, job=job)


def _send(
    settings: PrinterSettings,
    preview_dir: Path,
    blocks: list[Block],
    *,
    job: str,
    kick_drawer: bool = False,
) -> tuple:
    from shopdesk.printing.escpos_out import JobOptions, render_escpos

    options = JobOptions.from_settings(settings, cells_for(settings.dots), kick_drawer=kick_drawer)
    data = render_escpos(blocks, options)
    return _deliver(
        settings, preview_dir, data, job=job, render=_preview_renderer(settings, blocks)
    )


def _deliver(
    settings: PrinterSettings, preview_dir: Path, data: bytes, *, job: str, render: Any = None
) -> tuple:
    """Send one job's bytes; the files a preview printer wrote (none for a real one)."""
    from shopdesk.printing.connections import PreviewConnection

    connection = _connect(settings, preview_dir)
    try:
        connection.send(data, job=job, render=render)
    finally:
        connection.close()
    return tuple(connection.written) if isinstance(connection, PreviewConnection) else ()


def print_receipt(
    shop: Shop, number: str, *, copy: bool = False, record: dict | None = None
) -> PrintOutcome:
    """Print a stored receipt (``copy``: a reprint marked 重印 / COPY n) and record the attempt.

    A receipt that already printed once is always printed as a marked copy.
    ``record``: the ``receipt.issued`` record when the caller has it (right after
    a sale), which spares reading it back from the journal.

    The outcome is appended as a ``receipt.printed`` record whether or not the
    printer took the job; a failure comes back in the outcome, not as an exception.
    """
    number = number.strip().upper()
    row = shop.ledger.view.get(number)
    if row is None:
        raise NotFound("receipt.not_found", number=number)
    # Only one unmarked original may ever come out: once a print succeeded,
    # every later one is a marked copy, whatever the caller asked for.
    copy = copy or int(row["printed"]) > 0
    copy_no = max(1, int(row["printed"])) if copy else 0
    url = shop.profile.printer.url
    error: ShopdeskError | None = None
    files: tuple[Path, ...] = ()
    try:
        record = record if record is not None else _stored_record(shop, number, row)
        blocks = _layout_of(shop, number, row, copy_no, record)
        kick = (
            not copy
            and shop.profile.printer.cash_drawer
            and any(p["method"] == "cash" for p in record["data"].get("payments", []))
        )
        job = f"{number}-copy{copy_no}" if copy_no else number
        files = send_blocks(shop, blocks, job=job, kick_drawer=kick)
    except (PrinterError, ConfigError) as exc:
        error = exc
    except Exception as exc:  # a bug must not turn a saved sale into a crash
        log.exception("printing %s failed", number)
        error = PrinterError("printer.internal", printer=url, error=f"{type(exc).__name__}: {exc}")
    return _record_print(shop, number, copy_no, error, files)


def _record_print(
    shop: Shop, number: str, copy_no: int, error: ShopdeskError | None, files: tuple[Path, ...]
) -> PrintOutcome:
    """Append the ``receipt.printed`` record of an attempt and say how it went."""
    url = shop.profile.printer.url
    record_error: LedgerError | None = None
    try:
        shop.ledger.append(
            "receipt.printed",
            {
                "no": number,
                "ok": error is None,
                "copy": copy_no,
                "printer": url,
                "error": None if error is None else error.code,
            },
            shop.now(),
        )
    except LedgerError as exc:  # the receipt is issued; only the note that it printed is lost
        record_error = exc
    return PrintOutcome(number, error is None, copy_no, url, error, files, record_error)


def print_refund(shop: Shop, record: dict) -> PrintOutcome:
    """Print a refund receipt (退货) and record the attempt as ``receipt.printed``.

    Like a sale, the refund is already in the ledger: a printer failure comes
    back in the outcome. The drawer opens when cash goes back.
    """
    number = record["data"]["no"]
    error: ShopdeskError | None = None
    files: tuple[Path, ...] = ()
    try:
        blocks = layout_refund(
            record, ShopHeader.from_profile(shop.profile), cells_for(shop.profile.printer.dots)
        )
        kick = shop.profile.printer.cash_drawer and any(
            p["method"] == "cash" for p in record["data"]["payments"]
        )
        files = send_blocks(shop, blocks, job=number, kick_drawer=kick)
    except (PrinterError, ConfigError) as exc:
        error = exc
    return _record_print(shop, number, 0, error, files)


def print_queue(shop: Shop) -> list[dict]:
    """Receipts not printed yet, oldest first (from the view).

    Those whose last attempt failed, and those never attempted at all: a till
    that lost power between saving a sale and printing it leaves no
    ``receipt.printed`` record, and the customer still has no paper. Voided
    receipts that never printed are left out: nobody is waiting for them.
    """
    return [
        dict(row)
        for row in shop.ledger.view.iter_rows()
        if row.get("print_failed") or (not row.get("printed") and row.get("status") != "void")
    ]


def retry_print_queue(shop: Shop) -> list[PrintOutcome]:
    """Print every queued receipt again, stopping at the first failure.

    A receipt never printed successfully gets its original print (not a copy);
    one that printed before gets a marked copy. After one failure the printer
    is still broken, so the rest wait rather than each waiting out a timeout.
    """
    outcomes = []
    for row in print_queue(shop):
        outcome = print_receipt(shop, row["no"])
        outcomes.append(outcome)
        if not outcome.ok:
            break
    return outcomes


def report_layout(shop: Shop, report: dict, *, header: bool = True) -> list[Block]:
    """An X/Z report's blocks (a figures dict, see :func:`layout_report`) on the profile's paper.

    :func:`print_report` prints these; the outage screen shows them without the
    shop header (:func:`shopdesk.services.report_text.report_text`), so the two
    never word a figure differently.
    """
    return layout_report(
        report,
        cells_for(shop.profile.printer.dots),
        header=ShopHeader.from_profile(shop.profile) if header else None,
    )


def print_report(shop: Shop, report: dict, *, job: str = "report") -> PrintOutcome:
    """Print an X/Z report (a figures dict, see :func:`layout_report`); raises on failure.

    Reports are not receipts: nothing is recorded, and the caller shows the error.
    """
    files = send_blocks(shop, report_layout(shop, report), job=job)
    return PrintOutcome(job, True, 0, shop.profile.printer.url, None, files)


@dataclass(frozen=True)
class PrinterCheck:
    printer: str
    status: Any
    files: tuple[Path, ...]


def build_test_page(settings: PrinterSettings) -> list[Block]:
    """The test page: ruler across the full width, Hanzi, fullwidth ￥, a QR."""
    from shopdesk.printing.layout import BOLD, Sheet

    cells = cells_for(settings.dots)
    sheet = Sheet(cells)
    sheet.banner(["打印测试 PRINTER TEST"])
    sheet.wrapped(settings.url, BOLD)
    sheet.line(f"{settings.paper_mm}mm {settings.dots} dots {cells} cells")
    sheet.line(f"mode {settings.text_mode} qr {'native' if settings.native_qr else 'image'}")
    sheet.blocks += _ruler(cells)
    sheet.rule()
    sheet.qr("SHOPDESK TEST 测试")
    sheet.rule()
    return sheet.blocks


def _ruler(cells: int) -> list[Block]:
    """Digits across every cell, Hanzi across every cell pair, and the ￥ sign."""
    from shopdesk.printing.layout import Sheet

    sheet = Sheet(cells)
    sheet.line("".join(str(i % 10) for i in range(1, cells + 1)))
    sheet.line(("一二三四五六七八九十" * 5)[: cells // 2])
    sheet.line("￥1,234.56 金额 税额 合计")
    return sheet.blocks


def print_test_page(shop: Shop) -> PrinterCheck:
    """The test page on the profile's printer (see :func:`try_printer`)."""
    return try_printer(shop.profile.printer, shop.home.preview)


def try_printer(settings: PrinterSettings, preview_dir: Path) -> PrinterCheck:
    """Print the test page in the given text mode, then the ruler in the other mode.

    Takes the settings rather than a shop, so settings and the first-run form
    can try a printer before it is saved (or before there is a shop at all).
    Raises :class:`PrinterError` when it does not print; returns what the
    printer said about itself afterwards.
    """
    from dataclasses import replace

    files = _send(settings, preview_dir, build_test_page(settings), job="test-page")
    other = "image" if settings.text_mode == "gb18030" else "gb18030"
    try:
        ruler = _ruler(cells_for(settings.dots))
        files += _send(
            replace(settings, text_mode=other), preview_dir, ruler, job=f"test-page-{other}"
        )
    except PrinterError as exc:
        if exc.code not in ("printer.no_font", "printer.font_missing"):
            raise
    return PrinterCheck(settings.url, printer_status_of(settings, preview_dir), files)


def printer_status(shop: Shop) -> Any:
    """What the configured printer says about itself (DLE EOT where it can answer)."""
    return printer_status_of(shop.profile.printer, shop.home.preview)


def printer_status_of(settings: PrinterSettings, preview_dir: Path) -> Any:
    """What the printer ``settings`` name says about itself (a printer not saved yet, too)."""
    connection = _connect(settings, preview_dir)
    try:
        return connection.status()
    finally:
        connection.close()
