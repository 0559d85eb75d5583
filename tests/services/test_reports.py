"""X and Z reports from the journal: day boundaries, voids, training, the grand total."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shopdesk.domain.reports import CashCount
from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.errors import InvalidInput, LedgerError
from shopdesk.services.approval import approve
from shopdesk.services.reports import grand_total, report_x
from shopdesk.services.reports import report_z as close_shift
from shopdesk.services.sales import issue_receipt, line_from_catalog, void_receipt
from shopdesk.services.shop import Shop, init_shop
from tests.conftest import VOID_OK

TZ = ZoneInfo("Asia/Shanghai")


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, *args: int) -> None:
        self.now = datetime(*args, tzinfo=self.now.tzinfo)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 27, 9, 0, tzinfo=TZ))


@pytest.fixture
def shop(tmp_path: Path, clock: Clock) -> Iterator[Shop]:
    today = clock.now
    clock.set(2026, 10, 1, 8, 0)  # the shop opened before any day a test sells on
    s = init_shop(tmp_path / "home", demo=True, clock=clock)
    clock.now = today
    yield s
    s.close()


def report_z(shop: Shop, counted: str = "0") -> object:
    """A Z as a manager makes it: approved with the demo PIN, the drawer counted."""
    return close_shift(shop, approve(shop, "close_day", "1234"), CashCount(Decimal(counted)))


def sell(shop: Shop, code: str, qty: str = "1", pay: list[Payment] | None = None, **kw):
    draft = SaleDraft(
        lines=[line_from_catalog(shop.catalog, code, Decimal(qty))],
        payments=pay or [Payment("cash")],
    )
    kw.setdefault("clock_confirmed", True)  # these tests leap weeks between sales on purpose
    return issue_receipt(shop, draft, **kw)


def test_x_report_counts_the_day_only(shop: Shop, clock: Clock) -> None:
    clock.set(2026, 11, 26, 23, 59)
    sell(shop, "F002")  # yesterday
    clock.set(2026, 11, 27, 0, 0)
    sell(shop, "D001", "2", [Payment("cash", Decimal("10"))])  # 6.00, change 4.00
    clock.set(2026, 11, 27, 12, 0)
    sell(shop, "M001", pay=[Payment("wechat")])  # 3.50 at 9 % (UHT milk)
    sell(shop, "F003", training=True)  # training: never in figures
    clock.set(2026, 11, 27, 23, 59, 59)
    sell(shop, "V001", pay=[Payment("alipay")])  # 1.00 at 6 %
    clock.set(2026, 11, 28, 0, 0)
    sell(shop, "D002")  # tomorrow
    report = report_x(shop, "2026-11-27")
    f = report.figures
    assert (report.kind, report.day, report.closed) == ("x", "2026-11-27", False)
    assert (f.receipts, f.voids, f.training) == (3, 0, 1)
    assert f.gross == Decimal("10.50")
    assert {r: v.gross for r, v in f.by_rate.items()} == {
        "13": Decimal("6.00"),
        "9": Decimal("3.50"),
        "6": Decimal("1.00"),
    }
    assert f.by_method == {
        "cash": Decimal("6.00"),
        "wechat": Decimal("3.50"),
        "alipay": Decimal("1.00"),
    }
    assert f.opening_float == Decimal("200.00")  # the demo profile's [drawer]
    assert f.cash_expected == Decimal("206.00")
    # X writes nothing
    assert shop.ledger.view.closed_days == set()


def test_x_defaults_to_today_in_the_shop_timezone(tmp_path: Path) -> None:
    # a clock in UTC: 2026-11-27 16:30 UTC is already the 28th in Beijing
    clock = Clock(datetime(2026, 11, 27, 16, 30, tzinfo=UTC))
    with init_shop(tmp_path / "h", demo=True, clock=clock) as shop:
        sell(shop, "D001")
        report = report_x(shop)
        assert report.day == "2026-11-28"
        assert report.figures.receipts == 1
        assert report_x(shop, "2026-11-27").figures.receipts == 0


def test_voids_subtract_on_the_day_they_happen(shop: Shop, clock: Clock) -> None:
    old = sell(shop, "F002")  # 12.98 on the 27th
    report_z(shop)
    clock.set(2026, 11, 28, 10, 0)
    today = sell(shop, "D001", pay=[Payment("card")])
    void_receipt(shop, old.number, reason="退货", who="王芳", approval=VOID_OK)
    void_receipt(shop, today.number, reason="扫错", who="王芳", approval=VOID_OK)
    t = sell(shop, "D003", training=True)
    void_receipt(shop, t.number, reason="练习", who="王芳", approval=VOID_OK)
    f = report_x(shop).figures
    assert (f.receipts, f.voids, f.training) == (1, 2, 1)
    assert f.sales == Decimal("3.00")
    assert f.voided == Decimal("15.98")
    assert f.gross == Decimal("-12.98")
    assert f.by_method == {"cash": Decimal("-12.98"), "card": Decimal("0.00")}
    assert f.cash_expected == Decimal("187.02")
    # the closed day did not change
    assert report_x(shop, "2026-11-27").figures.gross == Decimal("12.98")


def test_z_closes_the_shift_with_the_figures_in_the_ledger(shop: Shop, clock: Clock) -> None:
    sell(shop, "D001", "2")
    report = report_z(shop, "205.50")
    assert report.kind == "z" and report.closed
    record = report.record
    assert record is not None and record["kind"] == "day.closed"
    data = record["data"]
    assert data["day"] == "2026-11-27"
    assert data["gross"] == "6.00" and data["grand_total"] == "6.00"
    assert data["previous_grand_total"] == "0.00"
    assert data["by_rate"] == {"13": {"gross": "6.00", "net": "5.31", "tax": "0.69"}}
    assert data["cash_expected"] == "206.00"
    assert (data["counted"], data["over_short"]) == ("205.50", "-0.50")
    assert data["approved_by"] == "manager"
    # the range it covers: every record from the first, receipt 1 only
    assert (data["first_seq"], data["last_seq"]) == (1, record["seq"] - 1)
    assert (data["first_rseq"], data["last_rseq"]) == (1, 1)
    assert data["days"] == ["2026-11-27"]


def test_a_z_needs_a_close_day_approval(shop: Shop) -> None:
    sell(shop, "D001")
    with pytest.raises(InvalidInput) as exc:
        approve(shop, "close_day", "0000")
    assert exc.value.code == "approval.wrong_pin"
    with pytest.raises(ValueError):
        close_shift(shop, approve(shop, "void", "1234"), CashCount(Decimal("0")))


def test_a_sale_after_the_z_opens_the_next_shift(shop: Shop, clock: Clock) -> None:
    """Issue 13 item 1: the X said 16 receipts after a Z of 15; the 16th was in no Z."""
    for _ in range(15):
        sell(shop, "D001")
    assert report_z(shop).figures.receipts == 15
    after = sell(shop, "D002")  # same calendar date, after the close
    assert after.warnings == ()  # no "in no Z report" warning: it opens the next shift
    x = report_x(shop)
    assert (x.figures.receipts, x.closed, x.shift["first_rseq"]) == (1, False, 16)
    second = report_z(shop)  # a second Z on the same date: the second shift
    assert second.figures.receipts == 1
    assert second.record["data"]["day"] == "2026-11-27"
    assert report_x(shop).figures.receipts == 0


def test_a_z_with_nothing_in_it_is_refused(shop: Shop) -> None:
    with pytest.raises(InvalidInput) as exc:
        report_z(shop)
    assert exc.value.code == "report.empty_shift"
    sell(shop, "D001")
    report_z(shop)
    with pytest.raises(InvalidInput) as exc:
        report_z(shop)
    assert exc.value.code == "report.empty_shift"
    assert [r["kind"] for r in shop.ledger.records()].count("day.closed") == 1


def test_every_receipt_is_in_exactly_one_z(shop: Shop, clock: Clock) -> None:
    """Z counts add up to every real receipt; the ranges follow one another."""
    import random

    rng = random.Random(13)
    numbers = []
    for step in range(60):
        clock.now += timedelta(minutes=rng.choice([0, 10, 90]))
        numbers.append(sell(shop, "D001", training=rng.random() < 0.1).number)
        if rng.random() < 0.1:
            void_receipt(shop, rng.choice(numbers), reason="x", who="王芳", approval=VOID_OK)
        if step % 7 == 6:
            report_z(shop)
    closes = [r for r in shop.ledger.records() if r["kind"] == "day.closed"]
    assert len(closes) == 8
    real = shop.ledger.view.last_rseq
    open_shift = report_x(shop).figures.receipts
    assert sum(c["data"]["receipts"] for c in closes) + open_shift == real
    previous = 0
    for c in closes:
        assert c["data"]["first_seq"] == previous + 1 and c["data"]["last_seq"] == c["seq"] - 1
        previous = c["seq"]
    assert len({c["data"]["day"] for c in closes}) < len(closes)  # two shifts on one date


@pytest.mark.parametrize("bad", ["2026-13-01", "27.11.2026", "yesterday", "2026-02-30"])
def test_bad_dates_are_refused(shop: Shop, bad: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        report_x(shop, bad)
    assert exc.value.code == "report.bad_date"


def test_grand_total_carries_across_shifts_and_reopening(shop: Shop, clock: Clock) -> None:
    sell(shop, "F002")  # 12.98
    assert report_z(shop).grand_total == Decimal("12.98")
    clock.set(2026, 11, 29, 9, 0)  # the 28th: no sale, no close
    sell(shop, "D001", "3")  # 9.00
    z = report_z(shop)
    assert (z.previous_grand_total, z.grand_total) == (Decimal("12.98"), Decimal("21.98"))
    root = shop.home.root
    shop.close()
    with Shop.open(root, clock=clock) as again:
        assert grand_total(again) == Decimal("21.98")
        sell(again, "D002")  # 2.00
        assert report_z(again).grand_total == Decimal("23.98")
        closes = [r["data"] for r in again.ledger.records() if r["kind"] == "day.closed"]
        # derivable: each close = previous close + its shift's gross
        running = Decimal(0)
        for c in closes:
            assert Decimal(c["previous_grand_total"]) == running
            running += Decimal(c["gross"])
            assert Decimal(c["grand_total"]) == running


def test_training_never_reaches_a_report(shop: Shop) -> None:
    for _ in range(3):
        sell(shop, "F002", training=True)
    z = report_z(shop)
    assert z.figures.receipts == 0 and z.figures.training == 3
    assert z.grand_total == Decimal("0.00")


def test_a_day_parses_only_the_lines_that_can_hold_it(shop: Shop, clock: Clock) -> None:
    clock.set(2026, 11, 30, 23, 0)
    sell(shop, "D001")
    clock.set(2026, 12, 1, 8, 0)
    sell(shop, "D002")
    clock.set(2027, 2, 10, 8, 0)
    sell(shop, "D003")
    # damage February with a line that claims to be of 10 February: a report of
    # 1 December searches that partition (a record's day comes from its own
    # time, not its file) but never parses a line of another date
    shop.ledger.journal.path("2027-02").write_bytes(
        b'{"data":broken,"time":"2027-02-10T09:00:00.000000+08:00","v":1}\n'
    )
    f = report_x(shop, "2026-12-01").figures
    assert (f.receipts, f.gross) == (1, Decimal("2.00"))
    assert report_x(shop, "2026-11-30").figures.gross == Decimal("3.00")
    with pytest.raises(LedgerError):
        report_x(shop, "2027-02-10")


def test_records_between_matches_a_full_scan(shop: Shop, clock: Clock) -> None:
    start = clock.now
    for i in range(40):
        clock.now = start + timedelta(hours=7 * i)
        sell(shop, "D001")
    lo = datetime(2026, 11, 29, 0, 0, tzinfo=TZ)
    hi = datetime(2026, 12, 2, 0, 0, tzinfo=TZ)
    expected = [
        r["seq"] for r in shop.ledger.records() if lo <= datetime.fromisoformat(r["time"]) < hi
    ]
    got = [r["seq"] for r in shop.ledger.records_between(lo, hi)]
    assert got == expected and len(got) > 5


def test_a_void_in_a_later_month_finds_the_receipt_and_x_needs_no_view(
    shop: Shop, clock: Clock
) -> None:
    clock.set(2026, 10, 15, 10, 0)
    old = sell(shop, "F002")  # 12.98 in October
    clock.set(2026, 11, 27, 10, 0)
    sell(shop, "D001")
    void_receipt(shop, old.number, reason="退货", who="王芳", approval=VOID_OK)
    report_z(shop)
    root = shop.home.root
    shop.close()
    with Shop.open(root, readonly=True, clock=clock) as reader:
        report = report_x(reader, "2026-11-27")
        assert report.figures.voided == Decimal("12.98")
        assert report.figures.gross == Decimal("-9.98")
        assert report.closed
        assert not report_x(reader, "2026-10-15").closed
        # a reader's report reads the day's records only: the view was never built
        assert reader.ledger._view is None


def test_a_damaged_line_of_the_day_is_named(shop: Shop, clock: Clock) -> None:
    sell(shop, "D001")
    part = shop.ledger.journal.path("2026-11")
    with part.open("ab") as out:
        out.write(b'{"data":oops,"time":"2026-11-27T10:00:00.000000+08:00","v":1}\n')
    with pytest.raises(LedgerError) as exc:
        report_x(shop, "2026-11-27")
    assert exc.value.code == "ledger.bad_line"
    assert exc.value.data["line"] == 3  # outage.started, receipt, the bad one (created: October)
    with part.open("ab") as out:  # the shift reads lines by kind: one of its kinds, damaged
        out.write(b'{"data":oops,"kind":"receipt.issued","v":1}\n')
    with pytest.raises(LedgerError) as exc:
        report_x(shop)
    assert exc.value.data["line"] == 4


def test_report_sheet_for_paper_in_both_languages(shop: Shop, clock: Clock) -> None:
    from shopdesk.services.reports import report_sheet

    sell(shop, "D001", "2", [Payment("cash", Decimal("10"))])
    sell(shop, "M001", pay=[Payment("wechat")])  # 3.50 at 9 %
    sell(shop, "F002", training=True)
    old = sell(shop, "V001")
    void_receipt(shop, old.number, reason="x", who="王芳", approval=VOID_OK)
    sheet = report_sheet(report_z(shop), "zh+en")
    assert sheet["title"] == "Z 报表（班次日结） / Z report (shift closed)"
    assert sheet["info"][0] == ["营业日 / Business day", "2026-11-27"]
    rows = [row for section in sheet["sections"] for row in section["rows"]]
    by_label = {row[0]: row[1] for row in rows if len(row) == 2}
    assert by_label["收据张数 / Receipts"] == 3
    assert by_label["培训收据（不计入） / Training receipts (excluded)"] == 1
    assert by_label["作废金额 / Voided"] == "-1.00"
    assert by_label["合计（含税） / Total (tax incl.)"] == "9.50"
    assert by_label["13%"] == "6.00" and by_label["9%"] == "3.50"
    assert by_label["累计总额（永不清零） / Grand total (never reset)"] == "9.50"
    # every amount is a two-decimal string, every count an int: what the layout expects
    assert all(isinstance(v, int) or v.count(".") == 1 for _, v in by_label.items())


@pytest.mark.parametrize(
    ("language", "approver"), [("zh", "店长"), ("en", "manager"), ("zh+en", "店长 / manager")]
)
def test_a_shop_without_people_has_its_z_approved_by_the_manager_in_words(
    shop: Shop, language: str, approver: str
) -> None:
    """Issue 14 item 10: the Chinese Z report said "批准人 manager" (the built-in name)."""
    from shopdesk.printing.layout import block_texts, layout_report
    from shopdesk.services.reports import report_sheet

    sell(shop, "D001", pay=[Payment("cash", Decimal("10"))])
    z = report_z(shop, "10.00")
    assert z.record["data"]["approved_by"] == "manager"  # the ledger keeps the name
    info = dict(tuple(row) for row in report_sheet(z, language)["info"])
    assert approver in info.values()
    if language == "zh":
        assert not [
            t for t in block_texts(layout_report(report_sheet(z, "zh"), 32)) if "manager" in t
        ]


def test_the_z_report_shows_the_key_fingerprint_on_paper_and_screen(
    shop: Shop, clock: Clock
) -> None:
    """Issue 12 item 4: the accountant compares a batch's key fingerprint with this paper."""
    from shopdesk.ledger.keys import key_fingerprint, public_key_b64
    from shopdesk.printing.layout import block_texts, layout_report
    from shopdesk.services.reports import closed_report, report_sheet

    fingerprint = key_fingerprint(public_key_b64(shop.ledger.public_key))
    sell(shop, "D001")
    for report in (report_x(shop), report_z(shop), closed_report(shop)):
        sheet = report_sheet(report, "zh")
        assert ["签名公钥指纹", fingerprint] in sheet["info"]
        paper = "\n".join(block_texts(layout_report(report_sheet(report, "zh+en"), 32)))
        assert fingerprint in paper  # one piece on one line: readable, never split


def test_a_z_reprint_shows_what_was_closed(shop: Shop, clock: Clock) -> None:
    from shopdesk.errors import NotFound
    from shopdesk.services.reports import closed_report

    with pytest.raises(NotFound) as exc:
        closed_report(shop)
    assert exc.value.code == "report.no_close"
    sell(shop, "F002", pay=[Payment("card")])
    z = report_z(shop)
    clock.set(2026, 11, 27, 20, 0)
    sell(shop, "D001")  # after the close: the next shift, not in the reprint
    clock.set(2026, 11, 29, 9, 0)
    assert closed_report(shop).figures == z.figures  # the newest Z
    with pytest.raises(NotFound) as exc:
        closed_report(shop, "2026-11-28")
    assert exc.value.code == "report.not_closed"
    again = closed_report(shop, "2026-11-27")
    assert again.copy and again.kind == "z"
    assert again.figures == z.figures
    assert (again.previous_grand_total, again.grand_total) == (Decimal("0.00"), Decimal("12.98"))
    assert again.generated_at == z.generated_at  # the time of the close, not of the reprint
    assert report_x(shop, "2026-11-27").figures.gross == Decimal("15.98")


def test_grand_total_counts_days_never_closed(shop: Shop, clock: Clock) -> None:
    """Issue 11: the perpetual total covers every real receipt, closed day or not."""
    clock.set(2026, 11, 25, 9, 0)
    sell(shop, "F002")  # 12.98 on a day never closed
    sell(shop, "D001", "1", training=True)  # training: never in a total
    clock.set(2026, 11, 26, 9, 0)
    sell(shop, "D001", "3")  # 9.00
    z = report_z(shop)
    assert (z.previous_grand_total, z.grand_total) == (Decimal("0.00"), Decimal("21.98"))
    root = shop.home.root
    shop.close()
    with Shop.open(root, clock=clock) as again:  # the running total survives the checkpoint
        clock.set(2026, 11, 27, 9, 0)
        voided = sell(again, "D001", "2")  # 6.00, voided below: net of voids
        sell(again, "F002")  # 12.98
        void_receipt(again, voided.number, reason="test", who="王芳", approval=VOID_OK)
        assert report_z(again).grand_total == Decimal("34.96")


@pytest.mark.parametrize("language", ["zh", "en", "zh+en"])
def test_report_words_print_as_written_without_the_printer_filter(
    shop: Shop, language: str
) -> None:
    """Issue 14 item 3: "现金（收款？找零）" — U+2212 has no GBK code, the filter made it ？."""
    from shopdesk.messages import MESSAGES, template
    from shopdesk.printing.cells import sanitize
    from shopdesk.printing.layout import block_texts, layout_report
    from shopdesk.services.reports import report_sheet

    ours = [
        template(code, lang)
        for code in MESSAGES
        if code.startswith(("report.w.", "receipt.w."))
        for lang in ("zh", "en")
    ]
    assert [text for text in ours if sanitize(text) != text] == []
    sell(shop, "D001", pay=[Payment("cash", Decimal("10"))])
    paper = block_texts(layout_report(report_sheet(report_x(shop), language), 32))
    assert not [line for line in paper if "？" in line]


def test_refunds_count_on_their_day_by_method_and_leave_the_drawer(
    shop: Shop, clock: Clock
) -> None:
    from shopdesk.services.approval import approve
    from shopdesk.services.returns import return_items

    old = sell(shop, "D001", "2")  # 6.00 cash on the 27th
    report_z(shop)
    clock.set(2026, 11, 28, 10, 0)
    today = sell(shop, "D003", pay=[Payment("card")])  # 3.50 card
    approval = approve(shop, "return", "1234")
    return_items(shop, old.number, [(1, Decimal(1))], reason="坏", approval=approval)
    return_items(shop, today.number, [(1, None)], reason="坏", approval=approval)
    f = report_x(shop).figures
    assert (f.receipts, f.refunds) == (1, 2)
    assert (f.sales, f.refunded, f.gross) == (Decimal("3.50"), Decimal("6.50"), Decimal("-3.00"))
    assert f.refunded_by_method == {"cash": Decimal("3.00"), "card": Decimal("3.50")}
    assert f.by_method == {"cash": Decimal("-3.00"), "card": Decimal("0.00")}
    assert f.cash_expected == Decimal("197.00")
    z = report_z(shop)
    assert z.record is not None and z.record["data"]["refunded"] == "6.50"
    assert z.record["data"]["grand_total"] == "3.00"  # 6.00 + 3.50 − 6.50: net of returns
    assert report_x(shop, "2026-11-27").figures.gross == Decimal("6.00")
