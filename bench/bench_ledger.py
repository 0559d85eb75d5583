"""Issue 2 benchmarks: durable append, open, memory and a whole `shopdesk sell`.

Run by hand (takes a few minutes; ~400 MB of scratch space):

    python bench/bench_ledger.py [--scratch DIR] [--out docs/benchmarks.md]

Ledgers of 1k, 10k and 100k receipts are generated with bench/generate.py.
At each size the same receipt documents are appended three ways, in this run:
  * shopdesk: ``Ledger.append`` (sign, hash, write, fsync, update the view);
  * bare: ``os.write`` + ``os.fsync`` of the same bytes on an O_APPEND file;
  * stock TinyDB: ``TinyDB(JSONStorage).insert`` of the same documents into a
    database already holding that many (few samples at 100k: ~1 s each).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402

from shopdesk.services.shop import Shop  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
SAMPLES = 300


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def sample_documents(home: Path, n: int) -> list[dict]:
    """Real receipt bodies from the generated ledger, reused for every contender."""
    with Shop.open(home, readonly=True) as shop:
        out = []
        for record in shop.ledger.records([shop.ledger.journal.months()[-1]]):
            if record["kind"] == "receipt.issued":
                out.append(record["data"])
                if len(out) == n:
                    break
    return out


def bench_appends(home: Path, folder: Path, docs: list[dict]) -> tuple[list[float], list[float]]:
    """shopdesk appends and bare write+fsync appends, interleaved one by one.

    Interleaving puts both under the same disk conditions (the page cache is
    still flushing a freshly generated ledger, other processes come and go), so
    their ratio means something even on a busy machine.
    """
    from shopdesk.ledger.canonical import canonical_json

    os.sync()
    ours, bare = [], []
    fd = os.open(folder / "bare.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        with Shop.open(home) as shop:
            for doc in docs:
                data = dict(doc, rseq=shop.ledger.view.last_rseq + 1)
                start = time.perf_counter()
                shop.ledger.append("receipt.issued", data, shop.now())
                ours.append(time.perf_counter() - start)
                line = canonical_json(data) + b"\n"
                start = time.perf_counter()
                os.write(fd, line)
                os.fsync(fd)
                bare.append(time.perf_counter() - start)
    finally:
        os.close(fd)
    return ours, bare


def bench_tinydb(folder: Path, docs: list[dict], size: int) -> list[float]:
    from tinydb import TinyDB

    path = folder / f"tinydb-{size}.json"
    filler = [dict(docs[i % len(docs)]) for i in range(size)]
    with TinyDB(path) as db:
        db.insert_multiple(filler)  # one write: build the starting state fast
    samples = 5 if size >= 100_000 else 20 if size >= 10_000 else 50
    times = []
    with TinyDB(path) as db:
        for doc in docs[:samples]:
            start = time.perf_counter()
            db.insert(doc)
            times.append(time.perf_counter() - start)
    path.unlink()
    return times


def whole_process(args: list[str], runs: int = 7) -> tuple[float, int]:
    """Median wall time and peak RSS (KB) of a fresh python process."""
    walls, peak = [], 0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _ in range(runs):
        before = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - before)
    rss = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource,subprocess,sys;"
            f"subprocess.run([sys.executable,*{args!r}],check=True,capture_output=True);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    peak = int(rss.stdout.strip())
    return statistics.median(walls), peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scratch", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="shopdesk-bench-", dir=args.scratch))
    rows = []
    medians: dict[int, dict[str, float]] = {}
    try:
        for size in args.sizes:
            home = scratch / f"shop-{size}"
            print(f"generating {size} receipts…", file=sys.stderr)
            generate(home, size, 1000, 7, fsync=False)
            docs = sample_documents(home, SAMPLES)
            ours, bare = bench_appends(home, scratch, docs)
            tiny = bench_tinydb(scratch, docs, size)
            m = {
                "ours": statistics.median(ours) * 1000,
                "bare": statistics.median(bare) * 1000,
                "tinydb": statistics.median(tiny) * 1000,
            }
            medians[size] = m
            open_s, open_rss = whole_process(
                [
                    "-c",
                    f"from shopdesk.services.shop import Shop; Shop.open(__import__('pathlib').Path({str(home)!r})).close()",
                ],
                runs=5,
            )
            sell_s, _ = whole_process(
                ["-m", "shopdesk", "--home", str(home), "sell", "--item", "D001", "--pay", "cash"],
                runs=7,
            )
            bare_sell_s, _ = whole_process(
                [
                    "-m",
                    "shopdesk",
                    "--home",
                    str(home),
                    "sell",
                    "--item",
                    "D001",
                    "--pay",
                    "cash",
                    "--no-print",
                ],
                runs=7,
            )
            rows.append((size, m, open_s, open_rss, sell_s, bare_sell_s))
            print(size, m, open_s, open_rss, sell_s, file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    first = medians[args.sizes[0]]["ours"]
    lines = [
        "## Issue 2 — the ledger (bench/bench_ledger.py)",
        "",
        f"Run {date.today().isoformat()} on {machine()}.",
        f"Median over {SAMPLES} appends (TinyDB: 50 / 20 / 5 inserts at 1k / 10k / 100k). "
        "Open and sell are whole fresh processes (median of 5–7 runs); RSS is the peak of that process.",
        "",
        "| receipts in ledger | shopdesk append (ms) | bare write+fsync (ms) | ratio to bare (≤ 2×) "
        "| stock TinyDB insert (ms) | TinyDB ÷ shopdesk (≥ 100×) | vs 1k median (≤ 1.3×) "
        "| open whole process (s, ≤ 1.5) | peak RSS open (MB, ≤ 150) "
        "| `shopdesk sell --no-print` (s, ≤ 0.5) | `shopdesk sell` incl. preview print (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, m, open_s, open_rss, sell_s, bare_sell_s in rows:
        lines.append(
            f"| {size:,} | {m['ours']:.3f} | {m['bare']:.3f} | {m['ours'] / m['bare']:.2f}× | {m['tinydb']:.1f} "
            f"| {m['tinydb'] / m['ours']:.0f}× | {m['ours'] / first:.2f}× | {open_s:.2f} | {open_rss / 1024:.0f} "
            f"| {bare_sell_s:.2f} | {sell_s:.2f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    out = args.out
    existing = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n\n"
    marker = "## Issue 2 — the ledger"
    if marker in existing:
        head, _, rest = existing.partition(marker)
        tail = rest.split("\n## ", 1)
        existing = head + (("## " + tail[1]) if len(tail) > 1 else "")
    out.write_text(existing.rstrip() + "\n\n" + text, encoding="utf-8")


if __name__ == "__main__":
    main()
