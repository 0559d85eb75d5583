"""Exporting a batch for the accountant: which records, then write, then record it.

A batch is the contiguous journal range after the previous batch, ending at the
last receipt or void (up to ``until``): see :mod:`shopdesk.export.batch_format`.
Batches therefore chain: batch *n* starts right after batch *n-1*'s last record
and its first record links to that record's hash. That is why ``since`` cannot
skip pending receipts: the skipped ones could never be exported afterwards
without breaking the chain, so it is refused (use ``until`` to split instead).

Before anything is written, the exported range is verified (issue 11, items 9
and 14) as ``verify`` checks a ledger: every hash, link, canonical byte and
sequence, and the signatures of :class:`~shopdesk.ledger.verify.SignatureRule`
(its last record, which through the hash chain authenticates all before it,
every void, every receipt with a buyer tax id, a random sample). A range that
fails is refused and nothing is written or recorded.

A batch id is reserved in the ledger before its zip is written: a
``batch.started`` record holds the whole plan. The ``batch.exported`` record is
appended only after the zip is durable under its final name. If the process
dies in between, a zip may be out there without a record; the next export
therefore finishes that reserved batch first — same id, same range, same
export time, so the same bytes — instead of planning a new one, and only the
export after it takes the new receipts (issue 11, item 8). A batch id thus
never names two different sets of records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shopdesk.errors import BatchError, InvalidInput, LedgerTampered, NotFound
from shopdesk.export.background import no_cyclic_gc
from shopdesk.export.batch_writer import BatchPlan, Progress, select_range, write_batch
from shopdesk.ledger.journal import GENESIS_PREV, partition_name
from shopdesk.ledger.keys import public_key_b64, sign
from shopdesk.ledger.verify import (
    SignatureRule,
    VerifyResult,
    check_named,
    check_records,
)

if TYPE_CHECKING:  # verify-batch imports this module and needs no shop
    from shopdesk.services.shop import Shop

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: How a reservation looks in a journal line (canonical JSON escapes quotes in
#: values, so user text can never contain it).
STARTED = b'"kind":"batch.started"'
#: Records from which the range check runs in a worker beside the writer (a
#: process costs ~0.1 s to fork; ~5 s of CPU per 100k receipts is saved).
BACKGROUND_CHECK_FROM = 20_000


@dataclass(frozen=True)
class BatchSummary:
    """What a front end shows after an export."""

    batch_id: str
    path: Path
    sha256: str
    size: int
    counts: dict
    totals: dict
    first_no: str | None
    last_no: str | None
    late_voids: tuple[str, ...]
    #: True for ``--again``: nothing was appended to the ledger.
    again: bool = False
    #: For ``--again``: whether the bytes equal those recorded at the first export.
    matches_recorded: bool | None = None
    #: True when this export finished a batch an earlier, interrupted export had
    #: reserved (its zip may already be out there: this one has the same bytes).
    resumed: bool = False
    #: What ``export.refunds`` says about the batch's returns (:func:`refunds_note`);
    #: empty without returns.
    refunds: dict = field(default_factory=dict)


def refunds_note(manifest: dict) -> dict:
    """The data of the ``export.refunds`` message for a batch's manifest ({} without returns).

    The export summary (CLI and app) and ``verify-batch`` say it the same way.
    """
    if "refunds" not in manifest:
        return {}
    block = manifest["refunds"]
    return {
        "count": block["count"],
        "numbers": ", ".join(block["numbers"]),
        "total": block["gross"],
        "net": manifest["net_of_refunds"]["gross"],
    }


def _check_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` and a real day (compared as text with receipts' local dates)."""
    if value is None:
        return None
    try:
        if not DATE_RE.match(value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("list.bad_date", value=value) from None
    return value


def batch_id_for(
    terminal: str,
    batch_no: int,
    first_rseq: int,
    last_rseq: int,
    series: str = "",
    refunds: bool = False,
) -> str:
    """``T01-B0003-00000101-00000250``; a batch with no receipt ends in ``-returns``
    when it carries refunds, else (only late voids) in ``-voids``.

    A restored till's batches carry its receipt series (``T01-R1-B0003-…``): the
    old till may have exported a ``B0003`` after the backup it was restored from.
    """
    prefix = f"{terminal}-{series}-B" if series else f"{terminal}-B"
    if last_rseq < first_rseq:
        return f"{prefix}{batch_no:04d}-{'returns' if refunds else 'voids'}"
    return f"{prefix}{batch_no:04d}-{first_rseq:08d}-{last_rseq:08d}"


def _journal_lines(shop: Shop, from_month: str) -> Iterator[tuple[str, int, bytes]]:
    """(file, line number, raw line) from ``from_month`` on, as verify names them."""
    journal = shop.ledger.journal
    for month in journal.months():
        if month >= from_month:
            for number, raw in journal.lines(month):
                yield partition_name(month), number, raw


def _raw_lines(shop: Shop, from_month: str) -> Iterator[bytes]:
    """Journal lines from ``from_month`` on, each with its newline (what the jsonl holds)."""
    journal = shop.ledger.journal
    for month in journal.months():
        if month >= from_month:
            yield from journal.lines_as_written(month)


def verify_range(
    shop: Shop,
    plan: BatchPlan,
    from_month: str,
    observe: Callable[[dict], str | None] | None = None,
    rule: SignatureRule | None = None,
) -> None:
    """Raise :class:`LedgerTampered` unless records ``first_seq..last_seq`` verify.

    Hashes, links, canonical bytes and sequence always (from the previous
    batch's head); the signatures ``rule`` picks (the batch rule by default); a
    failing range is named as a full check names it
    (:func:`~shopdesk.ledger.verify.check_named`). ``observe`` sees each record
    once it has passed, parsed (the workbook is built from them), and may
    refuse it with a reason (:data:`~shopdesk.export.batch_writer.RangeCheck`).
    """
    public = _private_key(shop).public_key()
    count = plan.last_seq - plan.first_seq + 1
    where: list = ["?", 0]

    def placed(lines: Iterator[tuple[str, int, bytes]]) -> Iterator[tuple[str, int, bytes]]:
        for item in lines:
            where[:] = item[:2]
            yield item

    def run(rule: SignatureRule, first: bool) -> VerifyResult:
        lines = select_range(
            _journal_lines(shop, from_month), plan.first_seq, plan.last_seq, raw=lambda t: t[2]
        )
        return check_records(
            placed(lines),
            public,
            expect_seq=plan.first_seq,
            expect_prev=plan.prev_head,
            signatures=rule,
            on_record=observe if first else None,
        )

    with no_cyclic_gc():
        result = check_named(run, rule or _batch_rule(plan))
    if result.problem is not None:
        p = result.problem
        raise _damaged(p.file, p.line, p.seq if p.seq is not None else "?", p.reason)
    if result.records != count:
        raise _damaged(where[0], where[1], plan.first_seq + result.records, "missing")


def _batch_rule(plan: BatchPlan) -> SignatureRule:
    """The signature rule of the batch's range, drawn afresh (its sample is random)."""
    return SignatureRule.batch(records=plan.last_seq - plan.first_seq + 1, last_seq=plan.last_seq)


def _damaged(file: str, line: int, seq: object, reason: str) -> LedgerTampered:
    return LedgerTampered(
        "export.ledger_damaged", file=file, line=line, seq=seq, reason=f"verify.reason.{reason}"
    )


def _private_key(shop: Shop) -> Ed25519PrivateKey:
    key = shop.ledger.key
    if key is None:  # pragma: no cover - export always opens the shop writable
        raise BatchError("ledger.readonly")
    return key


def _public_key(shop: Shop) -> str:
    """The key that signs the manifest, as the manifest states it (not read from a file)."""
    return public_key_b64(_private_key(shop).public_key())


def _signer(shop: Shop) -> Callable[[bytes], str]:
    key = _private_key(shop)
    return lambda message: sign(key, message)


def _voided_in(shop: Shop, first_rseq: int, last_rseq: int, last_seq: int) -> frozenset[str]:
    """Attributes, not ``row["…"]``, and the rare void tested first: 100k rows per
    export (~0.05 s saved per 100k receipts; issue 12, speed)."""
    return frozenset(
        row.no
        for row in shop.ledger.view.iter_rows()
        if 0 < row.void_seq <= last_seq and not row.training and first_rseq <= row.rseq <= last_rseq
    )


def _refund_events(shop: Shop, first_seq: int) -> list[tuple[int, str, int]]:
    """(journal seq, day, 0) of every refund not yet exported: each rides in a batch."""
    return [
        (entry["seq"], entry["time"][:10], 0)
        for entry in shop.ledger.view.refunds.values()
        if entry["seq"] >= first_seq
    ]


def _has_refunds(shop: Shop, first_seq: int, last_seq: int) -> bool:
    return any(first_seq <= e["seq"] <= last_seq for e in shop.ledger.view.refunds.values())


def _earlier(shop: Shop, first_rseq: int) -> Callable[[str], bool]:
    view = shop.ledger.view

    def earlier(number: str) -> bool:
        row = view.get(number)
        return row is not None and not row["training"] and row["rseq"] < first_rseq

    return earlier


def plan_next_batch(
    shop: Shop, since: str | None = None, until: str | None = None
) -> tuple[BatchPlan, str]:
    """The next batch (and the month to start reading at), or ``NotFound`` if none.

    Relevant records are non-training receipts not yet exported, voids of
    non-training receipts and refunds after the previous batch; the batch ends at the last
    of them, in journal order, before the first one dated after ``until``.
    """
    _check_date(since)
    _check_date(until)
    if since and until and since > until:
        raise InvalidInput("export.bad_range", since=since, until=until)
    view = shop.ledger.view
    previous = view.batches[-1] if view.batches else None
    first_seq = previous["last_seq"] + 1 if previous else 1
    first_rseq = previous["last_rseq"] + 1 if previous else 1
    prev_head = previous["head"] if previous else GENESIS_PREV
    events: list[tuple[int, str, int]] = []  # (journal seq, day, rseq or 0 for a void)
    for row in view.iter_rows():  # attributes, not row["…"]: 100k rows (issue 12, speed)
        if row.training:
            continue
        if row.rseq >= first_rseq:
            events.append((row.seq, row.time[:10], row.rseq))
        if row.void_seq >= first_seq:
            events.append((row.void_seq, row.void_day, 0))
    events += _refund_events(shop, first_seq)
    events.sort()
    pending = [e for e in events if e[2]]
    if since and pending and pending[0][1] < since:
        row = view.receipts.raw(pending[0][0]) or {}
        raise BatchError("export.since_gap", number=row.get("no", "?"), day=pending[0][1])
    last_seq = 0
    last_rseq = first_rseq - 1
    for seq, day, rseq in events:
        if until and day > until:
            break
        last_seq = seq
        last_rseq = max(last_rseq, rseq)
    if not last_seq:
        raise NotFound("export.nothing", since=since or "", until=until or "")
    batch_no = len(view.batches) + 1
    refunds = _has_refunds(shop, first_seq, last_seq)
    plan = BatchPlan(
        shop_name=shop.profile.shop_name,
        uscc=shop.profile.uscc,
        terminal=shop.profile.terminal,
        public_key=_public_key(shop),
        batch_no=batch_no,
        batch_id=batch_id_for(
            shop.profile.terminal, batch_no, first_rseq, last_rseq, view.series, refunds
        ),
        previous_batch=previous["batch_id"] if previous else None,
        first_seq=first_seq,
        last_seq=last_seq,
        prev_head=prev_head,
        first_rseq=first_rseq,
        last_rseq=last_rseq,
        exported_at=shop.now().replace(microsecond=0),
        voided=_voided_in(shop, first_rseq, last_rseq, last_seq),
        earlier_receipt=_earlier(shop, first_rseq),
        export=shop.profile.export,
        refunds=refunds,
    )
    return plan, previous["last_time"][:7] if previous else ""


def _plan_again(shop: Shop, batch_id: str) -> tuple[BatchPlan, dict]:
    view = shop.ledger.view
    wanted = batch_id.strip()
    for data in view.batches:
        if data.get("batch_id") == wanted or data.get("file") == wanted:
            break
    else:
        raise NotFound("export.unknown_batch", batch=wanted)
    return _plan_from(shop, data), data


def _pending_batch(shop: Shop) -> dict | None:
    """The ``batch.started`` data of a reserved batch never recorded as exported."""
    view = shop.ledger.view
    journal = shop.ledger.journal
    from_month = view.batches[-1]["last_time"][:7] if view.batches else ""
    for month in reversed(journal.months()):
        if month < from_month:
            break
        found = [raw for _, raw in journal.grep(month, STARTED)]
        if found:
            data = json.loads(found[-1])["data"]
            return data if data["batch_no"] == len(view.batches) + 1 else None
    return None


def _plan_from(shop: Shop, data: dict) -> BatchPlan:
    """The plan a ``batch.started`` or ``batch.exported`` record states (same bytes again)."""
    return BatchPlan(
        shop_name=shop.profile.shop_name,
        uscc=shop.profile.uscc,
        terminal=shop.profile.terminal,
        public_key=_public_key(shop),
        batch_no=data["batch_no"],
        batch_id=data["batch_id"],
        previous_batch=data.get("previous_batch") or None,
        first_seq=data["first_seq"],
        last_seq=data["last_seq"],
        prev_head=data["prev_head"],
        first_rseq=data["first_rseq"],
        last_rseq=data["last_rseq"],
        exported_at=datetime.fromisoformat(data["exported_at"]),
        voided=_voided_in(shop, data["first_rseq"], data["last_rseq"], data["last_seq"]),
        earlier_receipt=_earlier(shop, data["first_rseq"]),
        export=shop.profile.export,
        refunds=_has_refunds(shop, data["first_seq"], data["last_seq"]),
    )


def export_batch(
    shop: Shop,
    out_dir: Path,
    since: str | None = None,
    until: str | None = None,
    again: str | None = None,
    progress: Progress | None = None,
) -> BatchSummary:
    """Write the next batch (or, with ``again``, a recorded one) as a zip in ``out_dir``."""
    if again and (since or until):
        # a recorded batch has its own range: dates would silently mean nothing
        raise InvalidInput("export.again_with_dates")
    pending = None
    if again:
        plan, recorded = _plan_again(shop, again)
        from_month = recorded.get("scan_from", "")
    elif (pending := _pending_batch(shop)) is not None:
        plan, from_month = _plan_from(shop, pending), pending["scan_from"]
    else:
        plan, from_month = plan_next_batch(shop, since, until)
    # The range check runs in a worker while the zip is written under a hidden
    # name (building the workbook from the records it checks); the reservation
    # and the rename wait for its verdict (issue 12, speed).
    big = plan.last_seq - plan.first_seq + 1 >= BACKGROUND_CHECK_FROM
    reserved = {
        "batch_id": plan.batch_id,
        "batch_no": plan.batch_no,
        "previous_batch": plan.previous_batch or "",
        "first_rseq": plan.first_rseq,
        "last_rseq": plan.last_rseq,
        "first_seq": plan.first_seq,
        "last_seq": plan.last_seq,
        "prev_head": plan.prev_head,
        "scan_from": from_month,
        "exported_at": plan.exported_at.isoformat(timespec="seconds"),
    }

    def reserve() -> None:
        if not again and pending is None:
            # before any zip is under its final name, so a crash finishes this batch
            shop.ledger.append("batch.started", reserved, shop.now())

    def check(observe: Callable[[dict], str | None] | None) -> None:
        verify_range(shop, plan, from_month, observe)

    if not big:  # a small batch: checked first, in this process
        check(None)

    def lines() -> Iterator[bytes]:
        return select_range(_raw_lines(shop, from_month), plan.first_seq, plan.last_seq)

    written = write_batch(
        plan,
        lines,
        out_dir,
        _signer(shop),
        progress,
        before_publish=reserve,
        check=check if big else None,
    )
    m = written.manifest
    if not again:
        shop.ledger.append(
            "batch.exported",
            {
                **reserved,
                "head": m["journal"]["head"],
                "last_time": written.last_time,
                "file": plan.file_name,
                "sha256": written.sha256,
                "size": written.size,
                "issued": m["counts"]["issued"],
                "voided": m["counts"]["voided"],
                "total": m["totals"]["gross"],
                # only with returns, so a batch record without them is as it was
                **({"refunds": m["refunds"]["count"]} if "refunds" in m else {}),
            },
            shop.now(),
        )
    return BatchSummary(
        batch_id=plan.batch_id,
        path=written.path,
        sha256=written.sha256,
        size=written.size,
        counts=m["counts"],
        totals=m["totals"],
        first_no=m["receipts"]["first_no"],
        last_no=m["receipts"]["last_no"],
        late_voids=tuple(m["late_voids"]),
        again=bool(again),
        matches_recorded=(written.sha256 == recorded.get("sha256")) if again else None,
        resumed=pending is not None,
        refunds=refunds_note(m),
    )
