"""Errors in the app: shown where they happen, never a crash, never a lost sale.

Textual stops a widget's message loop and then the app when a handler raises,
so every action and event handler of the app is wrapped in :func:`guarded`:
a ``ShopdeskError`` becomes its translated sentence in a notification; anything
else is logged with its traceback to ``<home>/logs/errors.log`` and reported.
The cart lives on the app, so nothing the cashier typed is lost either way.
"""

from __future__ import annotations

import functools
import inspect
import traceback
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any, TypeVar

from shopdesk import __version__, clock

F = TypeVar("F", bound=Callable[..., Any])


def log_unexpected(home: Path | None, error: BaseException) -> str:
    """Append the traceback to the shop's error log; the path, or "(stderr)"."""
    text = "".join(traceback.format_exception(error))
    try:
        if home is None:
            raise OSError
        folder = home / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "errors.log"
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {clock.now(UTC).isoformat()} shopdesk {__version__} (app)\n")
            log.write(text)
        return str(path)
    except OSError:
        import sys

        print(text, file=sys.stderr)
        return "(stderr)"


def guarded(method: F) -> F:
    """Run a handler; report whatever it raises through ``self.app.report_error``."""
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def run_async(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(self, *args, **kwargs)
            except Exception as error:
                self.app.report_error(error)
                return None

        return run_async  # type: ignore[return-value]

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            self.app.report_error(error)
            return None

    return run  # type: ignore[return-value]
