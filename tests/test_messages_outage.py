"""Every code the outage, limits and report code raises or warns has both languages."""

from __future__ import annotations

import pytest

from shopdesk.messages import MESSAGES, message, template

SAMPLES = {
    "outage.already_open": {"since": "2026-11-28 09:00"},
    "outage.not_open": {},
    "outage.note_too_long": {"limit": 200},
    "outage.auto_started": {"time": "2026-11-28 09:00"},
    "outage.started": {"time": "2026-11-28 09:00"},
    "outage.ended": {"time": "2026-11-28 12:00", "duration": "3 h 0 min"},
    "limits.hours_warn": {"hours": "60.0", "max_hours": "72", "percent": 83},
    "limits.hours_exceeded": {"hours": "72.0", "max_hours": "72", "percent": 100},
    "limits.amount_warn": {"amount": "80000.00", "max_amount": "100000.00", "percent": 80},
    "limits.amount_exceeded": {"amount": "100000.00", "max_amount": "100000.00", "percent": 100},
    "limits.blocked_hours": {
        "value": "72.0",
        "limit": "72",
        "percent": 100,
        "state": "x",
        "remaining": "5.00",
    },
    "limits.blocked_amount": {
        "value": "1.00",
        "limit": "1.00",
        "percent": 100,
        "state": "x",
        "remaining": "0.00",
    },
    "report.bad_date": {"value": "x"},
    "report.empty_shift": {"since": "2026-11-28 09:00:00"},
    "report.no_close": {},
    "report.bad_count": {"item": "3x100", "values": "100 50"},
    "report.count_needed": {},
    "report.z_date": {},
    "report.print_unavailable": {},
    "report.printed": {"printer": "preview"},
    "report.not_closed": {"day": "2026-11-28"},
}


@pytest.mark.parametrize("code", sorted(SAMPLES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_message_exists_and_fills_every_placeholder(code: str, lang: str) -> None:
    assert code in MESSAGES
    text = message(code, lang, **SAMPLES[code])
    assert "{" not in text and code not in text
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_report_label_has_both_languages() -> None:
    labels = [code for code in MESSAGES if code.startswith("report.w.")]
    assert len(labels) >= 20
    for code in labels:
        zh, en = template(code, "zh"), template(code, "en")
        assert zh and en and zh != en
