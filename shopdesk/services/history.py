"""Finding receipts for the history screen, one page at a time.

The view holds one small row per receipt; a page is cut out of it without
converting the rest, so the first page of a 100k-receipt ledger costs the same
as the first page of an empty one. A search walks from the newest receipt back
and stops as soon as the page is full.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.domain.money import money_str, parse_money, to_fen
from shopdesk.errors import InvalidInput
from shopdesk.ledger.view import ReceiptView

PAGE_SIZE = 50
_DAY_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_AMOUNT = re.compile(r"^[￥¥]?\d+(\.\d{1,2})?$")


@dataclass(frozen=True)
class ReceiptQuery:
    """What the search box means: each part given narrows the match (AND).

    ``text`` matches a receipt number, buyer name or buyer tax id (substring,
    any case); ``day`` a date prefix (``2026``, ``2026-11``, ``2026-11-28``);
    ``amount`` the exact total.
    """

    text: str = ""
    day: str = ""
    amount: Decimal | None = None

    @property
    def empty(self) -> bool:
        return not self.text and not self.day and self.amount is None

    def matches(self, row: dict) -> bool:
        if self.day and not row["day"].startswith(self.day):
            return False
        if self.amount is not None and row["total"] != money_str(self.amount):
            return False
        if self.text:
            needle = self.text.casefold()
            return any(
                needle in str(row.get(key, "")).casefold() for key in ("no", "buyer", "tax_id")
            )
        return True


def parse_query(text: str) -> ReceiptQuery:
    """Read the search box: words that look like a date or an amount are those.

    ``2026-11-28 ￥12.50`` finds that day's receipts of exactly 12.50; ``00042``
    finds a number; ``海淀`` a buyer. A lone whole number like ``42`` is taken as
    part of a receipt number, since cashiers read numbers off the paper; write
    ``42.00`` or ``￥42`` for an amount.
    """
    day, amount, words = "", None, []
    for word in text.split():
        if _DAY_PREFIX.match(word) and len(word) >= 7:
            day = word
        elif _AMOUNT.match(word) and ("." in word or word[0] in "￥¥"):
            amount = parse_money(word, "amount")
        else:
            words.append(word)
    if len(words) > 1:
        raise InvalidInput("history.one_word")
    return ReceiptQuery(words[0] if words else "", day, amount)


def with_returns(view: ReceiptView, row: dict) -> dict:
    """``row`` with ``returned``: ``"all"`` when refunds gave back its whole total,
    ``"part"`` when some of it, else ``""``.

    The view's row says issued or void; what came back is kept per original in
    ``view.returns`` (refunds are rare, so the lookup is one dict get). Refunds
    never give back more than a line's quantity, so their sum reaches the total
    exactly when every line came back.
    """
    back = view.returns.get(row["no"])
    returned = ""
    if back:
        returned = "all" if back["fen"] >= to_fen(Decimal(row["total"])) else "part"
    return {**row, "returned": returned}


@dataclass(frozen=True)
class ReceiptPage:
    rows: list[dict]
    skip: int
    more: bool


def find_receipts(
    view: ReceiptView, query: ReceiptQuery, skip: int = 0, limit: int = PAGE_SIZE
) -> ReceiptPage:
    """One page of matching receipts, newest first, and whether there are more."""
    exact = view.get(query.text.upper()) if query.text else None
    if exact is not None and query.matches(exact):
        # A whole receipt number (read off the paper or its QR) is one lookup,
        # not a walk over every receipt; numbers are fixed-width, so no other
        # receipt contains it.
        rows = [dict(exact)] if skip == 0 else []
    elif query.empty:
        rows = [dict(row) for row in view.newest_page(skip, limit + 1)]
    else:
        rows = []
        found = _matching(view.iter_rows_newest_first(), query)
        for index, row in enumerate(found):
            if index < skip:
                continue
            rows.append(dict(row))
            if len(rows) > limit:
                break
    return ReceiptPage([with_returns(view, row) for row in rows[:limit]], skip, len(rows) > limit)


def _matching(rows: Iterator[dict], query: ReceiptQuery) -> Iterator[dict]:
    return (row for row in rows if query.matches(row))
