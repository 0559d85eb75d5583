"""The house around the screens (issue 14, item 12): who may import whom.

Every import counts — module level, under ``TYPE_CHECKING`` and inside a
function — because each is a dependency a reader has to follow. Screens talk to
the app through :class:`shopdesk.tui.host.ShopHost`; only ``tui/app.py`` knows
``ShopdeskApp``. The screens draw receipts and reports with words from
services, never from ``shopdesk.printing``; the core never knows Textual.
"""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

from textual.app import App
from textual.widgets import Input, Static

from shopdesk.errors import InvalidInput
from shopdesk.tui.host import ShopHost

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "shopdesk"
TUI = PACKAGE / "tui"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` names in an import, in any form (``from a import b`` gives a and a.b)."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: list[str]) -> set[str]:
    """:func:`imports_of` for source text in ``package`` (relative imports resolve against it)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def tui_graph() -> dict[str, set[str]]:
    """tui module -> the tui modules it imports (names resolved to modules that exist)."""
    paths = {module_name(path): path for path in sorted(TUI.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        graph[name] = set()
        for imported in imports_of(path):
            while imported and imported not in paths:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                graph[name].add(imported)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle in ``graph`` (as a path that ends where it starts), or []."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        for target in sorted(graph[node]):
            cycle = visit(target, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return []

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return []


def test_only_the_app_module_knows_the_app():
    offenders = [
        name
        for name, targets in tui_graph().items()
        if name not in ("shopdesk.tui.app", "shopdesk.tui.__main__")
        and "shopdesk.tui.app" in targets
    ]
    assert offenders == []


def test_the_tui_import_graph_has_no_cycle():
    assert find_cycle(tui_graph()) == []


def test_no_screen_reaches_into_printing():
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted(TUI.rglob("*.py"))
        if any(
            m == "shopdesk.printing" or m.startswith("shopdesk.printing.") for m in imports_of(path)
        )
    ]
    assert offenders == []


def test_the_core_knows_neither_textual_nor_the_tui():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("domain", "services")
        for path in sorted((PACKAGE / folder).rglob("*.py"))
        if any(
            m.split(".")[0] == "textual" or m == "shopdesk.tui" or m.startswith("shopdesk.tui.")
            for m in imports_of(path)
        )
    ]
    assert offenders == []


def test_the_checks_see_every_kind_of_import():
    """The checks above would catch a type-only, an in-function and a relative import."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from shopdesk.tui.app import ShopdeskApp\n"
        "def f():\n    from ..forms import FormDialog\n    import shopdesk.printing.layout\n"
    )
    found = imports_in(source, ["shopdesk", "tui", "screens"])
    assert {"shopdesk.tui.app", "shopdesk.tui.forms", "shopdesk.printing.layout"} <= found
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


class FakeHost(App[None]):
    """A host for one screen, with fakes: no shop, no ledger, no ShopdeskApp.

    It implements every member of :class:`ShopHost` (``test_the_hosts_keep_the_protocol``);
    the calls a screen makes are kept in :attr:`calls` for the test to read.
    """

    def __init__(self, screen_factory, home: Path = Path(".")) -> None:
        super().__init__()
        self.screen_factory = screen_factory
        self.results: list[object] = []
        self.calls: list[tuple] = []
        self.errors: list[BaseException] = []
        self.home = home
        self.shop = None
        self.cart = None
        self.training = False
        self.cashier = "Test"
        self.cashier_role = ""
        self.approval = None
        self.last_issued = None
        self.ui_state = None
        self.theme_specs = []
        self.printer_seen = None
        self.clock_confirmed = False

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory(), self.results.append)

    @property
    def lang(self) -> str:
        return "en"

    def say(self, code: str, **data: object) -> str:
        return f"<{code}>"

    def report_error(self, error: BaseException) -> None:
        self.errors.append(error)

    def approve_pin(self, action, pin):
        raise InvalidInput("approval.wrong_pin")

    def with_pin(self, then, action) -> None:
        self.calls.append(("with_pin", action))

    def with_approval(self, action, then) -> None:
        self.calls.append(("with_approval", action))

    def issue(self, payments):
        self.calls.append(("issue", [(p.method, p.amount) for p in payments]))
        return "R-1"

    def void(self, number, reason):
        self.calls.append(("void", number, reason))
        return {}

    def print_again(self, number=None) -> None:
        self.calls.append(("print_again", number))

    def start_refund_print(self, record) -> None:
        self.calls.append(("start_refund_print", record))

    def ask_cancel_sale(self, question, then) -> None:
        self.calls.append(("ask_cancel_sale", question))

    def till_status(self):
        raise AssertionError("no till here")

    def refresh_status(self) -> None:
        self.calls.append(("refresh_status",))

    def run_job(self, job, *, group) -> None:
        job()

    def sign_in(self, name, pin) -> None:
        self.calls.append(("sign_in", name))

    async def sign_out(self) -> None:
        self.calls.append(("sign_out",))

    def set_cashier(self, name) -> None:
        self.cashier = name

    def set_training(self, on, approval=None) -> None:
        self.training = on

    def set_language_choice(self, lang) -> None:
        self.calls.append(("set_language_choice", lang))

    def set_theme_choice(self, name) -> None:
        self.calls.append(("set_theme_choice", name))

    def remember_export_folder(self, folder) -> None:
        self.calls.append(("remember_export_folder", folder))

    def profile_changed(self) -> None:
        self.calls.append(("profile_changed",))

    def open_demo_shop(self) -> None:
        self.calls.append(("open_demo_shop",))

    def create_shop(self, **details) -> None:
        self.calls.append(("create_shop", details))

    def first_frame_shown(self) -> None:
        self.calls.append(("first_frame_shown",))


def protocol_members() -> set[str]:
    """The names ShopHost declares: its annotated attributes and its methods."""
    own = set(ShopHost.__annotations__) | {
        name
        for name, value in vars(ShopHost).items()
        if callable(value) or isinstance(value, property)
    }
    return {name for name in own if not name.startswith("_")}


def test_the_hosts_keep_the_protocol(make_app):
    """ShopdeskApp and the fake both have every member a screen may use."""
    assert {"shop", "say", "with_approval", "issue", "lang"} <= protocol_members()
    for host in (make_app(), FakeHost(lambda: None)):
        assert [name for name in sorted(protocol_members()) if not hasattr(host, name)] == []


def test_screens_ask_the_host_only_for_what_it_declares():
    """Every ``self.shopdesk.<name>`` in the tui is a ShopHost member: the protocol is the whole seam."""
    used: set[str] = set()
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "shopdesk"
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "self"
            ):
                used.add(node.attr)
    assert {"shop", "say"} <= used
    assert sorted(used - protocol_members()) == []


async def test_the_pay_dialog_runs_in_a_fake_host():
    """A screen tested alone: the pay dialog issues through the host, not ShopdeskApp."""
    from shopdesk.tui.screens.pay import PayScreen

    host = FakeHost(lambda: PayScreen(Decimal("12.50")))
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"96385074", "enter")  # a scanned code in the amount: the host words it
        await pilot.pause()
        error = str(host.screen.query_one("#pay-error", Static).render())
        assert error == "<pay.far_above_total>" and host.calls == []
        host.screen.query_one("#pay-amount", Input).value = "20"
        await pilot.press("enter")
        await pilot.pause()
        assert "7.50" in str(host.screen.query_one("#pay-change").value)
        await pilot.press("f10")
        await pilot.pause()
    assert host.calls == [("issue", [("cash", Decimal("20.00"))])]
    assert host.results == ["R-1"] and host.errors == []
