"""make_backup / backup_if_due / verify_backup / restore_shop through real shop homes."""

from __future__ import annotations

import errno
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.backup import writer as backup_writer
from shopdesk.backup.manifest import LEDGER_DIR, MANIFEST_NAME, Manifest, read_manifest
from shopdesk.domain.sale import SaleDraft
from shopdesk.errors import BackupError, InvalidInput, LedgerError, LedgerTampered
from shopdesk.ledger.canonical import canonical_json, record_hash
from shopdesk.ledger.keys import key_fingerprint, public_key_b64
from shopdesk.services import backup as backup_service
from shopdesk.services.backup import (
    backup_if_due,
    backup_status,
    backup_warning,
    make_backup,
    read_state,
)
from shopdesk.services.integrity import verify_ledger
from shopdesk.services.restore import home_key, restore_key, restore_shop, verify_backup
from shopdesk.services.sales import issue_receipt, parse_item_spec
from shopdesk.services.shop import Shop, ShopHome, init_shop
from tests.conftest import BEIJING, Clock

PASSPHRASE = "correct horse battery"


def sell(shop: Shop, count: int = 1) -> list[str]:
    numbers = []
    for _ in range(count):
        draft = SaleDraft(lines=[parse_item_spec(shop.catalog, "D001x2")])
        numbers.append(issue_receipt(shop, draft).number)
    return numbers


def set_profile(home: Path, **backup: object) -> None:
    """Rewrite the [backup] section of the demo profile."""
    path = home / "profile.toml"
    text = path.read_text(encoding="utf-8").split("[backup]")[0]
    lines = ["[backup]"]
    for key, value in backup.items():
        lines.append(f"{key} = {json.dumps(value)}")
    path.write_text(text + "\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    path = tmp_path / "stick"
    path.mkdir()
    return path


def partition(stick: Path, month: str = "2026-11") -> Path:
    return stick / "shopdesk-T01" / LEDGER_DIR / f"journal-{month}.jsonl"


def test_first_backup_holds_everything_verifies_and_is_recorded(
    shop: Shop, home: Path, stick: Path
) -> None:
    sell(shop, 3)
    head = shop.ledger.head_seq
    result = make_backup(shop, stick, passphrase=PASSPHRASE)
    assert result.head_seq == head and result.last_rseq == 3 and result.key_included
    assert result.records_verified == head and result.full
    check = verify_backup(stick)
    assert check.ok and check.records == head and check.manifest.head_seq == head
    # the backup.made record comes after the copy: it names the seq before it
    assert result.record is not None and result.record["kind"] == "backup.made"
    assert result.record["seq"] == head + 1 and result.record["data"]["seq"] == head
    assert (
        partition(stick).read_bytes()
        == (home / "ledger" / "journal-2026-11.jsonl").read_bytes()[
            : partition(stick).stat().st_size
        ]
    )
    assert shop.ledger.view.last_backup["through"] == head
    assert backup_warning(shop.home) is None
    # the key is never in the clear on the stick
    for path in (stick / "shopdesk-T01").rglob("*"):
        if path.is_file():
            assert b"PRIVATE KEY-----\n" not in path.read_bytes().replace(b"ENCRYPTED ", b"X")


def test_incremental_backups_over_several_days_and_a_month_boundary(
    home: Path, stick: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[tuple[str, int, int]] = []
    real_append = backup_writer.append_range

    def spy(source: Path, target: Path, start: int, end: int) -> None:
        writes.append((target.name, start, end))
        real_append(source, target, start, end)

    monkeypatch.setattr(backup_writer, "append_range", spy)
    clock = Clock(datetime(2026, 11, 28, 10, 0, tzinfo=BEIJING))
    source = home / "ledger" / "journal-2026-11.jsonl"

    with Shop.open(home, clock=clock) as shop:  # day 1
        sell(shop, 5)
        first = make_backup(shop, stick, passphrase=PASSPHRASE)
    copied_day1 = partition(stick).read_bytes()
    assert first.bytes_copied == len(copied_day1)

    clock.now = datetime(2026, 11, 29, 9, 0, tzinfo=BEIJING)  # day 2: only new bytes
    with Shop.open(home, clock=clock) as shop:
        sell(shop, 3)
        size_before = len(copied_day1)
        second = make_backup(shop, stick)
    assert (
        second.bytes_copied
        == source.stat().st_size - size_before - len(canonical_json(second.record)) - 1
    )
    assert second.records_verified == 4  # day 1's backup.made + 3 receipts
    assert writes[-1] == ("journal-2026-11.jsonl", size_before, size_before + second.bytes_copied)
    assert not second.full
    assert partition(stick).read_bytes()[:size_before] == copied_day1

    clock.now = datetime(2026, 12, 1, 8, 0, tzinfo=BEIJING)  # a new month: a new partition
    with Shop.open(home, clock=clock) as shop:
        sell(shop, 4)
        third = make_backup(shop, stick)
    assert partition(stick, "2026-12").exists()
    november = partition(stick).stat()

    clock.now = datetime(2026, 12, 2, 8, 0, tzinfo=BEIJING)  # November is closed: untouched
    with Shop.open(home, clock=clock) as shop:
        sell(shop, 2)
        fourth = make_backup(shop, stick)
        head = fourth.head_seq
    assert partition(stick).stat().st_mtime_ns == november.st_mtime_ns
    assert [w[0] for w in writes[-1:]] == ["journal-2026-12.jsonl"]
    assert fourth.records_verified == 3 and fourth.last_rseq == 14
    assert [first.generation, second.generation, third.generation, fourth.generation] == [
        1,
        2,
        3,
        4,
    ]
    check = verify_backup(stick)
    assert check.ok and check.manifest.head_seq == head
    assert [p.name for p in check.manifest.partitions] == [
        "journal-2026-11.jsonl",
        "journal-2026-12.jsonl",
    ]


def test_full_backup_reverifies_everything_in_place(shop: Shop, stick: Path) -> None:
    sell(shop, 3)
    make_backup(shop, stick)
    sell(shop, 1)
    result = make_backup(shop, stick, full=True)
    assert result.full and result.records_verified == result.head_seq


def test_changed_profile_gets_a_new_name_and_the_old_copy_goes_after_the_manifest(
    shop: Shop, home: Path, stick: Path
) -> None:
    make_backup(shop, stick)
    old = read_manifest(stick / "shopdesk-T01")
    assert old is not None
    set_profile(home, folder=str(stick))
    make_backup(shop, stick)
    new = read_manifest(stick / "shopdesk-T01")
    assert new is not None and new.files["profile"].path != old.files["profile"].path
    assert new.files["catalog"].path == old.files["catalog"].path
    assert not (stick / "shopdesk-T01" / old.files["profile"].path).exists()


def test_interrupted_copy_leaves_the_previous_backup_valid(
    shop: Shop, stick: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sell(shop, 3)
    make_backup(shop, stick)
    before = verify_backup(stick).manifest.head_seq
    sell(shop, 5)
    real_append = backup_writer.append_range

    def half_then_full(source: Path, target: Path, start: int, end: int) -> None:
        real_append(source, target, start, start + (end - start) // 2)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_writer, "append_range", half_then_full)
    with pytest.raises(BackupError) as err:
        make_backup(shop, stick)
    assert err.value.code == "backup.destination_full"
    check = verify_backup(stick)
    assert check.ok and check.manifest.head_seq == before
    assert partition(stick).stat().st_size > check.manifest.partitions[0].size  # junk after
    warning = backup_warning(shop.home)
    assert warning is not None and warning["code"] == "backup.destination_full"

    restored = restore_shop(stick, tmp_path / "from-interrupted", passphrase=None)
    assert restored.head_seq == before  # the junk after the listed size is not restored
    assert verify_ledger(tmp_path / "from-interrupted").head_seq == before

    monkeypatch.setattr(backup_writer, "append_range", real_append)
    result = make_backup(shop, stick)  # cuts the junk off and carries on
    assert verify_backup(stick).ok and result.head_seq > before
    assert backup_warning(shop.home) is None


def test_failure_while_writing_the_manifest_keeps_the_old_one(
    shop: Shop, stick: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sell(shop, 2)
    make_backup(shop, stick)
    before = verify_backup(stick).manifest
    sell(shop, 2)
    real_write = backup_writer.write_atomic

    def fail_on_manifest(path: Path, data: bytes, mode: int = 0o644, **kw: bool) -> None:
        if path.name == MANIFEST_NAME:
            (path.parent / (MANIFEST_NAME + ".tmp")).write_bytes(data[:20])
            raise OSError(errno.EIO, "Input/output error")
        real_write(path, data, mode, **kw)

    monkeypatch.setattr(backup_writer, "write_atomic", fail_on_manifest)
    with pytest.raises(BackupError) as err:
        make_backup(shop, stick)
    assert err.value.code == "backup.write_failed"
    check = verify_backup(stick)
    assert check.ok and check.manifest.generation == before.generation


def test_missing_destination_is_a_kept_warning_never_a_lost_sale(
    home: Path, tmp_path: Path, clock: Clock
) -> None:
    stick = tmp_path / "usb"  # not plugged in
    set_profile(home, folder=str(stick), every_receipts=2)
    with Shop.open(home, clock=clock) as shop:
        sell(shop)
        assert backup_if_due(shop, "receipt").ran is False  # 1 of 2
        numbers = sell(shop)
        outcome = backup_if_due(shop, "receipt")
        assert outcome.ran and outcome.error is not None
        assert outcome.error.code == "backup.destination_missing"
        assert numbers == ["T01-00000002"] and shop.ledger.view.last_rseq == 2
        assert backup_warning(shop.home)["code"] == "backup.destination_missing"
        sell(shop, 3)
        assert backup_if_due(shop, "receipt").ran is False  # retry is damped
        status = backup_status(shop)
        assert status.error is not None and status.receipts_not_backed_up == 5
        stick.mkdir()
        clock.advance(minutes=3)
        outcome = backup_if_due(shop, "receipt")  # a first, whole backup waits for a person
        assert not outcome.ran and outcome.error.code == "backup.first_by_hand"
        assert backup_warning(shop.home)["code"] == "backup.first_by_hand"
        assert backup_if_due(shop, "z_report").result is not None  # after the day is closed
        sell(shop, 2)
        outcome = backup_if_due(shop, "receipt")
        assert outcome.result is not None and outcome.error is None
        assert backup_warning(shop.home) is None
        status = backup_status(shop)
        assert status.receipts_not_backed_up == 0 and status.last_seq == outcome.result.head_seq
    assert verify_ledger(home).ok


def test_schedule_by_minutes_and_after_every_z_report(
    home: Path, stick: Path, clock: Clock
) -> None:
    set_profile(home, folder=str(stick), every_minutes=30)
    with Shop.open(home, clock=clock) as shop:
        make_backup(shop)  # the first backup is made by hand (see above)
        sell(shop)
        assert backup_if_due(shop, "receipt").ran is False  # 30 minutes not over yet
        clock.advance(minutes=31)
        assert backup_if_due(shop, "receipt").result is not None
        sell(shop)
        assert backup_if_due(shop, "receipt").ran is False
        clock.advance(minutes=31)
        assert backup_if_due(shop, "timer").result is not None
        assert backup_if_due(shop, "timer").ran is False  # nothing new since
        assert backup_if_due(shop, "z_report").result is not None  # always
    set_profile(home)  # no folder: nothing happens, nothing breaks
    with Shop.open(home, clock=clock) as shop:
        assert backup_if_due(shop, "z_report").ran is False


def test_a_bug_in_the_backup_never_propagates(
    home: Path, stick: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_profile(home, folder=str(stick), every_receipts=1)

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(backup_service, "_write", boom)
    with Shop.open(home, clock=clock) as shop:
        sell(shop)
        outcome = backup_if_due(shop, "z_report")
    assert outcome.error is not None and outcome.error.code == "backup.failed"
    assert "surprise" in read_state(ShopHome(home))["error"]["data"]["reason"]


def test_restore_continues_the_sequence_and_the_chain_verifies_across_the_seam(
    shop: Shop, stick: Path, tmp_path: Path
) -> None:
    sell(shop, 4)
    make_backup(shop, stick, passphrase=PASSPHRASE)
    backed_up = verify_backup(stick).manifest
    new_home = tmp_path / "new-pc"
    result = restore_shop(stick, new_home, passphrase=PASSPHRASE)
    assert result.key_restored and result.head_seq == backed_up.head_seq
    clock = Clock(datetime(2026, 11, 30, 10, 0, tzinfo=BEIJING))
    with Shop.open(new_home, clock=clock) as restored:
        assert sell(restored) == ["T01-R1-00000005"]  # a new series: see test_restore_series
        record = restored.ledger.record_at(backed_up.head_seq + 1)
    assert record is not None and record["kind"] == "ledger.restored"
    assert record["prev"] == backed_up.head_hash
    check = verify_ledger(new_home)
    assert check.ok and check.head_seq == backed_up.head_seq + 2
    assert (new_home / "keys" / "terminal.key").stat().st_mode & 0o777 == 0o600
    # the restored till backs up onto the same stick incrementally
    with Shop.open(new_home, clock=clock) as restored:
        again = make_backup(restored, stick)
    assert again.records_verified == 2 and verify_backup(stick).ok


def tamper(path: Path, seq: int, *, resign_hash: bool) -> None:
    lines = path.read_bytes().split(b"\n")
    for i, raw in enumerate(lines):
        if raw and json.loads(raw)["seq"] == seq:
            record = json.loads(raw)
            record["data"]["total"] = "0.01"
            if resign_hash:
                record["hash"] = record_hash(record)
            lines[i] = canonical_json(record)
    path.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize(("resign", "reason"), [(False, "bad_hash"), (True, "bad_signature")])
def test_tampered_backup_is_refused_naming_the_record(
    shop: Shop, stick: Path, tmp_path: Path, resign: bool, reason: str
) -> None:
    sell(shop, 4)
    make_backup(shop, stick, passphrase=PASSPHRASE)
    tamper(partition(stick), 3, resign_hash=resign)
    check = verify_backup(stick)
    assert not check.ok and check.problem is not None
    assert (check.problem.file, check.problem.line, check.problem.seq) == (
        "journal-2026-11.jsonl",
        3,
        3,
    )
    assert check.problem.reason == reason
    with pytest.raises(LedgerTampered) as err:
        restore_shop(stick, tmp_path / "new", passphrase=PASSPHRASE)
    assert err.value.code == "backup.broken" and err.value.data["seq"] == 3
    assert not (tmp_path / "new").exists()


def test_shortened_manifest_is_refused(shop: Shop, stick: Path) -> None:
    sell(shop, 2)
    make_backup(shop, stick)
    path = stick / "shopdesk-T01" / MANIFEST_NAME
    data = json.loads(path.read_bytes())
    data["head_seq"] -= 1  # pretend the backup ends earlier
    path.write_text(json.dumps(data))
    with pytest.raises(BackupError) as err:
        verify_backup(stick)
    assert err.value.code == "backup.bad_manifest"


def test_wrong_passphrase_is_a_clear_error_and_writes_nothing(
    shop: Shop, stick: Path, tmp_path: Path
) -> None:
    make_backup(shop, stick, passphrase=PASSPHRASE)
    with pytest.raises(BackupError) as err:
        restore_shop(stick, tmp_path / "new", passphrase="not the passphrase")
    assert err.value.code == "backup.wrong_passphrase"
    assert not (tmp_path / "new").exists()
    assert not any(p.name.startswith(".new") for p in tmp_path.iterdir())
    with pytest.raises(InvalidInput) as err2:
        restore_shop(stick, tmp_path / "new", passphrase=None)
    assert err2.value.code == "restore.passphrase_needed"


def test_short_passphrase_is_refused(shop: Shop, stick: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        make_backup(shop, stick, passphrase="short")
    assert err.value.code == "backup.passphrase_short"


def test_restore_refuses_any_existing_ledger(shop: Shop, home: Path, stick: Path, tmp_path: Path):
    sell(shop, 2)
    make_backup(shop, stick, passphrase=PASSPHRASE)
    sell(shop, 2)
    shop.close()
    with pytest.raises(InvalidInput) as err:
        restore_shop(stick, home, passphrase=PASSPHRASE)
    assert err.value.code == "restore.target_newer"
    assert verify_ledger(home).ok
    older = tmp_path / "older"
    restore_shop(stick, older, passphrase=PASSPHRASE, without_key=True)
    with pytest.raises(InvalidInput) as err:
        restore_shop(stick, older, passphrase=PASSPHRASE)
    assert err.value.code == "restore.target_has_ledger"
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(InvalidInput) as err:
        restore_shop(stick, other, passphrase=PASSPHRASE)
    assert err.value.code == "restore.target_not_empty"
    empty = tmp_path / "empty"
    empty.mkdir()
    stale = tmp_path / ".empty.restoring-99999"  # a restore killed half-way
    (stale / "ledger").mkdir(parents=True)
    assert restore_shop(stick, empty, passphrase=PASSPHRASE).key_restored
    assert not stale.exists()


def test_restore_without_key_reads_but_cannot_sell_until_the_key_is_added(
    shop: Shop, stick: Path, tmp_path: Path
) -> None:
    sell(shop, 2)
    make_backup(shop, stick, passphrase=PASSPHRASE)
    new_home = tmp_path / "new"
    result = restore_shop(stick, new_home, passphrase=None, without_key=True)
    assert not result.key_restored
    with Shop.open(new_home) as restored:
        assert len(restored.ledger.view) == 2
        with pytest.raises(LedgerError) as err:
            sell(restored)
        assert err.value.code == "key.not_restored"
    with pytest.raises(BackupError):
        restore_key(new_home, stick, "not the passphrase")
    restore_key(new_home, stick, PASSPHRASE)
    with Shop.open(new_home) as restored:
        assert sell(restored) == ["T01-R1-00000003"]
    assert verify_ledger(new_home).ok


def test_backup_refuses_to_mix_two_histories(shop: Shop, stick: Path, tmp_path: Path) -> None:
    sell(shop, 2)
    make_backup(shop, stick, passphrase=PASSPHRASE)
    older = tmp_path / "older-stick"
    older.mkdir()
    make_backup(shop, older)
    sell(shop, 2)
    make_backup(shop, stick)  # the stick is now ahead of the older copy
    newer = verify_backup(stick).manifest
    restored_home = tmp_path / "restored"
    restore_shop(older, restored_home, passphrase=PASSPHRASE)
    with Shop.open(restored_home) as restored:
        sell(restored, 3)  # another history from the older point on
        with pytest.raises(BackupError) as err:
            make_backup(restored, stick)
    assert err.value.code in ("backup.diverged", "backup.newer_than_ledger")
    check = verify_backup(stick)
    assert check.ok and check.manifest.head_hash == newer.head_hash


def test_other_shops_backup_is_never_overwritten(
    shop: Shop, stick: Path, tmp_path: Path, clock: Clock
) -> None:
    make_backup(shop, stick)
    with (
        init_shop(tmp_path / "other", demo=True, clock=clock) as other,
        pytest.raises(BackupError) as err,
    ):
        make_backup(other, stick)
    assert err.value.code == "backup.other_shop"
    assert verify_backup(stick).ok


def test_status_counts_receipts_after_the_last_backup(
    shop: Shop, stick: Path, clock: Clock
) -> None:
    assert backup_status(shop).last_time == ""
    sell(shop, 2)
    make_backup(shop, stick)
    clock.advance(hours=1)
    sell(shop, 3)
    status = backup_status(shop)
    assert status.receipts_not_backed_up == 3
    assert status.last_destination.endswith("shopdesk-T01")
    assert datetime.fromisoformat(status.last_time) < clock.now - timedelta(minutes=59)


def test_naming_the_backup_folder_itself_does_not_nest(shop: Shop, stick: Path) -> None:
    make_backup(shop, stick)
    again = make_backup(shop, stick / "shopdesk-T01")
    assert again.folder == stick / "shopdesk-T01" and again.generation == 2


def test_a_stick_with_several_terminals_needs_the_folder_named(
    shop: Shop, stick: Path, tmp_path: Path, clock: Clock
) -> None:
    make_backup(shop, stick)
    other = tmp_path / "t02"
    init_shop(other, demo=True, clock=clock).close()
    profile = other / "profile.toml"
    profile.write_text(profile.read_text(encoding="utf-8").replace('id = "T01"', 'id = "T02"'))
    with Shop.open(other, clock=clock) as second:
        make_backup(second, stick)
    with pytest.raises(InvalidInput) as err:
        verify_backup(stick)
    assert err.value.code == "backup.several"
    assert verify_backup(stick / "shopdesk-T02").manifest.terminal == "T02"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.floats(min_value=0.0, max_value=1.0))
def test_a_copy_cut_at_any_byte_keeps_the_previous_backup(
    tmp_path_factory: pytest.TempPathFactory, cut: float
) -> None:
    root = tmp_path_factory.mktemp("cut")
    stick = root / "stick"
    stick.mkdir()
    clock = Clock()
    with init_shop(root / "shop", demo=True, clock=clock) as shop:
        sell(shop, 2)
        make_backup(shop, stick)
        before = verify_backup(stick).manifest
        sell(shop, 3)
        real_append = backup_writer.append_range

        def cut_short(source: Path, target: Path, start: int, end: int) -> None:
            real_append(source, target, start, start + int((end - start) * cut))
            raise OSError(errno.EIO, "stick pulled")

        backup_writer.append_range = cut_short
        try:
            with pytest.raises(BackupError):
                make_backup(shop, stick)
        finally:
            backup_writer.append_range = real_append
        check = verify_backup(stick)
        assert check.ok and check.manifest.head_hash == before.head_hash
        assert make_backup(shop, stick).head_seq == shop.ledger.head_seq - 1
        assert verify_backup(stick).ok


# ----- issue 11 item 6: names in a manifest, and which key signed a backup -----


def forge_manifest(stick: Path, key: object, change: Callable[[Manifest], None]) -> None:
    """Rewrite the stick's manifest and sign it again with ``key`` — what anyone holding
    the key that the backup itself declares can do."""
    folder = stick / "shopdesk-T01"
    manifest = read_manifest(folder)
    assert manifest is not None
    change(manifest)
    (folder / MANIFEST_NAME).write_bytes(manifest.signed(key).to_bytes())  # type: ignore[arg-type]


def test_partition_name_leaving_the_backup_is_refused_and_restore_writes_nothing_outside(
    shop: Shop, stick: Path, tmp_path: Path
) -> None:
    sell(shop, 2)
    make_backup(shop, stick, passphrase=PASSPHRASE)
    evil = "../../journal-2026-11.jsonl"  # read from the stick's root, written next to the home
    (stick / "journal-2026-11.jsonl").write_bytes(partition(stick).read_bytes())
    (tmp_path / "new").mkdir()

    def rename(manifest: Manifest) -> None:
        manifest.partitions[0].name = evil

    forge_manifest(stick, shop.ledger.key, rename)
    with pytest.raises(BackupError) as err:
        verify_backup(stick)
    assert err.value.code == "backup.bad_name" and err.value.data["name"] == repr(evil)
    with pytest.raises(BackupError) as err:
        restore_shop(stick, tmp_path / "new" / "home", passphrase=PASSPHRASE)
    assert err.value.code == "backup.bad_name"
    assert list((tmp_path / "new").iterdir()) == []


@pytest.mark.parametrize(
    "name",
    [
        "/tmp/journal-2026-11.jsonl",
        "ledger/journal-2026-11.jsonl",
        "journal-2026-11.jsonl\n",
        "journal-2026-11.jsonl\x00",
        "journal-2026-13.jsonl",
        "journal-２０２６-11.jsonl",
        "..",
        "",
    ],
)
def test_any_partition_name_but_a_plain_journal_file_name_is_refused(
    shop: Shop, stick: Path, name: str
) -> None:
    make_backup(shop, stick)

    def rename(manifest: Manifest) -> None:
        manifest.partitions[0].name = name

    forge_manifest(stick, shop.ledger.key, rename)
    with pytest.raises(BackupError) as err:
        verify_backup(stick)
    assert err.value.code == "backup.bad_name"


def test_listed_file_outside_the_files_folder_is_refused(shop: Shop, stick: Path) -> None:
    make_backup(shop, stick)
    profile = stick / "shopdesk-T01" / read_manifest(stick / "shopdesk-T01").files["profile"].path  # type: ignore[union-attr]
    (stick / "profile.toml").write_bytes(profile.read_bytes())

    def move(manifest: Manifest) -> None:
        manifest.files["profile"].path = "../profile.toml"

    forge_manifest(stick, shop.ledger.key, move)
    with pytest.raises(BackupError) as err:
        verify_backup(stick)
    assert err.value.code == "backup.bad_name"


def test_a_backup_names_the_key_it_is_signed_with_and_another_shops_key_is_refused(
    shop: Shop, home: Path, stick: Path, tmp_path: Path, clock: Clock
) -> None:
    sell(shop, 1)
    make_backup(shop, stick, passphrase=PASSPHRASE)
    own = key_fingerprint(public_key_b64(shop.ledger.key.public_key()))  # type: ignore[union-attr]
    check = verify_backup(stick, home=home)
    assert check.ok and check.key_checked and check.key_fingerprint == own
    assert len(own.replace(" ", "")) == 16
    assert not verify_backup(stick).key_checked
    other = tmp_path / "other"  # the same terminal id, T01, with its own key
    init_shop(other, demo=True, clock=clock).close()
    with pytest.raises(BackupError) as err:
        verify_backup(stick, home=other)
    assert err.value.code == "backup.other_key"
    assert err.value.data == {
        "folder": str(stick / "shopdesk-T01"),
        "fingerprint": own,
        "expected": key_fingerprint(home_key(other, "T01") or ""),
    }
    assert home_key(other, "T02") is None  # another till of a shop has its own key
    result = restore_shop(stick, tmp_path / "new", passphrase=PASSPHRASE)
    assert result.key_fingerprint == own
