"""Fill a real shop home with N realistic receipts through the ledger's own API.

Used to try the app at scale and by every benchmark. Receipts go through the
same ``issue_receipt`` service a sale uses (priced, settled, signed, chained),
spread over business days (08:00–22:00 Beijing time) at ``--per-day`` receipts a
day ending today (today's end no later than now, by :mod:`shopdesk.clock`, so
``SHOPDESK_CLOCK`` moves the whole ledger and the next sale is never "behind"); each is followed by a print record, ~1 % are voided, ~3 % have
a company buyer; with ``close_days`` a Z closes each day but the last (the open
shift). ``--no-fsync`` skips the per-line fsync (bulk generation only:
a power cut during generation may tear the tail, which the next open repairs).

    python bench/generate.py --home /tmp/shop100k --receipts 100000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shopdesk import clock as clock_seam
from shopdesk.domain.pin import DEMO_PIN
from shopdesk.domain.reports import CashCount
from shopdesk.domain.sale import Buyer, Payment, SaleDraft
from shopdesk.services.approval import Approval, approve
from shopdesk.services.reports import report_z
from shopdesk.services.sales import issue_receipt, line_from_catalog, void_receipt
from shopdesk.services.shop import Shop, init_shop

BUYERS = [
    ("北京中关村科技发展有限公司", "91110000600037341L"),
    ("北京海淀区好味道餐饮管理有限公司", "91110108MA01C6PX8E"),
    ("北京朝阳快递服务有限公司", "91110105MA00KJ3F7A"),
]


def generate(
    home: Path, receipts: int, per_day: int, seed: int, fsync: bool, close_days: bool = False
) -> float:
    rng = random.Random(seed)
    days = max(1, -(-receipts // per_day))
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    now = clock_seam.now(tz)
    first_day = now.date() - timedelta(days=days - 1)
    clock_now = [datetime(2000, 1, 1)]

    def clock() -> datetime:
        return clock_now[0]

    def hours(day: int) -> tuple[datetime, datetime]:
        """A business day's 08:00–22:00; today's ends a second before now."""
        opening = datetime.combine(first_day + timedelta(days=day), datetime.min.time(), tz)
        start, end = opening + timedelta(hours=8), opening + timedelta(hours=22)
        if day == days - 1:
            end = min(end, now - timedelta(seconds=1))
            start = min(start, end - timedelta(hours=1))
        return start, end

    clock_now[0] = min(hours(0)[0], hours(days - 1)[0]) - timedelta(hours=1)
    if not (home / "profile.toml").exists():
        init_shop(home, demo=True, clock=clock).close()
    shop = Shop.open(home, clock=clock)
    shop.ledger.journal.sync = fsync
    items = [item for item in shop.catalog]
    started = time.perf_counter()
    made = 0
    try:
        for day in range(days):
            today = min(per_day, receipts - made)
            start, end = hours(day)
            step = (end - start) / max(today, 1)
            for i in range(today):
                clock_now[0] = start + step * i
                lines = [
                    line_from_catalog(shop.catalog, item.sku, Decimal(rng.choice((1, 1, 1, 2, 3))))
                    for item in rng.sample(items, rng.choice((1, 1, 2, 2, 3, 4, 5)))
                ]
                buyer = Buyer(*rng.choice(BUYERS)) if rng.random() < 0.03 else None
                method = rng.choice(("cash", "wechat", "wechat", "alipay", "alipay", "card"))
                issued = issue_receipt(
                    shop, SaleDraft(lines=lines, buyer=buyer, payments=[Payment(method)])
                )
                shop.ledger.append(
                    "receipt.printed", {"no": issued.number, "ok": True, "copy": 0}, clock_now[0]
                )
                if rng.random() < 0.01:
                    void_receipt(
                        shop,
                        issued.number,
                        reason="顾客退货",
                        who="王芳",
                        approval=Approval("void", "manager"),
                    )
                made += 1
            if close_days and day < days - 1:  # a Z each evening; the last day stays open
                clock_now[0] = end + timedelta(minutes=1)
                approval = approve(shop, "close_day", DEMO_PIN)
                report_z(shop, approval, CashCount(Decimal("0")))
            if made % 10000 < per_day:
                print(f"{made} receipts", file=sys.stderr)
    finally:
        shop.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--receipts", type=int, default=1000)
    parser.add_argument("--per-day", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-fsync", action="store_true")
    args = parser.parse_args()
    seconds = generate(args.home, args.receipts, args.per_day, args.seed, not args.no_fsync)
    print(f"generated {args.receipts} receipts in {args.home} in {seconds:.1f} s")


if __name__ == "__main__":
    main()
