"""The return dialog (退货): quantities per line, the refund as typed, then the manager's PIN.

Every figure and every refusal comes from :mod:`shopdesk.services.returns`, the
service ``shopdesk return`` calls: :func:`price_return` prices the refund and
checks the limits as the cashier types (nothing written), and
:func:`return_items` writes it once the PIN is given. A refusal keeps the
dialog open with what was typed and marks the field it is about; the PIN is
asked only when nothing the dialog can check is wrong.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from shopdesk.domain.sale import Payment, parse_quantity
from shopdesk.errors import InvalidInput, ShopdeskError
from shopdesk.i18n import N_, _
from shopdesk.services.approval import Approval
from shopdesk.services.returns import (
    ReturnState,
    check_return_reason,
    price_return,
    return_items,
    return_state,
)
from shopdesk.tui.errors import guarded
from shopdesk.tui.formats import money
from shopdesk.tui.forms import choice_field, field_row, text_field
from shopdesk.tui.host import OnHost
from shopdesk.tui.preview import method_label
from shopdesk.tui.screens.prompts import Dialog

if TYPE_CHECKING:
    from shopdesk.tui.host import ShopHost

#: The pay-back choice meaning "the way the customer paid" (the service's default).
AS_PAID = ""
#: Errors about one line (their data names it), and about the pay-back method.
LINE_ERRORS = ("return.too_much", "return.unknown_line", "return.line_twice")
PAY_ERRORS = ("return.pay_back_too_much", "return.pay_back_mismatch", "payment.several_open")


def _qty_text(qty: Decimal) -> str:
    return format(qty.normalize(), "f")


class ReturnScreen(OnHost, Dialog):
    """Return part or all of receipt ``number``; dismisses with the issued refund, or ``None``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "all", N_("All")),
        Binding("f10", "issue", N_("Return")),
        Binding("escape", "cancel", N_("Back")),
    ]

    def __init__(self, state: ReturnState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        state = self.state
        with Vertical(classes="dialog", id="return-dialog"):
            yield Static(
                _("Return (退货) of receipt {number}").format(number=state.number),
                id="return-title",
                classes="dialog-title",
            )
            with VerticalScroll(id="return-lines"):
                for n, line in enumerate(state.data["lines"], start=1):
                    left = state.left(n)
                    label = _("{n} {name}  sold {sold} · left {left} · {amount}").format(
                        n=n,
                        name=line["name"],
                        sold=line["qty"],
                        left=_qty_text(left),
                        amount=money(Decimal(line["amount"])),
                    )
                    yield Horizontal(
                        Static(label, id=f"return-left-{n}", classes="return-line-text"),
                        text_field(f"return-qty-{n}", "0", select_on_focus=True, disabled=not left),
                        classes="return-line",
                    )
            yield Static("", id="return-amount")
            yield field_row(_("Reason:"), text_field("return-reason"))
            yield field_row(_("Pay back by:"), self._method_field())
            yield Static("", id="return-error", classes="error-text")
            yield Static(
                _("F2: all that is left · F10: return (manager PIN) · Esc: back"), classes="hint"
            )

    def _method_field(self) -> Widget:
        methods = [p["method"] for p in self.state.data["payments"]]
        options = [(_("As paid"), AS_PAID)]
        options += [(method_label(m), m) for m in dict.fromkeys(methods)]
        return choice_field("return-method", options, AS_PAID)

    def on_mount(self) -> None:
        self.update_amount()
        for field in self.query(".return-line Input").results(Input):
            if not field.disabled:
                field.focus()
                break

    def qty_fields(self) -> list[Input]:
        return [self.query_one(f"#return-qty-{n}", Input) for n in self._line_numbers()]

    def _line_numbers(self) -> range:
        return range(1, len(self.state.data["lines"]) + 1)

    def wanted(self) -> list[tuple[int, Decimal]]:
        """(line, quantity) of every line with a quantity; a bad one raises, naming its line."""
        out = []
        for n, field in zip(self._line_numbers(), self.qty_fields(), strict=True):
            text = field.value.strip()
            if not text or _is_zero(text):
                continue
            try:
                out.append((n, parse_quantity(text)))
            except InvalidInput as error:
                raise _on_line(error, n) from None
        return out

    def pay(self) -> list[Payment]:
        method = self.query_one("#return-method", Select).value
        return [Payment(str(method))] if method and method != AS_PAID else []

    def priced(self) -> Decimal:
        """The refund for what is typed (0 for nothing); raises the service's refusal."""
        wanted = self.wanted()
        if not wanted:
            return Decimal(0)
        assert self.shopdesk.shop is not None
        result = price_return(
            self.shopdesk.shop, self.state.number, list(wanted), self.pay(), self.state
        )
        return Decimal(result.totals["total"])

    def update_amount(self) -> bool:
        """Show the refund for what is typed, or mark what is wrong; True when all is well."""
        self.mark(None)
        try:
            total = self.priced()
        except ShopdeskError as error:
            self.mark(error)
            return False
        self.query_one("#return-amount", Static).update(
            _("Refund: {amount}").format(amount=money(total))
        )
        return True

    def mark(self, error: ShopdeskError | None) -> None:
        """Say what is wrong and mark its field (``None``: clear every mark)."""
        fields = [*self.qty_fields(), self.query_one("#return-reason", Input)]
        for field in fields:
            field.remove_class("-invalid")
        self.query_one("#return-method", Select).remove_class("-invalid")
        text = ""
        if error is not None:
            text = self.shopdesk.say(error.code, **error.data)
            self._field_of(error).add_class("-invalid")
        self.query_one("#return-error", Static).update(text)

    def _field_of(self, error: ShopdeskError) -> Widget:
        if error.code in LINE_ERRORS or error.code.startswith("sale."):
            line = error.data.get("line", 1)
            if isinstance(line, int) and 1 <= line <= len(self.state.data["lines"]):
                return self.query_one(f"#return-qty-{line}", Input)
        if error.code in PAY_ERRORS:
            return self.query_one("#return-method", Select)
        if error.code.startswith("return.reason"):
            return self.query_one("#return-reason", Input)
        return self.qty_fields()[0]

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("return-qty-"):
            self.update_amount()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.update_amount()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @guarded
    def action_all(self) -> None:
        """Everything that is left, every line (the cashier lowers what stays)."""
        for n, field in zip(self._line_numbers(), self.qty_fields(), strict=True):
            field.value = _qty_text(self.state.left(n))
        self.update_amount()

    @guarded
    def action_issue(self) -> None:
        """Check what the dialog can, then the PIN, then the service writes the refund."""
        if not self.update_amount():
            return
        try:
            reason = check_return_reason(self.query_one("#return-reason", Input).value)
            if not self.wanted():
                raise InvalidInput("return.nothing")
        except ShopdeskError as error:
            self.mark(error)
            return
        self.shopdesk.with_approval("return", lambda approval: self.issue(approval, reason))

    def issue(self, approval: Approval, reason: str) -> None:
        """Write the refund; a refusal now (e.g. the clock) keeps the dialog and says why."""
        assert self.shopdesk.shop is not None
        try:
            refund = return_items(
                self.shopdesk.shop,
                self.state.number,
                list(self.wanted()),
                reason=reason,
                approval=approval,
                pay=self.pay(),
                cashier=self.shopdesk.cashier,
            )
        except ShopdeskError as error:
            self.mark(error)
            return
        self.dismiss(refund)


def _is_zero(text: str) -> bool:
    """A typed zero (``0``, ``0.0``): the line stays (anything else is parsed as a quantity)."""
    try:
        return Decimal(text) == 0
    except ArithmeticError:
        return False


def _on_line(error: InvalidInput, line: int) -> InvalidInput:
    return InvalidInput(error.code, **{**error.data, "line": line})


def start_return(app: ShopHost, number: str, after: object) -> None:
    """Open the return dialog for ``number``; on a refund: say so, print it, ``after()``."""
    assert app.shop is not None
    state = return_state(app.shop, number)

    def done(refund: object) -> None:
        if refund is None:  # Esc: nothing returned
            return
        data = refund.record["data"]  # type: ignore[attr-defined]
        payments = ", ".join(
            f"{method_label(p['method'])} {money(Decimal(p['amount']))}" for p in data["payments"]
        )
        app.notify(
            app.say(
                "return.done",
                number=data["no"],
                original=data["original"],
                total=data["total"],
                payments=payments,
            )
        )
        app.start_refund_print(refund.record)  # type: ignore[attr-defined]
        after()  # type: ignore[operator]

    app.push_screen(ReturnScreen(state), done)
