"""The scriptable front end: ``shopdesk [--home DIR] [--lang zh|en] COMMAND …``.

``--home`` and ``--lang`` may also follow the command (see :class:`CommandParser`).

Each command parses its arguments, calls one service, and prints the result or
the error in the user's language. Errors exit non-zero with the family's code
(see :mod:`shopdesk.errors`); nothing here decides business rules.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path
from typing import Any

from shopdesk import __version__
from shopdesk import clock as clock_seam  # not .clock: shopdesk.cli.clock is a command module
from shopdesk.errors import ShopdeskError
from shopdesk.messages import message, system_language

#: Modules that each add their subcommands with ``register(subparsers)``.
COMMAND_MODULES = (
    "shopdesk.cli.core",
    "shopdesk.cli.printing",
    "shopdesk.cli.outage",
    "shopdesk.cli.clock",
    "shopdesk.cli.reports",
    "shopdesk.cli.export",
    "shopdesk.cli.backup",
    "shopdesk.cli.app",
    "shopdesk.cli.catalog",
    "shopdesk.cli.profile",
    "shopdesk.cli.drawer",
)


class Context:
    """What every command needs: where the shop is and which language to speak."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        from shopdesk.services.shop import default_home

        self.home: Path = Path(args.home).expanduser() if args.home else default_home()
        self.lang: str = args.lang or os.environ.get("SHOPDESK_LANG") or self._profile_language()

    def _profile_language(self) -> str:
        import tomllib

        try:
            data = tomllib.loads((self.home / "profile.toml").read_text(encoding="utf-8-sig"))
            lang = data.get("shop", {}).get("language")
            if lang in ("zh", "en"):
                return lang
        except (OSError, ValueError):
            pass
        return system_language()

    def adopt_profile_language(self, language: str) -> None:
        """After ``init`` the profile exists: speak its language unless told otherwise."""
        if not self.args.lang and not os.environ.get("SHOPDESK_LANG"):
            self.lang = language

    def say(self, code: str, **data: object) -> str:
        return message(code, self.lang, **data)

    def out(self, text: str = "") -> None:
        print(text, flush=True)

    def warn(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)


class CommandParser(argparse.ArgumentParser):
    """A parser that takes the global options too: ``--home`` and ``--lang`` anywhere.

    Users type ``shopdesk restore FROM --home NEWDIR`` (the README did) as often as
    ``shopdesk --home NEWDIR restore FROM``, so every parser — the top one, each
    command's and each sub-command's (``outage status``, ``clock status``) — accepts
    them (issue 15, item 3). argparse builds the sub-parsers from this same class,
    so a command module cannot forget them. Below the top, the default is
    ``SUPPRESS``: a command that was not given the option leaves the value typed
    before it alone instead of resetting it; given twice, the later one wins.
    """

    def __init__(self, *args: Any, global_default: object = argparse.SUPPRESS, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.add_argument(
            "--home",
            default=global_default,
            help="shop home folder (default: $SHOPDESK_HOME or the user data folder)",
        )
        self.add_argument(
            "--lang",
            choices=("zh", "en"),
            default=global_default,
            help="language of messages (default: the profile's)",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="shopdesk",
        description="Provisional receipts while the e-invoice system is down / 发票系统故障期间的临时收据",
        global_default=None,
    )
    parser.add_argument("--version", action="version", version=f"shopdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        # No command: the till app, the product's main job.
        from shopdesk.cli.common import open_app

        args.run = open_app
    ctx = Context(args)
    try:
        return int(args.run(ctx) or 0)
    except ShopdeskError as exc:
        ctx.warn(ctx.say(exc.code, **exc.data))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0
    except Exception as exc:  # the last line of defence: log, say so, never a bare trace
        log = _log_unexpected(ctx.home)
        ctx.warn(ctx.say("error.unexpected", error=f"{type(exc).__name__}: {exc}", log=log))
        return 70


def _log_unexpected(home: Path) -> str:
    try:
        folder = home / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "errors.log"
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {clock_seam.now(UTC).isoformat()} shopdesk {__version__}\n")
            log.write(traceback.format_exc())
        return str(path)
    except OSError:  # no log (e.g. --home names a file): the details go to stderr instead
        traceback.print_exc()
        return "(stderr)"
