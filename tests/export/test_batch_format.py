"""The shared batch format: the text form of codes in receipts.csv."""

from __future__ import annotations

import pytest

from shopdesk.export import batch_format as fmt


@pytest.mark.parametrize(
    ("code", "cell"),
    [
        ("1030307010000000000", '="1030307010000000000"'),
        ("0012345678905", '="0012345678905"'),
        ('A"1', '="A""1"'),  # a quote cannot end the literal early
        ('=HYPERLINK("x")', '="=HYPERLINK(""x"")"'),  # stays a string, never a formula
        ("", ""),
    ],
)
def test_a_code_is_one_string_literal_and_reads_back(code: str, cell: str) -> None:
    assert fmt.code_cell(code) == cell
    assert fmt.code_value(cell) == code
