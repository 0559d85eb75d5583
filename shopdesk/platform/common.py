"""What both sides of the platform seam share: the lock's handle and its refusal."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: ``os.open`` opens in text mode on Windows unless given ``O_BINARY`` (CPython ``os``
#: docs): a journal line's ``\n`` would be written as ``\r\n`` and fail its hash. 0 on POSIX.
O_BINARY: int = getattr(os, "O_BINARY", 0)
#: The file in a ledger folder that names the writer's pid (on Windows it is also
#: the file that holds the lock; see :mod:`shopdesk.platform.windows`).
LOCK_NAME = "writer.lock"


class FolderLocked(Exception):
    """Another process holds the folder's writer lock; ``holder`` is its noted pid or ``?``."""

    def __init__(self, folder: Path, holder: str) -> None:
        super().__init__(f"{folder} is locked by {holder}")
        self.folder, self.holder = folder, holder


@dataclass(slots=True)
class FolderLock:
    """A held writer lock; the OS drops it when the process ends, :meth:`release` sooner."""

    folder: Path
    _release: Callable[[], None] | None

    def release(self) -> None:
        if self._release is not None:
            release, self._release = self._release, None
            release()


def noted_holder(folder: Path) -> str:
    """The pid the lock holder wrote, or ``?`` if its note is gone or unreadable."""
    with contextlib.suppress(OSError):
        return (folder / LOCK_NAME).read_bytes()[:32].decode("ascii", "replace").strip() or "?"
    return "?"


def pid_note() -> bytes:
    return str(os.getpid()).encode("ascii")
