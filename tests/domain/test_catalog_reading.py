"""A catalog with bad rows still loads its good ones; any encoding Excel writes is read.

Issue 15, item 1: one bad row (or a GBK file) used to stop the whole till.
"""

from __future__ import annotations

import pytest

from shopdesk.domain.catalog import COLUMNS, decode_catalog, parse_catalog_rows
from shopdesk.errors import ConfigError

HEADER = ",".join(COLUMNS)
CODE = "1030307000000000000"
GOOD = f"D001,6901939621257,可口可乐 330ml,Coca-Cola 330ml,罐,330ml,3.00,13,{CODE},drinks"
BAD_PRICE = f"D002,6921168010370,农夫山泉 550ml,Nongfu 550ml,瓶,550ml,abc,13,{CODE},drinks"
GOOD_2 = f"S001,,薯片,Chips,袋,,5.00,13,{CODE},snacks"


def text(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def test_a_bad_price_row_is_reported_and_the_good_rows_load() -> None:
    catalog = parse_catalog_rows(text(GOOD, BAD_PRICE, GOOD_2), source="shop.csv")
    assert [item.sku for item in catalog] == ["D001", "S001"]
    (problem,) = catalog.problems
    assert problem.error.code == "catalog.bad_row"
    assert problem.error.data["file"] == "shop.csv"
    assert (problem.error.data["line"], problem.error.data["field"]) == (3, "price")
    assert problem.error.data["value"] == "abc"


def test_a_broken_item_is_known_by_sku_and_barcode() -> None:
    catalog = parse_catalog_rows(text(GOOD, BAD_PRICE), source="shop.csv")
    assert catalog.find("D002") is None
    assert catalog.broken("d002") is catalog.problems[0]
    assert catalog.broken("6921168010370") is catalog.problems[0]
    assert catalog.broken("D001") is None


def test_a_duplicate_keeps_the_first_row_and_reports_the_second() -> None:
    catalog = parse_catalog_rows(text(GOOD, GOOD.replace("可口可乐", "百事")), source="shop.csv")
    assert [item.name for item in catalog] == ["可口可乐 330ml"]
    assert catalog.problems[0].error.code == "catalog.duplicate"


def test_a_missing_column_loads_nothing_and_says_so() -> None:
    catalog = parse_catalog_rows(text(GOOD, header=HEADER.replace(",tax_code", ",taxcode")))
    assert len(catalog) == 0
    assert catalog.problems[0].error.data["column"] == "tax_code"


def test_a_broken_quote_keeps_the_rows_before_it() -> None:
    catalog = parse_catalog_rows(text(GOOD, 'A1,,"薯片,Chips,袋,,5.00,13,1,x'), source="s.csv")
    assert [item.sku for item in catalog] == ["D001"]
    assert catalog.problems[0].error.data["field"] == "row"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le-bom"]
)
def test_every_encoding_excel_writes_is_read(encoding: str) -> None:
    source = text(GOOD, GOOD_2)
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + source.replace(",", "\t").encode("utf-16-le")  # "Unicode text"
    else:
        data = source.encode(encoding)
    catalog = parse_catalog_rows(decode_catalog(data, "shop.csv"), source="shop.csv")
    assert not catalog.problems
    assert [item.name for item in catalog] == ["可口可乐 330ml", "薯片"]


def test_gb18030_only_characters_are_read() -> None:
    # 㐀 (U+3400) is in GB18030 but not in GBK: a name a GBK guess would garble.
    data = text(GOOD.replace("可口可乐", "㐀可乐")).encode("gb18030")
    assert "㐀可乐" in decode_catalog(data, "shop.csv")


def test_bytes_that_are_no_text_name_the_file() -> None:
    with pytest.raises(ConfigError) as info:
        decode_catalog(b"\xff\xfe\x00", "shop.csv")
    assert info.value.code == "catalog.not_text" and info.value.data["file"] == "shop.csv"
