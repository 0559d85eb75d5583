"""The parked sales (挂单) to resume one: a short list, Enter picks, Esc goes back.

The screen only shows :func:`shopdesk.services.parked.list_parked` and returns
the chosen number; resuming (and re-pricing) is the service's job.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from shopdesk.domain.money import format_yuan
from shopdesk.i18n import _
from shopdesk.services.parked import ParkedSale
from shopdesk.tui.screens.prompts import Dialog


class ParkedScreen(Dialog):
    """Pick a parked sale; dismisses with its number, or ``None`` on Esc."""

    def __init__(self, parked: list[ParkedSale]) -> None:
        super().__init__()
        self.parked = parked

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Parked sales"), classes="dialog-title")
            yield OptionList(
                *(
                    Option(
                        _("{number}. {time}  {item} … {lines} line(s)  {total}").format(
                            number=p.number,
                            time=p.parked_at[11:16],
                            item=p.first_item,
                            lines=p.lines,
                            total=format_yuan(p.total),
                        ),
                        id=str(p.number),
                    )
                    for p in self.parked
                ),
                id="parked-list",
            )
            yield Static(_("Enter: resume · Esc: back"), classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))
