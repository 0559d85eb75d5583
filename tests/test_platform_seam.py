"""Every platform difference lives in shopdesk/platform: nothing else imports an OS-only module.

Issue 15, item 5: a module that imports ``fcntl`` or ``termios`` directly either
fails to import on Windows or (worse, as the writer lock did) silently does
nothing there. Going through the seam keeps both sides visible and testable.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.test_imports import imported_modules

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "shopdesk"
SEAM = PACKAGE / "platform"
#: Modules that exist only on POSIX or only on Windows.
OS_ONLY = {"fcntl", "termios", "tty", "resource", "pwd", "grp", "msvcrt", "winreg", "winsound"}


def test_nothing_outside_the_seam_imports_an_os_only_module():
    offenders = sorted(
        f"{path.relative_to(ROOT)}: {module}"
        for path in PACKAGE.rglob("*.py")
        if SEAM not in path.parents
        for module in imported_modules(path)
        if module.split(".")[0] in OS_ONLY
    )
    assert offenders == []


def test_the_scan_sees_an_import_hidden_in_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    import termios\n    from fcntl import flock\n", "utf-8")
    assert {"termios", "fcntl"} <= imported_modules(sample)


def _os_open_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "open"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "os"
    ]


def test_every_os_open_that_writes_is_binary():
    """``os.open`` on Windows is text mode unless told ``O_BINARY``: each ``\\n`` would
    become ``\\r\\n`` and every journal line would fail its hash (CPython os.open docs)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for call in _os_open_calls(path):
            flags = ast.unparse(call.args[1]) if len(call.args) > 1 else ""
            if ("O_WRONLY" in flags or "O_RDWR" in flags) and "BINARY" not in flags:
                offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert offenders == []
