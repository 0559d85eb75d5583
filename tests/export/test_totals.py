"""Property tests: whatever the sale, a batch's totals add up.

Receipts are built by the real domain (price_sale, settle, receipt_body) from
random lines, discounts, rates and payments; the batch totals must equal the
sums of the receipts, split exactly by rate and by payment, and any single
changed figure in a receipt must be caught by ``receipt_problem``.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shopdesk.domain.money import from_fen
from shopdesk.domain.sale import DraftLine, Payment, SaleDraft, price_sale, receipt_body, settle
from shopdesk.domain.tax import RATE_ORDER
from shopdesk.export.totals import BatchTotals, fen, receipt_figures, receipt_problem, yuan
from tests.conftest import VOID_OK

lines_st = st.lists(
    st.builds(
        lambda rate, qty, price, disc: (rate, qty, price, disc),
        st.sampled_from(RATE_ORDER),
        st.integers(1, 20),
        st.integers(1, 500_00),
        st.integers(0, 100),
    ),
    min_size=1,
    max_size=6,
)


@st.composite
def receipts(draw) -> dict:
    lines = []
    for i, (rate, qty, price, disc_pct) in enumerate(draw(lines_st)):
        gross = qty * price
        lines.append(
            DraftLine(
                sku=f"S{i}",
                name=f"商品{i}",
                unit="个",
                tax_rate=rate,
                tax_code="1" * 19,
                qty=Decimal(qty),
                unit_price=from_fen(price),
                discount=from_fen(gross * disc_pct // 200),
            )
        )
    priced = price_sale(SaleDraft(lines=lines))
    sale_discount = from_fen(draw(st.integers(0, int(priced.total * 100) // 3)))
    priced = price_sale(SaleDraft(lines=lines, sale_discount=sale_discount))
    method = draw(st.sampled_from(["cash", "wechat", "alipay", "card", "mixed"]))
    if method == "mixed":
        part = from_fen(int(priced.total * 100) // 2)
        payments = [Payment("card", part), Payment("cash", priced.total - part + Decimal(5))]
    elif method == "cash":
        payments = [Payment("cash", priced.total + from_fen(draw(st.integers(0, 10000))))]
    else:
        payments = [Payment(method)]
    settlement = settle(priced.total, payments)
    return receipt_body(
        priced,
        settlement,
        number="T01-00000001",
        receipt_seq=1,
        cashier="王芳",
        buyer=None,
        training=False,
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(receipts(), st.booleans()), min_size=1, max_size=12))
def test_batch_totals_are_the_sums_of_valid_receipts(batch: list[tuple[dict, bool]]) -> None:
    totals = BatchTotals()
    for data, void in batch:
        assert receipt_problem(data) is None
        totals.add_receipt(data, void=void)
    valid = [d for d, void in batch if not void]
    money = totals.money()
    assert money["gross"] == yuan(sum(fen(d["total"]) for d in valid))
    assert fen(money["net"]) + fen(money["tax"]) == fen(money["gross"])
    assert sum(fen(v["gross"]) for v in money["by_rate"].values()) == fen(money["gross"])
    assert sum(fen(v["tax"]) for v in money["by_rate"].values()) == fen(money["tax"])
    assert sum(fen(v) for v in money["by_payment"].values()) == fen(money["gross"])
    assert list(money["by_rate"]) == [r for r in RATE_ORDER if r in money["by_rate"]]
    assert totals.counts() == {
        "issued": len(batch),
        "voided": len(batch) - len(valid),
        "valid": len(valid),
        "training_excluded": 0,
    }


@settings(max_examples=100, deadline=None)
@given(receipts(), st.data())
def test_any_changed_figure_is_caught(data: dict, draw) -> None:
    line = draw.draw(st.integers(0, len(data["lines"]) - 1))
    field = draw.draw(st.sampled_from(["amount", "net", "tax", "total", "change"]))
    delta = draw.draw(st.sampled_from([1, -1, 100]))
    target = data["lines"][line] if field in ("amount", "net", "tax") else data
    value = fen(target[field]) + delta
    if value < 0:
        value = fen(target[field]) + 1
    target[field] = yuan(value)
    assert receipt_problem(data) is not None


@given(st.integers(0, 10**14 - 1))
def test_fen_and_yuan_round_trip(value: int) -> None:
    assert fen(yuan(value)) == value


@st.composite
def day_of_sales(draw) -> list[tuple]:
    """A short day at the till: sales (sku, qty, method, training) and voids of earlier ones."""
    events = []
    for _ in range(draw(st.integers(1, 6))):
        if events and draw(st.booleans()) and draw(st.booleans()):
            events.append(("void", draw(st.integers(0, len(events) - 1))))
        events.append(
            (
                "sale",
                draw(
                    st.lists(
                        st.sampled_from(["D001", "D003", "F003", "S001"]), min_size=1, max_size=3
                    )
                ),
                draw(st.integers(1, 3)),
                draw(st.sampled_from(["cash", "wechat", "alipay", "card"])),
                draw(st.integers(0, 9)) == 0,
            )
        )
    return events


@settings(max_examples=12, deadline=None)
@given(day_of_sales(), st.integers(0, 2))
def test_an_exported_batch_states_exactly_the_ledgers_totals(events, cut) -> None:
    """Real shop, real export, real verification: the manifest adds up to the ledger."""
    import tempfile
    from datetime import datetime, timedelta
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from shopdesk.export.batch_verifier import verify_batch
    from shopdesk.services.export import export_batch
    from shopdesk.services.sales import issue_receipt, line_from_catalog, void_receipt
    from shopdesk.services.shop import Shop, init_shop

    moment = [datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))]

    def clock() -> datetime:
        moment[0] += timedelta(minutes=7)
        return moment[0]

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        init_shop(root / "home", demo=True, clock=clock).close()
        with Shop.open(root / "home", clock=clock) as shop:
            numbers: list[str] = []
            batches = []
            for index, event in enumerate(events):
                if event[0] == "sale":
                    _, skus, qty, method, training = event
                    lines = [line_from_catalog(shop.catalog, sku, Decimal(qty)) for sku in skus]
                    draft = SaleDraft(lines=lines, payments=[Payment(method)])
                    numbers.append(issue_receipt(shop, draft, training=training).number)
                else:
                    target = numbers[event[1] % len(numbers)]
                    row = shop.ledger.view.get(target)
                    if row["status"] != "void":
                        void_receipt(shop, target, reason="测试", who="王芳", approval=VOID_OK)
                if cut and index == len(events) // 2 and numbers:
                    try:
                        batches.append(export_batch(shop, root / "out"))
                    except Exception as exc:  # nothing new yet
                        assert getattr(exc, "code", "") == "export.nothing"
            try:
                batches.append(export_batch(shop, root / "out"))
            except Exception as exc:
                assert getattr(exc, "code", "") == "export.nothing"
            receipts = {
                r["data"]["no"]: r["data"]
                for r in shop.ledger.records()
                if r["kind"] == "receipt.issued"
            }
            rows = {no: shop.ledger.view.get(no) for no in receipts}
        previous = None
        gross = 0
        for batch in batches:
            report = verify_batch(batch.path, previous=previous)
            previous = batch.path
            m = report.manifest
            assert sum(fen(v) for v in m["totals"]["by_payment"].values()) == fen(
                m["totals"]["gross"]
            )
            gross += fen(m["totals"]["gross"])
            # a receipt voided in a later batch was counted valid in its own batch
            gross -= sum(fen(receipts[no]["total"]) for no in m["late_voids"])
        expected = sum(
            fen(d["total"])
            for no, d in receipts.items()
            if not d["training"] and rows[no]["status"] != "void"
        )
        assert gross == expected


@given(
    receipts(), st.sampled_from(["rate", "method"]), st.sampled_from(["20", 5, "cash ", "bitcoin"])
)
def test_unknown_rates_and_payment_methods_are_caught(data: dict, where: str, value) -> None:
    if where == "rate":
        data["lines"][0]["rate"] = value
        rate_figures = data["by_rate"]
        old = next(iter(rate_figures))
        rate_figures[value] = rate_figures.pop(old)  # keep by_rate consistent with the lines
    else:
        data["payments"][0]["method"] = value
    assert receipt_problem(data) is not None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(receipts(), st.booleans(), st.booleans()), min_size=1, max_size=12))
def test_totals_from_checked_figures_equal_totals_from_the_records(batch) -> None:
    """verify-batch adds the figures ``receipt_figures`` has just checked (issue 12, speed):
    the totals must be exactly those :meth:`BatchTotals.add_receipt` gives from the records."""
    from_records, from_figures = BatchTotals(), BatchTotals()
    for data, void, training in batch:
        data = {**data, "training": training}
        figures = receipt_figures(data)
        assert not isinstance(figures, str)
        from_records.add_receipt(data, void=void)
        from_figures.add_receipt(data, void=void, figures=figures)
    assert from_figures == from_records
    assert from_figures.money() == from_records.money()
    assert from_figures.counts() == from_records.counts()


#: Values a changed field may take: another amount, non-canonical or wrong-typed money,
#: an unknown rate or method, and a missing key.
ODD_VALUES = st.sampled_from(
    ["0.00", "0.01", "1.5", "01.50", "1.500", " 1.50", "-1.00", 150, None, [], "7", "bitcoin"]
)
MISSING = object()


@settings(max_examples=400, deadline=None)
@given(receipts(), st.data())
def test_the_fast_path_returns_figures_only_when_both_checks_pass(data: dict, draw) -> None:
    """verify-batch takes a receipt's figures from re-pricing (``checked_figures``) and runs
    ``receipt_figures`` and ``reprice_receipt`` only when it says ``None`` (issue 12,
    speed). Whatever one field of a real receipt is changed to, a non-``None`` answer
    must be exactly what ``receipt_figures`` gives, with nothing re-pricing objects to;
    an untouched receipt must take the fast path."""
    from shopdesk.domain.repricing import reprice_receipt
    from shopdesk.export.totals import checked_figures

    assert checked_figures(data) == receipt_figures(data)
    where = draw.draw(st.sampled_from(["line", "receipt", "by_rate", "payment"]))
    if where == "line":
        target = draw.draw(st.sampled_from(data["lines"]))
        keys = ["amount", "net", "tax", "qty", "unit_price", "discount", "rate"]
    elif where == "receipt":
        target = data
        keys = ["total", "net", "tax", "subtotal", "discount", "change", "by_rate", "payments"]
    elif where == "by_rate":
        target = draw.draw(st.sampled_from(list(data["by_rate"].values())))
        keys = ["gross", "net", "tax"]
    else:
        target = draw.draw(st.sampled_from(data["payments"]))
        keys = ["amount", "method"]
    key = draw.draw(st.sampled_from(keys))
    value = draw.draw(st.one_of(ODD_VALUES, st.just(MISSING)))
    if value is MISSING:
        target.pop(key, None)
    else:
        target[key] = value
    fast = checked_figures(data)
    if fast is not None:
        assert fast == receipt_figures(data)
        assert reprice_receipt(data) == []
