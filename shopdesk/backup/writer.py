"""Writing one backup folder: incremental, atomic, verified.

* **Incremental.** Partitions are append-only, so a partition the manifest
  already holds at its current size is skipped after a cheap check of its last
  line, and a growing one gets only its new bytes.
* **Atomic.** New bytes go after the size the current manifest vouches for;
  small files get new content-derived names; the manifest is replaced last. A
  pulled stick or a killed process leaves the previous backup whole.
* **Verified.** The copied bytes are read back and every new record's hash,
  signature, sequence and link is checked, continuing from the head the previous
  (verified, signed) manifest recorded — so checking a day's records costs a day's
  signatures, not the whole ledger's. ``full=True`` re-reads everything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from shopdesk.backup.checking import check_range
from shopdesk.backup.files import (
    TMP_SUFFIX,
    append_range,
    file_size,
    hash_prefix,
    iter_lines,
    line_ending_at,
    read_range,
    write_atomic,
)
from shopdesk.backup.manifest import (
    FILES_DIR,
    LEDGER_DIR,
    MANIFEST_NAME,
    FileEntry,
    Manifest,
    PartitionEntry,
    content_name,
    read_manifest,
)
from shopdesk.errors import BackupError, Notice
from shopdesk.ledger.journal import GENESIS_PREV, Journal, partition_name
from shopdesk.ledger.keys import load_public_key, public_key_b64
from shopdesk.ledger.verify import check_records


@dataclass(frozen=True)
class Identity:
    """Whose backup this is, as the manifest names it."""

    terminal: str
    shop: str
    uscc: str


@dataclass(frozen=True)
class WriteResult:
    manifest: Manifest
    records_verified: int
    bytes_copied: int
    #: every record re-read and verified in this run (not only the new ones)
    full: bool
    warnings: tuple[Notice, ...]


def write_backup(
    folder: Path,
    journal: Journal,
    key: Ed25519PrivateKey,
    identity: Identity,
    files: dict[str, Path],
    made: str,
    *,
    full: bool = False,
) -> WriteResult:
    """Bring the backup in ``folder`` up to the journal's head; return what it did.

    The caller holds the journal's writer lock, so nothing is appended meanwhile.
    ``files`` maps roles (:data:`~shopdesk.backup.manifest.FILE_ROLES`) to the
    home's files; a missing one is left out. Raises ``BackupError`` for a backup
    that must not be touched and lets ``OSError`` through for the caller to name.
    """
    public = key.public_key()
    public_b64 = public_key_b64(public)
    folder.mkdir(exist_ok=True)
    (folder / LEDGER_DIR).mkdir(exist_ok=True)
    (folder / FILES_DIR).mkdir(exist_ok=True)
    old, warnings = _trusted_previous(folder, public_b64)
    head = replace(journal.head)  # nothing appends while we copy: we hold the writer lock
    if old is not None and old.head_seq > head.seq:
        raise BackupError(
            "backup.newer_than_ledger", folder=str(folder), backup=old.head_seq, ledger=head.seq
        )
    months = journal.months()
    if old is not None:
        present = {partition_name(m) for m in months}
        if any(p.name not in present for p in old.partitions):
            raise BackupError("backup.diverged", folder=str(folder), seq=old.head_seq)
    expect_seq, expect_prev = 1, GENESIS_PREV
    last_rseq = old.last_rseq if old else 0
    verified = copied = 0
    whole = True  # every record re-read and verified in this run
    entries: list[PartitionEntry] = []
    for month in months:
        name = partition_name(month)
        entry = old.entry(name) if old else None
        step = _back_up_partition(
            journal.path(month),
            folder / LEDGER_DIR / name,
            entry,
            (expect_seq, expect_prev),
            public,
            full=full,
        )
        if step.recopied:
            warnings.append(Notice("backup.recopied", {"file": name}))
        entries.append(step.entry)
        verified += step.verified
        copied += step.copied
        whole = whole and step.all_verified
        last_rseq = max(last_rseq, step.last_rseq)
        expect_seq, expect_prev = step.entry.last_seq + 1, step.entry.last_hash
    if (expect_seq - 1, expect_prev) != (head.seq, head.hash):
        raise BackupError("backup.copy_incomplete", folder=str(folder), seq=head.seq)
    listed = _copy_files(files, folder, old)
    if "encrypted_key" not in listed:
        warnings.append(Notice("backup.no_key"))
    manifest = Manifest(
        terminal=identity.terminal,
        shop=identity.shop,
        uscc=identity.uscc,
        public_key=public_b64,
        made=made,
        generation=(old.generation if old else 0) + 1,
        head_seq=head.seq,
        head_hash=head.hash,
        last_rseq=last_rseq,
        verified_full=made if whole or old is None else old.verified_full,
        partitions=entries,
        files=listed,
    ).signed(key)
    write_atomic(folder / MANIFEST_NAME, manifest.to_bytes())
    _remove_unlisted(folder, manifest)
    return WriteResult(manifest, verified, copied, whole, tuple(warnings))


def _trusted_previous(folder: Path, public_b64: str) -> tuple[Manifest | None, list[Notice]]:
    """The previous manifest if it is this terminal's and intact; else start afresh."""
    warnings: list[Notice] = []
    try:
        old = read_manifest(folder)
    except BackupError as exc:
        if exc.code != "backup.bad_manifest":
            raise  # unreadable (a failing stick) or newer: never start over on top of it
        return None, [Notice("backup.previous_unusable", {"folder": str(folder)})]
    if old is None:
        return None, warnings
    if old.public_key != public_b64:
        raise BackupError("backup.other_shop", folder=str(folder), terminal=old.terminal)
    if not old.signature_ok(load_public_key(public_b64)):
        return None, [Notice("backup.previous_unusable", {"folder": str(folder)})]
    return old, warnings


@dataclass(frozen=True)
class _PartitionStep:
    entry: PartitionEntry
    verified: int
    copied: int
    all_verified: bool
    recopied: bool
    last_rseq: int


def _back_up_partition(
    source: Path,
    target: Path,
    entry: PartitionEntry | None,
    chain: tuple[int, str],
    public: Ed25519PublicKey,
    *,
    full: bool,
) -> _PartitionStep:
    """Bring one partition's copy up to date and verify what is new in it.

    ``entry`` is what the previous manifest says about this partition, ``chain``
    the (seq, hash) its first record must continue from. The bytes ``entry``
    covers are kept if the copy still hashes to them; only the rest is written.
    """
    name = source.name
    size = source.stat().st_size
    if entry is not None:
        _check_same_history(source, size, entry, target.parent.parent)
    follows = entry is not None and (entry.first_seq, entry.first_prev) == chain
    if entry and follows and entry.size == size and not full and file_size(target) >= size:
        return _PartitionStep(entry, 0, 0, False, False, 0)  # unchanged: nothing to do
    keep, digest, verified = 0, hashlib.sha256(), 0
    if entry and follows and file_size(target) >= entry.size:
        prefix = hash_prefix(target, entry.size)
        if prefix.hexdigest() == entry.sha256:
            keep, digest = entry.size, prefix
    if keep and full:  # re-verify in place what the backup already holds
        assert entry is not None
        check = check_records(
            iter_lines(target, 0, keep, name),
            public,
            expect_seq=entry.first_seq,
            expect_prev=entry.first_prev,
        )
        if check.problem or (check.head_seq, check.head_hash) != (entry.last_seq, entry.last_hash):
            keep, digest = 0, hashlib.sha256()
        else:
            verified = check.records
    # A copy that no longer matches its own manifest was already unusable, so
    # copying this partition afresh loses nothing.
    recopied = entry is not None and not keep
    start, first_line = chain, 1
    if keep:
        assert entry is not None
        start = (entry.last_seq + 1, entry.last_hash)
        first_line = entry.last_seq - entry.first_seq + 2
    if keep < size:
        append_range(source, target, keep, size)
    result, digest = check_range(target, keep, size, name, first_line, start, public, digest)
    if result.problem is not None:
        p = result.problem
        raise BackupError(
            "backup.copy_bad",
            folder=str(target.parent.parent),
            file=p.file,
            line=p.line,
            seq=p.seq if p.seq is not None else "?",
            reason=p.reason,
        )
    new_entry = PartitionEntry(
        name=name,
        size=size,
        sha256=digest.hexdigest(),
        first_seq=chain[0],
        first_prev=chain[1],
        last_seq=result.head_seq,
        last_hash=result.head_hash,
    )
    return _PartitionStep(
        new_entry,
        verified + result.records,
        size - keep,
        not keep or full,
        recopied,
        _last_rseq(target, keep, size),
    )


def _check_same_history(source: Path, size: int, entry: PartitionEntry, folder: Path) -> None:
    """Refuse to extend a backup made from another copy of this terminal's ledger.

    After a restore from an *older* backup, the restored till's records from that
    point on differ from the newer backup on the stick; appending would mix two
    histories. The last record the backup holds must be this ledger's record too.
    """
    same = entry.size == 0
    if size >= entry.size > 0:
        line = line_ending_at(source, entry.size)
        try:
            same = json.loads(line).get("hash") == entry.last_hash
        except ValueError:
            same = False
    if not same:
        raise BackupError("backup.diverged", folder=str(folder), seq=entry.last_seq)


def _last_rseq(path: Path, start: int, end: int) -> int:
    """Highest non-training receipt sequence among the records of ``path[start:end]``."""
    best = 0
    marker = b'"kind":"receipt.issued"'
    for _, _, raw in iter_lines(path, start, end, "", 1):
        if marker in raw:
            data = json.loads(raw)["data"]
            if not data.get("training"):
                best = max(best, int(data.get("rseq", 0)))
    return best


def _copy_files(
    sources: dict[str, Path], folder: Path, old: Manifest | None
) -> dict[str, FileEntry]:
    files: dict[str, FileEntry] = {}
    for role, path in sources.items():
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        digest = hashlib.sha256(data).hexdigest()
        relative = content_name(role, digest)
        target = folder / relative
        previous = old.files.get(role) if old else None
        unchanged = previous is not None and previous.sha256 == digest
        if not (unchanged and file_size(target) == len(data)):
            write_atomic(target, data, mode=0o600 if role == "encrypted_key" else 0o644)
            if hashlib.sha256(read_range(target, 0, len(data) + 1)).hexdigest() != digest:
                raise BackupError("backup.write_failed", folder=str(folder), reason=relative)
        files[role] = FileEntry(relative, digest, len(data))
    return files


def _remove_unlisted(folder: Path, manifest: Manifest) -> None:
    """Delete old content-named copies and leftovers of interrupted runs.

    Runs only after the new manifest is in place, so nothing the current backup
    lists is ever removed. Partitions are cut back to their listed size.
    """
    listed = {f.path for f in manifest.files.values()}
    for entry in os.scandir(folder / FILES_DIR):
        if f"{FILES_DIR}/{entry.name}" not in listed:
            _unlink_quietly(Path(entry.path))
    names = {p.name: p.size for p in manifest.partitions}
    for entry in os.scandir(folder / LEDGER_DIR):
        if entry.name not in names:
            _unlink_quietly(Path(entry.path))
    stray = folder / (MANIFEST_NAME + TMP_SUFFIX)
    _unlink_quietly(stray)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):  # a leftover costs only space; the manifest rules
        path.unlink()
