"""The workbook's column mapping comes from the profile; mistakes point at their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopdesk.config import parse_profile
from shopdesk.errors import ConfigError
from shopdesk.export import columns

SAMPLE = Path(__file__).parents[2] / "sample_data" / "profile.toml"


def profile(extra: str):
    base = SAMPLE.read_text(encoding="utf-8").split("[export]")[0]
    return parse_profile(base + extra, Path("profile.toml"))


def test_defaults_without_an_export_section() -> None:
    settings = profile("").export
    assert settings.header_columns == columns.HEADER_COLUMNS
    assert settings.line_columns == columns.LINE_COLUMNS
    assert settings.header_sheet == "发票基本信息"


def test_headers_are_renamed_dropped_and_optional_fields_switched_on() -> None:
    settings = profile(
        '[export]\nline_sheet = "明细"\n'
        '[export.line_columns]\nnet = "金额"\namount = ""\ndiscount = "折扣金额"\n'
        '[export.header_columns]\ntotal = "价税合计"\nremarks = ""\n'
    ).export
    fields = dict(settings.line_columns)
    assert fields["net"] == "金额" and "amount" not in fields
    assert list(fields)[-2:] == ["net", "discount"]
    assert dict(settings.header_columns) == {
        "serial": "发票流水号",
        "buyer_name": "购买方名称",
        "buyer_tax_id": "购买方纳税人识别号",
        "total": "价税合计",
    }
    assert settings.line_sheet == "明细"


@pytest.mark.parametrize(
    ("extra", "field", "reason"),
    [
        ('[export.line_columns]\nprice = "单价"\n', "export.line_columns.price", "unknown_column"),
        ("[export.line_columns]\nqty = 3\n", "export.line_columns.qty", "expected_str"),
        (
            '[export.header_columns]\nserial = ""\n',
            "export.header_columns.serial",
            "serial_required",
        ),
    ],
)
def test_mistakes_name_the_field_and_line(extra: str, field: str, reason: str) -> None:
    with pytest.raises(ConfigError) as caught:
        profile(extra)
    assert caught.value.code == "profile.bad_field"
    assert caught.value.data["field"] == field
    assert caught.value.data["reason"].startswith(reason)
    text = SAMPLE.read_text(encoding="utf-8").split("[export]")[0] + extra
    assert text.splitlines()[caught.value.data["line"] - 1].startswith(field.rsplit(".", 1)[1])
