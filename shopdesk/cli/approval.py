"""The manager's PIN at the command line: typed without echo, or from a file for scripts.

Never an argument: a PIN on the command line is in the shell history and in
every ``ps`` listing. ``SHOPDESK_PIN_FILE`` names a file whose first line is the
PIN (for a script the shopkeeper trusts); otherwise a terminal is asked with no
echo, and a pipe gives its first line.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from shopdesk.errors import InvalidInput

if TYPE_CHECKING:
    from shopdesk.cli import Context

PIN_FILE_ENV = "SHOPDESK_PIN_FILE"


def read_manager_pin(ctx: Context) -> str:
    """The PIN the person at the till gives; an empty answer is refused, saying how."""
    named = os.environ.get(PIN_FILE_ENV, "").strip()
    try:
        if named:
            lines = Path(named).read_text(encoding="utf-8").splitlines()
            pin = lines[0] if lines else ""
        elif sys.stdin is not None and sys.stdin.isatty():
            pin = ask_pin(ctx.say("clock.pin_prompt"))
        else:
            pin = sys.stdin.readline() if sys.stdin is not None else ""
    except (OSError, EOFError, UnicodeDecodeError):
        pin = ""
    pin = pin.strip()
    if not pin:
        raise InvalidInput("clock.pin_missing")
    return pin


def ask_pin(prompt: str) -> str:
    """One PIN without echo; no terminal and nothing to read is a user error, not a crash.

    Without a terminal ``getpass`` reads a line of stdin: at its end that is
    ``EOFError``, and with stdin closed (``sys.stdin`` is ``None``) an
    ``AttributeError`` from inside ``getpass`` (issue 15, item 4).
    """
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise InvalidInput("pin.not_given") from None
    except AttributeError:
        if sys.stdin is not None:
            raise
        raise InvalidInput("pin.not_given") from None
