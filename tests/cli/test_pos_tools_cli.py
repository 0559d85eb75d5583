"""``shopdesk sell`` with the everyday POS tools (issue 13 item 8)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def test_sell_refuses_half_a_can_of_cola_in_both_languages(tmp_path: Path) -> None:
    home = tmp_path / "h"
    run_cli("--home", home, "init", "--demo")
    result = run_cli("--home", home, "sell", "--item", "D001x1.5", "--no-print")
    assert result.returncode == 2
    assert "must be a whole number, not 1.5" in result.stderr
    zh = run_cli("--home", home, "sell", "--item", "D001x1.5", "--no-print", lang="zh")
    assert "数量须为整数（输入了 1.5）" in zh.stderr
    sold = run_cli("--home", home, "sell", "--item", "F001x0.512", "--json", "--no-print")
    assert sold.returncode == 0, sold.stderr
    assert json.loads(sold.stdout)["data"]["lines"][0]["qty"] == "0.512"
