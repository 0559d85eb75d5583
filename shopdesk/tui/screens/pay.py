"""Payment: cash with change shown big, WeChat Pay, Alipay, card, other; split payments.

Type an amount and press a method key (F2 cash … F6 other) to add a payment;
Enter adds it as the selected method (cash first). A blank amount means "the
rest". F10 confirms: it adds what is typed (or the rest, if nothing was paid
yet), then issues the receipt — so F10 F10 from the sale screen is an exact
cash sale. An underpaid sale cannot be confirmed (``settle`` says how much is
missing); Esc goes back to the sale with nothing recorded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Input, Static

from shopdesk.domain.money import money_str
from shopdesk.domain.sale import PAYMENT_METHODS
from shopdesk.errors import ShopdeskError
from shopdesk.i18n import N_, _
from shopdesk.services.cart import Tender
from shopdesk.tui.errors import guarded
from shopdesk.tui.formats import currency_symbol, money
from shopdesk.tui.host import OnHost
from shopdesk.tui.preview import method_label
from shopdesk.tui.screens.prompts import Dialog
from shopdesk.tui.widgets import KeyBar

if TYPE_CHECKING:
    pass

METHOD_KEYS = dict(zip(PAYMENT_METHODS, ("f2", "f3", "f4", "f5", "f6"), strict=True))


class PayScreen(OnHost, Dialog):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "method('cash')", N_("Cash")),
        Binding("f3", "method('wechat')", N_("WeChat")),
        Binding("f4", "method('alipay')", N_("Alipay")),
        Binding("f5", "method('card')", N_("Card")),
        Binding("f6", "method('other')", N_("Other")),
        Binding("f7", "round_off", N_("Round off")),
        Binding("f8", "undo", N_("Undo payment")),
        Binding("f10", "confirm", N_("Issue")),
        Binding("escape", "cancel", N_("Back")),
    ]

    def __init__(self, total: Decimal) -> None:
        super().__init__()
        #: Notices already up when the dialog opens (the start-of-day ones stay 30 s) are
        #: not shown here: at 80×24 their rows took the change digits, the one figure the
        #: cashier reads out. They show again on the sale screen if still running; a
        #: notice raised while paying (an unexpected error) is shown.
        self.held_back_notices = {note.identity for note in self.app._notifications}
        self.tender = Tender(total)
        self.method = "cash"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pay"):
            with Horizontal(classes="pay-row"):
                yield Static(_("To pay") + "\n" + currency_symbol(), classes="big-label")
                yield Digits(money_str(self.tender.total), id="pay-total")
            yield Static(id="pay-lines")
            yield Static(id="pay-method")
            yield Input(placeholder=_("Amount (blank = the rest)"), id="pay-amount")
            yield Static("", id="pay-error", classes="error-text")
            with Horizontal(classes="pay-row"):
                yield Static(id="pay-change-label", classes="big-label")
                yield Digits("0.00", id="pay-change")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        self.refresh_tender()
        self.query_one("#pay-amount", Input).focus()

    def refresh_tender(self, error: str = "") -> None:
        cart = self.shopdesk.cart
        priced = cart.priced() if cart is not None else None
        lines = []
        if priced is not None and priced.rounding:
            lines.append(_("Rounded off -{amount} (F7)").format(amount=money(priced.rounding)))
        lines += [
            f"{method_label(p.method)}  {money(p.amount or Decimal(0))}"
            for p in self.tender.payments
        ]
        lines.append(
            _("Paid {paid} · still due {due}").format(
                paid=money(self.tender.paid), due=money(self.tender.due)
            )
        )
        self.query_one("#pay-lines", Static).update(Text("\n".join(lines)))
        self.query_one("#pay-method", Static).update(
            Text(_("Method: {method} (F2–F6 to change)").format(method=method_label(self.method)))
        )
        self.query_one("#pay-error", Static).update(error)
        label = self.query_one("#pay-change-label", Static)
        change = self.query_one("#pay-change", Digits)
        if self.tender.can_confirm():
            label.update(_("Change") + "\n" + currency_symbol())
            change.update(money_str(self.tender.change))
            self.query_one("#pay-amount", Input).placeholder = _("F10 or Enter: issue the receipt")
        else:
            label.update(_("Due") + "\n" + currency_symbol())
            change.update(money_str(self.tender.due))
            self.query_one("#pay-amount", Input).placeholder = _("Amount (blank = the rest)")

    def _add_typed(self, method: str, *, blank_means_rest: bool) -> bool:
        """Add the typed amount as ``method``; False (with the reason shown) if refused."""
        field = self.query_one("#pay-amount", Input)
        text = field.value.strip()
        if not text and not blank_means_rest:
            return True
        try:
            self.tender.add(method, text or None)
        except ShopdeskError as error:
            self.refresh_tender(self.shopdesk.say(error.code, **error.data))
            field.select_all()  # what is typed next (the right amount) replaces it
            return False
        field.value = ""
        return True

    @guarded
    def action_method(self, method: str) -> None:
        self.method = method
        if self.query_one("#pay-amount", Input).value.strip() and not self._add_typed(
            method, blank_means_rest=False
        ):
            return
        self.refresh_tender()
        self.query_one("#pay-amount", Input).focus()

    @guarded
    def action_round_off(self) -> None:
        """F7 抹零: round the amount due down to the jiao, then the yuan, then not at all.

        The cart re-prices (the rounding is spread over the lines like a discount);
        the shop's ``[sale] max_rounding`` is checked when the receipt is issued.
        """
        cart = self.shopdesk.cart
        assert cart is not None
        modes = ("", "jiao", "yuan")
        cart.set_round_off(modes[(modes.index(cart.draft.round_off) + 1) % len(modes)])
        self.tender.total = cart.total()
        self.query_one("#pay-total", Digits).update(money_str(self.tender.total))
        self.refresh_tender()

    @guarded
    def action_undo(self) -> None:
        self.tender.remove_last()
        self.refresh_tender()

    @guarded
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip() and self.tender.can_confirm():
            self.action_confirm()
            return
        if self._add_typed(self.method, blank_means_rest=True):
            self.refresh_tender()

    @guarded
    def action_confirm(self) -> None:
        """The one key that issues: commit the receipt, then back to a fresh sale."""
        typed = self.query_one("#pay-amount", Input).value.strip()
        if (typed or not self.tender.payments) and not self._add_typed(
            self.method, blank_means_rest=True
        ):
            return
        try:
            self.tender.check()
            issued = self.shopdesk.issue(list(self.tender.payments))
        except ShopdeskError as error:
            if error.code == "clock.far_ahead":
                self._confirm_date(self.shopdesk.say(error.code, **error.data))
                return
            self.refresh_tender(self.shopdesk.say(error.code, **error.data))
            return
        self.dismiss(issued)

    def _confirm_date(self, question: str) -> None:
        """A date far after the last record: issue only once the cashier says it is right."""
        from shopdesk.tui.screens.prompts import ConfirmScreen

        def done(yes: bool | None) -> None:
            if yes:
                self.shopdesk.clock_confirmed = True
                self.action_confirm()

        self.app.push_screen(ConfirmScreen(question), done)
