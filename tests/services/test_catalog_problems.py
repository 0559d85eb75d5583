"""A bad catalog row refuses only its item: the till sells the rest and reads its ledger.

Issue 15, item 1: a price ``abc`` in a GBK-saved catalog used to make every
command but ``verify`` exit 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shopdesk.cli import main
from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.errors import InvalidInput
from shopdesk.messages import message
from shopdesk.services.reports import report_x
from shopdesk.services.sales import issue_receipt, list_receipts, parse_item_spec
from shopdesk.services.shop import Shop
from tests.conftest import Clock


def break_water_price(home: Path) -> None:
    """D002's price becomes ``abc`` and the file is saved as GBK, as Chinese Excel does."""
    text = (home / "catalog.csv").read_text(encoding="utf-8")
    text = text.replace("瓶,550ml,2.00,13", "瓶,550ml,abc,13", 1)
    (home / "catalog.csv").write_bytes(text.encode("gbk"))


def test_a_shop_with_a_bad_row_sells_its_good_items(home: Path, clock: Clock) -> None:
    break_water_price(home)
    with Shop.open(home, clock=clock) as shop:
        assert len(shop.catalog) > 40 and shop.catalog.find("D001") is not None
        (problem,) = shop.catalog.problems
        assert (problem.error.data["line"], problem.error.data["field"]) == (3, "price")
        draft = SaleDraft(
            lines=[parse_item_spec(shop.catalog, "D001")], payments=[Payment("cash", None)]
        )
        number = issue_receipt(shop, draft).number
        with pytest.raises(InvalidInput) as info:
            parse_item_spec(shop.catalog, "6921168010370")
        assert info.value.code == "catalog.item_broken"
        said = message(info.value.code, "en", **info.value.data)
        assert "6921168010370" in said and "line 3" in said and "{" not in said
        assert [row["no"] for row in list_receipts(shop, None)] == [number]
        assert report_x(shop).figures.receipts == 1


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["show", "T01-00000001"],
        ["report", "x"],
        ["outage", "status"],
        ["backup", "status"],
        ["void", "T01-00000001", "--reason", "test"],
        ["sell", "--item", "D001", "--pay", "cash"],
    ],
)
def test_every_command_works_and_warns_about_the_bad_row(
    home: Path, command: list[str], capsys: pytest.CaptureFixture[str], demo_pin: Path
) -> None:
    assert main(["--home", str(home), "--lang", "en", "sell", "--item", "D001"]) == 0
    break_water_price(home)
    capsys.readouterr()
    assert main(["--home", str(home), "--lang", "en", *command]) == 0
    err = capsys.readouterr().err
    assert "catalog" in err and "1 problem" in err and "line 3" in err


def test_selling_the_broken_item_says_which_row(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    break_water_price(home)
    assert main(["--home", str(home), "--lang", "en", "sell", "--item", "D002"]) == 2
    err = capsys.readouterr().err
    assert "Item D002 cannot be sold yet" in err and "line 3" in err and "abc" in err
