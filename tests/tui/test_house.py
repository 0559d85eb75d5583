"""The house around the screens (issue 14, item 12): who may import whom.

Every import counts — module level, under ``TYPE_CHECKING`` and inside a
function — because each is a dependency a reader has to follow. Screens talk to
the app through :class:`shopdesk.tui.host.ShopHost`; only ``tui/app.py`` knows
``ShopdeskApp``. The screens draw receipts and reports with words from
services, never from ``shopdesk.printing``; the core never knows Textual.
"""

from __future__ import annotations

import ast
from pathlib import Path

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
