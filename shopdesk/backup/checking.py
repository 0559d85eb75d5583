"""Verifying a byte range of a journal copy, on every CPU when it is large.

A first backup or a restore checks every record: ~200k Ed25519 signatures for
100k receipts, 30–40 s on one core of a slow PC. Each record's signature and hash
can be checked on its own; only the sequence and the links need order, and a
link is just the previous line's ``hash`` field. So a large range is cut at line
boundaries, each piece is checked in a forked worker starting from the line
before it, and the pieces must meet exactly (each piece's last record is what
the next one started from).

``verify`` uses it too, with its signature rule and a
:class:`~shopdesk.ledger.verify.Tally` of receipt numbers and times: each piece
keeps its own tally, and the pieces' tallies must follow one another.

Anything unexpected — a problem in any piece, pieces or tallies that do not
meet, an unparsable line at a cut, a process that cannot fork — falls back to
the plain sequential :func:`~shopdesk.ledger.verify.check_records`, which then
names the first bad record exactly as it always does. Parallelism only ever
speeds up the answer "all good".
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from shopdesk.backup.files import iter_lines, line_ending_at, read_chunks
from shopdesk.ledger.verify import ALL_SIGNATURES, SignatureRule, Tally, VerifyResult, check_records

#: Below this many bytes a range is checked in-process (forking costs more).
PARALLEL_MIN_BYTES = 8 << 20
MAX_WORKERS = 8


def check_range(
    path: Path,
    start: int,
    end: int,
    name: str,
    first_line: int,
    expect: tuple[int, str],
    public: Ed25519PublicKey,
    digest: hashlib._Hash | None,
    *,
    signatures: SignatureRule = ALL_SIGNATURES,
    tally: Tally | None = None,
    parallel: bool = True,
) -> tuple[VerifyResult, hashlib._Hash | None]:
    """Check the records of ``path[start:end]`` continuing from ``expect`` (seq, prev).

    Returns the result and ``digest`` continued over the range's bytes (if
    given). ``signatures`` picks the signatures checked; ``tally``, if given,
    checks each record in order (and is left as the sequential check leaves it).
    """
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if (
        parallel
        and workers > 1
        and end - start >= PARALLEL_MIN_BYTES
        and threading.active_count() == 1
    ):
        found = _check_parallel(
            path, start, end, name, first_line, expect, public, workers, signatures, tally
        )
        if found is not None:
            return found, _hash_range(path, start, end, digest)
    result = check_records(
        iter_lines(path, start, end, name, first_line, digest),
        public,
        expect_seq=expect[0],
        expect_prev=expect[1],
        signatures=signatures,
        on_record=None if tally is None else tally.check,
    )
    return result, digest


def _hash_range(
    path: Path, start: int, end: int, digest: hashlib._Hash | None
) -> hashlib._Hash | None:
    if digest is not None:
        for chunk in read_chunks(path, start, end):
            digest.update(chunk)
    return digest


def _cuts(path: Path, start: int, end: int, pieces: int) -> list[int]:
    """Offsets just after a newline, splitting ``[start, end)`` into about equal pieces."""
    cuts = [start]
    step = (end - start) // pieces
    with path.open("rb") as handle:
        for i in range(1, pieces):
            handle.seek(start + i * step)
            rest = handle.read(1 << 16)
            newline = rest.find(b"\n")
            if newline < 0:
                continue
            at = start + i * step + newline + 1
            if cuts[-1] < at < end:
                cuts.append(at)
    cuts.append(end)
    return cuts


def _check_parallel(
    path: Path,
    start: int,
    end: int,
    name: str,
    first_line: int,
    expect: tuple[int, str],
    public: Ed25519PublicKey,
    workers: int,
    signatures: SignatureRule = ALL_SIGNATURES,
    tally: Tally | None = None,
) -> VerifyResult | None:
    """All pieces verified and meeting exactly → the result (and ``tally`` carried
    on over them); anything else → ``None``, ``tally`` untouched."""
    cuts = _cuts(path, start, end, workers * 2)
    pieces = []
    for a, b in itertools.pairwise(cuts):
        if a == start:
            seq, prev = expect
        else:
            try:
                before = json.loads(line_ending_at(path, a))
                seq, prev = before["seq"] + 1, before["hash"]
            except (ValueError, KeyError, TypeError):
                return None
            if not isinstance(seq, int) or not isinstance(prev, str):
                return None
        pieces.append((str(path), a, b, name, first_line + (seq - expect[0]), seq, prev))
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(workers, len(pieces)), mp_context=context) as pool:
            jobs = [(raw, signatures, tally is not None, *p) for p in pieces]
            results = list(pool.map(_check_piece, jobs))
    except (OSError, RuntimeError, ValueError):
        return None
    records = 0
    combined = Tally.piece()
    for index, (result, piece) in enumerate(results):
        if result.problem is not None or not combined.follows(piece):
            return None
        combined.add(piece)
        if index + 1 < len(pieces):
            following = pieces[index + 1]
            if (result.head_seq + 1, result.head_hash) != (following[5], following[6]):
                return None
        records += result.records
    if tally is not None:
        if not tally.follows(combined):
            return None
        tally.add(combined)
    last = results[-1][0]
    return VerifyResult(records, last.head_seq, last.head_hash, None)


def _check_piece(job: tuple) -> tuple[VerifyResult, Tally]:
    raw, signatures, tallied, path, start, end, name, first_line, seq, prev = job
    public = Ed25519PublicKey.from_public_bytes(raw)
    tally = Tally.piece()
    result = check_records(
        iter_lines(Path(path), start, end, name, first_line),
        public,
        expect_seq=seq,
        expect_prev=prev,
        signatures=signatures,
        on_record=tally.check if tallied else None,
    )
    return result, tally
