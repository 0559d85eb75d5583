"""The query view: one small TinyDB document per receipt, kept in memory.

The journal answers "what happened, in order"; the view answers "what is the
state of receipt T01-00000042" and "which receipts match this search" without
reading the journal again. It is derived data, rebuilt from the journal at open
(from a checkpoint plus the records after it, see :mod:`shopdesk.ledger.store`).

Why not TinyDB as it comes: ``JSONStorage`` re-reads and rewrites the whole file
on every write (1.2–1.6 s per insert at 100k documents) and is not power-cut safe
(tinydb #467), and even on ``MemoryStorage`` ``Table.insert``/``update`` rebuild
the whole table dict on each call (35 ms at 100k). So the view keeps TinyDB's
storage layout and query machinery (``Query``, ``search``, ``get``, the query
cache) but adds O(1) ``put``/``patch`` that write into the storage's dict
directly and clear the query cache, as TinyDB's own ``_update_table`` does.

Each document is a :class:`Row`, a read-only ``Mapping`` with ``__slots__``:
TinyDB queries only need ``row[key]``, and a slotted row costs about a fifth of
a dict, which keeps 100k receipts to a few tens of MB.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table

RECEIPTS = "receipts"


def _fen(amount: str) -> int:
    """Integer fen of a ledger amount string (always two decimals, e.g. ``"12.50"``)."""
    whole, _, cents = amount.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int((cents + "00")[:2]))


def _qty_sum(a: str, b: str) -> str:
    """Two quantity strings added, in the shortest plain form (``"1.5"``, ``"2"``)."""
    total = Decimal(a) + Decimal(b)
    return format(total.normalize(), "f")


#: What the view keeps of each receipt, in this order in checkpoints.
ROW_FIELDS = (
    "no",
    "rseq",
    "seq",
    "time",
    "total",
    "buyer",
    "tax_id",
    "training",
    "status",
    "printed",
    "print_failed",
    "batch",
    "invoice",
    # journal seq and local date of the void record (0 / "" while valid): which batch carries it
    "void_seq",
    "void_day",
)


class Row(Mapping):
    """One receipt's view document; ``day`` (the local date) is derived from ``time``."""

    __slots__ = ROW_FIELDS

    # Spelled out (not a loop over ROW_FIELDS): 100k rows are built at every open.
    def __init__(
        self,
        no: str,
        rseq: int,
        seq: int,
        time: str,
        total: str,
        buyer: str,
        tax_id: str,
        training: bool,
        status: str,
        printed: int,
        print_failed: bool,
        batch: str,
        invoice: str,
        void_seq: int = 0,
        void_day: str = "",
    ) -> None:
        self.no = no
        self.rseq = rseq
        self.seq = seq
        self.time = time
        self.total = total
        self.buyer = buyer
        self.tax_id = tax_id
        self.training = training
        self.status = status
        self.printed = printed
        self.print_failed = print_failed
        self.batch = batch
        self.invoice = invoice
        self.void_seq = void_seq
        self.void_day = void_day

    def __getitem__(self, key: str) -> Any:
        if key == "day":
            return self.time[:10]  # type: ignore[attr-defined]
        try:
            return getattr(self, key)
        except (AttributeError, TypeError):
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        yield from ROW_FIELDS
        yield "day"

    def __len__(self) -> int:
        return len(ROW_FIELDS) + 1

    def __repr__(self) -> str:
        return f"Row({dict(self)!r})"


class ViewTable(Table):
    """A TinyDB table with constant-time writes for an in-memory view."""

    def _raw(self) -> dict[str, Any]:
        tables = self._storage.read()
        if tables is None:
            tables = {}
            self._storage.write(tables)
        return tables.setdefault(self.name, {})

    def put(self, doc_id: int, row: Row) -> None:
        self._raw()[str(doc_id)] = row
        self.clear_cache()

    def patch(self, doc_id: int, fields: dict[str, Any]) -> None:
        row = self._raw()[str(doc_id)]
        for name, value in fields.items():
            setattr(row, name, value)
        self.clear_cache()

    def raw(self, doc_id: int) -> Row | None:
        return self._raw().get(str(doc_id))

    def newest_first(self, skip: int = 0, limit: int = 50) -> list[Document]:
        """A page of documents, most recent first, without converting the rest."""
        raw = self._raw()
        keys = list(raw.keys())
        end = len(keys) - skip
        page = keys[max(0, end - limit) : max(0, end)]
        return [self.document_class(raw[k], self.document_id_class(k)) for k in reversed(page)]


class ViewDB(TinyDB):
    table_class = ViewTable


def project(record: dict) -> dict:
    """The small part of a record the view needs to fold it in."""
    kind = record["kind"]
    data = record.get("data", {})
    out: dict[str, Any] = {"k": kind, "seq": record["seq"], "time": record["time"]}
    if kind == "receipt.issued":
        buyer = data.get("buyer") or {}
        out.update(
            no=data["no"],
            rseq=data["rseq"],
            training=data.get("training", False),
            total=data["total"],
            buyer=buyer.get("name", ""),
            tax_id=buyer.get("tax_id", ""),
        )
    elif kind == "refund.issued":
        out.update(
            no=data["no"],
            rseq=data["rseq"],
            original=data["original"],
            total=data["total"],
            lines=[[line["line"], line["qty"]] for line in data["lines"]],
            payments=[[p["method"], p["amount"]] for p in data["payments"]],
        )
    elif kind in ("receipt.printed", "receipt.voided", "invoice.reconciled"):
        out["no"] = data.get("no")
        if kind == "receipt.printed":
            out.update(ok=data.get("ok", False), copy=data.get("copy", 0))
        elif kind == "invoice.reconciled":
            out.update(invoice=data.get("invoice_no"), invoice_date=data.get("invoice_date", ""))
    elif kind == "batch.exported":
        # A batch names its receipts as a range of receipt sequence numbers
        # (``first_rseq``..``last_rseq``), so the record stays small at any size.
        # The rest (journal range, heads, file) is what the next export and
        # ``export --again`` need without scanning the journal for old batches.
        out.update(
            batch=data.get("batch_id"), first=data.get("first_rseq"), last=data.get("last_rseq")
        )
        out["batch_data"] = {
            k: v for k, v in data.items() if isinstance(v, str | int) and not isinstance(v, bool)
        }
    elif kind == "backup.made":
        out.update(dest=data.get("destination", ""), through=data.get("seq", 0))
    elif kind == "ledger.restored":
        out["series"] = data.get("series", "")
    elif kind in ("outage.started", "outage.ended", "day.closed"):
        out.update({k: v for k, v in data.items() if isinstance(v, str | int | bool)})
    return out


#: Fields of :class:`ReceiptView` that are rebuilt from the rows, not checkpointed.
_DERIVED = frozenset({"db", "_by_number", "_by_rseq", "_cold", "_cold_count"})


@dataclass
class ReceiptView:
    """Receipts by number with their status, plus the few running facts services need.

    Any field added here must hold JSON values (a ``set`` is stored as a list):
    it is saved in the view checkpoint as it is.
    """

    db: ViewDB = field(default_factory=lambda: ViewDB(storage=MemoryStorage))
    #: doc id (journal seq of the receipt record) by receipt number (see :attr:`by_number`).
    _by_number: dict[str, int] = field(default_factory=dict)
    #: doc id of each non-training receipt, index = receipt sequence - 1 (see :attr:`by_rseq`).
    _by_rseq: list[int] = field(default_factory=list)
    #: Loader of the checkpoint's rows, not read yet ("cold"); see :meth:`load_state`.
    _cold: Callable[[], dict] | None = field(default=None, repr=False)
    #: How many non-training receipts the cold rows hold (their ``by_rseq`` entries).
    _cold_count: int = 0
    last_rseq: int = 0
    last_training_rseq: int = 0
    #: Receipt series since the newest ``ledger.restored`` record ("" before any
    #: restore), and that record's seq; see ``docs/backup.md``.
    series: str = ""
    series_seq: int = 0
    open_outage: dict | None = None
    closed_days: set[str] = field(default_factory=set)
    #: Projection of the newest ``day.closed`` record (carries the grand total).
    last_close: dict | None = None
    last_time: str = ""
    #: The ``batch.exported`` data of every batch, oldest first (see shopdesk.export).
    batches: list[dict] = field(default_factory=list)
    #: Non-void, non-training receipts in no exported batch yet ("waiting for an
    #: official invoice"): count and fen, kept as records fold in, so the offline
    #: limits cost nothing per sale whatever the ledger's size.
    waiting_count: int = 0
    waiting_fen: int = 0
    #: Fen of every non-training receipt ever issued, net of voids: the perpetual
    #: grand total a Z records (issue 11), days never closed included.
    sales_fen: int = 0
    #: Index into ``by_rseq`` at or before the oldest waiting receipt; only moves
    #: forward (a receipt never waits again once voided or exported).
    waiting_from: int = 0
    #: Refund receipts (``refund.issued``, their own series ``T01-RF-…``): the last
    #: number, each refund by number (``seq``, ``time``, ``original``, ``total``,
    #: ``payments``), and per original receipt what came back (``refunds``,
    #: ``lines``: line number → quantity, ``fen``, ``by_method`` in fen). Returns are
    #: rare, so these stay small whatever the number of receipts.
    last_refund_rseq: int = 0
    refunds: dict[str, dict] = field(default_factory=dict)
    returns: dict[str, dict] = field(default_factory=dict)
    #: Projection of the newest ``backup.made`` record (``dest``, ``through`` seq).
    last_backup: dict | None = None
    #: The oldest waiting receipt's row when the checkpoint was written, so a sale
    #: can check the offline hours without reading the checkpoint's rows.
    oldest_row: dict | None = None

    @property
    def receipts(self) -> ViewTable:
        """The TinyDB table of every receipt (reads the checkpoint's rows if still cold)."""
        self._materialize()
        return self._table

    @property
    def _table(self) -> ViewTable:
        return self.db.table(RECEIPTS)  # type: ignore[return-value]

    @property
    def by_number(self) -> dict[str, int]:
        self._materialize()
        return self._by_number

    @property
    def by_rseq(self) -> list[int]:
        self._materialize()
        return self._by_rseq

    def _doc_id(self, number: str) -> int | None:
        """A receipt's doc id; only a receipt older than the checkpoint warms the rows."""
        found = self._by_number.get(number)
        if found is None and self._cold is not None and number:  # "": a record of no receipt
            found = self.by_number.get(number)
        return found

    def apply(self, p: dict) -> None:
        """Fold one projection into the view; O(1) whatever the ledger's size."""
        kind = p["k"]
        self.last_time = p["time"]
        if kind == "receipt.issued":
            self._add_row(
                Row(
                    p["no"],
                    p["rseq"],
                    p["seq"],
                    p["time"],
                    p["total"],
                    p["buyer"],
                    p["tax_id"],
                    p["training"],
                    "issued",
                    0,
                    False,
                    "",
                    "",
                )
            )
            if not p["training"]:
                self.waiting_count += 1
                self.waiting_fen += _fen(p["total"])
                self.sales_fen += _fen(p["total"])
            return
        if kind == "refund.issued":
            self._add_refund(p)
            return
        doc_id = self._doc_id(p.get("no") or "")
        table = self._table  # doc_id is known: its row is warm (tail) or was just read
        if kind == "receipt.printed" and doc_id is not None:
            row = table.raw(doc_id)
            if p["ok"] and row is not None:
                table.patch(doc_id, {"printed": row["printed"] + 1, "print_failed": False})
            else:
                table.patch(doc_id, {"print_failed": True})
        elif kind == "receipt.voided" and doc_id is not None:
            # Where the void sits in the journal decides which batch carries it.
            self._stop_waiting(doc_id)
            row = table.raw(doc_id)
            if row is not None and not row["training"] and row["status"] == "issued":
                self.sales_fen -= _fen(row["total"])
            table.patch(
                doc_id, {"status": "void", "void_seq": p["seq"], "void_day": p["time"][:10]}
            )
        elif kind == "invoice.reconciled" and doc_id is not None:
            table.patch(doc_id, {"invoice": p["invoice"] or ""})
        elif kind == "batch.exported":
            if p.get("first") and p.get("last"):
                self._mark_exported(self.by_rseq[p["first"] - 1 : p["last"]], p["batch"])
                self.oldest_waiting()  # move its pointer past the batch now, not at the next sale
            self.batches.append(p.get("batch_data") or {})
        elif kind == "outage.started":
            self.open_outage = p
        elif kind == "outage.ended":
            self.open_outage = None
        elif kind == "day.closed" and "day" in p:
            self.closed_days.add(p["day"])
            self.last_close = p
        elif kind == "backup.made":
            self.last_backup = p
        elif kind == "ledger.restored":
            self.series, self.series_seq = p["series"], p["seq"]

    def _add_refund(self, p: dict) -> None:
        """A refund: its own number, what it gave back of its original, the grand total net of it."""
        self.last_refund_rseq = p["rseq"]
        self.refunds[p["no"]] = {k: p[k] for k in ("seq", "time", "original", "total", "payments")}
        back = self.returns.setdefault(
            p["original"], {"refunds": [], "lines": {}, "fen": 0, "by_method": {}}
        )
        back["refunds"].append(p["no"])
        for line, qty in p["lines"]:
            before = back["lines"].get(str(line), "0")
            back["lines"][str(line)] = _qty_sum(before, qty)
        for method, amount in p["payments"]:
            back["by_method"][method] = back["by_method"].get(method, 0) + _fen(amount)
        back["fen"] += _fen(p["total"])
        self.sales_fen -= _fen(p["total"])

    def _stop_waiting(self, doc_id: int) -> None:
        """Take a receipt out of the waiting figures if it is in them (call before patching)."""
        self._leave_waiting(self._table.raw(doc_id))

    def _leave_waiting(self, row: Row | None) -> None:
        if row and not row.training and row.status == "issued" and not row.batch:
            self.waiting_count -= 1
            self.waiting_fen -= _fen(row.total)

    def _mark_exported(self, doc_ids: list[int], batch: str) -> None:
        """:meth:`_stop_waiting` and ``batch`` for each receipt of a batch, in one sweep.

        A 100k-receipt batch went through the table's ``raw``/``patch`` per row:
        ~0.25 s after the zip was written, on the export's critical path (issue 12).
        """
        rows = self._table._raw()
        count = fen = 0
        for doc_id in doc_ids:  # _leave_waiting inlined: a call per row was ~1/3 of the sweep
            row = rows.get(str(doc_id))
            if row is None:
                continue
            if not row.training and row.status == "issued" and not row.batch:
                count += 1
                fen += _fen(row.total)
            row.batch = batch
        self.waiting_count -= count
        self.waiting_fen -= fen
        self._table.clear_cache()

    def oldest_waiting(self) -> Row | None:
        """The row of the oldest receipt still waiting, or ``None``; amortised O(1).

        While the checkpoint's rows are cold, its saved ``oldest_row`` answers:
        anything that could have changed that row (a void, a batch) warms the rows.
        """
        if self._cold is not None and self.waiting_from < self._cold_count:
            cached = self.oldest_row
            if cached is not None and cached.get("rseq") == self.waiting_from + 1:
                return Row(*(cached[name] for name in ROW_FIELDS))
            self._materialize()
        rows = self._table._raw()
        offset = self._cold_count if self._cold is not None else 0
        while self.waiting_from - offset < len(self._by_rseq):
            row = rows.get(str(self._by_rseq[self.waiting_from - offset]))
            if row is not None and row.status == "issued" and not row.batch:
                return row
            self.waiting_from += 1
        return None

    def _add_row(self, row: Row) -> None:
        self._table.put(row["seq"], row)
        self._by_number[row["no"]] = row["seq"]
        if row["training"]:
            self.last_training_rseq = row["rseq"]
        else:
            self.last_rseq = row["rseq"]
            self._by_rseq.append(row["seq"])

    # ----- checkpoints -------------------------------------------------------

    def dump_state(self) -> dict:
        """Everything needed to rebuild this view without reading the journal."""
        oldest = self.oldest_waiting()  # also brings its pointer up to date
        self.oldest_row = None if oldest is None else {n: oldest[n] for n in ROW_FIELDS}
        rows = list(self.receipts._raw().values())
        columns = {name: [getattr(r, name) for r in rows] for name in ROW_FIELDS}
        extra = {}
        for f in dataclasses.fields(self):
            if f.name not in _DERIVED:
                value = getattr(self, f.name)
                extra[f.name] = sorted(value) if isinstance(value, set) else value
        return {"columns": columns, "extra": extra}

    def load_state(self, extra: dict, columns: Callable[[], dict]) -> None:
        """Take the checkpoint's running facts now and its rows only when first needed.

        Reading and building 100k rows is most of opening a big ledger, and a sale
        needs none of them: it needs the counters (``extra``) and the rows written
        since the checkpoint. ``columns`` is called at most once, by the first
        lookup, search or event about a receipt older than the checkpoint.
        """
        defaults = {f.name for f in dataclasses.fields(self)}
        for name, value in extra.items():
            if name in defaults and name not in _DERIVED:
                current = getattr(self, name)
                setattr(self, name, set(value) if isinstance(current, set) else value)
        self._cold = columns
        self._cold_count = self.last_rseq
        if "sales_fen" not in extra:  # a checkpoint from before the running total
            self.sales_fen = sum(
                _fen(row["total"])
                for row in self.iter_rows()
                if not row["training"] and row["status"] == "issued"
            )

    def _materialize(self) -> None:
        """Build the cold rows (in bulk) in front of those added since the checkpoint."""
        if self._cold is None:
            return
        load, self._cold = self._cold, None
        columns = dict(load())
        # Repeated values (status, batch id) share one string instead of 100k copies.
        for name in ("status", "batch"):
            shared: dict[str, str] = {}
            columns[name] = [shared.setdefault(v, v) for v in columns[name]]
        rows = list(map(Row, *(columns[name] for name in ROW_FIELDS)))
        seqs, numbers, training = columns["seq"], columns["no"], columns["training"]
        raw = self._table._raw()
        warm = dict(raw)
        raw.clear()
        raw.update(zip(map(str, seqs), rows, strict=True))
        raw.update(warm)
        self._table.clear_cache()
        warm_numbers = self._by_number
        self._by_number = dict(zip(numbers, seqs, strict=True))
        self._by_number.update(warm_numbers)
        self._by_rseq[:0] = [seq for seq, tr in zip(seqs, training, strict=True) if not tr]
        self._cold_count = 0

    # ----- lookups -----------------------------------------------------------

    def get(self, number: str) -> Row | None:
        """A receipt's row; a receipt written since the checkpoint needs no cold rows."""
        doc_id = self._doc_id(number)
        return None if doc_id is None else self._table.raw(doc_id)

    def seq_of(self, number: str) -> int | None:
        return self._doc_id(number)

    def __len__(self) -> int:
        return len(self.by_number)

    def iter_rows(self) -> Iterator[Row]:
        yield from self.receipts._raw().values()

    def newest_page(self, skip: int = 0, limit: int = 50) -> list[Row]:
        """Receipts, newest first: the history screen's first page.

        On a view still cold (just opened from a checkpoint) only the page's own
        rows are built from the checkpoint's columns, not all of them: on 100k
        receipts that is the difference between ~0.1 s and ~0.35 s before the
        first page shows. The columns read are kept for a later full build.
        """
        if self._cold is None:
            return [doc for doc in self._table.newest_first(skip, limit)]  # type: ignore[misc]
        warm = list(self._table._raw().values())  # the rows since the checkpoint
        page = list(reversed(warm[max(0, len(warm) - skip - limit) : max(0, len(warm) - skip)]))
        if len(page) < limit:
            load = self._cold
            columns = dict(load())
            self._cold = lambda: columns
            end = len(columns["seq"]) - max(0, skip - len(warm))
            for i in range(end - 1, max(0, end - (limit - len(page))) - 1, -1):
                page.append(Row(*(columns[name][i] for name in ROW_FIELDS)))
        return page

    def iter_rows_newest_first(self) -> Iterator[dict]:
        """Rows from the latest receipt back, lazily: a search stops at its page."""
        yield from reversed(self.receipts._raw().values())
