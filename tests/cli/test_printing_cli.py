"""The printing commands end to end, in a subprocess, as a cashier or accountant runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from shopdesk.cli import main
from shopdesk.services.printing import print_receipt
from shopdesk.services.sales import void_receipt
from shopdesk.services.shop import init_shop
from tests.conftest import VOID_OK
from tests.printing.escpos_decode import decode
from tests.printing.fake_printer import refused_port
from tests.printing.fixtures import sell

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, home: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SHOPDESK_LANG": "en", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "shopdesk", "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    assert run("init", "--demo", home=root).returncode == 0
    return root


def set_printer_url(home: Path, url: str) -> None:
    profile = home / "profile.toml"
    text = re.sub(r'(?m)^url = ".*"$', f'url = "{url}"', profile.read_text(encoding="utf-8"))
    profile.write_text(text.replace("timeout_seconds = 5", "timeout_seconds = 0.5"), "utf-8")


def test_sell_prints_to_the_preview_and_verify_qr_accepts_its_code(home):
    sold = run("sell", "--item", "D001x2", "--pay", "cash:20", home=home)
    assert sold.returncode == 0, sold.stderr
    number = sold.stdout.strip()
    assert "printed" in sold.stderr
    payload = decode((home / "preview" / f"{number}.bin").read_bytes()).native_qrs[0]
    checked = run("verify-qr", payload, home=home)
    assert checked.returncode == 0
    assert checked.stdout.startswith(f"VALID: receipt {number}")
    assert "printed 1x" in checked.stdout
    with_key = run("verify-qr", payload, "--pubkey", str(home / "keys/terminal.pub.pem"), home=home)
    assert with_key.returncode == 0 and "VALID" in with_key.stdout
    forged = run("verify-qr", payload.replace("*6.00*", "*9.00*"), home=home)
    assert forged.returncode == 1 and forged.stdout.startswith("INVALID")
    fapiao = run("verify-qr", "01,04,011001900111,12345678,6.00,20261128,", home=home)
    assert fapiao.returncode == 1 and "not a shopdesk" in fapiao.stdout


def test_sell_with_a_dead_printer_saves_the_receipt_warns_and_exits_0(home):
    set_printer_url(home, f"tcp://127.0.0.1:{refused_port()}")
    sold = run("sell", "--item", "D001", home=home)
    assert sold.returncode == 0  # the sale happened: the receipt is saved and signed
    number = sold.stdout.strip()
    assert f"Receipt {number} is saved but NOT printed" in sold.stderr
    assert "refused the connection" in sold.stderr and "print-queue --retry" in sold.stderr
    shown = run("show", number, home=home)
    assert "not printed" in shown.stdout
    queue = run("print-queue", home=home)
    assert number in queue.stdout
    failed_retry = run("print-queue", "--retry", home=home)
    assert failed_retry.returncode == 5

    set_printer_url(home, "preview")
    retried = run("print-queue", "--retry", home=home)
    assert retried.returncode == 0 and f"Receipt {number} printed." in retried.stderr
    assert "No receipts are waiting" in run("print-queue", home=home).stdout
    copy = run("reprint", number, home=home)
    assert copy.returncode == 0 and "copy 1" in copy.stderr


def test_printer_status_and_test_page_on_preview(home):
    status = run("printer", "status", home=home)
    assert status.returncode == 0 and "online" in status.stdout
    test = run("printer", "test", home=home)
    assert test.returncode == 0 and "Test page sent to preview" in test.stdout
    assert (home / "preview" / "test-page.bin").exists()


def test_importing_the_cli_loads_no_printing_libraries():
    code = (
        "import sys, shopdesk.cli, shopdesk.services.printing; shopdesk.cli.build_parser();"
        "bad = [m for m in ('escpos', 'PIL', 'qrcode') if m in sys.modules];"
        "print(','.join(bad))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    assert done.stdout.strip() == ""


def test_escpos_import_leaves_no_temp_dir_and_keeps_our_logging(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    code = (
        "import logging;"
        "from shopdesk.printing.escpos_lib import load_escpos;"
        "load_escpos();"
        "print(len(logging.getLogger().handlers))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TMPDIR": str(temp),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        assert done.stdout.strip() == "0"  # basicConfig added no handler to our root logger
    assert list(temp.iterdir()) == []  # no mkdtemp() folder left behind per import
    assert list((tmp_path / "cache" / "shopdesk" / "escpos").glob("*.capabilities.pickle"))


def test_print_command_prints_by_number_and_retries(home):
    sold = run("sell", "--item", "D001", "--no-print", home=home)
    number = sold.stdout.strip()
    assert not (home / "preview" / f"{number}.bin").exists()
    assert run("print", number, home=home).returncode == 0
    assert (home / "preview" / f"{number}.bin").exists()
    again = run("print", number, home=home)
    assert "copy 1" in again.stderr
    assert run("print", "--retry", home=home).returncode == 0
    assert run("print", home=home).returncode == 2


def test_verify_qr_says_a_training_receipt_is_not_a_sale(home):
    sold = run("sell", "--item", "D001", "--training", home=home)
    number = sold.stdout.strip()
    payload = decode((home / "preview" / f"{number}.bin").read_bytes()).native_qrs[0]
    checked = run("verify-qr", payload, "--pubkey", str(home / "keys/terminal.pub.pem"), home=home)
    assert checked.returncode == 1 and "TRAINING receipt" in checked.stdout


def test_verify_qr_with_a_home_refuses_a_voided_receipt(tmp_path, clock, capsys):
    """A voided receipt is not one to invoice: exit 1 with --home, as with --batch (issue 11.10)."""
    root = tmp_path / "shop"
    with init_shop(root, demo=True, clock=clock) as shop:
        number = sell(shop, "D001")
        payload = decode(print_receipt(shop, number).files[0].read_bytes()).native_qrs[0]
        void_receipt(shop, number, reason="wrong item", who="王", approval=VOID_OK)
    assert main(["--home", str(root), "--lang", "en", "verify-qr", payload]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"VALID: receipt {number}") and f"{number} was voided" in out
    assert main(["--home", str(root), "verify-qr", payload, "--json"]) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["valid"] and verdict["status"]["status"] == "void"
    assert verdict["genuine"] is False
