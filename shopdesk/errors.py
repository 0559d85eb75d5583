"""One error hierarchy for everything a user can meet.

A service never prints or exits: it raises one of these with a stable ``code`` and
the data a message needs. Front ends turn the code into words in the user's
language through :mod:`shopdesk.messages`, so the same failure reads the same in
the CLI and the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ShopdeskError(Exception):
    """Base of every error shopdesk raises on purpose."""

    #: Process exit code the CLI uses for this family of errors.
    exit_code = 1

    def __init__(self, code: str, **data: Any) -> None:
        self.code = code
        self.data = data
        super().__init__(f"{code}: {data}" if data else code)


class InvalidInput(ShopdeskError):
    """What a person typed or a file holds is not acceptable; nothing was changed."""

    exit_code = 2


class ConfigError(InvalidInput):
    """The shop profile or catalog is broken; data names the file, line and field."""


class ApprovalRefused(InvalidInput):
    """A controlled action lacks a manager's approval: no PIN, a wrong one, or PINs locked.

    Its own exit code (10) so a script tells "the PIN was refused" from a typo.
    """

    exit_code = 10


class LedgerError(ShopdeskError):
    """The journal cannot be opened, written or trusted."""

    exit_code = 3


class LedgerLocked(LedgerError):
    """Another shopdesk process holds the journal's writer lock."""


class LedgerTampered(LedgerError):
    """Verification found a record that is not what was written; data names it."""


class NotFound(ShopdeskError):
    """A receipt, batch or file the user named does not exist."""

    exit_code = 4


class PrinterError(ShopdeskError):
    """The printer could not be reached or did not confirm the job."""

    exit_code = 5


class BatchError(ShopdeskError):
    """An export batch cannot be written, or a received one does not verify."""

    exit_code = 6


class OfflineLimitReached(ShopdeskError):
    """A sale was refused because an offline limit is used up and the profile blocks.

    Like golden-tax offline invoicing, the shop must export (upload) what is waiting
    before it may sell again; nothing was written.
    """

    exit_code = 7


class BackupError(ShopdeskError):
    """A backup cannot be written or read, or a backup does not verify; data names why."""

    exit_code = 8


class ClockError(ShopdeskError):
    """The till's clock cannot stamp a record: earlier than the last one, or far ahead.

    A record's time is evidence; a PC whose CMOS battery died must not issue a
    receipt dated years before the last one. Nothing was written.
    """

    exit_code = 9


@dataclass(frozen=True)
class Notice:
    """A warning a service hands back beside its result: a code and its message data.

    Same shape as an error (code + data) so front ends translate it through
    :mod:`shopdesk.messages` the same way; unlike an error, the action went through.
    """

    code: str
    data: dict[str, Any] = field(default_factory=dict)
