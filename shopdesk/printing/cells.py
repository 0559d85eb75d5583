"""Text measured in printer cells, and made safe to send to a printer.

Cheap Chinese thermal printers (Xprinter, Gprinter, "POS-58/80") print in their
GB18030/GBK double-byte mode: a character takes as many 12-dot cells as its
GB18030 encoding has bytes — one for ASCII, two for Hanzi and fullwidth
punctuation. That is the only width that lines columns up on paper; ``len()``
and ``wcwidth`` disagree with it for characters such as ``·`` or ``…``.

Every piece of text that reaches a receipt (item names, buyer, footer, the shop
name) passes :func:`sanitize` first: control bytes (ESC, GS, FS, DLE, …) would be
obeyed by the printer as commands, and characters outside GBK's two-byte range
print as garbage, so both are replaced. After sanitising, every character is
exactly one or two cells wide.
"""

from __future__ import annotations

import unicodedata

#: What a character the printer cannot show becomes (a fullwidth question mark,
#: two cells, so the replacement is as visible as what it replaces).
REPLACEMENT = "？"
#: U+00A5 has no GBK encoding (it becomes 4 GB18030 bytes and breaks GBK
#: printers); U+FFE5 is the fullwidth yuan sign every Chinese printer has.
YEN_FIX = {"\u00a5": "￥"}
#: Whitespace and line breaks inside a field become one ordinary space.
SPACES = frozenset("\t\n\r\v\f\u00a0\u2028\u2029\u3000\u200b")
#: Chinese typesetting (禁则) never starts a line with closing punctuation.
NO_LINE_START = frozenset("，。、；：？！）》」』】〕”’,.;:?!)%")
#: Unicode categories that never reach the paper: controls (ESC/POS commands are
#: C0 controls), format characters, private use, surrogates and unassigned.
DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})


def _safe_char(ch: str) -> str:
    if ch in YEN_FIX:
        return YEN_FIX[ch]
    if ch in SPACES:
        return " "
    if unicodedata.category(ch) in DROPPED_CATEGORIES:
        return ""
    try:
        size = len(ch.encode("gb18030"))
    except UnicodeEncodeError:
        return REPLACEMENT
    # Four-byte GB18030 (outside GBK: emoji, rare characters, combining marks)
    # is not in a cheap printer's font.
    return ch if size in (1, 2) else REPLACEMENT


def sanitize(text: str) -> str:
    """``text`` with nothing a printer would obey as a command, and nothing it cannot show.

    Composed to NFC first so an accented letter typed as two code points is one
    character. The result holds printable ASCII and GBK two-byte characters only.
    """
    text = unicodedata.normalize("NFC", str(text))
    if text.isascii() and text.isprintable():
        return text
    return "".join(_safe_char(ch) for ch in text)


def cell_width(ch: str) -> int:
    """Cells one sanitised character takes: its GB18030 byte length (1 or 2)."""
    return 1 if ord(ch) < 0x80 else 2


def text_cells(text: str) -> int:
    """Cells a sanitised string takes on the paper."""
    if text.isascii():
        return len(text)
    return sum(cell_width(ch) for ch in text)


def cut_to_cells(text: str, cells: int) -> tuple[str, str]:
    """Split ``text`` into the longest head fitting ``cells`` and the rest; never halves a character."""
    used = 0
    for index, ch in enumerate(text):
        width = cell_width(ch)
        if used + width > cells:
            return text[:index], text[index:]
        used += width
    return text, ""


def wrap(text: str, cells: int) -> list[str]:
    """Lines of at most ``cells`` cells; breaks at spaces in Latin text, anywhere in Chinese.

    Chinese has no spaces between words, so a line may break after any Hanzi; a
    Latin word is moved whole to the next line when it fits there.

    A character wider than the line (a Hanzi when ``cells`` is 1, anything when
    it is 0 or less) gets a line of its own, one character long and wider than
    asked: every line takes at least one character, so wrapping always ends
    (issue 10: ``wrap(text, 1)`` looped forever on a Hanzi). Callers that print
    cut lines to the paper (:class:`~shopdesk.printing.layout.Sheet`) or avoid
    such widths.
    """
    text = " ".join(sanitize(text).split())
    if not text:
        return []
    lines: list[str] = []
    while text:
        head, rest = cut_to_cells(text, cells)
        if not head:  # the first character alone is wider than the line
            head, rest = text[:1], text[1:]
        if rest and head and not rest.startswith(" ") and head[-1].isascii():
            space = head.rfind(" ")
            # break at the last space when the word after it is Latin and fits a line
            if space > 0 and text_cells(head[space + 1 :] + rest.split(" ", 1)[0]) <= cells:
                head, rest = head[:space], head[space + 1 :] + rest
        if rest and len(head) > 1 and rest[0] in NO_LINE_START and not head[-1].isascii():
            head, rest = head[:-1], head[-1] + rest
        lines.append(head.rstrip())
        text = rest.lstrip()
    return lines


def pad_right(text: str, cells: int) -> str:
    return text + " " * max(0, cells - text_cells(text))


def pad_left(text: str, cells: int) -> str:
    return " " * max(0, cells - text_cells(text)) + text


def center(text: str, cells: int) -> str:
    free = max(0, cells - text_cells(text))
    return " " * (free // 2) + text
