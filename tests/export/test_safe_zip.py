"""Hostile batch zips are refused with a clear code, and nothing is ever extracted.

Each test builds the attack by hand (zipfile, or raw bytes where zipfile would
refuse to write it) and checks the exact refusal. The working directory is a
fresh folder that must still be empty afterwards.
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.errors import BatchError
from shopdesk.export import batch_format as fmt
from shopdesk.export import safe_zip
from shopdesk.export.batch_verifier import verify_batch

MANIFEST_OK = json.dumps({"format": fmt.FORMAT, "format_version": 1}).encode()


@pytest.fixture(autouse=True)
def empty_cwd(tmp_path: Path, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    yield work
    assert list(work.iterdir()) == []  # nothing extracted, ever


def make_zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def patch_central(path: Path, name: str, offset: int, form: str, value: int) -> None:
    """Overwrite one field of ``name``'s central directory entry (zipfile cannot write these)."""
    data = bytearray(path.read_bytes())
    at = -1
    while True:
        at = data.find(b"PK\x01\x02", at + 1)
        assert at >= 0, name
        (name_len,) = struct.unpack_from("<H", data, at + 28)
        if data[at + 46 : at + 46 + name_len] == name.encode():
            break
    if form == "<H" and offset == 8:  # flags: OR them in
        value |= struct.unpack_from("<H", data, at + 8)[0]
    struct.pack_into(form, data, at + offset, value)
    path.write_bytes(bytes(data))


def full_set(**override: bytes) -> list[tuple[str, bytes]]:
    files = {name: b"x" for name in fmt.MEMBERS}
    files[fmt.MANIFEST] = MANIFEST_OK
    files.update({k.replace("_", "."): v for k, v in override.items()})
    return list(files.items())


def refused(path: Path, code: str) -> BatchError:
    with pytest.raises(BatchError) as caught:
        verify_batch(path)
    assert caught.value.code == code, caught.value
    return caught.value


@pytest.mark.parametrize(
    "name", ["../evil.txt", "/etc/cron.d/evil", "a/../../evil", "C:/evil", "..\\evil", "dir//x"]
)
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    path = make_zip(tmp_path / "t.zip", [*full_set(), (name, b"boom")])
    error = refused(path, "batch.unsafe_name")
    assert error.data["name"] == name


def test_a_symlink_entry_is_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo(fmt.CSV)
    link.create_system = 3
    link.external_attr = 0o120777 << 16
    entries = [(n, d) for n, d in full_set() if n != fmt.CSV] + [(link, b"/etc/passwd")]
    refused(make_zip(tmp_path / "t.zip", entries), "batch.symlink")


def test_folders_and_nested_archives_are_refused(tmp_path: Path) -> None:
    refused(make_zip(tmp_path / "a.zip", [*full_set(), ("extra/", b"")]), "batch.unexpected_member")
    refused(
        make_zip(tmp_path / "b.zip", [*full_set(), ("inner.zip", b"PK\x03\x04")]),
        "batch.unexpected_member",
    )
    inner = tmp_path / "inner.zip"
    make_zip(inner, [("a", b"a")])
    path = make_zip(tmp_path / "c.zip", full_set(manifest_json=inner.read_bytes()))
    refused(path, "batch.nested_archive")


def test_missing_and_duplicate_members_are_refused(tmp_path: Path) -> None:
    entries = [(n, d) for n, d in full_set() if n != fmt.JSONL]
    error = refused(make_zip(tmp_path / "a.zip", entries), "batch.missing_member")
    assert error.data["name"] == fmt.JSONL
    with pytest.warns(UserWarning):  # zipfile warns about the duplicate name while writing it
        path = make_zip(tmp_path / "b.zip", [*full_set(), (fmt.CSV, b"again")])
    refused(path, "batch.duplicate_member")


def test_too_many_members_are_refused_before_reading_the_directory(tmp_path: Path) -> None:
    entries = [(f"f{i}", b"") for i in range(safe_zip.MAX_MEMBERS + 1)]
    refused(make_zip(tmp_path / "t.zip", entries), "batch.too_many_members")


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path: Path) -> None:
    bomb = b"\0" * (20 << 20)  # 20 MB of zeros deflate to ~20 KB: ratio ~1000
    path = make_zip(tmp_path / "t.zip", full_set(receipts_jsonl=bomb))
    error = refused(path, "batch.zip_bomb")
    assert error.data["name"] == fmt.JSONL


def test_a_huge_declared_member_is_refused(tmp_path: Path) -> None:
    big = os.urandom(safe_zip.MEMBER_LIMITS[fmt.MANIFEST] + 1)  # incompressible: no ratio alarm
    path = make_zip(tmp_path / "t.zip", full_set(manifest_json=big))
    refused(path, "batch.member_too_large")


def test_a_member_lying_about_its_size_is_cut_off(tmp_path: Path) -> None:
    """The directory says 100 bytes, the deflate stream holds 5 MB: never more than 100 come out."""
    path = make_zip(tmp_path / "t.zip", full_set(receipts_csv=os.urandom(1000) * 5000))
    patch_central(path, fmt.CSV, 24, "<L", 100)  # uncompressed size
    archive = safe_zip.SafeZip(path)
    try:
        with pytest.raises(BatchError) as caught:
            total = sum(len(c) for c in archive.chunks(fmt.CSV))
            assert total <= 100
            raise AssertionError("a lying size must not pass its CRC")
        assert caught.value.code == "batch.corrupt_member"
    finally:
        archive.close()


def test_encryption_and_exotic_compression_are_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", full_set())
    patch_central(path, fmt.CSV, 8, "<H", 0x1)  # general purpose flag bit 0: encrypted
    refused(path, "batch.encrypted")
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as archive:
        for name, data in full_set():
            archive.writestr(name, data, compress_type=zipfile.ZIP_BZIP2)
    refused(tmp_path / "b.zip", "batch.bad_compression")


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04" + b"\1" * 200])
def test_not_a_zip_is_refused(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "t.zip").write_bytes(content)
    refused(tmp_path / "t.zip", "batch.not_a_zip")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    refused(tmp_path / "nowhere.zip", "batch.missing_file")


@pytest.mark.parametrize(
    ("manifest", "code", "field"),
    [
        (b"{not json", "batch.bad_manifest_json", None),
        (b"[" * 100_000 + b"]" * 100_000, "batch.bad_manifest_json", None),
        (b"[1, 2]", "batch.bad_manifest_field", "(top)"),
        (json.dumps({"format": "other"}).encode(), "batch.bad_format", None),
        (
            json.dumps({"format": fmt.FORMAT, "format_version": 9}).encode(),
            "batch.bad_version",
            None,
        ),
        (MANIFEST_OK, "batch.bad_manifest_field", "shop"),
    ],
)
def test_bad_manifests_are_refused(tmp_path: Path, manifest: bytes, code: str, field) -> None:
    path = make_zip(tmp_path / "t.zip", full_set(manifest_json=manifest))
    error = refused(path, code)
    if field:
        assert error.data["field"] == field


def test_wrong_types_in_a_real_manifest_are_named(tmp_path: Path, real_manifest: dict) -> None:
    cases = {
        "batch_no": ("1", "batch_no"),
        "journal": ({**real_manifest["journal"], "head": "zz"}, "journal.head"),
        "totals": ({**real_manifest["totals"], "gross": 12.5}, "totals.gross"),
        "voided": ("T01-00000001", "voided"),
        "counts": ({**real_manifest["counts"], "issued": True}, "counts.issued"),
        "files": ({}, "files.receipts.jsonl"),
    }
    for key, (value, field) in cases.items():
        manifest = {**real_manifest, key: value}
        path = make_zip(
            tmp_path / f"{key}.zip", full_set(manifest_json=json.dumps(manifest).encode())
        )
        error = refused(path, "batch.bad_manifest_field")
        assert error.data["field"] == field


@pytest.fixture
def real_manifest() -> dict:
    hexes = "0" * 64
    return {
        "format": fmt.FORMAT,
        "format_version": 1,
        "shop": "店",
        "uscc": "91110000600037341L",
        "terminal": "T01",
        "batch_id": "T01-B0001-00000001-00000001",
        "batch_no": 1,
        "previous_batch": None,
        "exported_at": "2026-11-28T12:00:00+08:00",
        "receipts": {"first_no": None, "last_no": None, "first_rseq": 1, "last_rseq": 0},
        "journal": {"first_seq": 1, "last_seq": 1, "records": 1, "prev_head": hexes, "head": hexes},
        "counts": {"issued": 0, "voided": 0, "valid": 0, "training_excluded": 0, "late_voids": 0},
        "voided": [],
        "late_voids": [],
        "totals": {"gross": "0.00", "net": "0.00", "tax": "0.00", "by_rate": {}, "by_payment": {}},
        "files": {n: {"sha256": hexes, "size": 1} for n in fmt.HASHED},
        "public_key": "AAAA",
        "signature": "AAAA",
    }


def test_absurdly_nested_records_are_refused_not_crashed_on(tmp_path: Path) -> None:
    manifest = json.dumps(_manifest_for_records()).encode()
    deep = b"[" * 200_000 + b"]" * 200_000
    path = make_zip(tmp_path / "t.zip", full_set(manifest_json=manifest, receipts_jsonl=deep))
    error = refused(path, "batch.bad_record")
    assert error.data["reason"] == "bad_json"


def _manifest_for_records() -> dict:
    """A well-formed, correctly signed manifest for a one-record batch (contents aside)."""
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from shopdesk.ledger.keys import public_key_b64, sign

    key = Ed25519PrivateKey.generate()
    hexes = "0" * 64
    manifest = {
        "format": fmt.FORMAT,
        "format_version": 1,
        "shop": "店",
        "uscc": "91110000600037341L",
        "terminal": "T01",
        "batch_id": "T01-B0001-voids",
        "batch_no": 1,
        "previous_batch": None,
        "exported_at": "2026-11-28T12:00:00+08:00",
        "receipts": {"first_no": None, "last_no": None, "first_rseq": 1, "last_rseq": 0},
        "journal": {"first_seq": 1, "last_seq": 1, "records": 1, "prev_head": hexes, "head": hexes},
        "counts": {"issued": 0, "voided": 0, "valid": 0, "training_excluded": 0, "late_voids": 0},
        "voided": [],
        "late_voids": [],
        "totals": {"gross": "0.00", "net": "0.00", "tax": "0.00", "by_rate": {}, "by_payment": {}},
        "files": {n: {"sha256": hashlib.sha256(b"x").hexdigest(), "size": 1} for n in fmt.HASHED},
        "public_key": public_key_b64(key.public_key()),
    }
    manifest["signature"] = sign(key, fmt.signing_bytes(manifest))
    return manifest


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.lists(st.sampled_from([b"a", b"bc", b"\n", b"\xe4\xb8\xad"]), max_size=80).map(
        b"".join
    ),
    chunk=st.integers(1, 9),
)
def test_lines_are_the_members_lines_however_the_chunks_fall(
    tmp_path_factory, monkeypatch, text: bytes, chunk: int
) -> None:
    """``SafeZip.lines`` numbers and cuts exactly as ``bytes.split`` would, a last line
    without its newline included, whatever the chunk boundaries (issue 12, speed)."""
    monkeypatch.setattr(safe_zip, "CHUNK", chunk)
    path = make_zip(tmp_path_factory.mktemp("lines") / "t.zip", full_set(receipts_csv=text))
    with safe_zip.SafeZip(path) as archive:
        got = list(archive.lines(fmt.CSV))
    expected = text.split(b"\n")
    if expected[-1] == b"":
        expected.pop()
    assert got == list(enumerate(expected, 1))


def test_a_line_longer_than_the_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(safe_zip, "CHUNK", 4)
    path = make_zip(tmp_path / "t.zip", full_set(receipts_csv=b"ok\n" + b"x" * 40 + b"\nok\n"))
    with safe_zip.SafeZip(path) as archive, pytest.raises(BatchError) as caught:
        list(archive.lines(fmt.CSV, max_line=16))
    assert caught.value.code == "batch.line_too_long" and caught.value.data["line"] == 2
