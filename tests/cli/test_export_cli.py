"""The batch commands as a shopkeeper and an accountant type them, in real processes."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import cli_env

ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str, home: Path | None = None, limit: int | None = None
) -> subprocess.CompletedProcess:
    env = cli_env(SHOPDESK_LANG="en")
    prefix = ["--home", str(home)] if home else []

    def limit_file_size() -> None:  # a USB stick that fills up, as the kernel reports it
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "shopdesk", *prefix, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=limit_file_size if limit else None,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "shop"
    assert run("init", "--demo", home=home).returncode == 0
    return home


def test_sell_export_verify_reconcile_list(home: Path, tmp_path: Path) -> None:
    numbers = []
    for args in (
        ["--item", "D001x2", "--pay", "cash:20"],
        [
            "--item",
            "D002",
            "--buyer-name",
            "北京中关村科技发展有限公司",
            "--buyer-tax-id",
            "91110000600037341L",
            "--pay",
            "wechat",
        ],
        ["--item", "D003x3", "--pay", "alipay"],
    ):
        sold = run("sell", *args, home=home)
        assert sold.returncode == 0, sold.stderr
        numbers.append(sold.stdout.strip())
    assert run("void", numbers[2], "--reason", "顾客退货", home=home).returncode == 0

    out = tmp_path / "usb"
    out.mkdir()
    exported = run("export", "--out", str(out), home=home)
    assert exported.returncode == 0, exported.stderr
    zip_path = Path(exported.stdout.strip())
    assert zip_path.parent == out and zip_path.name.startswith("T01-B0001-")
    assert "Exported batch" in exported.stderr

    checked = run("verify-batch", str(zip_path))  # the accountant has no shop home
    assert checked.returncode == 0, checked.stderr
    assert "verifies" in checked.stdout and "海淀好邻居便利店（演示）" in checked.stdout
    assert "issued 3, void 1, valid 2" in checked.stdout
    key = home / "keys" / "terminal.pub.pem"
    assert run("verify-batch", str(zip_path), "--key", str(key)).returncode == 0

    pending = run("list", "--pending", "--json", home=home)
    assert [r["no"] for r in json.loads(pending.stdout)] == numbers[:2]
    mapping = tmp_path / "invoices.csv"
    mapping.write_text(
        f"收据号,发票号码\n{numbers[0]},26112000000000000001\n", encoding="utf-8-sig"
    )
    assert run("reconcile", str(mapping), home=home).returncode == 0
    pending = run("list", "--pending", "--json", home=home)
    assert [r["no"] for r in json.loads(pending.stdout)] == [numbers[1]]

    (tmp_path / "copy").mkdir()
    again = run("export", "--out", str(tmp_path / "copy"), "--again", zip_path.stem, home=home)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "copy" / zip_path.name).read_bytes() == zip_path.read_bytes()
    assert "byte-identical" in again.stderr


def test_bad_reconcile_file_lists_every_problem(home: Path, tmp_path: Path) -> None:
    number = run("sell", "--item", "D001", home=home).stdout.strip()
    mapping = tmp_path / "m.csv"
    mapping.write_text(
        f"收据号,发票号码\n{number},123\nT01-00000077,26112000000000000001\n", encoding="utf-8"
    )
    result = run("reconcile", str(mapping), home=home)
    assert result.returncode == 2
    assert "Line 2 (" + number + ")" in result.stderr
    assert "Line 3 (T01-00000077): no such receipt" in result.stderr
    assert "nothing was recorded" in result.stderr


def test_a_tampered_batch_exits_non_zero_naming_the_problem(home: Path, tmp_path: Path) -> None:
    run("sell", "--item", "D001", home=home)
    zip_path = Path(run("export", "--out", str(tmp_path), home=home).stdout.strip())
    with zipfile.ZipFile(zip_path) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files["receipts.jsonl"] = files["receipts.jsonl"].replace(b'"total":"3.00"', b'"total":"0.30"')
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    result = run("verify-batch", str(bad))
    assert result.returncode == 6
    line = 1 + next(
        i for i, raw in enumerate(files["receipts.jsonl"].splitlines()) if b'"total":"0.30"' in raw
    )
    assert (
        f"receipts.jsonl line {line} (sequence {line}): content modified (hash mismatch)"
        in result.stderr
    )


def test_a_mistyped_out_folder_is_refused_and_nothing_is_exported(
    home: Path, tmp_path: Path
) -> None:
    """Issue 12 item 6: ``--out /mistyped/path`` created the folder and marked all exported."""
    run("sell", "--item", "D001", home=home)
    missing = tmp_path / "media" / "KINGSTN"
    result = run("export", "--out", str(missing), home=home)
    assert result.returncode == 2, result.stderr
    assert f"There is no folder {missing}" in result.stderr
    assert not (tmp_path / "media").exists()
    assert len(json.loads(run("list", "--pending", "--json", home=home).stdout)) == 1
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    assert run("export", "--out", str(not_a_folder), home=home).returncode == 2
    # the shop's own exports folder is ours to create, as before
    made = run("export", home=home)
    assert made.returncode == 0, made.stderr
    assert Path(made.stdout.strip()).parent == home / "exports"


def test_nothing_to_export_is_said_with_exit_4(home: Path, tmp_path: Path) -> None:
    result = run("export", "--out", str(tmp_path), home=home)
    assert result.returncode == 4
    assert "Nothing to export" in result.stderr


def test_a_full_stick_leaves_no_zip_and_no_record(home: Path, tmp_path: Path) -> None:
    for _ in range(40):
        assert run("sell", "--item", "D001x2", "--item", "F003", home=home).returncode == 0
    journal = sum(p.stat().st_size for p in (home / "ledger").glob("journal-*.jsonl"))
    out = tmp_path / "usb"
    out.mkdir()
    result = run("export", "--out", str(out), home=home, limit=journal // 2)
    # The file size limit holds for the journal too, and the batch id is reserved in the
    # ledger before the zip is written (issue 11 item 8): that write is what fails first.
    # A stick that fills while the zip is written: tests/export/test_batch_writer.py.
    assert result.returncode == 3, result.stderr
    assert "Could not write the ledger" in result.stderr
    assert list(out.iterdir()) == []
    kinds = [
        json.loads(line)["kind"]
        for p in (home / "ledger").glob("journal-*.jsonl")
        for line in p.read_text(encoding="utf-8").splitlines()
    ]
    assert "batch.exported" not in kinds
    assert run("verify", home=home).returncode == 0
    assert run("export", "--out", str(out), home=home).returncode == 0


def test_the_progress_bar_shows_only_for_long_exports_on_a_terminal(monkeypatch) -> None:
    from shopdesk.cli.export import PROGRESS_BAR_FROM, _Bar

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    short = _Bar("导出")
    short(10, 100)
    assert short.progress is None
    long = _Bar("导出")
    long(1000, PROGRESS_BAR_FROM * 2)
    long(PROGRESS_BAR_FROM * 2, PROGRESS_BAR_FROM * 2)
    assert long.progress is not None
    assert long.progress.tasks[0].completed == PROGRESS_BAR_FROM * 2
    long.close()


def test_a_killed_export_never_leaves_a_half_zip_under_the_final_name(tmp_path: Path) -> None:
    """SIGKILL while the zip is being written: whatever the moment, the final name holds
    either nothing or a complete batch that verifies; a record only ever follows a zip."""
    import time

    home = tmp_path / "shop"
    env = cli_env()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--home",
            str(home),
            "--receipts",
            "3000",
            "--no-fsync",
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    out = tmp_path / "usb"
    out.mkdir()
    killed_mid_zip = 0
    for delay in (0.0, 0.05, 0.2):
        before = set(out.iterdir()) if out.is_dir() else set()
        proc = subprocess.Popen(
            [sys.executable, "-m", "shopdesk", "--home", str(home), "export", "--out", str(out)],
            env={**env, "SHOPDESK_LANG": "en"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if out.is_dir() and any(p.suffix == ".part" for p in set(out.iterdir()) - before):
                time.sleep(delay)
                killed_mid_zip += proc.poll() is None
                break
            time.sleep(0.005)
        proc.kill()
        proc.communicate()
        finals = [p for p in out.iterdir() if p.suffix == ".zip" and not p.name.startswith(".")]
        for final in finals:
            checked = run("verify-batch", str(final))
            assert checked.returncode == 0, checked.stderr
        listed = run("list", "--json", home=home)
        batches = {r["batch"] for r in json.loads(listed.stdout) if r["batch"]}
        assert batches <= {p.stem for p in finals}  # no record without its zip
    assert killed_mid_zip  # at least one kill landed while the zip was being written
    done = run("export", "--out", str(out), home=home)
    assert done.returncode in (0, 4), done.stderr  # 4: an earlier attempt got through
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert run("verify", home=home).returncode == 0
