"""Pieces of the app's forms: one-line fields, live checks, a printer tried off the UI thread.

The first-run form and the settings dialogs ask for the same things (a tax id,
a printer URL) and check them the same way, as typed, with the same words as
the CLI's errors. Every check is a domain or service function; these widgets
only show its verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from shopdesk.errors import ShopdeskError
from shopdesk.i18n import N_, _
from shopdesk.messages import printer_status_text
from shopdesk.tui.errors import guarded
from shopdesk.tui.host import OnHost
from shopdesk.tui.screens.prompts import Dialog

if TYPE_CHECKING:
    from shopdesk.config import PrinterSettings


def field_row(label: str, widget: Widget) -> Horizontal:
    """A label and its one-line field side by side: a whole form fits in 80×24."""
    return Horizontal(Label(label, classes="form-label"), widget, classes="form-row")


def text_field(field_id: str, value: str = "", **kwargs: object) -> Input:
    return Input(value, id=field_id, compact=True, **kwargs)  # type: ignore[arg-type]


def choice_field(field_id: str, options: list[tuple[str, object]], value: object) -> Select:
    return Select(options, value=value, allow_blank=False, id=field_id, compact=True)


class LiveCheck(Static):
    """A verdict under ``field``: ✓ in green, or ✗ and what is wrong, in the user's words.

    A :class:`FormFields` screen runs it when the form opens and on every change
    of its field.
    """

    def __init__(
        self, check: Callable[[str], object], ok_text: str, *, field: str, **kwargs: object
    ) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.check, self.ok_text, self.field = check, ok_text, field

    def run(self, value: str) -> bool:
        if not value.strip():
            self.update("")
            self.set_classes("")
            return False
        try:
            self.check(value)
        except ShopdeskError as error:
            self.update("✗ " + self.app.say(error.code, **error.data))  # type: ignore[attr-defined]
            self.set_classes("error-text")
            return False
        self.update("✓ " + self.ok_text)
        self.set_classes("ok-text")
        return True


class FormFields:
    """Fields in order: Enter moves to the next, on the last it submits.

    Shared by the settings dialogs and the first-run screen; the class using it
    names its ``FIELDS`` and has a ``#form-error`` line.
    """

    FIELDS: ClassVar[tuple[str, ...]] = ()

    def value(self, field: str) -> str:
        widget = self.query_one(f"#{field}")  # type: ignore[attr-defined]
        return str(widget.value)

    def run_live_checks(self) -> None:
        for live in self.query(LiveCheck):  # type: ignore[attr-defined]
            live.run(self.value(live.field))

    @guarded
    def on_input_changed(self, event: Input.Changed) -> None:
        """Check the field again; once it passes, a refusal under the form (F10's) goes:
        it was most likely about this field, and a stale one reads as if still refused."""
        for live in self.query(LiveCheck):  # type: ignore[attr-defined]
            if live.field == event.input.id and live.run(event.value):
                self.show_error("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = self.FIELDS.index(event.input.id) if event.input.id in self.FIELDS else -1
        if 0 <= index < len(self.FIELDS) - 1:
            self.query_one(f"#{self.FIELDS[index + 1]}").focus()  # type: ignore[attr-defined]
        else:
            self.submit()

    def submit(self) -> None:
        raise NotImplementedError

    def show_error(self, text: str) -> None:
        self.query_one("#form-error", Static).update(text)  # type: ignore[attr-defined]


class FormDialog(OnHost, FormFields, Dialog):
    """A settings dialog: F10 saves anywhere, Esc goes back.

    ``save`` raises a ``ShopdeskError`` for a bad value: the words appear under
    the form, the dialog stays open and nothing is changed.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "save", N_("Save")),
        Binding("escape", "cancel", N_("Back")),
    ]

    def on_mount(self) -> None:
        self.query_one(f"#{self.FIELDS[0]}").focus()
        self.run_live_checks()

    def submit(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        try:
            self.save()
        except ShopdeskError as error:
            self.show_error(self.shopdesk.say(error.code, **error.data))
        except Exception as error:
            self.shopdesk.report_error(error)

    def save(self) -> None:
        raise NotImplementedError


class PrinterTrial:
    """Prints the test page on the printer a form describes, on a worker thread.

    A network printer that does not answer takes the whole timeout; the form
    stays usable meanwhile and shows the outcome when it comes.
    """

    def __init__(self, dialog: Dialog, target: Static) -> None:
        self.dialog, self.target = dialog, target

    def start(self, settings: PrinterSettings, preview_dir: Path, *, page: bool = True) -> None:
        self.target.update(_("Asking the printer…") if not page else _("Printing a test page…"))
        self.target.set_classes("hint")
        self.dialog.run_worker(
            lambda: self._run(settings, preview_dir, page),
            thread=True,
            exit_on_error=False,
            group="printer-trial",
        )

    def _run(self, settings: PrinterSettings, preview_dir: Path, page: bool) -> None:
        from shopdesk.services.printing import printer_status_of, try_printer

        app = self.dialog.app
        try:
            if page:
                check = try_printer(settings, preview_dir)
                status, files = check.status, check.files
            else:
                status, files = printer_status_of(settings, preview_dir), ()
        except ShopdeskError as error:
            app.call_from_thread(self._show, "✗ " + app.say(error.code, **error.data), False)  # type: ignore[attr-defined]
            return
        except Exception as error:
            app.call_from_thread(app.report_error, error)  # type: ignore[attr-defined]
            return
        lang = app.lang  # type: ignore[attr-defined]
        line, problem = printer_status_text(settings.url, status, lang)
        parts = [app.say("printer.test_done", printer=settings.url)] if page else []  # type: ignore[attr-defined]
        parts.append(line)
        pictures = [f for f in files if str(f).endswith(".png")] or list(files)
        if pictures:
            parts.append(_("Preview: {file}").format(file=pictures[0]))
        if problem:
            parts.append(problem)
        app.call_from_thread(self._show, ("✗ " if problem else "✓ ") + " ".join(parts), not problem)

    def _show(self, text: str, ok: bool) -> None:
        self.target.update(text)
        self.target.set_classes("ok-text" if ok else "error-text")
