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


def test_every_string_and_message_code_has_a_chinese_translation():
    from shopdesk.messages import MESSAGES

    used = load_tool().extract_messages()
    assert len(used) > 50 + len(MESSAGES)  # the extractor found the app's strings and the codes
    assert {context for _, context in used} >= set(MESSAGES)
    cat = catalog()
    missing = [
        key for key in used if not ((entry := cat.get(key[0], context=key[1])) and entry.string)
    ]
    assert missing == [], "run: python tools/compile_translations.py --extract, then translate"


def test_translations_keep_the_placeholders():
    def fields(texts: str | tuple[str, ...]) -> set[str]:
        forms = (texts,) if isinstance(texts, str) else texts
        return {name for text in forms for _, name, _, _ in string.Formatter().parse(text) if name}

    # Chinese prints a discount as 九折 ({zhe}) where English prints 10% ({pct}).
    differ = {"receipt.w.percent_off"}
    bad = [
        m.id
        for m in catalog()
        if m.id and m.string and fields(m.id) != fields(m.string) and m.context not in differ
    ]
    assert bad == []


def test_switching_language_translates():
    from shopdesk import i18n

    i18n.set_language("zh")
    assert i18n._("Pay") == "结账"
    i18n.set_language("en")
    assert i18n._("Pay") == "Pay"


def test_messages_speak_the_catalog_language_and_fall_back_to_english():
    from shopdesk.messages import message

    assert message("sale.empty", "zh") == "没有商品，不能开具收据。"
    assert message("sale.empty", "en") == "The sale has no items."
    assert message("sale.empty", "xx") == "The sale has no items."


def test_a_third_language_is_one_new_po_file(tmp_path, monkeypatch):
    """Issue 14 item 10: a new language must not need an edit of messages.py or the code."""
    from shopdesk import i18n
    from shopdesk.messages import message

    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "shopdesk.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgctxt "sale.empty"\nmsgid "The sale has no items."\nmsgstr "La vente est vide."\n\n'
        'msgid "Pay"\nmsgstr "Payer"\n\n'
        'msgctxt "language.name"\nmsgid "English"\nmsgstr "Français"\n',
        encoding="utf-8",
    )
    po.with_suffix(".mo").write_bytes(load_tool().compile_po(po))
    # The profile, --lang and the app's picker learn the language from its catalog.
    assert i18n.discover_locales(tmp_path) == {"zh": "zh_CN", "en": "en", "fr": "fr"}
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translation.cache_clear()
    try:
        assert message("sale.empty", "fr") == "La vente est vide."
        assert message("sale.unknown_item", "fr", value="X1") == (
            "No item with barcode or SKU X1. Check the code."
        )
        assert message("language.name", "fr") == "Français"
        i18n.set_language("fr")
        assert i18n._("Pay") == "Payer"
    finally:
        i18n.translation.cache_clear()
        i18n.set_language("en")
