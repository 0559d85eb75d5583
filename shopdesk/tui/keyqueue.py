"""Keys from the terminal, handed to the app one at a time, each once the last one is done.

Textual forwards a key to the widget focused *when the app reads the key*, and
a key that widget does not handle comes back to the app (for the screen's
bindings) behind every key already read. A scanner or a fast typist fills the
app's queue before the first key is handled, so the keys after an Enter went to
the field that had focus before the Enter moved it (a PIN change typed in one
burst put all 12 digits in "current PIN"), and F10s were taken as bindings of
the screen that was already gone (5 scan + pay bursts made 2 receipts).

Here the app holds the keys as they arrive and releases the next one only when
every part of the app has finished with the one before: its messages handled,
a new dialog mounted, focus moved. A key typed slowly finds the app settled and
goes through at once; in a burst each key waits a few turns of the event loop,
except a character typed into a text field, which moves nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.widgets import Input

if TYPE_CHECKING:
    from textual import events
    from textual.app import App
    from textual.message_pump import MessagePump

#: A key waits at most this long for the app to settle (a widget that never goes
#: idle must not swallow the keyboard).
SETTLE_LIMIT_SECONDS = 0.5
#: Turns of the event loop checked back to back before waiting a millisecond each.
FAST_TURNS = 50


def busy(pump: MessagePump) -> bool:
    """Has ``pump`` messages queued, one in hand, or callbacks due after the refresh?"""
    queue = pump._message_queue
    return bool(getattr(queue, "_unfinished_tasks", queue.qsize()) or pump._next_callbacks)


class KeyQueue:
    """The app's keys in the order typed, each delivered when the app is ready for it."""

    def __init__(self, app: App, deliver: Callable[[events.Key], bool]) -> None:
        self.app = app
        self.deliver = deliver
        self.held: deque[events.Key] = deque()
        self.feeder: asyncio.Task[None] | None = None

    def hold(self, key: events.Key) -> bool:
        """Queue ``key``; the feeder hands it to the app in turn."""
        self.held.append(key)
        if self.feeder is None:
            self.feeder = asyncio.get_running_loop().create_task(self._feed())
        return True

    async def _feed(self) -> None:
        try:
            while self.held:
                key = self.held.popleft()
                # A character typed into a text field changes nothing but that field:
                # the next key can follow at once (a scan's digits cost no waiting).
                typing = key.is_printable and isinstance(self.app.focused, Input)
                if not self.deliver(key):
                    self.held.clear()  # the app is closing
                    break
                if not typing:
                    await self.settled()
        finally:
            self.feeder = None

    async def settled(self) -> None:
        """Wait until no part of the app has work left from the keys delivered so far."""
        deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
        turns = 0
        while time.monotonic() < deadline:
            await asyncio.sleep(0 if turns < FAST_TURNS else 0.001)
            turns += 1
            if not busy(self.app) and not any(busy(node) for node in list(self.app._registry)):
                return

    async def drained(self) -> None:
        """Wait until every key typed so far has been handled (tests, the benchmark)."""
        while self.feeder is not None:
            await asyncio.sleep(0.001)

    def stop(self) -> None:
        """At exit: keys still held are dropped with the app."""
        self.held.clear()
        if self.feeder is not None:
            self.feeder.cancel()
