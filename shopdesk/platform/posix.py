"""The POSIX side of the seam (Linux, macOS): ``flock``, directory ``fsync``, mount points, termios."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from shopdesk.platform.common import (
    LOCK_NAME,
    O_BINARY,
    FolderLock,
    FolderLocked,
    noted_holder,
    pid_note,
)


def lock_folder(folder: Path) -> FolderLock:
    """An exclusive ``flock`` on a descriptor of the folder itself, then a pid note.

    The lock is on the folder, not on a file in it: a file can be deleted from
    under its lock and recreated, and the next process then locks the new file
    while we still write (issue 11, item 3). The folder cannot vanish while it
    holds the journal. ``writer.lock`` only records who holds the lock.
    """
    import fcntl

    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(dir_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(dir_fd)
        raise FolderLocked(folder, noted_holder(folder)) from None
    with contextlib.suppress(OSError):  # only informational: a full disk must not stop the lock
        fd = os.open(folder / LOCK_NAME, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | O_BINARY, 0o644)
        try:
            os.write(fd, pid_note())
        finally:
            os.close(fd)
    return FolderLock(folder, lambda: os.close(dir_fd))


def fsync_dir(folder: Path) -> None:
    """``fsync`` the folder: a new or renamed entry is only durable once its folder is."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def removable_drives() -> list[Path]:
    """Drives the system has mounted for the user, e.g. a USB stick.

    Where desktops put them: ``/media/<user>/<label>`` and ``/run/media/<user>/<label>``
    (Linux), ``/media/<label>`` (usbmount), ``/Volumes/<label>`` (macOS). Only real
    mount points count, so an empty folder left behind by an unplugged stick does not.
    """
    user = os.environ.get("USER") or os.environ.get("LOGNAME") or ""
    roots = [Path("/media"), Path("/Volumes")]
    if user:
        roots[:0] = [Path("/media") / user, Path("/run/media") / user]
    found: list[Path] = []
    for root in roots:
        try:
            entries = sorted(root.iterdir())
        except OSError:
            continue
        found.extend(entry for entry in entries if os.path.ismount(entry))
    return found


def configure_serial(fd: int, baudrate: int) -> None:
    """Raw mode at ``baudrate``; ``ValueError`` for a speed termios has no constant for."""
    import termios
    import tty

    speed = getattr(termios, f"B{baudrate}", None)
    if speed is None:
        raise ValueError(f"baudrate {baudrate}")
    try:
        tty.setraw(fd)
        attrs = termios.tcgetattr(fd)
        attrs[4] = attrs[5] = speed
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
    except termios.error as exc:
        raise OSError(str(exc)) from None


def flush_serial_input(fd: int) -> None:
    import termios

    termios.tcflush(fd, termios.TCIFLUSH)
