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


def test_sell_with_line_and_sale_percent_discounts(tmp_path: Path) -> None:
    home = tmp_path / "h"
    run_cli("--home", home, "init", "--demo")
    sold = run_cli(
        "--home", home, "sell", "--item", "D001x3", "--item", "D002",
        "--discount", "1:10%", "--discount", "5%", "--json", "--no-print",
    )  # fmt: skip
    assert sold.returncode == 0, sold.stderr
    data = json.loads(sold.stdout)["data"]
    # 9.00 − 0.90 = 8.10, + 2.00 = 10.10; 5 % = 0.505 → 0.51; total 9.59
    assert data["lines"][0]["percent_off"] == {"pct": "10", "amount": "0.90"}
    assert data["percent_off"] == {"pct": "5", "amount": "0.51"}
    assert data["total"] == "9.59"
    assert run_cli("--home", home, "verify").returncode == 0
    bad = run_cli("--home", home, "sell", "--item", "D001", "--discount", "150%", lang="zh")
    assert bad.returncode == 2 and "折扣百分比 150% 无效" in bad.stderr


def test_sell_round_off_to_the_yuan_shows_in_the_receipt_and_the_x_report(tmp_path: Path) -> None:
    home = tmp_path / "h"
    run_cli("--home", home, "init", "--demo")
    sold = run_cli(
        "--home", home, "sell", "--item", "D003", "--item", "S003",
        "--round-off", "yuan", "--json", "--no-print",
    )  # fmt: skip
    assert sold.returncode == 0, sold.stderr
    data = json.loads(sold.stdout)["data"]
    assert (data["rounding"], data["total"]) == ("0.40", "11.00")
    assert run_cli("--home", home, "verify").returncode == 0
    report = run_cli("--home", home, "report", "x", lang="zh")
    assert report.returncode == 0, report.stderr
    rows = [line.split() for line in report.stdout.splitlines()]
    assert ["抹零", "-￥0.40"] in rows
