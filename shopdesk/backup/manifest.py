"""The manifest: the one file that says what a backup folder holds.

A backup is exactly what its ``MANIFEST.json`` lists: for each journal partition
its name and the number of bytes that belong to the backup (the file may be
longer after an interrupted run; the rest is ignored), the SHA-256 of those
bytes, and the first and last record they hold; plus the content-named copies
of the profile, catalog, public key and encrypted key. The manifest is replaced
atomically as the last step of a backup, so a folder always holds one complete
backup: the new one, or the one before it.

The manifest is signed with the terminal's key, so a backup cannot be shortened
(rolled back to fewer records) or pointed at other files without it showing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from shopdesk.errors import BackupError
from shopdesk.ledger.canonical import canonical_json
from shopdesk.ledger.keys import sign, verify_signature

MANIFEST_NAME = "MANIFEST.json"
MANIFEST_FORMAT = "shopdesk-backup"
MANIFEST_VERSION = 1
LEDGER_DIR = "ledger"
FILES_DIR = "files"
#: The sub-folder of a backup destination that holds one terminal's backup.
FOLDER_PREFIX = "shopdesk-"

#: The only partition name a manifest may hold: a plain file name, ASCII digits,
#: a real month — nothing that could name a file outside the backup or the new home.
PARTITION_NAME_RE = re.compile(r"journal-[0-9]{4}-(?:0[1-9]|1[0-2])\.jsonl", re.ASCII)
SHA256_RE = re.compile(r"[0-9a-f]{64}", re.ASCII)

#: Small files copied whole, by role: (name stem, suffix) of their content-named copy.
FILE_ROLES = {
    "profile": ("profile", ".toml"),
    "catalog": ("catalog", ".csv"),
    "public_key": ("terminal.pub", ".pem"),
    "encrypted_key": ("terminal.key.enc", ".json"),
}


def backup_folder(destination: Path, terminal: str) -> Path:
    """Where one terminal's backup lives inside a destination (a stick may hold several).

    Naming the terminal's backup folder itself (``--to /media/usb/shopdesk-T01``)
    means that folder, not a new one nested inside it.
    """
    name = f"{FOLDER_PREFIX}{terminal}"
    if destination.name == name and (destination / MANIFEST_NAME).is_file():
        return destination
    return destination / name


def content_name(role: str, digest: str) -> str:
    """``files/profile-1a2b3c4d5e6f.toml``: a changed file gets a new name, so the
    copy the previous manifest names is never overwritten."""
    stem, suffix = FILE_ROLES[role]
    return f"{FILES_DIR}/{stem}-{digest[:16]}{suffix}"


@dataclass
class PartitionEntry:
    name: str
    size: int
    sha256: str
    first_seq: int
    first_prev: str
    last_seq: int
    last_hash: str


@dataclass
class FileEntry:
    path: str
    sha256: str
    size: int


@dataclass
class Manifest:
    terminal: str
    shop: str
    uscc: str
    public_key: str  # raw Ed25519 public key, base64
    made: str  # ISO time, shop's clock
    generation: int
    head_seq: int
    head_hash: str
    last_rseq: int
    verified_full: str  # time of the last run that re-read and verified every record
    partitions: list[PartitionEntry] = field(default_factory=list)
    files: dict[str, FileEntry] = field(default_factory=dict)
    sig: str = ""

    def body(self) -> dict:
        data = asdict(self)
        data.pop("sig")
        return {"format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, **data}

    def signed(self, key: Ed25519PrivateKey) -> Manifest:
        self.sig = sign(key, hashlib.sha256(canonical_json(self.body())).hexdigest().encode())
        return self

    def signature_ok(self, public: Ed25519PublicKey) -> bool:
        digest = hashlib.sha256(canonical_json(self.body())).hexdigest().encode()
        return verify_signature(public, digest, self.sig)

    def to_bytes(self) -> bytes:
        return (
            json.dumps({**self.body(), "sig": self.sig}, ensure_ascii=False, indent=1).encode(
                "utf-8"
            )
            + b"\n"
        )

    def entry(self, name: str) -> PartitionEntry | None:
        for part in self.partitions:
            if part.name == name:
                return part
        return None


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of a backup folder; ``None`` if there is none; an error if unreadable."""
    path = folder / MANIFEST_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BackupError(
            "backup.unreadable", folder=str(folder), reason=exc.strerror or str(exc)
        ) from None
    try:
        data = json.loads(raw)
        if data.pop("format") != MANIFEST_FORMAT:
            raise ValueError("format")
        if data.pop("version") != MANIFEST_VERSION:
            raise BackupError("backup.unknown_version", folder=str(folder))
        data["partitions"] = [PartitionEntry(**p) for p in data["partitions"]]
        data["files"] = {role: FileEntry(**f) for role, f in data["files"].items()}
        manifest = Manifest(**data)
    except (ValueError, KeyError, TypeError):
        raise BackupError("backup.bad_manifest", folder=str(folder)) from None
    check_names(manifest, folder)
    return manifest


def check_names(manifest: Manifest, folder: Path) -> None:
    """Refuse a manifest naming anything but the plain names a backup writes.

    The names are joined to the backup folder (to read) and to the new home (to
    write), and a valid signature proves nothing about them: anyone can sign a
    manifest with the key the backup itself declares (issue 11, item 6). So a
    partition must be ``journal-YYYY-MM.jsonl``, each once, and a listed file
    exactly the content name the writer gives it (``files/<stem>-<sha256:16>…``).
    """
    seen: set[str] = set()
    for part in manifest.partitions:
        name = part.name
        if not isinstance(name, str) or not PARTITION_NAME_RE.fullmatch(name) or name in seen:
            raise BackupError("backup.bad_name", folder=str(folder), name=repr(name))
        seen.add(name)
    for role, entry in manifest.files.items():
        digest = entry.sha256 if isinstance(entry.sha256, str) else ""
        if (
            role not in FILE_ROLES
            or not SHA256_RE.fullmatch(digest)
            or entry.path != content_name(role, digest)
        ):
            raise BackupError("backup.bad_name", folder=str(folder), name=repr(entry.path))
