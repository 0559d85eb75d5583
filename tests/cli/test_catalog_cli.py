"""``catalog check`` names every bad row; ``catalog import`` maps a shop's own sheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from shopdesk.cli import main
from shopdesk.config import load_catalog

CODE = "1030307000000000000"


def run(home: Path, *args: str) -> int:
    return main(["--home", str(home), "--lang", "en", *args])


def test_check_names_file_line_column_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "mine.csv"
    rows = [
        "sku,barcode,name,name_en,unit,spec,price,tax_rate,tax_code,category",
        f"D001,,可乐,Cola,罐,,3.00,13,{CODE},drinks",
        f"D002,,雪碧,Sprite,罐,,abc,13,{CODE},drinks",
        f"D003,,芬达,Fanta,罐,,3.00,17,{CODE},drinks",
    ]
    sheet.write_bytes(("\n".join(rows) + "\n").encode("gbk"))
    assert run(tmp_path, "catalog", "check", str(sheet)) == 2
    out, err = capsys.readouterr()
    assert "1 items can be sold; 2 problem(s)" in out
    assert f"Catalog {sheet}, line 3, price: price is not an amount: abc." in err
    assert f"Catalog {sheet}, line 4, tax_rate: Unknown tax rate: 17." in err


def test_check_of_a_good_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = Path(__file__).resolve().parents[2] / "sample_data" / "catalog.csv"
    assert run(tmp_path, "catalog", "check", str(sample)) == 0
    assert "no problems" in capsys.readouterr().out


SHOP_HEADER = ["货号", "条码", "品名", "单位", "售价", "税率", "税收分类编码", "备注"]
SHOP_ROWS = [
    ["A01", 6901939621257, "可口可乐 330ml", "罐", 3.5, "13%", CODE, "冷柜"],
    ["A02", None, "散装花生", "斤", 12, 0.09, "1010115000000000000", ""],
]


def test_import_maps_the_columns_of_an_xlsx(home: Path, tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(SHOP_HEADER)
    for row in SHOP_ROWS:
        book.active.append(row)
    sheet = tmp_path / "商品.xlsx"
    book.save(sheet)
    assert run(home, "catalog", "import", str(sheet)) == 0
    catalog = load_catalog(home / "catalog.csv")
    assert not catalog.problems
    cola = catalog.find("6901939621257")
    assert cola is not None and (cola.sku, str(cola.price), cola.tax_rate) == ("A01", "3.50", "13")
    peanuts = catalog.by_sku("a02")
    assert peanuts is not None and (peanuts.unit, str(peanuts.price)) == ("斤", "12.00")
    assert peanuts.tax_rate == "9"


def test_import_of_a_csv_with_a_map_and_a_bad_row_changes_nothing(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (home / "catalog.csv").read_bytes()
    sheet = tmp_path / "shop.csv"
    text = f"编号,名字,价钱,税率,税收编码\nB1,毛巾,8.00,13,{CODE}\nB2,牙刷,x,13,{CODE}\n"
    sheet.write_bytes(text.encode("gb18030"))
    mapping = ["--map", "编号=sku", "--map", "名字=name", "--map", "价钱=price"]
    assert run(home, "catalog", "import", str(sheet), *mapping) == 2
    assert "line 3, price" in capsys.readouterr().err
    assert (home / "catalog.csv").read_bytes() == before
    sheet.write_bytes(text.replace(",x,", ",4.00,").encode("gb18030"))
    assert run(home, "catalog", "import", str(sheet), *mapping) == 0
    assert [item.name for item in load_catalog(home / "catalog.csv")] == ["毛巾", "牙刷"]


def test_import_without_a_price_column_says_which_field(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "shop.csv"
    sheet.write_text("货号,品名,税率,税收编码\nB1,毛巾,13,{CODE}\n", encoding="utf-8")
    assert run(home, "catalog", "import", str(sheet)) == 2
    assert "no column 'price'" in capsys.readouterr().err
    assert run(home, "catalog", "import", str(sheet), "--map", "货号") == 2
    assert "--map 货号 is not valid" in capsys.readouterr().err
