"""``shopdesk return``: a refund receipt from the command line, PIN never an argument."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_return_issues_a_refund_and_show_lists_it(home: Path, pin_file: Path) -> None:
    sold = run_cli("--home", home, "sell", "--item", "D001x2", "--item", "D002", "--no-print")
    assert sold.returncode == 0, sold.stderr
    done = run_cli(
        "--home", home, "return", "T01-00000001", "--line", "1x1", "--reason", "坏了", "--no-print"
    )
    assert done.returncode == 0, done.stderr
    assert "T01-RF-00000001" in done.stdout and "3.00" in done.stdout
    shown = run_cli("--home", home, "show", "T01-00000001")
    assert "T01-RF-00000001" in shown.stdout and "returned 3.00" in shown.stdout
    refund = run_cli("--home", home, "show", "T01-RF-00000001")
    assert refund.returncode == 0, refund.stderr
    assert "refund" in refund.stdout and "T01-00000001" in refund.stdout
    report = run_cli("--home", home, "report", "x")
    assert "Returns" in report.stdout and "-￥3.00" in report.stdout


def test_over_return_exits_2_and_wrong_pin_10_and_write_nothing(home: Path, pin_file: Path) -> None:
    assert run_cli("--home", home, "sell", "--item", "D001", "--no-print").returncode == 0
    too_much = run_cli("--home", home, "return", "T01-00000001", "--line", "1x2", "--reason", "x")
    assert too_much.returncode == 2 and "at most 1" in too_much.stderr
    pin_file.write_text("9999\n", encoding="utf-8")
    wrong = run_cli("--home", home, "return", "T01-00000001", "--line", "1", "--reason", "x")
    assert wrong.returncode == 10
    assert "T01-RF" not in run_cli("--home", home, "show", "T01-00000001").stdout


def test_export_and_verify_batch_say_the_batch_carries_the_return(
    home: Path, pin_file: Path, tmp_path: Path
) -> None:
    """The accountant is told a batch holds refunds to issue red-letter invoices for."""
    assert run_cli("--home", home, "sell", "--item", "D001x2", "--no-print").returncode == 0
    back = run_cli("--home", home, "return", "T01-00000001", "--line", "1x1", "--reason", "坏了")
    assert back.returncode == 0, back.stderr
    out = tmp_path / "out"
    out.mkdir()
    exported = run_cli("--home", home, "export", "--out", out)
    assert exported.returncode == 0, exported.stderr
    assert "Returns: 1 (T01-RF-00000001), refunded 3.00" in exported.stderr
    checked = run_cli("verify-batch", exported.stdout.strip())
    assert checked.returncode == 0, checked.stderr
    assert "the batch net of returns is 3.00" in checked.stdout
