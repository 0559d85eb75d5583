"""The CLI's house (issue 15, item 6): command modules stand side by side, never on each other.

Shared helpers (opening the shop, naming a bad record, reporting a print or a
backup) live in :mod:`shopdesk.cli.common`, below every command module. A command
module that imported another one, even inside a function, would bring back the
circle ``core → printing → export → core`` this test exists to keep away.
"""

from __future__ import annotations

import ast
from pathlib import Path

CLI = Path(__file__).resolve().parents[2] / "shopdesk" / "cli"

#: The modules below the command modules: any CLI module may import these.
FOUNDATION = {"shopdesk.cli", "shopdesk.cli.common", "shopdesk.cli.approval"}


def cli_imports(path: Path) -> set[str]:
    """Every ``shopdesk.cli.*`` module the file imports, at top level or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x / from .x import y
                base = "shopdesk.cli" + (f".{node.module}" if node.module else "")
            else:
                base = node.module or ""
            found.add(base)
            if base == "shopdesk.cli":  # from shopdesk.cli import core
                found.update(f"shopdesk.cli.{alias.name}" for alias in node.names)
    known = {f"shopdesk.cli.{p.stem}" for p in CLI.glob("*.py")} | {"shopdesk.cli"}
    return found & known


def test_no_cli_module_imports_a_command_module():
    offenders = {
        path.name: sorted(cli_imports(path) - FOUNDATION)
        for path in sorted(CLI.glob("*.py"))
        if path.stem != "__init__"  # it loads the command modules by name to register them
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_the_check_sees_imports_hidden_in_functions(tmp_path):
    text = (
        "def f():\n    from shopdesk.cli.printing import report_print\n    from . import export\n"
    )
    sample = tmp_path / "sample.py"
    sample.write_text(text, encoding="utf-8")
    assert cli_imports(sample) == {"shopdesk.cli.printing", "shopdesk.cli.export", "shopdesk.cli"}


def test_the_shared_helpers_have_one_home():
    import shopdesk.cli.common as common

    for name in ("open_shop", "report_bad_record", "report_print", "after_sale", "status_words"):
        assert callable(getattr(common, name)), name
