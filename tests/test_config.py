"""A broken profile names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopdesk.config import load_profile, parse_profile
from shopdesk.errors import ConfigError
from shopdesk.services.shop import bundled

DEMO = (bundled("sample_data") / "profile.toml").read_text(encoding="utf-8")


def test_demo_profile_loads() -> None:
    profile = parse_profile(DEMO, Path("profile.toml"))
    assert profile.terminal == "T01" and profile.printer.url == "preview"
    assert profile.printer.dots == 384 and profile.limits.max_hours == 72


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(needle))


@pytest.mark.parametrize(
    ("old", "new", "field", "reason"),
    [
        (
            'uscc = "91110108MA01C6PX8E"',
            'uscc = "91110108MA01C6PX8A"',
            "shop.uscc",
            "tax_id.bad_check",
        ),
        ("paper_width_mm = 58", "paper_width_mm = 57", "printer.paper_width_mm", "one_of:58|80"),
        ('id = "T01"', 'id = "t 01"', "terminal.id", "terminal_id_shape"),
        (
            'max_amount = "100000.00"',
            'max_amount = "-5"',
            "offline_limits.max_amount",
            "money.negative",
        ),
        ("max_hours = 72", 'max_hours = "72"', "offline_limits.max_hours", "expected_int"),
        (
            'timezone = "Asia/Shanghai"',
            'timezone = "Mars/Olympus"',
            "shop.timezone",
            "unknown_timezone",
        ),
    ],
)
def test_bad_value_names_file_line_and_field(old: str, new: str, field: str, reason: str) -> None:
    text = DEMO.replace(old, new)
    with pytest.raises(ConfigError) as err:
        parse_profile(text, Path("/x/profile.toml"))
    data = err.value.data
    assert (err.value.code, data["field"], data["reason"]) == ("profile.bad_field", field, reason)
    assert data["file"] == "/x/profile.toml" and data["line"] == _line(text, new)


def test_missing_field_points_at_its_section() -> None:
    text = DEMO.replace('name = "海淀好邻居便利店（演示）"\n', "")
    with pytest.raises(ConfigError) as err:
        parse_profile(text, Path("p.toml"))
    assert err.value.code == "profile.missing_field" and err.value.data["field"] == "shop.name"
    assert err.value.data["line"] == _line(text, "[shop]")


def test_syntax_error_gives_the_line() -> None:
    text = DEMO.replace("max_hours = 72", "max_hours = = 72")
    with pytest.raises(ConfigError) as err:
        parse_profile(text, Path("p.toml"))
    assert err.value.code == "profile.syntax" and err.value.data["line"] == _line(text, "max_hours")


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_profile(tmp_path / "nope.toml")
    assert err.value.code == "profile.missing"
    bad = tmp_path / "gbk.toml"
    bad.write_bytes(DEMO.encode("gb18030"))
    with pytest.raises(ConfigError) as err:
        load_profile(bad)
    assert err.value.code == "profile.not_utf8"
