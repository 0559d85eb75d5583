"""No Chinese screen or message shows an untranslated string (issue 14, item 10).

English words are allowed only where they are names the shopkeeper types or
reads elsewhere: keys (PIN, F1–F12, Esc), standards (USB, QR, CSV, SHA-256),
commands (``shopdesk export``), profile keys (``[printer] font``), file names,
printer addresses and the payment-method codes the CLI takes.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[2] / "shopdesk/locale/zh_CN/LC_MESSAGES/shopdesk.po"
COLA = "6901939621257"

#: Technical names that stay as they are in Chinese text, one kind a line: keys,
#: standards and systems; tools to install; English (the language picker names each
#: language in itself) and kkkl (a pinyin-initials search example, 可口可乐); values
#: typed in the CLI or the profile; shopdesk commands named in sentences.
ALLOWED_WORDS = """
PIN USB QR SKU CSV JSON SHA UTF CJK COM CUPS ESC POS Ctrl Esc Enter Tab Excel Linux Windows
Noto PID VID RRGGBB SDPR YYYY kg csv xlsx
pip pipx pyusb pyserial pywin python udev cups fonts font zip inject install spooler
English kkkl
cash wechat alipay card other jiao yuan true false preview tcp usb serial file default
verify list show export report restore rebuild init print sell outage end catalog check clock
correct hash pubkey backup status now price
COPY PEM
"""
ALLOWED = frozenset(ALLOWED_WORDS.split())

STRIP = [
    r"\{[^}]*\}",  # placeholders
    r"%\([a-z_]+\)[sdr]",  # argparse's placeholders: %(prog)s
    r"\bbase64\b",
    r"\S*[/\\]\S*",  # paths and addresses
    r"\S+\.(?:toml|csv|xlsx|json|jsonl|md|bin|png|log|po|mo|svg)\b",  # file names
    r"--?[a-z][a-z-]*",  # command-line options
    r"SHOPDESK_[A-Z_]+",  # environment variables
    r"\[\[?[a-z_]+\]\]?(?:\s+[a-z_]+)?",  # [section] key of the profile
    r"[a-z_.]+\s*=\s*\S+",  # key = value
    r"\bshopdesk(?:\s+[a-z][a-z-]*)*",  # a command line
    r"\b[TtRr]\d\d-[\w-]+",  # receipt numbers (T01-00000001, T01-RF-…)
]


def latin_words(text: str) -> list[str]:
    """English-looking words of 3+ letters that are not on the allow-list."""
    for pattern in STRIP:
        text = re.sub(pattern, " ", text)
    words = re.findall(r"[A-Za-z][A-Za-z_.]*[A-Za-z]", text)
    return [w for w in words if len(w) >= 3 and w not in ALLOWED]


def test_the_filter_still_sees_english() -> None:
    assert latin_words("收据 T01-00000001 receipt.printed，batch") == ["receipt.printed", "batch"]
    assert latin_words("运行 shopdesk export --again {batch}：USB") == []


def test_no_chinese_translation_contains_an_english_word() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    found = []
    for entry in catalog:
        if not entry.id:
            continue  # the header
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        found += [(entry.context or entry.id, w) for text in forms for w in latin_words(text)]
    assert found == []


def screen_text(app) -> str:
    """What the terminal shows, line by line, from the app's SVG screenshot."""
    svg = app.export_screenshot()
    lines: dict[float, list[str]] = {}
    for y, body in re.findall(r'<text [^>]*y="([\d.]+)"[^>]*>(.*?)</text>', svg, flags=re.S):
        lines.setdefault(float(y), []).append(html.unescape(body))
    return "\n".join(" ".join(parts) for _, parts in sorted(lines.items()))


async def test_the_chinese_screens_show_no_untranslated_words(make_app) -> None:
    """Opens the main screens in Chinese at 80×24 and reads every word on them."""
    app = make_app("zh")
    seen: dict[str, list[str]] = {}

    async def look(name: str, screen: str) -> None:
        await pilot.pause()
        assert type(app.screen).__name__ == screen, name
        seen[name] = latin_words(screen_text(app))

    async with app.run_test(size=(80, 24)) as pilot:
        await look("sale", "SaleScreen")
        await pilot.press(*COLA, "enter")
        await look("sale with a line", "SaleScreen")
        await pilot.press("f10")
        await look("pay", "PayScreen")
        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await look("after the sale", "SaleScreen")
        await pilot.press("f7")
        await look("receipts", "ReceiptsScreen")
        await pilot.press("f8", *"1234", "enter")  # void it, so its history has two lines
        await pilot.pause()
        await pilot.press(*"坏了", "enter")
        await look("receipts after a void", "ReceiptsScreen")
        await pilot.press("enter")
        await look("receipt detail", "ReceiptDetailScreen")
        app.screen.query_one("#detail-text-box").scroll_end(animate=False)
        await look("receipt history", "ReceiptDetailScreen")
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        if type(app.screen).__name__ == "PinScreen":
            await pilot.press(*"1234", "enter")
        await look("settings", "SettingsScreen")
        app.pop_screen()
        await pilot.pause()
        await pilot.press("f12")
        await look("outage", "OutageScreen")
        await pilot.press("f4")
        await look("X report", "OutageScreen")
        await pilot.press("f7")
        await look("export dialog", "ExportScreen")
    assert {name: words for name, words in seen.items() if words} == {}
