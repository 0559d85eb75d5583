"""Durable file operations for a backup folder on a slow, pullable medium.

Two ways of writing, chosen by what the previous backup still needs:

* :func:`write_atomic` — a whole small file: temp name, ``fsync``, rename,
  ``fsync`` of the folder. Used for the manifest and the content-named files.
* :func:`append_range` — journal partitions are append-only, so the backup copy
  of a partition only ever grows. New bytes are written *after* the size the
  current manifest vouches for; a pulled stick or a killed process leaves at most
  junk past that size, which the manifest does not cover and the next backup cuts
  off. The bytes the previous backup relies on are never rewritten.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from shopdesk.platform import O_BINARY, fsync_dir

CHUNK = 1 << 20
TMP_SUFFIX = ".tmp"


def write_atomic(path: Path, data: bytes, mode: int = 0o644, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` all at once: afterwards it is the old or the new file.

    ``durable=False`` skips the two ``fsync`` calls (each can cost tens of ms on a
    stick) for files that are only a convenience, like the backup state.
    """
    tmp = path.with_name(path.name + TMP_SUFFIX)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | O_BINARY, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    if durable:
        fsync_dir(path.parent)


def append_range(source: Path, target: Path, start: int, end: int) -> None:
    """Make ``target`` hold its first ``start`` bytes followed by ``source[start:end]``."""
    created = not target.exists()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | O_BINARY, 0o644)
    try:
        os.ftruncate(fd, start)
        with source.open("rb") as src:
            src.seek(start)
            offset = start
            while offset < end:
                chunk = src.read(min(CHUNK, end - offset))
                if not chunk:
                    raise OSError(f"{source} ended at {offset}, expected {end}")
                view = memoryview(chunk)
                while view:
                    written = os.pwrite(fd, view, offset)
                    offset += written
                    view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_dir(target.parent)


def read_range(path: Path, start: int, end: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(start)
        return handle.read(end - start)


def hash_prefix(path: Path, size: int, digest: hashlib._Hash | None = None) -> hashlib._Hash:
    """SHA-256 over the first ``size`` bytes (continuing ``digest`` if given)."""
    digest = digest or hashlib.sha256()
    with path.open("rb") as handle:
        left = size
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                break
            digest.update(chunk)
            left -= len(chunk)
    return digest


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return -1


def line_ending_at(path: Path, offset: int) -> bytes:
    """The line (without its newline) that ends exactly at byte ``offset`` of ``path``.

    Reads backwards in small steps: finding the last record of a partition at a
    given size costs one or two reads, whatever the partition's size.
    """
    if offset <= 0:
        return b""
    with path.open("rb") as handle:
        end = offset - 1  # the newline that closes the line
        handle.seek(end)
        if handle.read(1) != b"\n":
            return b""
        start = end
        step = 8192
        while start > 0:
            begin = max(0, start - step)
            handle.seek(begin)
            block = handle.read(start - begin)
            cut = block.rfind(b"\n")
            if cut >= 0:
                start = begin + cut + 1
                break
            start = begin
        handle.seek(start)
        return handle.read(end - start)


def read_chunks(path: Path, start: int, end: int) -> Iterator[bytes]:
    """The bytes of ``path[start:end]`` in chunks of at most ``CHUNK`` (bounded memory)."""
    with path.open("rb") as handle:
        handle.seek(start)
        left = end - start
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def iter_lines(
    path: Path,
    start: int,
    end: int,
    name: str,
    first_line: int = 1,
    digest: hashlib._Hash | None = None,
) -> Iterator[tuple[str, int, bytes]]:
    """(file name, line number, raw line) of ``path[start:end]``, read in chunks.

    Feeds every byte read to ``digest`` on the way, so checking records and
    hashing a partition cost one read. A last line without its newline is still
    yielded (the record check reports it as not JSON).
    """
    number = first_line
    rest = b""
    for chunk in read_chunks(path, start, end):
        if digest is not None:
            digest.update(chunk)
        parts = (rest + chunk).split(b"\n")
        rest = parts.pop()
        for raw in parts:
            yield name, number, raw
            number += 1
    if rest:
        yield name, number, rest
