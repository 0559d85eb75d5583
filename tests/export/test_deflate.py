"""ISA-L's deflate for batch zips: what any unzip reads, checked as zipfile checks it."""

from __future__ import annotations

import contextlib
import io
import zipfile
import zlib
from pathlib import Path

import pytest

from shopdesk.errors import BatchError
from shopdesk.export import batch_format as fmt
from shopdesk.export import deflate
from shopdesk.export.safe_zip import SafeZip

needs_isal = pytest.mark.skipif(deflate.isal_zlib is None, reason="python-isal not installed")
#: Journal-like text: compressible, and long enough for several deflate blocks.
TEXT = b"".join(
    b'{"data":{"no":"T01-%08d","total":"%d.50"},"kind":"receipt.issued","seq":%d}\n'
    % (n, n % 97, n)
    for n in range(20_000)
)


def _member(name: str = "receipts.jsonl") -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 9, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _zip_with(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive, deflate.writing(archive, _member()) as handle:
        for at in range(0, len(data), 65536):
            handle.write(data[at : at + 65536])
    return out.getvalue()


def _deflated(raw_zip: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(raw_zip)) as archive:
        info = archive.getinfo("receipts.jsonl")
    start = info.header_offset + 30 + len(info.filename.encode())
    return raw_zip[start : start + info.compress_size]


@needs_isal
def test_an_isal_member_is_read_back_by_plain_zipfile_and_zlib() -> None:
    raw = _zip_with(TEXT)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:  # the stdlib alone, as any unzip
        assert archive.read("receipts.jsonl") == TEXT  # its CRC-32 checked too
    stream = _deflated(raw)
    assert zlib.decompressobj(-15).decompress(stream) == TEXT
    with deflate.zlib_only():
        by_zlib = _deflated(_zip_with(TEXT))
    assert stream != by_zlib  # so ISA-L did deflate it


def test_zlib_only_writes_what_zipfile_itself_writes() -> None:
    with deflate.zlib_only():
        ours = _zip_with(TEXT)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(_member(), TEXT)
    assert _deflated(ours) == _deflated(out.getvalue())


@pytest.mark.parametrize("engine", ["isal", "zlib"])
@pytest.mark.parametrize("flip", [None, 0.5, 0.99])
def test_safe_zip_inflates_either_engine_and_a_flipped_byte_is_a_corrupt_member(
    tmp_path: Path, engine: str, flip: float | None
) -> None:
    """What SafeZip reads through :func:`deflate.reading` is checked as zipfile checks
    it: a damaged deflate stream or a wrong CRC-32 is ``batch.corrupt_member``."""
    if engine == "isal" and deflate.isal_zlib is None:
        pytest.skip("python-isal not installed")
    zlib_only = deflate.zlib_only if engine == "zlib" else contextlib.nullcontext
    with zlib_only():
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name in fmt.MEMBERS:
                with deflate.writing(archive, _member(name)) as handle:
                    handle.write(TEXT if name == fmt.CSV else b"x")
        raw = bytearray(out.getvalue())
        if flip is not None:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                info = archive.getinfo(fmt.CSV)
            start = info.header_offset + 30 + len(info.filename.encode())
            raw[start + int(info.compress_size * flip)] ^= 0x10
        path = tmp_path / "batch.zip"
        path.write_bytes(bytes(raw))
        with SafeZip(path) as archive:
            if flip is None:
                assert b"".join(archive.chunks(fmt.CSV)) == TEXT
            else:
                with pytest.raises(BatchError) as caught:
                    b"".join(archive.chunks(fmt.CSV))
                assert caught.value.code == "batch.corrupt_member"
