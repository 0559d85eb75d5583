"""Deflate for batch zips and workbooks: ISA-L's (python-isal) when installed, else zlib's.

A 100k-receipt batch deflates ~415 MB (the jsonl, the CSV, the workbook's
sheets) and verify-batch inflates it again, twice for the jsonl. zlib spent
~3.3 s of export's CPU on it (level 1 for the jsonl, openpyxl's level 6 for the
sheets); ISA-L's deflate does the same at ~0.4 s with a smaller output, and
inflates 2–4× faster (issue 12, speed). Both write raw deflate (RFC 1951), so
every unzip, Excel and openpyxl read either; only the compressed bytes differ,
and the batch format does not fix them (docs/format.md, "Members").

zipfile has no public way to choose a deflater, so :func:`writing` and
:func:`reading` replace the private one of a member they open (``_compressor`` /
``_decompressor``, the same names in 3.11–3.13). Where that attribute is missing
zipfile keeps its own zlib and the bytes are still right: only slower.

:func:`zlib_only` makes everything zlib's, at the levels used before ISA-L (the
bytes of then), for output that regenerates byte for byte on any machine with
the same zlib (the golden batch, tools/make_golden_batch.py): ISA-L picks its
code paths by CPU.
"""

from __future__ import annotations

import contextlib
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

try:
    from isal import isal_zlib
except ImportError:  # a dependency, but a missing wheel must not stop an export
    isal_zlib = None

#: ISA-L's levels are 0–3; 2 is its default (same speed as 1 here, smaller output).
ISAL_LEVEL = 2
#: zlib's level 1: ~1.6× faster than the default 6 on journal JSON, ~15 % bigger.
ZLIB_LEVEL = 1
#: Raw deflate, no zlib header: what a zip member holds.
RAW = -15

_zlib_only = isal_zlib is None


def compressor(zlib_level: int = ZLIB_LEVEL) -> Any:
    """A raw-deflate compressor (``compress``/``flush``); ``zlib_level`` when zlib's."""
    if _zlib_only:
        return zlib.compressobj(zlib_level, zlib.DEFLATED, RAW)
    return isal_zlib.compressobj(ISAL_LEVEL, zlib.DEFLATED, RAW)


def decompressor() -> Any:
    """A raw-deflate decompressor with zlib's interface (``max_length``, ``unconsumed_tail``)."""
    return zlib.decompressobj(RAW) if _zlib_only else isal_zlib.decompressobj(RAW)


def writing(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, force_zip64: bool = False
) -> IO[bytes]:
    """``archive.open(info, "w")``, deflated by ISA-L if ``info`` is deflated and it is on.

    With zlib, zipfile's own deflater at the member's level: the bytes as before.
    """
    handle = archive.open(info, "w", force_zip64=force_zip64)
    if not _zlib_only and info.compress_type == zipfile.ZIP_DEFLATED:
        _replace(handle, "_compressor", compressor())
    return handle


def reading(archive: zipfile.ZipFile, info: zipfile.ZipInfo | str) -> IO[bytes]:
    """``archive.open(info)``, inflated by ISA-L if the member is deflated and it is on.

    zipfile still checks the CRC-32 and the declared size at the end.
    """
    handle = archive.open(info)
    if not _zlib_only and getattr(handle, "_compress_type", None) == zipfile.ZIP_DEFLATED:
        _replace(handle, "_decompressor", decompressor())
    return handle


def _replace(handle: object, name: str, engine: Any) -> None:
    """Swap zipfile's private deflater or inflater of a member just opened, if it has one."""
    if getattr(handle, name, None) is not None:
        setattr(handle, name, engine)


@contextlib.contextmanager
def zlib_only() -> Iterator[None]:
    """zlib's deflate inside the block: bytes that regenerate on any machine."""
    global _zlib_only
    before, _zlib_only = _zlib_only, True
    try:
        yield
    finally:
        _zlib_only = before
