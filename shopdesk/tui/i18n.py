"""Every string the app shows goes through :func:`_` (gettext, catalog ``shopdesk``).

The catalog lives in ``shopdesk/locale/zh_CN/LC_MESSAGES/shopdesk.po``; the
compiled ``.mo`` is committed (``tools/compile_translations.py``) so an
installed wheel needs no build step. English is the msgid itself. Error codes
raised by services are worded by :mod:`shopdesk.messages` instead, the table the
CLI shares.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "shopdesk"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
#: Our language codes → gettext locale folders.
LOCALES = {"zh": "zh_CN", "en": "en"}

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(lang: str) -> None:
    """Switch every later :func:`_` call to ``lang`` (``zh`` or ``en``)."""
    global _translation, _language
    _language = lang if lang in LOCALES else "en"
    _translation = gettext.translation(
        DOMAIN, LOCALE_DIR, languages=[LOCALES[_language]], fallback=True
    )


def language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Marks a string for the catalog where it is defined; translated where shown."""
    return message
