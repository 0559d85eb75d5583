"""The sale screen (home): one entry field, the lines, the totals, the last receipt.

Keys (also in the footer and the command palette): Enter adds what was typed,
or opens payment when the field is empty; F1 park / resume (挂单), F2 quantity, F3 remove line, F4 price (PIN), F5 sale
discount (PIN), F6 buyer, F7 receipts, F8 cancel sale, F9 settings, F10 pay,
Ctrl+O open the drawer without a sale (PIN). ↑/↓ move the line cursor while
typing stays in the field.

Cancelling a sale with lines, removing a line or lowering its quantity and
opening the drawer are recorded (:mod:`shopdesk.services.till_events`) and ask
the manager's PIN first (the profile may waive it for cancels and removals).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Digits, Input, OptionList, Static
from textual.widgets.option_list import Option

from shopdesk.domain.catalog import CatalogItem
from shopdesk.domain.money import money_str, parse_money
from shopdesk.domain.sale import parse_quantity, percent_label
from shopdesk.domain.tax import rate_label
from shopdesk.errors import ShopdeskError
from shopdesk.i18n import N_, _
from shopdesk.services.approval import Approval
from shopdesk.services.till_events import needs_approval, open_drawer, reduces, remove_line
from shopdesk.tui.errors import guarded
from shopdesk.tui.formats import currency_symbol, money
from shopdesk.tui.host import OnHost
from shopdesk.tui.preview import receipt_preview
from shopdesk.tui.widgets import EntryField, KeyBar, QrView, StatusBar, TopBar

if TYPE_CHECKING:
    from shopdesk.services.cart import Cart


#: How the printed layout starts its total line, in each receipt language.
TOTAL_WORDS = ("合计", "Total", "TOTAL")
#: Lines shown above the total in the last-receipt preview (the items).
TOTAL_CONTEXT = 6


def qty_text(qty: object) -> str:
    return format(qty, "f") if hasattr(qty, "normalize") else str(qty)


class SaleScreen(OnHost, Screen):
    """Build a sale from scans and searches; pay; see the receipt just issued."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "park", N_("Park")),
        Binding("f2", "quantity", N_("Qty")),
        Binding("f3", "remove_line", N_("Del")),
        Binding("f4", "override_price", N_("Price")),
        Binding("f5", "discount", N_("Disc.")),
        Binding("f6", "buyer", N_("Buyer")),
        Binding("f7", "receipts", N_("Receipts")),
        Binding("f8", "cancel_sale", N_("Cancel")),
        Binding("f9", "settings", N_("Setup")),
        Binding("f10", "pay", N_("Pay")),
        Binding("ctrl+o", "open_drawer", N_("Drawer")),
        Binding("f11", "print_again", N_("Print again")),
        Binding("f12", "outage", N_("Outage")),
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("escape", "back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        from shopdesk.tui.bindings import translate_bindings

        translate_bindings(self)
        self._first_frame = False
        #: The first line of the last receipt's slip shown (its items, above the total).
        self._slip_top = 0

    @property
    def cart(self) -> Cart:
        assert self.shopdesk.cart is not None
        return self.shopdesk.cart

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield EntryField(
            placeholder=_("Scan a barcode, or type a SKU or a name (pinyin: kkkl)"),
            id="entry",
        )
        with ContentSwitcher(initial="lines", id="main"):
            yield DataTable(id="lines", cursor_type="row", zebra_stripes=True)
            yield OptionList(id="picks")
            with Horizontal(id="last"):
                with VerticalScroll(id="last-text-box"):
                    yield Static(id="last-text")
                yield QrView(id="last-qr")
        with Horizontal(id="totals"):
            yield Static(id="rates")
            yield Static(id="total-label")
            yield Digits("0.00", id="total")
        yield Static(id="buyer-line")
        yield StatusBar(id="status")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        table = self.query_one("#lines", DataTable)
        table.add_column("#", key="n")
        table.add_column(_("Item"), key="name")
        table.add_column(_("Qty"), key="qty")
        table.add_column(_("Unit price"), key="price")
        table.add_column(_("Amount"), key="amount")
        self.refresh_sale()
        self.query_one("#entry", Input).focus()
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        if not self._first_frame:
            self._first_frame = True
            self.shopdesk.first_frame_shown()

    async def on_screen_resume(self) -> None:
        """Back from a dialog (after a sale: the receipt and its change), drawn in one frame.

        The widgets changed here each ask the screen for a layout from their own
        task; one turn of the event loop lets those requests arrive before Textual
        draws the resumed screen. Without it the first frame repainted the old
        layout (the sale just paid) and the new one came a frame later: half of
        the confirm → next sale time (issue 14, item 1; docs/benchmarks-tui.md).
        """
        self.refresh_sale()
        self.query_one("#entry", Input).focus()
        await asyncio.sleep(0)

    # -- showing the sale -----------------------------------------------------------
    def refresh_sale(self, cursor: int | None = None) -> None:
        """Redraw lines, totals and buyer from the cart (priced by ``price_sale``)."""
        table = self.query_one("#lines", DataTable)
        switcher = self.query_one("#main", ContentSwitcher)
        priced = self.cart.priced()
        keep = table.cursor_row if cursor is None else cursor
        if table.row_count:  # an empty table cleared again still asks for a layout pass
            table.clear()
        rates = self.query_one("#rates", Static)
        label = self.query_one("#total-label", Static)
        digits = self.query_one("#total", Digits)
        if priced is None:
            last = self.shopdesk.last_issued
            if last is not None and switcher.current != "picks":
                self._show_last_receipt()
                switcher.current = "last"
                rates.update(
                    Text(_("Receipt {number} issued").format(number=last.number), style="bold")
                )
                label.update(_("Change") + "\n" + currency_symbol())
                digits.update(money_str(last.change))
            else:
                if switcher.current != "picks":
                    switcher.current = "lines"
                rates.update(_("Scan or type an item to start a sale."))
                label.update(_("Total") + "\n" + currency_symbol())
                digits.update("0.00")
        else:
            if switcher.current != "picks":
                switcher.current = "lines"
            for index, line in enumerate(priced.lines, start=1):
                marks = " *" if line.line.price_override else ""
                table.add_row(
                    str(index),
                    line.line.name,
                    qty_text(line.line.qty),
                    money(line.line.unit_price) + marks,
                    money(line.amount),
                )
            if table.row_count:
                table.move_cursor(row=min(max(keep, 0), table.row_count - 1))
            rate_parts = [
                _("{rate}: {gross}, tax {tax}").format(
                    rate=_("exempt") if rate == "exempt" else rate_label(rate),
                    gross=money(figures.gross),
                    tax=money(figures.tax),
                )
                for rate, figures in priced.by_rate.items()
            ]
            if priced.sale_discount_pct is not None:
                rate_parts.append(
                    _("Discount {percent} -{amount}").format(
                        percent=percent_label(priced.sale_discount_pct, self.shopdesk.lang),
                        amount=money(priced.discount),
                    )
                )
            elif priced.discount:
                rate_parts.append(_("Discount -{amount}").format(amount=money(priced.discount)))
            rates.update(Text("\n".join(rate_parts[:3]) + (" …" if len(rate_parts) > 3 else "")))
            label.update(_("Total") + "\n" + currency_symbol())
            digits.update(money_str(priced.total))
        buyer = self.cart.buyer
        self.query_one("#buyer-line", Static).update(
            Text(
                _("Buyer: {name} ({tax_id})").format(name=buyer.name, tax_id=buyer.tax_id)
                if buyer
                else _("Buyer: none (F6 adds a company buyer)")
            )
        )
        self.shopdesk.refresh_status()

    def _show_last_receipt(self) -> None:
        last = self.shopdesk.last_issued
        assert last is not None and self.shopdesk.shop is not None
        lines, payload = receipt_preview(self.shopdesk.shop, last.record)
        self.query_one("#last-text", Static).update(Text("\n".join(lines)))
        self.query_one("#last-qr", QrView).show(payload)
        # At 80×24 the slip is longer than the space: show its lines and total,
        # which is what the cashier checks, rather than the shop's letterhead.
        target = next(
            (i for i, line in enumerate(lines) if line.strip().startswith(TOTAL_WORDS)), 0
        )
        self._slip_top = max(target - TOTAL_CONTEXT, 0)
        self._scroll_slip()

    def _scroll_slip(self) -> None:
        box = self.query_one("#last-text-box", VerticalScroll)
        self.call_after_refresh(box.scroll_to, y=self._slip_top, animate=False)

    def on_resize(self) -> None:
        """A smaller window: the slip is scrolled to its lines and total again."""
        if self.query_one("#main", ContentSwitcher).current == "last":
            self._scroll_slip()

    def selected_line(self) -> int:
        table = self.query_one("#lines", DataTable)
        if self.cart.is_empty():
            from shopdesk.errors import InvalidInput

            raise InvalidInput("cart.no_line_selected")
        return min(table.cursor_row, len(self.cart.lines) - 1)

    # -- the entry field ------------------------------------------------------------
    @guarded
    def on_entry_field_entered(self, event: EntryField.Entered) -> None:
        event.stop()
        text = event.text.strip()
        if not text:
            if not self.cart.is_empty():
                self.action_pay()
            return
        try:
            result = self.cart.enter(text)
        except ShopdeskError:
            # Put the text back, selected: a typo can be fixed with the arrow keys,
            # and the next scan or keystroke simply replaces it.
            entry = self.query_one("#entry", Input)
            if not entry.value:
                entry.value = text
                entry.select_all()
            raise
        if result.candidates:
            self._show_picks(result.candidates)
            return
        self.refresh_sale(cursor=result.line_index)

    def _show_picks(self, items: tuple[CatalogItem, ...]) -> None:
        picks = self.query_one("#picks", OptionList)
        picks.clear_options()
        english = self.shopdesk.lang == "en"
        for item in items:
            name = item.name_en if english and item.name_en else item.name
            other = item.name if english else item.name_en
            picks.add_option(
                Option(
                    Text(f"{item.sku:<6} {name}  {money(item.price)}  {other}"),
                    id=item.sku,
                )
            )
        self.query_one("#main", ContentSwitcher).current = "picks"
        picks.highlighted = 0
        picks.focus()

    @guarded
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self.cart.catalog.by_sku(event.option.id or "")
        self._close_picks()
        if item is not None:
            index = self.cart.add_item(item)
            self.refresh_sale(cursor=index)

    def _close_picks(self) -> None:
        self.query_one("#main", ContentSwitcher).current = "lines"
        self.query_one("#entry", Input).focus()
        self.refresh_sale()

    # -- actions --------------------------------------------------------------------
    def action_back(self) -> None:
        entry = self.query_one("#entry", Input)
        if self.query_one("#main", ContentSwitcher).current == "picks":
            self._close_picks()
        elif entry.value:
            entry.value = ""
        entry.focus()

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#lines", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    @guarded
    def action_quantity(self) -> None:
        from shopdesk.tui.screens.prompts import PromptScreen

        index = self.selected_line()
        line = self.cart.lines[index]

        def check(text: str) -> Decimal | None:
            """A larger quantity applies at once; a smaller one is a removal (PIN after)."""
            qty = parse_quantity(text, _("quantity"))
            if reduces(self.cart, index, qty) and self._removal_needs_pin():
                return qty
            self._remove_line(index, qty, None)
            return None

        def done(qty: Decimal | None) -> None:
            if qty is not None:
                self.shopdesk.with_approval(
                    "remove_line", lambda approval: self._remove_line(index, qty, approval)
                )
            self.refresh_sale(cursor=index)

        self.app.push_screen(
            PromptScreen(_("Quantity"), line.name, qty_text(line.qty), check), done
        )

    @guarded
    def action_remove_line(self) -> None:
        index = self.selected_line()
        name = self.cart.lines[index].name

        def remove(approval: Approval | None) -> None:
            self._remove_line(index, None, approval)
            self.notify(_("Removed: {name}").format(name=name))

        if self._removal_needs_pin():
            self.shopdesk.with_approval("remove_line", remove)
        else:
            remove(None)

    def _removal_needs_pin(self) -> bool:
        assert self.shopdesk.shop is not None
        return needs_approval(self.shopdesk.shop, "remove_line")

    def _remove_line(self, index: int, qty: Decimal | None, approval: Approval | None) -> None:
        """Remove line ``index`` or set its quantity; a smaller one is recorded (``line.removed``)."""
        assert self.shopdesk.shop is not None
        remove_line(
            self.shopdesk.shop,
            self.cart,
            index,
            qty,
            by=self.shopdesk.cashier,
            training=self.shopdesk.training,
            approval=approval,
        )
        self.refresh_sale(cursor=index)

    @guarded
    def action_override_price(self) -> None:
        from shopdesk.tui.screens.prompts import PromptScreen

        index = self.selected_line()
        line = self.cart.lines[index]

        def ask() -> None:
            self.app.push_screen(
                PromptScreen(
                    _("Unit price"),
                    line.name,
                    money_str(line.unit_price),
                    lambda text: self.cart.override_price(index, parse_money(text, _("price"))),
                ),
                lambda _done: self.refresh_sale(cursor=index),
            )

        self.shopdesk.with_pin(ask, "price_override")

    @guarded
    def action_discount(self) -> None:
        from shopdesk.tui.screens.prompts import PromptScreen

        if self.cart.is_empty():
            from shopdesk.errors import InvalidInput

            raise InvalidInput("sale.empty")

        def ask() -> None:
            self.app.push_screen(
                PromptScreen(
                    _("Sale discount"),
                    _("Amount off the whole sale (yuan), or a percent such as 10%:"),
                    self.cart.sale_discount_text,
                    self.cart.set_sale_discount,
                ),
                lambda _done: self.refresh_sale(),
            )

        self.shopdesk.with_pin(ask, "discount")

    @guarded
    def action_park(self) -> None:
        """F1: park the sale in progress (挂单), or with none, pick a parked one to resume."""
        from shopdesk.services.parked import list_parked, park_sale

        shop = self.shopdesk.shop
        assert shop is not None
        if not self.cart.is_empty():
            parked = park_sale(shop, self.cart)
            self.shopdesk.last_issued = None  # its change is not this sale's
            self.notify(
                _("Sale parked as no. {number}: F1 resumes it.").format(number=parked.number)
            )
            self.refresh_sale()
            return
        waiting = list_parked(shop)
        if not waiting:
            self.notify(_("No parked sales."))
            return
        from shopdesk.tui.screens.parked import ParkedScreen

        self.app.push_screen(ParkedScreen(waiting), self._resume)

    @guarded
    def _resume(self, number: int | None) -> None:
        from shopdesk.services.parked import resume_sale

        if number is None:
            return
        assert self.shopdesk.shop is not None
        resumed = resume_sale(self.shopdesk.shop, self.cart, number)
        self.shopdesk.last_issued = None
        for code, items in (("park.repriced", resumed.repriced), ("park.dropped", resumed.dropped)):
            if items:
                self.notify(
                    self.shopdesk.say(code, items="; ".join(items)), severity="warning", timeout=10
                )
        if resumed.discount_removed:
            self.notify(self.shopdesk.say("park.discount_removed"), severity="warning", timeout=10)
        self.refresh_sale()
        self.query_one("#entry", Input).focus()

    @guarded
    def action_buyer(self) -> None:
        from shopdesk.tui.screens.buyer import BuyerScreen

        self.app.push_screen(BuyerScreen(), lambda _result: self.refresh_sale())

    @guarded
    def action_print_again(self) -> None:
        self.shopdesk.print_again()

    def action_outage(self) -> None:
        from shopdesk.tui.screens.outage import OutageScreen

        self.app.push_screen(OutageScreen())

    def action_receipts(self) -> None:
        from shopdesk.tui.screens.receipts import ReceiptsScreen

        self.app.push_screen(ReceiptsScreen())

    def action_settings(self) -> None:
        from shopdesk.tui.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())

    @guarded
    def action_cancel_sale(self) -> None:
        if self.cart.is_empty():
            return  # no sale: nothing to record, nothing to ask

        def cancelled() -> None:
            self.refresh_sale()
            self.query_one("#entry", Input).focus()

        self.shopdesk.ask_cancel_sale(
            _("Cancel this sale? The cancellation is recorded."), cancelled
        )

    @guarded
    def action_open_drawer(self) -> None:
        """Ctrl+O: the drawer without a sale — manager's PIN, a reason, recorded, then opened."""
        from shopdesk.tui.screens.prompts import PromptScreen

        shop = self.shopdesk.shop
        assert shop is not None

        def ask_reason(approval: Approval) -> None:
            def record(reason: str) -> dict:
                return open_drawer(
                    shop,
                    reason,
                    by=self.shopdesk.cashier,
                    approval=approval,
                    training=self.shopdesk.training,
                )

            self.app.push_screen(
                PromptScreen(_("Open the drawer"), _("Why (e.g. change for a note)?"), "", record),
                self._kick_drawer,
            )

        self.shopdesk.with_approval("drawer_open", ask_reason)

    def _kick_drawer(self, record: dict | None) -> None:
        """After the opening is recorded: the pulse, off the UI thread (a printer may hang)."""
        if record is None:
            return
        app, shop = self.shopdesk, self.shopdesk.shop
        assert shop is not None

        def kick() -> None:
            from shopdesk.services.printing import kick_drawer

            try:
                kick_drawer(shop, job=f"drawer-{record['seq']}")
            except ShopdeskError as error:
                app.call_from_thread(app.report_error, error)
                return
            app.call_from_thread(app.notify, _("Drawer opened (recorded)."))

        app.run_job(kick, group="print")

    @guarded
    def action_pay(self) -> None:
        from shopdesk.tui.screens.pay import PayScreen

        priced = self.cart.priced()
        if priced is None:
            from shopdesk.errors import InvalidInput

            raise InvalidInput("sale.empty")
        self.app.push_screen(PayScreen(priced.total), self._paid)

    def _paid(self, issued: object) -> None:
        """After the pay dialog: the receipt is committed (on_screen_resume redraws)."""
        entry = self.query_one("#entry", Input)
        entry.value = ""
        entry.focus()

    # -- command palette ---------------------------------------------------------
    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand(_("Pay"), _("Take payment and issue the receipt (F10)"), self.action_pay),
            SystemCommand(
                _("Qty"), _("Change the quantity of the selected line (F2)"), self.action_quantity
            ),
            SystemCommand(_("Remove"), _("Remove the selected line (F3)"), self.action_remove_line),
            SystemCommand(
                _("Price"),
                _("Override the unit price, manager PIN (F4)"),
                self.action_override_price,
            ),
            SystemCommand(
                _("Discount"), _("Discount the whole sale, manager PIN (F5)"), self.action_discount
            ),
            SystemCommand(
                _("Park / resume"),
                _("Park the sale in progress, or resume a parked one (F1)"),
                self.action_park,
            ),
            SystemCommand(
                _("Buyer"), _("Company buyer for the official invoice (F6)"), self.action_buyer
            ),
            SystemCommand(
                _("Receipts"), _("Find, view and void receipts (F7)"), self.action_receipts
            ),
            SystemCommand(
                _("Cancel sale"), _("Drop the sale in progress (F8)"), self.action_cancel_sale
            ),
            SystemCommand(
                _("Open drawer"),
                _("Open the cash drawer without a sale, manager PIN (Ctrl+O)"),
                self.action_open_drawer,
            ),
            SystemCommand(
                _("Settings"), _("Theme, language, training mode (F9)"), self.action_settings
            ),
            SystemCommand(
                _("Print again"),
                _("Print the receipt whose print failed (F11)"),
                self.action_print_again,
            ),
            SystemCommand(
                _("Outage"), _("Outage status, X and Z reports (F12)"), self.action_outage
            ),
        ]
