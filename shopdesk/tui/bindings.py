"""Key bindings as the cashier reads them: descriptions translated, keys as printed.

Screens and the app both call :func:`translate_bindings` when built; it lives
here, not in ``tui/app.py``, so a screen need not import the app for it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from textual.app import App
from textual.binding import BindingsMap
from textual.screen import Screen

from shopdesk.i18n import _


def translate_bindings(node: App | Screen) -> None:
    """Re-make a node's bindings with descriptions in the current language.

    Textual reads ``Binding.description`` as plain text for the footer, so the
    English msgids in ``BINDINGS`` are swapped for translations when the node
    is built (screens are rebuilt on a language switch).
    """
    node._bindings = BindingsMap(
        [
            replace(
                binding,
                description=_(binding.description) if binding.description else "",
                key_display=binding.key_display or _key_display(binding.key),
            )
            for _key, binding in node._bindings
        ]
    )


def _key_display(key: str) -> str | None:
    """``F10`` rather than Textual's ``f10``: as printed on the keyboard."""
    if re.fullmatch(r"f\d{1,2}", key):
        return key.upper()
    return {"escape": "Esc", "enter": "Enter", "ctrl+q": "Ctrl+Q", "ctrl+o": "Ctrl+O"}.get(key)
