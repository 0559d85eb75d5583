"""The column mapping of ``invoice-import.xlsx``: which ledger field goes under which header.

The e-invoice platform issues invoices in bulk from an Excel workbook with an
invoice-header sheet keyed by a serial number and a line sheet. The official
template's exact column names are *unverified* (they differ between provincial
platforms and have changed over time), so the headers are a table in the
profile (``[export.header_columns]``, ``[export.line_columns]``) and these are
only defaults. A field mapped to ``""`` is left out; fields listed under
``OPTIONAL_*`` are off by default and can be switched on by giving a header.

Pure data: no I/O, importable from the profile loader.
"""

from __future__ import annotations

#: Sheet names (unverified: "发票基本信息" / "发票明细信息" as in the 数电票 batch template).
HEADER_SHEET = "发票基本信息"
LINE_SHEET = "发票明细信息"

#: Invoice-header sheet, one row per receipt to invoice: (field, default header).
HEADER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("serial", "发票流水号"),  # the provisional receipt number, e.g. T01-00000042
    ("buyer_name", "购买方名称"),  # "个人" when the customer gave no company
    ("buyer_tax_id", "购买方纳税人识别号"),
    ("remarks", "备注"),  # "临时收据 T01-00000042 2026-11-27 14:03"
)
OPTIONAL_HEADER_COLUMNS: tuple[str, ...] = (
    "total",  # 价税合计, tax included
    "net",  # 合计金额 (without tax)
    "tax",  # 合计税额
    "buyer_phone",
    "buyer_email",
    "receipt_time",
    "cashier",
)

#: Line sheet, one row per receipt line: (field, default header).
LINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("serial", "发票流水号"),
    ("item_name", "项目名称"),
    ("tax_code", "商品和服务税收分类编码"),
    ("spec", "规格型号"),
    ("unit", "单位"),
    ("qty", "数量"),
    ("unit_price", "单价"),  # tax included (含税), before the line's discount
    ("amount", "金额"),  # tax included; 数量 × 单价 on an item, negative on its 折扣行
    ("tax_rate", "税率"),  # 0.13 … as a number formatted 13%; "免税" for exempt
    ("tax", "税额"),
)
OPTIONAL_LINE_COLUMNS: tuple[str, ...] = (
    "line_kind",  # 发票行性质: 0 normal, 1 折扣行 (discount), 2 被折扣行 (the item it discounts)
    "net",  # amount without tax (金额 on a fapiao is usually this one)
    "discount",  # what was taken off this item, tax included (on the item's row)
    "barcode",
    "sku",
)

BUYER_PERSONAL = "个人"


def resolve(
    defaults: tuple[tuple[str, str], ...], optional: tuple[str, ...], given: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    """The columns actually written: defaults in their order, then optional ones given.

    ``given`` maps field → header; an empty header drops the field. The caller
    (the profile loader) has already checked that every key is a known field.
    """
    out = [(f, given.get(f, title)) for f, title in defaults]
    out += [(f, given[f]) for f in optional if f in given]
    return tuple((f, t) for f, t in out if t)
