"""The query view: one small TinyDB document per receipt, kept in memory.

The journal answers "what happened, in order"; the view answers "what is the
state of receipt T01-00000042" and "which receipts match this search" without
reading the journal again. It is derived data, rebuilt from the journal at open
(through per-month projection snapshots, see :mod:`shopdesk.ledger.store`).

Why not TinyDB as it comes: ``JSONStorage`` re-reads and rewrites the whole file
on every write (1.2–1.6 s per insert at 100k documents) and is not power-cut safe
(tinydb #467), and even on ``MemoryStorage`` ``Table.insert``/``update`` rebuild
the whole table dict on each call (35 ms at 100k). So the view keeps TinyDB's
storage layout and query machinery (``Query``, ``search``, ``get``, the query
cache) but adds O(1) ``put``/``patch`` that write into the storage's dict
directly and clear the query cache, as TinyDB's own ``_update_table`` does.

Each document holds only what lists and searches need (number, time, total,
buyer, status), not the lines: 100k receipts stay within a few tens of MB.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table

RECEIPTS = "receipts"


class ViewTable(Table):
    """A TinyDB table with constant-time writes for an in-memory view."""

    def _raw(self) -> dict[str, dict]:
        tables = self._storage.read()
        if tables is None:
            tables = {}
            self._storage.write(tables)
        return tables.setdefault(self.name, {})

    def put(self, doc_id: int, document: dict) -> None:
        self._raw()[str(doc_id)] = document
        self.clear_cache()

    def patch(self, doc_id: int, fields: dict[str, Any]) -> None:
        self._raw()[str(doc_id)].update(fields)
        self.clear_cache()

    def raw(self, doc_id: int) -> dict | None:
        return self._raw().get(str(doc_id))

    def newest_first(self, skip: int = 0, limit: int = 50) -> list[Document]:
        """A page of documents, most recent first, without converting the rest."""
        raw = self._raw()
        keys = list(raw.keys())
        page = keys[len(keys) - skip - limit if skip + limit < len(keys) else 0 : len(keys) - skip]
        return [self.document_class(raw[k], self.document_id_class(k)) for k in reversed(page)]


class ViewDB(TinyDB):
    table_class = ViewTable


def project(record: dict) -> dict:
    """The small, JSON-ready part of a record the view needs; snapshots store these."""
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
    elif kind in ("receipt.printed", "receipt.voided", "invoice.reconciled"):
        out["no"] = data.get("no")
        if kind == "receipt.printed":
            out.update(ok=data.get("ok", False), copy=data.get("copy", 0))
        elif kind == "invoice.reconciled":
            out.update(invoice=data.get("invoice_no"), invoice_date=data.get("invoice_date", ""))
    elif kind == "batch.exported":
        # A batch names its receipts as a range of receipt sequence numbers
        # (``first_rseq``..``last_rseq``), so the record stays small at any size.
        out.update(
            batch=data.get("batch_id"), first=data.get("first_rseq"), last=data.get("last_rseq")
        )
    elif kind in ("outage.started", "outage.ended", "day.closed"):
        out.update({k: v for k, v in data.items() if isinstance(v, str | int | bool)})
    return out


@dataclass
class ReceiptView:
    """Receipts by number with their status, plus the few running facts services need."""

    db: ViewDB = field(default_factory=lambda: ViewDB(storage=MemoryStorage))
    #: doc id (journal seq of the receipt record) by receipt number.
    by_number: dict[str, int] = field(default_factory=dict)
    #: doc id of each non-training receipt, index = receipt sequence - 1.
    by_rseq: list[int] = field(default_factory=list)
    last_rseq: int = 0
    last_training_rseq: int = 0
    open_outage: dict | None = None
    closed_days: set[str] = field(default_factory=set)
    last_time: str = ""

    @property
    def receipts(self) -> ViewTable:
        return self.db.table(RECEIPTS)  # type: ignore[return-value]

    def apply(self, p: dict) -> None:
        """Fold one projection into the view; O(1) whatever the ledger's size."""
        kind = p["k"]
        self.last_time = p["time"]
        if kind == "receipt.issued":
            doc = {
                "no": p["no"],
                "rseq": p["rseq"],
                "time": p["time"],
                "day": p["time"][:10],
                "total": p["total"],
                "buyer": p["buyer"],
                "tax_id": p["tax_id"],
                "training": p["training"],
                "status": "issued",
                "printed": 0,
                "print_failed": False,
                "batch": "",
                "invoice": "",
            }
            self.receipts.put(p["seq"], doc)
            self.by_number[p["no"]] = p["seq"]
            if p["training"]:
                self.last_training_rseq = p["rseq"]
            else:
                self.last_rseq = p["rseq"]
                self.by_rseq.append(p["seq"])
            return
        doc_id = self.by_number.get(p.get("no") or "")
        if kind == "receipt.printed" and doc_id is not None:
            row = self.receipts.raw(doc_id) or {}
            if p["ok"]:
                self.receipts.patch(
                    doc_id, {"printed": row.get("printed", 0) + 1, "print_failed": False}
                )
            else:
                self.receipts.patch(doc_id, {"print_failed": True})
        elif kind == "receipt.voided" and doc_id is not None:
            self.receipts.patch(doc_id, {"status": "void"})
        elif kind == "invoice.reconciled" and doc_id is not None:
            self.receipts.patch(doc_id, {"invoice": p["invoice"] or ""})
        elif kind == "batch.exported" and p.get("first") and p.get("last"):
            for target in self.by_rseq[p["first"] - 1 : p["last"]]:
                self.receipts.patch(target, {"batch": p["batch"]})
        elif kind == "outage.started":
            self.open_outage = p
        elif kind == "outage.ended":
            self.open_outage = None
        elif kind == "day.closed" and "day" in p:
            self.closed_days.add(p["day"])

    def get(self, number: str) -> dict | None:
        doc_id = self.by_number.get(number)
        return None if doc_id is None else self.receipts.raw(doc_id)

    def seq_of(self, number: str) -> int | None:
        return self.by_number.get(number)

    def __len__(self) -> int:
        return len(self.by_number)

    def iter_rows(self) -> Iterator[dict]:
        yield from self.receipts._raw().values()

    def iter_rows_newest_first(self) -> Iterator[dict]:
        """Rows from the latest receipt back, lazily: a search stops at its page."""
        yield from reversed(self.receipts._raw().values())
