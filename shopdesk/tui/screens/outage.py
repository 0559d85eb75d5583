"""Outage and day reports (F12): the outage's state, start/end it, X and Z reports,
and exporting the waiting receipts as a batch (F7, :mod:`.export`).

Every figure comes from :mod:`shopdesk.services.outage` and
:mod:`shopdesk.services.reports`; the report text is the printer's own layout
(``report_text``), so the screen shows what the paper would. Closing the shift
(Z) cannot be undone: it asks for the manager's PIN, the drawer's count, and a
confirmation that shows the over/short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from shopdesk.i18n import N_, _, ngettext
from shopdesk.tui.errors import guarded
from shopdesk.tui.formats import date_time, money
from shopdesk.tui.host import OnHost
from shopdesk.tui.screens.prompts import ConfirmScreen, PromptScreen
from shopdesk.tui.widgets import KeyBar, StatusBar, TopBar, elapsed_text

if TYPE_CHECKING:
    from shopdesk.domain.reports import CashCount
    from shopdesk.services.approval import Approval
    from shopdesk.services.reports import DayReport


class OutageScreen(OnHost, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "start", N_("Start outage")),
        Binding("f3", "end", N_("End outage")),
        Binding("f4", "report_x", N_("X report")),
        Binding("f5", "print_report", N_("Print")),
        Binding("f6", "report_z", N_("Z (close shift)")),
        Binding("f7", "export", N_("Export")),
        # Esc is the same on every screen; the key bar has no room left for it at 80 columns.
        Binding("escape", "back", N_("Back"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        from shopdesk.tui.bindings import translate_bindings

        translate_bindings(self)
        self.report: DayReport | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static(id="outage-state")
        with VerticalScroll(id="report-box"):
            yield Static(id="report-text")
        yield StatusBar(id="status")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        self.refresh_state()
        self.action_report_x()

    def refresh_state(self) -> None:
        from shopdesk.services.outage import outage_status

        assert self.shopdesk.shop is not None
        status = outage_status(self.shopdesk.shop)
        lines = []
        if status.open and status.since is not None:
            lines.append(
                _("Outage open since {since} ({elapsed}).").format(
                    since=date_time(status.since),
                    elapsed=elapsed_text(status.since, self.shopdesk.shop.now()),
                )
            )
        else:
            lines.append(_("No outage open: the e-invoice system is up."))
        lines.append(
            ngettext(
                "Waiting for export: {count} receipt, {amount}; offline limits used: "
                "{hours}% of the hours, {money}% of the amount.",
                "Waiting for export: {count} receipts, {amount}; offline limits used: "
                "{hours}% of the hours, {money}% of the amount.",
                status.waiting_receipts,
            ).format(
                count=status.waiting_receipts,
                amount=money(status.waiting_amount),
                hours=status.limits.hours.percent,
                money=status.limits.amount.percent,
            )
        )
        self.query_one("#outage-state", Static).update(Text("\n".join(lines)))
        # This screen's own bar: a dialog (e.g. the export's) may be on top of it.
        self.query_one("#status", StatusBar).update_text()

    def show_report(self, report: DayReport) -> None:
        from shopdesk.services.report_text import report_text
        from shopdesk.services.reports import report_sheet

        assert self.shopdesk.shop is not None
        self.report = report
        sheet = report_sheet(report, self.shopdesk.lang)
        text = "\n".join(report_text(self.shopdesk.shop, sheet))
        self.query_one("#report-text", Static).update(Text(text))

    @guarded
    def action_report_x(self) -> None:
        from shopdesk.services.reports import report_x

        assert self.shopdesk.shop is not None
        self.show_report(report_x(self.shopdesk.shop))

    @guarded
    def action_start(self) -> None:
        from shopdesk.services.outage import check_outage_can_start, start_outage

        check_outage_can_start(self.shopdesk.shop)  # type: ignore[arg-type]  # before the note

        def done(note: object) -> None:
            if note is None:
                return
            try:
                record = start_outage(self.shopdesk.shop, str(note))  # type: ignore[arg-type]
            except Exception as error:
                self.shopdesk.report_error(error)
                return
            self.notify(self.shopdesk.say("outage.started", time=date_time(record["time"])))
            self.refresh_state()

        self.app.push_screen(
            PromptScreen(_("Start outage"), _("Note (optional), e.g. what the platform showed:")),
            done,
        )

    @guarded
    def action_end(self) -> None:
        from shopdesk.services.outage import end_outage

        def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                end_outage(self.shopdesk.shop)  # type: ignore[arg-type]
            except Exception as error:
                self.shopdesk.report_error(error)
                return
            self.notify(_("Outage ended. Export the waiting receipts soon: F7."))
            self.refresh_state()

        self.app.push_screen(
            ConfirmScreen(_("Is the e-invoice system back? End the outage.")), done
        )

    @guarded
    def action_report_z(self) -> None:
        """Close the shift: manager approval, the drawer counted, the difference shown, confirm."""
        from shopdesk.domain.reports import DENOMINATION_TEXT, count_from_text
        from shopdesk.services.reports import report_z, shift_to_close, signed_money

        shop = self.shopdesk.shop
        assert shop is not None
        shift_to_close(shop)  # an empty shift is refused before the PIN and the count

        def approved(approval: Approval) -> None:
            def counted(count: CashCount | None) -> None:
                if count is None:
                    return
                expected = shift_to_close(shop).figures.cash_expected

                def done(yes: bool | None) -> None:
                    if not yes:
                        return
                    try:
                        report = report_z(shop, approval, count)
                    except Exception as error:
                        self.shopdesk.report_error(error)
                        return
                    self.show_report(report)
                    self.refresh_state()

                question = _(
                    "Counted {counted}, expected {expected}: over/short {diff}. "
                    "Close the shift (Z report)? This cannot be undone."
                ).format(
                    counted=money(count.total),
                    expected=money(expected),
                    diff=signed_money(count.over_short(expected)),
                )
                self.app.push_screen(ConfirmScreen(question), done)

            self.app.push_screen(
                PromptScreen(
                    _("Count the drawer"),
                    _(
                        "Cash in the drawer: a total (1234.50) or pieces (100x3 50x1), values {values}"
                    ).format(values=DENOMINATION_TEXT),
                    check=count_from_text,
                ),
                counted,
            )

        self.shopdesk.with_approval("close_day", approved)

    @guarded
    def action_print_report(self) -> None:
        from shopdesk.services.printing import print_report
        from shopdesk.services.reports import report_sheet

        if self.report is None or self.shopdesk.shop is None:
            return
        sheet = report_sheet(self.report, self.shopdesk.shop.profile.receipt_language)
        print_report(self.shopdesk.shop, sheet)
        self.notify(_("Report sent to the printer."))

    @guarded
    def action_export(self) -> None:
        from shopdesk.tui.screens.export import ExportScreen

        self.app.push_screen(ExportScreen(on_exported=self.refresh_state))

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand(
                _("Start outage"),
                _("Record that the e-invoice system is down (F2)"),
                self.action_start,
            ),
            SystemCommand(_("End outage"), _("Record that it is back (F3)"), self.action_end),
            SystemCommand(
                _("X report"), _("The open shift's running totals (F4)"), self.action_report_x
            ),
            SystemCommand(_("Print"), _("Print the report shown (F5)"), self.action_print_report),
            SystemCommand(
                _("Z (close shift)"),
                _("Close the shift: manager PIN, count the drawer (F6)"),
                self.action_report_z,
            ),
            SystemCommand(
                _("Export batch"),
                _("Write the waiting receipts to a folder, e.g. a USB stick (F7)"),
                self.action_export,
            ),
            SystemCommand(_("Back"), _("Back to the sale (Esc)"), self.action_back),
        ]
