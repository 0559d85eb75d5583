"""Every printer URL, and every fault a network printer can show, with bounded waits."""

from __future__ import annotations

import os
import stat

import pytest

from shopdesk.errors import PrinterError
from shopdesk.printing.connections import (
    PreviewConnection,
    PrinterStatus,
    open_printer,
    parse_status,
)
from tests.printing.fake_printer import refused_port

JOB = b"\x1b@" + "临时收据\n".encode("gb18030") + b"\x1dV\x42\x00"
FAST = 0.5  # seconds: every fault must surface within the configured timeout


def connect(url: str, tmp_path, **kw):
    return open_printer(url, timeout=FAST, preview_dir=tmp_path / "preview", **kw)


def test_healthy_network_printer_gets_the_job_and_is_asked_for_status(fake_printer, tmp_path):
    printer = fake_printer("ok")
    conn = connect(printer.url, tmp_path)
    conn.send(JOB)
    assert conn.status() == PrinterStatus(online=True, paper="ok")
    conn.close()
    printer.close()
    assert bytes(printer.received) == JOB
    assert printer.queries[:4] == [1, 4, 1, 4]  # before and after the job


@pytest.mark.parametrize(
    ("mode", "code"),
    [
        ("paper_out", "printer.paper_out"),
        ("offline", "printer.offline"),
        ("stall", "printer.no_reply"),
        ("silent", "printer.no_reply"),
        ("drop", "printer.dropped"),
    ],
)
def test_network_faults_become_clear_errors_naming_the_printer(fake_printer, tmp_path, mode, code):
    printer = fake_printer(mode)
    with pytest.raises(PrinterError) as caught:
        conn = connect(printer.url, tmp_path)
        try:
            conn.send(JOB * 50)
        finally:
            conn.close()
    assert caught.value.code == code
    assert caught.value.data["printer"] == printer.url


def test_paper_out_is_detected_before_any_byte_of_the_job_is_sent(fake_printer, tmp_path):
    printer = fake_printer("paper_out")
    conn = connect(printer.url, tmp_path)
    with pytest.raises(PrinterError):
        conn.send(JOB)
    conn.close()
    printer.close()
    assert bytes(printer.received) == b""


def test_nothing_listening_is_refused(tmp_path):
    url = f"tcp://127.0.0.1:{refused_port()}"
    with pytest.raises(PrinterError) as caught:
        connect(url, tmp_path)
    assert caught.value.code == "printer.refused" and caught.value.data["printer"] == url


def test_printer_without_status_support_can_skip_the_query(fake_printer, tmp_path):
    printer = fake_printer("silent")
    conn = connect(printer.url, tmp_path, status_query=False)
    conn.send(JOB)
    conn.close()
    printer.close()
    assert bytes(printer.received) == JOB


def test_file_printer_appends_each_job(tmp_path):
    target = tmp_path / "lp0.bin"
    for _ in range(2):
        conn = connect(f"file:{target}", tmp_path)
        conn.send(JOB)
        assert conn.status().readable is False  # a file cannot answer DLE EOT
        conn.close()
    assert target.read_bytes() == JOB * 2


def test_file_printer_in_a_missing_folder_is_unreachable(tmp_path):
    with pytest.raises(PrinterError) as caught:
        connect(f"file:{tmp_path}/no/such/dir/lp0", tmp_path)
    assert caught.value.code == "printer.unreachable"


def test_a_device_that_never_drains_times_out_instead_of_hanging(tmp_path):
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # opened, never read: a stuck printer
    try:
        assert stat.S_ISFIFO(fifo.stat().st_mode)
        conn = connect(f"file:{fifo}", tmp_path)
        with pytest.raises(PrinterError) as caught:
            conn.send(b"x" * (4 << 20))
        assert caught.value.code == "printer.timeout"
        conn.close()
    finally:
        os.close(reader)


def test_preview_writes_the_job_bytes(tmp_path):
    conn = connect("preview", tmp_path)
    assert isinstance(conn, PreviewConnection)
    conn.send(JOB, job="T01-00000001")
    assert (tmp_path / "preview" / "T01-00000001.bin").read_bytes() == JOB


@pytest.mark.parametrize(
    "url", ["lpt1", "tcp://", "tcp://host:notaport", "usb:zz:yy", "serial:/dev/null?baudrate=x"]
)
def test_bad_urls_say_so(tmp_path, url):
    with pytest.raises(PrinterError) as caught:
        connect(url, tmp_path)
    assert caught.value.code in ("printer.bad_url", "printer.usb_needs_pyusb")


def test_status_bytes_are_read_per_the_escpos_spec():
    assert parse_status(1, 0x12) == {"online": True}
    assert parse_status(1, 0x1A) == {"online": False}
    assert parse_status(4, 0x12) == {"paper": "ok"}
    assert parse_status(4, 0x1E) == {"paper": "near_end"}
    assert parse_status(4, 0x72) == {"paper": "out"}
    with pytest.raises(ValueError):
        parse_status(1, 0xFF)  # not a status byte (e.g. echoed data)


def test_a_printer_that_stops_reading_mid_job_times_out_instead_of_hanging(fake_printer, tmp_path):
    printer = fake_printer("jam")
    conn = connect(printer.url, tmp_path)
    with pytest.raises(PrinterError) as caught:
        conn.send(b"\x00" * (32 << 20))  # more than any socket buffer holds
    conn.close()
    assert caught.value.code == "printer.timeout"


def test_cups_queue_gets_raw_bytes_through_lp(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    spool = tmp_path / "spool.bin"
    lp = bin_dir / "lp"
    lp.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\ncat > {spool}\n')
    lp.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    conn = connect("cups:POS58", tmp_path)
    conn.send(JOB, job="T01-00000001")
    assert spool.read_bytes() == JOB
    assert (tmp_path / "args").read_text().split() == [
        "-d",
        "POS58",
        "-o",
        "raw",
        "-t",
        "T01-00000001",
        "-",
    ]


def test_cups_failure_and_hang_are_reported(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lp = bin_dir / "lp"
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    lp.write_text('#!/bin/sh\necho "lp: The printer or class does not exist." >&2\nexit 1\n')
    lp.chmod(0o755)
    with pytest.raises(PrinterError) as caught:
        connect("cups:NOPE", tmp_path).send(JOB)
    assert (
        caught.value.code == "printer.unreachable"
        and "does not exist" in caught.value.data["reason"]
    )
    lp.write_text("#!/bin/sh\nexec sleep 30\n")
    with pytest.raises(PrinterError) as caught:
        connect("cups:HUNG", tmp_path).send(JOB)
    assert caught.value.code == "printer.timeout"


def test_cups_without_lp_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrinterError) as caught:
        connect("cups:POS58", tmp_path)
    assert caught.value.code == "printer.cups_missing"


class FakeSerialPrinter:
    """The far end of a pseudo-terminal: reads the job and answers DLE EOT like a printer."""

    def __init__(self, paper_byte: int | None) -> None:
        import threading

        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        self._slave = slave
        self.paper_byte = paper_byte  # None: a printer without a TX wire
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import select

        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            self.received += chunk
            if self.paper_byte is not None and self.received.endswith(b"\x10\x04\x01"):
                os.write(self.master, b"\x12")
            if self.paper_byte is not None and self.received.endswith(b"\x10\x04\x04"):
                os.write(self.master, bytes([self.paper_byte]))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        os.close(self.master)
        os.close(self._slave)

    def job(self) -> bytes:
        return bytes(self.received).replace(b"\x10\x04\x01", b"").replace(b"\x10\x04\x04", b"")


@pytest.mark.parametrize(("paper", "expected"), [(0x12, "ok"), (None, None)])
def test_serial_printer_gets_the_job_with_or_without_a_status_line(tmp_path, paper, expected):
    far = FakeSerialPrinter(paper)
    try:
        conn = connect(f"serial:{far.path}?baudrate=19200", tmp_path)
        conn.send(JOB)
        assert conn.status().paper == expected
        conn.close()
        import time

        deadline = time.monotonic() + 2
        while far.job() != JOB and time.monotonic() < deadline:
            time.sleep(0.01)
        assert far.job() == JOB
    finally:
        far.close()


def test_serial_printer_that_says_paper_out_gets_no_job(tmp_path):
    far = FakeSerialPrinter(0x72)
    try:
        conn = connect(f"serial:{far.path}?baudrate=9600", tmp_path)
        with pytest.raises(PrinterError) as caught:
            conn.send(JOB)
        conn.close()
        assert caught.value.code == "printer.paper_out"
        assert far.job() == b""
    finally:
        far.close()
