"""The approval seam: a right PIN approves and names the approver, a wrong one raises,
five in a row lock the till for a growing time, and every failure is on record."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopdesk.cli import main
from shopdesk.config import load_profile
from shopdesk.domain.pin import hash_pin, is_weak_pin
from shopdesk.errors import ConfigError, InvalidInput, Notice
from shopdesk.services.approval import approve, demo_pin_notice, lock_seconds, sign_in
from shopdesk.services.shop import Shop, init_shop

PEOPLE = {"王芳": ("cashier", "2580"), "李强": ("manager", "7391"), "赵敏": ("manager", "4826")}


def add_people(home: Path, people: dict[str, tuple[str, str]] = PEOPLE) -> None:
    """Give the demo profile ``[[people]]`` with their own PINs."""
    text = home.joinpath("profile.toml").read_text(encoding="utf-8")
    for name, (role, pin) in people.items():
        text += f'\n[[people]]\nname = "{name}"\nrole = "{role}"\npin = "{hash_pin(pin)}"\n'
    home.joinpath("profile.toml").write_text(text, encoding="utf-8")


def failures(shop: Shop) -> list[dict]:
    return [r["data"] for r in shop.ledger.records() if r["kind"] == "pin.failed"]


def test_demo_pin_approves_a_void(shop) -> None:
    approval = approve(shop, "void", "1234")
    assert approval == approval.__class__("void", "manager")


def test_wrong_pin_is_refused_and_recorded_without_the_digits(shop) -> None:
    with pytest.raises(InvalidInput) as caught:
        approve(shop, "void", "9999")
    assert caught.value.code == "approval.wrong_pin"
    assert caught.value.data["tries_left"] == 4
    assert failures(shop) == [{"action": "void", "failures": 1}]
    assert "9999" not in shop.home.root.joinpath("pin-lockout.json").read_text()


def test_unknown_action_is_a_bug(shop) -> None:
    with pytest.raises(ValueError):
        approve(shop, "fly", "1234")


def test_five_wrong_pins_lock_even_the_right_pin_until_the_time_passes(shop, clock) -> None:
    for _ in range(4):
        with pytest.raises(InvalidInput, match=r"approval.wrong_pin"):
            approve(shop, "void", "9999")
    with pytest.raises(InvalidInput) as caught:
        approve(shop, "void", "9999")
    assert caught.value.code == "approval.locked"
    with pytest.raises(InvalidInput, match=r"approval.locked"):
        approve(shop, "void", "1234")
    clock.advance(seconds=30)
    assert approve(shop, "void", "1234").by == "manager"
    assert [d["failures"] for d in failures(shop)] == [1, 2, 3, 4, 5]
    assert "locked_until" in failures(shop)[-1]


def test_a_restart_keeps_the_lock(home, clock) -> None:
    with Shop.open(home, clock=clock) as shop:
        for _ in range(5):
            with pytest.raises(InvalidInput):
                approve(shop, "close_day", "0000")
    with Shop.open(home, clock=clock) as shop, pytest.raises(InvalidInput) as caught:
        approve(shop, "close_day", "1234")
    assert caught.value.code == "approval.locked"


def test_the_lock_grows_and_is_capped() -> None:
    assert [lock_seconds(n) for n in (4, 5, 10, 15, 20)] == [0, 30, 60, 120, 240]
    assert lock_seconds(500) == 30 * 60


def test_any_manager_approves_under_their_own_name(home, clock) -> None:
    add_people(home)
    with Shop.open(home, clock=clock) as shop:
        assert approve(shop, "void", "4826").by == "赵敏"
        assert approve(shop, "void", "7391").by == "李强"
        with pytest.raises(InvalidInput, match=r"approval.wrong_pin"):
            approve(shop, "void", "2580")  # a cashier's own PIN approves nothing
        with pytest.raises(InvalidInput, match=r"approval.wrong_pin"):
            approve(shop, "void", "1234")  # the demo PIN no longer applies


def test_sign_in_proves_the_person(home, clock) -> None:
    add_people(home)
    with Shop.open(home, clock=clock) as shop:
        assert shop.profile.cashiers == ("王芳", "李强", "赵敏")
        assert sign_in(shop, "王芳", "2580").role == "cashier"
        with pytest.raises(InvalidInput, match=r"approval.wrong_pin"):
            sign_in(shop, "王芳", "7391")
        assert failures(shop) == [{"action": "sign_in", "failures": 1}]


def test_people_without_a_manager_are_refused_at_load(home) -> None:
    add_people(home, {"王芳": ("cashier", "2580")})
    with pytest.raises(ConfigError) as caught:
        load_profile(home / "profile.toml")
    assert caught.value.data["reason"] == "no_manager"


@pytest.mark.parametrize(
    ("pin", "weak"),
    [("1234", True), ("0000", True), ("1111", True), ("987654", True), ("2580", False)],
)
def test_weak_pins(pin: str, weak: bool) -> None:
    assert is_weak_pin(pin) is weak


def old_real_shop(tmp_path: Path, clock) -> Path:
    """A real shop made before ``init`` asked a PIN: no ``[security]``, so 1234 applies."""
    root = tmp_path / "real"
    init_shop(root, name="小店", uscc="91110000600037341L", manager_pin="2580", clock=clock).close()
    profile = root / "profile.toml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text[: text.index("\n[security]")] + "\n", encoding="utf-8")
    return root


def test_a_real_shop_on_the_demo_pin_is_warned_the_demo_is_not(tmp_path, shop, clock) -> None:
    assert demo_pin_notice(shop) is None
    with Shop.open(old_real_shop(tmp_path, clock), clock=clock) as real:
        assert demo_pin_notice(real) == Notice("security.demo_pin", {})


def test_outage_status_says_the_demo_pin_is_still_set(tmp_path, clock, capsys) -> None:
    root = old_real_shop(tmp_path, clock)
    assert main(["--home", str(root), "--lang", "en", "outage", "status"]) == 0
    assert "still uses the demo manager PIN 1234" in capsys.readouterr().err
