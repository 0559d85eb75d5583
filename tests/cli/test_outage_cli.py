"""``shopdesk outage …``, ``sell`` warnings and ``report x|z`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from shopdesk.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    h = tmp_path / "home"
    assert main(["--home", str(h), "init", "--demo"]) == 0
    capsys.readouterr()
    return h


def run(capsys: pytest.CaptureFixture, home: Path, *args: str, lang: str = "en"):
    code = main(["--home", str(home), "--lang", lang, *args])
    out, err = capsys.readouterr()
    return code, out, err


def set_limits(home: Path, max_amount: str, block: bool) -> None:
    profile = home / "profile.toml"
    text = profile.read_text(encoding="utf-8")
    text = text.replace('max_amount = "100000.00"', f'max_amount = "{max_amount}"')
    text = text.replace(
        "block_when_exceeded = false", f"block_when_exceeded = {str(block).lower()}"
    )
    profile.write_text(text, encoding="utf-8")


def test_outage_start_status_end(capsys, home: Path) -> None:
    code, out, _ = run(capsys, home, "outage", "start", "--note", "税务平台无法登录")
    assert code == 0 and "Outage recorded" in out
    code, _, err = run(capsys, home, "outage", "start")
    assert code == 2 and "already open" in err
    code, out, _ = run(capsys, home, "outage", "status", lang="zh")
    assert code == 0
    assert "发票系统停机中" in out and "备注：税务平台无法登录" in out
    assert "待开正式发票：0 张，￥0.00" in out
    code, out, _ = run(capsys, home, "outage", "end")
    assert code == 0 and "Outage ended" in out
    code, _, err = run(capsys, home, "outage", "end", lang="zh")
    assert code == 2 and "当前没有未结束的停机记录" in err


def test_sell_auto_starts_and_status_json_counts_it(capsys, home: Path) -> None:
    code, out, err = run(capsys, home, "sell", "--item", "D001x2", "--pay", "cash:20")
    assert code == 0 and out.strip() == "T01-00000001"
    assert "Recorded an e-invoice outage starting now" in err
    run(capsys, home, "sell", "--item", "F002", "--training")
    code, out, _ = run(capsys, home, "outage", "status", "--json")
    status = json.loads(out)
    assert status["open"] and status["auto"]
    assert (status["waiting_receipts"], status["waiting_amount"]) == (1, "6.00")
    assert status["limits"]["amount"]["state"] == "ok"


def test_sell_prints_limit_warnings_translated(capsys, home: Path) -> None:
    set_limits(home, "10.00", block=False)
    code, _, err = run(capsys, home, "sell", "--item", "D001x3", lang="zh")  # 9.00: 90 %
    assert code == 0
    assert "达到离线累计限额 10.00 元的 90%" in err
    code, _, err = run(capsys, home, "sell", "--item", "D001")  # 12.00: past it, still sold
    assert code == 0
    assert "WARNING: 12.00 yuan not yet exported has reached the 10.00 yuan offline limit" in err
    assert "{" not in err  # every placeholder filled


def test_blocked_sale_exits_7_and_issues_nothing(capsys, home: Path) -> None:
    set_limits(home, "10.00", block=True)
    assert run(capsys, home, "sell", "--item", "D001x3")[0] == 0
    code, out, err = run(capsys, home, "sell", "--item", "D001")
    assert code == 7 and out == ""
    assert "Sale refused" in err and "12.00" in err
    code, out, _ = run(capsys, home, "list", "--json")
    assert [r["no"] for r in json.loads(out)] == ["T01-00000001"]


def test_report_x_and_z_tables_and_json(capsys, home: Path, pin_file: Path) -> None:
    run(capsys, home, "sell", "--item", "D001x2", "--pay", "cash:20")
    run(capsys, home, "sell", "--item", "C005", "--pay", "wechat")
    run(capsys, home, "sell", "--item", "F002", "--training")
    code, out, _ = run(capsys, home, "report", "x", lang="zh")
    assert code == 0
    assert "X 报表" in out and "培训收据（不计入）" in out
    assert "钱箱应有现金" in out and "￥206.00" in out
    code, out, _ = run(capsys, home, "report", "x", "--json")
    x = json.loads(out)
    assert x["gross"] == "11.00" and x["by_method"] == {"cash": "6.00", "wechat": "5.00"}
    assert x["training_excluded"] == 1 and x["closed"] is False
    assert x["shift"]["first_rseq"] == 1 and x["shift"]["last_rseq"] == 2
    code, _, err = run(capsys, home, "report", "z")
    assert code == 2 and "Count the drawer" in err
    code, out, _ = run(capsys, home, "report", "z", "--count", "100x2", "1x4", "0.5x2")
    assert code == 0 and "Grand total (never reset)" in out and "￥11.00" in out
    assert "Cash counted" in out and "￥205.00" in out and "-1.00" in out
    code, _, err = run(capsys, home, "report", "z", "--counted", "200")
    assert code == 2 and "Nothing to close" in err
    code, out, _ = run(capsys, home, "report", "x", "--json")
    assert json.loads(out)["receipts"] == 0  # the next shift is open and empty
    code, out, _ = run(capsys, home, "report", "z", "--reprint", lang="zh")
    assert code == 0 and "Z 报表（重印）" in out and "累计总额（永不清零）" in out
    assert "长款(+)/短款(-)" in out
    code, _, err = run(capsys, home, "report", "z", "--reprint", "--date", "2020-01-01")
    assert code == 4 and "No Z report was made on 2020-01-01" in err
    code, _, err = run(capsys, home, "report", "z", "--counted", "1", "--date", "2026-11-28")
    assert code == 2 and "not a date" in err
    code, _, err = run(capsys, home, "report", "z", "--count", "3x100")
    assert code == 2 and "3x100" in err
    code, _, err = run(capsys, home, "report", "x", "--date", "tomorrow")
    assert code == 2 and "YYYY-MM-DD" in err


def test_report_z_asks_for_the_manager_pin(capsys, home: Path, tmp_path: Path) -> None:
    from tests.conftest import run_cli

    run(capsys, home, "sell", "--item", "D001")
    wrong = run_cli("--home", home, "report", "z", "--counted", "203", input="9999\n")
    assert wrong.returncode == 2 and "PIN" in wrong.stderr
    right = run_cli("--home", home, "report", "z", "--counted", "203", input="1234\n")
    assert right.returncode == 0, right.stderr
    assert "+0.00" not in right.stdout and "0.00" in right.stdout


def test_report_print_says_so_when_printing_is_missing(capsys, home: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "shopdesk.services.printing", None)  # import fails
    code, out, err = run(capsys, home, "report", "x", "--print")
    assert code == 0 and "X report" in out
    assert "not available" in err


def test_report_print_sends_the_sheet_to_the_printing_service(
    capsys, home: Path, monkeypatch, pin_file: Path
) -> None:
    sent: list[dict] = []
    fake = types.ModuleType("shopdesk.services.printing")
    fake.print_report = lambda shop, sheet: sent.append(sheet)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "shopdesk.services.printing", fake)
    run(capsys, home, "sell", "--item", "D001x2", "--pay", "cash:20")
    code, _, err = run(capsys, home, "report", "z", "--print", "--counted", "210")
    assert code == 0 and "sent to the printer (preview)" in err
    [sheet] = sent
    assert sheet["title"] == "Z 报表（班次日结）"  # the demo profile prints receipts in zh
    rows = {row[0]: row[1] for section in sheet["sections"] for row in section["rows"]}
    assert rows["累计总额（永不清零）"] == "6.00" and rows["钱箱应有现金"] == "206.00"
    assert rows["清点现金"] == "210.00" and rows["长款(+)/短款(-)"] == "+4.00"


def test_report_x_runs_as_a_process(home: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "shopdesk", "--home", str(home), "--lang", "en", "report", "x"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Receipts" in done.stdout and "Cash expected in drawer" in done.stdout
