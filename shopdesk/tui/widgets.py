"""Small widgets every screen shares: the top bar, the status bar, the QR view."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.notifications import Notification
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from shopdesk.i18n import _
from shopdesk.services.status import TillStatus
from shopdesk.tui.formats import date_time, money
from shopdesk.tui.qr import qr_size, qr_text

if TYPE_CHECKING:
    from shopdesk.tui.host import ShopHost


def elapsed_text(since: datetime, now: datetime) -> str:
    minutes = max(int((now - since).total_seconds() // 60), 0)
    return _("{hours}h {minutes}m").format(hours=minutes // 60, minutes=minutes % 60)


def printer_text(state: str) -> str:
    return {
        "preview": _("Printer: preview"),
        "ok": _("Printer: ready"),
        "paper_low": _("Printer: paper low"),
        "fault": _("Printer: FAULT"),
    }.get(state, _("Printer: not checked"))


def role_name(role: str) -> str:
    """``manager`` / ``cashier`` in the cashier's language."""
    return _("Manager") if role == "manager" else _("Cashier")


class TopBar(Static):
    """Shop, who is signed in (and their role) and the till clock (fixed in tests)."""

    def on_mount(self) -> None:
        self.update_text()
        self.set_interval(20, self.update_text)

    def on_resize(self) -> None:
        self.update_text()  # the clock keeps to the right edge

    def update_text(self) -> None:
        app: ShopHost = self.app  # type: ignore[assignment]
        if app.shop is None:
            return
        profile = app.shop.profile
        now = date_time(app.shop.now())
        left = f" {profile.shop_name} · {profile.terminal} · {app.cashier}"
        if app.cashier and app.cashier_role:  # signed in (a profile with people)
            left += f" ({role_name(app.cashier_role)})"
        width = max(self.size.width, 40)
        from rich.cells import cell_len

        gap = max(width - cell_len(left) - cell_len(now) - 1, 1)
        # One row (#topbar height 1): no layout pass for new words (issue 14, item 1).
        self.update(Text(left + " " * gap + now), layout=False)


class StatusBar(Static):
    """Outage clock, receipts waiting for export, printer state, training mode."""

    def on_mount(self) -> None:
        self.update_text()
        self.set_interval(30, self.update_text)

    def update_text(self) -> None:
        app: ShopHost = self.app  # type: ignore[assignment]
        if app.shop is None:
            return
        status: TillStatus = app.till_status()
        parts = []
        if status.training:
            parts.append("[reverse] " + _("TRAINING") + " [/]")
        if status.outage_since is not None:
            parts.append(
                _("Outage for {elapsed}").format(
                    elapsed=elapsed_text(status.outage_since, app.shop.now())
                )
            )
        else:
            parts.append(_("No outage open"))
        parts.append(
            _("Waiting for export: {count} ({amount})").format(
                count=status.waiting, amount=money(status.waiting_amount)
            )
        )
        if status.limits == "exceeded":
            parts.append("[reverse]" + _("Offline limit reached") + "[/]")
        elif status.limits == "warn":
            parts.append(_("Offline limit {percent}%").format(percent=status.limits_percent))
        if status.catalog_problems:
            parts.append(
                "[reverse]"
                + _("Catalog: {count} bad row(s)").format(count=status.catalog_problems)
                + "[/]"
            )
        parts.append(printer_text(status.printer))
        # One row (#status height 1): redrawn after every sale, it needs no layout pass.
        self.update(" " + " │ ".join(parts), layout=False)


class QrView(Static):
    """A QR code in half blocks, black on white whatever the theme.

    The signed payload makes a QR of about 50 modules (25 rows); when the space
    left for it is smaller (80×24), a line says so instead of a code no phone
    could read because it was cut.
    """

    payload = ""
    _drawn: tuple[str, str] = ("", "")

    def show(self, payload: str) -> None:
        self.payload = payload
        self.refresh(layout=True)

    def _fits(self, room: Size) -> bool:
        width, height = qr_size(self.payload)
        return height <= room.height and width + 2 <= room.width

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """The code's width when it fits the space around it, else the note's.

        Asked again at every layout (a resize too): the widget's size follows
        the decision, so a code drawn at 120×40 is never left half-drawn at 80×24.
        """
        if not self.payload:
            return 0
        if self._fits(container):
            return qr_size(self.payload)[0]
        return min(cell_len(self._too_small()), container.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self.payload:
            return 0
        return qr_size(self.payload)[1] if self._fits(container) else 1

    @staticmethod
    def _too_small() -> str:
        return _("QR: enlarge the window to see it")

    def render(self) -> Text:
        if not self.payload:
            return Text("")
        width, height = qr_size(self.payload)
        if height > self.size.height or width > self.size.width:  # laid out as the note
            return Text(self._too_small(), style="italic")
        if self._drawn[0] != self.payload:  # build once per payload, only when shown
            self._drawn = (self.payload, qr_text(self.payload))
        return Text(self._drawn[1])


class EntryField(Input):
    """The sale screen's one entry field, safe for a scanner's burst of keys.

    Input's own Enter is a binding whose action runs after keys already queued
    behind it have been typed into the field, so two fast scans could arrive as
    ``69019…69212…``. Here Enter is taken in the same ordered key stream as the
    digits: the text typed so far is posted and the field cleared at once.
    """

    class Entered(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text, self.value = self.value, ""
            self.post_message(self.Entered(text))
            return
        await super()._on_key(event)


class RowTable(DataTable):
    """A table of whole rows: Home and End go to the first and the last row.

    DataTable's own Home/End scroll sideways, which in a list that fits its
    width only hid the first columns (the receipt number).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "first_row", show=False),
        Binding("end", "last_row", show=False),
    ]

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)


class KeyBar(Static):
    """The screen's keys (``F2 数量 F3 删行 …``) in one row, or two when one cannot hold
    them all, clickable.

    Textual's Footer rebuilds a widget per key whenever the focused screen's
    bindings change, which is every time a dialog opens or closes; that was the
    largest single cost between the confirm key and the next sale's first frame.
    A till's keys do not change while a screen is shown, so the keys are read
    once when the screen mounts. The rows hold whole keys in the order of
    ``BINDINGS``; at 80 columns the sale screen's keys take a second row, so F1
    (park), Ctrl+O (drawer) and F11/F12 are on screen, not only in the palette
    (issue 14, item 2c). A key is never cut in half; one that fits neither row is
    left for the palette.
    """

    #: Rows the bar may take: the second only when the first is full.
    MAX_ROWS = 2

    _keys: list[Text] = []  # noqa: RUF012 - replaced per instance on mount

    def on_mount(self) -> None:
        self._keys = []
        seen: set[str] = set()
        for key, binding in self.screen._bindings:
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            # A click runs the same action as the key (Textual reads "@click" meta).
            click = {"@click": "screen." + binding.action}
            entry = Text(no_wrap=True)
            entry.append(binding.key_display or key.upper(), Style(reverse=True, meta=click))
            entry.append(" " + binding.description, Style(meta=click))
            self._keys.append(entry)
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        width = self.size.width or 80
        rows = [Text(no_wrap=True, overflow="ellipsis")]
        for entry in self._keys:
            line = rows[-1]
            if line and line.cell_len + 1 + entry.cell_len > width:
                if len(rows) == self.MAX_ROWS:
                    break
                line = Text(no_wrap=True, overflow="ellipsis")
                rows.append(line)
            if line:
                line.append(" ")
            line.append_text(entry)
        self.styles.height = len(rows)
        self.update(Text("\n").join(rows))
        for bar in self.screen.query(NoticeBar):
            bar.sit_above(len(rows))


class NoticeBar(Vertical):
    """The app's notices, on rows of their own above the key bar, newest first.

    Textual's toasts float at the bottom right, which on the sale screen is over
    the big change digits, the one figure the cashier needs after a sale. And an
    overlay is cut wherever a widget underneath starts or ends (the compositor
    splits every screen line at those edges); a Chinese character straddling
    such an edge is drawn as two blanks, so notices lost characters (issue 14,
    items 1 and 2). Here the notices take rows from the layout: nothing lies
    under them and they lie over nothing.
    """

    _expiry: Timer | None = None
    #: The notices on show: the same ones again (every screen switch asks) are left be,
    #: since rebuilding them costs a layout pass between a sale and the next.
    _shown: tuple[str, ...] | None = None

    def on_mount(self) -> None:
        rows = [
            int(bar.styles.height.value) for bar in self.screen.query(KeyBar) if bar.styles.height
        ]
        self.sit_above(max(rows, default=1))

    def sit_above(self, keybar_rows: int) -> None:
        """Keep clear of every row of the key bar: at 80 columns it may take two."""
        if self.styles.margin.bottom != keybar_rows:
            self.styles.margin = (0, 0, keybar_rows, 0)

    def show(self, notifications: list[Notification]) -> None:
        """Show these notices (the app's current ones) and hide each when it times out."""
        shown = tuple(note.identity for note in notifications)
        if shown == self._shown:
            return
        self._shown = shown
        self.remove_children()
        self.mount_all(
            Static(note.message, markup=note.markup, classes=f"notice -{note.severity}")
            for note in reversed(notifications)
        )
        self.display = bool(notifications)
        if self._expiry is not None:
            self._expiry.stop()
            self._expiry = None
        if notifications:
            soonest = min(note.time_left for note in notifications)
            self._expiry = self.set_timer(max(soonest, 0.05), self._expire)

    def _expire(self) -> None:
        self._expiry = None
        self.app._refresh_notifications()  # the app's list drops what has timed out
