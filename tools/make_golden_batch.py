"""Build the golden batch: the test vectors of docs/format.md, byte for byte the same every run.

    PYTHONPATH=. python tools/make_golden_batch.py            # rewrite tests/data/golden/
    PYTHONPATH=. python tools/make_golden_batch.py --out DIR  # write elsewhere (the test does)

A small shop signs with the PUBLISHED test key in ``tests/data/golden/`` (never a
shop's key: anyone can sign with it) on a fixed clock, sells a handful of
receipts that cover the format (several rates, line and sale discounts, a
company buyer with a tax id, a void, a training receipt, two payment methods
with change), and exports one batch. Written to the folder:

- ``<batch id>.zip`` — the batch;
- ``qr-<receipt no>.txt`` — the QR payload of the first receipt (time truncation);
- ``public-key.txt`` — the test key's raw public key (base64) and fingerprint.

Lines are built here, not taken from the demo catalog, so a change to the
catalog does not change the vectors; a change to the export format does. After
such a change run this once and commit the new files (tests/export/test_golden_batch.py
says so when they differ).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "golden"
KEY = GOLDEN / "TEST-ONLY-signing-key.pem"
BEIJING = ZoneInfo("Asia/Shanghai")
#: Odd microseconds on purpose: the QR's time is cut to the second, not rounded.
START = datetime(2026, 11, 28, 9, 0, 0, 750_000, tzinfo=BEIJING)
STEP = timedelta(minutes=7, seconds=13)
SHOP = {"name": "金样便利店（测试数据）", "uscc": "91110108MA01C6PX8E", "terminal": "T01"}
BUYER = ("北京中关村科技发展有限公司", "91110000600037341L")


class FixedClock:
    """Moves ``STEP`` per reading from ``START``: the same times on every run."""

    def __init__(self) -> None:
        self.now = START - STEP

    def __call__(self) -> datetime:
        self.now += STEP
        return self.now


def _line(name: str, qty: str, price: str, rate: str, **extra: str):
    from shopdesk.domain.sale import DraftLine

    discount = Decimal(extra.pop("discount", "0"))
    return DraftLine(
        sku=extra.get("sku", ""),
        name=name,
        unit=extra.get("unit", "个"),
        tax_rate=rate,
        tax_code=extra.get("tax_code", "1030307020000000000"),
        qty=Decimal(qty),
        unit_price=Decimal(price),
        barcode=extra.get("barcode", ""),
        spec=extra.get("spec", ""),
        discount=discount,
    )


def build(out: Path) -> Path:
    """Make the shop in a temp folder, sell, export; copy the vectors to ``out``."""
    from shopdesk.domain.sale import Buyer, Payment, SaleDraft
    from shopdesk.export.deflate import zlib_only
    from shopdesk.ledger.keys import key_fingerprint, load_private_key, public_key_b64
    from shopdesk.printing.qr import make_qr_payload
    from shopdesk.services.approval import Approval
    from shopdesk.services.export import export_batch
    from shopdesk.services.sales import issue_receipt, void_receipt
    from shopdesk.services.shop import init_shop

    key = load_private_key(KEY)
    with tempfile.TemporaryDirectory(prefix="golden-") as tmp:
        shop = init_shop(
            Path(tmp) / "home",
            clock=FixedClock(),
            signing_key=key,
            manager_pin="2580",
            **SHOP,
        )
        try:
            cola = _line("可口可乐 330ml", "2", "3.00", "13", sku="D001", barcode="6901939621257")
            milk = _line("巴氏鲜牛奶 950ml", "1", "15.80", "9", unit="盒", barcode="0690123456789")
            cabbage = _line("大白菜", "1.235", "2.40", "exempt", unit="千克")
            first = issue_receipt(
                shop,
                SaleDraft([cola, milk, cabbage], payments=[Payment("cash", Decimal("50"))]),
            )
            issue_receipt(  # a line discount, a sale discount; WeChat plus cash with change
                shop,
                SaleDraft(
                    [_line("面包", "3", "4.50", "13", discount="0.50"), milk],
                    sale_discount=Decimal("1.00"),
                    payments=[Payment("wechat", Decimal("20")), Payment("cash", Decimal("10"))],
                ),
                approval=Approval("discount", "manager"),
            )
            issue_receipt(  # a company buyer that wants the fapiao in its own name
                shop,
                SaleDraft(
                    [
                        _line("A4 复印纸", "2", "25.00", "13", unit="包"),
                        _line("快递服务", "1", "12.00", "6"),
                    ],
                    buyer=Buyer.create(*BUYER),
                    payments=[Payment("alipay")],
                ),
            )
            voided = issue_receipt(shop, SaleDraft([cola], payments=[Payment("card")]))
            issue_receipt(shop, SaleDraft([milk]), training=True)
            void_receipt(
                shop,
                voided.number,
                reason="顾客退货",
                who="王芳",
                approval=Approval("void", "manager"),
            )
            (Path(tmp) / "out").mkdir()
            with zlib_only():  # ISA-L's bytes depend on the CPU; zlib's regenerate anywhere
                batch = export_batch(shop, Path(tmp) / "out")
            qr = make_qr_payload(first.record, SHOP["uscc"], key)
        finally:
            shop.close()
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("T01-B*.zip"):
            old.unlink()
        shutil.copyfile(batch.path, out / batch.path.name)
    (out / f"qr-{first.number}.txt").write_text(qr + "\n", encoding="ascii")
    public = public_key_b64(key.public_key())
    (out / "public-key.txt").write_text(f"{public}\n{key_fingerprint(public)}\n", encoding="ascii")
    return out / batch.path.name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=GOLDEN, help="folder (default: %(default)s)")
    args = parser.parse_args(argv)
    print(build(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
