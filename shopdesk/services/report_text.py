"""Receipts and X/Z reports as lines of text, for a screen to show.

The lines come from the printing service's own layouts (:func:`receipt_layout`,
:func:`report_layout`), the one source of the words on paper, with the QR code
and the print styling left out: what the cashier sees is what the paper says.
Screens ask here rather than reach into :mod:`shopdesk.printing` (issue 14, item 12).
"""

from __future__ import annotations

from collections.abc import Iterable

from shopdesk.printing.layout import Block, block_texts
from shopdesk.services.printing import receipt_layout, report_layout
from shopdesk.services.shop import Shop


def receipt_text(shop: Shop, record: dict) -> list[str]:
    """A stored receipt's lines as printed; raises ShopdeskError (e.g. no such receipt)."""
    return _lines(receipt_layout(shop, record["data"]["no"], record=record))


def report_text(shop: Shop, report: dict) -> list[str]:
    """An X/Z report's lines as printed (a figures dict, see ``report_sheet``), without the header."""
    return _lines(report_layout(shop, report, header=False))


def _lines(blocks: Iterable[Block]) -> list[str]:
    # trailing blanks pad a line to the paper's width; a screen has its own
    return [line.rstrip() for line in block_texts(blocks)]
