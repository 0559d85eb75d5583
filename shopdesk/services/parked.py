"""Parked sales (挂单): a cart put aside so the next customer can pay, resumed later.

A parked sale is **not** a sale: it takes no receipt number and writes nothing
to the ledger (a customer who walks away leaves no trace to explain). It lives
in a small JSON file in the shop home, written to a temporary file and renamed,
so a power cut leaves the old list or the new one and a restart finds every
parked sale. What is stored is what the cashier entered (SKU, quantity, price
override, discounts, buyer), not figures: on resume the lines are built from
today's catalog, so a price changed in the meantime is charged at the new price
and the cashier is told which lines changed. A damaged file reads as "nothing
parked" (the sales in it were never receipts).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from shopdesk.domain.money import ZERO, format_yuan, money_str
from shopdesk.domain.sale import (
    Buyer,
    DraftLine,
    SaleDraft,
    buyer_json,
    percent_str,
    price_sale,
)
from shopdesk.errors import InvalidInput, NotFound
from shopdesk.services.cart import Cart
from shopdesk.services.sales import line_from_catalog
from shopdesk.services.shop import Shop

PARKED_FILE = "parked-sales.json"
#: Parked sales a till holds at once: one per digit key, and more is a queue
#: nobody will come back for.
MAX_PARKED = 9


@dataclass(frozen=True)
class ParkedSale:
    """One parked sale as the resume list shows it."""

    number: int
    parked_at: str
    lines: int
    total: Decimal
    first_item: str


@dataclass(frozen=True)
class Resumed:
    """What resuming changed: lines priced anew from the catalog, and lines gone from it."""

    number: int
    #: ``name ￥old → ￥new`` for each line whose catalog price changed since parking.
    repriced: tuple[str, ...] = ()
    #: Names of lines whose item is no longer in the catalog (left out).
    dropped: tuple[str, ...] = ()
    #: True when an amount discount no longer fitted the re-priced sale and was removed.
    discount_removed: bool = False


def _path(shop: Shop) -> Path:
    return shop.home.root / PARKED_FILE


def _load(shop: Shop) -> list[dict]:
    try:
        data = json.loads(_path(shop).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    sales = data.get("sales") if isinstance(data, dict) else None
    return [s for s in sales if isinstance(s, dict)] if isinstance(sales, list) else []


def _save(shop: Shop, sales: list[dict]) -> None:
    """Write via a synced temporary file and rename: old list or new, never half."""
    path = _path(shop)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump({"v": 1, "sales": sales}, handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _pct(value: Decimal | None) -> str | None:
    return None if value is None else percent_str(value)


def _line_json(line: DraftLine) -> dict:
    return {
        "sku": line.sku,
        "name": line.name,
        "qty": format(line.qty, "f"),
        "unit_price": money_str(line.unit_price),
        "price_override": line.price_override,
        "discount": money_str(line.discount),
        "discount_pct": _pct(line.discount_pct),
    }


def _summary(entry: dict) -> ParkedSale:
    lines = entry.get("lines") or []
    return ParkedSale(
        number=int(entry["number"]),
        parked_at=str(entry.get("parked_at", "")),
        lines=len(lines),
        total=Decimal(entry.get("total", "0")),
        first_item=str(lines[0].get("name", "")) if lines else "",
    )


def list_parked(shop: Shop) -> list[ParkedSale]:
    """The parked sales, by number; entries that do not read are skipped."""
    out = []
    for entry in _load(shop):
        try:
            out.append(_summary(entry))
        except (KeyError, TypeError, ValueError, InvalidOperation):
            continue
    return sorted(out, key=lambda p: p.number)


def park_sale(shop: Shop, cart: Cart) -> ParkedSale:
    """Put the cart's sale aside under the lowest free number (1–9) and empty the cart."""
    priced = cart.priced()
    if priced is None:
        raise InvalidInput("park.empty")
    sales = _load(shop)
    taken = {entry.get("number") for entry in sales}
    free = [n for n in range(1, MAX_PARKED + 1) if n not in taken]
    if not free:
        raise InvalidInput("park.full", limit=MAX_PARKED)
    draft, buyer = cart.draft, cart.draft.buyer
    entry = {
        "number": free[0],
        "parked_at": shop.now().isoformat(timespec="seconds"),
        "lines": [_line_json(line) for line in draft.lines],
        "sale_discount": money_str(draft.sale_discount),
        "sale_discount_pct": _pct(draft.sale_discount_pct),
        "buyer": buyer_json(buyer),
        "total": money_str(priced.total),
    }
    _save(shop, [*sales, entry])
    cart.clear()
    return _summary(entry)


def _optional_pct(text: object) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def resume_sale(shop: Shop, cart: Cart, number: int) -> Resumed:
    """Bring parked sale ``number`` back into the (empty) cart, priced from today's catalog.

    A line at the catalog price takes today's price (listed in ``repriced`` when
    it changed); an overridden price stays as the manager approved it. An item
    gone from the catalog is left out (``dropped``). If an amount discount no
    longer fits the re-priced sale it is removed rather than refusing the resume.
    """
    if not cart.is_empty():
        raise InvalidInput("park.cart_not_empty")
    sales = _load(shop)
    entry = next((e for e in sales if e.get("number") == number), None)
    if entry is None:
        raise NotFound("park.not_found", number=number)
    lines: list[DraftLine] = []
    repriced: list[str] = []
    dropped: list[str] = []
    for raw in entry.get("lines", []):
        item = cart.catalog.by_sku(raw["sku"])
        if item is None:
            dropped.append(raw.get("name") or raw["sku"])
            continue
        was = Decimal(raw["unit_price"])
        override = bool(raw.get("price_override"))
        line = line_from_catalog(
            cart.catalog, item.sku, Decimal(raw["qty"]), was if override else None
        )
        if not override and line.unit_price != was:
            repriced.append(f"{item.name} {format_yuan(was)} → {format_yuan(line.unit_price)}")
        pct = _optional_pct(raw.get("discount_pct"))
        lines.append(replace(line, discount=Decimal(raw["discount"]), discount_pct=pct))
    b = entry.get("buyer")
    draft = SaleDraft(
        lines=lines,
        sale_discount=Decimal(entry.get("sale_discount", "0")),
        sale_discount_pct=_optional_pct(entry.get("sale_discount_pct")),
        buyer=None if not b else Buyer(b["name"], b["tax_id"], b["phone"], b["email"]),
    )
    removed = False
    if lines:
        try:
            price_sale(draft)
        except InvalidInput:
            draft.lines = [
                replace(x, discount=ZERO) if x.discount_pct is None else x for x in lines
            ]
            draft.sale_discount, removed = ZERO, True
    cart.draft = draft
    _save(shop, [e for e in sales if e is not entry])
    return Resumed(number, tuple(repriced), tuple(dropped), removed)
