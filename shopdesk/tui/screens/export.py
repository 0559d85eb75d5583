"""Export a batch (F7 on the outage screen): a folder, a progress bar, a summary.

The batch is written by :func:`shopdesk.services.export.export_batch`, the
same call as ``shopdesk export``, on a worker thread: the screen keeps drawing
while a large ledger is packed, and progress reaches it through
``call_from_thread``. The app serialises ledger appends
(``ShopdeskApp._serialise_ledger_writes``), so a receipt printing meanwhile
cannot interleave with the batch's own record.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, ProgressBar, Static

from shopdesk.errors import ShopdeskError
from shopdesk.i18n import N_, _
from shopdesk.services.export_folder import (
    check_folder,
    on_removable_drive,
    removable_drives,
    suggested_folder,
)
from shopdesk.tui.errors import guarded, log_unexpected
from shopdesk.tui.formats import money
from shopdesk.tui.host import OnHost
from shopdesk.tui.screens.prompts import Dialog

if TYPE_CHECKING:
    from shopdesk.services.export import BatchSummary
    from shopdesk.services.shop import Shop
    from shopdesk.tui.host import ShopHost

#: The screen hears of progress at most this often (seconds), and always of the end.
PROGRESS_INTERVAL = 0.1


class Throttle:
    """Passes ``(done, total)`` on at most every ``interval`` seconds, always the end.

    The writer reports every few thousand records; this keeps a fast disk from
    sending the screen more updates than it could draw, whatever the writer does.
    """

    def __init__(
        self,
        send: Callable[[int, int], object],
        interval: float = PROGRESS_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.send, self.interval, self.clock = send, interval, clock
        self.last: float | None = None

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if done < total and self.last is not None and now - self.last < self.interval:
            return
        self.last = now
        self.send(done, total)


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def summary_text(app: ShopHost, summary: BatchSummary) -> Text:
    """What was written, as ``shopdesk export`` says it, for the dialog."""
    counts = summary.counts
    text = Text(_("Batch {batch} is written.").format(batch=summary.batch_id), style="bold")
    lines = [
        _("File: {file} ({size})").format(file=summary.path, size=size_text(summary.size)),
    ]
    if summary.first_no:
        lines.append(
            _("Receipts: {issued} ({voided} void), {first} to {last}").format(
                issued=counts["issued"],
                voided=counts["voided"],
                first=summary.first_no,
                last=summary.last_no,
            )
        )
    else:
        lines.append(_("No new receipts: this batch records voids only."))
    if counts.get("training_excluded"):
        lines.append(
            _("Training receipts left out: {count}.").format(count=counts["training_excluded"])
        )
    lines.append(_("Total: {total}").format(total=money(Decimal(summary.totals["gross"]))))
    lines.append(_("SHA-256: {digest}…").format(digest=summary.sha256[:16]))
    for line in lines:
        text.append("\n" + line)
    if summary.late_voids:
        text.append(
            "\n" + app.say("export.late_voids", numbers=", ".join(summary.late_voids)),
            style="bold",
        )
    if summary.refunds:
        text.append("\n" + app.say("export.refunds", **summary.refunds), style="bold")
    text.append(
        "\n"
        + _("A USB stick: eject it safely before you pull it out, then give it to the accountant.")
    )
    return text


class ExportScreen(OnHost, Dialog):
    """Ask for the folder, export with a progress bar, then say what was written.

    ``on_exported`` runs once the batch is recorded, so the screen behind
    shows the new state while the summary is still open.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Back")),
        Binding("enter", "close", N_("Close"), show=False),
    ]

    def __init__(self, on_exported: Callable[[], object] | None = None) -> None:
        super().__init__()
        self.on_exported = on_exported
        #: ask → running → done; an error goes back to ask, to fix the folder.
        self.state = "ask"
        self.summary: BatchSummary | None = None

    def compose(self) -> ComposeResult:
        self.drives = removable_drives()
        folder = suggested_folder(self.drives, self.shopdesk.ui_state.export_folder)
        text = str(folder) if folder is not None else ""
        with Vertical(classes="dialog"):
            yield Static(_("Export batch"), classes="dialog-title")
            yield Label(_("Write the receipts waiting for export to this folder:"), classes="ask")
            yield Input(text, id="export-folder", select_on_focus=False, classes="ask")
            yield Static(self.where(text), id="export-where", classes="hint ask")
            yield Static("", id="export-error", classes="error-text")
            yield ProgressBar(show_eta=False, id="export-progress")
            yield Static("", id="export-summary")
            yield Static(_("Enter: export · Esc: back"), id="export-keys", classes="hint")

    def where(self, text: str) -> Text:
        """Where the batch will go, said before Enter: a USB drive, or not one."""
        lines = []
        folder = Path(text.strip()).expanduser() if text.strip() else None
        if folder is None or not folder.is_absolute():
            lines.append(
                _(
                    "A USB stick is a folder such as /media/<your name>/<stick name>: "
                    "plug it in, then type its folder."
                )
            )
        elif on_removable_drive(folder, self.drives):
            lines.append(
                _("The batch will be written to the USB drive {folder}.").format(folder=folder)
            )
        else:
            lines.append(
                _(
                    "The batch will be written to {folder}: not a USB drive found, "
                    "most likely this till's own disk."
                ).format(folder=folder)
            )
        if len(self.drives) > 1 or (self.drives and folder is None):
            lines.append(
                _("USB drives found: {drives}").format(drives=", ".join(map(str, self.drives)))
            )
        return Text("\n".join(lines))

    @guarded
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "export-folder":
            self.query_one("#export-where", Static).update(self.where(event.value))

    def on_mount(self) -> None:
        for widget in self.query("#export-error, #export-progress, #export-summary"):
            widget.display = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":  # the batch cannot be stopped halfway: wait for it
            return self.state != "running"
        if action == "close":
            return self.state == "done"
        return True

    def action_close(self) -> None:
        self.dismiss(self.summary)

    def say_keys(self, text: str) -> None:
        self.query_one("#export-keys", Static).update(text)

    def say_error(self, text: str) -> None:
        error = self.query_one("#export-error", Static)
        error.update(Text(text))
        error.display = bool(text)

    @guarded
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.state != "ask":
            return
        try:
            folder = check_folder(event.value, self.shopdesk.home)
        except ShopdeskError as problem:
            self.say_error(self.shopdesk.say(problem.code, **problem.data))
            return
        self.start(folder)

    def start(self, folder: Path) -> None:
        app, shop = self.shopdesk, self.shopdesk.shop
        assert shop is not None
        app.remember_export_folder(folder)
        self.state = "running"
        self.say_error("")
        self.query_one("#export-folder", Input).disabled = True
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.say_keys(_("Reading the ledger… Keep the USB stick plugged in."))
        progress = Throttle(lambda done, total: self.to_ui(app, self.show_progress, done, total))
        app.run_job(lambda: self.export(app, shop, folder, progress), group="export")

    # -- on the worker thread -----------------------------------------------------
    def export(
        self, app: ShopHost, shop: Shop, folder: Path, progress: Callable[[int, int], None]
    ) -> None:
        from shopdesk.services.export import export_batch

        try:
            summary = export_batch(shop, folder, progress=progress)
        except Exception as error:
            self.to_ui(app, self.failed, error)
            return
        self.to_ui(app, self.exported, summary)

    @staticmethod
    def to_ui(app: ShopHost, callback: Callable[..., object], *args: object) -> None:
        # RuntimeError: the app was closed meanwhile; the export goes on all the same.
        with contextlib.suppress(RuntimeError):
            app.call_from_thread(callback, *args)

    # -- back on the UI thread ----------------------------------------------------
    @guarded
    def show_progress(self, done: int, total: int) -> None:
        if self.state != "running":
            return
        self.query_one(ProgressBar).update(total=total, progress=done)
        if done >= total:
            self.say_keys(_("Signing and saving the batch… Keep the USB stick plugged in."))
        else:
            self.say_keys(_("Writing the batch… Keep the USB stick plugged in."))

    def finish(self, text: Text) -> None:
        self.state = "done"
        for widget in self.query(".ask"):
            widget.display = False
        summary = self.query_one("#export-summary", Static)
        summary.update(text)
        summary.display = True
        self.say_keys(_("Enter or Esc: close"))

    @guarded
    def exported(self, summary: BatchSummary) -> None:
        self.summary = summary
        self.finish(summary_text(self.shopdesk, summary))
        if summary.resumed:  # an interrupted export's batch was finished, not a new one
            self.shopdesk.notify(
                self.shopdesk.say("export.resumed", batch=summary.batch_id), timeout=20
            )
        if self.on_exported is not None:
            self.on_exported()

    @guarded
    def failed(self, error: BaseException) -> None:
        self.query_one(ProgressBar).display = False
        if isinstance(error, ShopdeskError) and error.code == "export.nothing":
            self.finish(Text(self.shopdesk.say(error.code, **error.data)))
            return
        if isinstance(error, ShopdeskError):
            text = self.shopdesk.say(error.code, **error.data)
        else:
            log = log_unexpected(self.shopdesk.home, error)
            text = self.shopdesk.say(
                "error.unexpected", error=f"{type(error).__name__}: {error}", log=log
            )
        self.state = "ask"
        field = self.query_one("#export-folder", Input)
        field.disabled = False
        field.focus()
        self.say_error(text)
        self.say_keys(_("Enter: export · Esc: back"))
