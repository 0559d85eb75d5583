"""Settings dialogs that change the shop profile: shop details, printer, manager PIN.

Each saves through :mod:`shopdesk.services.profile_edit` (checked like a hand
edit, written atomically, recorded in the ledger) and the running shop uses the
new values at once. Opening the shop and printer dialogs takes the manager's
PIN; changing the PIN asks for the current one instead.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from shopdesk.config import PrinterSettings
from shopdesk.domain.uscc import validate_tax_id
from shopdesk.errors import InvalidInput, ShopdeskError
from shopdesk.i18n import N_, _
from shopdesk.services.profile_edit import check_printer_url
from shopdesk.tui.errors import guarded
from shopdesk.tui.forms import (
    FormDialog,
    LiveCheck,
    PrinterTrial,
    choice_field,
    field_row,
    text_field,
)
from shopdesk.tui.widgets import KeyBar


def text_mode_options() -> list[tuple[str, object]]:
    return [
        (_("Text (GB18030, fastest)"), "gb18030"),
        (_("Image (printers without Chinese fonts)"), "image"),
    ]


def paper_options() -> list[tuple[str, object]]:
    return [(_("58 mm"), 58), (_("80 mm"), 80)]


class ShopProfileScreen(FormDialog):
    FIELDS: ClassVar[tuple[str, ...]] = (
        "shop-name",
        "shop-uscc",
        "shop-address",
        "shop-phone",
        "shop-cashiers",
    )

    def compose(self) -> ComposeResult:
        profile = self.shopdesk.shop.profile  # type: ignore[union-attr]
        with Vertical(classes="dialog form"):
            yield Static(_("Shop profile"), classes="dialog-title")
            yield field_row(_("Shop name"), text_field("shop-name", profile.shop_name))
            yield field_row(
                _("Tax id (USCC)"), text_field("shop-uscc", profile.uscc, max_length=24)
            )
            yield LiveCheck(
                validate_tax_id, _("Tax id is valid"), field="shop-uscc", id="uscc-check"
            )
            yield field_row(_("Address"), text_field("shop-address", profile.address))
            yield field_row(_("Phone"), text_field("shop-phone", profile.phone))
            yield field_row(_("Cashiers"), text_field("shop-cashiers", ", ".join(profile.cashiers)))
            yield Static(_("Names separated by commas."), classes="hint")
            yield Static(
                _("Terminal {terminal}: fixed, it is in every receipt number.").format(
                    terminal=profile.terminal
                ),
                classes="hint",
            )
            yield Static("", id="form-error", classes="error-text")
            yield Static(_("Enter: next field · F10: save · Esc: back"), classes="hint")
        yield KeyBar(classes="keybar")

    def save(self) -> None:
        from shopdesk.services.profile_edit import update_shop_details

        update_shop_details(
            self.shopdesk.shop,  # type: ignore[arg-type]
            name=self.value("shop-name"),
            uscc=self.value("shop-uscc"),
            address=self.value("shop-address"),
            phone=self.value("shop-phone"),
            cashiers=self.value("shop-cashiers"),
            who=self.shopdesk.cashier,
            approval=self.shopdesk.approval,
        )
        self.dismiss(True)


class PrinterScreen(FormDialog):
    """The printer's URL, paper and text mode; F5 tries the values on screen before saving."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "test_print", N_("Test print")),
        Binding("f6", "status", N_("Status")),
        Binding("f10", "save", N_("Save")),
        Binding("escape", "cancel", N_("Back")),
    ]
    FIELDS: ClassVar[tuple[str, ...]] = ("printer-url", "printer-paper", "printer-mode")

    def compose(self) -> ComposeResult:
        settings = self.shopdesk.shop.profile.printer  # type: ignore[union-attr]
        with Vertical(classes="dialog form"):
            yield Static(_("Printer"), classes="dialog-title")
            yield field_row(_("Printer URL"), text_field("printer-url", settings.url))
            yield LiveCheck(
                check_printer_url, _("Address understood"), field="printer-url", id="url-check"
            )
            yield Static(
                _("e.g. tcp://192.168.1.50:9100 · usb:0416:5011 · file:/dev/usb/lp0 · preview"),
                classes="hint",
            )
            yield field_row(
                _("Paper width"), choice_field("printer-paper", paper_options(), settings.paper_mm)
            )
            yield field_row(
                _("Text mode"),
                choice_field("printer-mode", text_mode_options(), settings.text_mode),
            )
            yield Static("", id="printer-result")
            yield Static("", id="form-error", classes="error-text")
            yield Static(_("F5: test print · F6: status · F10: save · Esc: back"), classes="hint")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        # FormDialog's own on_mount runs too (Textual calls each class's handler).
        self.trial = PrinterTrial(self, self.query_one("#printer-result", Static))

    def settings_on_screen(self) -> PrinterSettings:
        """The saved settings with what the form shows; raises for a bad URL."""
        from shopdesk.services.profile_edit import printer_settings

        return printer_settings(
            self.shopdesk.shop.profile.printer,  # type: ignore[union-attr]
            url=self.value("printer-url"),
            paper_mm=self.query_one("#printer-paper", Select).value,
            text_mode=str(self.query_one("#printer-mode", Select).value),
        )

    @guarded
    def action_test_print(self) -> None:
        self._try(page=True)

    @guarded
    def action_status(self) -> None:
        self._try(page=False)

    def _try(self, *, page: bool) -> None:
        try:
            settings = self.settings_on_screen()
        except ShopdeskError as error:
            self.show_error(self.shopdesk.say(error.code, **error.data))
            return
        self.show_error("")
        self.trial.start(settings, self.shopdesk.shop.home.preview, page=page)  # type: ignore[union-attr]

    def save(self) -> None:
        from shopdesk.services.profile_edit import update_printer

        update_printer(
            self.shopdesk.shop,  # type: ignore[arg-type]
            self.settings_on_screen(),
            who=self.shopdesk.cashier,
            approval=self.shopdesk.approval,
        )
        self.shopdesk.printer_seen = None  # a new printer has not been heard from yet
        self.dismiss(True)


class PinChangeScreen(FormDialog):
    FIELDS: ClassVar[tuple[str, ...]] = ("pin-current", "pin-new", "pin-repeat")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(_("Change the manager PIN"), classes="dialog-title")
            yield field_row(
                _("Current PIN"), text_field("pin-current", password=True, max_length=12)
            )
            yield field_row(_("New PIN"), text_field("pin-new", password=True, max_length=12))
            yield field_row(
                _("New PIN again"), text_field("pin-repeat", password=True, max_length=12)
            )
            yield Static(_("4 to 12 digits."), classes="hint")
            yield Static("", id="form-error", classes="error-text")
            yield Static(_("Enter: next field · F10: save · Esc: back"), classes="hint")
        yield KeyBar(classes="keybar")

    def save(self) -> None:
        from shopdesk.services.profile_edit import change_manager_pin

        try:
            change_manager_pin(
                self.shopdesk.shop,  # type: ignore[arg-type]
                self.value("pin-current"),
                self.value("pin-new"),
                self.value("pin-repeat"),
                who=self.shopdesk.cashier,
            )
        except InvalidInput:
            for field in self.FIELDS:
                self.query_one(f"#{field}", Input).value = ""
            self.query_one("#pin-current").focus()
            raise
        self.dismiss(True)
