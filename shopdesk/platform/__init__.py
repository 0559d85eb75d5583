"""The one seam between shopdesk and the operating system: a POSIX side and a Windows side.

Everything that differs between Linux/macOS and Windows 10/11 is answered here
and nowhere else (``tests/test_platform_seam.py`` keeps it so):

* :func:`lock_folder` — the one-writer lock on a ledger folder, which can't be
  deleted from under the writer (issue 11, item 3; issue 15, item 5);
* :func:`fsync_dir` — making a created or renamed entry survive a power cut;
* :func:`removable_drives` — where a USB stick appears (mount points vs drive letters);
* :func:`configure_serial` / :func:`flush_serial_input` — a POSIX tty as a printer line;
* :data:`O_BINARY` — ``os.open`` flag without which Windows writes ``\\r\\n`` for ``\\n``.

:func:`side` picks the implementation from ``os.name``; tests replace it to run the
Windows side on this machine with a fake ``msvcrt``/``ctypes`` (``tests/platform``).
Both sides import their OS-only modules inside functions, so each is importable everywhere.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

from shopdesk.platform import posix, windows
from shopdesk.platform.common import LOCK_NAME, O_BINARY, FolderLock, FolderLocked

__all__ = [
    "LOCK_NAME",
    "O_BINARY",
    "FolderLock",
    "FolderLocked",
    "configure_serial",
    "flush_serial_input",
    "fsync_dir",
    "lock_folder",
    "removable_drives",
    "side",
]


def side() -> ModuleType:
    """The implementation for this OS: :mod:`.windows` on Windows, else :mod:`.posix`."""
    return windows if os.name == "nt" else posix


def lock_folder(folder: Path) -> FolderLock:
    """Hold the one-writer lock on ``folder`` until :meth:`FolderLock.release`.

    Raises :class:`FolderLocked` (with the holder's pid, as noted) when another
    process holds it. The OS releases it when the process dies, so a crash never
    leaves a stale lock.
    """
    return side().lock_folder(folder)


def fsync_dir(folder: Path) -> None:
    """Make a created or renamed entry in ``folder`` survive a power cut (see each side)."""
    side().fsync_dir(folder)


def removable_drives() -> list[Path]:
    """Where a USB stick plugged in now can be written: mount points, or drive letters."""
    return side().removable_drives()


def configure_serial(fd: int, baudrate: int) -> None:
    """Set a serial device open on ``fd`` to raw mode at ``baudrate`` (``ValueError`` if unknown)."""
    side().configure_serial(fd, baudrate)


def flush_serial_input(fd: int) -> None:
    """Drop unread input on a serial device (a late answer to an earlier query)."""
    side().flush_serial_input(fd)
