"""``--lang zh`` covers the CLI's help and usage errors too (issue 14, item 10).

Before, ``shopdesk --lang zh sell --help`` and argparse's own words ("usage:",
"the following arguments are required") were English whatever the language.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from shopdesk.cli import main
from tests.conftest import cli_env

#: Words a Chinese user sees in Chinese text all the same: names, formats, units.
ALLOWED = {
    "shopdesk", "PIN", "USB", "QR", "SKU", "CSV", "xlsx", "PEM", "JSON", "ESC", "POS",
    "tcp", "preview", "jiao", "yuan", "cash", "wechat", "alipay", "card", "other",
    "SHOPDESK_PIN_FILE", "SHOPDESK_HOME", "SHOPDESK_LANG", "HOME", "YYYY", "SDPR", "URL",
    "base64", "UTF", "GBK", "zip",
    "now", "price",  # typed as they are: backup now, 售价=price
}  # fmt: skip


def english_words(text: str) -> set[str]:
    """English words of 3+ letters, leaving out options, commands, paths and placeholders."""
    text = re.sub(r"\S*[/\\]\S*", " ", text)  # paths and URLs
    text = re.sub(r"\{[^}]*\}", " ", text)  # {init,sell,...}: the command list
    text = re.sub(r"\S*\.(toml|csv|xlsx|zip|pem)\b", " ", text)  # file names
    text = re.sub(r"\[\w+\]", " ", text)  # profile sections: [security]
    text = re.sub(r"\b[0-9a-f]{4}( [0-9a-f]{4})+\b", " ", text)  # key fingerprints
    text = re.sub(r"\b[0-9a-f]{8,}\b", " ", text)  # hashes
    for command in sorted(COMMANDS, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(command)}(?![\w-])", " ", text)
    text = re.sub(r"--?[a-z][a-z0-9-]*", " ", text)  # --home, -h
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", text))
    placeholders = {w for w in words if w.isupper() or "_" in w}  # REASON, BUYER_NAME
    return words - ALLOWED - placeholders


def command_paths() -> list[tuple[str, ...]]:
    """Every command and sub-command as typed: ("sell",), ("outage", "status"), …"""
    from shopdesk.cli import build_parser

    def walk(parser, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = [path] if path else []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    found += walk(child, (*path, name))
        return found

    return walk(build_parser(), ())


PATHS = command_paths()
COMMANDS = {name for path in PATHS for name in path}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_top_help_is_chinese_under_lang_zh_as_a_user_runs_it() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shopdesk", "--lang", "zh", "--help"],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert done.returncode == 0
    assert "用法：" in done.stdout
    assert "显示此帮助信息并退出" in done.stdout
    assert "usage:" not in done.stdout
    assert english_words(done.stdout) == set()


def test_a_command_help_is_chinese_with_lang_after_the_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, text = run(["sell", "--help", "--lang", "zh"], capsys)
    assert code == 0
    assert "保存收据但不打印" in text  # --no-print
    assert english_words(text) == set()


def test_usage_error_is_chinese_says_what_to_do_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, text = run(["--lang", "zh", "sell"], capsys)
    assert code == 2
    assert "错误：以下参数是必需的：--item" in text
    assert "运行 shopdesk sell --help 查看用法" in text
    assert english_words(text) == set()


def test_invalid_choice_and_unknown_argument_are_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, text = run(["--lang", "zh", "sel"], capsys)
    assert code == 2
    assert "无效的选择" in text
    code, text = run(["--lang", "zh", "list", "--bogus"], capsys)
    assert code == 2
    assert "无法识别的参数：--bogus" in text
    assert "运行 shopdesk list --help 查看用法" in text


def test_the_environment_decides_the_help_language_without_lang(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPDESK_LANG", "zh")
    code, text = run(["void", "--help"], capsys)
    assert code == 0 and "用法：" in text


def test_english_stays_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(["--lang", "en", "sell"], capsys)
    assert code == 2
    assert "error: the following arguments are required: --item" in text
    assert "Run shopdesk sell --help to see how to use it." in text


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_every_command_help_is_chinese(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = run(["--lang", "zh", *path, "--help"], capsys)
    assert code == 0
    assert english_words(text) == set()
    # Headings end with the Chinese colon: argparse writes an ASCII one ("选项:").
    assert not [line for line in text.splitlines() if line.endswith(":")]


@pytest.mark.parametrize("argv", [["outage", "status"], ["report", "x"], ["list"]])
def test_commands_speak_chinese_under_lang_zh(
    argv: list[str], home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from shopdesk.cli import main as cli_main

    assert cli_main(["sell", "--item", "D001", "--no-print", "--home", str(home)]) == 0
    capsys.readouterr()
    code, text = run([*argv, "--home", str(home), "--lang", "zh"], capsys)
    assert code == 0
    assert english_words(text) == set(), text


def test_show_and_verify_batch_speak_chinese_under_lang_zh(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Their own lines were English under zh: "(net …, tax …)", "head", "prev"."""
    assert main(["sell", "--item", "D001", "--no-print", "--home", str(home)]) == 0
    number = capsys.readouterr().out.strip()
    code, text = run(["show", number, "--home", str(home), "--lang", "zh"], capsys)
    assert code == 0 and "状态 有效" in text
    assert english_words(text) == set(), text
    assert main(["export", "--out", str(tmp_path), "--home", str(home)]) == 0
    batch = capsys.readouterr().out.strip().splitlines()[-1]
    code, text = run(["--lang", "zh", "verify-batch", batch], capsys)
    assert code == 0
    assert "不含税" in text
    assert english_words(text) == set(), text


def test_chinese_help_fits_the_terminal_and_keeps_its_column(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """argparse counts characters: a Chinese one takes two columns, so lines overflowed
    and ``--home 目录`` pushed its help two columns right of the others."""
    from shopdesk.cli.common import cells

    monkeypatch.setenv("COLUMNS", "80")
    code, text = run(["--lang", "zh", "sell", "--help"], capsys)
    assert code == 0
    options = text[text.index("  -h, --help") :].splitlines()
    assert [line for line in options if cells(line) > 80] == []
    starts = {
        cells(line[: line.index(help_text)])
        for line in options
        for help_text in ("显示此帮助信息并退出", "店铺目录", "保存收据但不打印")
        if help_text in line
    }
    assert len(starts) == 1
