"""Small dialogs: one value, the manager's PIN, yes/no, and a problem at start."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from shopdesk.errors import ShopdeskError
from shopdesk.i18n import N_, _
from shopdesk.tui.errors import guarded


class Dialog(ModalScreen):
    """Base: translated bindings, Esc closes with ``None``."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Back"))]

    def __init__(self) -> None:
        super().__init__()
        from shopdesk.tui.bindings import translate_bindings

        translate_bindings(self)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptScreen(Dialog):
    """Ask for one value; ``check`` turns the text into the result, or applies it, or raises.

    The dialog stays open on a bad value, marks the field and says why under it,
    so the cashier fixes it in place. Whatever can refuse the value (a discount
    above the total, an empty void reason) belongs in ``check``: a refusal after
    the dialog closed lost what was typed and, behind a PIN, the PIN too.
    """

    def __init__(
        self, title: str, label: str, value: str = "", check: Callable[[str], object] = str
    ) -> None:
        super().__init__()
        self.title_text, self.label_text, self.value, self.check = title, label, value, check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            # A Static wraps at the dialog's width; a Label (width: auto) was cut there,
            # losing the second half of a long question (the exported-void warning).
            yield Static(self.label_text, id="prompt-label")
            yield Input(self.value, id="prompt-value", select_on_focus=True)
            yield Static("", id="prompt-error", classes="error-text")
            yield Static(_("Enter: OK · Esc: back"), classes="hint")

    @guarded
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            result = self.check(event.value)
        except ShopdeskError as error:
            event.input.add_class("-invalid")
            event.input.select_all()  # kept, and the corrected value simply replaces it
            self.query_one("#prompt-error", Static).update(
                self.app.say(error.code, **error.data)  # type: ignore[attr-defined]
            )
            return
        self.dismiss(result)


class PinScreen(Dialog):
    """A manager's PIN for ``action``; the :class:`Approval` when right.

    A wrong PIN, or PINs locked after too many wrong ones, says so (the
    service's message) and clears the field.
    """

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Manager PIN"), classes="dialog-title")
            yield Label(_("A manager must approve this. PIN:"))
            yield Input(password=True, id="pin", max_length=12)
            yield Static("", id="pin-error", classes="error-text")
            yield Static(_("Enter: OK · Esc: back"), classes="hint")

    @guarded
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            approval = self.app.approve_pin(self.action, event.value)  # type: ignore[attr-defined]
        except ShopdeskError as error:
            event.input.value = ""
            self.query_one("#pin-error", Static).update(
                self.app.say(error.code, **error.data)  # type: ignore[attr-defined]
            )
            return
        self.dismiss(approval)


class ConfirmScreen(Dialog):
    """Yes or no; Enter or Y is yes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "yes", N_("Yes")),
        Binding("n,escape", "cancel", N_("No")),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-title")
            yield Static(_("Enter/Y: yes · Esc/N: no"), classes="hint")

    def action_yes(self) -> None:
        self.dismiss(True)


class ProblemScreen(Dialog):
    """The shop cannot open (locked, damaged profile, …): say why and what to do."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "quit_app", N_("Quit")),
    ]

    def __init__(self, text: str, code: str) -> None:
        super().__init__()
        self.text, self.code = text, code

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("shopdesk cannot open the shop"), classes="dialog-title")
            yield Static(self.text, classes="error-text")
            yield Static(_("Q: quit"), classes="hint")

    def action_quit_app(self) -> None:
        self.app.exit(1, return_code=1)  # the CLI exits non-zero: the shop did not open
