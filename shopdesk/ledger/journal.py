"""The journal: one canonical JSON record per line, appended and fsynced.

The journal is the source of truth and is only ever appended to. It is split
into one file per calendar month (``journal-2026-11.jsonl``) so that opening a
ledger reads the current month, not years of receipts, and so that a backup or
an export touches only what changed.

Durability: a line is written with a single ``write`` on an ``O_APPEND``
descriptor and ``fsync``-ed before :meth:`Journal.write` returns; a new month's
file is created and its folder ``fsync``-ed first, so the file itself survives a
power cut. If the write fails (disk full, file size limit), the partial line is
cut off again so the journal never ends in a half record we wrote knowingly.

A power cut can still tear the last line. :meth:`Journal.open` checks it, moves
the torn bytes to ``quarantine/`` (never silently dropped) and reports it;
every earlier record is kept and the ledger opens (the ledger then records the
repair itself, see ``ledger.repaired`` in :mod:`shopdesk.ledger.store`). Only a
line *without* its final newline is a torn write: a line is written with its
newline in one ``write``, so a complete line whose content fails its hash, its
canonical form or (for a writer) its signature is damage, and a writer refuses
to open rather than cut it off and reissue its number. Only one process may
write: :func:`shopdesk.platform.lock_folder` (an exclusive ``flock`` on the ledger
folder itself on POSIX, ``writer.lock`` held open and byte-locked on Windows;
released by the OS if the process dies, and deleting a file cannot release it).
"""

from __future__ import annotations

import errno
import hashlib
import mmap
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from shopdesk import clock
from shopdesk.errors import LedgerError, LedgerLocked
from shopdesk.ledger.canonical import canonical_json, loads, parse, record_hash
from shopdesk.platform import O_BINARY, FolderLock, FolderLocked, fsync_dir, lock_folder

__all__ = ["GENESIS_PREV", "Journal", "TornTail", "fsync_dir", "partition_name"]

PARTITION_RE = re.compile(r"^journal-(\d{4}-\d{2})\.jsonl$")
QUARANTINE_DIR = "quarantine"
GENESIS_PREV = "0" * 64
#: Bytes read from the end of a partition to find its last line. Records are
#: a few KB at most; a line longer than this is read in full (slow path).
TAIL_PROBE = 64 * 1024
#: Buffer for reading a partition line by line. Each refill releases the GIL;
#: with the default 8 KiB, a 175 MB partition is ~21k handoffs to the threads
#: that deflate and hash beside an export's pass, and waiting for the GIL back
#: cost that pass ~0.8 s of CPU (issue 12, speed).
READ_BUFFER = 1 << 20


def partition_name(month: str) -> str:
    return f"journal-{month}.jsonl"


@dataclass(frozen=True, slots=True)
class TornTail:
    """What :meth:`Journal.open` cut off the end of the journal, and where it went."""

    partition: str
    offset: int
    length: int
    quarantined_to: str
    #: SHA-256 (hex) of the cut bytes, so the ledger's record of the repair names them.
    sha256: str = ""


@dataclass(slots=True)
class Head:
    seq: int = 0
    hash: str = GENESIS_PREV
    month: str = ""
    #: The newest record's own ``time`` (ISO text): no later record may be earlier.
    time: str = ""


@dataclass(slots=True)
class Journal:
    directory: Path
    readonly: bool = False
    head: Head = field(default_factory=Head)
    torn: TornTail | None = None
    #: A writer's check of the last record beyond its hash (its signature): see :meth:`open`.
    authentic: Callable[[dict], bool] | None = None
    #: False only for bulk generators (bench/generate.py): skips fsync per line.
    sync: bool = True
    _held: FolderLock | None = None
    _fd: int | None = None
    _size: int = 0

    # ----- opening -----------------------------------------------------------

    @classmethod
    def open(
        cls,
        directory: Path,
        *,
        readonly: bool = False,
        authentic: Callable[[dict], bool] | None = None,
    ) -> Journal:
        """Open (and, for a writer, lock and repair the tail of) a journal folder.

        ``authentic`` checks the last record before anything is chained onto it
        (the ledger passes its signature check): a writer that continued a
        forged or damaged record would sign it into the chain.
        """
        journal = cls(directory, readonly, authentic=authentic)
        if not readonly:
            directory.mkdir(parents=True, exist_ok=True)
            journal._lock()
        elif not directory.is_dir():
            raise LedgerError("ledger.missing", folder=str(directory))
        try:
            journal._find_head()
        except BaseException:
            journal.close()
            raise
        return journal

    def _lock(self) -> None:
        """Take the one-writer lock (see :func:`shopdesk.platform.lock_folder` for why it holds)."""
        try:
            self._held = lock_folder(self.directory)
        except FolderLocked as held:
            raise LedgerLocked(
                "ledger.locked", folder=str(self.directory), pid=held.holder
            ) from None

    def months(self) -> list[str]:
        """Months that have a partition file, oldest first."""
        found = []
        for entry in os.scandir(self.directory):
            match = PARTITION_RE.match(entry.name)
            if match:
                found.append(match.group(1))
        return sorted(found)

    def path(self, month: str) -> Path:
        return self.directory / partition_name(month)

    def _find_head(self) -> None:
        months = self.months()
        for index, month in enumerate(reversed(months)):
            last = self._last_good_line(month, newest=index == 0)
            if last is not None:
                self.head = Head(last["seq"], last["hash"], months[-1], str(last.get("time", "")))
                return
        self.head = Head(month=months[-1] if months else "")

    def _last_good_line(self, month: str, *, newest: bool) -> dict | None:
        """The last record of a partition; on the newest one, set a torn tail aside.

        Only the newest partition can end in a torn line (older ones were complete
        before the next month's file was created); a bad end anywhere else, or a
        bad line just before a torn one, is damage that ``verify`` must explain.
        A complete last line (it ends in its newline) that is not a good record
        is damage too: a writer refuses it, a reader reads on (``verify`` names it).
        """
        path = self.path(month)
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size == 0:
                return None
            start = size
            tail = b""
            while start > 0 and tail.count(b"\n") < 3:
                start = max(0, start - TAIL_PROBE)
                handle.seek(start)
                tail = handle.read()
        complete = tail.endswith(b"\n")
        cut = tail.rfind(b"\n", 0, len(tail) - 1) + 1 if complete else tail.rfind(b"\n") + 1
        torn_at = start + cut
        if complete:
            record = self._good_record(tail[cut:-1])
            if record is not None:
                return record
            if not self.readonly:
                raise self._damaged(month, torn_at, tail[cut:-1])
        if not newest:
            raise LedgerError("ledger.bad_tail", file=partition_name(month))
        if not complete:  # a reader reads on past a damaged complete line: not torn
            if self.readonly:
                self.torn = TornTail(partition_name(month), torn_at, size - torn_at, "")
            else:
                self._quarantine(month, torn_at, tail[cut:])
        if cut == 0:
            return None
        before = tail.rfind(b"\n", 0, cut - 1) + 1
        record = self._good_record(tail[before : cut - 1])
        if record is None:
            raise LedgerError("ledger.bad_tail", file=partition_name(month))
        return record

    def _good_record(self, raw: bytes) -> dict | None:
        record = _parse_record(raw)
        if record is None or (self.authentic is not None and not self.authentic(record)):
            return None
        return record

    def _damaged(self, month: str, offset: int, raw: bytes) -> LedgerError:
        """The error for a complete last line that is not a good record (issue 11, item 1)."""
        try:
            seq = loads(raw).get("seq", "?")
        except (ValueError, RecursionError, AttributeError):
            seq = "?"
        return LedgerError(
            "ledger.damaged_record",
            file=partition_name(month),
            line=self.line_number(month, offset),
            seq=seq,
        )

    def _quarantine(self, month: str, offset: int, data: bytes) -> None:
        """Move a torn last line aside: copy it out durably, then cut it off."""
        qdir = self.directory / QUARANTINE_DIR
        qdir.mkdir(exist_ok=True)
        stamp = clock.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = qdir / f"journal-{month}.torn-at-{offset}.{stamp}.bin"
        with target.open("xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        fsync_dir(qdir)
        digest = hashlib.sha256(data).hexdigest()
        fd = os.open(self.path(month), os.O_WRONLY | O_BINARY)
        try:
            os.ftruncate(fd, offset)
            os.fsync(fd)
        finally:
            os.close(fd)
        self.torn = TornTail(partition_name(month), offset, len(data), str(target), digest)

    # ----- reading -----------------------------------------------------------

    def lines(self, month: str, offset: int = 0) -> Iterator[tuple[int, bytes]]:
        """(line number, raw bytes without the newline) of one partition, in order.

        With ``offset`` (a line boundary), reading starts there and line numbers
        count from it.
        """
        with self.path(month).open("rb", buffering=READ_BUFFER) as handle:
            handle.seek(offset)
            for number, line in enumerate(handle, start=1):
                if not line.endswith(b"\n"):
                    return  # a torn tail seen by a read-only opener: not a record yet
                yield number, line[:-1]

    def lines_as_written(self, month: str) -> Iterator[bytes]:
        """The complete lines of one partition, each with its newline, in order.

        The bytes as they are in the file: an export streams them into its jsonl
        as they come, with no copy per line to cut the newline off and another
        to put it back (issue 12, speed).
        """
        with self.path(month).open("rb", buffering=READ_BUFFER) as handle:
            for line in handle:
                if not line.endswith(b"\n"):
                    return  # a torn tail seen by a read-only opener: not a record yet
                yield line

    def grep(
        self, month: str, needle: bytes | re.Pattern[bytes], start: int = 0
    ) -> Iterator[tuple[int, bytes]]:
        """(byte offset, line) of each complete line of ``month`` matching ``needle``.

        ``start`` (a line boundary) skips the lines before it: the records after
        a known one (the last Z) without searching the month's earlier lines.

        ``needle`` is bytes to find or a compiled bytes pattern. Searches the
        memory-mapped partition in C instead of iterating lines in Python:
        finding one day's records in a month of 100k lines costs tens of
        milliseconds, not hundreds. A line without its newline (a torn tail a
        reader sees) is not a record yet and is skipped.
        """
        with self._mapped(month) as buf:
            pos = start
            while buf is not None:
                if isinstance(needle, bytes):
                    at = buf.find(needle, pos)
                else:
                    match = needle.search(buf, pos)
                    at = -1 if match is None else match.start()
                if at < 0:
                    return
                start = buf.rfind(b"\n", 0, at) + 1
                stop = buf.find(b"\n", at)
                if stop < 0:
                    return
                yield start, buf[start:stop]
                pos = stop + 1

    def grep_last(self, month: str, needle: bytes) -> Iterator[tuple[int, bytes]]:
        """Like :meth:`grep` for bytes, newest line first: the last Z of a month in one search."""
        with self._mapped(month) as buf:
            end = 0 if buf is None else buf.rfind(b"\n") + 1  # after it: no record yet
            while buf is not None and (at := buf.rfind(needle, 0, end)) >= 0:
                start = buf.rfind(b"\n", 0, at) + 1
                yield start, buf[start : buf.find(b"\n", at)]
                end = start

    @contextmanager
    def _mapped(self, month: str) -> Iterator[mmap.mmap | None]:
        """The partition memory-mapped for reading; ``None`` when it is empty (mmap refuses 0)."""
        with self.path(month).open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                yield None
                return
            with mmap.mmap(handle.fileno(), size, access=mmap.ACCESS_READ) as buf:
                yield buf

    def incomplete_tail(self, month: str) -> tuple[int, int]:
        """(offset, length) of the bytes after the last newline of ``month``; length 0 if none.

        Reads only the end of the file. ``verify`` reports these bytes: a torn
        write (in the newest month) or junk (in a finished month).
        """
        with self.path(month).open("rb") as handle:
            size = pos = handle.seek(0, os.SEEK_END)
            while pos > 0:
                start = max(0, pos - TAIL_PROBE)
                handle.seek(start)
                newline = handle.read(pos - start).rfind(b"\n")
                if newline >= 0:
                    return start + newline + 1, size - (start + newline + 1)
                pos = start
        return 0, size

    def line_number(self, month: str, offset: int) -> int:
        """1-based line number of the line starting at byte ``offset`` (for error messages)."""
        with self.path(month).open("rb") as handle:
            return handle.read(offset).count(b"\n") + 1

    def records(self, months: list[str] | None = None, offset: int = 0) -> Iterator[dict]:
        """Every record, oldest first; a line that is not JSON is a ``LedgerError``.

        ``offset`` applies to the first month only (resume after a checkpoint).
        """
        for index, month in enumerate(self.months() if months is None else months):
            for number, raw in self.lines(month, offset if index == 0 else 0):
                try:
                    yield loads(raw)
                except (ValueError, RecursionError):  # deeply nested JSON raises the latter
                    raise LedgerError(
                        "ledger.bad_line", file=partition_name(month), line=number
                    ) from None

    # ----- writing -----------------------------------------------------------

    def write(self, line: bytes, month: str) -> None:
        """Append one complete line durably; on failure, leave the journal as it was."""
        if self.readonly or self._held is None:
            raise LedgerError("ledger.readonly", folder=str(self.directory))
        if self._fd is None or month > self.head.month:
            self._open_for_append(max(month, self.head.month or month))
        assert self._fd is not None
        start = self._size
        try:
            written = os.write(self._fd, line)
            if written != len(line):
                raise OSError(errno.ENOSPC, "short write")
            if self.sync:
                os.fsync(self._fd)
        except OSError as exc:
            try:
                os.ftruncate(self._fd, start)
                os.fsync(self._fd)
            except OSError:
                pass  # the torn line is found and quarantined at the next open
            raise LedgerError(
                "ledger.write_failed",
                file=partition_name(self.head.month),
                reason=exc.strerror or str(exc),
            ) from exc
        self._size = start + written

    def _open_for_append(self, month: str) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        path = self.path(month)
        created = not path.exists()
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | O_BINARY, 0o644)
            if created:
                os.fsync(self._fd)
                fsync_dir(self.directory)
        except OSError as exc:
            raise LedgerError(
                "ledger.write_failed", file=partition_name(month), reason=exc.strerror or str(exc)
            ) from exc
        self._size = os.fstat(self._fd).st_size
        self.head.month = month

    @property
    def size(self) -> int:
        """Bytes in the newest partition (where the next record goes)."""
        if self._fd is not None:
            return self._size
        return self.path(self.head.month).stat().st_size if self.head.month else 0

    def note_appended(self, seq: int, digest: str, time: str) -> None:
        self.head.seq = seq
        self.head.hash = digest
        self.head.time = time

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._held is not None:
            self._held.release()
            self._held = None


def _parse_record(raw: bytes) -> dict | None:
    """A complete, self-consistent record, or ``None`` for a torn or garbled line.

    Self-consistent means the exact canonical bytes that were hashed: readers
    search the raw bytes, so an equivalent but differently spelt line is damage.
    """
    try:
        record, plain = parse(raw)
    except (ValueError, RecursionError):  # deeply nested JSON raises the latter
        return None
    if not isinstance(record, dict) or not isinstance(record.get("seq"), int):
        return None
    if record.get("hash") != record_hash(record) or canonical_json(record, plain=plain) != raw:
        return None
    return record
