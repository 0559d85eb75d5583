"""The sale a cashier is building: a mutable draft with the edits a till needs.

The sale screen holds one :class:`Cart` and calls its methods; every figure it
shows comes from :meth:`Cart.priced` (``price_sale``), so the screen never does
arithmetic and the CLI, the app and the receipt agree to the fen. The cart
lives on the app, not on a screen, so an error, a language switch or a
redrawn screen never loses the sale in progress.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from shopdesk.domain.catalog import Catalog, CatalogItem
from shopdesk.domain.money import ZERO, money_str, parse_money
from shopdesk.domain.sale import (
    Buyer,
    DraftLine,
    Payment,
    PricedSale,
    SaleDraft,
    check_quantity_for_unit,
    parse_discount,
    parse_quantity,
    percent_str,
    price_sale,
    settle,
)
from shopdesk.errors import InvalidInput
from shopdesk.services.sales import ITEM_SPEC_RE, line_from_catalog

#: A payment this many times the total, and at least IMPLAUSIBLE_FLOOR yuan, is
#: no customer's money but a scanned code (see Tender.add).
IMPLAUSIBLE_TIMES = 100
IMPLAUSIBLE_FLOOR = Decimal("1000")
#: How many matches the pick list offers for a name search.
PICK_LIMIT = 20


@dataclass(frozen=True)
class EntryResult:
    """What one submitted entry did: added (or bumped) a line, or needs a pick."""

    line_index: int | None = None
    candidates: tuple[CatalogItem, ...] = ()


class Cart:
    """One sale in progress: lines, sale discount, buyer and payments."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.draft = SaleDraft()

    # -- reading -----------------------------------------------------------------
    @property
    def lines(self) -> list[DraftLine]:
        return self.draft.lines

    @property
    def buyer(self) -> Buyer | None:
        return self.draft.buyer

    @property
    def sale_discount(self) -> Decimal:
        return self.draft.sale_discount

    def is_empty(self) -> bool:
        return not self.draft.lines

    def priced(self) -> PricedSale | None:
        """The priced sale, or ``None`` while there is nothing to price."""
        return None if self.is_empty() else price_sale(self.draft)

    def total(self) -> Decimal:
        priced = self.priced()
        return ZERO if priced is None else priced.total

    # -- adding ------------------------------------------------------------------
    def enter(self, text: str) -> EntryResult:
        """Resolve what was typed in the single entry field.

        A barcode or SKU (optionally ``x QTY``, e.g. ``D001x3``) adds a line at
        once; anything else is a name search (Chinese, English, pinyin) whose
        matches come back for the cashier to pick. One exact match is added
        directly, so ``kkkl`` + Enter sells a Coca-Cola with no extra key.
        """
        text = text.strip()
        if not text:
            raise InvalidInput("cart.empty_entry")
        match = ITEM_SPEC_RE.match(text)
        if match and self.catalog.find(match.group("code").strip()) is not None:
            qty = (
                parse_quantity(match.group("qty"), "quantity") if match.group("qty") else Decimal(1)
            )
            if match.group("price"):
                # A price typed at the till is an override: only through override_price (PIN).
                raise InvalidInput("cart.price_needs_pin")
            item = self.catalog.find(match.group("code").strip())
            assert item is not None
            return EntryResult(line_index=self.add_item(item, qty))
        found = self.catalog.search(text, limit=PICK_LIMIT)
        if not found:
            raise InvalidInput("sale.unknown_item", value=text)
        if len(found) == 1:
            return EntryResult(line_index=self.add_item(found[0]))
        return EntryResult(candidates=tuple(found))

    def add_item(self, item: CatalogItem, qty: Decimal = Decimal(1)) -> int:
        """Add an item; a second scan of the same item at catalog price adds to its line.

        Merging keeps the receipt short (3 × cola, not three lines) the way every
        till does; a line with an overridden price stays separate.
        """
        for index, line in enumerate(self.draft.lines):
            if (
                line.sku == item.sku
                and not line.price_override
                and not line.discount
                and line.discount_pct is None
            ):
                self.set_quantity(index, line.qty + qty)
                return index
        line = line_from_catalog(self.catalog, item.sku, qty)
        self.draft.lines.append(line)
        return len(self.draft.lines) - 1

    # -- editing -----------------------------------------------------------------
    def line(self, index: int) -> DraftLine:
        """Line ``index`` (0-based); an index with no line is ``cart.no_line``."""
        if not 0 <= index < len(self.draft.lines):
            raise InvalidInput("cart.no_line", line=index + 1)
        return self.draft.lines[index]

    def set_quantity(self, index: int, qty: str | Decimal) -> None:
        line = self.line(index)
        value = check_quantity_for_unit(parse_quantity(qty, "quantity"), line.unit, line.name)
        self.draft.lines[index] = replace(line, qty=value)
        self._check_still_prices(index, line)

    def remove(self, index: int) -> DraftLine:
        line = self.line(index)
        del self.draft.lines[index]
        if not self.draft.lines:
            self.draft.sale_discount, self.draft.sale_discount_pct = ZERO, None
        elif self.draft.sale_discount:
            try:
                price_sale(self.draft)
            except InvalidInput:
                # The discount no longer fits the smaller sale: drop it rather than
                # leave an unpriceable draft; the cashier sees it gone.
                self.draft.sale_discount = ZERO
        return line

    def override_price(self, index: int, price: str | Decimal) -> None:
        """Set a line's unit price; the caller has checked the manager's PIN."""
        line = self.line(index)
        value = parse_money(price, "price")
        item = self.catalog.by_sku(line.sku)
        catalog_price = item.price if item else line.unit_price
        self.draft.lines[index] = replace(
            line, unit_price=value, price_override=value != catalog_price
        )
        self._check_still_prices(index, line)

    def set_sale_discount(self, text: str | Decimal) -> None:
        """A discount on the whole sale, ``5.00`` or ``10%``; the caller has checked the PIN.

        A percent stays a percent while lines change (it is priced again each
        time, half-up to the fen); an amount stays an amount.
        """
        amount, pct = parse_discount(str(text))
        before = (self.draft.sale_discount, self.draft.sale_discount_pct)
        self.draft.sale_discount, self.draft.sale_discount_pct = amount or ZERO, pct
        try:
            if self.draft.lines:
                price_sale(self.draft)
        except InvalidInput:
            self.draft.sale_discount, self.draft.sale_discount_pct = before
            raise

    @property
    def sale_discount_text(self) -> str:
        """The sale discount as the cashier typed it (``10%`` or ``5.00``), for the dialog."""
        pct = self.draft.sale_discount_pct
        return money_str(self.draft.sale_discount) if pct is None else f"{percent_str(pct)}%"

    def set_round_off(self, mode: str) -> None:
        """抹零 to ``"jiao"`` or ``"yuan"``, or ``""`` for none; the limit is checked on issue."""
        before = self.draft.round_off
        self.draft.round_off = mode
        try:
            price_sale(self.draft)
        except InvalidInput:
            self.draft.round_off = before
            raise

    def set_buyer(self, name: str, tax_id: str, phone: str = "", email: str = "") -> None:
        """A company buyer (validated), or none when both name and tax id are blank."""
        from shopdesk.services.sales import make_buyer

        self.draft.buyer = make_buyer(name.strip(), tax_id.strip(), phone, email)

    def _check_still_prices(self, index: int, before: DraftLine) -> None:
        """Undo an edit that would make the sale unpriceable (e.g. a discount now too big)."""
        try:
            price_sale(self.draft)
        except InvalidInput:
            self.draft.lines[index] = before
            raise

    # -- paying ------------------------------------------------------------------
    def draft_with_payments(self, payments: list[Payment]) -> SaleDraft:
        """The draft to issue, with the payments checked by ``settle`` first."""
        priced = price_sale(self.draft)
        settle(priced.total, payments)
        return SaleDraft(
            lines=list(self.draft.lines),
            sale_discount=self.draft.sale_discount,
            buyer=self.draft.buyer,
            payments=list(payments),
            sale_discount_pct=self.draft.sale_discount_pct,
            round_off=self.draft.round_off,
        )

    def clear(self) -> None:
        self.draft = SaleDraft()


class Tender:
    """The payments being taken for one sale: split across methods, checked by ``settle``.

    Kept apart from the cart so the pay dialog can be cancelled without touching
    the sale.
    """

    def __init__(self, total: Decimal) -> None:
        self.total = total
        self.payments: list[Payment] = []

    @property
    def paid(self) -> Decimal:
        return sum((p.amount or ZERO for p in self.payments), ZERO)

    @property
    def due(self) -> Decimal:
        """What is still owed (never negative)."""
        return max(self.total - self.paid, ZERO)

    @property
    def change(self) -> Decimal:
        """Cash to hand back, as ``settle`` computes it; zero while underpaid."""
        try:
            return settle(self.total, self.payments).change if self.payments else ZERO
        except InvalidInput:
            return ZERO

    def add(self, method: str, amount: str | Decimal | None) -> Payment:
        """Add a payment; a blank amount means the rest of what is due.

        A payment of ¥1,000 or more that is over 100 times the total is refused:
        no customer hands that over, but a barcode scanned into the amount field
        reads as one (8 digits pass ``parse_money``; issue 14 item 4).
        """
        if amount is None or (isinstance(amount, str) and not amount.strip()):
            value = self.due
        else:
            value = parse_money(amount, "payment")
        if value <= 0:
            raise InvalidInput("pay.zero_payment")
        if value >= IMPLAUSIBLE_FLOOR and value > IMPLAUSIBLE_TIMES * self.total:
            raise InvalidInput(
                "pay.far_above_total",
                amount=money_str(value),
                total=money_str(self.total),
                times=IMPLAUSIBLE_TIMES,
            )
        payment = Payment(method, value)
        self.payments.append(payment)
        return payment

    def remove_last(self) -> None:
        if self.payments:
            self.payments.pop()

    def check(self) -> Decimal:
        """Raise (``sale.underpaid`` …) unless the payments settle the total; the change."""
        return settle(self.total, self.payments).change

    def can_confirm(self) -> bool:
        try:
            self.check()
        except InvalidInput:
            return False
        return bool(self.payments)
