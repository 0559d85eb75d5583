"""One translation system for the app, the CLI and the services: gettext, catalog ``shopdesk``.

The catalogs live in ``shopdesk/locale/<locale>/LC_MESSAGES/shopdesk.po``; the
compiled ``.mo`` files are committed (``tools/compile_translations.py``) so an
installed wheel needs no build step. English is the msgid itself, so a third
language is one more ``.po`` file. The app switches the process-wide language
with :func:`set_language`; code that is handed a language (the CLI, printed
reports) asks :func:`translation` for that language's catalog.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

DOMAIN = "shopdesk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def discover_locales(folder: Path) -> dict[str, str]:
    """Our language codes → gettext locale folders: Chinese, English, and every catalog.

    A compiled catalog in ``locale/ja_JP/LC_MESSAGES`` (or ``locale/ja/…``) adds
    ``ja`` to the profile's languages, the CLI's ``--lang`` and the app's picker,
    so a third language needs no edit of the code.
    """
    found = {"zh": "zh_CN", "en": "en"}  # Chinese first: the default language
    for mo in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")):
        name = mo.parent.parent.name
        found.setdefault(name.split("_")[0], name)
    return found


LOCALES = discover_locales(LOCALE_DIR)

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


@cache
def translation(lang: str) -> gettext.NullTranslations:
    """The catalog for ``lang``; a language without a catalog gets the English msgids.

    A code we do not map (``fr``) is looked up as its own locale folder, so a
    new language needs only ``locale/fr/LC_MESSAGES/shopdesk.po`` (and its .mo).
    """
    return gettext.translation(
        DOMAIN, LOCALE_DIR, languages=[LOCALES.get(lang, lang)], fallback=True
    )


def set_language(lang: str) -> None:
    """Switch every later :func:`_` call to ``lang``; English when it has no catalog."""
    global _translation, _language
    _translation = translation(lang)
    has_catalog = lang in LOCALES or type(_translation) is not gettext.NullTranslations
    _language = lang if has_catalog else "en"


def language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The app's words for ``count`` things (Chinese has one form, English two)."""
    return _translation.ngettext(singular, plural, count)


def gettext_in(lang: str, message: str) -> str:
    """``message`` in ``lang``, for code handed a language (the CLI, printed words)."""
    return translation(lang).gettext(message)


def ngettext_in(lang: str, singular: str, plural: str, count: int) -> str:
    """:func:`ngettext` in a given language."""
    return translation(lang).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a string for the catalog where it is defined; translated where shown."""
    return message
