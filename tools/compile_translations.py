"""Compile (and optionally refresh) the app's gettext catalogs with Babel.

    python tools/compile_translations.py            # .po → .mo for every language
    python tools/compile_translations.py --extract  # also add new msgids from shopdesk/

Two sources feed the catalogs: strings marked ``_()``/``N_()`` anywhere in the
package, and the message codes of :data:`shopdesk.messages.MESSAGES` (msgctxt =
the code, msgid = its English template). The ``.mo`` files are committed so an
installed wheel needs no build step; ``tests/tui/test_translations.py`` fails
when a ``.mo`` is stale or a string or message code has no Chinese translation.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "shopdesk" / "locale"
DOMAIN = "shopdesk"
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "gettext_in": (2,),
    "ngettext_in": (2, 3),
}
#: A catalog key: (msgid, msgctxt); the context is a message code or None, the msgid
#: a (singular, plural) pair for ngettext.
Key = tuple[str | tuple[str, str], str | None]


def po_files() -> list[Path]:
    return sorted(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def extract_messages() -> dict[Key, list[tuple[str, int]]]:
    """Every msgid marked in the package and every message code, with where it is defined."""
    found: dict[Key, list[tuple[str, int]]] = {}
    source = ROOT / "shopdesk"
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(source), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, tuple) and all(message):
            message = tuple(message)
        elif not (isinstance(message, str) and message):
            continue
        found.setdefault((message, None), []).append((f"shopdesk/{filename}", lineno))
    found.update(message_codes())
    return found


def message_codes() -> dict[Key, list[tuple[str, int]]]:
    """``MESSAGES`` entries as (English, code) keys, located at the code's line."""
    sys.path.insert(0, str(ROOT))
    from shopdesk.messages import MESSAGES, Plural

    path = ROOT / "shopdesk" / "messages.py"
    lines = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        code = line.strip().split(":", 1)[0].strip('"')
        lines.setdefault(code, lineno)
    return {
        (tuple(english[:2]) if isinstance(english, Plural) else english, code): [
            ("shopdesk/messages.py", lines.get(code, 0))
        ]
        for code, english in MESSAGES.items()
    }


def compile_po(po: Path) -> bytes:
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def refresh_po(po: Path, messages: dict[Key, list[tuple[str, int]]]) -> None:
    """Add new msgids (empty translations) and drop ones no longer used, keeping the rest."""
    with po.open("rb") as handle:
        old = read_po(handle, locale=po.parent.parent.name)
    new = Catalog(
        locale=old.locale,
        domain=DOMAIN,
        project="shopdesk",
        version="",
        copyright_holder="the shopdesk authors",
        msgid_bugs_address="",
        # Keep the header stable so a refresh only shows real changes in review.
        creation_date=old.creation_date,
        revision_date=old.creation_date,
        last_translator="shopdesk team",
        language_team="Chinese (Simplified)",
        charset="utf-8",
        fuzzy=False,
    )
    for msgid, context in sorted(messages, key=lambda key: (key[1] or "", str(key[0]))):
        previous = old.get(msgid, context=context)
        string = previous.string if previous else ""
        new.add(msgid, string, locations=messages[msgid, context], context=context)
    with po.open("wb") as handle:
        write_po(handle, new, width=0, omit_header=False, sort_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract", action="store_true", help="refresh the .po files first")
    args = parser.parse_args(argv)
    if args.extract:
        messages = extract_messages()
        for po in po_files():
            refresh_po(po, messages)
    for po in po_files():
        po.with_suffix(".mo").write_bytes(compile_po(po))
        print(f"compiled {po.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
