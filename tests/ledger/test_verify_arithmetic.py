"""``shopdesk verify`` re-prices every receipt of the home's ledger (issue 12, item 2)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.services.integrity import verify_ledger
from shopdesk.services.sales import issue_receipt, line_from_catalog
from shopdesk.services.shop import Shop
from tests.domain.test_repricing import resum


def test_a_signed_receipt_that_does_not_reprice_is_named(home: Path, clock) -> None:
    with Shop.open(home, clock=clock) as shop:
        line = line_from_catalog(shop.catalog, "D001", Decimal(1))
        issue_receipt(shop, SaleDraft(lines=[line], payments=[Payment("cash")]))
        last = shop.ledger.record_at(shop.ledger.view.by_rseq[-1])
        assert last is not None
        data = last["data"]
        wrong = {**data, "no": "T01-00000002", "rseq": 2, "lines": [dict(data["lines"][0])]}
        price = Decimal(wrong["lines"][0]["unit_price"])
        wrong["lines"][0]["amount"] = f"{price + Decimal('0.01'):.2f}"  # 1 × p signed as p + 0.01
        wrong["lines"][0]["tax"] = f"{Decimal(wrong['lines'][0]['tax']) + Decimal('0.01'):.2f}"
        record = shop.ledger.append("receipt.issued", resum(wrong), clock())
    problem = verify_ledger(home).problem
    assert problem is not None and (problem.seq, problem.reason) == (
        record["seq"],
        "receipt_arithmetic",
    )
