"""Editing profile.toml from the app: comments kept, values checked, the change recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.config import load_profile
from shopdesk.domain.pin import DEMO_PIN, verify_pin
from shopdesk.errors import ConfigError, InvalidInput, LedgerError, PrinterError
from shopdesk.services.integrity import verify_ledger
from shopdesk.services.profile_edit import (
    change_manager_pin,
    changed_text,
    check_paper_width,
    edit_profile,
)
from shopdesk.services.shop import Shop, init_shop

VALID_USCC = "91110000600037341L"


def records_of(shop: Shop, kind: str) -> list[dict]:
    return [r for r in shop.ledger.journal.records() if r["kind"] == kind]


def test_edit_keeps_comments_changes_the_values_and_records_who(shop: Shop, home: Path) -> None:
    before = home.joinpath("profile.toml").read_text(encoding="utf-8")
    profile = edit_profile(
        shop,
        {
            "shop.name": "新店名",
            "shop.address": "北京市朝阳区 1 号",
            "printer.url": "tcp://10.0.0.9",
        },
        who="王芳",
    )
    after = home.joinpath("profile.toml").read_text(encoding="utf-8")
    # every comment line of the hand-written file is still there, in order
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == comments
    assert profile.shop_name == "新店名" and shop.profile is profile
    assert load_profile(home / "profile.toml").printer.url == "tcp://10.0.0.9"
    [record] = records_of(shop, "profile.changed")
    assert record["data"] == {
        "fields": {
            "shop.name": "新店名",
            "shop.address": "北京市朝阳区 1 号",
            "printer.url": "tcp://10.0.0.9",
        },
        "by": "王芳",
    }
    assert verify_ledger(home).ok


def test_unchanged_values_write_and_record_nothing(shop: Shop, home: Path) -> None:
    before = home.joinpath("profile.toml").read_bytes()
    edit_profile(
        shop, {"shop.name": shop.profile.shop_name, "terminal.cashiers": ("王芳", "李强")}, who="x"
    )
    assert home.joinpath("profile.toml").read_bytes() == before
    assert records_of(shop, "profile.changed") == []


def test_a_bad_value_changes_nothing(shop: Shop, home: Path) -> None:
    before = home.joinpath("profile.toml").read_bytes()
    with pytest.raises(ConfigError) as error:
        edit_profile(shop, {"shop.uscc": "91110000600037341X", "shop.name": "新"}, who="x")
    assert error.value.code == "profile.bad_field"
    assert home.joinpath("profile.toml").read_bytes() == before
    assert shop.profile.shop_name != "新"
    assert records_of(shop, "profile.changed") == []


def test_terminal_and_unknown_fields_are_not_editable(shop: Shop) -> None:
    for field in ("terminal.id", "shop.timezone", "security.anything"):
        with pytest.raises(ValueError, match="not editable"):
            edit_profile(shop, {field: "T02"}, who="x")


def test_new_paper_width_drops_the_old_printers_dots() -> None:
    text = '[printer]\nurl = "preview"\npaper_width_mm = 58\ndots = 384  # POS-58\n'
    new = changed_text(text, {"printer.paper_width_mm": 80})
    assert "dots" not in new and "paper_width_mm = 80" in new


def test_paper_width_is_58_or_80() -> None:
    assert check_paper_width("80") == 80
    for bad in ("57", "", "eighty"):
        with pytest.raises(InvalidInput):
            check_paper_width(bad)


def test_a_missing_section_is_added(tmp_path: Path) -> None:
    text = '[shop]\nname = "A"  # the name\n'
    new = changed_text(text, {"security.manager_pin": "scrypt$x"})
    assert new.startswith('[shop]\nname = "A"  # the name\n')
    assert '[security]\nmanager_pin = "scrypt$x"' in new


@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and "\x00" not in s))
def test_any_shop_name_round_trips(name: str) -> None:
    """Quotes, backslashes, newlines, Hanzi: the written TOML reads back as typed."""
    import tomllib

    new = changed_text('[shop]\nname = "A"\n', {"shop.name": name})
    assert tomllib.loads(new)["shop"]["name"] == name


def test_manager_pin_change_needs_the_current_pin_and_a_strong_new_one_twice(shop: Shop) -> None:
    for current, new, repeat, code in (
        ("0000", "5806", "5806", "pin.wrong"),
        (DEMO_PIN, "56", "56", "pin.bad_shape"),
        (DEMO_PIN, "5806", "5809", "pin.mismatch"),
        (DEMO_PIN, "0000", "0000", "pin.too_weak"),
        (DEMO_PIN, "5678", "5678", "pin.too_weak"),
        (DEMO_PIN, "4321", "4321", "pin.too_weak"),
    ):
        with pytest.raises(InvalidInput) as error:
            change_manager_pin(shop, current, new, repeat, who="x")
        assert error.value.code == code
    assert verify_pin(shop.profile.manager_pin_hash, DEMO_PIN)
    change_manager_pin(shop, DEMO_PIN, "5806", "5806", who="李强")
    stored = load_profile(shop.home.profile).manager_pin_hash
    assert verify_pin(stored, "5806") and not verify_pin(stored, DEMO_PIN)
    [record] = records_of(shop, "profile.changed")
    assert record["data"]["fields"] == {"security.manager_pin": "(changed)"}  # never the hash


def test_a_read_only_shop_refuses_before_writing(home: Path) -> None:
    before = home.joinpath("profile.toml").read_bytes()
    with Shop.open(home, readonly=True) as shop, pytest.raises(LedgerError):
        edit_profile(shop, {"shop.name": "新"}, who="x")
    assert home.joinpath("profile.toml").read_bytes() == before


def test_init_takes_printer_and_language_and_checks_them(tmp_path: Path) -> None:
    shop = init_shop(
        tmp_path / "a",
        name="小店",
        uscc=VALID_USCC,
        printer="tcp://127.0.0.1:9100",
        language="en",
        manager_pin="2580",
    )
    shop.close()
    profile = load_profile(tmp_path / "a" / "profile.toml")
    assert (profile.printer.url, profile.language) == ("tcp://127.0.0.1:9100", "en")
    with pytest.raises(PrinterError) as error:
        init_shop(tmp_path / "b", name="小店", uscc=VALID_USCC, printer="lpt1")
    assert error.value.code == "printer.bad_url"
    with pytest.raises(InvalidInput) as bad:
        init_shop(tmp_path / "c", name="小店", uscc=VALID_USCC, terminal="t-1")
    assert bad.value.code == "init.bad_terminal"
    assert not (tmp_path / "b").exists() and not (tmp_path / "c").exists()


def test_cashier_lists_split_on_commas_of_either_width() -> None:
    from shopdesk.services.profile_edit import parse_cashiers

    assert parse_cashiers(" 王芳, 李强，赵六、 Anna ") == ("王芳", "李强", "赵六", "Anna")
    for empty in ("", " , ，"):
        with pytest.raises(InvalidInput) as error:
            parse_cashiers(empty)
        assert error.value.code == "cashier.empty"


def test_printer_settings_check_the_url_and_follow_the_paper_width(shop: Shop) -> None:
    from shopdesk.services.profile_edit import printer_settings

    saved = shop.profile.printer  # 58 mm, 384 dots
    wide = printer_settings(saved, url=" tcp://10.0.0.9 ", paper_mm=80, text_mode="image")
    assert (wide.url, wide.paper_mm, wide.dots, wide.text_mode) == (
        "tcp://10.0.0.9",
        80,
        576,
        "image",
    )
    same = printer_settings(saved, url="preview", paper_mm="58", text_mode="gb18030")
    assert same.dots == saved.dots
    with pytest.raises(PrinterError):
        printer_settings(saved, url="lpt1", paper_mm=58, text_mode="gb18030")


def test_a_real_shop_must_set_its_own_manager_pin(tmp_path: Path) -> None:
    """Issue 13, item 2: without a PIN a real shop silently ran on the demo's 1234."""
    for pin, repeat, code in (
        ("", None, "init.pin_missing"),
        ("1234", None, "pin.too_weak"),
        ("0000", None, "pin.too_weak"),
        ("2580", "2581", "pin.mismatch"),
    ):
        with pytest.raises(InvalidInput) as refused:
            init_shop(
                tmp_path / "d",
                name="小店",
                uscc=VALID_USCC,
                manager_pin=pin,
                manager_pin_repeat=repeat,
            )
        assert refused.value.code == code
        assert not (tmp_path / "d").exists()
    init_shop(tmp_path / "d", name="小店", uscc=VALID_USCC, manager_pin="2580").close()
    profile = load_profile(tmp_path / "d" / "profile.toml")
    assert verify_pin(profile.manager_pin_hash, "2580")
    assert not verify_pin(profile.manager_pin_hash, "1234")
