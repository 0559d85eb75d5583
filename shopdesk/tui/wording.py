"""The app's own words for the few service codes whose shared sentence is CLI advice.

:mod:`shopdesk.messages` words every code for the CLI and the app alike, and a
few of its sentences say which command to run (``shopdesk outage end``,
``shopdesk export``). In the app that advice is a key, so these codes get the
app's own sentence, translated through the catalog like every string of the
app; the warnings that say "export a batch soon" get where that is. The CLI's
wording is unchanged.
"""

from __future__ import annotations

from shopdesk.i18n import N_, _
from shopdesk.messages import message

#: Codes whose shared sentence names a CLI command: the app says the key instead.
REWORDED: dict[str, str] = {
    "outage.already_open": N_(
        "An outage is already open (since {since}). When the system is back, "
        "end it with F3 (End outage)."
    ),
    "outage.auto_started": N_(
        "Recorded an e-invoice outage starting now ({time}). When the system is back, "
        "end it: F12, then F3."
    ),
    "limits.blocked_hours": N_(
        "Sale refused: receipts not yet exported have reached the offline time limit "
        "({value}/{limit} h) and the profile blocks past it. Export a batch first: F12, then F7."
    ),
    "limits.blocked_amount": N_(
        "Sale refused: with this sale {value} yuan would wait for export, reaching the "
        "{limit} yuan offline limit (room left: {remaining} yuan), and the profile blocks "
        "past it. Export a batch first: F12, then F7."
    ),
}

#: Warnings that end "Export a batch soon/now.": the app adds how.
EXPORT_SOON = frozenset(
    {"limits.hours_warn", "limits.hours_exceeded", "limits.amount_warn", "limits.amount_exceeded"}
)


def app_message(code: str, lang: str, **data: object) -> str:
    """The sentence for ``code`` as the app shows it (see the module's docstring)."""
    template = REWORDED.get(code)
    if template is not None:
        try:
            return _(template).format(**data)
        except (KeyError, IndexError):
            pass  # data not as expected: the shared sentence still says something useful
    text = message(code, lang, **data)
    if code in EXPORT_SOON:
        text += " " + _("To export: F12, then F7.")
    return text
