"""A lost ``profile.toml`` is no dead end (issue 15, item 2).

Reading the ledger needs only the ledger and the public key; ``profile rebuild``
writes a profile from the ledger's own records and asks for a new manager PIN.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shopdesk.cli import main
from shopdesk.config import load_profile
from shopdesk.domain.pin import DEMO_PIN_HASH, verify_pin
from shopdesk.services.profile_edit import update_shop_details
from shopdesk.services.shop import Shop
from tests.conftest import Clock


def run(home: Path, *args: str) -> int:
    return main(["--home", str(home), "--lang", "en", *args])


@pytest.fixture
def lost(home: Path, clock: Clock, capsys: pytest.CaptureFixture[str]) -> Path:
    """A demo shop with a sale and a renamed shop on record, then its profile deleted."""
    assert run(home, "sell", "--item", "D001") == 0
    with Shop.open(home, clock=clock) as shop:
        update_shop_details(
            shop,
            name="新名字便利店",
            uscc=shop.profile.uscc,
            address="北京市朝阳区某路 1 号",
            phone="010-12345678",
            cashiers="小王",
            who="test",
        )
    (home / "profile.toml").unlink()
    capsys.readouterr()
    return home


@pytest.mark.parametrize("command", [["verify"], ["list"], ["show", "T01-00000001"]])
def test_reading_the_ledger_needs_no_profile(
    lost: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(lost, *command) == 0
    out, err = capsys.readouterr()
    if command[0] != "verify":
        assert "T01-00000001" in out
        assert "profile rebuild" in err


def test_a_writer_without_a_profile_is_told_to_rebuild_it(
    lost: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(lost, "sell", "--item", "D001") == 2
    assert "profile rebuild" in capsys.readouterr().err
    assert run(lost, "init", "--demo") == 2
    assert "profile rebuild" in capsys.readouterr().err


def test_rebuild_writes_a_usable_profile_with_a_new_pin(
    lost: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pin_file = tmp_path / "pin"
    pin_file.write_text("86420\n", encoding="utf-8")
    monkeypatch.setenv("SHOPDESK_PIN_FILE", str(pin_file))
    assert run(lost, "profile", "rebuild") == 0
    out = capsys.readouterr().out
    assert "新名字便利店" in out and "T01" in out
    assert "printer.url" in out  # what it could not recover is said
    profile = load_profile(lost / "profile.toml")
    assert profile.shop_name == "新名字便利店" and profile.terminal == "T01"
    assert profile.address == "北京市朝阳区某路 1 号" and profile.cashiers == ("小王",)
    assert profile.manager_pin_hash != DEMO_PIN_HASH
    assert verify_pin(profile.manager_pin_hash, "86420")
    assert not verify_pin(profile.manager_pin_hash, "1234")
    assert run(lost, "sell", "--item", "D001") == 0
    assert run(lost, "profile", "rebuild") == 2  # never over an existing profile
    assert "already" in capsys.readouterr().err


def test_rebuild_without_a_pin_writes_nothing(
    lost: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = lost / "empty-pin"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("SHOPDESK_PIN_FILE", str(empty))
    assert run(lost, "profile", "rebuild") == 2
    assert not (lost / "profile.toml").exists()


def test_rebuild_takes_a_backup_profile_as_the_base(
    lost: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "from-backup.toml"
    demo = Path(__file__).resolve().parents[2] / "sample_data" / "profile.toml"
    old.write_text(
        demo.read_text(encoding="utf-8").replace('url = "preview"', 'url = "file:///dev/null"'),
        encoding="utf-8",
    )
    pin_file = tmp_path / "pin"
    pin_file.write_text("97531\n", encoding="utf-8")
    monkeypatch.setenv("SHOPDESK_PIN_FILE", str(pin_file))
    assert run(lost, "profile", "rebuild", "--from", str(old)) == 0
    profile = load_profile(lost / "profile.toml")
    assert profile.printer.url == "file:///dev/null"  # from the backup
    assert profile.shop_name == "新名字便利店"  # the ledger's newer record wins
    assert verify_pin(profile.manager_pin_hash, "97531")


@pytest.mark.parametrize("weak", ["1234", "0000", "98765"])
def test_rebuild_refuses_a_weak_pin_as_init_does(
    lost: Path,
    weak: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pin_file = tmp_path / "pin"
    pin_file.write_text(weak + "\n", encoding="utf-8")
    monkeypatch.setenv("SHOPDESK_PIN_FILE", str(pin_file))
    assert run(lost, "profile", "rebuild") == 2
    assert "too easy to guess" in capsys.readouterr().err
    assert not (lost / "profile.toml").exists()
