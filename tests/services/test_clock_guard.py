"""A wrong clock is caught before it stamps a receipt; a record's day comes from its own time."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from shopdesk.cli import main
from shopdesk.domain.pin import DEMO_PIN
from shopdesk.domain.reports import CashCount
from shopdesk.domain.sale import SaleDraft
from shopdesk.errors import ClockError, InvalidInput
from shopdesk.services.approval import approve
from shopdesk.services.clock_guard import clock_state, correct_clock
from shopdesk.services.integrity import verify_ledger
from shopdesk.services.reports import report_x, report_z
from shopdesk.services.sales import issue_receipt, parse_item_spec
from shopdesk.services.shop import Shop
from tests.conftest import BEIJING, Clock


def sell(shop: Shop, **kw):
    return issue_receipt(shop, SaleDraft(lines=[parse_item_spec(shop.catalog, "D001")]), **kw)


def cli(capsys: pytest.CaptureFixture, home: Path, *args: str, lang: str = "en"):
    code = main(["--home", str(home), "--lang", lang, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_clock_reset_to_2009_issues_nothing(shop: Shop, clock: Clock) -> None:
    sell(shop)
    head = shop.ledger.head_seq
    size = shop.ledger.journal.size
    clock.now = datetime(2009, 1, 1, 0, 0, tzinfo=BEIJING)  # the CMOS battery died
    with pytest.raises(ClockError) as err:
        sell(shop)
    assert err.value.code == "clock.behind" and err.value.exit_code == 9
    assert err.value.data["now"].startswith("2009-01-01")
    assert err.value.data["last"].startswith("2026-11-28")
    assert (shop.ledger.head_seq, shop.ledger.journal.size) == (head, size)
    assert shop.ledger.view.last_rseq == 1  # no receipt number was taken


def test_the_ledger_itself_refuses_an_earlier_time(shop: Shop, clock: Clock) -> None:
    """Every writer goes through Ledger.append: outage, void, Z, backup alike."""
    last = shop.last_record_time()
    assert last is not None
    with pytest.raises(ClockError):
        shop.ledger.append("outage.started", {"note": "", "auto": False}, last - timedelta(hours=1))
    with pytest.raises(ClockError):
        shop.ledger.append("day.closed", {"day": "2026-11-27"}, last - timedelta(microseconds=1))


def test_a_clock_a_few_seconds_behind_stamps_the_last_time(shop: Shop, clock: Clock) -> None:
    first = sell(shop)
    stamped = datetime.fromisoformat(first.record["time"])
    clock.now = stamped - timedelta(seconds=31)  # a time sync stepped back
    second = sell(shop)
    assert datetime.fromisoformat(second.record["time"]) == stamped
    assert verify_ledger(shop.home.root).ok


def test_a_clock_far_ahead_is_confirmed_before_the_first_sale(shop: Shop, clock: Clock) -> None:
    sell(shop)
    clock.advance(days=400)  # a year typed wrong into the BIOS
    with pytest.raises(ClockError) as err:
        sell(shop)
    assert err.value.code == "clock.far_ahead" and err.value.data["days"] >= 399
    issued = sell(shop, clock_confirmed=True)
    assert issued.number.endswith("00000002")
    sell(shop)  # once a record carries the new date, the next sale needs no question


def test_cli_refuses_a_clock_behind_in_both_languages(
    capsys: pytest.CaptureFixture, home: Path, clock: Clock
) -> None:
    code, out, _ = cli(capsys, home, "sell", "--item", "D001", "--no-print")
    assert code == 0
    clock.now = datetime(2009, 6, 1, 8, 0, tzinfo=BEIJING)
    code, out, err = cli(capsys, home, "sell", "--item", "D001", "--no-print", lang="zh")
    assert code == 9 and out == ""
    assert "2009-06-01 08:00" in err and "2026-11-28" in err and "不能倒退" in err
    code, _, err = cli(capsys, home, "clock", "status")
    assert code == 9 and "earlier than the ledger's last record" in err
    code, out, _ = cli(capsys, home, "list", "--json")
    assert len(json.loads(out)) == 1


def test_cli_far_ahead_needs_clock_ok(capsys: pytest.CaptureFixture, home: Path, clock: Clock):
    clock.advance(days=30)
    code, out, err = cli(capsys, home, "sell", "--item", "D001", "--no-print")
    assert code == 9 and "30 days after" in err and "--clock-ok" in err and out == ""
    code, out, _ = cli(capsys, home, "sell", "--item", "D001", "--no-print", "--clock-ok")
    assert code == 0 and out.strip() == "T01-00000001"
    code, out, _ = cli(capsys, home, "clock", "status")
    assert code == 0 and "The clock is fine." in out


def test_correction_needs_an_approval_a_note_and_a_clock_behind(shop: Shop, clock: Clock) -> None:
    sell(shop)
    approval = approve(shop, "clock_correct", DEMO_PIN)
    with pytest.raises(InvalidInput) as err:
        correct_clock(shop, note="battery", approval=approval, who="王芳")
    assert err.value.code == "clock.nothing_to_correct"
    clock.now -= timedelta(days=3)
    with pytest.raises(ValueError):  # an approval for something else does not do
        correct_clock(shop, note="battery", approval=approve(shop, "void", DEMO_PIN), who="王芳")
    with pytest.raises(InvalidInput) as err:
        correct_clock(shop, note="  ", approval=approval, who="王芳")
    assert err.value.code == "clock.correction_note_missing"
    assert clock_state(shop).behind
    record = correct_clock(shop, note="battery", approval=approval, who="王芳")
    assert record["data"]["by"] == "王芳" and record["data"]["approved_by"] == "manager"


def test_a_year_ahead_then_corrected_counts_today_in_every_report(
    capsys: pytest.CaptureFixture, home: Path, clock: Clock, tmp_path: Path
) -> None:
    """The tester's case: one sale a year ahead, the clock put right, three sales today."""
    today = clock.now
    clock.now = today + timedelta(days=365)
    assert cli(capsys, home, "sell", "--item", "D001", "--no-print", "--clock-ok")[0] == 0
    clock.now = today + timedelta(hours=1)
    assert cli(capsys, home, "sell", "--item", "D001", "--no-print")[0] == 9
    pin = tmp_path / "pin"
    pin.write_text(DEMO_PIN + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPDESK_PIN_FILE", str(pin))
        code, out, err = cli(
            capsys, home, "clock", "correct", "--note", "BIOS clock was a year ahead"
        )
    assert code == 0, err
    assert "2027-11-28" in out and "2026-11-28" in out
    with Shop.open(home, readonly=True) as reader:
        [corrected] = [r for r in reader.ledger.records() if r["kind"] == "clock.corrected"]
    assert corrected["data"]["approved_by"] == "manager"
    for _ in range(3):
        code, _, err = cli(capsys, home, "sell", "--item", "D002", "--no-print")
        assert code == 0, err
    # the three sales of today sit in the future month's file...
    assert sorted(p.name for p in (home / "ledger").glob("journal-*.jsonl"))[-1].startswith(
        "journal-2027-11"
    )
    day = today.date().isoformat()
    code, out, _ = cli(capsys, home, "list", "--date", day, "--json")
    listed = json.loads(out)
    assert len(listed) == 3
    with Shop.open(home, readonly=True) as reader:
        x = report_x(reader, day)
    assert x.figures.receipts == 3
    assert x.figures.gross == sum(Decimal(row["total"]) for row in listed)
    with Shop.open(home) as shop:
        z = report_z(shop, approve(shop, "close_day", DEMO_PIN), CashCount(Decimal("203")))
    assert z.figures.receipts == 4  # the shift: the sale a year ahead and today's three
    assert z.shift["days"] == ["2026-11-28", "2027-11-28"]
    code, _, err = cli(capsys, home, "verify")
    assert code == 0, err


def test_verify_names_a_record_whose_time_goes_back(shop: Shop, clock: Clock) -> None:
    sell(shop)
    # a writer without the rule (older software, or someone holding the key)
    shop.ledger.journal.head.time = ""
    shop.ledger.append("outage.ended", {}, datetime(2009, 1, 1, tzinfo=BEIJING))
    result = verify_ledger(shop.home.root)
    assert result.problem is not None
    assert (result.problem.reason, result.problem.seq) == ("time_backwards", shop.ledger.head_seq)


def test_cli_correction_with_a_wrong_pin_is_refused_like_every_approval(
    capsys: pytest.CaptureFixture, home: Path, clock: Clock, tmp_path: Path
) -> None:
    """Exit 10 and a ``pin.failed`` record: the lockout's rule, not a PIN check of its own."""
    today = clock.now
    clock.now = today + timedelta(days=365)
    assert cli(capsys, home, "sell", "--item", "D001", "--no-print", "--clock-ok")[0] == 0
    clock.now = today
    pin = tmp_path / "pin"
    pin.write_text("9999\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPDESK_PIN_FILE", str(pin))
        code, _, err = cli(capsys, home, "clock", "correct", "--note", "BIOS")
    assert code == 10 and "PIN is wrong" in err
    with Shop.open(home, readonly=True) as reader:
        kinds = [r["kind"] for r in reader.ledger.records()]
    assert "clock.corrected" not in kinds
