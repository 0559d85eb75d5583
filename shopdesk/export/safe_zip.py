"""Reading a batch zip that may be hostile: checked names, sizes and ratios, never extracted.

The accountant receives batches on USB sticks and by mail, so a batch is
untrusted input until verified. Nothing is ever written to disk: members are
read as streams from the zip, each with a hard byte cap, and only the four
known member names are accepted. Checks, in the order a problem is reported:

1. the file itself: size cap, and the end-of-central-directory record read by
   hand *before* ``zipfile`` builds its list (a central directory with a million
   entries would otherwise cost hundreds of MB just to open);
2. every entry: unsafe names (absolute, ``..``, backslashes, drive letters),
   symlinks (Unix mode in the external attributes), folders, encryption,
   compression other than stored/deflate (bzip2/lzma bombs are slower to catch),
   duplicates, names that are not a batch member (nested archives included);
3. declared sizes against a per-member cap and a compression-ratio limit (a zip
   bomb); while streaming, ``zipfile`` never yields more than the declared size
   and we count again.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

from shopdesk.errors import BatchError
from shopdesk.export import batch_format as fmt
from shopdesk.export import deflate

MiB = 1 << 20
#: A 100k-receipt batch is ~40 MB; this leaves room for years of receipts.
MAX_ZIP_BYTES = 2048 * MiB
MAX_MEMBERS = 16
MAX_CENTRAL_DIRECTORY = 64 * 1024
#: Declared uncompressed size per member.
MEMBER_LIMITS = {
    fmt.MANIFEST: 4 * MiB,
    fmt.JSONL: 4096 * MiB,
    fmt.CSV: 4096 * MiB,
    fmt.XLSX: 2048 * MiB,
}
#: Uncompressed / compressed; JSON lines with hashes and signatures compress ~4:1.
MAX_RATIO = 100
RATIO_FLOOR = MiB  # below this size a high ratio cannot hurt
CHUNK = MiB
EOCD = struct.Struct("<4s4H2LH")
EOCD_SIG = b"PK\x05\x06"
LOCAL_SIG = b"PK\x03\x04"
S_IFMT = 0o170000
S_IFLNK = 0o120000


def _unsafe(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name:
        return True
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return True
    return any(part in ("..", "") for part in name.rstrip("/").split("/"))


def _check_eocd(path: Path, size: int) -> None:
    with path.open("rb") as handle:
        tail_len = min(size, EOCD.size + 0xFFFF)
        handle.seek(size - tail_len)
        tail = handle.read(tail_len)
    at = tail.rfind(EOCD_SIG)
    if at < 0 or len(tail) - at < EOCD.size:
        raise BatchError("batch.not_a_zip", file=str(path))
    _, _, _, on_disk, entries, cd_size, cd_offset, _ = EOCD.unpack_from(tail, at)
    if entries == 0xFFFF or cd_offset == 0xFFFFFFFF or cd_size == 0xFFFFFFFF:
        raise BatchError("batch.too_large", file=str(path), limit=MAX_ZIP_BYTES)
    if entries > MAX_MEMBERS or on_disk > MAX_MEMBERS:
        raise BatchError("batch.too_many_members", file=str(path), count=entries, limit=MAX_MEMBERS)
    if cd_size > MAX_CENTRAL_DIRECTORY:
        raise BatchError("batch.too_many_members", file=str(path), count=entries, limit=MAX_MEMBERS)


class SafeZip:
    """The members of one batch zip, checked; read them with :meth:`chunks` or :meth:`lines`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            size = os.stat(path).st_size
        except FileNotFoundError:
            raise BatchError("batch.missing_file", file=str(path)) from None
        except OSError as exc:
            raise BatchError("batch.unreadable", file=str(path), reason=exc.strerror) from None
        if size > MAX_ZIP_BYTES:
            raise BatchError("batch.too_large", file=str(path), limit=MAX_ZIP_BYTES)
        _check_eocd(path, size)
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise BatchError("batch.not_a_zip", file=str(path)) from exc
        try:
            self.members = self._check_entries()
        except BaseException:
            self.zip.close()
            raise

    def _check_entries(self) -> dict[str, zipfile.ZipInfo]:
        members: dict[str, zipfile.ZipInfo] = {}
        for info in self.zip.infolist():
            name = info.filename
            if _unsafe(name):
                raise BatchError("batch.unsafe_name", name=name)
            if (info.external_attr >> 16) & S_IFMT == S_IFLNK:
                raise BatchError("batch.symlink", name=name)
            if info.is_dir():
                raise BatchError("batch.unexpected_member", name=name)
            if info.flag_bits & 0x1:
                raise BatchError("batch.encrypted", name=name)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise BatchError("batch.bad_compression", name=name)
            if name in members:
                raise BatchError("batch.duplicate_member", name=name)
            if name not in MEMBER_LIMITS:
                raise BatchError("batch.unexpected_member", name=name)
            limit = MEMBER_LIMITS[name]
            if info.file_size > limit:
                raise BatchError(
                    "batch.member_too_large", name=name, size=info.file_size, limit=limit
                )
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise BatchError(
                    "batch.zip_bomb", name=name, size=info.file_size, packed=info.compress_size
                )
            members[name] = info
        for name in fmt.MEMBERS:
            if name not in members:
                raise BatchError("batch.missing_member", name=name)
        return members

    def chunks(self, name: str, digest: hashlib._Hash | None = None) -> Iterator[bytes]:
        """The member's bytes in chunks, hashed into ``digest``, capped at its declared size."""
        info = self.members[name]
        cap = min(info.file_size, MEMBER_LIMITS[name])
        seen = 0
        try:
            with deflate.reading(self.zip, info) as handle:
                while chunk := handle.read(CHUNK):
                    seen += len(chunk)
                    if seen > cap:
                        raise BatchError(
                            "batch.zip_bomb", name=name, size=seen, packed=info.compress_size
                        )
                    if digest is not None:
                        digest.update(chunk)
                    yield chunk
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise BatchError("batch.corrupt_member", name=name) from exc
        except Exception as exc:  # zlib.error and friends from a crafted deflate stream
            if isinstance(exc, BatchError):
                raise
            raise BatchError("batch.corrupt_member", name=name) from exc

    def read_small(self, name: str) -> bytes:
        """A small member (the manifest) whole; its cap keeps memory bounded."""
        return b"".join(self.chunks(name))

    def lines(
        self, name: str, digest: hashlib._Hash | None = None, max_line: int = 4 * MiB
    ) -> Iterator[tuple[int, bytes]]:
        """(line number, bytes without newline); a line longer than ``max_line`` is rejected.

        Each chunk is cut with one ``bytes.split`` (C), not a ``find`` per line:
        verify-batch reads ~200k lines twice (issue 12, speed).
        """
        pending = b""
        number = 0
        for chunk in self.chunks(name, digest):
            lines = (pending + chunk if pending else chunk).split(b"\n")
            pending = lines.pop()
            first = number + 1
            for number, line in enumerate(lines, first):
                yield number, line
            if len(pending) > max_line:
                raise BatchError("batch.line_too_long", name=name, line=number + 1)
        if pending:
            number += 1
            yield number, pending

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
