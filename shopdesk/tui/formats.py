"""Money and times on screen, written the way the cashier's language writes them.

The patterns are CLDR's (zh_CN; for English en_GB's, day-month and 24-hour as tills
are), the data Babel formats with:
``¥1,234.50`` / ``CN¥1,234.50``, ``2026年11月28日 10:30`` / ``28 Nov 2026, 10:30``.
They are written out here rather than asking Babel at run time because loading
its locale data would cost the till's cold start for two patterns;
``tests/tui/test_formats.py`` checks them against Babel.

The receipt on paper is not formatted here: it keeps the fullwidth ``￥`` a
GB18030 printer can print (:func:`shopdesk.domain.money.format_yuan`), whatever
the screen's language.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from shopdesk import i18n
from shopdesk.domain.money import round_fen

#: CLDR currency symbols for CNY: zh_CN "¥", en "CN¥" (an English "¥" could be yen).
SYMBOLS = {"zh": "¥", "en": "CN¥"}
#: CLDR en_GB abbreviations ("Sept", not "Sep").
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec")


def currency_symbol(lang: str | None = None) -> str:
    return SYMBOLS.get(lang or i18n.language(), SYMBOLS["en"])


def money(value: Decimal, lang: str | None = None) -> str:
    """``¥1,234.50``; negative as ``-¥1,234.50`` (CLDR puts the sign before the symbol)."""
    amount = round_fen(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}{currency_symbol(lang)}{abs(amount):,.2f}"


def date_time(moment: datetime | str, lang: str | None = None) -> str:
    """Date and minute: ``2026年11月28日 10:30`` / ``28 Nov 2026, 10:30`` (24-hour, as tills are)."""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if (lang or i18n.language()) == "zh":
        return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"
    return f"{when.day} {MONTHS_EN[when.month - 1]} {when.year}, {when:%H:%M}"


def day_time(moment: datetime | str, lang: str | None = None) -> str:
    """Without the year, for table rows: ``11月28日 10:30`` / ``28 Nov 10:30``."""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if (lang or i18n.language()) == "zh":
        return f"{when.month}月{when.day}日 {when:%H:%M}"
    return f"{when.day} {MONTHS_EN[when.month - 1]} {when:%H:%M}"
