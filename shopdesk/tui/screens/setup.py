"""First run: no shop in this home yet. Set one up, or open the demo shop.

The shopkeeper gives what every receipt needs (name, USCC checked as typed,
address, terminal id), the printer (tried with a test page before anything is
saved), the language and the shop's own manager PIN, typed twice (the demo's
1234 is refused). ``init_shop`` then makes the profile, a new signing
key and the ledger, the same as ``shopdesk init`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Select, Static

from shopdesk import i18n
from shopdesk.config import PrinterSettings
from shopdesk.domain.uscc import validate_tax_id
from shopdesk.errors import ShopdeskError
from shopdesk.i18n import N_, _
from shopdesk.services.profile_edit import check_printer_url
from shopdesk.tui.errors import guarded
from shopdesk.tui.forms import (
    FormFields,
    LiveCheck,
    PrinterTrial,
    choice_field,
    field_row,
    text_field,
)
from shopdesk.tui.host import OnHost
from shopdesk.tui.screens.settings import LANGUAGE_NAMES
from shopdesk.tui.widgets import KeyBar

if TYPE_CHECKING:
    pass


class SetupScreen(OnHost, FormFields, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "demo", N_("Open the demo")),
        Binding("f5", "test_print", N_("Test print")),
        Binding("f10", "create", N_("Create the shop")),
        Binding("ctrl+q", "quit_app", N_("Quit")),
    ]
    FIELDS: ClassVar[tuple[str, ...]] = (
        "setup-name",
        "setup-uscc",
        "setup-address",
        "setup-phone",
        "setup-terminal",
        "setup-printer",
        "setup-pin",
        "setup-pin-repeat",
    )

    def __init__(self, values: dict[str, str] | None = None) -> None:
        super().__init__()
        from shopdesk.tui.bindings import translate_bindings

        translate_bindings(self)
        self.values = values or {"setup-terminal": "T01", "setup-printer": "preview"}

    def compose(self) -> ComposeResult:
        v = self.values.get
        with VerticalScroll(id="setup"), Vertical(classes="form"):
            yield Static(_("Welcome to shopdesk: set up this till"), classes="dialog-title")
            yield Static(
                _("Shop folder: {folder}").format(folder=self.shopdesk.home), classes="hint"
            )
            yield field_row(
                _("Language"), choice_field("setup-language", LANGUAGE_NAMES, i18n.language())
            )
            yield field_row(_("Shop name"), text_field("setup-name", v("setup-name", "")))
            yield field_row(
                _("Tax id (USCC)"), text_field("setup-uscc", v("setup-uscc", ""), max_length=24)
            )
            yield LiveCheck(
                validate_tax_id, _("Tax id is valid"), field="setup-uscc", id="uscc-check"
            )
            yield field_row(_("Address"), text_field("setup-address", v("setup-address", "")))
            yield field_row(_("Phone"), text_field("setup-phone", v("setup-phone", "")))
            yield field_row(
                _("Terminal id"),
                text_field("setup-terminal", v("setup-terminal", "T01"), max_length=8),
            )
            yield field_row(_("Printer URL"), text_field("setup-printer", v("setup-printer", "")))
            yield LiveCheck(
                check_printer_url, _("Address understood"), field="setup-printer", id="url-check"
            )
            yield Static(
                _(
                    "preview = no printer (receipts saved as pictures) · tcp://IP:9100 · usb:VID:PID"
                ),
                classes="hint",
            )
            yield Static("", id="printer-result")
            yield field_row(
                _("Manager PIN"),
                text_field("setup-pin", v("setup-pin", ""), password=True, max_length=12),
            )
            yield field_row(
                _("PIN again"),
                text_field(
                    "setup-pin-repeat", v("setup-pin-repeat", ""), password=True, max_length=12
                ),
            )
            yield Static(
                _("4–12 digits, not 1234: it approves voids, discounts and closing the day"),
                classes="hint",
            )
            yield Static("", id="form-error", classes="error-text")
            yield Static(
                _("Enter: next field · F5: test print · F10: create · F2: open the demo instead"),
                classes="hint",
            )
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        self.trial = PrinterTrial(self, self.query_one("#printer-result", Static))  # type: ignore[arg-type]
        self.run_live_checks()
        self.query_one(f"#{self.values.get('focus', 'setup-name')}").focus()

    def submit(self) -> None:
        self.action_create()

    @guarded
    def on_select_changed(self, event: Select.Changed) -> None:
        """A new language redraws the form in it, keeping what was typed."""
        lang = str(event.value)
        if event.select.id != "setup-language" or lang == i18n.language():
            return
        i18n.set_language(lang)
        from shopdesk.tui.bindings import translate_bindings

        translate_bindings(self.app)  # type: ignore[arg-type]
        values = {field: self.value(field) for field in self.FIELDS}
        values["focus"] = "setup-language"
        self.app.switch_screen(SetupScreen(values))

    @guarded
    def action_test_print(self) -> None:
        try:
            url = check_printer_url(self.value("setup-printer"))
        except ShopdeskError as error:
            self.show_error(self.shopdesk.say(error.code, **error.data))
            return
        self.show_error("")
        self.trial.start(PrinterSettings(url=url), self.shopdesk.home / "preview")

    @guarded
    def action_create(self) -> None:
        name = self.value("setup-name").strip()
        if not name:
            self.show_error(_("Type the shop's name as it should appear on receipts."))
            self.query_one("#setup-name").focus()
            return
        try:
            self.shopdesk.create_shop(
                name=name,
                uscc=self.value("setup-uscc"),
                address=self.value("setup-address").strip(),
                phone=self.value("setup-phone").strip(),
                terminal=self.value("setup-terminal"),
                printer=self.value("setup-printer"),
                language=i18n.language(),
                manager_pin=self.value("setup-pin"),
                manager_pin_repeat=self.value("setup-pin-repeat"),
            )
        except ShopdeskError as error:
            self.show_error(self.shopdesk.say(error.code, **error.data))

    @guarded
    def action_demo(self) -> None:
        self.shopdesk.open_demo_shop()

    def action_quit_app(self) -> None:
        self.app.exit(1, return_code=1)  # no shop was opened
