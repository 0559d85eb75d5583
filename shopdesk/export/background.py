"""One function call in a worker process on the second core, its answer fetched later.

Export and verify-batch each have two halves that need none of each other's
state (the range check and the writer; the chain walk and the per-receipt
pass). On the two-core till PCs we target, running one half in a worker while
the main process does the other roughly halves the wall time (issue 12, speed).

The answer is the same either way: if the worker cannot start, dies, or fails
in an unexpected way, :meth:`Background.result` runs the function in the main
process, so the main process then sees the error itself. A
:class:`~shopdesk.errors.ShopdeskError` the function raises on purpose is
re-raised in the main process with its code and data.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from shopdesk.errors import ShopdeskError

OK, FAILED = "ok", "error"


def _work(function: Callable[..., Any], args: tuple, conn: Connection) -> None:
    """The worker: send ("ok", value), ("error", (type, code, data)), or None (redo in-process)."""
    try:
        try:
            answer: tuple | None = (OK, function(*args))
        except ShopdeskError as exc:
            answer = (FAILED, (type(exc), exc.code, exc.data))
        conn.send(answer)
    except BaseException:  # the main process redoes it, and so sees the error
        conn.send(None)
    finally:
        conn.close()


class Background:
    """``function(*args)`` started in a worker process; :meth:`result` waits for it.

    ``fork`` is used when the process has a single thread (a fork copies no other
    thread, so a lock one of them held would stay locked in the child) — nothing
    is re-imported and ``args`` need not be picklable. Otherwise ``spawn`` if
    ``spawn`` is true (``args`` must pickle), else no worker; none either when
    ``start`` is false (a small job: a process costs more to start than it
    saves). Without a worker :attr:`started` is false and :meth:`result`
    computes the answer in this process.
    """

    def __init__(
        self, function: Callable[..., Any], *args: Any, spawn: bool = False, start: bool = True
    ) -> None:
        self.function = function
        self.args = args
        self.process: multiprocessing.process.BaseProcess | None = None
        self.conn: Connection | None = None
        self.done = False
        self.answer: Any = None
        methods = multiprocessing.get_all_start_methods()
        if not start:
            return
        if "fork" in methods and threading.active_count() == 1:
            self._start("fork")
        elif spawn:
            self._start("spawn")

    @property
    def started(self) -> bool:
        return self.conn is not None

    def _start(self, method: str) -> None:
        context = multiprocessing.get_context(method)
        receive, send = context.Pipe(duplex=False)
        try:
            self.process = context.Process(
                target=_work, args=(self.function, self.args, send), daemon=True
            )
            self.process.start()
        except OSError:
            self.process = None
            receive.close()
        else:
            self.conn = receive
        finally:
            send.close()

    def result(self) -> Any:
        """The function's value (raising what it raised): from the worker, or computed here."""
        if not self.done:
            answer = None
            if self.conn is not None:
                try:
                    answer = self.conn.recv()
                except (EOFError, OSError):
                    answer = None
                self.close()
            if answer is None:
                answer = (OK, self.function(*self.args))
            self.answer, self.done = answer, True
        kind, value = self.answer
        if kind == FAILED:
            error_type, code, data = value
            raise error_type(code, **data)
        return value

    def close(self) -> None:
        """Stop the worker if it still runs (the main process failed first)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
            self.process = None


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector for a pass over a batch's records.

    Each parsed record is a tree of fresh dicts and lists, freed by reference
    counting as soon as the next one is read; the collector still runs every
    ~700 allocations and walks them for cycles there are none of: ~0.5 s of
    CPU per 100k receipts in each process (issue 12, speed). Reference
    counting still frees everything; the collector is back on afterwards.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
