"""A company buyer for the official invoice: name and tax id, checked as typed.

The tax id is validated live (``validate_tax_id``: length, alphabet, region,
check character), so a wrong character is flagged before the customer leaves;
the buyer is only set on the cart when it is valid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from shopdesk.domain.uscc import validate_tax_id
from shopdesk.errors import ShopdeskError
from shopdesk.tui.errors import guarded
from shopdesk.tui.i18n import N_, _
from shopdesk.tui.screens.prompts import Dialog
from shopdesk.tui.widgets import KeyBar

if TYPE_CHECKING:
    from shopdesk.tui.app import ShopdeskApp

FIELDS = ("buyer-name", "buyer-tax-id", "buyer-phone", "buyer-email")


class BuyerScreen(Dialog):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "save", N_("Save")),
        Binding("f8", "clear", N_("No buyer")),
        Binding("escape", "cancel", N_("Back")),
    ]

    @property
    def shopdesk(self) -> ShopdeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        buyer = self.shopdesk.cart.buyer if self.shopdesk.cart else None
        with Vertical(classes="dialog", id="buyer"):
            yield Static(_("Company buyer (for the official invoice)"), classes="dialog-title")
            yield Label(_("Company name"))
            yield Input(buyer.name if buyer else "", id="buyer-name")
            yield Label(_("Tax id (统一社会信用代码)"))
            yield Input(buyer.tax_id if buyer else "", id="buyer-tax-id", max_length=24)
            yield Static("", id="tax-id-check")
            yield Label(_("Phone / e-mail (optional)"))
            yield Input(buyer.phone if buyer else "", id="buyer-phone", placeholder=_("Phone"))
            yield Input(buyer.email if buyer else "", id="buyer-email", placeholder=_("E-mail"))
            yield Static("", id="buyer-error", classes="error-text")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        self.query_one("#buyer-name", Input).focus()
        self._check_tax_id(self.query_one("#buyer-tax-id", Input).value)

    @guarded
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "buyer-tax-id":
            self._check_tax_id(event.value)

    def _check_tax_id(self, value: str) -> bool:
        check = self.query_one("#tax-id-check", Static)
        if not value.strip():
            check.update("")
            check.set_classes("")
            return False
        try:
            validate_tax_id(value)
        except ShopdeskError as error:
            check.update("✗ " + self.shopdesk.say(error.code, **error.data))
            check.set_classes("error-text")
            return False
        check.update("✓ " + _("Tax id is valid"))
        check.set_classes("ok-text")
        return True

    @guarded
    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one it saves."""
        event.stop()
        index = FIELDS.index(event.input.id or FIELDS[0])
        if index + 1 < len(FIELDS):
            self.query_one(f"#{FIELDS[index + 1]}", Input).focus()
        else:
            self.action_save()

    @guarded
    def action_save(self) -> None:
        values = [self.query_one(f"#{f}", Input).value for f in FIELDS]
        try:
            self.shopdesk.cart.set_buyer(*values)  # type: ignore[union-attr]
        except ShopdeskError as error:
            self.query_one("#buyer-error", Static).update(
                self.shopdesk.say(error.code, **error.data)
            )
            return
        self.dismiss(True)

    @guarded
    def action_clear(self) -> None:
        self.shopdesk.cart.set_buyer("", "")  # type: ignore[union-attr]
        self.dismiss(True)
