"""``--home`` and ``--lang`` wherever a user types them (issue 15, item 3).

Before, they worked only before the command: the README's own restore row
(``shopdesk restore FROM --home NEWDIR``) failed with "unrecognized arguments".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shopdesk.cli import main
from shopdesk.services.printing import print_receipt
from shopdesk.services.shop import Shop
from tests.conftest import Clock
from tests.printing.escpos_decode import decode
from tests.printing.fixtures import sell


def test_the_readme_restore_row_works_as_written(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    assert main(["backup", "--to", str(stick), "--no-key", "--home", str(home)]) == 0
    new = tmp_path / "new"
    assert main(["restore", str(stick), "--home", str(new), "--no-key", "--lang", "en"]) == 0
    assert (new / "profile.toml").is_file()
    assert "Restored" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "english"),
    [
        (["verify", "--home", "{home}", "--lang", "en"], "Ledger intact"),
        (["verify", "--lang", "en", "--home", "{home}"], "Ledger intact"),
        (["outage", "status", "--home", "{home}", "--lang", "en"], "No outage is open."),
        (["clock", "status", "--lang", "en", "--home", "{home}"], "The clock is fine."),
        (["report", "x", "--home", "{home}", "--lang", "en"], "X report"),
        (["backup", "status", "--lang", "en", "--home", "{home}"], "No backup has been made"),
        (["list", "--home", "{home}", "--lang", "en"], "0 receipts"),
    ],
    ids=lambda v: " ".join(a for a in v if a != "{home}") if isinstance(v, list) else "",
)
def test_global_options_after_the_command(
    home: Path, argv: list[str], english: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shop in --home is read, in English although the demo profile speaks Chinese."""
    assert main([str(home) if a == "{home}" else a for a in argv]) == 0
    assert english in capsys.readouterr().out


def test_lang_after_a_sub_command_speaks_that_language(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["clock", "status", "--lang", "zh", "--home", str(home)]) == 0
    zh = capsys.readouterr().out
    assert main(["clock", "status", "--lang", "en", "--home", str(home)]) == 0
    en = capsys.readouterr().out
    assert zh != en and any("\u4e00" <= c <= "\u9fff" for c in zh)


def test_init_takes_home_after_the_command(tmp_path: Path) -> None:
    new = tmp_path / "shop"
    assert main(["init", "--demo", "--home", str(new), "--lang", "en"]) == 0
    assert (new / "profile.toml").is_file()


def test_an_option_before_the_command_is_not_undone_by_the_command(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's own copy of ``--home`` must not reset one given before it."""
    assert main(["--home", str(home), "--lang", "en", "verify"]) == 0
    assert "records" in capsys.readouterr().out
    assert main(["--home", str(tmp_path / "nowhere"), "verify", "--home", str(home)]) == 0


def test_verify_qr_reads_the_shop_named_by_home_after_the_payload(
    home: Path, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    with Shop.open(home, clock=clock) as shop:
        number = sell(shop, "D001")
        payload = decode(print_receipt(shop, number).files[0].read_bytes()).native_qrs[0]
    assert main(["verify-qr", payload, "--home", str(home), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"VALID: receipt {number}") and "printed 1x" in out
