"""Sign-in: who is at the till, proven by their own PIN (issue 13, item 3).

Shown at start, and after signing out, when the profile lists ``[[people]]``.
The name is picked from the list (arrow keys, so a Chinese name needs no input
method) and the PIN typed in the one field; the check is
:func:`shopdesk.services.approval.sign_in`, which shares the approvals'
lockout, so a wrong PIN here counts toward it and is recorded as ``pin.failed``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Static

from shopdesk.errors import ShopdeskError
from shopdesk.i18n import N_, _
from shopdesk.tui.errors import guarded
from shopdesk.tui.host import OnHost
from shopdesk.tui.widgets import KeyBar, TopBar, role_name

if TYPE_CHECKING:
    pass


class SignInScreen(OnHost, Screen):
    """Pick your name, type your own PIN, Enter; Esc (or Ctrl+Q) quits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", N_("Previous name"), show=False),
        Binding("down", "move(1)", N_("Next name"), show=False),
        Binding("escape", "quit_app", N_("Quit")),
    ]

    def __init__(self) -> None:
        super().__init__()
        from shopdesk.tui.bindings import translate_bindings

        translate_bindings(self)

    def compose(self) -> ComposeResult:
        people = self.shopdesk.shop.profile.people  # type: ignore[union-attr]
        yield TopBar(id="topbar")
        with Vertical(classes="dialog", id="signin"):
            yield Static(_("Sign in"), classes="dialog-title")
            yield OptionList(
                *(f"{person.name}  ({role_name(person.role)})" for person in people),
                id="signin-names",
            )
            yield Label(_("Your own PIN:"))
            yield Input(password=True, id="signin-pin", max_length=12)
            yield Static("", id="signin-error", classes="error-text")
            yield Static(_("↑↓: pick your name · Enter: sign in · Esc: quit"), classes="hint")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        self.query_one("#signin-names", OptionList).highlighted = 0
        self.query_one("#signin-pin", Input).focus()

    def action_move(self, step: int) -> None:
        names = self.query_one("#signin-names", OptionList)
        count = names.option_count
        names.highlighted = ((names.highlighted or 0) + step) % count

    @guarded
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        people = self.shopdesk.shop.profile.people  # type: ignore[union-attr]
        picked = people[self.query_one("#signin-names", OptionList).highlighted or 0]
        try:
            self.shopdesk.sign_in(picked.name, event.value)
        except ShopdeskError as error:
            event.input.value = ""
            self.query_one("#signin-error", Static).update(
                self.shopdesk.say(error.code, **error.data)
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on a name: the PIN field is next."""
        self.query_one("#signin-pin", Input).focus()

    def action_quit_app(self) -> None:
        self.app.exit()
