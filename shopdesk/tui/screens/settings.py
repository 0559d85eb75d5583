"""Settings: theme, language, cashier and training here; shop, printer and PIN in dialogs.

Theme and language are remembered per shop home (``ui-state.json``); training
mode is for this session only, so a forgotten switch cannot turn a whole
day's sales into training receipts (the profile's ``training`` sets the start).
The shop profile, the printer and the manager PIN live in ``profile.toml``;
their dialogs (:mod:`shopdesk.tui.screens.profile`) take the manager's PIN.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Label, Select, Static, Switch

from shopdesk.i18n import N_, _
from shopdesk.messages import language_names
from shopdesk.tui.errors import guarded
from shopdesk.tui.host import OnHost
from shopdesk.tui.widgets import KeyBar, StatusBar, TopBar

if TYPE_CHECKING:
    from shopdesk.services.approval import Approval

LANGUAGE_NAMES = language_names()


class SettingsScreen(OnHost, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "focus_field('theme')", N_("Theme")),
        Binding("f3", "focus_field('language')", N_("Language")),
        Binding("f4", "toggle_training", N_("Training")),
        Binding("f5", "focus_field('cashier')", N_("Cashier")),
        Binding("f6", "shop_profile", N_("Shop")),
        Binding("f7", "printer", N_("Printer")),
        Binding("f8", "change_pin", N_("PIN")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self, focus: str = "theme") -> None:
        super().__init__()
        self.first_focus = focus
        self.cashiers_shown: tuple[str, ...] = ()
        from shopdesk.tui.bindings import translate_bindings

        if self.signs_in:  # people sign in: F5 hands the till to the next one
            self._bindings.key_to_bindings["f5"] = [Binding("f5", "sign_out", N_("Sign out"))]
        translate_bindings(self)

    @property
    def signs_in(self) -> bool:
        """The profile lists ``[[people]]``: the cashier is who signed in, not a pick here."""
        return bool(self.shopdesk.shop.profile.people)  # type: ignore[union-attr]

    def compose(self) -> ComposeResult:
        app = self.shopdesk
        self.cashiers_shown = app.shop.profile.cashiers  # type: ignore[union-attr]
        yield TopBar(id="topbar")
        with Vertical(id="settings"):
            yield Static(_("Settings"), classes="dialog-title")
            with Horizontal(classes="setting"):
                yield Label(_("Theme"), classes="setting-label")
                yield Select(
                    [(spec.label(app.lang), spec.name) for spec in app.theme_specs],
                    value=app.theme,
                    allow_blank=False,
                    id="theme",
                )
            with Horizontal(classes="setting"):
                yield Label(_("Language"), classes="setting-label")
                yield Select(LANGUAGE_NAMES, value=app.lang, allow_blank=False, id="language")
            with Horizontal(classes="setting"):
                yield Label(_("Cashier"), classes="setting-label")
                if self.signs_in:
                    yield Static(
                        _("{name} (signed in; F5 signs out)").format(name=app.cashier),
                        id="cashier",
                    )
                else:
                    yield Select(
                        [(name, name) for name in app.shop.profile.cashiers],  # type: ignore[union-attr]
                        value=app.cashier,
                        allow_blank=False,
                        id="cashier",
                    )
            with Horizontal(classes="setting"):
                yield Label(_("Training mode"), classes="setting-label")
                yield Switch(value=app.training, id="training")
            yield Static(
                _(
                    "Training receipts have their own numbers ({terminal}-TR-…) "
                    "and are never exported."
                ).format(terminal=app.shop.profile.terminal),  # type: ignore[union-attr]
                classes="hint",
            )
            yield Static(id="profile-summary")
        yield StatusBar(id="status")
        yield KeyBar(classes="keybar")

    def on_mount(self) -> None:
        self.show_profile()
        self.query_one(f"#{self.first_focus}").focus()

    def show_profile(self) -> None:
        profile = self.shopdesk.shop.profile  # type: ignore[union-attr]
        if self.cashiers_shown != profile.cashiers and not self.signs_in:  # edited (F6)
            self.cashiers_shown = profile.cashiers
            cashiers = self.query_one("#cashier", Select)
            with cashiers.prevent(Select.Changed):
                cashiers.set_options([(name, name) for name in profile.cashiers])
                cashiers.value = self.shopdesk.cashier
        printer = profile.printer
        self.query_one("#profile-summary", Static).update(
            _("Shop: {name} · {uscc} · terminal {terminal}").format(
                name=profile.shop_name, uscc=profile.uscc, terminal=profile.terminal
            )
            + "\n"
            + _("Printer: {url} · {paper} mm · {mode}").format(
                url=printer.url, paper=printer.paper_mm, mode=printer.text_mode
            )
            + "\n"
            + _("F6 shop profile · F7 printer · F8 manager PIN (manager PIN needed)")
        )

    @guarded
    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value is Select.BLANK:
            return
        if event.select.id == "theme" and event.value != self.app.theme:
            self.shopdesk.set_theme_choice(str(event.value))
        elif event.select.id == "language" and event.value != self.shopdesk.lang:
            self.shopdesk.set_language_choice(str(event.value))
        elif event.select.id == "cashier" and event.value != self.shopdesk.cashier:
            self.shopdesk.set_cashier(str(event.value))
            self.notify(_("Cashier: {name}").format(name=event.value))

    @guarded
    def on_switch_changed(self, event: Switch.Changed) -> None:
        """Training on takes the manager's PIN: a training receipt looks like a sale to a
        customer but is none, so a cashier must not be able to start handing them out."""
        if event.value == self.shopdesk.training:
            return
        if event.value:
            self._show_training(False)  # until the PIN is given
            self.shopdesk.with_approval("training", lambda a: self._set_training(True, a))
        else:
            self._set_training(False)

    def _set_training(self, on: bool, approval: Approval | None = None) -> None:
        self._show_training(on)
        self.shopdesk.set_training(on, approval)
        self.notify(_("Training mode on") if on else _("Training mode off"))

    def _show_training(self, on: bool) -> None:
        switch = self.query_one("#training", Switch)
        with switch.prevent(Switch.Changed):
            switch.value = on

    def action_focus_field(self, field: str) -> None:
        self.query_one(f"#{field}").focus()

    def action_toggle_training(self) -> None:
        self.query_one("#training", Switch).toggle()

    async def action_sign_out(self) -> None:
        await self.shopdesk.sign_out()

    def action_back(self) -> None:
        self.app.pop_screen()

    @guarded
    def action_shop_profile(self) -> None:
        from shopdesk.tui.screens.profile import ShopProfileScreen

        self.shopdesk.with_pin(
            lambda: self.app.push_screen(ShopProfileScreen(), self._saved), "settings"
        )

    @guarded
    def action_printer(self) -> None:
        from shopdesk.tui.screens.profile import PrinterScreen

        self.shopdesk.with_pin(
            lambda: self.app.push_screen(PrinterScreen(), self._saved), "settings"
        )

    @guarded
    def action_change_pin(self) -> None:
        from shopdesk.tui.screens.profile import PinChangeScreen

        self.app.push_screen(PinChangeScreen(), self._saved)

    def _saved(self, saved: bool | None) -> None:
        if not saved:
            return
        self.notify(_("Saved to profile.toml; recorded in the ledger."))
        self.app.call_later(self.shopdesk.profile_changed)

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand(_("Theme"), _("Choose the colour theme (F2)"), self.action_focus_theme),
            SystemCommand(_("Language"), _("中文 / English (F3)"), self.action_focus_language),
            SystemCommand(
                _("Training"), _("Training mode on or off (F4)"), self.action_toggle_training
            ),
            SystemCommand(_("Cashier"), _("Who is selling (F5)"), self.action_focus_cashier),
            SystemCommand(
                _("Shop"), _("Shop name, tax id, address, cashiers (F6)"), self.action_shop_profile
            ),
            SystemCommand(
                _("Printer"), _("Printer URL, paper, test print (F7)"), self.action_printer
            ),
            SystemCommand(_("PIN"), _("Change the manager PIN (F8)"), self.action_change_pin),
            SystemCommand(_("Back"), _("Back to the sale (Esc)"), self.action_back),
        ]

    def action_focus_theme(self) -> None:
        self.action_focus_field("theme")

    def action_focus_language(self) -> None:
        self.action_focus_field("language")

    def action_focus_cashier(self) -> None:
        self.action_focus_field("cashier")
