"""Chinese messages name the field in Chinese (issue 14, item 10: "payment 金额过大")."""

from __future__ import annotations

import pytest

from shopdesk.domain.money import parse_money
from shopdesk.domain.sale import parse_payment, parse_quantity
from shopdesk.errors import InvalidInput
from shopdesk.messages import message


def words(problem: InvalidInput, lang: str) -> str:
    return message(problem.code, lang, **problem.data)


@pytest.mark.parametrize(
    ("parse", "english", "chinese"),
    [
        (lambda: parse_payment("cash:1e30"), "payment", "付款"),
        (lambda: parse_money("-3", "price"), "price", "单价"),
        (lambda: parse_money("1.234", "discount"), "discount", "折扣"),
        (lambda: parse_money("abc", "amount"), "amount", "金额"),
        (lambda: parse_money("abc", "counted"), "counted", "点钞金额"),
        (lambda: parse_quantity("0", "quantity"), "quantity", "数量"),
    ],
)
def test_a_field_is_named_in_the_message_language(parse, english: str, chinese: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse()
    zh = words(info.value, "zh")
    assert english not in zh and chinese in zh, zh
    assert english in words(info.value, "en")


def test_a_field_we_have_no_words_for_shows_as_given() -> None:
    text = message("money.too_large", "zh", field="max_amount", value="1e30")
    assert text.startswith("max_amount")


def test_a_catalog_column_keeps_its_name_and_the_reason_speaks_chinese() -> None:
    from shopdesk.domain.catalog import parse_catalog
    from shopdesk.errors import ConfigError

    header = "sku,barcode,name,name_en,unit,spec,price,tax_rate,tax_code,category"
    row = "D001,,可乐,Cola,罐,,abc,13,1030307000000000000,drinks"
    with pytest.raises(ConfigError) as info:
        parse_catalog(f"{header}\n{row}\n", source="shop.csv")
    text = message(info.value.code, "zh", **info.value.data)
    assert "price：" in text and "单价不是有效金额" in text, text


def test_every_approval_action_is_named_in_the_message_language() -> None:
    """ "此操作（void）需要店长批准" showed the action's code to a Chinese cashier."""
    from shopdesk.services.approval import ACTIONS

    for action in ACTIONS:
        chinese = message("approval.needed", "zh", action=action)
        english = message("approval.needed", "en", action=action)
        assert action not in chinese, chinese
        assert f"({action})" not in english, english
    assert "（作废收据）" in message("approval.needed", "zh", action="void")
