"""Only shopdesk/tui may import textual: the core must run (and test) without a UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "shopdesk"
TUI = PACKAGE / "tui"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_nothing_outside_tui_imports_textual():
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted(PACKAGE.rglob("*.py"))
        if TUI not in path.parents
        and any(m == "textual" or m.startswith("textual.") for m in imported_modules(path))
    ]
    assert offenders == []


def test_the_check_would_see_a_textual_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from textual.app import App\n", encoding="utf-8")
    assert "textual.app" in imported_modules(sample)


def test_importing_the_cli_does_not_load_textual():
    code = "import sys, shopdesk.cli; sys.exit('textual' in sys.modules)"
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


def test_verify_batch_on_the_accountants_pc_does_not_load_the_shop(tmp_path):
    """Issue 12, speed: every command asks for the default home before it parses its
    arguments; that answer must not import the shop service (~0.07 s of start-up)."""
    code = (
        "import sys, runpy\n"
        "sys.argv = ['shopdesk', 'verify-batch', sys.argv[1]]\n"
        "try:\n"
        "    runpy.run_module('shopdesk', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('shopdesk.services.shop')))\n"
    )
    golden = ROOT / "tests" / "data" / "golden" / "T01-B0001-00000001-00000004.zip"
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code, str(golden)], env=env, capture_output=True)
    assert b"T01-B0001" in out.stdout  # it did verify the batch
    assert out.stdout.strip().endswith(b"[]"), out.stdout[-300:]
