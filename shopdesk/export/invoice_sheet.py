"""``invoice-import.xlsx``: the workbook the accountant imports to issue the fapiao.

Two sheets (names and headers from the profile, see :mod:`shopdesk.export.columns`):
one row per valid receipt on the header sheet, keyed by the provisional receipt
number (发票流水号), and one row per receipt line on the line sheet with the
same key. Voided and training receipts are never written here: they must not be
invoiced.

Written with openpyxl's write-only mode (rows stream to temp files, memory stays
flat at 100k receipts). openpyxl stamps the save time into
``docProps/core.xml`` and every zip entry, so :func:`normalise_xlsx` rewrites
the package with the batch's own export time: the same batch always gives the
same bytes.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from shopdesk.config import ExportSettings
from shopdesk.domain.tax import RATES
from shopdesk.export.batch_format import zip_time
from shopdesk.export.columns import BUYER_PERSONAL

CORE_XML = "docProps/core.xml"
W3CDTF = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
COPY_CHUNK = 1 << 20


def _number(text: str) -> float | int:
    """A two-decimal string as an Excel number; ``float(repr)`` round-trips exactly."""
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() and "." not in text else float(value)


def _rate(rate: str) -> float | str:
    return "免税" if rate == "exempt" else float(RATES[rate])


class InvoiceSheetWriter:
    """Streams receipts into the two sheets; :meth:`close` saves and normalises."""

    def __init__(self, path: Path, settings: ExportSettings, exported_at: datetime) -> None:
        from openpyxl import Workbook

        self.path = path
        self.settings = settings
        self.exported_at = exported_at
        self.book = Workbook(write_only=True)
        self.headers = self.book.create_sheet(settings.header_sheet)
        self.lines = self.book.create_sheet(settings.line_sheet)
        self.headers.append([title for _, title in settings.header_columns])
        self.lines.append([title for _, title in settings.line_columns])
        self.header_fields = [f for f, _ in settings.header_columns]
        self.line_fields = [f for f, _ in settings.line_columns]

    def add_receipt(self, data: dict, time: str) -> None:
        buyer = data.get("buyer") or {}
        header = {
            "serial": data["no"],
            "buyer_name": buyer.get("name") or BUYER_PERSONAL,
            "buyer_tax_id": buyer.get("tax_id", ""),
            "remarks": f"临时收据 {data['no']} {time[:10]} {time[11:16]}",
            "total": _number(data["total"]),
            "net": _number(data["net"]),
            "tax": _number(data["tax"]),
            "buyer_phone": buyer.get("phone", ""),
            "buyer_email": buyer.get("email", ""),
            "receipt_time": time,
            "cashier": data.get("cashier", ""),
        }
        self.headers.append([header[f] for f in self.header_fields])
        for line in data["lines"]:
            row = {
                "serial": data["no"],
                "item_name": line["name"],
                "tax_code": line["tax_code"],
                "spec": line.get("spec", ""),
                "unit": line.get("unit", ""),
                "qty": _number(line["qty"]),
                "unit_price": _number(line["unit_price"]),
                "amount": _number(line["amount"]),
                "tax_rate": _rate(line["rate"]),
                "tax": _number(line["tax"]),
                "net": _number(line["net"]),
                "discount": _number(line["discount"]),
                "barcode": line.get("barcode", ""),
                "sku": line.get("sku", ""),
            }
            self.lines.append([row[f] for f in self.line_fields])

    def close(self) -> None:
        fixed = self.exported_at.astimezone().replace(tzinfo=None, microsecond=0)
        self.book.properties.creator = "shopdesk"
        self.book.properties.created = fixed
        raw = self.path.with_suffix(".raw.xlsx")
        self.book.save(raw)
        try:
            normalise_xlsx(raw, self.path, self.exported_at)
        finally:
            raw.unlink(missing_ok=True)


def normalise_xlsx(source: Path, target: Path, moment: datetime) -> None:
    """Copy an xlsx package with every timestamp set to ``moment``: deterministic bytes.

    Entry order and content are kept (openpyxl writes them in a fixed order);
    only the zip entry times and ``dcterms:created/modified`` change.
    """
    from datetime import UTC

    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    when = zip_time(moment)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            out = zipfile.ZipInfo(info.filename, date_time=when)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o644 << 16
            out.create_system = 3
            if info.filename == CORE_XML:
                body = W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<3>", zin.read(info))
                zout.writestr(out, body)
                continue
            out.file_size = info.file_size
            with zin.open(info) as src, zout.open(out, "w") as dst:
                shutil.copyfileobj(src, dst, COPY_CHUNK)
