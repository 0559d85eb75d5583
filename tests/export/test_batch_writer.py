"""Exporting batches: the files hold the ledger's exact figures, batches chain, writes are atomic.

Every batch written here is also put through ``verify_batch``: what the shop
writes must be what the accountant's check accepts.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from shopdesk.domain.sale import Buyer, Payment, SaleDraft
from shopdesk.errors import BatchError, InvalidInput, NotFound
from shopdesk.export import batch_format as fmt
from shopdesk.export.batch_verifier import verify_batch
from shopdesk.services.export import export_batch
from shopdesk.services.sales import issue_receipt, line_from_catalog, void_receipt
from shopdesk.services.shop import Shop, init_shop
from tests.conftest import DISCOUNT_OK, VOID_OK

TZ = ZoneInfo("Asia/Shanghai")
BUYER = Buyer("北京中关村科技发展有限公司", "91110000600037341L")


class Clock:
    """A test clock: one second per call, jumpable to a given day."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def day(self, day: int) -> None:
        self.now = datetime(2026, 11, day, 9, 0, tzinfo=TZ)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def shop(tmp_path: Path, clock: Clock):
    init_shop(tmp_path / "home", demo=True, clock=clock).close()
    with Shop.open(tmp_path / "home", clock=clock) as opened:
        yield opened


def sell(shop: Shop, *items: tuple[str, str], buyer=None, pay="cash", training=False, discount="0"):
    lines = [line_from_catalog(shop.catalog, sku, Decimal(qty)) for sku, qty in items]
    draft = SaleDraft(
        lines=lines, buyer=buyer, payments=[Payment(pay)], sale_discount=Decimal(discount)
    )
    return issue_receipt(shop, draft, training=training, approval=DISCOUNT_OK)


def ledger_receipts(shop: Shop) -> dict[str, dict]:
    return {
        r["data"]["no"]: r["data"] for r in shop.ledger.records() if r["kind"] == "receipt.issued"
    }


def member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def test_round_trip_files_hold_the_ledgers_exact_amounts(shop: Shop, tmp_path: Path) -> None:
    sell(shop, ("D001", "2"), ("D003", "1"))
    sell(shop, ("D002", "3"), buyer=BUYER, pay="wechat", discount="0.35")
    voided = sell(shop, ("D001", "1")).number
    void_receipt(shop, voided, reason="顾客退货", who="王芳", approval=VOID_OK)
    training = sell(shop, ("D002", "1"), training=True).number
    sell(shop, ("D004", "2"), ("D001", "1"), pay="alipay")

    summary = export_batch(shop, tmp_path / "out")
    report = verify_batch(summary.path)

    receipts = ledger_receipts(shop)
    valid = [d for no, d in receipts.items() if no not in (voided, training)]
    manifest = report.manifest
    assert manifest["counts"] == {
        "issued": 4,
        "voided": 1,
        "valid": 3,
        "training_excluded": 1,
        "late_voids": 0,
    }
    assert manifest["voided"] == [voided]
    assert manifest["totals"]["gross"] == str(sum(Decimal(d["total"]) for d in valid))
    assert manifest["shop"] == "海淀好邻居便利店（演示）"

    raw_csv = member(summary.path, fmt.CSV)
    assert raw_csv.startswith(b"\xef\xbb\xbf")  # BOM for Chinese Excel
    rows = list(csv.DictReader(io.StringIO(raw_csv.decode("utf-8-sig"))))
    assert {fmt.code_value(r["收据号"]) for r in rows} == {d["no"] for d in receipts.values()} - {
        training
    }
    for row in rows:
        line = receipts[fmt.code_value(row["收据号"])]["lines"][int(row["行号"]) - 1]
        assert row["项目名称"] == line["name"]
        assert (row["金额"], row["单价"], row["税额"], row["不含税金额"]) == (
            line["amount"],
            line["unit_price"],
            line["tax"],
            line["net"],
        )
        assert row["状态"] == ("作废" if fmt.code_value(row["收据号"]) == voided else "有效")

    member_path = tmp_path / "import.xlsx"
    member_path.write_bytes(member(summary.path, fmt.XLSX))
    book = load_workbook(member_path)
    headers, lines = book["发票基本信息"], book["发票明细信息"]
    header_rows = list(headers.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in header_rows] == [d["no"] for d in valid]
    company = next(r for r in header_rows if r[2])
    assert company[1:3] == ("北京中关村科技发展有限公司", "91110000600037341L")
    assert company[3].startswith("临时收据 " + company[0])
    title = [c.value for c in lines[1]]
    assert title[:3] == ["发票流水号", "项目名称", "商品和服务税收分类编码"]
    # a discount's 折扣行 (no 数量) is pinned in test_invoice_sheet.py; here the items
    line_rows = [r for r in lines.iter_rows(min_row=2, values_only=True) if r[5] is not None]
    expected = [(d["no"], ln) for d in valid for ln in d["lines"]]
    assert len(line_rows) == len(expected)
    for row, (no, ln) in zip(line_rows, expected, strict=True):
        values = dict(zip(title, row, strict=True))
        assert values["发票流水号"] == no
        assert values["项目名称"] == ln["name"]
        assert values["商品和服务税收分类编码"] == ln["tax_code"]
        gross = Decimal(ln["amount"]) + Decimal(ln["discount"])  # at full price
        assert Decimal(str(values["金额"])).quantize(Decimal("0.01")) == gross
        assert Decimal(str(values["单价"])).quantize(Decimal("0.01")) == Decimal(ln["unit_price"])
        assert Decimal(str(values["数量"])) == Decimal(ln["qty"])
        assert values["税率"] == pytest.approx(0.13)
    assert lines["H2"].number_format == "0.00"
    assert lines["I2"].number_format == "0%"

    jsonl = member(summary.path, fmt.JSONL).splitlines()
    journal = b"".join(p.read_bytes() for p in sorted(shop.home.ledger.glob("journal-*.jsonl")))
    assert b"\n".join(jsonl) + b"\n" in journal  # verbatim lines


def test_export_records_the_batch_and_the_next_one_chains_on(shop: Shop, tmp_path: Path) -> None:
    first_no = sell(shop, ("D001", "1")).number
    first = export_batch(shop, tmp_path / "out")
    assert shop.ledger.view.get(first_no)["batch"] == first.batch_id
    exported = [r for r in shop.ledger.records() if r["kind"] == "batch.exported"]
    assert len(exported) == 1
    assert exported[0]["data"]["sha256"] == first.sha256
    assert exported[0]["data"]["file"] == first.path.name
    with pytest.raises(NotFound) as nothing:
        export_batch(shop, tmp_path / "out")
    assert nothing.value.code == "export.nothing"

    second_no = sell(shop, ("D002", "2")).number
    second = export_batch(shop, tmp_path / "out")
    assert second.batch_id == "T01-B0002-00000002-00000002"
    assert second.first_no == second_no
    report = verify_batch(second.path, previous=first.path)
    assert report.previous is not None
    assert report.manifest["previous_batch"] == first.batch_id
    with pytest.raises(BatchError) as wrong:
        verify_batch(first.path, previous=second.path)
    assert wrong.value.code == "batch.not_previous"


def test_again_rewrites_a_batch_byte_for_byte(shop: Shop, tmp_path: Path, clock: Clock) -> None:
    sell(shop, ("D001", "2"), buyer=BUYER)
    sell(shop, ("D003", "1"))
    first = export_batch(shop, tmp_path / "a")
    clock.day(27)  # later, and the receipt sold since must not leak into the old batch
    sell(shop, ("D002", "1"))
    void_receipt(shop, "T01-00000001", reason="退货", who="王芳", approval=VOID_OK)
    again = export_batch(shop, tmp_path / "b", again=first.batch_id)
    assert again.again and again.matches_recorded
    assert again.path.read_bytes() == first.path.read_bytes()
    records = [r["kind"] for r in shop.ledger.records()]
    assert records.count("batch.exported") == 1
    with zipfile.ZipFile(first.path) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == list(fmt.MEMBERS)
    # the workbook is a zip of deflated sheets: stored, not deflated a second time
    assert {i.filename: i.compress_type for i in infos} == {
        fmt.JSONL: zipfile.ZIP_DEFLATED,
        fmt.CSV: zipfile.ZIP_DEFLATED,
        fmt.XLSX: zipfile.ZIP_STORED,
        fmt.MANIFEST: zipfile.ZIP_DEFLATED,
    }
    assert {i.date_time for i in infos} == {
        fmt.zip_time(
            datetime.fromisoformat(json.loads(member(first.path, fmt.MANIFEST))["exported_at"])
        )
    }
    with pytest.raises(NotFound):
        export_batch(shop, tmp_path / "c", again="T01-B0099-00000001-00000001")
    with pytest.raises(InvalidInput) as dates:
        export_batch(shop, tmp_path / "c", again=first.batch_id, until="2026-11-30")
    assert dates.value.code == "export.again_with_dates"


def test_void_after_export_travels_in_the_next_batch(shop: Shop, tmp_path: Path) -> None:
    no = sell(shop, ("D001", "1")).number
    first = export_batch(shop, tmp_path / "out")
    void_receipt(shop, no, reason="顾客退货", who="王芳", approval=VOID_OK)
    late = export_batch(shop, tmp_path / "out")
    assert late.batch_id == "T01-B0002-voids"
    assert late.late_voids == (no,)
    assert late.counts["issued"] == 0
    report = verify_batch(late.path, previous=first.path)
    assert report.manifest["late_voids"] == [no]


def test_until_splits_and_since_refuses_to_skip(shop: Shop, tmp_path: Path, clock: Clock) -> None:
    clock.day(20)
    a = sell(shop, ("D001", "1")).number
    clock.day(21)
    b = sell(shop, ("D002", "1")).number
    with pytest.raises(BatchError) as gap:
        export_batch(shop, tmp_path / "out", since="2026-11-21")
    assert gap.value.code == "export.since_gap"
    assert gap.value.data["number"] == a
    for bad in ("21.11.2026", "2026-02-30"):
        with pytest.raises(InvalidInput):
            export_batch(shop, tmp_path / "out", until=bad)
    first = export_batch(shop, tmp_path / "out", until="2026-11-20")
    assert (first.first_no, first.last_no) == (a, a)
    second = export_batch(shop, tmp_path / "out", since="2026-11-21")
    assert (second.first_no, second.last_no) == (b, b)
    verify_batch(second.path, previous=first.path)


def test_progress_reaches_the_total(shop: Shop, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("shopdesk.export.batch_writer.PROGRESS_EVERY", 2)
    for _ in range(5):
        sell(shop, ("D001", "1"))
    calls: list[tuple[int, int]] = []
    export_batch(shop, tmp_path / "out", progress=lambda done, total: calls.append((done, total)))
    total = calls[-1][1]
    assert calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(calls) > 2


class FailingFile:
    """The zip's temp file on a stick that fills up after ``limit`` bytes."""

    def __init__(self, real, limit: int) -> None:
        self.real, self.limit, self.written = real, limit, 0

    def write(self, data) -> int:
        if self.written + len(data) > self.limit:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.written += len(data)
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.real.close()


@pytest.mark.parametrize("where", ["jsonl", "central_directory", "fsync"])
def test_a_write_error_mid_zip_leaves_no_zip_and_no_record(
    shop: Shop, tmp_path: Path, monkeypatch, where: str
) -> None:
    for _ in range(30):
        sell(shop, ("D001", "1"), ("D002", "2"))
    import shopdesk.export.batch_writer as writer

    real_fdopen, real_fsync = writer.os.fdopen, writer.os.fsync
    files: list[FailingFile] = []
    # jsonl: fails while receipts.jsonl (the first member) goes into the zip;
    # central_directory: every member is in, the zip's directory is not.
    limit = {"jsonl": 2000, "central_directory": 0, "fsync": 1 << 30}[where]

    def fdopen(fd, mode="r", *args, **kwargs):
        handle = real_fdopen(fd, mode, *args, **kwargs)
        if "w" not in mode:
            return handle
        files.append(FailingFile(handle, limit or 1 << 30))
        return files[-1]

    def fsync(fd) -> None:
        if where == "fsync" and files and fd == files[0].real.fileno():
            raise OSError(errno.EIO, "Input/output error")  # the stick was pulled
        real_fsync(fd)

    if where == "central_directory":
        real_close = zipfile.ZipFile.close

        def close(self) -> None:
            if files and self.fp is files[0]:
                files[0].limit = files[0].written  # nothing more fits
            real_close(self)

        monkeypatch.setattr(zipfile.ZipFile, "close", close)
    monkeypatch.setattr(writer.os, "fdopen", fdopen)
    monkeypatch.setattr(writer.os, "fsync", fsync)
    out = tmp_path / "stick"
    with pytest.raises(BatchError) as failed:
        export_batch(shop, out)
    assert failed.value.code == "export.write_failed"
    assert files and files[0].written > 0  # it failed part way through the zip
    assert list(out.iterdir()) == []  # no zip, no .part, no staging folder
    assert shop.ledger.view.batches == []
    assert "batch.exported" not in [r["kind"] for r in shop.ledger.records()]

    monkeypatch.undo()
    done = export_batch(shop, out)
    assert [p.name for p in out.iterdir()] == [done.path.name]
    verify_batch(done.path)


def test_batches_and_voids_survive_a_view_checkpoint(shop: Shop, tmp_path: Path, clock) -> None:
    kept = sell(shop, ("D001", "1")).number
    gone = sell(shop, ("D002", "1")).number
    void_receipt(shop, gone, reason="退货", who="王芳", approval=VOID_OK)
    first = export_batch(shop, tmp_path / "out")
    shop.ledger.write_checkpoint()
    home = shop.home.root
    shop.close()
    with Shop.open(home, clock=clock) as reopened:
        assert reopened.ledger.view.batches[0]["batch_id"] == first.batch_id
        assert reopened.ledger.view.get(gone)["void_seq"] > 0
        assert reopened.ledger.view.get(kept)["batch"] == first.batch_id
        again = export_batch(reopened, tmp_path / "again", again=first.batch_id)
        assert again.matches_recorded
        sell(reopened, ("D003", "1"))
        second = export_batch(reopened, tmp_path / "out")
    verify_batch(second.path, previous=first.path)


def test_leftovers_of_a_killed_export_are_removed_but_not_another_tills(
    shop: Shop, tmp_path: Path
) -> None:
    out = tmp_path / "stick"
    (out / ".shopdesk-export-T01-abc123").mkdir(parents=True)
    (out / ".shopdesk-export-T01-abc123" / "receipts.csv").write_text("half")
    (out / ".T01-B0001-00000001-00000001.x1y2.part").write_bytes(b"PK half")
    (out / ".shopdesk-export-T02-zzz").mkdir()  # another till exporting right now
    (out / ".T02-B0004-00000001-00000009.q.part").write_bytes(b"PK")
    sell(shop, ("D001", "1"))
    done = export_batch(shop, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [done.path.name, ".shopdesk-export-T02-zzz", ".T02-B0004-00000001-00000009.q.part"]
    )


def test_free_text_cannot_become_a_formula_in_excel(shop: Shop, tmp_path: Path) -> None:
    evil = Buyer('=HYPERLINK("http://x","点我")', "91110000600037341L")
    number = sell(shop, ("D001", "1"), buyer=evil).number
    summary = export_batch(shop, tmp_path / "out")
    rows = list(csv.DictReader(io.StringIO(member(summary.path, fmt.CSV).decode("utf-8-sig"))))
    row = next(r for r in rows if fmt.code_value(r["收据号"]) == number)
    assert row["购买方名称"] == "'" + evil.name
    assert row["金额"] == "3.00"  # amounts untouched
    path = tmp_path / "import.xlsx"
    path.write_bytes(member(summary.path, fmt.XLSX))
    cell = load_workbook(path)["发票基本信息"]["B2"]
    assert cell.value == evil.name and cell.data_type == "s"  # an inline string, never a formula


def test_codes_in_the_csv_stay_text_when_a_spreadsheet_opens_it(shop: Shop, tmp_path: Path) -> None:
    """Tax codes (19 digits), barcodes (leading zeros), tax ids, SKUs and receipt numbers
    are written ``="…"``: Excel and WPS show the text instead of ``1.03E+18`` (issue 12)."""
    number = sell(shop, ("D001", "1"), ("F001", "0.532"), buyer=BUYER).number
    summary = export_batch(shop, tmp_path / "out")
    rows = list(csv.DictReader(io.StringIO(member(summary.path, fmt.CSV).decode("utf-8-sig"))))
    cola, bananas = rows
    assert cola["收据号"] == f'="{number}"'
    assert cola["购买方税号"] == '="91110000600037341L"'
    assert cola["商品编号"] == '="D001"'
    assert cola["条码"] == '="6901939621257"'
    assert cola["商品和服务税收分类编码"] == f'="{shop.catalog.by_sku("D001").tax_code}"'
    assert bananas["条码"] == '="2000000000060"'
    # numbers stay plain numbers, free text keeps its formula guard only when needed
    assert (cola["数量"], cola["单价"], cola["金额"], cola["收据序号"]) == (
        "1",
        "3.00",
        "3.00",
        "1",
    )
    assert bananas["数量"] == "0.532"
    assert cola["项目名称"] == "可口可乐 330ml"


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@given(
    data=st.dictionaries(_TEXT, _TEXT, max_size=3),
    digest=st.text('0123456789abcdefABCDEF,"\\', max_size=64),
    kind=st.text('abcz._AZ09"', min_size=1, max_size=16),
    prev=st.text('0123456789abcdef"', max_size=64),
    seq=st.integers(min_value=0, max_value=10**12),
    sig=_TEXT,
    terminal=st.one_of(st.none(), _TEXT),
    time=_TEXT,
)
def test_the_chain_fields_read_at_once_are_the_ones_read_one_by_one(
    data, digest, kind, prev, seq, sig, terminal, time
) -> None:
    """Issue 12, speed: the writer's pass reads ``hash``, ``kind``, ``prev`` and ``seq``
    of every record with one match at its tail; for any canonical record, whatever
    its text, that gives what reading each field from the end gives."""
    from shopdesk.export.batch_writer import _chain_fields, _seq_of, tail_field
    from shopdesk.ledger.canonical import canonical_json

    record = {"data": data, "hash": digest, "kind": kind, "prev": prev, "seq": seq}
    record |= {"sig": sig, "time": time, "v": 1}
    if terminal is not None:
        record["terminal"] = terminal
    raw = canonical_json(record)
    one_by_one = (
        tail_field(raw, b'"hash":"'),
        tail_field(raw, b'"kind":"'),
        tail_field(raw, b'"prev":"'),
        _seq_of(raw),
    )
    assert _chain_fields(raw) == one_by_one


@given(
    first=st.integers(min_value=1, max_value=12),
    count=st.integers(min_value=-1, max_value=8),
    start=st.integers(min_value=1, max_value=12),
)
def test_select_range_gives_exactly_the_batch_and_reads_no_further(
    first: int, count: int, start: int
) -> None:
    """The lines ``first..last`` out of a journal read from an earlier seq ``start``;
    nothing after ``last`` is read (a torn tail or the next record may be there)."""
    from shopdesk.export.batch_writer import select_range

    start, last = min(start, first), first + count - 1
    read: list[int] = []

    def journal():  # type: ignore[no-untyped-def]
        for seq in range(start, 30):
            read.append(seq)
            yield b'{"data":{},"hash":"h","kind":"k","prev":"p","seq":%d,"sig":"s"}\n' % seq

    got = [json.loads(raw)["seq"] for raw in select_range(journal(), first, last)]
    assert got == list(range(first, last + 1))
    assert read == (list(range(start, last + 1)) if count > 0 else [])
