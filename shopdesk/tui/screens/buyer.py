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
from shopdesk.i18n import N_, _
from shopdesk.tui.errors import guarded
from shopdesk.tui.forms import FormDialog, LiveCheck
from shopdesk.tui.widgets import KeyBar

if TYPE_CHECKING:
    pass


class BuyerScreen(FormDialog):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "save", N_("Save")),
        Binding("f8", "clear", N_("No buyer")),
        Binding("escape", "cancel", N_("Back")),
    ]
    FIELDS: ClassVar[tuple[str, ...]] = ("buyer-name", "buyer-tax-id", "buyer-phone", "buyer-email")

    def compose(self) -> ComposeResult:
        buyer = self.shopdesk.cart.buyer if self.shopdesk.cart else None
        with Vertical(classes="dialog", id="buyer"):
            yield Static(_("Company buyer (for the official invoice)"), classes="dialog-title")
            yield Label(_("Company name"))
            yield Input(buyer.name if buyer else "", id="buyer-name")
            yield Label(_("Tax id (统一社会信用代码)"))
            yield Input(buyer.tax_id if buyer else "", id="buyer-tax-id", max_length=24)
            yield LiveCheck(
                validate_tax_id, _("Tax id is valid"), field="buyer-tax-id", id="tax-id-check"
            )
            yield Label(_("Phone / e-mail (optional)"))
            yield Input(buyer.phone if buyer else "", id="buyer-phone", placeholder=_("Phone"))
            yield Input(buyer.email if buyer else "", id="buyer-email", placeholder=_("E-mail"))
            yield Static("", id="form-error", classes="error-text")
        yield KeyBar(classes="keybar")

    def save(self) -> None:
        self.shopdesk.cart.set_buyer(*(self.value(f) for f in self.FIELDS))  # type: ignore[union-attr]
        self.dismiss(True)

    @guarded
    def action_clear(self) -> None:
        self.shopdesk.cart.set_buyer("", "")  # type: ignore[union-attr]
        self.dismiss(True)
