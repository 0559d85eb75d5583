from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shopdesk.printing.cells import (
    REPLACEMENT,
    center,
    cut_to_cells,
    pad_left,
    pad_right,
    sanitize,
    text_cells,
    wrap,
)

# Every C0 control, DEL and the C1 range: ESC/POS commands start with these bytes.
CONTROLS = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]


def test_cells_are_gb18030_byte_lengths():
    assert text_cells("ABC 12") == 6
    assert text_cells("可口可乐") == 8
    assert text_cells("（演示）") == 8  # fullwidth brackets are two cells
    assert text_cells("￥3.00") == 6
    assert text_cells("·…—") == 6  # wcwidth says 1 each; GB18030 and the printer say 2


def test_escpos_commands_in_text_are_removed():
    hostile = "可乐\x1b@\x1dV\x00\x1c&\x10\x04\x01\x1bp\x00\x19\xfa水"
    clean = sanitize(hostile)
    assert not any(ch in clean for ch in CONTROLS)
    assert clean == "可乐@V&pú水"  # "\xfa" is the letter ú, which GBK has


def test_yen_sign_becomes_fullwidth_and_unprintables_are_replaced():
    assert sanitize("¥5") == "￥5"
    assert sanitize("咖啡☕") == "咖啡" + REPLACEMENT  # emoji: 4 GB18030 bytes, not in the font
    assert sanitize("a\tb\nc") == "a b c"
    assert sanitize("e\u0301") == "é"  # composed first
    assert sanitize("\u200bx\ue000") == " x"  # zero-width space → space, private use dropped


def test_wrap_breaks_latin_at_spaces_and_chinese_anywhere():
    assert wrap("Coca-Cola Zero Sugar 330ml can", 12) == ["Coca-Cola", "Zero Sugar", "330ml can"]
    assert wrap("海淀好邻居便利店演示店", 8) == ["海淀好邻", "居便利店", "演示店"]


def test_wrap_never_starts_a_line_with_closing_punctuation():
    lines = wrap("电子发票系统故障期间开具，系统恢复后补开正式发票。", 48)
    assert lines == ["电子发票系统故障期间开具，系统恢复后补开正式发", "票。"]


def test_wrap_never_splits_a_double_width_character_at_an_odd_width():
    assert wrap("a可口可乐", 4) == ["a可", "口可", "乐"]


@given(st.text(), st.integers(min_value=2, max_value=48))
def test_wrapped_lines_fit_and_lose_no_printable_text(text, cells):
    lines = wrap(text, cells)
    assert all(text_cells(line) <= cells for line in lines)
    assert all(ch not in "".join(lines) for ch in CONTROLS)
    assert "".join("".join(lines).split()) == "".join(sanitize(text).split())


def test_a_character_wider_than_the_line_gets_a_line_of_its_own():
    # issue 10: wrap(text, 1) looped forever on the first Hanzi
    assert wrap("收银员", 1) == ["收", "银", "员"]
    assert wrap("a可b", 1) == ["a", "可", "b"]
    assert wrap("收银，员", 2) == ["收", "银", "，", "员"]


def test_a_width_below_one_cell_puts_one_character_on_each_line():
    assert wrap("ab 可", 0) == ["a", "b", "可"]
    assert wrap("ab", -3) == ["a", "b"]
    assert wrap("", 0) == []


# tiny and negative widths, where a character can be wider than the line, and wide ones
widths = st.one_of(st.integers(min_value=-2, max_value=4), st.integers(min_value=5, max_value=200))
# Hanzi, fullwidth and closing punctuation, combining and zero-width marks, controls
tricky_text = st.text(
    st.one_of(st.characters(), st.sampled_from("收银员可乐，。）a .\u0301\u200b\u200d\ufeff\x1b"))
)


@given(tricky_text, widths)
def test_wrap_ends_for_every_width_and_only_an_over_wide_character_overflows(text, cells):
    lines = wrap(text, cells)
    assert all(text_cells(line) <= cells or len(line) == 1 for line in lines)
    assert all(line and line == line.strip() for line in lines)
    assert "".join("".join(lines).split()) == "".join(sanitize(text).split())


@given(tricky_text, widths)
def test_cut_pad_and_center_keep_the_text_and_never_split_a_character(text, cells):
    text = sanitize(text)
    head, rest = cut_to_cells(text, cells)
    assert head + rest == text
    assert text_cells(head) <= max(cells, 0)
    for padded in (pad_left(text, cells), pad_right(text, cells), center(text, cells)):
        assert padded.strip(" ") == text.strip(" ")
        assert text_cells(padded) <= max(cells, text_cells(text))


@given(st.text())
def test_sanitized_text_encodes_to_one_or_two_bytes_per_character(text):
    clean = sanitize(text)
    for ch in clean:
        encoded = ch.encode("gb18030")
        assert len(encoded) in (1, 2)
        assert encoded[0] >= 0x20 and encoded != b"\x7f"
    assert text_cells(clean) == len(clean.encode("gb18030"))
