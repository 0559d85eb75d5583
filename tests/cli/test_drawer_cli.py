"""``shopdesk drawer open``: the drawer opened without a sale, recorded, PIN never an argument."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.printing.escpos_decode import decode


def drawer_records(home: Path) -> list[dict]:
    lines = []
    for month in sorted((home / "ledger").glob("*.jsonl")):
        lines += [json.loads(line) for line in month.read_text(encoding="utf-8").splitlines()]
    return [r for r in lines if r["kind"] == "drawer.opened"]


@pytest.fixture
def with_drawer(home: Path) -> Path:
    profile = home / "profile.toml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("cash_drawer = false", "cash_drawer = true"), "utf-8")
    return home


def test_drawer_open_with_pin_file_records_and_kicks(with_drawer: Path, pin_file: Path) -> None:
    done = run_cli("--home", with_drawer, "drawer", "open", "--reason", "换零钱")
    assert done.returncode == 0, done.stderr
    assert "approved by manager" in done.stdout and "换零钱" in done.stdout
    [record] = drawer_records(with_drawer)
    assert record["data"]["reason"] == "换零钱" and record["data"]["approved_by"] == "manager"
    kicked = decode((with_drawer / "preview" / f"drawer-{record['seq']}.bin").read_bytes())
    assert kicked.drawer_kicks == 1 and kicked.cuts == 0
    report = run_cli("--home", with_drawer, "report", "x")
    assert "Drawer opened without a sale" in report.stdout


def test_drawer_open_without_a_pin_or_with_a_wrong_one_exits_10_and_records_nothing(
    with_drawer: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPDESK_PIN_FILE", "")  # no PIN file: stdin, and it is empty
    none = run_cli("--home", with_drawer, "drawer", "open", "--reason", "换零钱", input="")
    assert none.returncode == 10 and "PIN" in none.stderr
    wrong_pin = tmp_path / "pin"
    wrong_pin.write_text("9999\n", encoding="utf-8")
    monkeypatch.setenv("SHOPDESK_PIN_FILE", str(wrong_pin))
    wrong = run_cli("--home", with_drawer, "drawer", "open", "--reason", "换零钱")
    assert wrong.returncode == 10
    assert drawer_records(with_drawer) == []
    assert not (with_drawer / "preview").exists() or not list(
        (with_drawer / "preview").glob("drawer-*")
    )


def test_a_printer_without_a_drawer_exits_5_with_the_opening_recorded(
    home: Path, pin_file: Path
) -> None:
    done = run_cli("--home", home, "drawer", "open", "--reason", "换零钱")  # demo: no drawer
    assert done.returncode == 5 and "cash_drawer" in done.stderr
    assert len(drawer_records(home)) == 1
