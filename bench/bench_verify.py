"""Issue 11 item 14: `shopdesk verify` at 100k receipts, against a `json.loads` baseline.

Run by hand (generating the ledger takes a minute or more the first time):

    python bench/bench_verify.py [--home /tmp/shop100k] [--runs 3]

Each contender is a fresh whole process, measured with ``os.wait4`` (wall time,
CPU time of the process and its forked workers, peak RSS of the largest of
them), run alternately so all share the machine's conditions:
  * ``shopdesk verify`` (every hash, link, canonical byte and number; the
    signatures of the batch rule) and ``shopdesk verify --all-signatures``;
  * baseline: a process that only reads every line of the same month files and
    ``json.loads`` it, on one core.
Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ledger import machine  # noqa: E402
from generate import generate  # noqa: E402

RECEIPTS = 100_000
BASELINE = (
    "import json, sys\n"
    "for name in sys.argv[1:]:\n"
    "    with open(name, 'rb') as f:\n"
    "        for line in f:\n"
    "            json.loads(line)\n"
)


def measure(args: list[str]) -> tuple[float, float, int]:
    """(wall s, CPU s incl. workers, peak RSS MB) of one fresh process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args} failed: {child.stderr.read().decode()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("/tmp/shop100k"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (args.home / "profile.toml").exists():
        generate(args.home, RECEIPTS, 1000, 42, fsync=False)
    months = sorted(str(p) for p in (args.home / "ledger").glob("journal-*.jsonl"))
    shopdesk = [sys.executable, "-m", "shopdesk", "--home", str(args.home), "verify"]
    contenders = {
        "verify": shopdesk,
        "verify --all-signatures": [*shopdesk, "--all-signatures"],
        "json.loads baseline": [sys.executable, "-c", BASELINE, *months],
    }
    samples: dict[str, list[tuple[float, float, int]]] = {name: [] for name in contenders}
    for _ in range(args.runs):
        for name, command in contenders.items():
            samples[name].append(measure(command))
    base = statistics.median(s[0] for s in samples["json.loads baseline"])
    date = subprocess.run(["date", "+%Y-%m-%d"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()
    print(f"Run {date} on {machine()}; load average {load[0]:.1f} at the end.")
    print(f"Median of {args.runs} whole processes each; {RECEIPTS:,} receipts.\n")
    print("| what | wall (s) | CPU s (incl. workers) | peak RSS (MB) | ÷ json.loads wall |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in samples.items():
        wall = statistics.median(s[0] for s in runs)
        cpu = statistics.median(s[1] for s in runs)
        rss = max(s[2] for s in runs)
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss} | {wall / base:.2f}× |")


if __name__ == "__main__":
    main()
