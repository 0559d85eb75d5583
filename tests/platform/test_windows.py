"""The Windows side of the platform seam, run here against a fake msvcrt and kernel32."""

from __future__ import annotations

import errno
import os
from datetime import datetime
from pathlib import Path

import pytest

from shopdesk.errors import LedgerLocked
from shopdesk.ledger.journal import Journal
from shopdesk.ledger.keys import create_private_key
from shopdesk.ledger.store import Ledger
from shopdesk.platform import LOCK_NAME, FolderLocked, lock_folder, removable_drives, windows
from tests.conftest import BEIJING


def test_two_writers_on_windows_the_second_is_refused_with_the_holders_pid(tmp_path, windows_side):
    first = Journal.open(tmp_path / "ledger")
    try:
        with pytest.raises(LedgerLocked) as refused:
            Journal.open(tmp_path / "ledger")
        assert refused.value.data["pid"] == str(os.getpid())
    finally:
        first.close()
    Journal.open(tmp_path / "ledger").close()  # released on close: the next writer gets in


def test_the_lock_file_stays_open_while_held_and_its_locked_byte_is_past_the_pid(
    tmp_path, windows_side
):
    held = lock_folder(tmp_path)
    mode, offset, nbytes = windows_side.calls[-1]
    assert (mode, offset, nbytes) == (windows_side.LK_NBLCK, windows.LOCK_OFFSET, 1)
    (fd,) = windows_side.held.values()
    # kept open for the writer's life: that open handle is what Windows refuses to delete
    assert os.path.samefile(f"/proc/self/fd/{fd}", tmp_path / LOCK_NAME)
    # the pid note lies before the locked byte, so another process can read who holds it
    assert (tmp_path / LOCK_NAME).read_text("ascii") == str(os.getpid())
    assert len(str(os.getpid())) < windows.LOCK_OFFSET
    held.release()
    assert windows_side.held == {}
    with pytest.raises(OSError):
        os.fstat(fd)


def test_a_second_lock_leaves_the_holders_note_alone(tmp_path, windows_side):
    held = lock_folder(tmp_path)
    with pytest.raises(FolderLocked) as refused:
        lock_folder(tmp_path)
    assert refused.value.holder == str(os.getpid())
    assert (tmp_path / LOCK_NAME).read_text("ascii") == str(os.getpid())
    held.release()


def test_a_new_month_on_windows_never_opens_the_folder_as_a_file(
    tmp_path, windows_side, monkeypatch
):
    """Windows refuses ``os.open`` on a folder (PermissionError); the old fsync_dir did it."""
    real_open = os.open

    def windows_open(path, flags, *args):
        if Path(path).is_dir():
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    key = create_private_key(tmp_path / "k.pem")
    monkeypatch.setattr(os, "open", windows_open)
    ledger = Ledger.open(tmp_path / "ledger", key, "T01")
    ledger.append("outage.started", {}, datetime(2026, 10, 31, 10, tzinfo=BEIJING))
    ledger.append("outage.ended", {}, datetime(2026, 11, 1, 10, tzinfo=BEIJING))
    ledger.close()
    monkeypatch.setattr(os, "open", real_open)
    reopened = Ledger.open(tmp_path / "ledger", None, "T01", readonly=True)
    assert [r["seq"] for r in reopened.records()] == [1, 2]
    reopened.close()


class FakeKernel32:
    """``GetLogicalDrives`` / ``GetDriveTypeW`` / ``GetVolumeInformationW`` for a made-up PC."""

    def __init__(self, drives: dict[str, tuple[int, bool]]) -> None:
        self.drives = drives  # letter -> (drive type, has a medium)

    def GetLogicalDrives(self) -> int:
        return sum(1 << (ord(letter) - ord("A")) for letter in self.drives)

    def GetDriveTypeW(self, root: str) -> int:
        return self.drives[root[0]][0]

    def GetVolumeInformationW(self, root: str, *_: object) -> int:
        return int(self.drives[root[0]][1])


def test_usb_sticks_on_windows_are_the_removable_drive_letters_with_a_medium(
    windows_side, monkeypatch
):
    fixed, removable, cdrom = 3, windows.DRIVE_REMOVABLE, 5
    pc = {"C": (fixed, True), "D": (cdrom, True), "E": (removable, True), "F": (removable, False)}
    monkeypatch.setattr(windows, "_kernel32", lambda: FakeKernel32(pc))
    assert [str(drive) for drive in removable_drives()] == ["E:\\"]


def test_fsync_dir_on_windows_opens_nothing(tmp_path, windows_side, monkeypatch):
    def no_open(*args, **kwargs):
        raise AssertionError("Windows cannot open a folder")

    monkeypatch.setattr(os, "open", no_open)
    windows.fsync_dir(tmp_path)
