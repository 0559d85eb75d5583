"""Where a batch goes: the folder used last, else the first USB stick plugged in, else asked.

The app asks for the folder and offers one; these rules decide what it offers
and what it accepts, and say in error codes (worded in :mod:`shopdesk.messages`)
why a folder cannot take the batch.
"""

from __future__ import annotations

import os
from pathlib import Path

from shopdesk.errors import InvalidInput
from shopdesk.platform import removable_drives

__all__ = [
    "check_folder",
    "on_removable_drive",
    "removable_drives",
    "shop_exports",
    "suggested_folder",
]


def shop_exports(home: Path) -> Path:
    """``<home>/exports``, ``shopdesk export``'s default folder."""
    return Path(os.path.abspath(home / "exports"))


def suggested_folder(drives: list[Path], remembered: str = "") -> Path | None:
    """The folder the app offers for a batch, or ``None``: then it asks.

    The folder exported to last time (kept in the UI state), if it is there now
    (the same stick, mounted again); else the first USB drive plugged in. Never
    the till's own disk by default: a batch written there is not in the
    accountant's hands, and the cashier believed it was on the stick.
    """
    if remembered:
        path = Path(remembered)
        try:
            if path.is_absolute() and path.is_dir():
                return path
        except OSError:
            pass
    return drives[0] if drives else None


def on_removable_drive(folder: Path, drives: list[Path]) -> bool:
    """Is ``folder`` one of ``drives`` or inside one (what the dialog says about it)."""
    return any(folder == drive or drive in folder.parents for drive in drives)


def check_folder(text: str, home: Path) -> Path:
    """The folder typed, if the batch may be written there; else ``InvalidInput``.

    The folder must already exist. A USB stick appears as a folder the system
    made when it was plugged in (``/media/anna/KINGSTON``, or ``E:\\`` on Windows): creating a missing
    folder would turn a typo, or a stick that is not plugged in, into a batch
    quietly written to the till's own disk while the stick stays empty. The one
    exception is the shop home's own ``exports`` folder, which is ours to create
    (as ``shopdesk export`` does). Whether the folder can be written to is left
    to the export itself: its error says what to check, and it leaves nothing
    behind.
    """
    text = text.strip()
    if not text:
        raise InvalidInput("export.folder_empty")
    path = Path(text).expanduser()
    if not path.is_absolute():
        raise InvalidInput("export.folder_relative", folder=text)
    ours = shop_exports(home)
    if Path(os.path.abspath(path)) == ours:
        return ours
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InvalidInput("export.folder_unreadable", folder=str(path), reason=reason) from error
    if not exists:
        raise InvalidInput("export.folder_missing", folder=str(path))
    if not is_dir:
        raise InvalidInput("export.folder_is_file", folder=str(path))
    return path
