"""Receipts (history): search, a lazily paged table, the detail, void with PIN.

The table never holds more than one page (:data:`PAGE_SIZE` rows) however
large the ledger: ``find_receipts`` cuts the page out of the view, so the first
page of 100k receipts shows as fast as that of ten.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from shopdesk.i18n import N_, _
from shopdesk.services.approval import MANAGER
from shopdesk.services.history import PAGE_SIZE, ReceiptQuery, find_receipts, parse_query
from shopdesk.services.sales import get_receipt
from shopdesk.tui.errors import guarded
from shopdesk.tui.formats import date_time, day_time, money
from shopdesk.tui.host import OnHost
from shopdesk.tui.preview import receipt_preview, status_label
from shopdesk.tui.screens.prompts import Dialog, PromptScreen
from shopdesk.tui.widgets import KeyBar, QrView, RowTable, StatusBar, TopBar

if TYPE_CHECKING:
    from shopdesk.tui.host import ShopHost


def start_void(app: ShopHost, number: str, after: object) -> None:
    """PIN, then the reason, then the void record; ``after()`` refreshes the caller."""

    def ask_reason() -> None:
        def done(record: object) -> None:
            if record is None:  # Esc: nothing voided
                return
            app.notify(app.say("void.done", number=number))
            after()  # type: ignore[operator]

        # The void is the prompt's check: a refused reason is marked in the dialog,
        # which stays open with what was typed (and the PIN still good).
        app.push_screen(
            PromptScreen(
                _("Void receipt {number}").format(number=number),
                void_label(app, number),
                check=lambda reason: app.void(number, reason),
            ),
            done,
        )

    app.with_pin(ask_reason, "void")


def void_label(app: ShopHost, number: str) -> str:
    """The reason prompt, warning first when the receipt already left in a batch.

    Such a void is carried by the next batch as a late void; the accountant may
    already have issued the official invoice and must then issue a red-letter one.
    """
    row = app.shop.ledger.view.get(number) if app.shop else None
    if row is None or not row["batch"]:
        return _("Reason:")
    return (
        _(
            "Already exported in batch {batch}: the next batch carries this void, and if "
            "the official invoice was issued the accountant must issue a red-letter invoice."
        ).format(batch=row["batch"])
        + "\n"
        + _("Reason:")
    )


#: The list's columns: key and (untranslated) heading, in order.
COLUMNS = (
    ("no", N_("Number")),
    ("time", N_("Time")),
    ("total", N_("Total")),
    ("status", N_("Status")),
    ("buyer", N_("Buyer")),
)


class ReceiptsScreen(OnHost, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "search", N_("Search")),
        Binding("f3", "page(-1)", N_("Prev page")),
        Binding("f4", "page(1)", N_("Next page")),
        Binding("f5", "reprint", N_("Reprint")),
        Binding("f6", "return_items", N_("Return")),
        Binding("f8", "void", N_("Void")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        from shopdesk.tui.bindings import translate_bindings

        translate_bindings(self)
        self.query_state = ReceiptQuery()
        self.skip = 0
        self.more = False
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Input(
            placeholder=_("Search: number, date 2026-11-28, amount 12.50, buyer"),
            id="search",
        )
        yield RowTable(id="receipts", cursor_type="row", zebra_stripes=True)
        yield Static(id="page-info")
        yield StatusBar(id="status")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        self.load_page()
        self.query_one("#receipts", DataTable).focus()

    def load_page(self) -> None:
        assert self.shopdesk.shop is not None
        page = find_receipts(self.shopdesk.shop.ledger.view, self.query_state, self.skip, PAGE_SIZE)
        self.rows, self.more = page.rows, page.more
        table = self.query_one("#receipts", DataTable)
        table.clear(columns=True)
        cells = [
            (
                row["no"],
                day_time(row["time"]),
                money(Decimal(row["total"])),
                status_label(row),
                row["buyer"],
            )
            for row in self.rows
        ]
        for (key, label), width in zip(COLUMNS, self.column_widths(cells), strict=True):
            table.add_column(_(label), key=key, width=width)
        for row, line in zip(self.rows, cells, strict=True):
            table.add_row(
                *line[:4], Text(line[4], no_wrap=True, overflow="ellipsis"), key=row["no"]
            )
        if not self.rows:
            info = _("No receipts found.")
        else:
            info = _("Receipts {first}–{last}").format(
                first=self.skip + 1, last=self.skip + len(self.rows)
            )
            if self.more:
                info += " · " + _("F4: next page")
            if self.skip:
                info += " · " + _("F3: previous page")
        self.query_one("#page-info", Static).update(info)

    def on_resize(self) -> None:
        """A new width: the buyer column is fitted again, the selected row kept."""
        table = self.query_one("#receipts", DataTable)
        row = table.cursor_row
        self.load_page()
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def column_widths(self, cells: list[tuple[str, ...]]) -> list[int]:
        """Each column as wide as its widest cell; the buyer, last, gets what is left.

        At 80 columns a company name took the width and cut the status ("已导"),
        and the table scrolled sideways: it now fits the screen, and the name
        gives way (the receipt's detail shows it whole). DataTable itself only
        ever widens a column, so the widths are set here, for each page and size.
        """
        widths = [cell_len(_(label)) for _key, label in COLUMNS]
        for line in cells:
            widths = [max(w, cell_len(text)) for w, text in zip(widths, line, strict=True)]
        padding = 2 * self.query_one("#receipts", DataTable).cell_padding * len(widths)
        scrollbar = 2  # the vertical one: a page of 50 is longer than the screen
        room = self.app.size.width - sum(widths[:4]) - padding - scrollbar
        return [*widths[:4], max(min(widths[4], room), 6)]

    def selected(self) -> str | None:
        table = self.query_one("#receipts", DataTable)
        if not self.rows:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]["no"]

    @guarded
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_state = parse_query(event.value)
        self.skip = 0
        self.load_page()
        self.query_one("#receipts", DataTable).focus()

    @guarded
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        number = self.selected()
        if number:
            self.app.push_screen(ReceiptDetailScreen(number), lambda _r: self.load_page())

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    @guarded
    def action_page(self, step: int) -> None:
        if step > 0 and self.more:
            self.skip += PAGE_SIZE
        elif step < 0 and self.skip:
            self.skip = max(self.skip - PAGE_SIZE, 0)
        else:
            return
        self.load_page()

    @guarded
    def action_void(self) -> None:
        number = self.selected()
        if number:
            start_void(self.shopdesk, number, self.load_page)

    @guarded
    def action_return_items(self) -> None:
        """退货: the return dialog for the selected receipt (manager PIN at the end)."""
        number = self.selected()
        if number:
            from shopdesk.tui.screens.returns import start_return

            start_return(self.shopdesk, number, self.load_page)

    @guarded
    def action_reprint(self) -> None:
        """Print the selected receipt: the original if it never printed, else a marked copy."""
        number = self.selected()
        if number:
            self.shopdesk.print_again(number)
            self.notify(_("Printing {number}…").format(number=number))

    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus and search.value:
            search.value = ""
            return
        self.app.pop_screen()

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand(_("Search"), _("Search receipts (F2)"), self.action_search),
            SystemCommand(
                _("Void"), _("Void the selected receipt, manager PIN (F8)"), self.action_void
            ),
            SystemCommand(
                _("Reprint"), _("Print the selected receipt again (F5)"), self.action_reprint
            ),
            SystemCommand(
                _("Return"),
                _("Return goods of the selected receipt, manager PIN (F6)"),
                self.action_return_items,
            ),
            SystemCommand(_("Back"), _("Back to the sale (Esc)"), self.action_back),
        ]


class ReceiptDetailScreen(OnHost, Dialog):
    """One receipt as recorded: lines, totals, status, later records, and its QR."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "reprint", N_("Reprint")),
        Binding("f8", "void", N_("Void")),
        Binding("escape", "cancel", N_("Back")),
    ]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number

    def compose(self) -> ComposeResult:
        with Horizontal(classes="dialog", id="detail"):
            with VerticalScroll(id="detail-text-box"):
                yield Static(id="detail-text")
            yield QrView(id="detail-qr")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        self.show()

    @guarded
    def show(self) -> None:
        assert self.shopdesk.shop is not None
        detail = get_receipt(self.shopdesk.shop, self.number)
        printed, payload = receipt_preview(self.shopdesk.shop, detail.record)
        lines = [_("Status: {status}").format(status=status_label(detail.status)), ""]
        lines += printed
        for event in detail.events:
            when = date_time(event["time"])
            if event["kind"] == "receipt.voided":
                data = event["data"]
                # Who approved is the point of the PIN; a void recorded before
                # issue 13 names only who voided.
                text = (
                    _("{when} voided by {who}, approved by {approver}: {reason}")
                    if data.get("approved_by")
                    else _("{when} voided by {who}: {reason}")
                )
                lines.append(
                    text.format(
                        when=when,
                        who=person(self.shopdesk, data.get("by", "")),
                        approver=person(self.shopdesk, data.get("approved_by", "")),
                        reason=data.get("reason", ""),
                    )
                )
            else:
                lines.append(history_line(self.shopdesk, when, event))
        self.query_one("#detail-text", Static).update(Text("\n".join(lines)))
        self.query_one("#detail-qr", QrView).show(payload)

    @guarded
    def action_void(self) -> None:
        start_void(self.shopdesk, self.number, self.show)

    @guarded
    def action_reprint(self) -> None:
        self.shopdesk.print_again(self.number)
        self.notify(_("Printing {number}…").format(number=self.number))


def person(app: ShopHost, name: str) -> str:
    """A recorded name; a shop without [[people]] records ``manager``, shown as 店长."""
    return app.say("report.w.manager") if name == MANAGER else name


def history_line(app: ShopHost, when: str, event: dict) -> str:
    """A later record about a receipt in the cashier's words, never its record kind.

    A void has its own words (who approved it); these are the other records that
    name a receipt: its prints, a return against it, and its invoice.
    """
    data = event["data"]
    kind = event["kind"]
    if kind == "receipt.printed":
        printer = _("preview") if data.get("printer") == "preview" else data.get("printer", "")
        if not data.get("ok"):
            error = app.say(data["error"], printer=printer) if data.get("error") else ""
            return _("{when} not printed on {printer}: {error}").format(
                when=when, printer=printer, error=error
            )
        if data.get("copy"):
            return _("{when} reprinted on {printer} (copy {copy})").format(
                when=when, printer=printer, copy=data["copy"]
            )
        return _("{when} printed on {printer}").format(when=when, printer=printer)
    if kind == "refund.issued":
        return _("{when} goods returned: refund {number}").format(when=when, number=data["no"])
    if kind == "invoice.reconciled":
        return _("{when} invoiced: invoice {invoice}").format(
            when=when, invoice=data.get("invoice_no", "")
        )
    return _("{when} ledger record {kind}").format(when=when, kind=kind)
