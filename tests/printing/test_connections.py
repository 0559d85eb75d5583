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
