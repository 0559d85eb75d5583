from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopdesk.domain.capitals import amount_in_capitals
from shopdesk.domain.sale import (
    Buyer,
    DraftLine,
    Payment,
    SaleDraft,
    price_sale,
    receipt_body,
    settle,
)
from shopdesk.printing.cells import sanitize, text_cells
from shopdesk.printing.layout import (
    BANNER,
    CELLS_58MM,
    CELLS_80MM,
    CELLS_80MM_512,
    Line,
    QrBlock,
    ShopHeader,
    block_texts,
    layout_receipt,
    layout_report,
)
from shopdesk.services.printing import print_receipt
from shopdesk.services.profile_edit import edit_profile
from tests.printing.escpos_decode import decode
from tests.printing.fixtures import sell

ALL_WIDTHS = (CELLS_58MM, CELLS_80MM_512, CELLS_80MM)
SHOP = ShopHeader(
    name="海淀好邻居便利店（演示）",
    uscc="91110108MA01C6PX8E",
    address="北京市海淀区中关村大街 27 号",
    phone="010-62345678",
    footer="电子发票系统恢复后，凭本收据或扫码在 7 日内申请开具正式发票。",
)


def line(name: str, qty: str = "1", price: str = "3.00", rate: str = "13", **kw) -> DraftLine:
    return DraftLine(
        sku="X1",
        name=name,
        unit=kw.pop("unit", "瓶"),
        tax_rate=rate,
        tax_code="1" * 19,
        qty=Decimal(qty),
        unit_price=Decimal(price),
        **kw,
    )


def record(lines, *, buyer=None, pay=None, training=False, discount="0"):
    pay = pay or [Payment("cash", Decimal("500.00"))]
    draft = SaleDraft(
        lines=list(lines), buyer=buyer, payments=list(pay), sale_discount=Decimal(discount)
    )
    priced = price_sale(draft)
    body = receipt_body(
        priced,
        settle(priced.total, draft.payments),
        number="T01-TR-00000007" if training else "T01-00000042",
        receipt_seq=42,
        cashier="王芳",
        buyer=buyer,
        training=training,
    )
    return {
        "seq": 43,
        "prev": "ab" * 32,
        "time": "2026-11-28T14:05:09.123456+08:00",
        "terminal": "T01",
        "kind": "receipt.issued",
        "data": body,
    }


def demo_record(**kw):
    return record(
        [
            line("可口可乐 330ml", "2", "3.00"),
            line("鲜鸡蛋 10枚", "0.512", "12.90", rate="exempt", unit="盒"),
        ],
        **kw,
    )


@pytest.mark.parametrize("cells", ALL_WIDTHS)
def test_receipt_shows_everything_the_issue_lists(cells):
    rec = demo_record(buyer=Buyer("北京某某科技有限公司", "91110000600037341L"))
    blocks = layout_receipt(rec, SHOP, cells, qr="SDPR*1*PAYLOAD")
    texts = block_texts(blocks)
    joined = "\n".join(texts)
    assert "海淀好邻居便利店（演示）" in joined
    assert "91110108MA01C6PX8E" in joined
    assert "临时收据" in [t.strip() for t in texts]
    assert any(b.style == BANNER and "临时收据" in b.text for b in blocks if isinstance(b, Line))
    notice = "".join(t.strip() for t in texts)
    assert "电子发票系统故障期间开具，系统恢复后补开正式发票。" in notice
    assert any(t.startswith("收据号") and t.endswith("T01-00000042") for t in texts)
    assert any(t.startswith("时间") and t.endswith("2026-11-28 14:05:09") for t in texts)
    assert any(t.startswith("收银员") and t.endswith("王芳") for t in texts)
    assert any(t.startswith("可口可乐 330ml") and t.endswith("13%") for t in texts)
    assert any("2 × ￥3.00/罐" in t or "2 × ￥3.00/瓶" in t for t in texts)
    total = rec["data"]["total"]
    assert any(t.startswith("合计") and t.endswith(f"￥{total}") for t in texts)
    assert f"大写 {amount_in_capitals(Decimal(total))}" in texts
    assert any(t.startswith("现金") and t.endswith("￥500.00") for t in texts)
    assert any(t.startswith("找零") for t in texts)
    assert "北京某某科技有限公司" in notice
    assert any(t.endswith("91110000600037341L") for t in texts)
    assert [b.payload for b in blocks if isinstance(b, QrBlock)] == ["SDPR*1*PAYLOAD"]
    assert "凭本收据或扫码在" in notice
    assert "¥" not in joined  # only the fullwidth sign is printed


def test_rate_table_columns_are_right_aligned_to_the_last_cell():
    texts = block_texts(layout_receipt(demo_record(), SHOP, CELLS_58MM))
    header = texts.index(next(t for t in texts if t.startswith("税率")))
    assert texts[header + 1] == "13%          ￥5.31       ￥0.69"
    assert texts[header + 2] == "免税         ￥6.60       ￥0.00"


@pytest.mark.parametrize("cells", ALL_WIDTHS)
def test_every_amount_line_ends_exactly_at_the_last_cell(cells):
    texts = block_texts(layout_receipt(demo_record(), SHOP, cells))
    money_lines = [t for t in texts if "￥" in t and not t.startswith("大写")]
    assert money_lines
    assert all(text_cells(t) == cells for t in money_lines)


def test_copy_void_and_training_marks():
    copy = block_texts(layout_receipt(demo_record(), SHOP, 32, copy=2))
    assert [t.strip() for t in copy].count("重印 第2联") == 2  # top and bottom
    void = layout_receipt(demo_record(), SHOP, 32, void_reason="顾客退货")
    texts = [t.strip() for t in block_texts(void)]
    assert "作废" in texts and "作废原因：顾客退货" in texts
    training = block_texts(layout_receipt(demo_record(training=True), SHOP, 32))
    assert [t.strip() for t in training].count("培训 不是有效收据") == 2


def test_bilingual_and_english_receipts():
    from dataclasses import replace

    both = [
        t.strip()
        for t in block_texts(layout_receipt(demo_record(), replace(SHOP, language="zh+en"), 32))
    ]
    assert "临时收据" in both and "PROVISIONAL RECEIPT" in both
    assert any(t.startswith("合计 TOTAL") for t in both)
    english = [
        t.strip()
        for t in block_texts(layout_receipt(demo_record(), replace(SHOP, language="en"), 48))
    ]
    assert "PROVISIONAL RECEIPT" in english and "临时收据" not in english
    assert any(t.startswith("Issued while the e-invoice system was down") for t in english)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh", "作废原因：坏了"), ("en", "Reason: 坏了"), ("zh+en", "作废原因 Reason: 坏了")],
)
def test_a_label_and_its_value_are_joined_in_the_receipts_language(language, expected):
    """Issue 14 item 10: an ASCII colon inside a Chinese line ("作废原因: …")."""
    from dataclasses import replace

    shop = replace(SHOP, language=language)
    void = layout_receipt(demo_record(), shop, 48, void_reason="坏了")
    assert expected in [t.strip() for t in block_texts(void)]


def test_discounted_line_shows_gross_and_discount():
    rec = record([line("洗衣液 2kg", "1", "39.90", discount=Decimal("5.00"))])
    texts = block_texts(layout_receipt(rec, SHOP, 32))
    assert any(t.strip().startswith("1 × ￥39.90") and t.endswith("￥39.90") for t in texts)
    assert any(t.strip().startswith("折扣") and t.endswith("-￥5.00") for t in texts)
    assert any(t.startswith("合计") and t.endswith("￥34.90") for t in texts)


# any text a catalog, a buyer or a profile could hold, controls and emoji included
any_text = st.text(min_size=1, max_size=80)


@settings(max_examples=150, deadline=None)
@given(
    names=st.lists(any_text, min_size=1, max_size=4),
    buyer=any_text,
    shop_name=any_text,
    footer=st.text(max_size=200),
    unit=st.text(max_size=6),
    cells=st.sampled_from(ALL_WIDTHS),
    language=st.sampled_from(("zh", "en", "zh+en")),
    copy=st.integers(0, 3),
)
def test_no_printed_line_exceeds_the_paper_for_any_text(
    names, buyer, shop_name, footer, unit, cells, language, copy
):
    rec = record(
        [line(n, "3", "1234.56", unit=unit, spec=n[:5]) for n in names], pay=[Payment("card")]
    )
    rec["data"]["buyer"] = {"name": buyer, "tax_id": "91110000600037341L" + buyer[:3]}
    header = ShopHeader(
        name=shop_name,
        uscc="91110108MA01C6PX8E",
        address=footer[:40],
        footer=footer,
        language=language,
    )
    blocks = layout_receipt(rec, header, cells, qr="SDPR*1", copy=copy, void_reason=buyer)
    for block in blocks:
        if isinstance(block, Line):
            assert text_cells(block.text) <= cells
            assert all(ch >= " " and ch != "\x7f" for ch in block.text)
            block.text.encode("gb18030")


def test_report_layout_is_generic_title_info_sections():
    report = {
        "title": "Z 报表 / Z REPORT",
        "info": [["终端", "T01"], ["日期", "2026-11-28"]],
        "sections": [
            {"title": "按税率", "rows": [["13%", "1203.05"], ["免税", Decimal("6.60")]]},
            {
                "title": "笔数",
                "rows": [
                    ["收据", 12],
                    ["作废", 1],
                    ["退款", "-12.50"],
                    ["另有 3 张培训收据未计入"],
                ],
            },
        ],
        "note": "本报表仅供内部核对。",
    }
    texts = block_texts(layout_report(report, 32, header=SHOP))
    assert "Z 报表 / Z REPORT" in [t.strip() for t in texts]
    assert "13%                   ￥1,203.05" in texts
    assert any(t.startswith("免税") and t.endswith("￥6.60") for t in texts)
    assert any(t.startswith("收据") and t.endswith("12") for t in texts)
    assert any(t.startswith("日期") and t.endswith("2026-11-28") for t in texts)
    assert any(t.startswith("退款") and t.endswith("-￥12.50") for t in texts)
    assert "另有 3 张培训收据未计入" in texts
    assert all(text_cells(t) <= 32 for t in texts)


@settings(max_examples=100, deadline=None)
@given(
    title=any_text,
    rows=st.lists(
        st.tuples(any_text, st.one_of(any_text, st.integers(), st.decimals(-1e9, 1e9, places=2))),
        max_size=6,
    ),
    cells=st.sampled_from(ALL_WIDTHS),
)
def test_no_report_line_exceeds_the_paper_for_any_text(title, rows, cells):
    report = {"title": title, "info": rows[:2], "sections": [{"title": title, "rows": rows}]}
    for block in layout_report(report, cells, header=SHOP):
        assert text_cells(block.text) <= cells


# ----- nothing hangs, nothing overflows (issue 10) ---------------------------

#: Real papers, and widths of 0-4 cells where a Hanzi is wider than a label's column.
ANY_WIDTH = st.one_of(st.sampled_from(ALL_WIDTHS), st.integers(0, 4))
#: The cashier that hung ``shopdesk sell``: 30 cells, two short of 58 mm paper.
WANG_FANG = "Wang Fang - morning shift 0830"


@pytest.mark.parametrize("cells", ALL_WIDTHS)
@pytest.mark.parametrize("language", ["zh", "en", "zh+en"])
def test_a_value_two_cells_short_of_the_paper_goes_below_its_label(cells, language):
    from dataclasses import replace

    cashier = (WANG_FANG + "x" * 20)[: cells - 2]
    rec = demo_record()
    rec["data"]["cashier"] = cashier
    texts = block_texts(layout_receipt(rec, replace(SHOP, language=language), cells))
    label = {"zh": "收银员", "en": "Cashier", "zh+en": "收银员 Cashier"}[language]
    at = texts.index(label)
    assert texts[at + 1] == " " * 2 + cashier


@st.composite
def field_text(draw: st.DrawFn, cells: int) -> str:
    """Any text, or Hanzi and Latin exactly a few cells short of (or over) the paper.

    Widths near the paper are where ``Sheet.pair`` leaves a label a column of one
    or two cells; random text of random length almost never lands there.
    """
    if draw(st.booleans()):
        return draw(any_text)
    target = max(1, cells - draw(st.integers(-1, 4)))
    hanzi = draw(st.text(st.sampled_from("王芳早班收银员，。（）"), max_size=target // 2))
    latin = "WangFang-shift0830" * 4
    return hanzi + latin[: target - text_cells(hanzi)]


@settings(max_examples=150, deadline=None)
@given(
    cells=ANY_WIDTH,
    language=st.sampled_from(("zh", "en", "zh+en")),
    copy=st.integers(0, 2),
    data=st.data(),
)
def test_every_receipt_field_lays_out_within_the_paper_at_any_width(cells, language, copy, data):
    text = field_text(cells)
    name, spec, unit = data.draw(text), data.draw(text), data.draw(st.text(max_size=6))
    rec = record([line(name, "3", "1234.56", unit=unit, spec=spec)], pay=[Payment("card")])
    d = rec["data"]
    rec["terminal"], d["no"], d["cashier"] = data.draw(text), data.draw(text), data.draw(text)
    d["buyer"] = {"name": data.draw(text), "tax_id": data.draw(text)}
    d["payments"] = [{"method": data.draw(text), "amount": "1.00"}]
    header = ShopHeader(
        name=data.draw(text),
        uscc=data.draw(text),
        address=data.draw(text),
        phone=data.draw(text),
        footer=data.draw(text),
        language=language,
    )
    void_reason = data.draw(st.one_of(st.none(), text))
    blocks = layout_receipt(rec, header, cells, qr="SDPR*1", copy=copy, void_reason=void_reason)
    texts = block_texts(blocks)
    assert all(text_cells(t) <= cells for t in texts)
    assert all(ch >= " " and ch != "\x7f" for t in texts for ch in t)
    cashier = sanitize(d["cashier"]).strip()
    if 0 < text_cells(cashier) <= cells:  # a value that fits is printed whole
        assert any(t.endswith(cashier) for t in texts)


@settings(max_examples=150, deadline=None)
@given(cells=ANY_WIDTH, data=st.data())
def test_every_report_field_lays_out_within_the_paper_at_any_width(cells, data):
    text = field_text(cells)
    value = st.one_of(text, st.integers(), st.decimals(-1e9, 1e9, places=2))
    rows = data.draw(st.lists(st.one_of(st.tuples(text, value), st.tuples(text)), max_size=5))
    report = {
        "title": data.draw(text),
        "info": data.draw(st.lists(st.tuples(text, value), max_size=3)),
        "sections": [{"title": data.draw(text), "rows": rows}],
        "note": data.draw(text),
        "training": data.draw(st.booleans()),
    }
    header = data.draw(st.one_of(st.none(), st.builds(ShopHeader, name=text, uscc=text)))
    texts = block_texts(layout_report(report, cells, header=header))
    assert all(text_cells(t) <= cells for t in texts)


def test_a_cashier_two_cells_short_of_58mm_paper_sells_and_prints(shop):
    assert text_cells(WANG_FANG) == CELLS_58MM - 2
    edit_profile(shop, {"terminal.cashiers": (WANG_FANG,)}, who="test")
    number = sell(shop)
    outcome = print_receipt(shop, number)
    assert outcome.ok
    texts = decode(outcome.files[0].read_bytes()).texts
    assert texts[texts.index("收银员") + 1] == "  " + WANG_FANG
