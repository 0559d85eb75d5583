"""Shipped themes load; a broken theme file is reported and skipped, not fatal."""

from __future__ import annotations

from shopdesk.services.shop import bundled
from shopdesk.services.themes import load_themes


def test_shipped_themes_include_light_dark_and_high_contrast():
    themes, errors = load_themes(bundled("themes"))
    assert errors == []
    names = [t.name for t in themes]
    assert names[0] == "shopdesk-light"
    assert {"shopdesk-light", "shopdesk-dark", "shopdesk-high-contrast"} <= set(names)
    assert {t.name: t.dark for t in themes}["shopdesk-dark"] is True
    assert all(t.label("zh") and t.label("en") for t in themes)


def test_a_bad_theme_file_is_skipped_with_an_error(tmp_path):
    (tmp_path / "a.toml").write_text('name = "ok"\n[colors]\nprimary = "#112233"\n', "utf-8")
    (tmp_path / "b.toml").write_text('name = "bad"\n[colors]\nprimary = "red"\n', "utf-8")
    (tmp_path / "c.toml").write_text("name = = broken", "utf-8")
    themes, errors = load_themes(tmp_path)
    assert [t.name for t in themes] == ["ok"]
    assert sorted(e.code for e in errors) == ["theme.bad_field", "theme.syntax"]
