"""A user's mistake gets a message and its documented exit code, never a crash (issue 15, item 4).

Before, each of these exited 70 ("Unexpected error") with a Python exception name:
``--home afile init`` (FileExistsError), a home that cannot be written (OSError),
``hash-pin`` with nothing to read (EOFError, or AttributeError with stdin closed).
"""

from __future__ import annotations

import errno
import io
import os
import sys
from pathlib import Path

import pytest

from shopdesk.cli import main


def test_init_in_a_home_that_is_a_file_says_so_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("notes", encoding="utf-8")
    assert main(["--lang", "en", "--home", str(afile), "init", "--demo"]) == 2
    err = capsys.readouterr().err
    assert f"{afile} is a file, not a folder" in err and "Unexpected" not in err
    assert afile.read_text(encoding="utf-8") == "notes"


def test_init_in_a_folder_below_a_file_says_so_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("notes", encoding="utf-8")
    assert main(["--lang", "en", "--home", str(afile / "shop"), "init", "--demo"]) == 2
    err = capsys.readouterr().err
    assert f"{afile} is a file, not a folder" in err and "Unexpected" not in err


def test_init_in_a_home_that_cannot_be_written_says_so_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tests run as root, who may write anywhere: the read-only disk is simulated."""

    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    home = tmp_path / "stick" / "shop"
    assert main(["--lang", "zh", "--home", str(home), "init", "--demo"]) == 2
    err = capsys.readouterr().err
    assert f"无法在 {home} 中写入" in err and "Read-only file system" in err
    assert "意外错误" not in err
    assert main(["--lang", "en", "--home", str(home), "demo", "--sell"]) == 2
    err = capsys.readouterr().err
    assert f"Cannot write in {home}" in err and "a folder you can write to" in err


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")  # no terminal: that is the case
@pytest.mark.parametrize("stdin", [io.StringIO(""), None], ids=["at end of input", "closed"])
def test_hash_pin_without_input_says_how_to_give_a_pin_and_exits_2(
    stdin: io.StringIO | None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr("getpass.os.open", _no_terminal)  # as in a pipe, a service or CI
    assert main(["--lang", "en", "--home", str(tmp_path), "hash-pin"]) == 2
    err = capsys.readouterr().err
    assert "No PIN was given" in err and "Unexpected" not in err


def _no_terminal(*args: object, **kwargs: object) -> int:
    raise OSError(errno.ENXIO, "No such device or address")


def test_an_unexpected_error_whose_log_cannot_be_written_shows_its_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """'Details were logged to (stderr)' must mean the details are on stderr."""
    import shopdesk.cli.core as core

    def broken(ctx: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(core, "cmd_verify", broken)
    afile = tmp_path / "afile"
    afile.write_text("", encoding="utf-8")
    assert main(["--lang", "en", "--home", str(afile), "verify"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: a bug" in err
    assert "logged to (stderr)" in err


def test_a_sale_on_a_read_only_home_says_to_make_the_folder_writable(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not only "free disk space": on a read-only stick that advice cannot help."""
    real_open = os.open

    def read_only(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & os.O_APPEND:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    argv = ["--lang", "en", "--home", str(home), "sell", "--item", "D001", "--no-print"]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert "Read-only file system" in err and "not a read-only stick" in err
