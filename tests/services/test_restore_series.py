"""Issue 11, item 13: a till restored from an older backup never re-issues a number.

Receipts issued after the last backup die with the disk; the restored till
continues in a new, visibly distinct series (``T01-R1-…``) so that none of its
numbers can be one the old till issued after that backup.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from shopdesk.domain.sale import SaleDraft
from shopdesk.export.batch_verifier import verify_batch
from shopdesk.ledger.keys import load_public_key
from shopdesk.printing.qr import parse_qr, verify_qr
from shopdesk.services.backup import make_backup
from shopdesk.services.export import export_batch
from shopdesk.services.integrity import verify_ledger
from shopdesk.services.printing import receipt_qr
from shopdesk.services.restore import restore_key, restore_shop
from shopdesk.services.sales import issue_receipt, parse_item_spec
from shopdesk.services.shop import Shop
from tests.conftest import BEIJING, Clock
from tests.services.test_backup import PASSPHRASE, sell

LATER = datetime(2026, 11, 30, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    path = tmp_path / "stick"
    path.mkdir()
    return path


def sell_training(shop: Shop) -> str:
    draft = SaleDraft(lines=[parse_item_spec(shop.catalog, "D001")])
    return issue_receipt(shop, draft, training=True).number


def test_restore_from_an_older_backup_never_issues_a_number_again(
    shop: Shop, stick: Path, tmp_path: Path
) -> None:
    issued = [*sell(shop, 3), sell_training(shop)]
    make_backup(shop, stick, passphrase=PASSPHRASE)
    issued += [*sell(shop, 4), sell_training(shop)]  # after the last backup: the disk dies
    new_home = tmp_path / "new-pc"
    restore_shop(stick, new_home, passphrase=PASSPHRASE, clock=Clock(LATER))
    with Shop.open(new_home, clock=Clock(LATER)) as restored:
        again = [*sell(restored, 6), sell_training(restored)]
        assert not set(again) & set(issued)
        # the receipt sequence goes on gapless; the number says which series it is in
        assert again[0] == "T01-R1-00000004" and again[-1] == "T01-R1-TR-00000002"
        record = restored.ledger.record_at(restored.ledger.view.seq_of(again[0]) or 0)
        assert record is not None
        qr = receipt_qr(restored, record)
        checked = verify_qr(qr, load_public_key(restored.home.public_key.read_bytes()))
        assert checked.valid and parse_qr(qr).number == again[0]
        batch = export_batch(restored, tmp_path / "out")
    assert verify_ledger(new_home).ok
    report = verify_batch(batch.path)
    assert "-R1-" in batch.batch_id and report.batch_id == batch.batch_id
    assert (batch.first_no, batch.last_no) == ("T01-00000001", "T01-R1-00000009")
    # the old till, if it comes back, keeps its own series: still no overlap
    assert not set(sell(shop, 10)) & set(again)


def test_each_restore_takes_the_next_series_and_a_keyless_restore_takes_it_with_the_key(
    shop: Shop, stick: Path, tmp_path: Path
) -> None:
    sell(shop, 2)
    make_backup(shop, stick, passphrase=PASSPHRASE)
    first = tmp_path / "first"
    restore_shop(stick, first, passphrase=None, without_key=True, clock=Clock(LATER))
    restore_key(first, stick, PASSPHRASE, clock=Clock(LATER))
    with Shop.open(first, clock=Clock(LATER)) as restored:
        assert sell(restored) == ["T01-R1-00000003"]
        make_backup(restored, stick)
        assert sell(restored) == ["T01-R1-00000004"]
    second = tmp_path / "second"
    restore_shop(stick, second, passphrase=PASSPHRASE, clock=Clock(LATER))
    with Shop.open(second, clock=Clock(LATER)) as restored:
        assert sell(restored) == ["T01-R2-00000004"]
    assert verify_ledger(second).ok
