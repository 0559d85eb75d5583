"""A fake ESC/POS network printer on 127.0.0.1, for testing every printer fault.

Modes:

* ``ok`` — reads everything, answers DLE EOT like a healthy printer.
* ``paper_out`` — answers DLE EOT 4 with "paper end".
* ``paper_low`` — answers DLE EOT 4 with "paper near end" (and prints).
* ``offline`` — answers DLE EOT 1 with "offline" (cover open).
* ``stall`` — accepts the connection and then never reads or answers (jammed, hung).
* ``drop`` — answers the first status query, then resets the connection mid-job.
* ``silent`` — reads everything but never answers a status query.
* ``jam`` — answers the first status query, then stops reading (paper jam, full buffer).

``refused`` is not a mode of a running server: :func:`refused_port` gives a port
nothing listens on.
"""

from __future__ import annotations

import socket
import struct
import threading

STATUS_OK = 0x12
STATUS_OFFLINE = 0x12 | 0x08
PAPER_OUT = 0x12 | 0x60
PAPER_LOW = 0x12 | 0x0C
DLE_EOT = b"\x10\x04"


class FakePrinter:
    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = bytearray()  # job bytes, status queries taken out
        self.queries: list[int] = []
        self.connections = 0
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _reply(self, kind: int) -> bytes:
        if kind == 1:
            return bytes([STATUS_OFFLINE if self.mode == "offline" else STATUS_OK])
        if kind == 4:
            paper = {"paper_out": PAPER_OUT, "paper_low": PAPER_LOW}.get(self.mode, STATUS_OK)
            return bytes([paper])
        return bytes([STATUS_OK])

    def _serve(self) -> None:
        try:
            self.server.settimeout(0.1)
        except OSError:
            return
        while True:
            stopping = self._stop.is_set()
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                if stopping:  # nothing left in the backlog
                    return
                continue
            except OSError:
                return
            self.connections += 1
            if self.mode == "stall":
                self._held.append(conn)  # never read: the client's waits must time out
                continue
            self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        pending = bytearray()
        answered = 0
        with conn:
            while True:
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    if self._stop.is_set():  # idle and asked to stop
                        self.received += pending
                        return
                    continue
                except OSError:
                    return
                if not chunk:
                    self.received += pending
                    return
                pending += chunk
                # A client waits for the answer after a status query, so a query is
                # always the tail of what has arrived when it matters.
                if len(pending) >= 3 and pending[-3:-1] == DLE_EOT and pending[-1] in (1, 2, 4):
                    kind = pending[-1]
                    self.received += pending[:-3]
                    pending.clear()
                    self.queries.append(kind)
                    if self.mode == "silent":
                        continue
                    if self.mode == "drop" and answered >= 1:
                        return self._reset(conn)
                    conn.sendall(self._reply(kind))
                    answered += 1
                    if self.mode == "jam" and answered >= 2:  # both pre-job queries answered
                        self._held.append(conn)
                        self._stop.wait()
                        return
                elif self.mode == "drop" and answered >= 1 and len(pending) > 64:
                    self.received += pending
                    return self._reset(conn)

    @staticmethod
    def _reset(conn: socket.socket) -> None:
        # SO_LINGER 0: close with RST, as a printer that loses power does
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    def close(self) -> None:
        """Stop after taking in whatever clients already sent."""
        self._stop.set()
        for conn in self._held:
            conn.close()
        self._thread.join(timeout=2)
        self.server.close()


def refused_port() -> int:
    """A local port with nothing listening (bound, read, released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
