"""Checking a backup end to end, and building a working shop home from one.

Restoring is what the backup is for: a new PC, a stick, and the shopkeeper's
passphrase. Nothing is trusted: the manifest's signature, every listed file's
SHA-256, and every record's hash, signature, sequence and link are checked
before a single file of the new home is written. The home is built in a
temporary sibling folder and renamed into place, so a failed restore leaves no
half-made shop behind. The restored ledger is byte-for-byte the backup's plus
one ``ledger.restored`` record that starts a new receipt series (``T01-R1-…``):
the old till may have issued the next numbers after this backup, and those
records died with its disk, so the restored till must never issue them again
(issue 11, item 13). The receipt sequence itself goes on gapless and the chain
links onto the last restored record.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shopdesk import clock as clock_seam
from shopdesk.backup.checking import check_range
from shopdesk.backup.files import CHUNK, file_size, write_atomic
from shopdesk.backup.keyfile import decrypt_key
from shopdesk.backup.manifest import (
    FOLDER_PREFIX,
    LEDGER_DIR,
    MANIFEST_NAME,
    Manifest,
    read_manifest,
)
from shopdesk.config import load_profile
from shopdesk.errors import BackupError, InvalidInput, LedgerError, LedgerTampered
from shopdesk.ledger.journal import GENESIS_PREV, Journal
from shopdesk.ledger.keys import key_fingerprint, load_public_key, public_key_b64
from shopdesk.ledger.store import Ledger
from shopdesk.ledger.verify import Problem
from shopdesk.platform import O_BINARY, fsync_dir
from shopdesk.services.sales import next_series
from shopdesk.services.shop import Shop, ShopHome

#: Bytes read to find a partition's first record (``ledger.created`` is small).
MAX_FIRST_LINE = 64 * 1024


@dataclass(frozen=True)
class BackupCheck:
    """A backup folder, its manifest, and the first bad record (if any)."""

    folder: Path
    manifest: Manifest
    records: int
    problem: Problem | None
    #: The key was compared with (and is) the key of the shop's own ledger.
    key_checked: bool = False

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def key_fingerprint(self) -> str:
        """Which key signed this backup, to compare with the shop's (see ``key_fingerprint``)."""
        return key_fingerprint(self.manifest.public_key)


@dataclass(frozen=True)
class RestoreResult:
    home: Path
    head_seq: int
    last_rseq: int
    made: str
    key_restored: bool
    #: Fingerprint of the key the backup (and so the restored ledger) is signed with.
    key_fingerprint: str = ""
    #: The receipt series the restored till issues in ("" until the key is restored).
    series: str = ""


def find_backup(path: Path) -> Path:
    """The backup folder at ``path``: the folder itself, or its one ``shopdesk-*`` child."""
    if (path / MANIFEST_NAME).is_file():
        return path
    if not path.is_dir():
        raise BackupError("backup.not_found", folder=str(path))
    found = sorted(
        child
        for child in path.iterdir()
        if child.name.startswith(FOLDER_PREFIX) and (child / MANIFEST_NAME).is_file()
    )
    if not found:
        raise BackupError("backup.not_found", folder=str(path))
    if len(found) > 1:
        raise InvalidInput(
            "backup.several", folder=str(path), choices=", ".join(str(f) for f in found)
        )
    return found[0]


def backup_has_key(path: Path) -> bool:
    """Whether the backup at ``path`` carries the (encrypted) signing key.

    Lets a front end ask for the passphrase only when there is a key to unlock;
    an unreadable backup answers ``False`` and is reported by the restore itself.
    """
    try:
        manifest = read_manifest(find_backup(path))
    except (BackupError, InvalidInput):
        return False
    return manifest is not None and "encrypted_key" in manifest.files


def _read_listed(folder: Path, manifest: Manifest, role: str) -> bytes | None:
    entry = manifest.files.get(role)
    if entry is None:
        return None
    try:
        data = (folder / entry.path).read_bytes()
    except FileNotFoundError:
        raise BackupError("backup.file_missing", folder=str(folder), file=entry.path) from None
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise BackupError("backup.file_bad", folder=str(folder), file=entry.path)
    return data


def verify_backup(path: Path, *, home: Path | None = None) -> BackupCheck:
    """Check a backup completely: manifest signature, files, every record.

    A damaged or tampered record is *returned* (``problem`` names file, line,
    sequence and what is wrong) so the caller can say which receipt is affected;
    a backup that cannot even be read raises.

    Everything here is checked against the key the backup itself declares, so a
    backup forged whole with another key would pass. Given the shop ``home`` of
    the same terminal, the key its ledger was created with must be the backup's
    (``key_checked``); otherwise only a person comparing the fingerprint can tell.
    """
    folder = find_backup(path)
    manifest = read_manifest(folder)
    if manifest is None:
        raise BackupError("backup.not_found", folder=str(path))
    public_pem = _read_listed(folder, manifest, "public_key")
    if public_pem is None:
        raise BackupError("backup.file_missing", folder=str(folder), file="public_key")
    public = load_public_key(public_pem)
    if public_key_b64(public) != manifest.public_key or not manifest.signature_ok(public):
        raise BackupError("backup.bad_manifest", folder=str(folder))
    expected = home_key(home, manifest.terminal) if home is not None else None
    if expected is not None and expected != manifest.public_key:
        raise _other_key(folder, manifest, expected)
    for role in ("profile", "catalog", "encrypted_key"):
        _read_listed(folder, manifest, role)
    expect_seq, expect_prev, count = 1, GENESIS_PREV, 0
    for entry in manifest.partitions:
        path_ = folder / LEDGER_DIR / entry.name
        if file_size(path_) < entry.size:
            return BackupCheck(
                folder, manifest, count, Problem(entry.name, 0, expect_seq, "missing")
            )
        result, digest = check_range(
            path_, 0, entry.size, entry.name, 1, (expect_seq, expect_prev), public, hashlib.sha256()
        )
        count += result.records
        if result.problem is not None:
            return BackupCheck(folder, manifest, count, result.problem)
        if digest.hexdigest() != entry.sha256 or result.head_seq != entry.last_seq:
            return BackupCheck(
                folder, manifest, count, Problem(entry.name, 0, result.head_seq, "bad_bytes")
            )
        expect_seq, expect_prev = result.head_seq + 1, result.head_hash
    if (expect_seq - 1, expect_prev) != (manifest.head_seq, manifest.head_hash):
        return BackupCheck(folder, manifest, count, Problem(MANIFEST_NAME, 0, None, "missing"))
    first = manifest.partitions[0].name if manifest.partitions else ""
    created = created_key(folder / LEDGER_DIR / first) if first else None
    if created is not None and created != manifest.public_key:
        raise _other_key(folder, manifest, created)
    return BackupCheck(folder, manifest, count, None, expected is not None)


def created_key(partition: Path, terminal: str | None = None) -> str | None:
    """The public key named by the ``ledger.created`` record that opens ``partition``.

    ``None`` when there is none, or it is another terminal's (each till has its
    own key, and a stick may hold several tills' backups).
    """
    try:
        with partition.open("rb") as handle:
            first = json.loads(handle.readline(MAX_FIRST_LINE))
    except (OSError, ValueError):
        return None
    if not isinstance(first, dict) or first.get("kind") != "ledger.created":
        return None
    data = first.get("data") if isinstance(first.get("data"), dict) else {}
    if terminal is not None and data.get("terminal") != terminal:
        return None
    key = data.get("public_key")
    return key if isinstance(key, str) else None


def home_key(root: Path, terminal: str) -> str | None:
    """The key the ledger in shop home ``root`` was created with, if it is ``terminal``'s."""
    partitions = sorted(ShopHome(root).ledger.glob("journal-*.jsonl"))
    return created_key(partitions[0], terminal) if partitions else None


def _other_key(folder: Path, manifest: Manifest, expected: str) -> BackupError:
    return BackupError(
        "backup.other_key",
        folder=str(folder),
        fingerprint=key_fingerprint(manifest.public_key),
        expected=key_fingerprint(expected),
    )


def _broken(check: BackupCheck) -> LedgerTampered:
    p = check.problem
    assert p is not None
    return LedgerTampered(
        "backup.broken",
        folder=str(check.folder),
        file=p.file,
        line=p.line,
        seq=p.seq if p.seq is not None else "?",
        reason=p.reason,
    )


def _check_target(root: Path, manifest: Manifest) -> None:
    """Refuse any home that holds something: a restore never overwrites a ledger."""
    if not root.exists():
        return
    if not root.is_dir():
        raise InvalidInput("restore.target_not_empty", folder=str(root))
    home = ShopHome(root)
    if any(home.ledger.glob("journal-*.jsonl")):
        try:
            journal = Journal.open(home.ledger, readonly=True)
            head = journal.head.seq
            journal.close()
        except LedgerError:
            head = -1
        if head > manifest.head_seq:
            raise InvalidInput(
                "restore.target_newer", folder=str(root), ledger=head, backup=manifest.head_seq
            )
        raise InvalidInput("restore.target_has_ledger", folder=str(root), ledger=head)
    if any(root.iterdir()):
        raise InvalidInput("restore.target_not_empty", folder=str(root))


def _unlock_key(
    folder: Path, manifest: Manifest, passphrase: str
) -> tuple[bytes, Ed25519PrivateKey]:
    document = _read_listed(folder, manifest, "encrypted_key")
    if document is None:
        raise BackupError("backup.no_key_in_backup", folder=str(folder))
    key = decrypt_key(document, passphrase)
    if public_key_b64(key.public_key()) != manifest.public_key:
        raise BackupError("backup.key_mismatch", folder=str(folder))
    return document, key


def _write_new(path: Path, data: bytes, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_BINARY, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_prefix(source: Path, target: Path, size: int) -> None:
    with source.open("rb") as src, target.open("xb") as out:
        left = size
        while left > 0:
            chunk = src.read(min(CHUNK, left))
            if not chunk:
                raise BackupError(
                    "backup.file_missing", folder=str(source.parent), file=source.name
                )
            out.write(chunk)
            left -= len(chunk)
        out.flush()
        os.fsync(out.fileno())


def restore_shop(
    backup: Path,
    root: Path,
    *,
    passphrase: str | None,
    without_key: bool = False,
    clock: Callable[[], datetime] | None = None,
) -> RestoreResult:
    """Build a working shop home at ``root`` from the backup at ``backup``.

    Order matters: verify everything, check the target, unlock the key — and
    only then write, into a temporary folder renamed into place at the end.
    """
    check = verify_backup(backup)
    if not check.ok:
        raise _broken(check)
    folder, manifest = check.folder, check.manifest
    root = root.expanduser().absolute()
    _check_target(root, manifest)
    key_doc: bytes | None = None
    key: Ed25519PrivateKey | None = None
    if not without_key and "encrypted_key" in manifest.files:
        if passphrase is None:
            raise InvalidInput("restore.passphrase_needed")
        key_doc, key = _unlock_key(folder, manifest, passphrase)
    staging = root.parent / f".{root.name}.restoring-{os.getpid()}"
    if root.parent.is_dir():  # leftovers of a restore killed half-way: never a shop
        for stale in root.parent.glob(f".{root.name}.restoring-*"):
            shutil.rmtree(stale, ignore_errors=True)
    series = ""
    try:
        _build_home(staging, folder, manifest, key_doc, key, str(backup))
        if key is not None:  # before the rename: no restored home ever sells without it
            with Shop.open(staging, clock=clock) as shop:
                series = start_series(shop.ledger, shop.now(), manifest.made, manifest.head_seq)
        if root.exists():
            root.rmdir()  # empty (checked above); rename needs the name free
        os.rename(staging, root)
        fsync_dir(root.parent)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(
            "restore.write_failed", folder=str(root), reason=exc.strerror or str(exc)
        ) from exc
    _seed_state(ShopHome(root), folder, manifest)
    with Shop.open(root, readonly=True, clock=clock, load_view=False):
        pass  # proves profile, catalog and ledger open before anyone relies on them
    return RestoreResult(
        root,
        manifest.head_seq,
        manifest.last_rseq,
        manifest.made,
        key is not None,
        check.key_fingerprint,
        series,
    )


def start_series(ledger: Ledger, when: datetime, backup_made: str, backup_seq: int) -> str:
    """Append the ``ledger.restored`` record that moves receipt numbers to a new series.

    Nothing the till knows says how far the old till got after the backup, so
    instead of guessing a number to skip to, the restored till's numbers become
    distinct from any the old one can have issued: ``T01-R1-00000043`` is never
    ``T01-00000043``, and a till restored again takes ``R2``.
    """
    series = next_series(ledger.view.series)
    ledger.append(
        "ledger.restored",
        {"series": series, "backup_made": backup_made, "backup_seq": backup_seq},
        when,
    )
    return series


def _build_home(
    staging: Path,
    folder: Path,
    manifest: Manifest,
    key_doc: bytes | None,
    key: Ed25519PrivateKey | None,
    source: str,
) -> None:
    from cryptography.hazmat.primitives import serialization

    home = ShopHome(staging)
    staging.mkdir(parents=True)
    for role, path in (
        ("profile", home.profile),
        ("catalog", home.catalog),
        ("public_key", home.public_key),
    ):
        data = _read_listed(folder, manifest, role)
        if data is None:
            raise BackupError("backup.file_missing", folder=str(folder), file=role)
        _write_new(path, data)
    if key_doc is not None and key is not None:
        _write_new(home.encrypted_key, key_doc, 0o600)
        _write_new(
            home.key,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            0o600,
        )
    home.ledger.mkdir()
    for entry in manifest.partitions:
        _copy_prefix(folder / LEDGER_DIR / entry.name, home.ledger / entry.name, entry.size)
    _write_new(
        home.restored,
        json.dumps(
            {
                "from": source,
                "backup_made": manifest.made,
                "generation": manifest.generation,
                "head_seq": manifest.head_seq,
                "head_hash": manifest.head_hash,
                "key_restored": key is not None,
            },
            ensure_ascii=False,
            indent=1,
        ).encode("utf-8"),
    )
    for sub in (home.ledger, home.key.parent, staging):
        fsync_dir(sub)


def _seed_state(home: ShopHome, folder: Path, manifest: Manifest) -> None:
    """The restored home starts out knowing its last backup is the one it came from."""
    state = {
        "last_ok": {
            "time": manifest.made,
            "destination": str(folder),
            "seq": manifest.head_seq,
            "rseq": manifest.last_rseq,
            "generation": manifest.generation,
        }
    }
    write_atomic(home.backup_state, json.dumps(state, ensure_ascii=False, indent=1).encode())


def restore_key(
    root: Path,
    backup: Path,
    passphrase: str,
    *,
    clock: Callable[[], datetime] | None = None,
) -> tuple[str, int] | None:
    """Add the signing key to a home that was restored without it.

    The new receipt series (:func:`start_series`) is recorded with the key in
    memory, before the key file is written: a home that can sign has its series.
    Returns that series and the last receipt number before it, if one was started.
    """
    started = None
    home = ShopHome(root)
    if not home.exists():
        raise LedgerError("home.missing", folder=str(root))
    if home.key.exists():
        raise InvalidInput("restore.key_present", file=str(home.key))
    folder = find_backup(backup)
    manifest = read_manifest(folder)
    if manifest is None:
        raise BackupError("backup.not_found", folder=str(backup))
    document, key = _unlock_key(folder, manifest, passphrase)
    home_public = load_public_key(home.public_key.read_bytes())
    if public_key_b64(home_public) != public_key_b64(key.public_key()):
        raise BackupError("backup.key_mismatch", folder=str(folder))
    from cryptography.hazmat.primitives import serialization

    if home.restored.exists():
        # The series starts before the key lands: a home that can sign can sell.
        info = json.loads(home.restored.read_bytes())
        profile = load_profile(home.profile)
        ledger = Ledger.open(home.ledger, key, profile.terminal)
        try:
            if ledger.view.series_seq <= int(info.get("head_seq", 0)):
                when = clock() if clock else clock_seam.now(profile.tz)
                series = start_series(
                    ledger, when, str(info.get("backup_made", "")), int(info["head_seq"])
                )
                started = (series, ledger.view.last_rseq)
        finally:
            ledger.close()
    if not home.encrypted_key.exists():
        _write_new(home.encrypted_key, document, 0o600)
    _write_new(
        home.key,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        0o600,
    )
    fsync_dir(home.key.parent)
    if home.restored.exists():
        info = json.loads(home.restored.read_bytes())
        info["key_restored"] = True
        write_atomic(home.restored, json.dumps(info, ensure_ascii=False, indent=1).encode())
    return started
