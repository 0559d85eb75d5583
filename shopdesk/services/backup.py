"""Backing the ledger up to a USB stick or a second folder, by hand or automatically.

A backup copies what a new PC needs to carry on (journal partitions, profile,
catalog, public key, and the signing key only encrypted) into
``<destination>/shopdesk-<terminal>/`` — incrementally, atomically and verified:
see :mod:`shopdesk.backup.writer`, and ``docs/backup.md`` for the layout.

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
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from shopdesk.backup.files import write_atomic
from shopdesk.backup.keyfile import decrypt_key, encrypt_key
from shopdesk.backup.manifest import MANIFEST_NAME, backup_folder
from shopdesk.backup.writer import Identity, write_backup
from shopdesk.errors import BackupError, LedgerError, Notice, ShopdeskError
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
            result = _write(shop, backup_folder(dest, shop.profile.terminal), full)
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


def _write(shop: Shop, folder: Path, full: bool) -> BackupResult:
    key = shop.ledger.key
    assert key is not None
    home, profile = shop.home, shop.profile
    written = write_backup(
        folder,
        shop.ledger.journal,
        key,
        Identity(profile.terminal, profile.shop_name, profile.uscc),
        {
            "profile": home.profile,
            "catalog": home.catalog,
            "public_key": home.public_key,
            "encrypted_key": home.encrypted_key,
        },
        shop.now().isoformat(timespec="seconds"),
        full=full,
    )
    manifest = written.manifest
    return BackupResult(
        folder=folder,
        generation=manifest.generation,
        head_seq=manifest.head_seq,
        last_rseq=manifest.last_rseq,
        records_verified=written.records_verified,
        bytes_copied=written.bytes_copied,
        full=written.full,
        key_included="encrypted_key" in manifest.files,
        record=None,
        warnings=written.warnings,
    )


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
