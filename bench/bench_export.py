"""Benchmark the batch export and verify-batch on a 100k-receipt ledger (run by hand).

    python bench/bench_export.py [--home DIR] [--receipts 100000] [--out docs/benchmarks-export.md]

Without ``--home`` (or if it holds no shop) a shop is generated with
``bench/generate.py``. Every measurement runs in its own process started from a
fresh wrapper, so its peak RSS (``getrusage(RUSAGE_CHILDREN).ru_maxrss``) is its
own. Each export works on a fresh copy of the home (an export appends a record).
The baseline is the time to merely ``json.loads`` every record of the same
journal; every figure is reported beside it as a ratio. The targets' rows are
``--rounds`` rounds (3) of baseline, export and verify-batch run back to back;
each round's ratio is to its own baseline, and the median of them is the verdict,
because on a shared host one run's ratio moved by ±0.5× from noise alone.

Targets (issue 12), as ratios to that ``json.loads`` in the same run: verify-batch
≤ 3× (≤ 10 s), export ≤ 3×, peak RSS ≤ 300 MB each. The floor row measures, in
one process, what the canonical-bytes check alone costs as verify does it
(``canonical.parse`` + ``canonical_json`` — orjson where it agrees with the json
module — + SHA-256 of every line): a lower bound for any verification that keeps
that check, however the work is spread.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]

#: Runs ``argv`` as a child and prints its wall time, CPU time and peak RSS (KiB).
WRAPPER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": u.ru_utime + u.ru_stime, "rss_kib": u.ru_maxrss,
                  "rc": done.returncode, "stdout": done.stdout.decode()[-2000:],
                  "stderr": done.stderr.decode()[-2000:]}))
"""

#: ``json.loads`` of every journal line; with ``floor``, instead what the canonical-bytes
#: check costs as verify does it (parse, re-serialise, compare, SHA-256), in one process.
BASELINE = """
import hashlib, json, sys, time
from pathlib import Path
from shopdesk.ledger.canonical import canonical_json, parse
floor = sys.argv[2:] == ["floor"]
t = time.perf_counter()
n = bad = 0
for part in sorted(Path(sys.argv[1]).glob("journal-*.jsonl")):
    with part.open("rb") as handle:
        for line in handle:
            n += 1
            if floor:
                raw = line.rstrip(b"\\n")
                record, plain = parse(raw)
                bad += canonical_json(record, plain=plain) != raw
                hashlib.sha256(raw).digest()
            else:
                json.loads(line)
print(json.dumps({"records": n, "bad": bad, "seconds": time.perf_counter() - t}))
"""

#: export in-process, timing only the export (not opening the shop); ``csv_only``
#: swaps both sheets for ones that build nothing and the workbook for an empty file.
EXPORT_PHASE = """
import json, sys, time
from pathlib import Path
import shopdesk.export.batch_writer as writer
if sys.argv[3] == "csv_only":
    class NoSheet:
        def __init__(self, path, *args): self.path = path
        def add_receipt(self, data, time): pass
        def add_refund(self, data, time): pass
        def close(self): self.path.write_bytes(b"")
        def discard(self): pass
    writer.InvoiceSheetWriter = writer.HeaderSheet = writer.LineSheet = NoSheet
    writer.assemble_xlsx = lambda skeleton, target, *parts: target.write_bytes(b"")
from shopdesk.services.export import export_batch
from shopdesk.services.shop import Shop
t0 = time.perf_counter()
with Shop.open(Path(sys.argv[1])) as shop:
    t1 = time.perf_counter()
    s = export_batch(shop, Path(sys.argv[2]))
    t2 = time.perf_counter()
print(json.dumps({"open": t1 - t0, "export": t2 - t1, "path": str(s.path), "size": s.size,
                  "issued": s.counts["issued"]}))
"""


WARM_UP = """
import sys
from pathlib import Path
from shopdesk.services.shop import Shop
shop = Shop.open(Path(sys.argv[1]))
shop.ledger.write_checkpoint()
shop.close()
"""


QR_OF = """
import sys
from pathlib import Path
from shopdesk.ledger.keys import load_private_key
from shopdesk.printing.qr import make_qr_payload
from shopdesk.services.sales import get_receipt
from shopdesk.services.shop import Shop
with Shop.open(Path(sys.argv[1]), readonly=True) as shop:
    record = get_receipt(shop, sys.argv[2]).record
    print(make_qr_payload(record, shop.profile.uscc, load_private_key(shop.home.key)))
"""


def measure(argv: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", WRAPPER, *argv], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{argv} failed: {result['stderr']}")
    return result


def fresh_copy(home: Path, work: Path, name: str) -> Path:
    target = work / name
    shutil.copytree(home, target)
    return target


@dataclass(frozen=True)
class Round:
    """One round: the baseline, then export and verify-batch, back to back."""

    records: int
    baseline: float
    baseline_rss: int
    export: dict
    verify: dict
    zip_path: Path

    def ratio(self, measured: dict) -> float:
        return measured["wall"] / self.baseline


def run_round(home: Path, work: Path, n: int) -> Round:
    """The targets' three measurements close together, so a slow spell of a shared
    host weighs on the baseline and on the command alike; rounds repeat them and the
    verdict is the median of each round's own ratio (one run flipped it either way)."""
    base = measure([sys.executable, "-c", BASELINE, str(home / "ledger")])
    out = work / f"out-full-{n}"
    out.mkdir()  # export --out refuses a missing folder
    export = measure(
        [
            sys.executable,
            "-m",
            "shopdesk",
            "--home",
            str(fresh_copy(home, work, f"full-{n}")),
            "export",
            "--out",
            str(out),
        ]
    )
    zip_path = Path(export["stdout"].strip().splitlines()[-1])
    verify = measure([sys.executable, "-m", "shopdesk", "verify-batch", str(zip_path)])
    shutil.rmtree(work / f"full-{n}")
    inner = json.loads(base["stdout"])
    return Round(inner["records"], inner["seconds"], base["rss_kib"], export, verify, zip_path)


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in lscpu.splitlines()
                if ln.startswith("Model name")
            ),
            platform.processor(),
        )
    except OSError:
        model = platform.processor()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{model}, {os.cpu_count()} CPUs (nproc), load average at start {load}; Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--receipts", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-export.md")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/export/verify rounds")
    args = parser.parse_args()
    os.environ["PYTHONPATH"] = str(ROOT)
    work = Path(tempfile.mkdtemp(prefix="shopdesk-bench-export-"))
    try:
        home = args.home or work / "generated"
        if not (home / "profile.toml").exists():
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "generate.py"),
                    "--home",
                    str(home),
                    "--receipts",
                    str(args.receipts),
                    "--no-fsync",
                ],
                check=True,
            )
        # open once for writing so the copies start from a current view checkpoint
        subprocess.run(
            [sys.executable, "-c", WARM_UP, str(home)], check=True, env=os.environ.copy()
        )
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        about = machine()
        ledger = home / "ledger"
        journal_mb = sum(p.stat().st_size for p in ledger.glob("journal-*.jsonl")) / 1e6

        rounds = [run_round(home, work, n) for n in range(args.rounds)]
        records = rounds[0].records
        b = median(r.baseline for r in rounds)
        base_rss = max(r.baseline_rss for r in rounds)
        zip_path = rounds[-1].zip_path
        floor = json.loads(
            measure([sys.executable, "-c", BASELINE, str(ledger), "floor"])["stdout"]
        )
        phase_full = measure(
            [
                sys.executable,
                "-c",
                EXPORT_PHASE,
                str(fresh_copy(home, work, "phase")),
                str(work / "out-phase"),
                "all",
            ]
        )
        phase_csv = measure(
            [
                sys.executable,
                "-c",
                EXPORT_PHASE,
                str(fresh_copy(home, work, "csv")),
                str(work / "out-csv"),
                "csv_only",
            ]
        )
        middle = f"T01-{json.loads(phase_full['stdout'])['issued'] // 2:08d}"
        payload = subprocess.run(
            [sys.executable, "-c", QR_OF, str(home), middle],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        qr_check = measure(
            [sys.executable, "-m", "shopdesk", "verify-qr", payload, "--batch", str(zip_path)]
        )
        pf, pc = json.loads(phase_full["stdout"]), json.loads(phase_csv["stdout"])

        def row(what: str, seconds: float, cpu: float | None, rss: int | None, target: str) -> str:
            cpu_s = f"{cpu:.1f}" if cpu is not None else "–"
            rss_s = f"{rss / 1024:.0f}" if rss is not None else "–"
            return f"| {what} | {seconds:.1f} | {cpu_s} | {rss_s} | {seconds / b:.1f}× | {target} |"

        def rounded(what: str, pick: str, target: str) -> str:
            """A target's row: medians over the rounds, the ratio each round's own."""
            runs = [getattr(r, pick) for r in rounds]
            ratio = median(r.ratio(getattr(r, pick)) for r in rounds)
            return (
                f"| {what} | {median(m['wall'] for m in runs):.1f} "
                f"| {median(m['cpu'] for m in runs):.1f} "
                f"| {max(m['rss_kib'] for m in runs) / 1024:.0f} | **{ratio:.1f}×** | {target} |"
            )

        def each(pick: str) -> str:
            return ", ".join(
                f"{getattr(r, pick)['wall']:.1f} s = {r.ratio(getattr(r, pick)):.1f}×"
                for r in rounds
            )

        lines = [
            "# Benchmarks: batch export and verify-batch",
            "",
            f"Measured {when} by `bench/bench_export.py` on: {about}.",
            "The machine is shared with other engineers' jobs: wall times vary from run to run;",
            "CPU time (user + system, children included) is the steadier figure.",
            "",
            f"Ledger: {pf['issued']:,} receipts, {records:,} journal records "
            f"(each receipt has a print record, ~1 % are voided), {journal_mb:.0f} MB of journal; "
            f"batch zip {pf['size'] / 1e6:.1f} MB.",
            "",
            f"Baseline: `json.loads` of every journal line: **{b:.2f} s** "
            f"(median of {len(rounds)} rounds: {', '.join(f'{r.baseline:.2f}' for r in rounds)}; "
            f"peak RSS {base_rss / 1024:.0f} MB).",
            "",
            "| what | wall s | CPU s | peak RSS MB | × json.loads | target |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
            rounded(
                "`shopdesk export` (whole process: open shop + export everything)",
                "export",
                "≤ 3×, ≤ 300 MB",
            ),
            row(
                "export everything, export phase only (shop already open)",
                pf["export"],
                None,
                phase_full["rss_kib"],
                "≤ 3×",
            ),
            row(
                "csv + jsonl alone (workbook writer stubbed), export phase",
                pc["export"],
                None,
                phase_csv["rss_kib"],
                "–",
            ),
            rounded(
                "`shopdesk verify-batch` (whole process)",
                "verify",
                "≤ 3× (≤ 10 s), ≤ 300 MB",
            ),
            row(
                "floor: parse + canonical bytes + SHA-256 per line (orjson), one process",
                floor["seconds"],
                None,
                None,
                "–",
            ),
            row(
                f"`shopdesk verify-qr … --batch` (receipt {middle}, whole process)",
                qr_check["wall"],
                qr_check["cpu"],
                qr_check["rss_kib"],
                "–",
            ),
            "",
            f"The target rows are medians of {len(rounds)} rounds (baseline, export, verify-batch,",
            "back to back), the ratio each round's own against its own baseline:",
            f"export {each('export')}; verify-batch {each('verify')}.",
            "",
            f"Opening the shop (view from checkpoint) took {pf['open']:.1f} s of the export process.",
            "",
            "Peak RSS is `ru_maxrss` of `RUSAGE_CHILDREN` in a fresh wrapper: the largest",
            "single process among the command and its descendants. verify-batch walks",
            "the chain and re-prices; one forked worker rebuilds the derived files and",
            "checks the batch rule's sampled signatures; export checks the range (with the rule's",
            "signatures) and builds the workbook's line sheet from the checked records in",
            "one forked worker while its own pass writes the jsonl, the CSV and the header",
            "sheet; the figure is the largest of them.",
        ]
        args.out.parent.mkdir(parents=True, exist_ok=True)
        existing = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        notes_marker = "\n## Runs\n" if "\n## Runs\n" in existing else "\n## Notes\n"
        notes = existing[existing.index(notes_marker) :] if notes_marker in existing else ""
        args.out.write_text("\n".join(lines) + "\n" + notes, encoding="utf-8")
        print("\n".join(lines))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
