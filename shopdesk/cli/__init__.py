"""The scriptable front end: ``shopdesk [--home DIR] [--lang zh|en] COMMAND …``.

``--home`` and ``--lang`` may also follow the command (see :class:`CommandParser`).

Each command parses its arguments, calls one service, and prints the result or
the error in the user's language. Errors exit non-zero with the family's code
(see :mod:`shopdesk.errors`); nothing here decides business rules.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import Any, NoReturn

from shopdesk import __version__, i18n
from shopdesk import clock as clock_seam  # not .clock: shopdesk.cli.clock is a command module
from shopdesk.cli.common import cells, wrap_cells
from shopdesk.errors import ShopdeskError
from shopdesk.i18n import _
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


def home_folder(option: str | None) -> Path:
    """The shop home: ``--home`` if given, else $SHOPDESK_HOME or the user data folder."""
    from shopdesk.home import default_home

    return Path(option).expanduser() if option else default_home()


def choose_language(option: str | None, home: Path) -> str:
    """The one decision of the CLI's language: ``--lang``, $SHOPDESK_LANG, the profile, the system.

    ``main`` makes it before the parser exists (help and usage errors speak it
    too) and :class:`Context` again with the parsed options; both come here.
    """
    import tomllib

    for lang in (option, os.environ.get("SHOPDESK_LANG")):
        if lang in i18n.LOCALES:
            return lang
    try:
        data = tomllib.loads((home / "profile.toml").read_text(encoding="utf-8-sig"))
        lang = data.get("shop", {}).get("language")
        if lang in i18n.LOCALES:
            return lang
    except (OSError, ValueError):
        pass
    return system_language()


def option_in(argv: Sequence[str], name: str) -> str | None:
    """The value of a global option (``--lang zh`` or ``--lang=zh``) wherever it is typed.

    The parser cannot tell us: its help and errors must already be in the
    language. The later one wins, as in :class:`CommandParser`.
    """
    value = None
    for index, word in enumerate(argv):
        if word == "--":
            break
        if word == name and index + 1 < len(argv):
            value = argv[index + 1]
        elif word.startswith(name + "="):
            value = word.partition("=")[2]
    return value


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Speak ``lang`` in our strings and argparse's own ("usage:", "error:") for one run.

    argparse looks its words up through its module-level ``_`` (Python 3.11-3.13),
    so pointing that at our catalog translates them with the rest; their msgids
    are listed in :mod:`shopdesk.cli.argparse_words`. (Its few plural messages,
    e.g. "expected 2 arguments", stay English: no command takes a fixed count.)
    The previous language comes back afterwards (tests call :func:`main` in-process).
    """
    before = i18n.language()
    words = argparse._  # type: ignore[attr-defined]
    i18n.set_language(lang)
    argparse._ = i18n._  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = words  # type: ignore[attr-defined]
        i18n.set_language(before)


class Context:
    """What every command needs: where the shop is and which language to speak."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.home: Path = home_folder(args.home)
        self.lang: str = choose_language(args.lang, self.home)

    def adopt_profile_language(self, language: str) -> None:
        """After ``init`` the profile exists: speak its language unless told otherwise."""
        if not self.args.lang and not os.environ.get("SHOPDESK_LANG"):
            self.lang = language
            i18n.set_language(language)

    def say(self, code: str, **data: object) -> str:
        return message(code, self.lang, **data)

    def out(self, text: str = "") -> None:
        print(text, flush=True)

    def warn(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help laid out in terminal columns, where a Chinese character takes two.

    argparse counts characters: Chinese help overflowed the terminal, and an
    option with a Chinese placeholder (``--home 目录``) pushed its help out of the
    column the others share.
    """

    #: A section heading argparse ends with an ASCII colon, when the heading is Chinese.
    _CHINESE_HEADING = re.compile(r"^(.*[\u3400-\u9fff].*):$", re.MULTILINE)

    def format_help(self) -> str:
        """Chinese headings take the Chinese colon ("位置参数：") that argparse cannot give them."""
        return self._CHINESE_HEADING.sub(r"\1：", super().format_help())

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_cells(self._whitespace_matcher.sub(" ", text).strip(), width)

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        head = " " * self._current_indent + self._format_action_invocation(action)
        extra = cells(head) - len(head)  # the columns argparse did not count
        if extra and text.startswith(head + " " * (extra + 2)):
            text = head + text[len(head) + extra :]
        return text


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
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self.add_argument(
            "--home",
            default=global_default,
            metavar=_("DIR"),
            help=_("shop home folder (default: $SHOPDESK_HOME or the user data folder)"),
        )
        self.add_argument(
            "--lang",
            choices=tuple(i18n.LOCALES),
            default=global_default,
            help=_("language of messages, help and errors (default: the profile's)"),
        )

    def error(self, message: str) -> NoReturn:
        """argparse's usage error, plus what to do about it; exit code 2 as before."""
        self.print_usage(sys.stderr)
        self.exit(
            2,
            _("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message}
            + _("Run %(prog)s --help to see how to use it.") % {"prog": self.prog}
            + "\n",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="shopdesk",
        description=_("Provisional receipts while the e-invoice system is down"),
        global_default=None,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"shopdesk {__version__}",
        help=_("show the version and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    home = home_folder(option_in(argv, "--home"))
    with speaking(choose_language(option_in(argv, "--lang"), home)):
        return _run(argv)


def command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Any:
    """The parser of the (sub-)command that ``args`` chose, e.g. ``shopdesk outage status``'s."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = action.choices.get(getattr(args, action.dest, None) or "")
            if chosen is not None:
                return command_parser(chosen, args)
    return parser


def _run(argv: list[str]) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # argparse names the top parser here; the user needs the command's help
        command_parser(parser, args).error(_("unrecognized arguments: %s") % " ".join(extra))
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
