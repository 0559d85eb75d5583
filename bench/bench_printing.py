"""Benchmark: a 10-line receipt with QR → ESC/POS bytes, against python-escpos's own calls.

Run by hand (never in tests)::

    PYTHONPATH=. python bench/bench_printing.py [--out docs/benchmarks-printing.md]

Measures the median time from the stored receipt record to the job's bytes
(layout + signed QR payload + rendering) in ``gb18030`` and ``image`` text
modes, and, for the same lines and payload, python-escpos's ``text()`` per line
plus ``qr()`` (native and image) on a ``Dummy`` printer. Targets (issue 3):
gb18030 ≤ 20 ms, image ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shopdesk.domain.sale import DraftLine, Payment, SaleDraft, price_sale, receipt_body, settle
from shopdesk.printing.escpos_lib import load_escpos
from shopdesk.printing.escpos_out import JobOptions, render_escpos
from shopdesk.printing.layout import Line, ShopHeader, layout_receipt
from shopdesk.printing.qr import make_qr_payload

NAMES = [
    "可口可乐 330ml", "农夫山泉 550ml", "康师傅红烧牛肉面 5连包", "鲜鸡蛋 10枚", "伊利纯牛奶 250ml×12",
    "乐事薯片 原味 75g", "洗衣液 2kg 薰衣草香", "维达抽纸 3层 130抽×6包", "奥利奥 夹心饼干 388g", "雪碧 500ml",
]  # fmt: skip
SHOP = ShopHeader(
    name="海淀好邻居便利店（演示）",
    uscc="91110108MA01C6PX8E",
    address="北京市海淀区中关村大街 27 号",
    phone="010-62345678",
    footer="电子发票系统恢复后，凭本收据或扫码在 7 日内申请开具正式发票。咨询电话 010-62345678。",
)
KEY = Ed25519PrivateKey.generate()


def ten_line_record() -> dict:
    lines = [
        DraftLine(sku=f"S{i}", name=name, unit="件", tax_rate="13" if i % 3 else "9",
                  tax_code="1" * 19, qty=Decimal(1 + i % 3), unit_price=Decimal("3.50") + i)
        for i, name in enumerate(NAMES)
    ]  # fmt: skip
    draft = SaleDraft(lines=lines, payments=[Payment("cash", Decimal("500.00"))])
    priced = price_sale(draft)
    body = receipt_body(priced, settle(priced.total, draft.payments), number="T01-00000042",
                        receipt_seq=42, cashier="王芳", buyer=None, training=False)  # fmt: skip
    return {"seq": 43, "prev": "ab" * 32, "time": "2026-11-28T14:05:09.123456+08:00",
            "terminal": "T01", "kind": "receipt.issued", "data": body}  # fmt: skip


def ours(base: dict, options: JobOptions, *, pure_python_qr: bool = False) -> Callable[[], bytes]:
    counter = iter(range(1, 10**8))
    if pure_python_qr:  # as on an install without the optional zxing-cpp
        from shopdesk.printing import raster

        raster._zxing = lambda: None

    def run() -> bytes:
        # a new receipt number every run: no cache may serve a QR drawn before
        n = next(counter)
        record = {**base, "data": {**base["data"], "no": f"T01-{n:08d}", "rseq": n}}
        payload = make_qr_payload(record, SHOP.uscc, KEY)
        return render_escpos(layout_receipt(record, SHOP, options.cells, qr=payload), options)

    return run


def escpos_baseline(record: dict, native: bool) -> Callable[[], bytes]:
    """python-escpos's own text() per line and qr() for the same lines and payload."""
    printer = load_escpos()
    payload = make_qr_payload(record, SHOP.uscc, KEY)
    texts = [b.text for b in layout_receipt(record, SHOP, 32, qr=payload) if isinstance(b, Line)]

    def run() -> bytes:
        p = printer.Dummy(
            profile="TM-T88III"
        )  # has a media width, so image() does not print to stdout
        for text in texts:
            p.text(text + "\n")
        p.qr(payload, size=6, native=native)
        p.cut()
        return p.output

    return run


def median_ms(fn: Callable[[], bytes], repeat: int) -> tuple[float, float]:
    start = time.perf_counter()
    fn()
    cold = (time.perf_counter() - start) * 1000
    for _ in range(3):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), cold


def machine() -> str:
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in subprocess.run(
                ["lscpu"], capture_output=True, text=True
            ).stdout.splitlines()
            if line.startswith("Model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {nproc} cores (shared), Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/benchmarks-printing.md")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()

    start = time.perf_counter()
    load_escpos()
    import_ms = (time.perf_counter() - start) * 1000

    record = ten_line_record()
    base_native = median_ms(escpos_baseline(record, True), args.repeat)
    base_image = median_ms(escpos_baseline(record, False), args.repeat)
    rows = []
    for label, options, target, base, pure in [
        ("gb18030, native QR, 58 mm", JobOptions(), 20, base_native, False),
        ("gb18030, image QR, 58 mm", JobOptions(native_qr=False), 20, base_image, False),
        ("gb18030, native QR, 80 mm", JobOptions(dots=576, cells=48), 20, base_native, False),
        ("image, native QR, 58 mm", JobOptions(text_mode="image"), 150, base_native, False),
        ("image, image QR, 58 mm", JobOptions(text_mode="image", native_qr=False), 150, base_image, False),
        ("image, image QR, 80 mm", JobOptions(dots=576, cells=48, text_mode="image", native_qr=False), 150, base_image, False),
        # last: it switches the QR encoder off for the rest of the process
        ("gb18030, image QR, 58 mm, qrcode only", JobOptions(native_qr=False), 20, base_image, True),
        ("image, image QR, 58 mm, qrcode only", JobOptions(text_mode="image", native_qr=False), 150, base_image, True),
    ]:  # fmt: skip
        median, cold = median_ms(ours(record, options, pure_python_qr=pure), args.repeat)
        rows.append((label, median, cold, target, base[0]))
        print(f"{label:40} median {median:7.2f} ms  (first {cold:7.2f} ms)  target {target} ms  "
              f"python-escpos {base[0]:6.2f} ms  ratio {median / base[0]:.2f}")  # fmt: skip

    lines = [
        "# Printing benchmark",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, by `bench/bench_printing.py`",
        f"({args.repeat} timed runs after 3 warm-ups; median).",
        "",
        "A 10-line receipt with its QR code, from the stored receipt record to the",
        "job's ESC/POS bytes: layout, Ed25519-signed QR payload, rendering. The baseline is",
        "python-escpos 3.1 doing `text()` for each of the same lines plus `qr()` (native",
        "or image, same payload) and `cut()` on a `Dummy` printer — without the Chinese",
        "double-byte framing, sanitising, layout or signing ours includes.",
        "",
        "| case | median | first run (cold caches) | target | python-escpos text()+qr() | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, median, cold, target, base in rows:
        verdict = "✓" if median <= target else "✗"
        lines.append(
            f"| {label} | {median:.2f} ms {verdict} | {cold:.2f} ms | ≤ {target} ms | {base:.2f} ms | {median / base:.2f}× |"
        )
    lines += [
        "",
        f"`import escpos.printer` through `load_escpos()` (capability pickle cached under the user cache folder): {import_ms:.0f} ms in this run.",
        "",
        "Notes: every timed run prints a receipt with a new number, so each QR is new",
        "(the QR matrix cache only serves the preview PNG and reprints). The first",
        "image-mode run draws and caches each glyph once; later receipts reuse them.",
        "Image QR codes are encoded by zxing-cpp when it is installed (the optional",
        '`fast-qr` extra, ~0.5 ms); the "qrcode only" rows show an install without it:',
        "`qrcode` evaluates all 8 masks in pure Python (15–30 ms on this shared machine,",
        "depending on load), at the edge of the 20 ms gb18030 target when the printer has",
        "no native QR. Native QR",
        "(the default) leaves the encoding to the printer. The image QR's baseline uses",
        "python-escpos's `qr(native=False)`, which renders through `qrcode` and `image()`.",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
