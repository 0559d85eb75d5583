"""backup / backup status / backup verify / restore as a user runs them, and backups
killed or cut short (SIGKILL, RLIMIT_FSIZE) at random points."""

from __future__ import annotations

import json
import random
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from shopdesk.ledger.canonical import canonical_json
from shopdesk.services.integrity import verify_ledger
from shopdesk.services.restore import verify_backup
from shopdesk.services.sales import issue_receipt, parse_item_spec
from shopdesk.services.shop import Shop
from tests.conftest import Clock, cli_env, run_cli

PASSPHRASE = "correct horse battery"
KILLS = 10
CLI = (sys.executable, "-m", "shopdesk", "--lang", "en")


@pytest.fixture
def passfile(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    path = tmp_path / "stick"
    path.mkdir()
    return path


def sell_many(home: Path, count: int, *, sync: bool = True) -> None:
    from shopdesk.domain.sale import SaleDraft

    with Shop.open(home) as shop:
        shop.ledger.journal.sync = sync
        for _ in range(count):
            issue_receipt(shop, SaleDraft(lines=[parse_item_spec(shop.catalog, "D001x2")]))


def set_backup(home: Path, text: str) -> None:
    path = home / "profile.toml"
    path.write_text(
        path.read_text(encoding="utf-8").split("[backup]")[0] + "[backup]\n" + text,
        encoding="utf-8",
    )


def test_backup_status_and_verify(home: Path, stick: Path, passfile: Path) -> None:
    sell_many(home, 3)
    head = verify_ledger(home).head_seq
    done = run_cli("--home", home, "backup", "--to", stick, "--passphrase-file", passfile)
    assert done.returncode == 0, done.stderr
    assert "Backup done" in done.stdout and f"up to sequence {head} " in done.stdout
    assert "signing key is in the backup" in done.stdout
    sell_many(home, 2)
    status = run_cli("--home", home, "backup", "status")
    assert status.returncode == 0
    assert f"up to sequence {head}." in status.stdout
    assert "not yet backed up): 2" in status.stdout
    verified = run_cli("backup", "verify", "--to", stick)
    assert verified.returncode == 0 and "Backup intact" in verified.stdout
    assert f"{head} records" in verified.stdout


def test_passphrase_from_the_environment(home: Path, stick: Path) -> None:
    done = subprocess.run(
        [*CLI, "--home", str(home), "backup", "--to", str(stick)],
        capture_output=True,
        text=True,
        env=cli_env(SHOPDESK_BACKUP_PASSPHRASE=PASSPHRASE),
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert (home / "keys" / "terminal.key.enc.json").exists()
    assert "signing key is in the backup" in done.stdout


def test_sell_keeps_selling_and_shows_the_backup_warning(home: Path, tmp_path: Path) -> None:
    set_backup(home, f'folder = "{tmp_path / "unplugged"}"\nevery_receipts = 1\n')
    for number in ("T01-00000001", "T01-00000002"):
        sold = run_cli("--home", home, "sell", "--item", "D001", "--pay", "cash")
        assert sold.returncode == 0 and sold.stdout.strip() == number
        assert "Backup not done" in sold.stderr and "does not exist" in sold.stderr
    status = run_cli("--home", home, "backup", "status")
    assert status.returncode == 1 and "Backup not done" in status.stderr
    assert "not yet backed up): 2" in status.stdout
    (tmp_path / "unplugged").mkdir()
    done = run_cli("--home", home, "backup", "--no-key")
    assert done.returncode == 0, done.stderr
    sold = run_cli("--home", home, "sell", "--item", "D001", "--pay", "cash")
    assert sold.returncode == 0 and "Backup not done" not in sold.stderr


def test_restore_refuses_tampering_and_wrong_passphrase_then_continues_the_sequence(
    home: Path, stick: Path, passfile: Path, tmp_path: Path
) -> None:
    sell_many(home, 4)
    assert (
        run_cli("--home", home, "backup", "--to", stick, "--passphrase-file", passfile).returncode
        == 0
    )
    new = tmp_path / "new-pc"
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not my passphrase\n")
    refused = run_cli("--home", new, "restore", stick, "--passphrase-file", wrong)
    assert refused.returncode == 8 and "Wrong passphrase" in refused.stderr
    assert not new.exists()

    journal = next((stick / "shopdesk-T01" / "ledger").glob("journal-*.jsonl"))
    original = journal.read_bytes()
    lines = original.split(b"\n")
    at = next(i for i, raw in enumerate(lines) if b'"kind":"receipt.issued"' in raw)
    record = json.loads(lines[at])
    record["data"]["total"] = "0.01"
    lines[at] = canonical_json(record)
    journal.write_bytes(b"\n".join(lines))
    broken = run_cli("--home", new, "restore", stick, "--passphrase-file", passfile)
    assert broken.returncode == 3
    assert f"line {at + 1} (sequence {record['seq']})" in broken.stderr
    assert "hash mismatch" in broken.stderr
    assert not new.exists()
    journal.write_bytes(original)

    restored = run_cli("--home", new, "restore", stick, "--passphrase-file", passfile)
    assert restored.returncode == 0, restored.stderr
    head = verify_backup(stick).manifest.head_seq
    assert f"up to sequence {head}," in restored.stdout
    assert "a new series, R1; the next is T01-R1-00000005." in restored.stdout
    sold = run_cli("--home", new, "sell", "--item", "D001", "--pay", "cash")
    assert sold.returncode == 0 and sold.stdout.strip() == "T01-R1-00000005"
    checked = run_cli("--home", new, "verify")
    assert checked.returncode == 0 and "Ledger intact" in checked.stdout
    assert verify_ledger(new).head_seq > head  # the sale chained on across the seam
    again = run_cli("--home", new, "restore", stick, "--passphrase-file", passfile)
    assert again.returncode == 2 and "is newer than the backup" in again.stderr


def test_restore_without_key_then_key_only(home: Path, stick: Path, passfile: Path, tmp_path: Path):
    sell_many(home, 1)
    run_cli("--home", home, "backup", "--to", stick, "--passphrase-file", passfile)
    new = tmp_path / "new"
    assert run_cli("--home", new, "restore", stick, "--no-key").returncode == 0
    refused = run_cli("--home", new, "sell", "--item", "D001", "--pay", "cash")
    assert refused.returncode == 3 and "restored without its signing key" in refused.stderr
    assert run_cli("--home", new, "list").returncode == 0
    added = run_cli("--home", new, "restore", stick, "--key-only", "--passphrase-file", passfile)
    assert added.returncode == 0, added.stderr
    assert "a new series, R1; the next is T01-R1-00000002." in added.stdout
    sold = run_cli("--home", new, "sell", "--item", "D001", "--pay", "cash")
    assert sold.stdout.strip() == "T01-R1-00000002"


BACKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from shopdesk.services.backup import make_backup
    from shopdesk.services.shop import Shop

    with Shop.open(Path(sys.argv[1]), load_view=False) as shop:
        print("READY", flush=True)
        make_backup(shop, Path(sys.argv[2]))
        print("DONE", flush=True)
    """
)


def run_backer(home: Path, stick: Path, kill_after: float | None) -> tuple[str, float]:
    """Run one backup in a child; kill it ``kill_after`` s after it is ready to copy.

    Returns its output and how long it ran after READY (to spread later kills)."""
    child = subprocess.Popen(
        [sys.executable, "-c", BACKER, str(home), str(stick)],
        stdout=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "READY"
    ready = time.perf_counter()
    if kill_after is not None:
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=60)
    return out, time.perf_counter() - ready


def test_backup_killed_at_random_instants_leaves_a_valid_backup(home: Path, stick: Path):
    rng = random.Random(6)
    sell_many(home, 300, sync=False)
    assert "DONE" in run_backer(home, stick, None)[0]
    sell_many(home, 300, sync=False)
    out, window = run_backer(home, stick, None)  # a run like the ones killed below
    assert "DONE" in out
    finished = 0
    for _ in range(KILLS):
        sell_many(home, 300, sync=False)
        before = verify_backup(stick).manifest.head_seq
        out, _ = run_backer(home, stick, rng.uniform(0.0, window))
        finished += "DONE" in out
        check = verify_backup(stick)
        assert check.ok, check.problem
        with Shop.open(home) as shop:  # repairs a torn backup.made line, if the kill left one
            head = shop.ledger.head_seq
        assert check.manifest.head_seq in (before, head, head - 1)
        assert "DONE" in run_backer(home, stick, None)[0]  # the next backup recovers
    assert finished < KILLS  # some runs really were cut short
    assert "DONE" in run_backer(home, stick, None)[0]
    assert verify_backup(stick).ok and verify_ledger(home).ok


def test_backup_cut_short_by_file_size_limit_leaves_the_previous_backup(
    home: Path, stick: Path
) -> None:
    sell_many(home, 20)
    assert run_cli("--home", home, "backup", "--to", stick, "--no-key").returncode == 0
    sell_many(home, 40)
    committed = verify_backup(stick).manifest
    size = committed.partitions[-1].size
    journal = home / "ledger" / committed.partitions[-1].name
    new_bytes = journal.stat().st_size - size
    for extra in (0, 1, 700, new_bytes // 2, new_bytes - 1):
        limit = size + extra

        def cap(limit: int = limit) -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        cut = subprocess.run(
            [*CLI, "--home", str(home), "backup", "--to", str(stick), "--no-key"],
            capture_output=True,
            text=True,
            env=cli_env(PYTHONDONTWRITEBYTECODE="1"),
            preexec_fn=cap,
            timeout=60,
        )
        assert cut.returncode == 8, cut.stderr
        assert "is full" in cut.stderr and "previous backup is still intact" in cut.stderr
        check = verify_backup(stick)
        assert check.ok and check.manifest.generation == committed.generation
    status = run_cli("--home", home, "backup", "status")
    assert status.returncode == 1 and "is full" in status.stderr
    done = run_cli("--home", home, "backup", "--to", stick, "--no-key")
    assert done.returncode == 0, done.stderr
    assert verify_backup(stick).manifest.generation == committed.generation + 1
    assert run_cli("--home", home, "backup", "status").returncode == 0


def run_on_tty(args: list[str], answers: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run the CLI on a pseudo-terminal, typing each answer after each prompt."""
    import os
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: stdin/stdout/stderr and /dev/tty are the pty
        env = cli_env()
        env.pop("SHOPDESK_BACKUP_PASSPHRASE", None)
        os.execve(sys.executable, [sys.executable, *CLI[1:], *args], env)
    output = since = b""
    pending = list(answers)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the pty: it has exited
            break
        if not chunk:
            break
        output += chunk
        since += chunk
        if pending and since.strip().endswith(b":"):  # a new prompt is waiting
            os.write(fd, pending.pop(0).encode() + b"\n")
            since = b""
    if time.monotonic() >= deadline:
        os.kill(pid, signal.SIGKILL)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")


def test_passphrases_are_asked_for_on_a_terminal(home: Path, stick: Path, tmp_path: Path):
    code, out = run_on_tty(
        ["--home", str(home), "backup", "--to", str(stick)], [PASSPHRASE, "something else"]
    )
    assert code == 2 and "The two passphrases differ" in out, out
    code, out = run_on_tty(["--home", str(home), "backup", "--to", str(stick)], [PASSPHRASE] * 2)
    assert code == 0 and "Choose a backup passphrase" in out and "Backup done" in out
    assert PASSPHRASE not in out  # typed without echo
    new = tmp_path / "new"
    code, out = run_on_tty(["--home", str(new), "restore", str(stick)], ["wrong passphrase"])
    assert code == 8 and "Wrong passphrase" in out
    code, out = run_on_tty(["--home", str(new), "restore", str(stick)], [PASSPHRASE])
    assert code == 0 and "Restored" in out


def test_z_report_backs_the_day_up_or_warns(
    home: Path, stick: Path, tmp_path: Path, clock: Clock
) -> None:
    set_backup(home, f'folder = "{tmp_path / "unplugged"}"\n')
    sell_many(home, 2)
    closed = run_cli("--home", home, "report", "z", "--counted", "0", input="1234\n")
    assert closed.returncode == 0, closed.stderr  # the shift is closed whatever the stick does
    assert "Backup not done" in closed.stderr and "does not exist" in closed.stderr
    set_backup(home, f'folder = "{stick}"\n')
    sell_many(home, 1)
    backed = run_cli("--home", home, "report", "z", "--counted", "0", input="1234\n")
    assert backed.returncode == 0, backed.stderr
    assert "Backup done" in backed.stdout and "Backup not done" not in backed.stderr
    check = verify_backup(stick)  # a first backup is fine after a Z report
    assert check.ok and check.manifest.head_seq == verify_ledger(home).head_seq - 1


def test_verify_and_restore_name_the_signing_key_and_verify_compares_it_with_the_shops(
    home: Path, stick: Path, passfile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from shopdesk.cli import main
    from shopdesk.ledger.keys import key_fingerprint
    from shopdesk.services.restore import home_key
    from shopdesk.services.shop import init_shop

    args = ["--lang", "en", "--home", str(home)]
    assert main([*args, "backup", "--to", str(stick), "--passphrase-file", str(passfile)]) == 0
    capsys.readouterr()
    assert main([*args, "pubkey"]) == 0
    own = key_fingerprint(home_key(home, "T01") or "")
    printed = capsys.readouterr()
    assert printed.out.startswith("-----BEGIN PUBLIC KEY-----")
    assert f"Key fingerprint {own}" in printed.err
    assert main([*args, "backup", "verify", "--to", str(stick)]) == 0
    out = capsys.readouterr().out
    assert f"fingerprint {own}, the key of this shop's ledger" in out and "Backup intact" in out
    other = tmp_path / "other"
    init_shop(other, demo=True).close()
    elsewhere = ["--lang", "en", "--home", str(other), "backup", "verify", "--to", str(stick)]
    assert main(elsewhere) == 8
    err = capsys.readouterr().err
    assert f"signed by another key (fingerprint {own})" in err
    assert key_fingerprint(home_key(other, "T01") or "") in err
    new = ["--lang", "en", "--home", str(tmp_path / "new")]
    assert main([*new, "restore", str(stick), "--passphrase-file", str(passfile)]) == 0
    assert f"fingerprint {own}: compare it with the shop's" in capsys.readouterr().out
