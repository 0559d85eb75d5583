"""``ShopHost``: what a screen may ask of the app that runs it, and nothing more.

Screens, dialogs, forms and widgets read the open shop and the sale in
progress, and ask for the few use cases that outlive a screen (issue, void,
approvals, printing in the background), through this protocol — never through
``shopdesk.tui.app``. ``ShopdeskApp`` satisfies it; a test may run a screen in
a small Textual app that does too (tests/tui/test_house.py), so a screen can be
read and tested alone (issue 14, item 12).

Navigation (``push_screen``, ``pop_screen``, ``exit``) is Textual's own and is
reached through ``self.app``. Screens open one another in one direction only:
the sale screen opens pay, buyer, parked, receipts, outage and settings;
receipts opens returns; outage opens export; settings opens the profile
dialogs; set-up borrows settings' language names. None opens its opener, and
the app alone opens the sign-in, set-up and sale screens.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from shopdesk.domain.sale import Payment
    from shopdesk.services.approval import Approval
    from shopdesk.services.cart import Cart
    from shopdesk.services.sales import IssuedReceipt
    from shopdesk.services.shop import Shop
    from shopdesk.services.status import TillStatus
    from shopdesk.services.themes import ThemeSpec
    from shopdesk.services.uistate import UiState


class ShopHost(Protocol):
    """The app as its screens see it: the shop's state and the calls that change it."""

    home: Path
    shop: Shop | None
    cart: Cart | None
    training: bool
    cashier: str
    #: ``cashier``/``manager`` for the signed-in person; empty without [[people]].
    cashier_role: str
    #: The manager's yes behind the last PIN dialog (see :meth:`with_pin`).
    approval: Approval | None
    last_issued: IssuedReceipt | None
    ui_state: UiState
    theme_specs: list[ThemeSpec]
    theme: str
    #: None, "ok", "paper_low" or "fault": what the app last learnt of the printer.
    printer_seen: str | None
    clock_confirmed: bool

    # -- words and errors ------------------------------------------------------------
    @property
    def lang(self) -> str: ...
    def say(self, code: str, **data: object) -> str: ...
    def report_error(self, error: BaseException) -> None: ...

    # -- approvals --------------------------------------------------------------------
    def approve_pin(self, action: str, pin: str) -> Approval: ...
    def with_pin(self, then: Callable[[], object], action: str) -> None: ...
    def with_approval(self, action: str, then: Callable[[Approval], object]) -> None: ...

    # -- the sale, receipts and printing ----------------------------------------------
    def issue(self, payments: list[Payment]) -> IssuedReceipt: ...
    def void(self, number: str, reason: str) -> dict: ...
    def print_again(self, number: str | None = None) -> None: ...
    def start_refund_print(self, record: dict) -> None: ...
    def ask_cancel_sale(self, question: str, then: Callable[[], object]) -> None: ...
    def till_status(self) -> TillStatus: ...
    def refresh_status(self) -> None: ...

    # -- background work ----------------------------------------------------------------
    def run_job(self, job: Callable[[], object], *, group: str) -> None: ...

    # -- Textual's own, for the helpers handed the host rather than a screen -------------
    def notify(self, message: str, **options: Any) -> None: ...
    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...
    def push_screen(self, screen: Any, callback: Any = None) -> Any: ...

    # -- people, settings and the shop itself -----------------------------------------
    def sign_in(self, name: str, pin: str) -> None: ...
    async def sign_out(self) -> None: ...
    def set_cashier(self, name: str) -> None: ...
    def set_training(self, on: bool, approval: Approval | None = None) -> None: ...
    def set_language_choice(self, lang: str) -> None: ...
    def set_theme_choice(self, name: str) -> None: ...
    def remember_export_folder(self, folder: Path) -> None: ...
    def profile_changed(self) -> None: ...
    def open_demo_shop(self) -> None: ...
    def create_shop(self, **details: object) -> None: ...
    def first_frame_shown(self) -> None: ...


class OnHost:
    """Mixed into a screen or dialog: ``self.shopdesk`` is its app, typed as :class:`ShopHost`.

    Textual types ``self.app`` as any ``App``; this names what a screen may use of
    it, in one place instead of a property copied into every screen.
    """

    @property
    def shopdesk(self) -> ShopHost:
        return self.app  # type: ignore[attr-defined,no-any-return]
