"""The CLI asks the same approvals as the app: void, price override, discount, Z (issue 13, item 4).

No PIN (no file, nothing typed) or a wrong one exits 10 and writes no sale,
void or close; the manager's PIN from ``SHOPDESK_PIN_FILE`` approves, and the
record names the approver.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from shopdesk.domain.pin import hash_pin
from tests.conftest import cli_env, run_cli

APPROVAL_REFUSED = 10


def cli(home: Path, *args: str, pin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    """``shopdesk --home HOME ARGS`` with ``pin`` (``None``: no PIN file) and nothing on stdin."""
    extra = dict(env)
    if pin is None:
        extra["SHOPDESK_PIN_FILE"] = ""
    else:
        pin_file = home.parent / "pin.txt"
        pin_file.write_text(pin + "\n", encoding="utf-8")
        extra["SHOPDESK_PIN_FILE"] = str(pin_file)
    return subprocess.run(
        [sys.executable, "-m", "shopdesk", "--lang", "en", "--home", str(home), *args],
        capture_output=True,
        text=True,
        input="",
        env=cli_env(**extra),
        timeout=60,
    )


def records(home: Path) -> list[dict]:
    lines = b"".join(p.read_bytes() for p in sorted((home / "ledger").glob("journal-*.jsonl")))
    return [json.loads(line) for line in lines.splitlines()]


@pytest.fixture
def sold(tmp_path: Path) -> Path:
    home = tmp_path / "h"
    assert run_cli("--home", home, "init", "--demo").returncode == 0
    assert cli(home, "sell", "--item", "D001", "--no-print").returncode == 0
    return home


@pytest.mark.parametrize(
    "args",
    [
        ["void", "T01-00000001", "--reason", "退货"],
        ["sell", "--item", "D001@0", "--no-print"],
        ["sell", "--item", "D001", "--discount", "3.00", "--no-print"],
        ["sell", "--item", "D001", "--discount", "1:0.50", "--no-print"],
        ["report", "z", "--counted", "0"],
    ],
)
def test_a_controlled_action_without_a_pin_is_refused_and_writes_nothing(
    sold: Path, args: list[str]
) -> None:
    before = records(sold)
    result = cli(sold, *args)
    assert result.returncode == APPROVAL_REFUSED, result.stderr
    assert "needs a manager's approval" in result.stderr
    assert records(sold) == before


def test_a_wrong_pin_is_refused_and_recorded(sold: Path) -> None:
    result = cli(sold, "void", "T01-00000001", "--reason", "退货", pin="9999")
    assert result.returncode == APPROVAL_REFUSED
    assert [r["data"] for r in records(sold) if r["kind"] == "pin.failed"] == [
        {"action": "void", "failures": 1}
    ]
    assert not any(r["kind"] == "receipt.voided" for r in records(sold))


def test_the_pin_file_approves_and_the_record_names_the_approver(sold: Path) -> None:
    voided = cli(sold, "void", "T01-00000001", "--reason", "退货", "--by", "王芳", pin="1234")
    assert voided.returncode == 0, voided.stderr
    void = records(sold)[-1]
    assert void["kind"] == "receipt.voided"
    assert (void["data"]["by"], void["data"]["approved_by"]) == ("王芳", "manager")
    override = cli(sold, "sell", "--item", "D001@0", "--no-print", "--json", pin="1234")
    assert override.returncode == 0, override.stderr
    assert json.loads(override.stdout)["data"]["approved_by"] == "manager"
    closed = cli(sold, "report", "z", "--counted", "0", "--json", pin="1234")
    assert closed.returncode == 0, closed.stderr
    assert records(sold)[-1]["data"]["approved_by"] == "manager"


def test_the_catalog_price_typed_out_needs_no_approval(sold: Path) -> None:
    price = records(sold)[-1]["data"]["lines"][0]["unit_price"]
    result = cli(sold, "sell", "--item", f"D001@{price}", "--no-print", "--json")
    assert result.returncode == 0, result.stderr
    assert "approved_by" not in json.loads(result.stdout)["data"]


def _add_people(home: Path) -> None:
    """王芳 (cashier, PIN 2580) and 李强 (manager, PIN 7391) in the shop's profile."""
    profile = home / "profile.toml"
    profile.write_text(
        profile.read_text(encoding="utf-8")
        + f'\n[[people]]\nname = "王芳"\nrole = "cashier"\npin = "{hash_pin("2580")}"\n'
        + f'\n[[people]]\nname = "李强"\nrole = "manager"\npin = "{hash_pin("7391")}"\n',
        encoding="utf-8",
    )


def test_with_people_a_sale_needs_the_cashiers_own_pin(sold: Path) -> None:
    _add_people(sold)
    cashier_pin = sold.parent / "cashier-pin.txt"
    cashier_pin.write_text("2580\n", encoding="utf-8")
    unnamed = cli(sold, "sell", "--item", "D001", "--no-print")
    assert unnamed.returncode == 2 and "--cashier" in unnamed.stderr
    sold_by = cli(
        sold,
        "sell",
        "--item",
        "D001",
        "--discount",
        "0.50",
        "--cashier",
        "王芳",
        "--no-print",
        "--json",
        pin="7391",
        SHOPDESK_CASHIER_PIN_FILE=str(cashier_pin),
    )
    assert sold_by.returncode == 0, sold_by.stderr
    data = json.loads(sold_by.stdout)["data"]
    assert (data["cashier"], data["approved_by"]) == ("王芳", "李强")
    cashier_pin.write_text("7391\n", encoding="utf-8")  # someone else's PIN
    wrong = cli(
        sold,
        "sell",
        "--item",
        "D001",
        "--cashier",
        "王芳",
        "--no-print",
        SHOPDESK_CASHIER_PIN_FILE=str(cashier_pin),
    )
    assert wrong.returncode == APPROVAL_REFUSED


def test_with_people_who_voids_or_opens_the_drawer_proves_it_too(sold: Path) -> None:
    """One rule for every CLI action a person does, as the app's sign-in: not only sell."""
    _add_people(sold)
    cashier_pin = sold.parent / "cashier-pin.txt"
    cashier_pin.write_text("0000\n", encoding="utf-8")  # not 王芳's PIN
    before = records(sold)
    void = ["void", "T01-00000001", "--reason", "退货", "--by", "王芳"]
    wrong = cli(sold, *void, pin="7391", SHOPDESK_CASHIER_PIN_FILE=str(cashier_pin))
    assert wrong.returncode == APPROVAL_REFUSED
    unnamed = cli(sold, "drawer", "open", "--reason", "换零钱", pin="7391")
    assert unnamed.returncode == 2 and "--cashier" in unnamed.stderr
    assert [r["kind"] for r in records(sold)] == [r["kind"] for r in before] + ["pin.failed"]
    cashier_pin.write_text("2580\n", encoding="utf-8")
    done = cli(sold, *void, pin="7391", SHOPDESK_CASHIER_PIN_FILE=str(cashier_pin))
    assert done.returncode == 0, done.stderr
    voided = records(sold)[-1]["data"]
    assert (voided["by"], voided["approved_by"]) == ("王芳", "李强")
