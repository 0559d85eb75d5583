"""Backing the ledger up to a USB stick or a second folder, by hand or automatically.

A backup copies what a new PC needs to carry on (journal partitions, profile,
catalog, public key, and the signing key only encrypted) into
``<destination>/shopdesk-<terminal>/`` — see :mod:`shopdesk.backup.manifest` and
``docs/backup.md`` for the layout. Three properties drive the design:

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

The backup is then recorded in the ledger as a ``backup.made`` record. That
record is appended after the copy, so it is not in the backup it describes (the
backup's last sequence is the one before it); the next backup carries it.

Automatic backups (:func:`backup_if_due`) never raise: the sale that triggered
one is already committed. A failure is kept in ``backup-state.json`` so the
warning stays visible (``backup status``, ``sell`` output, later the app's status
bar) until a backup succeeds.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import hashlib
import json
import os
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

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
from shopdesk.backup.keyfile import decrypt_key, encrypt_key
from shopdesk.backup.manifest import (
    FILES_DIR,
    LEDGER_DIR,
    MANIFEST_NAME,
    FileEntry,
    Manifest,
    PartitionEntry,
    backup_folder,
    content_name,
    read_manifest,
)
from shopdesk.errors import BackupError, LedgerError, Notice, ShopdeskError
from shopdesk.ledger.journal import GENESIS_PREV, partition_name
from shopdesk.ledger.keys import load_public_key, public_key_b64
from shopdesk.ledger.verify import check_records
from shopdesk.services.shop import Shop, ShopHome

#: After a failed automatic backup, wait this long before the next automatic try,
#: so a full stick does not slow every sale down with a doomed copy.
RETRY_AFTER = timedelta(minutes=2)
#: ``reason`` of :func:`backup_if_due` that always backs up (when a folder is set).
Z_REPORT = "z_report"

_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_GONE_ERRNOS = {errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.ESTALE}


@dataclass(frozen=True)
class BackupResult:
    """What one backup did: where, up to which record, and how much it copied."""

    folder: Path
    generation: int
    head_seq: int
    last_rseq: int
    records_verified: int
    bytes_copied: int
    full: bool
    key_included: bool
    record: dict | None
    #: What the front end shows beside the result, e.g. ``backup.no_key``.
    warnings: tuple[Notice, ...] = ()


@dataclass(frozen=True)
class BackupOutcome:
    """Result of :func:`backup_if_due`: nothing to do, a backup, or a kept warning."""

    ran: bool
    result: BackupResult | None = None
    error: Notice | None = None


@dataclass(frozen=True)
class BackupStatus:
    configured: str
    last_time: str
    last_destination: str
    last_seq: int
    receipts_not_backed_up: int
    error: dict | None = None
    key_in_home: bool = False


# ----- the state file ---------------------------------------------------------


def read_state(home: ShopHome) -> dict:
    try:
        state = json.loads(home.backup_state.read_bytes())
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_state(home: ShopHome, state: dict) -> None:
    """Best effort: a full shop disk must not turn a backup warning into a crash."""
    data = json.dumps(state, ensure_ascii=False, indent=1).encode()
    with contextlib.suppress(OSError):
        write_atomic(home.backup_state, data, durable=False)  # the ledger has the facts


def _note_failure(shop: Shop, destination: str, error: ShopdeskError) -> None:
    state = read_state(shop.home)
    state["error"] = {
        "time": shop.now().isoformat(timespec="seconds"),
        "destination": destination,
        "code": error.code,
        "data": {k: str(v) for k, v in error.data.items()},
    }
    _write_state(shop.home, state)


def _note_success(shop: Shop, result: BackupResult, made: str) -> None:
    state = read_state(shop.home)
    state.pop("error", None)
    state["last_ok"] = {
        "time": made,
        "destination": str(result.folder),
        "seq": result.head_seq,
        "rseq": result.last_rseq,
        "generation": result.generation,
    }
    _write_state(shop.home, state)


def backup_warning(home: ShopHome) -> dict | None:
    """The kept failure of the last backup attempt (time, destination, code, data), if any."""
    error = read_state(home).get("error")
    return error if isinstance(error, dict) and "code" in error else None


# ----- making a backup --------------------------------------------------------


def make_backup(
    shop: Shop,
    destination: Path | str | None = None,
    *,
    passphrase: str | None = None,
    full: bool = False,
    reason: str = "manual",
) -> BackupResult:
    """Copy, verify and record one backup; on failure keep a visible warning and raise."""
    target = str(destination or shop.profile.backup_dir).strip()
    try:
        if not target:
            raise BackupError("backup.no_destination")
        if shop.ledger.key is None:
            raise LedgerError(shop.ledger.readonly_code, folder=str(shop.home.ledger))
        dest = Path(target).expanduser().absolute()
        if not dest.is_dir():
            raise BackupError("backup.destination_missing", folder=str(dest))
        try:
            if passphrase is not None:
                _ensure_encrypted_key(shop, passphrase)
            result = _copy_and_verify(shop, backup_folder(dest, shop.profile.terminal), full)
        except OSError as exc:
            raise _os_error(exc, dest) from exc
    except (BackupError, LedgerError) as exc:
        # kept so the warning stays visible until a backup succeeds; a typing
        # mistake (InvalidInput, e.g. a short passphrase) is only reported
        _note_failure(shop, target, exc)
        raise
    made = shop.now()
    warnings = list(result.warnings)
    record = None
    try:
        record = shop.ledger.append(
            "backup.made",
            {
                "destination": str(result.folder),
                "generation": result.generation,
                "seq": result.head_seq,
                "last_rseq": result.last_rseq,
                "records_verified": result.records_verified,
                "bytes": result.bytes_copied,
                "full": result.full,
                "key": result.key_included,
                "reason": reason,
            },
            made,
        )
    except LedgerError as exc:  # the backup is good; only its note in the ledger is missing
        warnings.append(Notice("backup.not_recorded", {"reason": exc.code}))
    result = replace(result, record=record, warnings=tuple(warnings))
    _note_success(shop, result, made.isoformat(timespec="seconds"))
    return result


def _os_error(exc: OSError, dest: Path) -> BackupError:
    reason = exc.strerror or str(exc)
    if exc.errno in _FULL_ERRNOS:
        return BackupError("backup.destination_full", folder=str(dest), reason=reason)
    if exc.errno in _GONE_ERRNOS and not dest.is_dir():
        return BackupError("backup.destination_missing", folder=str(dest))
    return BackupError("backup.write_failed", folder=str(dest), reason=reason)


def _ensure_encrypted_key(shop: Shop, passphrase: str) -> None:
    """Keep the encrypted key in the home; re-encrypt only for a new passphrase.

    The encrypted copy lives in the home so that automatic backups, which cannot
    ask anyone for a passphrase, still carry the key.
    """
    path = shop.home.encrypted_key
    if path.exists():
        try:
            decrypt_key(path.read_bytes(), passphrase)
            return
        except BackupError:
            pass  # another passphrase: the shopkeeper is changing it
    assert shop.ledger.key is not None
    write_atomic(path, encrypt_key(shop.ledger.key, passphrase), mode=0o600)


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


def _copy_and_verify(shop: Shop, folder: Path, full: bool) -> BackupResult:
    journal = shop.ledger.journal
    key = shop.ledger.key
    assert key is not None
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
    files = _copy_files(shop, folder, old)
    key_included = "encrypted_key" in files
    if not key_included:
        warnings.append(Notice("backup.no_key"))
    made = shop.now().isoformat(timespec="seconds")
    manifest = Manifest(
        terminal=shop.profile.terminal,
        shop=shop.profile.shop_name,
        uscc=shop.profile.uscc,
        public_key=public_b64,
        made=made,
        generation=(old.generation if old else 0) + 1,
        head_seq=head.seq,
        head_hash=head.hash,
        last_rseq=last_rseq,
        verified_full=made if whole or old is None else old.verified_full,
        partitions=entries,
        files=files,
    ).signed(key)
    write_atomic(folder / MANIFEST_NAME, manifest.to_bytes())
    _remove_unlisted(folder, manifest)
    return BackupResult(
        folder=folder,
        generation=manifest.generation,
        head_seq=head.seq,
        last_rseq=last_rseq,
        records_verified=verified,
        bytes_copied=copied,
        full=whole,
        key_included=key_included,
        record=None,
        warnings=tuple(warnings),
    )


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
    result = check_records(
        iter_lines(target, keep, size, name, first_line, digest),
        public,
        expect_seq=start[0],
        expect_prev=start[1],
    )
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


def _copy_files(shop: Shop, folder: Path, old: Manifest | None) -> dict[str, FileEntry]:
    home = shop.home
    sources = {
        "profile": home.profile,
        "catalog": home.catalog,
        "public_key": home.public_key,
        "encrypted_key": home.encrypted_key,
    }
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


# ----- automatic backups ------------------------------------------------------


def backup_if_due(shop: Shop, reason: str) -> BackupOutcome:
    """Back up to the profile's folder if ``reason`` or the profile's schedule asks.

    ``reason`` is ``"z_report"`` (always backs up), ``"receipt"`` (after a sale:
    every ``[backup] every_receipts`` receipts or ``every_minutes`` minutes) or
    ``"timer"`` (the app's clock tick, minutes only). Never raises: the caller's
    sale or report is already committed; a failure is kept as a visible warning.
    """
    try:
        if not shop.profile.backup_dir.strip() or not _due(shop, reason):
            return BackupOutcome(False)
        if reason != Z_REPORT and _would_be_first(shop):
            # A first backup copies and verifies the whole ledger (a minute at
            # 100k receipts): never make a customer wait for it.
            first = BackupError("backup.first_by_hand", folder=shop.profile.backup_dir)
            _note_failure(shop, shop.profile.backup_dir, first)
            return BackupOutcome(False, error=Notice(first.code, first.data))
        return BackupOutcome(True, make_backup(shop, reason=reason))
    except ShopdeskError as exc:
        return BackupOutcome(True, error=Notice(exc.code, exc.data))
    except Exception as exc:  # a bug in a backup must never look like a failed sale
        error = BackupError("backup.failed", reason=f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(Exception):
            _note_failure(shop, shop.profile.backup_dir, error)
        return BackupOutcome(True, error=Notice(error.code, error.data))


def _would_be_first(shop: Shop) -> bool:
    dest = Path(shop.profile.backup_dir).expanduser().absolute()
    folder = backup_folder(dest, shop.profile.terminal)
    return dest.is_dir() and not (folder / MANIFEST_NAME).is_file()


def _due(shop: Shop, reason: str) -> bool:
    if reason == Z_REPORT:
        return True
    profile = shop.profile
    if not (profile.backup_every_receipts or profile.backup_every_minutes):
        return False
    if shop.ledger.key is None:
        return False
    state = read_state(shop.home)
    now = shop.now()
    error = state.get("error")
    if isinstance(error, dict) and _age(now, error.get("time")) < RETRY_AFTER:
        return False
    last = state.get("last_ok") or {}
    view = shop.ledger.view
    if shop.ledger.head_seq <= int(last.get("seq", 0)) + 1:
        return False  # nothing new but the previous backup's own record
    since = view.last_rseq - int(last.get("rseq", 0))
    if (
        reason == "receipt"
        and profile.backup_every_receipts
        and since >= profile.backup_every_receipts
    ):
        return True
    if profile.backup_every_minutes:
        return _age(now, last.get("time")) >= timedelta(minutes=profile.backup_every_minutes)
    return False


def _age(now: datetime, stamp: object) -> timedelta:
    try:
        return now - datetime.fromisoformat(str(stamp))
    except (ValueError, TypeError):
        return timedelta.max


# ----- status -----------------------------------------------------------------


def backup_status(shop: Shop) -> BackupStatus:
    """Last backup (from the ledger's ``backup.made`` or the state file, the newer),
    how many receipts came after it, and the kept failure, if any."""
    state = read_state(shop.home)
    last = state.get("last_ok") or {}
    view = shop.ledger.view
    time, destination, seq = last.get("time", ""), last.get("destination", ""), last.get("seq", 0)
    recorded = view.last_backup
    if recorded and int(recorded.get("through", 0)) > int(seq or 0):
        time, destination, seq = recorded["time"], recorded.get("dest", ""), recorded["through"]
    seq = int(seq or 0)
    pending = len(view.by_rseq) - bisect.bisect_right(view.by_rseq, seq)
    return BackupStatus(
        configured=shop.profile.backup_dir,
        last_time=time,
        last_destination=destination,
        last_seq=seq,
        receipts_not_backed_up=pending,
        error=backup_warning(shop.home),
        key_in_home=shop.home.encrypted_key.exists(),
    )
