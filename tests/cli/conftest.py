"""Shared CLI fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def pin_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo manager PIN where ``read_manager_pin`` looks for a script's PIN."""
    path = tmp_path / "pin"
    path.write_text("1234\n", encoding="utf-8")
    monkeypatch.setenv("SHOPDESK_PIN_FILE", str(path))
    return path
