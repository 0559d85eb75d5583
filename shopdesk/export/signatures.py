"""Checking many record signatures, in parallel when there are many.

Ed25519 verification costs ~110 µs a signature with OpenSSL on the PCs we
measured (``openssl speed ed25519``: ~9,000 verifications/s), ~50 µs with
libsodium, which :func:`~shopdesk.ledger.keys.verify_signature` asks first; a
batch of 100k receipts (~200k records with their print records) still needs
~10 s of CPU for signatures alone, more than everything else verify-batch
does together (``--all-signatures``). They
are independent of each other, so big batches spread them over worker
processes while the main process checks hashes, links and totals.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor

from shopdesk.ledger.keys import decode_b64, load_public_key, verify_signature

#: Below this many records a worker pool costs more to start than it saves.
PARALLEL_FROM = 20_000
CHUNK = 4096
#: (line, seq, hash, signature)
Item = tuple[int, int, str, str]


def check_chunk(public_key: str, items: list[Item]) -> tuple[int, int] | None:
    """The first (line, seq) whose signature does not verify, or ``None``."""
    key = load_public_key(public_key)
    for line, seq, digest, sig in items:
        if not verify_signature(key, digest.encode("ascii"), sig):
            return line, seq
    return None


class SignatureChecker:
    """Collects signatures to check; :meth:`first_failure` gives the earliest bad one."""

    def __init__(self, public_key: str, records: int, workers: int | None = None) -> None:
        decode_b64(public_key)  # fail early on a bad key, not in a worker
        self.public_key = public_key
        self.items: list[Item] = []
        self.failure: tuple[int, int] | None = None
        self.pending: deque[Future] = deque()
        count = workers if workers is not None else min(os.cpu_count() or 1, 4)
        self.pool: ProcessPoolExecutor | None = None
        if records >= PARALLEL_FROM and count > 1:
            import multiprocessing

            # spawn, not fork: no inherited locks or open zip handles in the workers
            self.pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"))
            self.limit = count * 2

    def add(self, line: int, seq: int, digest: str, sig: str) -> None:
        self.items.append((line, seq, digest, sig))
        if len(self.items) >= CHUNK:
            self._submit()

    def _submit(self) -> None:
        items, self.items = self.items, []
        if not items or self.failure is not None:
            return
        if self.pool is None:
            self._note(check_chunk(self.public_key, items))
            return
        self.pending.append(self.pool.submit(check_chunk, self.public_key, items))
        while len(self.pending) > self.limit:  # bounded memory: wait for the oldest chunk
            self._note(self.pending.popleft().result())

    def _note(self, result: tuple[int, int] | None) -> None:
        if result is not None and (self.failure is None or result < self.failure):
            self.failure = result

    def first_failure(self) -> tuple[int, int] | None:
        """Wait for every chunk; the earliest (line, seq) with a bad signature."""
        self._submit()
        while self.pending:
            self._note(self.pending.popleft().result())
        return self.failure

    def close(self) -> None:
        if self.pool is not None:
            for future in self.pending:
                future.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
