"""Printers named by URL, each reached with a timeout and honest about failure.

``usb:VID:PID``, ``serial:/dev/ttyUSB0?baudrate=9600`` (``serial:COM3`` on Windows),
``tcp://HOST[:9100]``, ``file:PATH`` (``/dev/usb/lp0`` or any file), ``cups:NAME``,
``spooler:NAME`` (a printer installed in Windows; ``win32raw:NAME`` too) and ``preview``.

Why not python-escpos's own printer classes: they open lazily (an unplugged
printer is reported at the first ``text()``, halfway through a receipt), its
``Network`` waits 60 s by default, ``paper_status()`` says "paper OK" when the
printer answers nothing, and ``Usb``/``Serial``/``CupsPrinter`` pull in pyusb,
pyserial and pycups at import. Here every connection opens eagerly, every wait
is bounded by the profile's ``timeout_seconds``, and every failure is a
:class:`~shopdesk.errors.PrinterError` whose code says what to check:

=====================  ===========================================================
``printer.refused``    nothing listens at that address (printer off, wrong port)
``printer.unreachable`` no route / host unknown / no such device file
``printer.timeout``    it took longer than ``timeout_seconds`` (hung, buffer full)
``printer.dropped``    the connection broke in the middle of the job
``printer.paper_out``  DLE EOT 4 says the roll is empty
``printer.offline``    DLE EOT 1 says offline (cover open, error)
``printer.no_reply``   a status query got no answer (jammed or not an ESC/POS printer)
``printer.permission`` the OS refused access (USB/serial udev rules, lp group)
``printer.bad_url``    the URL in the profile cannot be read
=====================  ===========================================================

A network printer that accepts the connection but prints nothing still takes a
few KB into its socket buffers, so ``send`` alone proves nothing: on ``tcp`` we
ask DLE EOT before and after the job, with a short timeout.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import select
import shutil
import socket
import stat
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from functools import partial
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from shopdesk import clock
from shopdesk.errors import PrinterError
from shopdesk.platform import O_BINARY, configure_serial, flush_serial_input

DEFAULT_TCP_PORT = 9100
DEFAULT_BAUDRATE = 9600
#: A status reply comes back in milliseconds; waiting longer only delays the cashier.
STATUS_TIMEOUT_S = 1.0
DLE_EOT = b"\x10\x04"
STATUS_PRINTER = 1  # DLE EOT 1: bit 3 = offline
STATUS_OFFLINE_CAUSE = 2  # DLE EOT 2: bit 2 cover open, bit 5 paper end stop, bit 6 error
STATUS_PAPER = 4  # DLE EOT 4: bits 2-3 near end, bits 5-6 paper end
#: A status byte always has bit 4 set and bits 0 and 7 clear (ESC/POS spec): anything
#: else is not a status reply.
STATUS_FIXED_MASK, STATUS_FIXED_BITS = 0x93, 0x12
#: A Windows serial port name (``serial:COM3``): opened through pyserial, not as a tty.
COM_PORT = re.compile(r"^COM\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class PrinterStatus:
    """What a printer said about itself; ``None`` fields could not be read."""

    online: bool | None = None
    paper: str | None = None  # "ok" | "near_end" | "out"
    cover_open: bool | None = None
    readable: bool = True

    def problem(self) -> str | None:
        """The error code this status means for a print job, or ``None`` when it may print."""
        if self.paper == "out":
            return "printer.paper_out"
        if self.online is False:
            return "printer.offline"
        return None


def parse_status(kind: int, byte: int) -> dict:
    """One DLE EOT reply byte as fields of :class:`PrinterStatus`."""
    if byte & STATUS_FIXED_MASK != STATUS_FIXED_BITS:
        raise ValueError(f"not a status byte: {byte:#x}")
    if kind == STATUS_PRINTER:
        return {"online": not byte & 0x08}
    if kind == STATUS_OFFLINE_CAUSE:
        return {"cover_open": bool(byte & 0x04)}
    if kind == STATUS_PAPER:
        if byte & 0x60:
            return {"paper": "out"}
        return {"paper": "near_end" if byte & 0x0C else "ok"}
    raise ValueError(kind)


class Connection(Protocol):
    """An open printer: send a job, maybe ask its status, close."""

    url: str

    def send(self, data: bytes, *, job: str = "", render: object = None) -> None: ...

    def status(self) -> PrinterStatus: ...

    def close(self) -> None: ...


def _fail(code: str, url: str, **data: object) -> PrinterError:
    return PrinterError(code, printer=url, **data)


def _os_error(url: str, exc: OSError, *, during_job: bool = False) -> PrinterError:
    if isinstance(exc, TimeoutError | socket.timeout):
        return _fail("printer.timeout", url)
    if isinstance(exc, ConnectionRefusedError):
        return _fail("printer.refused", url)
    if isinstance(exc, PermissionError):
        return _fail("printer.permission", url)
    if isinstance(exc, BrokenPipeError | ConnectionResetError | ConnectionAbortedError) or (
        during_job and exc.errno in (errno.EPIPE, errno.ECONNRESET, errno.EIO)
    ):
        return _fail("printer.dropped", url)
    return _fail("printer.unreachable", url, reason=exc.strerror or str(exc))


# ----- tcp -------------------------------------------------------------------


class TcpConnection:
    """A network printer on a raw port (JetDirect, 9100)."""

    def __init__(
        self, url: str, host: str, port: int, timeout: float, *, query_status: bool = True
    ) -> None:
        self.url, self.host, self.port, self.timeout = url, host, port, timeout
        self.query_status = query_status
        try:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        except socket.gaierror:
            raise _fail("printer.unreachable", url, reason="unknown host") from None
        except OSError as exc:
            raise _os_error(url, exc) from None

    def _ask(self, kind: int) -> int | None:
        self.sock.settimeout(min(STATUS_TIMEOUT_S, self.timeout))
        try:
            self.sock.sendall(DLE_EOT + bytes([kind]))
            reply = self.sock.recv(1)
        except TimeoutError:
            return None
        except OSError as exc:
            raise _os_error(self.url, exc, during_job=True) from None
        finally:
            self.sock.settimeout(self.timeout)
        if not reply:  # the printer closed the connection
            raise _fail("printer.dropped", self.url)
        return reply[0]

    def status(self) -> PrinterStatus:
        fields: dict = {}
        for kind in (STATUS_PRINTER, STATUS_PAPER):
            byte = self._ask(kind)
            if byte is None:
                return PrinterStatus(readable=False, **fields)
            try:
                fields.update(parse_status(kind, byte))
            except ValueError:
                return PrinterStatus(readable=False, **fields)
        return PrinterStatus(**fields)

    def _check(self) -> None:
        if not self.query_status:
            return
        state = self.status()
        if not state.readable:
            raise _fail("printer.no_reply", self.url)
        problem = state.problem()
        if problem:
            raise _fail(problem, self.url)

    def send(self, data: bytes, *, job: str = "", render: object = None) -> None:
        self._check()
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise _os_error(self.url, exc, during_job=True) from None
        # The job is in the printer's buffer (or the kernel's): only a status round
        # trip tells whether the printer is still reading and has paper.
        self._check()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


# ----- device files: file:, serial: ----------------------------------------


class FdConnection:
    """A device or plain file, written without ever blocking past the timeout.

    Devices (``/dev/usb/lp0``, ``/dev/ttyUSB0``, a FIFO) are opened
    non-blocking and written as ``select`` allows; a plain file is appended to,
    so a ``file:`` printer pointed at a file collects every job.
    """

    def __init__(self, url: str, path: Path, timeout: float, baudrate: int | None = None) -> None:
        self.url, self.path, self.timeout = url, path, timeout
        try:
            # anything but a regular file (a character device, a FIFO) may stop
            # draining: write it non-blocking, bounded by the timeout
            is_device = path.exists() and not stat.S_ISREG(path.stat().st_mode)
            if is_device:
                flags = (os.O_RDWR if baudrate else os.O_WRONLY) | O_BINARY
                self.fd = os.open(path, flags | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
            elif baudrate:
                raise _fail("printer.unreachable", url, reason="not a serial device")
            else:
                self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | O_BINARY, 0o644)
        except FileNotFoundError:
            raise _fail("printer.unreachable", url, reason="no such device or folder") from None
        except OSError as exc:
            raise _os_error(url, exc) from None
        self.is_device = is_device
        self.serial = bool(baudrate)
        if baudrate:
            self._set_serial(baudrate)

    def _set_serial(self, baudrate: int) -> None:
        try:
            configure_serial(self.fd, baudrate)
        except ValueError:
            self.close()
            raise _fail("printer.bad_url", self.url, reason=f"baudrate {baudrate}") from None
        except OSError as exc:
            self.close()
            raise _fail("printer.unreachable", self.url, reason=str(exc)) from None

    def send(self, data: bytes, *, job: str = "", render: object = None) -> None:
        self._check_serial()
        self._write(data)
        self._check_serial()

    def _check_serial(self) -> None:
        if self.serial:
            refuse_if_serial_says_no(self.url, self.status())

    def _write(self, data: bytes) -> None:
        deadline = time.monotonic() + self.timeout
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _fail("printer.timeout", self.url)
            if self.is_device:
                _, ready, _ = select.select([], [self.fd], [], remaining)
                if not ready:
                    raise _fail("printer.timeout", self.url)
            try:
                written = os.write(self.fd, view)
            except BlockingIOError:
                continue
            except OSError as exc:
                raise _os_error(self.url, exc, during_job=True) from None
            view = view[written:]
        if not self.is_device:
            os.fsync(self.fd)

    def status(self) -> PrinterStatus:
        """DLE EOT on a serial line; printer-class devices (usblp) and files cannot answer."""
        if not self.serial:
            return PrinterStatus(readable=False)
        return serial_status(self._ask)

    def _ask(self, kind: int) -> bytes:
        with contextlib.suppress(OSError):
            flush_serial_input(self.fd)
        self._write(DLE_EOT + bytes([kind]))
        ready, _, _ = select.select([self.fd], [], [], min(STATUS_TIMEOUT_S, self.timeout))
        return os.read(self.fd, 1) if ready else b""

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


def serial_status(ask: Callable[[int], bytes]) -> PrinterStatus:
    """DLE EOT 1 and 4 over a serial line; ``ask`` sends one query and returns the reply."""
    fields: dict = {}
    for kind in (STATUS_PRINTER, STATUS_PAPER):
        try:
            reply = ask(kind)
            fields.update(parse_status(kind, reply[0]) if reply else {})
        except (OSError, ValueError):
            reply = b""
        if not reply:
            return PrinterStatus(readable=False, **fields)
    return PrinterStatus(**fields)


def refuse_if_serial_says_no(url: str, state: PrinterStatus) -> None:
    """On a serial line, refuse to print into a printer that *says* it cannot.

    Many cheap serial printers have no TX wire, so silence is not an error
    here (unlike tcp); only an answer of paper out / offline stops the job.
    """
    problem = state.problem()
    if problem:
        raise _fail(problem, url)


class SerialPortConnection:
    """A ``COMn`` port through pyserial (optional): Windows has no termios tty to configure.

    Every write is bounded by ``write_timeout`` (pyserial raises
    ``SerialTimeoutException``), every status read by :data:`STATUS_TIMEOUT_S`.
    """

    def __init__(self, url: str, port: str, timeout: float, baudrate: int) -> None:
        self.url = url
        try:
            import serial
        except ImportError:
            raise _fail("printer.serial_needs_pyserial", url) from None
        self.errors = serial
        try:
            self.port = serial.Serial(
                port,
                baudrate,
                timeout=min(STATUS_TIMEOUT_S, timeout),
                write_timeout=timeout,
            )
        except serial.SerialException as exc:
            # pyserial says "Access is denied" when another program holds the port
            raise _fail("printer.unreachable", url, reason=str(exc)[:200]) from None

    def _write(self, data: bytes) -> None:
        try:
            self.port.write(data)
            self.port.flush()
        except self.errors.SerialTimeoutException:
            raise _fail("printer.timeout", self.url) from None
        except (self.errors.SerialException, OSError) as exc:
            raise _fail("printer.dropped", self.url, reason=str(exc)[:200]) from None

    def _ask(self, kind: int) -> bytes:
        self.port.reset_input_buffer()
        self._write(DLE_EOT + bytes([kind]))
        return self.port.read(1)

    def status(self) -> PrinterStatus:
        return serial_status(self._ask)

    def send(self, data: bytes, *, job: str = "", render: object = None) -> None:
        refuse_if_serial_says_no(self.url, self.status())
        self._write(data)
        refuse_if_serial_says_no(self.url, self.status())

    def close(self) -> None:
        with contextlib.suppress(self.errors.SerialException, OSError):
            self.port.close()


# ----- Windows spooler ---------------------------------------------------------


class SpoolerConnection:
    """A printer installed in Windows, fed raw ESC/POS through python-escpos ``Win32Raw``.

    ``Win32Raw`` needs pywin32 (``win32print``). Each job is one RAW document,
    so the driver never re-renders it. The spooler queues the job and returns:
    it cannot say whether paper came out (``status`` is unreadable), and the
    job waits in the queue if the printer is off (docs/windows.md).
    """

    def __init__(self, url: str, name: str, timeout: float) -> None:
        from escpos.printer import Win32Raw

        self.url, self.name = url, name
        if not Win32Raw.is_usable():
            raise _fail("printer.spooler_needs_pywin32", url)
        self.printer = Win32Raw(name)
        if name not in self.printer.printers:
            raise _fail("printer.unreachable", url, reason="no Windows printer of that name")

    def send(self, data: bytes, *, job: str = "", render: object = None) -> None:
        from escpos.exceptions import DeviceNotFoundError
        from escpos.printer import win32raw

        # pywin32 raises its own pywintypes.error (not an OSError) from WritePrinter
        failures = (DeviceNotFoundError, OSError, win32raw.pywintypes.error)
        try:
            self.printer.open(job_name=job or "shopdesk")
            self.printer._raw(data)
        except failures as exc:
            raise _fail("printer.unreachable", self.url, reason=str(exc)[:200]) from None
        finally:
            with contextlib.suppress(*failures):
                self.printer.close()

    def status(self) -> PrinterStatus:
        return PrinterStatus(readable=False)

    def close(self) -> None:
        pass


# ----- cups ------------------------------------------------------------------


class CupsConnection:
    """A CUPS queue, fed raw bytes through ``lp -o raw`` (no pycups needed)."""

    def __init__(self, url: str, name: str, timeout: float) -> None:
        self.url, self.name, self.timeout = url, name, timeout
        self.lp = shutil.which("lp")
        if self.lp is None:
            raise _fail("printer.cups_missing", url)

    def send(self, data: bytes, *, job: str = "", render: object = None) -> None:
        try:
            done = subprocess.run(
                [self.lp, "-d", self.name, "-o", "raw", "-t", job or "shopdesk", "-"],
                input=data,
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise _fail("printer.timeout", self.url) from None
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip()[:200]
            raise _fail("printer.unreachable", self.url, reason=reason)

    def status(self) -> PrinterStatus:
        return PrinterStatus(readable=False)

    def close(self) -> None:
        pass


# ----- usb -------------------------------------------------------------------


class UsbConnection:
    """A USB printer through pyusb (optional): needs udev access to the device."""

    def __init__(self, url: str, vendor: int, product: int, timeout: float) -> None:
        self.url, self.timeout_ms = url, int(timeout * 1000)
        try:
            import usb.core
            import usb.util
        except ImportError:
            raise _fail("printer.usb_needs_pyusb", url) from None
        try:
            device = usb.core.find(idVendor=vendor, idProduct=product)
            if device is None:
                raise _fail("printer.unreachable", url, reason="USB device not found")
            with contextlib.suppress(NotImplementedError, usb.core.USBError):
                if device.is_kernel_driver_active(0):
                    device.detach_kernel_driver(0)
            device.set_configuration()
            interface = device.get_active_configuration()[(0, 0)]
            self.out = usb.util.find_descriptor(
                interface,
                custom_match=lambda e: (
                    usb.util.endpoint_direction(e.bEndpointAddress) == usb.util.ENDPOINT_OUT
                ),
            )
            self.inp = usb.util.find_descriptor(
                interface,
                custom_match=lambda e: (
                    usb.util.endpoint_direction(e.bEndpointAddress) == usb.util.ENDPOINT_IN
                ),
            )
        except usb.core.USBError as exc:
            if exc.errno == errno.EACCES:
                raise _fail("printer.permission", url) from None
            raise _fail("printer.unreachable", url, reason=str(exc)) from None
        if self.out is None:
            raise _fail("printer.unreachable", url, reason="no OUT endpoint")

    def send(self, data: bytes, *, job: str = "", render: object = None) -> None:
        import usb.core

        try:
            self.out.write(data, timeout=self.timeout_ms)
        except usb.core.USBTimeoutError:
            raise _fail("printer.timeout", self.url) from None
        except usb.core.USBError as exc:
            raise _fail("printer.dropped", self.url, reason=str(exc)) from None

    def status(self) -> PrinterStatus:
        if self.inp is None:
            return PrinterStatus(readable=False)
        import usb.core

        fields: dict = {}
        try:
            for kind in (STATUS_PRINTER, STATUS_PAPER):
                self.out.write(DLE_EOT + bytes([kind]), timeout=self.timeout_ms)
                reply = self.inp.read(16, timeout=int(STATUS_TIMEOUT_S * 1000))
                if not reply:
                    return PrinterStatus(readable=False)
                fields.update(parse_status(kind, reply[-1]))
        except (usb.core.USBError, ValueError):
            return PrinterStatus(readable=False, **fields)
        return PrinterStatus(**fields)

    def close(self) -> None:
        pass


# ----- preview ---------------------------------------------------------------


class PreviewConnection:
    """No hardware: each job is saved as ``<job>.bin`` and, when renderable, ``<job>.png``."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url, self.folder = url, folder
        self.written: list[Path] = []

    def send(self, data: bytes, *, job: str = "", render: object = None) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stem = job or f"job-{clock.now(UTC):%Y%m%d-%H%M%SZ}"
            target = self.folder / f"{stem}.bin"
            target.write_bytes(data)
            self.written = [target]
            if callable(render):
                image = render()
                if image is not None:
                    png = self.folder / f"{stem}.png"
                    image.save(png)
                    self.written.append(png)
        except OSError as exc:
            raise _fail("printer.unreachable", self.url, reason=exc.strerror or str(exc)) from None

    def status(self) -> PrinterStatus:
        return PrinterStatus(online=True, paper="ok")

    def close(self) -> None:
        pass


# ----- opening by URL --------------------------------------------------------


def open_printer(
    url: str, *, timeout: float, preview_dir: Path, status_query: bool = True
) -> Connection:
    """Connect to the printer the profile names; fails now, not halfway through a job."""
    return printer_opener(
        url, timeout=timeout, preview_dir=preview_dir, status_query=status_query
    )()


def check_printer_url(url: str) -> str:
    """``url`` stripped, when it names a printer shopdesk can talk to; never connects.

    Settings and the first-run form check a URL as it is typed; whether the
    printer answers is the test print's job.
    """
    printer_opener(url, timeout=1.0, preview_dir=Path("."))
    return url.strip()


def printer_opener(
    url: str, *, timeout: float, preview_dir: Path, status_query: bool = True
) -> Callable[[], Connection]:
    """Parse ``url`` now (``printer.bad_url`` if it names no printer); connect when called."""
    url = url.strip()
    if url == "preview":
        return partial(PreviewConnection, url, preview_dir)
    scheme, _, rest = url.partition(":")
    scheme = scheme.lower()
    if scheme == "tcp":
        parts = urlsplit(url)
        if not parts.hostname:
            raise _fail("printer.bad_url", url, reason="no host")
        try:
            port = parts.port or DEFAULT_TCP_PORT
        except ValueError:
            raise _fail("printer.bad_url", url, reason="port") from None
        return partial(TcpConnection, url, parts.hostname, port, timeout, query_status=status_query)
    if scheme == "file" and rest:
        return partial(FdConnection, url, Path(rest.removeprefix("//")).expanduser(), timeout)
    if scheme == "serial" and rest:
        path, _, query = rest.partition("?")
        options = parse_qs(query)
        try:
            baud = int(options.get("baudrate", [DEFAULT_BAUDRATE])[0])
        except ValueError:
            raise _fail("printer.bad_url", url, reason="baudrate") from None
        if COM_PORT.match(path):
            return partial(SerialPortConnection, url, path.upper(), timeout, baud)
        return partial(FdConnection, url, Path(path), timeout, baudrate=baud)
    if scheme in ("spooler", "win32raw") and rest:
        return partial(SpoolerConnection, url, rest.removeprefix("//"), timeout)
    if scheme == "cups" and rest:
        return partial(CupsConnection, url, rest, timeout)
    if scheme == "usb":
        vid, _, pid = rest.partition(":")
        try:
            ids = int(vid, 16), int(pid, 16)
        except ValueError:
            raise _fail("printer.bad_url", url, reason="usb:VID:PID in hex") from None
        return partial(UsbConnection, url, *ids, timeout)
    raise _fail("printer.bad_url", url, reason="scheme")
