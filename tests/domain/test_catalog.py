"""The shipped demo catalog, catalog lookups and search, and the CSV parser's errors.

A broken catalog must stop the shop with a message naming the line and the cell,
never with a traceback, so most tests here pin the exact ``line`` and ``field`` a
shopkeeper would be sent to.
"""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopdesk.domain.catalog import COLUMNS, Catalog, CatalogItem, parse_catalog
from shopdesk.domain.ean import ean13_check_digit, is_valid_ean13
from shopdesk.domain.tax import RATES, rate_label
from shopdesk.errors import ConfigError

SAMPLE = Path(__file__).parents[2] / "sample_data/catalog.csv"
CATALOG_DOC = Path(__file__).parents[2] / "docs/demo-catalog.md"
#: How docs/demo-catalog.md says it knows a code: from the table, from invoices, or not yet.
CODE_STATUSES = {"leaf", "leaf, in use", "leaf, unconfirmed", "branch, unconfirmed"}
#: Codes with codes below them, which the invoicing platform refuses (docs/demo-catalog.md).
KNOWN_BRANCHES = {
    "1000000000000000000",  # 货物
    "1010000000000000000",  # 农、林、牧、渔业类产品
    "1010100000000000000",  # 农业产品
    "1030200000000000000",  # 食品及加工盐
    "1060105000000000000",  # 纸制品
    "3040000000000000000",  # 现代服务
}
HEADER = ",".join(COLUMNS)
DRINK_CODE = "1030307010000000000"
#: Demo lines moved from a branch to a leaf in issue 12, item 8 (docs/demo-catalog.md).
LEAVES_FOUND = {
    "F001": "1010115010500000000",  # 香蕉
    "F002": "1010115010100000000",  # 苹果
    "F003": "1010303020100000000",  # 鸡蛋
    "F004": "1010112080000000000",  # 瓜类蔬菜 (cucumber)
    "F005": "1010112090000000000",  # 番茄等茄果类蔬菜
    "M001": "1030204010000000000",  # plain milk, short name 乳制品
    "M003": "1030204010000000000",
    "M005": "1030204010000000000",
    "M007": "1030204010000000000",
    "G001": "1060105040000000000",  # tissues (卷纸, 抽纸)
    "G002": "1060105040000000000",
    "G003": "1070222010000000000",  # 香皂
    "G004": "1070224010000000000",  # 牙膏
    "I001": "1030203030000000000",  # 方便食品, in use for instant rice noodles
    "I002": "1030203030000000000",
    "I003": "1030203030000000000",
    # second round: the lines that were still on branches (docs/demo-catalog.md)
    "S008": "1030201030000000000",  # 饼干 (replaced the nuts)
    "S009": "1030202010000000000",  # 糖果 (replaced the 辣条)
    "S010": "1030201010000000000",  # 糕点 (replaced the jerky)
    "I004": "1030203030000000000",  # 方便食品 (instant noodles replaced the ham sausage)
    "I005": "1030203030000000000",
    "I006": "1030102010100000000",  # 大米 (replaced the luncheon meat)
    "I007": "1030105010400000000",  # 花生油 (replaced the frozen dumplings)
    "M002": "1030204010000000000",  # yoghurt and the milk drink: the dairy code in use
    "M004": "1030204010000000000",
    "M006": "1030204010000000000",
    "G005": "1070223030000000000",  # 洗发水
    "G007": "1070222020000000000",  # 洗衣液
    "G008": "1060105040000000000",  # 卷纸
    "G010": "1080407040000000000",  # 剃须刀
    "T001": "1060402010100000000",  # 自来水笔
    "T002": "1060401010000000000",  # 文具盒（袋）
    "C001": "1030203030000000000",  # 熟食, in use at the standard rate
    "C002": "1030203030000000000",
    "C003": "1030203030000000000",
    "C004": "1030203030000000000",
    "C005": "1030203030000000000",
    "V001": "3040802010100000000",  # 国内货物运输代理服务
}
#: Lines taken out of the demo because no leaf could be cited for them or anything like them.
REMOVED = {"T003", "T004", "T005", "V002"}
GOOD_ROW = f"D001,6901939621257,可口可乐 330ml,Coca-Cola 330ml,罐,330ml,3.00,13,{DRINK_CODE},drinks"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def error_of(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_catalog(text, source="shop.csv")
    return info.value


@pytest.fixture(scope="module")
def sample() -> Catalog:
    return parse_catalog(SAMPLE.read_text(encoding="utf-8"), source=str(SAMPLE))


# --- the shipped sample ---------------------------------------------------------------


def test_sample_is_plain_utf8_with_the_documented_header() -> None:
    raw = SAMPLE.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8").splitlines()[0] == HEADER


def test_sample_has_enough_items(sample: Catalog) -> None:
    assert len(sample) >= 40


def test_sample_barcodes_are_valid_ean13(sample: Catalog) -> None:
    for item in sample:
        assert is_valid_ean13(item.barcode), item
        # Brand goods carry a Chinese GS1 prefix; loose and service items an
        # in-store (restricted circulation) one.
        assert item.barcode[:3] in {str(p) for p in range(690, 700)} or item.barcode[0] == "2"


def test_sample_tax_codes_and_rates(sample: Catalog) -> None:
    rates = {item.tax_rate for item in sample}
    assert {"13", "9", "6", "exempt"} <= rates
    assert rates <= set(RATES)
    for item in sample:
        assert len(item.tax_code) == 19 and item.tax_code.isascii() and item.tax_code.isdigit()
        # 1… is goods, 3… is services: a 6 % line must be a service code.
        assert item.tax_code[0] == ("3" if item.tax_rate == "6" else "1"), item


def test_sample_plain_milk_is_at_the_low_rate_and_yogurt_at_13(sample: Catalog) -> None:
    """Pasteurised and UHT milk (巴氏杀菌乳, 灭菌乳) are at 9 %; fermented milk and milk
    drinks are not (issue 12, item 8; sources in docs/demo-catalog.md)."""
    dairy = {item.sku: item.tax_rate for item in sample if item.category == "dairy"}
    assert dairy == {
        "M001": "9",  # 伊利纯牛奶, UHT
        "M002": "13",  # 酸牛奶
        "M003": "9",  # 特仑苏纯牛奶, UHT
        "M004": "13",  # 希腊风味酸奶
        "M005": "9",  # 三元鲜牛奶, pasteurised
        "M006": "13",  # 乳酸菌乳饮品
        "M007": "9",  # 光明鲜牛奶, pasteurised
    }


def test_every_sample_code_and_rate_is_documented_with_its_source(sample: Catalog) -> None:
    """docs/demo-catalog.md lists each demo item's code, rate, how sure we are, and why."""
    rows = {}
    for line in CATALOG_DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if re.fullmatch(r"[A-Z]\d{3}", cells[0]):
            rows[cells[0]] = cells
    assert set(rows) == {item.sku for item in sample}
    for item in sample:
        _, name, code, rate, status, source = rows[item.sku]
        assert (name, code, rate) == (item.name, item.tax_code, rate_label(item.tax_rate))
        assert status in CODE_STATUSES and source, item.sku
    # the drinks and snacks are confirmed leaves now, not the 1030307 / 10302 branches
    for item in sample:
        if item.category in ("drinks", "snacks") and rows[item.sku][4] == "leaf":
            assert not item.tax_code.endswith("0" * 11), item.sku  # 9+ significant digits


def test_sample_lines_moved_off_branch_codes_carry_their_leaves(sample: Catalog) -> None:
    """The branch codes these lines carried (1010100…, 1010000…, 1030200…, 1060105…,
    1000000…) are refused by the invoicing platform; each now has the leaf its source
    names (issue 12, item 8; sources in docs/demo-catalog.md)."""
    codes = {item.sku: item.tax_code for item in sample}
    assert {sku: codes[sku] for sku in LEAVES_FOUND} == LEAVES_FOUND
    assert not set(LEAVES_FOUND.values()) & KNOWN_BRANCHES


def _level_prefix(code: str) -> str:
    """A code without its trailing all-zero levels (the first digit, then nine pairs)."""
    levels = [code[i : i + 2] for i in range(1, 19, 2)]
    while levels and levels[-1] == "00":
        levels.pop()
    return code[0] + "".join(levels)


def test_no_demo_line_is_on_a_branch_code(sample: Catalog) -> None:
    """Issue 12, item 8: the invoicing platform refuses a branch, and shops copy the demo.
    No line may be documented as on a branch, carry a known branch or a top-level code,
    or carry a code that another demo line's code lies below."""
    status = {}
    for line in CATALOG_DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if re.fullmatch(r"[A-Z]\d{3}", cells[0]):
            status[cells[0]] = cells[4]
    assert [sku for sku, s in status.items() if s.startswith("branch")] == []
    codes = {item.tax_code for item in sample}
    assert not codes & KNOWN_BRANCHES
    assert not [c for c in codes if re.fullmatch(r"\d0{18}", c)]
    for code in codes:
        prefix = _level_prefix(code)
        assert not [c for c in codes if c != code and c.startswith(prefix)], code
    assert not REMOVED & {item.sku for item in sample}


def test_level_prefix() -> None:
    assert _level_prefix("1060105000000000000") == "1060105"
    assert _level_prefix("1060410100000000000") == "106041010"  # 10 is a level, not zeros
    assert _level_prefix("1010115010500000000") == "10101150105"


def test_only_lines_documented_as_branches_carry_a_branch_code(sample: Catalog) -> None:
    """A top-level code (one digit, then zeros) or a known branch is never passed off as
    a leaf: the docs must say the line is still on a branch."""
    status = {}
    for line in CATALOG_DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if re.fullmatch(r"[A-Z]\d{3}", cells[0]):
            status[cells[0]] = cells[4]
    for item in sample:
        if item.tax_code in KNOWN_BRANCHES or re.fullmatch(r"\d0{18}", item.tax_code):
            assert status[item.sku] == "branch, unconfirmed", item.sku


def test_sample_has_a_weighed_item(sample: Catalog) -> None:
    assert any(i.unit == "kg" for i in sample)


def test_sample_cooked_food_is_goods_at_13(sample: Catalog) -> None:
    """Cooked food sold over the counter is goods (熟食, invoiced at the standard rate,
    docs/demo-catalog.md [U2]), not a 9 % farm product; 6 % would be catering."""
    cooked = {
        item.sku: (item.tax_rate, item.tax_code)
        for item in sample
        if item.category == "cooked food"
    }
    assert len(cooked) == 5
    assert set(cooked.values()) == {("13", "1030203030000000000")}


def test_sample_prices_are_positive_two_place_decimals(sample: Catalog) -> None:
    for item in sample:
        assert isinstance(item.price, Decimal)
        assert item.price > 0 and item.price.as_tuple().exponent == -2


def test_parse_does_not_import_pypinyin_but_search_does() -> None:
    # In a fresh interpreter: this test session may already have imported it.
    code = (
        "import sys, pathlib\n"
        "from shopdesk.domain.catalog import parse_catalog\n"
        f"c = parse_catalog(pathlib.Path({str(SAMPLE)!r}).read_text(encoding='utf-8'))\n"
        "assert 'pypinyin' not in sys.modules\n"
        "assert c.search('kkkl')\n"
        "assert 'pypinyin' in sys.modules\n"
    )
    root = str(Path(__file__).parents[2])
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


# --- lookups --------------------------------------------------------------------------


def test_lookup_by_barcode_and_sku(sample: Catalog) -> None:
    cola = sample.by_barcode("6901939621257")
    assert cola is not None and cola.name == "可口可乐 330ml"
    assert sample.by_sku("D001") is cola
    assert sample.by_sku(" d001 ") is cola
    assert sample.find("6901939621257") is cola
    assert sample.find("d001") is cola
    assert sample.by_barcode("6901939621250") is None
    assert sample.by_sku("NOPE") is None
    assert sample.find("") is None


def test_find_prefers_barcode_over_a_numeric_sku() -> None:
    text = csv_text(
        "12345670,,数字货号,Numeric SKU,个,,1.00,13,1000000000000000000,",
        "X1,12345670,条码商品,Barcoded,个,,2.00,13,1000000000000000000,",
    )
    catalog = parse_catalog(text)
    found = catalog.find("12345670")
    assert found is not None and found.sku == "X1"


def test_upc_a_is_found_in_either_form() -> None:
    catalog = parse_catalog(csv_text("U1,036000291452,UPC,UPC,个,,1.00,13,1000000000000000000,"))
    assert catalog.by_barcode("036000291452") is catalog.by_barcode("0036000291452") is not None


# --- search ---------------------------------------------------------------------------


def names(items: list[CatalogItem]) -> list[str]:
    return [item.name for item in items]


@pytest.mark.parametrize("query", ["kkkl", "KKKL", "kekou", "cola", "COLA", "可乐", "可口"])
def test_search_finds_coca_cola_first(sample: Catalog, query: str) -> None:
    assert names(sample.search(query))[0] == "可口可乐 330ml"


def test_search_substrings_and_sku_prefix(sample: Catalog) -> None:
    assert "百事可乐 500ml" in names(sample.search("可乐"))
    assert "伊利纯牛奶 250ml" in names(sample.search("niunai"))
    assert all(item.sku.startswith("D") for item in sample.search("d0", limit=100))
    assert sample.search("D001")[0].sku == "D001"


def test_search_limit_and_empty_query(sample: Catalog) -> None:
    assert len(sample.search("a", limit=3)) == 3
    assert sample.search("") == []
    assert sample.search("   ") == []
    assert sample.search("zzzzqqqq") == []


# --- parser: accepted input -----------------------------------------------------------


def test_bom_crlf_blank_lines_and_extra_columns_are_accepted() -> None:
    text = "\ufeff" + HEADER + ",note\r\n" + GOOD_ROW + ",chilled\r\n\r\n"
    catalog = parse_catalog(text)
    assert len(catalog) == 1
    item = catalog.by_sku("D001")
    assert item is not None
    assert item.price == Decimal("3.00") and item.tax_rate == "13"


def test_rate_forms_and_empty_barcode() -> None:
    text = csv_text(
        "A1,,青菜,Greens,kg,,3,免税,1010100000000000000,fresh produce",
        "A2,,包子,Bun,个,,2.5,9%,1030200000000000000,cooked food",
    )
    catalog = parse_catalog(text)
    a1, a2 = catalog.by_sku("A1"), catalog.by_sku("A2")
    assert a1 is not None and a1.tax_rate == "exempt" and a1.barcode == ""
    assert a2 is not None and a2.tax_rate == "9" and a2.price == Decimal("2.50")


def test_quoted_comma_in_a_name() -> None:
    row = 'Q1,,"薯片, 原味",Chips,袋,,5.00,13,1030201050000000000,snacks'
    item = parse_catalog(csv_text(row)).by_sku("Q1")
    assert item is not None and item.name == "薯片, 原味"


# --- parser: errors name the line and the field ---------------------------------------


def test_missing_column() -> None:
    err = error_of(csv_text(header=HEADER.replace(",tax_code", "")))
    assert err.code == "catalog.missing_column"
    assert err.data == {"file": "shop.csv", "line": 1, "column": "tax_code"}


def test_empty_text_misses_the_first_column() -> None:
    err = error_of("")
    assert err.code == "catalog.missing_column" and err.data["column"] == "sku"


def replace_cell(row: str, column: str, value: str) -> str:
    cells = row.split(",")
    cells[COLUMNS.index(column)] = value
    return ",".join(cells)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("sku", "", "is empty"),
        ("sku", "D 1", "must not contain spaces"),
        ("name", "", "is empty"),
        ("barcode", "690193962125", "barcode check digit should be 6"),
        ("barcode", "6901939621250", "barcode check digit should be 7"),
        ("barcode", "69019396212", "barcode must be 8, 12 or 13 digits"),
        ("barcode", "69O1939621257", "barcode must be 8, 12 or 13 digits"),
        ("price", "", "is empty"),
        ("price", "abc", "money.not_a_number"),
        ("price", "-1", "money.negative"),
        ("price", "1.005", "money.too_precise"),
        ("price", "1e30", "money.too_large"),
        ("price", "0", "price must be greater than zero"),
        ("tax_rate", "17", "tax.unknown_rate"),
        ("tax_rate", "sNaN", "tax.unknown_rate"),
        ("tax_code", "103030700000000000", "tax code must be 19 digits"),
        ("tax_code", "10303070000000000000", "tax code must be 19 digits"),
        ("name", "可乐\x1b[2J", "contains a control character"),
    ],
)
def test_bad_cell_names_line_and_field(column: str, value: str, reason: str) -> None:
    second = replace_cell(
        f"D002,6921168010370,农夫山泉 550ml,Nongfu 550ml,瓶,550ml,2.00,13,{DRINK_CODE},drinks",
        column,
        value,
    )
    # A blank line before the bad row: line numbers count physical lines.
    err = error_of(csv_text(GOOD_ROW, "", second))
    assert err.code == "catalog.bad_row"
    err.data.pop("detail")  # what fills a coded reason; see tests/test_messages_format.py
    assert err.data == {
        "file": "shop.csv",
        "line": 4,
        "field": column,
        "value": value.strip(),
        "reason": reason,
    }


def test_line_numbers_count_lines_inside_quoted_cells() -> None:
    # A note column the parser ignores may span lines; later rows keep true numbers.
    header = HEADER + ",note"
    multi = 'M1,,两行,Two lines,个,,1.00,13,1000000000000000000,,"第一行\n第二行"'
    bad = "M2,,坏,Bad,个,,x,13,1000000000000000000,,"
    err = error_of(csv_text(multi, bad, header=header))
    assert err.data["line"] == 4 and err.data["field"] == "price"


def test_a_line_break_inside_a_name_is_refused() -> None:
    err = error_of(csv_text('M1,,"两行\n名字",Two lines,个,,1.00,13,1000000000000000000,'))
    assert (err.data["line"], err.data["field"]) == (2, "name")
    assert err.data["reason"] == "contains a control character"


def test_too_many_cells_is_reported_not_shifted() -> None:
    err = error_of(csv_text("A1,,薯片,原味,Chips,袋,,5.00,13,1030201050000000000,snacks"))
    assert err.code == "catalog.bad_row"
    assert (err.data["line"], err.data["field"]) == (2, "row")


@pytest.mark.parametrize(
    ("second", "field", "value"),
    [
        ("d001,,另一个,Other,个,,1.00,13,1000000000000000000,", "sku", "d001"),
        ("D009,6901939621257,另一个,Other,个,,1.00,13,1000000000000000000,", "barcode", None),
    ],
)
def test_duplicates(second: str, field: str, value: str | None) -> None:
    err = error_of(csv_text(GOOD_ROW, second))
    assert err.code == "catalog.duplicate"
    assert err.data["line"] == 3 and err.data["first_line"] == 2
    assert err.data["field"] == field
    assert err.data["value"] == (value or "6901939621257")


def test_unterminated_quote_is_a_config_error() -> None:
    err = error_of(csv_text('A1,,"薯片,Chips,袋,,5.00,13,1030201050000000000,snacks'))
    assert err.code == "catalog.bad_row" and err.data["field"] == "row"


# --- never anything but ConfigError ---------------------------------------------------


def check_parse(text: str) -> None:
    try:
        catalog = parse_catalog(text)
    except ConfigError as err:
        assert isinstance(err.data.get("line"), int)
        return
    for item in catalog:
        assert item.sku and item.name and item.price > 0
        assert item.tax_rate in RATES


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_only_raises_config_error(text: str) -> None:
    check_parse(text)


CELL = st.one_of(
    st.text(alphabet="0123456789.-e%,\"' \t\r\n可乐ABCsNa免税\x00\x1b\ufeff", max_size=20),
    st.sampled_from(["13", "9", "exempt", "1.00", "6901939621257", "1030307000000000000"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELL, min_size=0, max_size=12), max_size=6))
def test_rows_under_a_valid_header_only_raise_config_error(rows: list[list[str]]) -> None:
    # Under a real header the fuzzing reaches the per-cell checks, not just the header.
    check_parse(csv_text(*(",".join(cells) for cells in rows)))


def test_check_digit_helper_agrees_with_sample() -> None:
    # The sample was generated with the same GS1 rule the parser enforces.
    assert ean13_check_digit("690193962125") == "7"
