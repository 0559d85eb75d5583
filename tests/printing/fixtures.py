"""Printing test helpers: the CJK-font skip, selling into a shop, fake network printers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.errors import PrinterError
from shopdesk.services.sales import issue_receipt, make_buyer, parse_item_spec
from shopdesk.services.shop import Shop
from tests.printing.fake_printer import FakePrinter


def has_cjk_font() -> bool:
    from shopdesk.printing.raster import find_cjk_font

    try:
        find_cjk_font()
    except PrinterError:
        return False
    return True


needs_cjk_font = pytest.mark.skipif(
    not has_cjk_font(),
    reason="no CJK font found (install fonts-wqy-microhei or set [printer] font): image mode cannot render",
)


def set_printer(shop: Shop, **changes: object) -> None:
    """Point an open shop at another printer setting (the profile is a frozen dataclass)."""
    shop.profile = replace(shop.profile, printer=replace(shop.profile.printer, **changes))


def sell(shop: Shop, *items: str, pay: str = "cash:100", buyer: bool = False) -> str:
    method, _, amount = pay.partition(":")
    from shopdesk.domain.money import parse_money

    draft = SaleDraft(
        lines=[parse_item_spec(shop.catalog, spec) for spec in items or ("D001x2",)],
        buyer=make_buyer("北京某某科技有限公司", "91110000600037341L") if buyer else None,
        payments=[Payment(method, parse_money(amount) if amount else None)],
    )
    return issue_receipt(shop, draft).number


def fake_printers() -> Iterator[Callable[[str], FakePrinter]]:
    """Start fake printers on demand; all are stopped afterwards (use as a fixture body)."""
    started: list[FakePrinter] = []

    def start(mode: str = "ok") -> FakePrinter:
        printer = FakePrinter(mode)
        started.append(printer)
        return printer

    try:
        yield start
    finally:  # also when the caller closes the generator (GeneratorExit at the yield)
        for printer in started:
            printer.close()
