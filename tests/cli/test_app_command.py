"""``shopdesk`` alone and ``shopdesk app`` open the till app; ``hash-pin`` makes a profile line."""

from __future__ import annotations

from pathlib import Path

import pytest

import shopdesk.cli as cli
from shopdesk.domain.pin import verify_pin


@pytest.fixture
def launched(monkeypatch):
    calls: list[tuple[Path, str | None]] = []
    import shopdesk.tui.app as tui_app

    monkeypatch.setattr(
        tui_app, "run_app", lambda home, language=None: calls.append((home, language)) or 0
    )
    return calls


def test_no_command_runs_the_app(launched, tmp_path):
    assert cli.main(["--home", str(tmp_path)]) == 0
    assert launched == [(tmp_path, None)]


def test_app_command_passes_home_and_language(launched, tmp_path):
    assert cli.main(["--home", str(tmp_path), "--lang", "en", "app"]) == 0
    assert launched == [(tmp_path, "en")]


def test_hash_pin_prints_a_line_that_verifies(monkeypatch, capsys):
    answers = iter(["8642", "8642"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.main(["hash-pin"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith('manager_pin = "scrypt$')
    assert verify_pin(line.split('"')[1], "8642")


def test_hash_pin_refuses_a_mismatch(monkeypatch, capsys):
    answers = iter(["8642", "8643"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.main(["--lang", "en", "hash-pin"]) == 2
    assert "differ" in capsys.readouterr().err
