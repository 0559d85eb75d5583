"""Every foundation command, as a user runs it: good input works, bad input changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_PIN_FILE, cli_env, run_cli


def journal_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted((home / "ledger").glob("journal-*.jsonl")))


def test_init_sell_show_list_void_verify(tmp_path: Path) -> None:
    home = tmp_path / "h"
    assert run_cli("--home", home, "init", "--demo").returncode == 0
    sold = run_cli(
        "--home", home, "sell", "--item", "D001x2", "--item", "6901939621257", "--pay", "cash:20"
    )
    assert sold.returncode == 0 and sold.stdout.strip() == "T01-00000001"
    assert "Change ￥11.00" in sold.stderr
    as_json = run_cli(
        "--home",
        home,
        "sell",
        "--item",
        "D001@2.50",
        "--discount",
        "1:0.50",
        "--discount",
        "0.20",
        "--buyer-name",
        "北京某科技有限公司",
        "--buyer-tax-id",
        "91110000600037341L",
        "--pay",
        "wechat",
        "--json",
    )
    record = json.loads(as_json.stdout)
    assert (
        record["data"]["total"] == "1.80"
        and record["data"]["buyer"]["name"] == "北京某科技有限公司"
    )
    assert record["data"]["lines"][0]["price_override"] is True
    shown = run_cli("--home", home, "show", "T01-00000002", lang="zh")
    assert "北京某科技有限公司" in shown.stdout and "合计 ￥1.80" in shown.stdout
    assert run_cli("--home", home, "void", "T01-00000001", "--reason", "顾客退货").returncode == 0
    listed = run_cli("--home", home, "list", "--json")
    assert [r["status"] for r in json.loads(listed.stdout)] == ["void", "issued"]
    verified = run_cli("--home", home, "verify")
    records = journal_bytes(home).count(b"\n")
    assert (
        verified.returncode == 0
        and f"{records} records, last sequence {records}" in verified.stdout
    )
    assert run_cli("--home", home, "pubkey").stdout.startswith("-----BEGIN PUBLIC KEY-----")


def test_pubkey_fingerprint_is_printed_plainly_for_comparing(tmp_path: Path) -> None:
    """Issue 12 item 4: verify-batch names a fingerprint; ``pubkey`` printed only the PEM."""
    from shopdesk.ledger.keys import key_fingerprint, load_public_key, public_key_b64

    home = tmp_path / "h"
    assert run_cli("--home", home, "init", "--demo").returncode == 0
    pem = (home / "keys" / "terminal.pub.pem").read_text(encoding="ascii")
    expected = key_fingerprint(public_key_b64(load_public_key(pem)))
    shown = run_cli("--home", home, "pubkey", "--fingerprint")
    assert shown.returncode == 0 and shown.stdout == expected + "\n"
    plain = run_cli("--home", home, "pubkey")
    assert plain.stdout.strip() == pem.strip()  # still a usable PEM file when redirected
    assert expected in plain.stderr


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["sell", "--item", "NOPE"], 2, "No item with barcode or SKU NOPE"),
        (["sell", "--item", "D001x0"], 2, "Bad quantity 0"),
        (["sell", "--item", "D001x-2"], 2, "Bad quantity"),
        (["sell", "--item", "D001@-1"], 2, "cannot be negative"),
        (
            ["sell", "--item", "D001", "--pay", "cash:1"],
            2,
            "Underpaid: total 3.00, paid 1.00, 2.00 missing",
        ),
        (["sell", "--item", "D001", "--pay", "bitcoin"], 2, "Unknown payment method"),
        (["sell", "--item", "D001", "--discount", "9:1"], 2, "Cannot read item"),
        (["sell", "--item", "D001", "--discount", "5"], 2, "Sale discount 5.00"),
        (
            ["sell", "--item", "D001", "--buyer-name", "X", "--buyer-tax-id", "91110000600037341A"],
            2,
            "should be 'L', not 'A'",
        ),
        (["sell", "--item", "D001", "--buyer-name", "X"], 2, "needs a tax id"),
        (["sell", "--item", "D001", "--cashier", "Nobody"], 2, "Cashier 'Nobody'"),
        (["void", "T01-00000009", "--reason", "x"], 4, "There is no receipt T01-00000009"),
        (["void", "T01-00000001", "--reason", "  "], 2, "needs a reason"),
        (["show", "T01-00000009"], 4, "There is no receipt"),
        (["list", "--date", "yesterday"], 2, "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_refused_clearly_and_appends_nothing(
    tmp_path: Path, args: list[str], code: int, words: str
) -> None:
    home = tmp_path / "h"
    run_cli("--home", home, "init", "--demo")
    run_cli("--home", home, "sell", "--item", "D001")
    before = journal_bytes(home)
    result = run_cli("--home", home, *args)
    assert result.returncode == code, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert journal_bytes(home) == before


def test_messages_in_chinese(tmp_path: Path) -> None:
    home = tmp_path / "h"
    run_cli("--home", home, "init", "--demo")
    result = run_cli("--home", home, "sell", "--item", "D001", "--pay", "cash:1", lang="zh")
    assert result.stderr.strip() == "付款不足：应收 3.00，已付 1.00，还差 2.00。"


def test_init_refuses_an_existing_shop_and_a_bad_tax_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_file = tmp_path / "pin.txt"
    pin_file.write_text("2580\n", encoding="utf-8")
    monkeypatch.setenv("SHOPDESK_PIN_FILE", str(pin_file))
    home = tmp_path / "h"
    run_cli("--home", home, "init", "--demo")
    key = (home / "keys" / "terminal.key").read_bytes()
    again = run_cli("--home", home, "init", "--demo")
    assert again.returncode == 2 and "already holds a shop" in again.stderr
    assert (home / "keys" / "terminal.key").read_bytes() == key
    assert (home / "keys" / "terminal.key").stat().st_mode & 0o777 == 0o600
    bad = run_cli(
        "--home", tmp_path / "n", "init", "--name", "小店", "--uscc", "91110000600037341A"
    )
    assert bad.returncode == 2 and "'L'" in bad.stderr
    assert not (tmp_path / "n" / "profile.toml").exists()
    bad_printer = run_cli(
        "--home",
        tmp_path / "n",
        "init",
        "--name",
        "小店",
        "--uscc",
        "91110000600037341L",
        "--printer",
        "lpt1:",
    )
    assert bad_printer.returncode == 5 and "lpt1" in bad_printer.stderr
    assert not (tmp_path / "n" / "profile.toml").exists()
    good = run_cli(
        "--home",
        tmp_path / "n",
        "init",
        "--name",
        "小店",
        "--uscc",
        "91110000600037341L",
        "--printer",
        "tcp://192.168.1.50:9100",
    )
    assert good.returncode == 0
    profile = (tmp_path / "n" / "profile.toml").read_text(encoding="utf-8")
    assert 'url = "tcp://192.168.1.50:9100"' in profile


def test_no_shop_and_corrupt_profile(tmp_path: Path) -> None:
    missing = run_cli("--home", tmp_path / "none", "sell", "--item", "D001")
    assert missing.returncode == 3 and "init" in missing.stderr
    home = tmp_path / "h"
    run_cli("--home", home, "init", "--demo")
    profile = home / "profile.toml"
    text = profile.read_text(encoding="utf-8").replace("paper_width_mm = 58", "paper_width_mm = 60")
    profile.write_text(text, encoding="utf-8")
    line = text.splitlines().index("paper_width_mm = 60") + 1
    broken = run_cli("--home", home, "sell", "--item", "D001")
    assert broken.returncode == 2
    expected = (
        f"profile.toml, line {line}: printer.paper_width_mm is invalid (must be one of: 58, 80): 60"
    )
    assert expected in broken.stderr


def test_verify_fails_naming_the_record(tmp_path: Path) -> None:
    home = tmp_path / "h"
    run_cli("--home", home, "init", "--demo")
    run_cli("--home", home, "sell", "--item", "D001")
    (part,) = (home / "ledger").glob("journal-*.jsonl")
    part.write_bytes(part.read_bytes().replace(b'"total":"3.00"', b'"total":"0.30"'))
    result = run_cli("--home", home, "verify")
    assert result.returncode == 3
    # line 1 ledger.created, line 2 the automatic outage.started, line 3 the receipt
    assert "line 3 (sequence 3): content modified" in result.stderr


def test_second_writer_gets_a_clear_message(tmp_path: Path) -> None:
    from shopdesk.services.shop import Shop

    home = tmp_path / "h"
    run_cli("--home", home, "init", "--demo")
    with Shop.open(home):
        result = run_cli("--home", home, "sell", "--item", "D001")
        assert result.returncode == 3 and "in use by another shopdesk" in result.stderr
        assert run_cli("--home", home, "list").returncode == 0  # readers are not blocked


def test_deleting_writer_lock_does_not_let_a_second_writer_in(
    home: Path, clock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11 item 3: ``rm ledger/writer.lock`` while a till is open must not
    let the CLI issue the till's next number too; the refusal never says to delete."""
    from shopdesk.cli import main
    from shopdesk.messages import message
    from shopdesk.services.shop import Shop

    with Shop.open(home, clock=clock):
        (home / "ledger" / "writer.lock").unlink()  # the obvious, wrong reaction
        before = journal_bytes(home)
        assert main(["--home", str(home), "--lang", "en", "sell", "--item", "D001"]) == 3
        said = capsys.readouterr().err
        assert "in use by another shopdesk" in said and "Close it" in said
        assert journal_bytes(home) == before
    for lang in ("zh", "en"):
        text = message("ledger.locked", lang, folder="F", pid="1")
        assert "writer.lock" not in text and "delet" not in text and "删除" not in text


def test_full_disk_after_the_receipt_never_says_it_was_not_issued(
    home: Path, clock, disk_full_for, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11 item 7: a sale whose print record cannot be saved was still issued and
    printed; the cashier must not be told "not issued" (and ring the sale again)."""
    from shopdesk.cli import main
    from shopdesk.services.shop import Shop

    opened = Shop.open
    monkeypatch.setattr(Shop, "open", lambda *a, **k: opened(*a, clock=clock, **k))
    disk_full_for("receipt.printed")
    for lang, issued in (("en", "was issued and printed"), ("zh", "已开出并已打印")):
        code = main(["--home", str(home), "--lang", lang, "sell", "--item", "D001"])
        out, err = capsys.readouterr()
        number = out.strip()
        assert code == 0 and number.startswith("T01-")
        assert issued in err and number in err
        assert "NOT issued" not in err and "未开出" not in err
    with Shop.open(home, readonly=True) as shop:
        assert [row["no"] for row in shop.ledger.view.iter_rows()] == [
            "T01-00000001",
            "T01-00000002",
        ]


def test_home_from_environment(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import cli_env

    env = cli_env(SHOPDESK_HOME=str(tmp_path / "envhome"))
    out = subprocess.run(
        [sys.executable, "-m", "shopdesk", "init", "--demo"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0 and (tmp_path / "envhome" / "profile.toml").exists()


def test_demo_creates_the_demo_shop_once_and_sells_on_it(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    first = run_cli("--home", home, "demo", "--sell")
    assert first.returncode == 0 and "Created the demo shop" in first.stdout
    assert "T01-00000001" in first.stdout and "Total ￥16.50" in first.stdout
    second = run_cli("--home", home, "demo", "--sell")
    assert "Created" not in second.stdout and "T01-00000002" in second.stdout


def test_a_real_shop_cannot_be_set_up_without_its_own_pin(tmp_path: Path) -> None:
    """Issue 13, item 2: ``init --name … --uscc …`` asks a manager PIN; 1234 is refused."""
    args = ["--home", str(tmp_path / "n"), "init", "--name", "小店", "--uscc", "91110000600037341L"]

    def init(pin_file: str, typed: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "shopdesk", "--lang", "en", *args],
            capture_output=True,
            text=True,
            input=typed,
            env=cli_env(SHOPDESK_PIN_FILE=pin_file),
            timeout=60,
        )

    missing = init("", "")
    assert missing.returncode == 2 and "needs its own manager PIN" in missing.stderr
    assert not (tmp_path / "n").exists()
    demo_pin = init(str(DEMO_PIN_FILE), "")
    assert demo_pin.returncode == 2 and "too easy to guess" in demo_pin.stderr
    assert not (tmp_path / "n").exists()
    typed_twice = init("", "2580\n2580\n")
    assert typed_twice.returncode == 0, typed_twice.stderr
    text = (tmp_path / "n" / "profile.toml").read_text(encoding="utf-8")
    assert "[security]" in text and "2580" not in text
