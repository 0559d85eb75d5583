"""Benchmark of the till app: cold start, confirm → next sale, a 100k-receipt ledger.

    python bench/bench_tui.py --big-home /tmp/shop100k   # after bench/generate.py
    python bench/bench_tui.py --runs 9 --sales 200 --out docs/benchmarks-tui.md

1. Cold start: ``python -m shopdesk --home H`` in a real pseudo-terminal (80×24)
   until the sale screen's first frame (the app writes the time of its first
   refresh to ``$SHOPDESK_FIRST_FRAME_FILE`` and exits), against
   ``python -c "import textual.app"`` measured in the same run; medians and ratio.
2. Confirm → next sale: Pilot, 200 sales; from the confirm key (F10 in the pay
   dialog, posted as the terminal driver posts keys) until the sale screen has
   an empty, focused entry field, the new receipt committed and shown, and that
   state has been painted (``call_after_refresh``). Printing is replaced by a no-op: in
   the app it runs on a worker thread after the commit.
3. Big ledger (a subprocess, so its peak RSS is its own): open the app on the
   100k-receipt home, wait for the sale screen, open the receipts screen and time
   its first page; report peak RSS (``ru_maxrss``).
Never run by the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import platform
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}


def in_pty(argv: list[str], env: dict[str, str], timeout: float = 30.0) -> None:
    """Run ``argv`` with a real 80×24 terminal, draining its output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def drain() -> None:
        try:
            while os.read(master, 65536):
                pass
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        proc.wait(timeout=timeout)
    finally:
        os.close(slave)
        os.close(master)


def time_import_textual() -> float:
    start = time.time()
    subprocess.run([PY, "-c", "import textual.app"], env=ENV, check=True)
    return time.time() - start


def time_cold_start(home: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "first-frame"
        env = {**ENV, "SHOPDESK_FIRST_FRAME_FILE": str(marker)}
        start = time.time()
        in_pty([PY, "-m", "shopdesk", "--home", str(home)], env)
        return float(marker.read_text()) - start


async def confirm_to_next_sale(home: Path, sales: int) -> list[float]:
    from textual.widgets import Input

    from shopdesk.tui.app import ShopdeskApp
    from shopdesk.tui.screens.pay import PayScreen
    from shopdesk.tui.screens.sale import SaleScreen

    app = ShopdeskApp(home, language="zh")
    # Printer excluded (as the target says): printing runs on a worker thread
    # after the commit; here it is not started at all.
    app.start_print = lambda number, record=None: None  # type: ignore[method-assign]
    timings: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for n in range(sales):
            await pilot.press(*"6901939621257", "enter")
            await pilot.press("f10")
            await pilot.pause()
            assert isinstance(app.screen, PayScreen)
            before = app.shop.ledger.view.last_rseq
            # The key enters exactly as a terminal's would (an events.Key posted to
            # the app); Pilot.press would add its own idle-waiting to the time.
            start = time.perf_counter()
            app.simulate_key("f10")
            while True:
                screen = app.screen
                if (
                    isinstance(screen, SaleScreen)
                    and app.shop.ledger.view.last_rseq == before + 1
                    and app.focused is screen.query_one("#entry", Input)
                    and not app.focused.value
                    and app.cart.is_empty()
                    and app.last_issued.number in str(screen.query_one("#rates").render())
                ):
                    break
                await asyncio.sleep(0)
            painted = asyncio.Event()  # …and until that state has been drawn
            screen.call_after_refresh(painted.set)
            await painted.wait()
            timings.append(time.perf_counter() - start)
            if n == 0:
                timings.clear()  # the first one warms caches (pinyin, QR imports)
    return timings


async def scan_to_line(home: Path, scans: int, *, queued: bool = True) -> list[float]:
    """Scan → line: the 13 digits and Enter posted at once (a scanner's burst), until
    the sale screen's table has the new line and that has been painted.

    ``queued=False`` hands the keys straight to Textual, as before the key queue
    (issue 14, item 6), to see what the queue costs.
    """
    from textual import events
    from textual.app import App
    from textual.widgets import DataTable

    from shopdesk.tui.app import ShopdeskApp

    app = ShopdeskApp(home, language="zh")
    timings: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        post = app.post_message if queued else (lambda key: App.post_message(app, key))
        for _scan in range(scans):
            app.cart.clear()  # a new sale each time: the scan adds row 1
            app.screen.refresh_sale()
            await pilot.pause()
            table = app.screen.query_one("#lines", DataTable)
            start = time.perf_counter()
            for key in [*"6901939621257", "enter"]:
                event = events.Key(key, key if len(key) == 1 else None)
                event.set_sender(app)
                post(event)
            while table.row_count != 1:
                await asyncio.sleep(0)
            painted = asyncio.Event()
            app.screen.call_after_refresh(painted.set)
            await painted.wait()
            timings.append(time.perf_counter() - start)
            await app.keys.drained()
    return timings[1:]


BIG_CHILD = r"""
import asyncio, json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from shopdesk.tui.app import ShopdeskApp
from shopdesk.tui.screens.sale import SaleScreen
from textual.widgets import DataTable

async def main():
    start = time.perf_counter()
    app = ShopdeskApp(Path(sys.argv[1]), language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        while not isinstance(app.screen, SaleScreen):
            await pilot.pause()
        opened = time.perf_counter() - start
        await pilot.pause(0.5)  # a cashier's glance: the warm-up imports run
        t0 = time.perf_counter()
        app.simulate_key("f7")
        while True:
            tables = app.screen.query("#receipts")
            if tables and tables.first(DataTable).row_count:
                break
            await asyncio.sleep(0)
        painted = asyncio.Event()  # ...and drawn
        app.screen.call_after_refresh(painted.set)
        await painted.wait()
        first_page = time.perf_counter() - t0
        receipts = len(app.shop.ledger.view)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"open_s": opened, "first_page_s": first_page, "peak_rss_mb": rss,
                      "receipts": receipts}))

asyncio.run(main())
"""


def big_ledger(home: Path) -> dict:
    out = subprocess.run(
        [PY, "-c", BIG_CHILD, str(home), str(ROOT)],
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line),
            platform.processor(),
        )
    except OSError:
        model = platform.processor()
    return f"{model}, {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), Python {platform.python_version()}"


def p90(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.9)]


def print_scan_to_line(scans: int) -> int:
    """Scan → line with and without the key queue, interleaved runs of ``scans`` each."""
    from shopdesk.services.shop import init_shop

    results: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(4):
            for queued in (True, False):
                home = Path(tmp) / f"shop{run}{queued}"
                init_shop(home, demo=True).close()
                results[queued] += asyncio.run(scan_to_line(home, scans + 1, queued=queued))
    for queued, times in results.items():
        ms = [t * 1000 for t in times]
        print(
            f"scan → line, {'key queue' if queued else 'keys straight to Textual'}: "
            f"median {statistics.median(ms):.1f} ms, p90 {p90(ms):.1f} ms, "
            f"max {max(ms):.1f} ms ({len(ms)} scans)"
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--sales", type=int, default=200)
    parser.add_argument("--big-home", type=Path, help="a home made by bench/generate.py")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-tui.md")
    parser.add_argument(
        "--scan-only", action="store_true", help="only scan → line, queued and not; print it"
    )
    args = parser.parse_args()
    if args.scan_only:
        return print_scan_to_line(args.sales)

    from shopdesk.services.shop import init_shop

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "shop"
        init_shop(home, demo=True).close()
        textual_times, start_times = [], []
        for _ in range(args.runs):  # interleaved, so load on the machine hits both alike
            textual_times.append(time_import_textual())
            start_times.append(time_cold_start(home))
        sales_home = Path(tmp) / "sales"
        init_shop(sales_home, demo=True).close()
        confirm = asyncio.run(confirm_to_next_sale(sales_home, args.sales + 1))
    textual_med = statistics.median(textual_times)
    start_med = statistics.median(start_times)
    confirm_ms = [t * 1000 for t in confirm]
    big = big_ledger(args.big_home) if args.big_home else None

    lines = [
        "# Benchmarks: the till app",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()} — a machine shared with",
        "other jobs, so read medians; `python bench/bench_tui.py` reproduces this page.",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| cold start → first frame of the sale screen (median of {args.runs}, real pty 80×24) "
        f"| {start_med:.3f} s | ≤ 1.0 s |",
        f'| `python -c "import textual.app"` in the same run (median of {args.runs}) '
        f"| {textual_med:.3f} s | — |",
        f"| ratio cold start / import textual.app | {start_med / textual_med:.2f}× | ≤ 2.5× |",
        f"| confirm key → next sale's empty entry field, median of {len(confirm_ms)} sales (Pilot) "
        f"| {statistics.median(confirm_ms):.1f} ms (p90 {sorted(confirm_ms)[int(len(confirm_ms) * 0.9)]:.1f} ms, "
        f"max {max(confirm_ms):.1f} ms) | p90 ≤ 50 ms |",
    ]
    if big:
        lines += [
            f"| peak RSS, app open on {big['receipts']:,} receipts, receipts screen shown "
            f"| {big['peak_rss_mb']:.0f} MB | ≤ 150 MB |",
            f"| receipts screen first page on that ledger | {big['first_page_s'] * 1000:.0f} ms | ≤ 0.5 s |",
            f"| (for reference) app start to sale screen on that ledger, headless "
            f"| {big['open_s']:.2f} s | — |",
        ]
    lines += [
        "",
        "Raw cold-start samples (s): " + ", ".join(f"{t:.3f}" for t in start_times),
        "",
        "Raw import-textual samples (s): " + ", ".join(f"{t:.3f}" for t in textual_times),
        "",
        "Confirm → next sale includes pricing, settling, signing and the fsync'd ledger",
        "append (the commit), the receipt preview (the printer's layout) and the terminal QR",
        "(signed payload); printing itself is excluded (in the app it runs on a worker thread).",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
