"""Incremental backup of a 100k-receipt ledger after one day's 2,000 new receipts.

Target (issue 6): ≤ 2 s for ``shopdesk backup`` as a whole process (interpreter
start, open, copy, verify, manifest, ``backup.made``), reported beside a plain
``cp -r`` of the whole ledger folder measured in the same run.

    python bench/bench_backup.py                     # generates the 100k base once
    python bench/bench_backup.py --base /tmp/shop100k --days 3

Writes ``docs/benchmarks-backup.md``. Run by hand, never in tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from shopdesk.domain.sale import Payment, SaleDraft  # noqa: E402
from shopdesk.services.sales import issue_receipt, line_from_catalog  # noqa: E402
from shopdesk.services.shop import Shop  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def ensure_base(base: Path, receipts: int) -> None:
    if (base / "profile.toml").exists():
        return
    print(f"generating {receipts} receipts in {base} (once)…", file=sys.stderr)
    subprocess.run(
        [
            *(sys.executable, str(REPO / "bench" / "generate.py"), "--home", str(base)),
            *("--receipts", str(receipts), "--per-day", "2000", "--no-fsync"),
        ],
        check=True,
        env=ENV,
    )


def add_day(home: Path, day: date, receipts: int, seed: int) -> None:
    """One business day of sales (receipt + print record each), as the till writes them."""
    rng = random.Random(seed)
    now = [datetime.combine(day, datetime.min.time(), TZ).replace(hour=8)]
    with Shop.open(home, clock=lambda: now[0]) as shop:
        shop.ledger.journal.sync = False  # bulk set-up, not what is measured
        items = list(shop.catalog)
        step = timedelta(hours=14) / receipts
        for i in range(receipts):
            now[0] = now[0].replace(hour=8, minute=0, second=0) + step * i
            lines = [
                line_from_catalog(shop.catalog, item.sku, Decimal(rng.choice((1, 1, 2))))
                for item in rng.sample(items, rng.choice((1, 2, 3)))
            ]
            issued = issue_receipt(shop, SaleDraft(lines=lines, payments=[Payment("wechat")]))
            shop.ledger.append(
                "receipt.printed", {"no": issued.number, "ok": True, "copy": 0}, now[0]
            )


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{cmd} failed: {done.stderr}")
    return elapsed, done


def last_day(home: Path) -> date:
    newest = sorted((home / "ledger").glob("journal-*.jsonl"))[-1]
    with newest.open("rb") as handle:
        handle.seek(max(0, newest.stat().st_size - 8192))
        tail = handle.read().splitlines()[-1]
    import json

    return datetime.fromisoformat(json.loads(tail)["time"]).date()


def machine() -> str:
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{model or platform.processor()}, {os.cpu_count()} CPUs (nproc), Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, default=Path("/tmp/shopdesk-bench-100k"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/shopdesk-bench-backup"))
    parser.add_argument("--receipts", type=int, default=100_000)
    parser.add_argument("--per-day", type=int, default=2000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks-backup.md")
    args = parser.parse_args()

    ensure_base(args.base, args.receipts)
    load_start = os.getloadavg()[0]
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    home, stick, copy = args.work / "home", args.work / "stick", args.work / "cp-copy"
    shutil.copytree(args.base, home)
    stick.mkdir()
    backup = [sys.executable, "-m", "shopdesk", "--lang", "en", "--home", str(home), "backup"]
    backup += ["--to", str(stick), "--no-key"]

    os.sync()  # the copied home's pages are dirty; a real till's ledger is fsynced per line
    first, _ = timed(backup)  # the first backup copies and verifies every record
    ledger_mb = sum(p.stat().st_size for p in (home / "ledger").glob("*.jsonl")) / 1e6
    rows = []
    day = last_day(home)
    for n in range(args.days):
        day += timedelta(days=1)
        add_day(home, day, args.per_day, seed=n)
        os.sync()  # a real till fsyncs each sale; don't bill that flush to the backup
        t_backup, done = timed(backup)
        shutil.rmtree(copy, ignore_errors=True)
        os.sync()
        t_cp, _ = timed(["cp", "-r", str(home / "ledger"), str(copy)])
        shutil.rmtree(copy, ignore_errors=True)
        os.sync()
        t_cp_sync, _ = timed(["sh", "-c", f"cp -r '{home / 'ledger'}' '{copy}' && sync"])
        rows.append(
            (day.isoformat(), t_backup, t_cp, t_cp_sync, done.stdout.strip().splitlines()[0])
        )
        print(
            f"{day}: backup {t_backup:.3f} s, cp -r {t_cp:.3f} s, cp -r + sync {t_cp_sync:.3f} s",
            file=sys.stderr,
        )
    restored = args.work / "restored"
    t_restore, _ = timed(
        [
            sys.executable,
            "-m",
            "shopdesk",
            "--lang",
            "en",
            "--home",
            str(restored),
            "restore",
            str(stick),
            "--no-key",
        ]
    )
    startup = statistics.median(
        timed([sys.executable, "-m", "shopdesk", "--version"])[0] for _ in range(3)
    )
    median_backup = statistics.median(r[1] for r in rows)
    median_cp = statistics.median(r[2] for r in rows)
    median_sync = statistics.median(r[3] for r in rows)

    lines = [
        "# Benchmark: incremental backup (issue 6)",
        "",
        f"- Date: {datetime.now(TZ).isoformat(timespec='seconds')}",
        f"- Machine: {machine()} (shared with other jobs while measuring)",
        f"- Ledger: {args.receipts:,} receipts + print records, {ledger_mb:.0f} MB of journal, "
        f"then {args.per_day:,} new receipts (+ their print records) per day",
        "- Measured: `shopdesk backup --to DIR --no-key` as a whole process (start, open, "
        "copy, read-back, verify new records, manifest, `backup.made`), then `cp -r` of the "
        "whole ledger folder into a fresh folder, same run, same (warm) page cache. "
        "`cp -r` does not `fsync` (it copies into the page cache); the backup does "
        "(data, folder, manifest) and also reads its copy back to verify it",
        "- Target: incremental backup ≤ 2 s",
        "",
        "| day | incremental backup (s) | `cp -r` whole ledger (s) | backup / cp "
        "| `cp -r` + `sync` (s) | backup / (cp + sync) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for day_s, t_backup, t_cp, t_sync, _ in rows:
        lines.append(
            f"| {day_s} | {t_backup:.3f} | {t_cp:.3f} | {t_backup / t_cp:.2f} "
            f"| {t_sync:.3f} | {t_backup / t_sync:.2f} |"
        )
    lines += [
        f"| **median** | **{median_backup:.3f}** | **{median_cp:.3f}** | "
        f"**{median_backup / median_cp:.2f}** | **{median_sync:.3f}** | "
        f"**{median_backup / median_sync:.2f}** |",
        "",
        f"Target met: {'yes' if median_backup <= 2.0 else 'NO'} ({median_backup:.3f} s ≤ 2 s).",
        "",
        f"First backup to an empty folder (copies and verifies all "
        f"{args.receipts:,} receipts' records, one Ed25519 check each, spread over all CPUs): {first:.1f} s.",
        "",
        f"Restore of the whole backup onto a fresh home (`restore --no-key`: verifies "
        f"every record on all CPUs, copies, opens the shop): {t_restore:.1f} s.",
        "",
        f"Interpreter start + `import shopdesk.cli` alone (`shopdesk --version`): "
        f"{startup:.3f} s of each backup.",
        "",
        "Output of the last run: `" + rows[-1][4] + "`",
        "",
        "Why it is fast: closed months are skipped after comparing their size and last",
        "record's hash with the manifest; the current month gets only its new bytes;",
        "only the new records' signatures are checked, chained onto the head the previous",
        "(signed) manifest vouches for; the command opens the ledger without rebuilding",
        "the receipt view. Most of what is left is one Ed25519 verification per new record",
        "(~4,000 a day: 2,000 receipts + their print records; ~0.25–0.45 s of CPU here).",
        "The one cost that grows with the ledger is one SHA-256 pass over the current",
        "month's backup copy (the check that the bytes the previous backup relies on are",
        "still intact; ~0.07 s for 100 MB from the page cache). Spread between days is",
        f"the shared machine (load average {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} CPUs), not the data:",
        "each day adds the same amount.",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
