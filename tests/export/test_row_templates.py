"""The cached row builders (issue 12, speed) give exactly what building each row gives."""

from __future__ import annotations

import csv
import io

import pytest

from shopdesk.config import ExportSettings
from shopdesk.export.batch_writer import CsvRowsText, _line_cells, csv_rows
from shopdesk.export.invoice_sheet import (
    HEADER_READS,
    LINE_SHOWN,
    HeaderRowsXml,
    LineRowsXml,
    _column_letters,
    header_row,
    line_cells,
    row_xml,
    sheet_rows,
)

STYLES = {"money": 1, "rate": 2, "qty": 0}
AWKWARD = ["=SUM(A1)", "a,b", 'say "hi"', "two\nlines", "50% off & <b>", "\x01ctl", "%(r)s", ""]


def _line(name: str, discount: str = "0.00", **extra: str) -> dict:
    line = {
        "name": name,
        "qty": "2",
        "unit_price": "3.50",
        "discount": discount,
        "amount": "7.00" if discount == "0.00" else "6.50",
        "net": "6.19" if discount == "0.00" else "5.75",
        "tax": "0.81" if discount == "0.00" else "0.75",
        "rate": "13",
        "tax_code": "1030305000000000000",
    }
    return {**line, **extra}


def _receipts() -> list[dict]:
    out = []
    for i, text in enumerate(AWKWARD * 2):  # each line twice: the second comes from the cache
        lines = [_line(text, spec=text, unit=text, sku=text, barcode=text), _line("水", "0.50")]
        out.append(
            {
                "no": f"T01-{i:08d}" if i % 5 else f'T01-"{text}"',
                "rseq": i + 1,
                "cashier": text,
                "buyer": {"name": text, "tax_id": text},
                "total": "13.50",
                "net": "11.94",
                "tax": "1.56",
                "lines": lines,
            }
        )
    return out


def test_csv_text_is_what_csv_writes_for_csv_rows() -> None:
    fast, plain = CsvRowsText(), io.StringIO()
    writer = csv.writer(plain)
    text = []
    for data in _receipts():
        for void in (False, True):
            text.append(fast.receipt(data, "2026-11-28T10:00:00+08:00", void))
            writer.writerows(csv_rows(data, "2026-11-28T10:00:00+08:00", void))
    assert b"".join(text) == plain.getvalue().encode()
    assert fast.lines  # the cache was used


def test_line_rows_are_the_rows_built_cell_by_cell() -> None:
    layout = ExportSettings()
    fields = [f for f, _ in layout.line_columns]
    letters = _column_letters(len(fields))
    fast = LineRowsXml(fields, STYLES)
    row, built, direct = 1, [], []
    for data in _receipts():
        built.append(fast.receipt(data))
        for cells in sheet_rows(data, "2026-11-28T10:00:00+08:00", [], fields)[1]:
            row += 1
            direct.append(row_xml(letters, row, cells, STYLES))
    assert b"".join(built) == "".join(direct).encode()
    assert fast.row == row and fast.templates


def test_a_header_row_is_written_directly_not_through_a_template(monkeypatch) -> None:
    """Issue 12, speed: every receipt's header row is different, so building a template
    (every ``%`` doubled) and then filling it in was work twice over; row_xml writes the row."""
    from shopdesk.export import invoice_sheet

    def no_template(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("row_xml built a template")

    monkeypatch.setattr(invoice_sheet, "row_template", no_template)
    cells = [("str", "50% & <b>"), ("str", ""), ("money", "1.50"), ("rate", "0.13")]
    assert row_xml(["A", "B", "C", "D"], 7, cells, STYLES) == (
        '<row r="7"><c r="A7" t="inlineStr"><is><t xml:space="preserve">50% &amp; &lt;b&gt;'
        '</t></is></c><c r="C7" s="1"><v>1.50</v></c><c r="D7" s="2"><v>0.13</v></c></row>'
    )


class _Watched(dict):
    """A line that notes every field read from it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> object:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: object = None) -> object:
        self.read.add(key)
        return super().get(key, default)


FULL = _line("笔", spec="帆布", unit="个", sku="T002", barcode="6925808010379")


def test_the_line_key_holds_every_field_a_derived_row_reads() -> None:
    """The caches key a line by LINE_SHOWN alone: a field a row reads outside it would be
    served from another line's rows."""
    for discount in ("0.00", "0.50"):
        line = _Watched(_line("笔", discount, spec="帆布", unit="个", sku="T", barcode="69"))
        _line_cells(line)
        list(line_cells({"no": "T01-00000001", "lines": [line]}))
        assert line.read <= set(LINE_SHOWN)
    assert line.read == set(LINE_SHOWN)  # and no field it holds is one nothing reads


def test_lines_differing_in_any_shown_field_get_their_own_rows() -> None:
    """Each line is FULL with one field changed (then FULL with a field no row shows):
    the cached builders must give what building each row gives."""
    variants = [FULL, {**FULL, "price_override": True}]
    variants += [{**FULL, name: "9" if name != "discount" else "0.10"} for name in FULL]
    variants += [{k: v for k, v in FULL.items() if k != "spec"}]  # keyed by all its pairs
    fields = list(next(line_cells({"no": "T01-00000001", "lines": [FULL]})))
    letters = _column_letters(len(fields))
    csv_fast, xml_fast = CsvRowsText(), LineRowsXml(fields, STYLES)
    row = 1
    for i, line in enumerate(variants * 2):
        data = {"no": f"T01-{i:08d}", "rseq": i + 1, "lines": [line]}
        data |= {"total": "7.00", "net": "6.19", "tax": "0.81"}
        plain = io.StringIO()
        csv.writer(plain).writerows(csv_rows(data, "2026-11-28T10:00:00+08:00", False))
        assert csv_fast.receipt(data, "2026-11-28T10:00:00+08:00", False) == (
            plain.getvalue().encode()
        )
        direct = []
        for cells in sheet_rows(data, "2026-11-28T10:00:00+08:00", [], fields)[1]:
            row += 1
            direct.append(row_xml(letters, row, cells, STYLES))
        assert xml_fast.receipt(data) == "".join(direct).encode()
    assert len(csv_fast.lines) == len(variants) - 1  # price_override shares FULL's rows


RECEIPT = {
    "no": "T01-00000007",
    "cashier": "王芳",
    "buyer": None,
    "total": "13.50",
    "net": "11.94",
    "tax": "1.56",
    "lines": [],
}
BUYER = {"name": "某某公司", "tax_id": "91110108MA01ABCD2X", "phone": "010-1", "email": "a@b.cn"}
TIME = "2026-11-28T10:07:00+08:00"


def _header_variants() -> list[tuple[dict, str]]:
    """RECEIPT with each value it holds changed, and awkward numbers and times."""
    out = [(RECEIPT, TIME), ({**RECEIPT, "buyer": BUYER}, TIME)]
    for key in ("cashier", "total", "net", "tax"):
        out += [({**RECEIPT, key: text}, TIME) for text in ("9.99", *AWKWARD)]
    for key in BUYER:
        out += [({**RECEIPT, "buyer": {**BUYER, key: text}}, TIME) for text in AWKWARD]
    out += [({**RECEIPT, "no": text}, TIME) for text in (*AWKWARD, "\ue000", "%(s)s")]
    out += [(RECEIPT, text) for text in (*AWKWARD, "\ue001" * 30, "2026-11-28", "x")]
    out += [({**RECEIPT, "cashier": "\ue000\ue001"}, TIME), ({**RECEIPT, "buyer": []}, TIME)]
    out += [({**RECEIPT, "total": 3}, TIME), ({**RECEIPT, "net": None}, TIME)]
    return out


@pytest.mark.parametrize(
    "fields",
    [list(HEADER_READS), [f for f, _ in ExportSettings().header_columns]]
    + [[field] for field in HEADER_READS],
)
def test_header_rows_are_the_rows_built_cell_by_cell(fields: list[str]) -> None:
    """A layout of every header field, the default one and each field alone; each value a
    receipt holds changed in turn (twice: the second time from a template): the templates
    must give what row_xml of header_row gives."""
    letters = _column_letters(len(fields))
    fast = HeaderRowsXml(fields, STYLES)
    for row, (data, time) in enumerate(_header_variants() * 2, start=2):
        direct = row_xml(letters, row, header_row(data, time, fields), STYLES)
        assert fast.receipt(data, time, row) == direct.encode(), (data, time)
    assert 0 < len(fast.templates) < len(_header_variants())
