"""The Windows side of the seam (Windows 10/11, NTFS): a share-mode lock, drive letters.

Importable on any OS (``msvcrt``/``ctypes.windll`` are reached inside functions),
so ``tests/platform`` runs it here against fakes. What that cannot show, and how
a shop tries it on a real PC, is in ``docs/windows.md``.
"""

from __future__ import annotations

import contextlib
import os
import string
from pathlib import Path
from typing import Any

from shopdesk.platform.common import (
    LOCK_NAME,
    O_BINARY,
    FolderLock,
    FolderLocked,
    noted_holder,
    pid_note,
)

#: The byte ``msvcrt.locking`` locks, far past the pid note: Windows byte-range locks
#: are mandatory, so a lock on byte 0 would stop others reading who holds it.
LOCK_OFFSET = 1 << 20
#: ``GetDriveTypeW``: a drive Windows calls removable (USB sticks, SD cards).
DRIVE_REMOVABLE = 2


def lock_folder(folder: Path) -> FolderLock:
    """``writer.lock`` kept open for the writer's life, with one byte locked by ``msvcrt``.

    Why it cannot be deleted from under the writer (the flaw of issue 11, item 3):
    CPython opens files without ``FILE_SHARE_DELETE``, and Windows refuses to
    delete or rename a file that is open without it ("being used by another
    process"); nor can the ledger folder holding it be deleted or renamed. The
    byte lock is what a second writer meets: ``LK_NBLCK`` fails at once while we
    hold it. Both end when the process does, so a crash leaves no stale lock.
    """
    import msvcrt

    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | O_BINARY, 0o644)
    try:
        os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        os.close(fd)
        raise FolderLocked(folder, noted_holder(folder)) from None
    with contextlib.suppress(OSError):  # only informational: a full disk must not stop the lock
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, pid_note())

    def release() -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        os.close(fd)

    return FolderLock(folder, release)


def fsync_dir(folder: Path) -> None:
    """Nothing to do, and nothing Windows would allow: it refuses to open a folder as a file.

    NTFS records every create and rename in its own metadata journal, so a folder
    is never left half-updated; SQLite's Windows VFS likewise syncs no directory
    (``os_win.c``). Not tried against a real power cut here: ``docs/windows.md``.
    """
    del folder


def _kernel32() -> Any:
    """``kernel32`` through ctypes; a function so tests can hand in a fake."""
    import ctypes

    return ctypes.windll.kernel32  # type: ignore[attr-defined]


def removable_drives() -> list[Path]:
    """Drive letters Windows calls removable and that hold a medium now (``E:\\``).

    ``GetLogicalDrives`` is a bitmask (bit 0 = ``A:``); ``GetDriveTypeW`` says
    removable; ``GetVolumeInformationW`` fails for an empty card reader slot. A
    USB disk that calls itself fixed is not offered: the cashier types its letter.
    """
    kernel32 = _kernel32()
    mask = kernel32.GetLogicalDrives()
    found = []
    for index, letter in enumerate(string.ascii_uppercase):
        root = f"{letter}:\\"
        if (
            mask & (1 << index)
            and kernel32.GetDriveTypeW(root) == DRIVE_REMOVABLE
            and kernel32.GetVolumeInformationW(root, None, 0, None, None, None, None, 0)
        ):
            found.append(Path(root))
    return found


def configure_serial(fd: int, baudrate: int) -> None:
    """Never reached: on Windows a serial printer is a ``COMn`` port, opened through pyserial."""
    raise OSError("a serial printer on Windows is serial:COM3 (needs pyserial)")


def flush_serial_input(fd: int) -> None:
    configure_serial(fd, 0)
