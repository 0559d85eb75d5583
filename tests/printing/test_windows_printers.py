"""Windows printers: the spooler through python-escpos Win32Raw, and COM ports through pyserial.

Neither pywin32 nor pyserial (nor Windows) is on this machine: a fake
``win32print`` and a fake ``serial`` module stand in, recording what the
printer would have been sent. docs/windows.md says what was not tried for real.
"""

from __future__ import annotations

import sys
import types
from typing import ClassVar

import pytest
from escpos.printer import win32raw

from shopdesk.errors import PrinterError
from shopdesk.printing.connections import open_printer

JOB = b"\x1b@" + "临时收据\n".encode("gb18030") + b"\x1dV\x42\x00"


def connect(url: str, tmp_path):
    return open_printer(url, timeout=0.5, preview_dir=tmp_path / "preview")


class FakeWin32Print:
    """The calls python-escpos's Win32Raw makes, on a PC with the given printers installed."""

    PRINTER_ENUM_NAME = 8

    def __init__(self, installed: list[str]) -> None:
        self.installed = installed
        self.calls: list[str] = []
        self.sent = b""

    def EnumPrinters(self, *_: object) -> list[dict]:
        return [{"pPrinterName": name} for name in self.installed]

    def OpenPrinter(self, name: str) -> str:
        self.calls.append(f"open {name}")
        return f"handle:{name}"

    def StartDocPrinter(self, handle: str, level: int, info: tuple) -> int:
        self.calls.append(f"doc {info[0]} {info[2]}")
        return 1

    def StartPagePrinter(self, handle: str) -> None:
        self.calls.append("page")

    def WritePrinter(self, handle: str, data: bytes) -> int:
        self.sent += data
        return len(data)

    def EndPagePrinter(self, handle: str) -> None:
        self.calls.append("end page")

    def EndDocPrinter(self, handle: str) -> None:
        self.calls.append("end doc")

    def ClosePrinter(self, handle: str) -> None:
        self.calls.append("close")


@pytest.fixture
def spooler(monkeypatch):
    fake = FakeWin32Print(["POS-58 Printer", "Microsoft Print to PDF"])
    monkeypatch.setattr(win32raw, "_DEP_WIN32PRINT", True)
    monkeypatch.setattr(win32raw, "win32print", fake, raising=False)
    monkeypatch.setattr(win32raw, "pywintypes", types.SimpleNamespace(error=OSError), raising=False)
    return fake


@pytest.mark.parametrize("scheme", ["spooler", "win32raw"])
def test_a_windows_printer_by_its_spooler_name_gets_the_job_as_one_raw_document(
    spooler, tmp_path, scheme
):
    conn = connect(f"{scheme}:POS-58 Printer", tmp_path)
    conn.send(JOB, job="T01-000042")
    conn.close()
    assert spooler.sent == JOB
    assert spooler.calls == [
        "open POS-58 Printer",
        "doc T01-000042 RAW",
        "page",
        "end page",
        "end doc",
        "close",
    ]


def test_a_spooler_name_windows_does_not_know_is_refused_before_printing(spooler, tmp_path):
    with pytest.raises(PrinterError) as failed:
        connect("spooler:POS-80", tmp_path)
    assert failed.value.code == "printer.unreachable"
    assert spooler.sent == b""


def test_the_spooler_without_pywin32_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(win32raw, "_DEP_WIN32PRINT", False)
    with pytest.raises(PrinterError) as failed:
        connect("spooler:POS-58 Printer", tmp_path)
    assert failed.value.code == "printer.spooler_needs_pywin32"


class FakeSerialPort:
    """A pyserial ``Serial`` on a COM port whose printer answers DLE EOT with ``status``."""

    opened: ClassVar[list[FakeSerialPort]] = []

    def __init__(self, port: str, baudrate: int, **kw: object) -> None:
        if port != "COM3":
            raise FakeSerialModule.SerialException(f"could not open port '{port}'")
        self.port, self.baudrate, self.kw = port, baudrate, kw
        self.sent, self.replies = b"", b""
        self.status = 0x12  # online, paper ok
        FakeSerialPort.opened.append(self)

    def reset_input_buffer(self) -> None:
        self.replies = b""

    def write(self, data: bytes) -> int:
        if data.startswith(b"\x10\x04"):
            self.replies += bytes([self.status])
        else:
            self.sent += data
        return len(data)

    def read(self, size: int) -> bytes:
        reply, self.replies = self.replies[:size], self.replies[size:]
        return reply

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


class FakeSerialModule(types.ModuleType):
    class SerialException(OSError):
        pass

    class SerialTimeoutException(SerialException):
        pass

    Serial = FakeSerialPort


@pytest.fixture
def pyserial(monkeypatch):
    FakeSerialPort.opened = []
    monkeypatch.setitem(sys.modules, "serial", FakeSerialModule("serial"))
    return FakeSerialPort.opened


def test_a_com_port_printer_gets_the_job_at_its_baudrate(pyserial, tmp_path):
    conn = connect("serial:COM3?baudrate=19200", tmp_path)
    conn.send(JOB)
    conn.close()
    (port,) = pyserial
    assert (port.port, port.baudrate, port.sent) == ("COM3", 19200, JOB)
    assert port.kw["write_timeout"] == 0.5


def test_a_com_port_printer_that_says_paper_out_gets_no_job(pyserial, tmp_path):
    conn = connect("serial:com3", tmp_path)
    pyserial[0].status = 0x12 | 0x60
    with pytest.raises(PrinterError) as failed:
        conn.send(JOB)
    assert failed.value.code == "printer.paper_out"
    assert pyserial[0].sent == b""


def test_a_com_port_that_is_not_there_is_unreachable(pyserial, tmp_path):
    with pytest.raises(PrinterError) as failed:
        connect("serial:COM9", tmp_path)
    assert failed.value.code == "printer.unreachable"


def test_a_com_port_without_pyserial_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "serial", None)
    with pytest.raises(PrinterError) as failed:
        connect("serial:COM3", tmp_path)
    assert failed.value.code == "printer.serial_needs_pyserial"
