"""The Chinese catalog is complete for the app and its committed .mo is current."""

from __future__ import annotations

import importlib.util
import string
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "shopdesk" / "locale" / "zh_CN" / "LC_MESSAGES" / "shopdesk.po"


def load_tool():
    spec = importlib.util.spec_from_file_location(
        "compile_translations", ROOT / "tools" / "compile_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def catalog():
    with PO.open("rb") as handle:
        return read_po(handle, locale="zh_CN")


def test_committed_mo_matches_the_po():
    tool = load_tool()
    assert PO.with_suffix(".mo").read_bytes() == tool.compile_po(PO), (
        "run: python tools/compile_translations.py"
    )


def test_every_string_in_the_app_has_a_chinese_translation():
    used = load_tool().extract_messages()
    assert len(used) > 50  # the extractor really found the app's strings
    cat = catalog()
    missing = [msgid for msgid in used if not (cat.get(msgid) and cat.get(msgid).string)]
    assert missing == [], "run: python tools/compile_translations.py --extract, then translate"


def test_translations_keep_the_placeholders():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    bad = [m.id for m in catalog() if m.id and m.string and fields(m.id) != fields(m.string)]
    assert bad == []


def test_switching_language_translates():
    from shopdesk import i18n

    i18n.set_language("zh")
    assert i18n._("Pay") == "结账"
    i18n.set_language("en")
    assert i18n._("Pay") == "Pay"
