"""Counted words agree with their number (issue 14, item 10: "1 receipts")."""

from __future__ import annotations

import pytest

from shopdesk.messages import message

DONE = {"batch": "B1", "voided": 0, "training": 0, "total": "3.00", "sha256": "ab"}


@pytest.mark.parametrize(
    ("code", "data", "one", "many"),
    [
        ("export.done", {**DONE, "issued": 1}, "1 receipt (", None),
        ("export.done", {**DONE, "issued": 2}, None, "2 receipts ("),
        ("print.queue_stopped", {"left": 1}, "1 receipt stays", None),
        ("print.queue_stopped", {"left": 3}, None, "3 receipts stay"),
    ],
)
def test_english_counts_agree_with_the_number(code, data, one, many) -> None:
    text = message(code, "en", **data)
    assert (one or many) in text, text


def test_chinese_has_one_form_for_every_number() -> None:
    assert "收据 1 张" in message("export.done", "zh", **DONE, issued=1)
    assert "收据 2 张" in message("export.done", "zh", **DONE, issued=2)
    assert "其余 1 张收据" in message("print.queue_stopped", "zh", left=1)


def test_a_count_that_is_not_a_number_still_reads() -> None:
    assert "? receipts" in message("print.queue_stopped", "en", left="?")
