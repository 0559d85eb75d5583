"""Run the Windows side of the platform seam on this machine, against fakes.

``fake_msvcrt`` behaves like ``msvcrt.locking`` on one machine: a byte locked
through one descriptor of a file cannot be locked through another (any process,
any descriptor) until it is unlocked or the descriptor closed. ``windows_side``
forces :func:`shopdesk.platform.side` to the Windows module and hides ``fcntl``,
so nothing on that path can lean on a POSIX lock.
"""

from __future__ import annotations

import errno
import os
import sys
import types

import pytest

import shopdesk.platform
from shopdesk.platform import windows


class FakeMsvcrt(types.ModuleType):
    LK_UNLCK, LK_LOCK, LK_NBLCK = 0, 1, 2

    def __init__(self) -> None:
        super().__init__("msvcrt")
        #: (device, inode, offset) -> the descriptor holding it
        self.held: dict[tuple[int, int, int], int] = {}
        self.calls: list[tuple[int, int, int]] = []

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        info = os.fstat(fd)
        offset = os.lseek(fd, 0, os.SEEK_CUR)
        self.calls.append((mode, offset, nbytes))
        key = (info.st_dev, info.st_ino, offset)
        holder = self.held.get(key)
        if holder is not None and not _is_open(holder):
            del self.held[key]  # the OS dropped it with the descriptor
            holder = None
        if mode == self.LK_UNLCK:
            if holder == fd:
                del self.held[key]
            return
        if holder is not None:
            raise PermissionError(errno.EACCES, "Permission denied")
        self.held[key] = fd


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


@pytest.fixture
def fake_msvcrt(monkeypatch):
    fake = FakeMsvcrt()
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    return fake


@pytest.fixture
def windows_side(monkeypatch, fake_msvcrt):
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` now fails, as on Windows
    monkeypatch.setattr(shopdesk.platform, "side", lambda: windows)
    return fake_msvcrt
