"""``ShopdeskApp``: opens the shop, holds the sale in progress, and runs the screens.

The app owns the state that must outlive any one screen — the open shop, the
cart, training mode, the last issued receipt — and the few use-case calls the
screens trigger (issue, void), each one call into :mod:`shopdesk.services`.
Screens only show that state and turn keys into those calls.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.notifications import Notification, Notify, SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from shopdesk import i18n
from shopdesk.domain.sale import Payment
from shopdesk.errors import ShopdeskError
from shopdesk.i18n import N_, _
from shopdesk.messages import system_language
from shopdesk.services.approval import Approval, approve
from shopdesk.services.cart import Cart
from shopdesk.services.sales import IssuedReceipt, issue_receipt, void_receipt
from shopdesk.services.shop import Shop, bundled
from shopdesk.services.status import TillStatus, till_status
from shopdesk.services.themes import ThemeSpec, load_themes
from shopdesk.services.uistate import UiState, load_ui_state, save_ui_state
from shopdesk.tui.bindings import translate_bindings
from shopdesk.tui.errors import log_unexpected
from shopdesk.tui.keyqueue import KeyQueue
from shopdesk.tui.wording import app_message

if TYPE_CHECKING:
    from shopdesk.services.printing import PrintOutcome

DEFAULT_THEME = "shopdesk-light"
#: Set by bench/bench_tui.py: the app writes the time of the sale screen's first
#: frame to this file and exits, so cold start can be timed from outside.
FIRST_FRAME_ENV = "SHOPDESK_FIRST_FRAME_FILE"
#: At exit, how long to wait for a print job or an export still running (a hung
#: network printer gives up after its own timeout, well within this).
JOB_WAIT_SECONDS = 60


def theme_from_spec(spec: ThemeSpec) -> Theme:
    return Theme(name=spec.name, dark=spec.dark, variables=spec.variables, **spec.colors)


class ShopdeskApp(App[int]):
    """A cashier's day at the keyboard: sale, pay, receipts, settings."""

    CSS_PATH = "shopdesk.tcss"
    TITLE = "shopdesk"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", N_("Quit"), show=False, priority=True),
    ]

    def __init__(
        self,
        home: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        language: str | None = None,
    ) -> None:
        self.home = home
        self.clock = clock
        self.language_override = language
        self.shop: Shop | None = None
        self.cart: Cart | None = None
        self.training = False
        self.cashier = ""
        #: The signed-in person's role (``cashier``/``manager``); empty without [[people]].
        self.cashier_role = ""
        #: The manager's yes behind the last PIN dialog (see with_pin), and the one
        #: the sale in the cart carries for its price override or discount.
        self.approval: Approval | None = None
        self.sale_approval: Approval | None = None
        self.last_issued: IssuedReceipt | None = None
        self.ui_state: UiState = load_ui_state(home)
        self.theme_specs: list[ThemeSpec] = []
        #: What the app last learnt of the printer, for the status bar: None (nothing
        #: yet), "ok", "paper_low" or "fault" (see services.status.printer_state).
        self.printer_seen: str | None = None
        #: Receipts whose print failed since the app started, oldest first, for F11
        #: (print again): a later receipt printing fine does not forget them.
        self.failed_prints: list[str] = []
        #: The notice saying so: withdrawn once that receipt prints.
        self._print_notice: Notification | None = None
        #: The cashier confirmed a date far after the last record (asked once).
        self.clock_confirmed = False
        #: Serialises ledger appends from the UI thread and worker threads.
        self._ledger_lock = threading.Lock()
        #: Background jobs running (see run_job), and a lock for the count.
        self._jobs = 0
        self._jobs_changed = threading.Lock()
        i18n.set_language(self._pick_language(None))
        super().__init__()
        translate_bindings(self)
        #: Keys from the terminal, released one at a time (issue 14, item 6).
        self.keys = KeyQueue(self, super().post_message)

    def post_message(self, message: Message) -> bool:
        """A key from the terminal waits in :class:`KeyQueue` until the app is ready for it.

        Forwarded keys (on their way back up from a widget) and every other
        message go straight on.
        """
        if isinstance(message, events.Key) and not message.is_forwarded:
            if self._loop is not None and threading.get_ident() != self._thread_id:
                self._loop.call_soon_threadsafe(self.post_message, message)
                return True
            return self.keys.hold(message)
        return super().post_message(message)

    # -- start-up -----------------------------------------------------------------
    def _pick_language(self, shop: Shop | None) -> str:
        """Settings choice, else the profile's ``[shop] language``, else the system's."""
        if self.language_override in ("zh", "en"):
            return self.language_override
        if self.ui_state.language:
            return self.ui_state.language
        if shop is not None:
            explicit = shop.profile.raw.get("shop", {}).get("language")
            if explicit in ("zh", "en"):
                return explicit
        return system_language()

    def on_mount(self) -> None:
        self._load_themes()
        try:
            self.shop = Shop.open(self.home, clock=self.clock)
        except ShopdeskError as error:
            if error.code == "home.missing":
                from shopdesk.tui.screens.setup import SetupScreen

                self.push_screen(SetupScreen())
                return
            from shopdesk.tui.screens.prompts import ProblemScreen

            self.push_screen(ProblemScreen(self.say(error.code, **error.data), error.code))
            return
        self._start_shop()

    def _start_shop(self) -> None:
        assert self.shop is not None
        i18n.set_language(self._pick_language(self.shop))
        translate_bindings(self)
        self.cart = Cart(self.shop.catalog)
        self.training = self.shop.profile.training
        self.cashier = "" if self.shop.profile.people else self.shop.profile.cashiers[0]
        # The view of a big ledger is hundreds of thousands of long-lived objects;
        # without this every full garbage collection walks them all again (tens of
        # ms each, felt as stutter). They live as long as the app anyway.
        gc.freeze()
        self._serialise_ledger_writes()
        if self.shop.profile.people:  # each person signs in with their own PIN
            from shopdesk.tui.screens.signin import SignInScreen

            first: Screen = SignInScreen()
        else:
            from shopdesk.tui.screens.sale import SaleScreen

            first = SaleScreen()
        if len(self.screen_stack) > 1:  # the first-run form goes; the sale takes its place
            self.switch_screen(first)
        else:
            self.push_screen(first)
        self.warn_about_clock()
        self.warn_about_demo_pin()

    def warn_about_demo_pin(self) -> None:
        """A real shop still guarded by the demo's 1234: say so at every start."""
        from shopdesk.services.approval import demo_pin_notice

        assert self.shop is not None
        notice = demo_pin_notice(self.shop)
        if notice is not None:
            self.notify(self.say(notice.code, **notice.data), severity="error", timeout=30)

    def warn_about_clock(self) -> None:
        """Say at once, not at the first payment, that the PC's clock looks wrong."""
        from shopdesk.services.clock_guard import clock_state

        assert self.shop is not None
        state = clock_state(self.shop)
        notice = state.warning()
        if notice is not None:
            severity = "error" if state.behind else "warning"
            self.notify(self.say(notice.code, **notice.data), severity=severity, timeout=30)

    def _serialise_ledger_writes(self) -> None:
        """Receipts are printed on a worker thread, which appends the print record;
        sales and voids append on the UI thread. One lock around ``append`` keeps
        the chain in order while the printer's slow I/O runs outside it."""
        assert self.shop is not None
        ledger = self.shop.ledger
        append = ledger.append
        lock = self._ledger_lock

        def locked_append(*args: object, **kwargs: object) -> dict:
            with lock:
                return append(*args, **kwargs)  # type: ignore[arg-type]

        ledger.append = locked_append  # type: ignore[method-assign]

    def run_job(self, job: Callable[[], object], *, group: str) -> None:
        """Run ``job`` on a worker thread that the app waits for before it closes the shop.

        Print jobs and exports append to the ledger when they finish; closing the
        ledger under them would lose that record (a printed receipt that says it
        was not, a batch written but not recorded).
        """

        def counted() -> None:
            with self._jobs_changed:
                self._jobs += 1
            try:
                job()
            finally:
                with self._jobs_changed:
                    self._jobs -= 1

        self.run_worker(counted, thread=True, group=group, exit_on_error=False)

    async def on_unmount(self) -> None:
        """Last thing at exit: wait for background jobs, then close the shop.

        Closing releases the ledger lock and writes the view's checkpoint, so the
        next start opens fast. The wait is on the event loop (not a blocking
        join): a job finishing hands its result back through it.
        """
        import asyncio

        self.keys.stop()
        deadline = time.monotonic() + JOB_WAIT_SECONDS
        while self._jobs and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self.shop is not None:
            with self._ledger_lock:
                self.shop.close()

    def open_demo_shop(self) -> None:
        """First run: create the demo shop in the chosen home and open it."""
        self.create_shop(demo=True)

    def create_shop(self, **details: object) -> None:
        """First run: create the shop (see ``init_shop``) in the chosen home and open it."""
        from shopdesk.services.shop import init_shop

        init_shop(self.home, clock=self.clock, **details).close()  # type: ignore[arg-type]
        self.shop = Shop.open(self.home, clock=self.clock)
        self._start_shop()

    def _load_themes(self) -> None:
        specs, errors = load_themes(bundled("themes"))
        for error in errors:
            log_unexpected(self.home if self.home.is_dir() else None, error)
        self.theme_specs = specs
        for spec in specs:
            self.register_theme(theme_from_spec(spec))
        names = {spec.name for spec in specs}
        wanted = self.ui_state.theme
        self.theme = (
            wanted
            if wanted in names
            else (DEFAULT_THEME if DEFAULT_THEME in names else "textual-light")
        )

    def first_frame_shown(self) -> None:
        """Called by the sale screen after its first refresh (see FIRST_FRAME_ENV)."""
        target = os.environ.get(FIRST_FRAME_ENV)
        if target:
            # wall clock: the launching benchmark compares it with its own start time
            Path(target).write_text(repr(time.time()), encoding="utf-8")
            self.exit(0)
            return
        self.set_timer(0.2, self._warm_up)

    def _warm_up(self) -> None:
        """Import the other screens while the cashier looks at the first frame.

        Start-up imports only what the sale screen needs; the first F7 or F10
        should not pay for importing its screen.
        """
        import shopdesk.services.printing
        import shopdesk.tui.screens.buyer
        import shopdesk.tui.screens.pay
        import shopdesk.tui.screens.receipts
        import shopdesk.tui.screens.settings  # noqa: F401

        self.check_printer()

    @property
    def failed_print(self) -> str | None:
        """The receipt F11 prints: the oldest whose print failed, or None."""
        return self.failed_prints[0] if self.failed_prints else None

    def _note_print(self, number: str, ok: bool) -> None:
        """Keep :attr:`failed_prints` up to date with one receipt's print outcome."""
        if number in self.failed_prints:
            self.failed_prints.remove(number)
        if not ok:
            self.failed_prints.append(number)

    def _waiting_prints_text(self) -> str:
        """How many receipts wait for F11, and which one it prints next."""
        count, number = len(self.failed_prints), self.failed_print
        if count == 1:
            return _("1 receipt waits for F11 (print again): {number}.").format(number=number)
        return _("{count} receipts wait for F11 (print again), oldest first: {number}.").format(
            count=count, number=number
        )

    # -- words --------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return i18n.language()

    def say(self, code: str, **data: object) -> str:
        return app_message(code, self.lang, **data)

    def _refresh_notifications(self) -> None:
        """Show the notices in the screen's own :class:`NoticeBar`, not in Textual's toasts.

        Textual calls this whenever a notice comes or goes and when a screen
        comes back; the toasts it would show cover the change and lose Chinese
        characters (see NoticeBar). The bar is added to a screen the first time.
        """
        from textual.app import ScreenStackError
        from textual.css.query import NoMatches

        from shopdesk.tui.widgets import NoticeBar

        try:
            screen = self.screen
        except ScreenStackError:
            return
        notes = list(self._notifications)
        held_back = getattr(screen, "held_back_notices", ())  # see PayScreen
        notes = [note for note in notes if note.identity not in held_back]
        try:
            bar = screen.query_children(NoticeBar).first()
        except NoMatches:
            bar = NoticeBar()
            screen.mount(bar)
        self.call_later(bar.show, notes)

    def report_error(self, error: BaseException) -> None:
        """Show an error where it happened; log the unexpected ones. Never raises."""
        try:
            if isinstance(error, ShopdeskError):
                self.notify(self.say(error.code, **error.data), severity="error", timeout=8)
            else:
                path = log_unexpected(self.home, error)
                self.notify(
                    self.say("error.unexpected", error=f"{type(error).__name__}: {error}", log=path)
                    + " "
                    + _("The sale in progress is kept."),
                    severity="error",
                    timeout=15,
                )
        except Exception as inner:  # pragma: no cover - last resort
            log_unexpected(self.home, inner)

    def _handle_exception(self, error: Exception) -> None:
        # Handlers are wrapped by @guarded; anything reaching here escaped Textual
        # itself. Log it to the shop home before Textual shuts the app down.
        log_unexpected(self.home if self.home.is_dir() else None, error)
        super()._handle_exception(error)

    # -- use cases the screens call ------------------------------------------------
    def issue(self, payments: list[Payment]) -> IssuedReceipt:
        """Commit the sale in the cart as a signed receipt and start the next one."""
        assert self.shop is not None and self.cart is not None
        draft = self.cart.draft_with_payments(payments)
        issued = issue_receipt(
            self.shop,
            draft,
            cashier=self.cashier,
            training=self.training,
            clock_confirmed=self.clock_confirmed,
            approval=self.sale_approval,
        )
        self.cart.clear()
        self.sale_approval = None
        self.last_issued = issued
        for notice in issued.warnings:  # offline limits near, outage started, day closed
            self.notify(self.say(notice.code, **notice.data), severity="warning", timeout=10)
        self.start_print(issued.number, record=issued.record)
        return issued

    def cancel_sale(self, approval: Approval | None) -> None:
        """F8: drop the sale in progress, recorded as ``sale.cancelled`` (issue 13, item 5).

        The receipt issued before it is forgotten too: shown again with its
        change, it looked as if the cancelled sale had gone through.
        """
        from shopdesk.services.till_events import cancel_sale

        assert self.shop is not None and self.cart is not None
        cancel_sale(
            self.shop, self.cart, by=self.cashier, training=self.training, approval=approval
        )
        self.sale_approval = None  # an approved price or discount went with the sale
        self.last_issued = None

    # -- printing: after the commit, off the UI thread ------------------------------
    def start_print(self, number: str, *, record: dict | None = None) -> None:
        """Print a committed receipt in the background; the next sale starts at once.

        The printing service records every attempt and never raises for a
        printer fault, so the worst a printer can do is a banner saying the
        receipt is saved but not printed, and what to check.
        """
        self.run_job(lambda: self._print_job(number, record), group="print")

    def _print_job(self, number: str, record: dict | None) -> None:
        from shopdesk.services.printing import print_receipt

        assert self.shop is not None
        try:
            outcome = print_receipt(self.shop, number, record=record)
        except Exception as error:  # e.g. the receipt vanished: report, never crash
            self.call_from_thread(self.report_error, error)
            return
        self.call_from_thread(self._printed, outcome)

    def _printed(self, outcome: object) -> None:
        from shopdesk.services.printing import PrintOutcome

        assert isinstance(outcome, PrintOutcome)
        self.printer_seen = "ok" if outcome.ok else "fault"
        self._note_print(outcome.number, outcome.ok)
        if outcome.ok:
            self._withdraw_print_notice()
        if outcome.record_error is not None:  # issued either way: never "not issued"
            from shopdesk.messages import print_record_lost_text

            self.notify(print_record_lost_text(self.say, outcome), severity="error", timeout=60)
        elif outcome.ok:
            if self.failed_prints:  # printed; earlier failed ones still wait
                self._post_print_notice(self._waiting_prints_text(), "warning")
        else:
            reason = self.say(outcome.error.code, **outcome.error.data) if outcome.error else ""
            text = _("Receipt {number} is saved but NOT printed: {reason}").format(
                number=outcome.number, reason=reason
            )
            if len(self.failed_prints) == 1:
                text += " " + _("Fix the printer, then press F11 to print it.")
            else:
                text += " " + self._waiting_prints_text()
            self._post_print_notice(text, "error")
        self.refresh_status()

    def _post_print_notice(self, text: str, severity: SeverityLevel) -> None:
        """One notice about receipts not printed: the newest replaces the one before."""
        self._withdraw_print_notice()
        self._print_notice = Notification(text, severity=severity, timeout=60, markup=False)
        self.post_message(Notify(self._print_notice))

    def _withdraw_print_notice(self) -> None:
        """A receipt printed (F11, or the next sale's): the earlier "NOT printed" notice
        no longer stands; left up, it told the cashier to print a receipt already printed."""
        notice, self._print_notice = self._print_notice, None
        if notice is not None and notice in self._notifications:
            self._unnotify(notice)

    def check_printer(self) -> None:
        """Ask the printer how it is, off the UI thread: at start and after a new printer
        is saved, so an unplugged printer or a low roll shows before the first receipt."""
        if self.shop is None or self.shop.profile.printer.url == "preview":
            return
        from shopdesk.services.status import printer_check

        shop = self.shop

        def ask() -> None:
            seen, code, data = printer_check(shop)
            self.call_from_thread(self._printer_checked, seen, code, data)

        self.run_job(ask, group="print")

    def _printer_checked(self, seen: str, code: str | None, data: dict) -> None:
        if self.printer_seen == "fault" and self.failed_print is not None and seen != "fault":
            seen = "fault"  # a receipt still waits for F11: the bar keeps saying so
        self.printer_seen = seen
        if code is not None:
            self.notify(
                self.say(code, **data),
                severity="error" if seen == "fault" else "warning",
                timeout=20,
            )
        self.refresh_status()

    def print_again(self, number: str | None = None) -> None:
        """F11 on the sale screen (the failed one), F5 in receipts (a marked copy)."""
        number = number or self.failed_print
        if number is None:
            self.notify(_("Nothing is waiting to be printed."))
            return
        self.start_print(number)

    def void(self, number: str, reason: str) -> dict:
        """Record the void (``void_receipt`` refuses an empty reason …); the void record."""
        assert self.shop is not None
        return void_receipt(
            self.shop, number, reason=reason, who=self.cashier, approval=self.approval
        )

    def approve_pin(self, action: str, pin: str) -> Approval:
        """The PIN dialog's check: :func:`shopdesk.services.approval.approve` (lockout included)."""
        assert self.shop is not None
        return approve(self.shop, action, pin)

    def with_pin(self, then: Callable[[], object], action: str) -> None:
        """Ask a manager's PIN for ``action``, then run ``then`` (nothing on Esc).

        The approval stays in :attr:`approval` for the service ``then`` calls;
        a price override or discount also keeps it for the sale (``sale_approval``).
        """

        def approved(approval: Approval) -> None:
            self.approval = approval
            if action in ("price_override", "discount"):
                self.sale_approval = approval
            then()

        self.with_approval(action, approved)

    def with_approval(self, action: str, then: Callable[[Approval], object]) -> None:
        """Ask for the manager's PIN for ``action``, then run ``then(approval)`` (nothing on Esc).

        For services that record who approved (``approved_by``): the PIN goes
        through :func:`shopdesk.services.approval.approve`, as the CLI's does.
        """
        from shopdesk.tui.screens.prompts import PinScreen

        def done(approval: Approval | None) -> None:
            if approval is not None:
                guarded_call(self, lambda: then(approval))

        self.push_screen(PinScreen(action), done)

    def start_refund_print(self, record: dict) -> None:
        """Print a refund receipt (退货) in the background, as a sale's receipt is."""
        from shopdesk.services.printing import print_refund

        def job() -> None:
            assert self.shop is not None
            try:
                outcome = print_refund(self.shop, record)
            except Exception as error:  # report, never crash
                self.call_from_thread(self.report_error, error)
                return
            self.call_from_thread(self._refund_printed, outcome)

        self.run_job(job, group="print")

    def _refund_printed(self, outcome: PrintOutcome) -> None:
        """A refund that did not print is saved all the same: say so (F11 is for sales)."""
        self.printer_seen = "ok" if outcome.ok else "fault"
        if outcome.record_error is not None:
            from shopdesk.messages import print_record_lost_text

            self.notify(print_record_lost_text(self.say, outcome), severity="error", timeout=60)
        elif not outcome.ok:
            reason = self.say(outcome.error.code, **outcome.error.data) if outcome.error else ""
            self.notify(
                _("Refund {number} is saved but NOT printed: {reason}").format(
                    number=outcome.number, reason=reason
                ),
                severity="error",
                timeout=60,
            )
        self.refresh_status()

    def till_status(self) -> TillStatus:
        assert self.shop is not None
        return till_status(self.shop, self.training, self.printer_seen)

    def refresh_status(self) -> None:
        from shopdesk.tui.widgets import StatusBar, TopBar

        for bar in self.screen.query(StatusBar):
            bar.update_text()
        for top in self.screen.query(TopBar):
            top.update_text()

    # -- settings -----------------------------------------------------------------
    def set_theme_choice(self, name: str) -> None:
        if name not in {spec.name for spec in self.theme_specs}:
            return
        self.theme = name
        self.ui_state.theme = name
        save_ui_state(self.home, self.ui_state)

    def remember_export_folder(self, folder: Path) -> None:
        """The folder a batch goes to is offered again next time, after a restart too."""
        self.ui_state.export_folder = str(folder)
        save_ui_state(self.home, self.ui_state)

    def sign_in(self, name: str, pin: str) -> None:
        """``name`` proved by their own PIN (:func:`shopdesk.services.approval.sign_in`,
        the approvals' lockout) is who every later record names; the sale screen follows."""
        from shopdesk.services.approval import sign_in
        from shopdesk.tui.screens.sale import SaleScreen

        assert self.shop is not None
        person = sign_in(self.shop, name, pin)
        self.cashier, self.cashier_role = person.name, person.role
        self.switch_screen(SaleScreen())

    async def sign_out(self) -> None:
        """Back to the sign-in screen for the next person; not with a sale in progress
        (it would pass to them under the first person's name): park or finish it first."""
        from shopdesk.tui.screens.signin import SignInScreen

        if self.cart is not None and not self.cart.is_empty():
            self.notify(
                _(
                    "A sale is in progress: finish it, park it (F1) or cancel it (F8), then sign out."
                ),
                severity="warning",
            )
            return
        self.cashier, self.cashier_role = "", ""
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        await self.switch_screen(SignInScreen())

    def set_cashier(self, name: str) -> None:
        """The name every later receipt, void and profile change records as ``by``."""
        assert self.shop is not None
        if name in self.shop.profile.cashiers:
            self.cashier = name
            self.refresh_status()

    def profile_changed(self) -> None:
        """After a settings dialog saved: the bars and the settings screen show the new profile."""
        assert self.shop is not None
        if self.cashier not in self.shop.profile.cashiers:
            self.cashier = self.shop.profile.cashiers[0]
        refresh = getattr(self.screen, "show_profile", None)
        if refresh is not None:
            refresh()
        self.refresh_status()
        if self.printer_seen is None:  # a new printer was saved: ask it how it is
            self.check_printer()

    def set_training(self, on: bool, approval: Approval | None = None) -> None:
        """Switch training mode, recorded with who and who approved (needed to switch it on)."""
        from shopdesk.services.till_events import set_training

        assert self.shop is not None
        set_training(self.shop, on, by=self.cashier, approval=approval)
        self.training = on
        self.refresh_status()

    def set_language_choice(self, lang: str) -> None:
        """Switch language and rebuild the screens; the cart is untouched.

        The rebuild runs later on the app's own message loop: a screen awaiting
        its own removal from inside one of its handlers would wait forever.
        """
        if lang not in ("zh", "en"):
            return
        self.ui_state.language = lang
        save_ui_state(self.home, self.ui_state)
        i18n.set_language(lang)
        translate_bindings(self)
        self.call_later(self._rebuild_screens)

    async def _rebuild_screens(self) -> None:
        from shopdesk.tui.screens.sale import SaleScreen
        from shopdesk.tui.screens.settings import SettingsScreen

        while len(self.screen_stack) > 2:
            await self.pop_screen()
        await self.switch_screen(SaleScreen())
        await self.push_screen(SettingsScreen(focus="language"))

    # -- quitting -----------------------------------------------------------------
    async def action_quit(self) -> None:
        """Ctrl+Q: quit; a sale in progress is cancelled first, as F8 does (issue 13).

        Quitting dropped the cart without a record, a way round F8's PIN and
        ``sale.cancelled`` record; now it is that same cancel, then the exit.
        """
        if self.cart is None or self.cart.is_empty():
            self.exit()
            return
        question = _("A sale is in progress. Quit and cancel it? The cancellation is recorded.")
        self.ask_cancel_sale(question, self.exit)

    def ask_cancel_sale(self, question: str, then: Callable[[], object]) -> None:
        """Ask ``question``; on yes cancel the sale (the manager's PIN when the profile
        asks for it, see ``needs_approval``), then run ``then``. No, or Esc at the PIN,
        keeps the sale and records nothing."""
        from shopdesk.services.till_events import needs_approval
        from shopdesk.tui.screens.prompts import ConfirmScreen

        assert self.shop is not None

        def cancel(approval: Approval | None) -> None:
            self.cancel_sale(approval)
            then()

        def done(yes: bool | None) -> None:
            if not yes:
                return
            if needs_approval(self.shop, "cancel_sale"):  # type: ignore[arg-type]
                self.with_approval("cancel_sale", cancel)
            else:
                guarded_call(self, lambda: cancel(None))

        self.push_screen(ConfirmScreen(question), done)

    def action_help_quit(self) -> None:
        """Ctrl+C (a reflex to quit; in a text field it copies): say how, in the cashier's words.

        Textual's own hint is in English and names the key in lowercase.
        """
        self.notify(_("To quit shopdesk, press Ctrl+Q."))

    # -- command palette -----------------------------------------------------------
    def action_command_palette(self) -> None:
        """Textual's palette, with the search prompt in the cashier's language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=_("Search for actions…"))
            )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette lists the app's actions in the cashier's language."""
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            yield from commands()
        yield SystemCommand(
            _("Keys"), _("Show every key of this screen"), self.action_show_help_panel
        )
        yield SystemCommand(_("Quit"), _("Close shopdesk"), self.action_quit)


def guarded_call(app: ShopdeskApp, fn: Callable[[], object]) -> None:
    try:
        fn()
    except Exception as error:
        app.report_error(error)


def run_app(home: Path, language: str | None = None) -> int:
    app = ShopdeskApp(home, language=language)
    result = app.run()
    return int(result or 0)
