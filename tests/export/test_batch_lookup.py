"""verify-qr --batch: a paper receipt's QR checked against a batch the accountant holds."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.errors import BatchError
from shopdesk.export import batch_format as fmt
from shopdesk.ledger.keys import create_private_key
from shopdesk.printing.qr import make_qr_payload, payload_fields, sign_payload
from shopdesk.services.export import export_batch
from shopdesk.services.qr_batch import check_qr_in_batch
from shopdesk.services.sales import get_receipt, issue_receipt, line_from_catalog, void_receipt
from shopdesk.services.shop import Shop, init_shop
from tests.conftest import VOID_OK

TZ = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shop(tmp_path: Path):
    moment = [datetime(2026, 11, 20, 9, 0, tzinfo=TZ)]

    def clock() -> datetime:
        moment[0] += timedelta(seconds=3)
        return moment[0]

    init_shop(tmp_path / "home", demo=True, clock=clock).close()
    with Shop.open(tmp_path / "home", clock=clock) as opened:
        yield opened


def sell(shop: Shop, training: bool = False) -> str:
    draft = SaleDraft(
        lines=[line_from_catalog(shop.catalog, "D003", Decimal(2))], payments=[Payment("cash")]
    )
    return issue_receipt(shop, draft, training=training).number


def qr(shop: Shop, number: str) -> str:
    return make_qr_payload(get_receipt(shop, number).record, shop.profile.uscc, shop.ledger.key)


def test_each_state_of_a_receipt_in_a_batch(shop: Shop, tmp_path: Path) -> None:
    good, voided, training = sell(shop), sell(shop), sell(shop, training=True)
    void_receipt(shop, voided, reason="顾客退货", who="王芳", approval=VOID_OK)
    first = export_batch(shop, tmp_path / "out")
    later = sell(shop)
    void_receipt(shop, good, reason="退货", who="王芳", approval=VOID_OK)
    second = export_batch(shop, tmp_path / "out")

    report = check_qr_in_batch(qr(shop, good), first.path)
    assert report.genuine and report.batch.state == "valid" and not report.mismatches
    assert report.batch.record["data"]["no"] == good
    assert check_qr_in_batch(qr(shop, voided), first.path).batch.state == "void"
    assert check_qr_in_batch(qr(shop, training), first.path).batch.state == "training"
    assert check_qr_in_batch(qr(shop, later), first.path).batch.state == "missing"
    late = check_qr_in_batch(qr(shop, good), second.path)
    assert late.batch.state == "late_void" and not late.genuine
    assert check_qr_in_batch(qr(shop, later), second.path).genuine


def test_forged_and_foreign_qrs_are_not_genuine(shop: Shop, tmp_path: Path) -> None:
    number = sell(shop)
    batch = export_batch(shop, tmp_path / "out").path
    genuine = qr(shop, number)
    forged = genuine.replace("*7.00*", "*70.00*")
    assert forged != genuine
    assert check_qr_in_batch(forged, batch).check.reason == "bad_signature"
    other = create_private_key(tmp_path / "other.key")
    fields = payload_fields(get_receipt(shop, number).record, shop.profile.uscc)
    assert not check_qr_in_batch(sign_payload(fields, other).text(), batch).check.valid
    # the shop's own key signing a total the ledger never held (a stolen key)
    stolen = sign_payload(replace(fields, total="1.00"), shop.ledger.key).text()
    report = check_qr_in_batch(stolen, batch)
    assert report.check.valid and report.mismatches == ["total"] and not report.genuine
    assert check_qr_in_batch("01,32,,24312000000000000001,100.00,20261128,,", batch).batch is None


def test_a_tampered_batch_is_refused(shop: Shop, tmp_path: Path) -> None:
    number = sell(shop)
    batch = export_batch(shop, tmp_path / "out").path
    with zipfile.ZipFile(batch) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files[fmt.JSONL] = files[fmt.JSONL].replace(b'"cashier":"', b'"cashier":"X', 1)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    with pytest.raises(BatchError) as caught:
        check_qr_in_batch(qr(shop, number), bad)
    assert caught.value.code == "batch.bad_record"


def test_cli_verify_qr_with_a_batch(shop: Shop, tmp_path: Path) -> None:
    number = sell(shop)
    batch = export_batch(shop, tmp_path / "out").path
    payload = "https://fapiao.example.cn/r?p=" + qr(shop, number)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SHOPDESK_LANG": "en"}
    result = subprocess.run(
        [sys.executable, "-m", "shopdesk", "verify-qr", payload, "--batch", str(batch)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"Receipt {number} is in batch {batch.stem}" in result.stdout
    forged = payload.replace("*7.00*", "*8.00*")
    result = subprocess.run(
        [sys.executable, "-m", "shopdesk", "verify-qr", forged, "--batch", str(batch)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
