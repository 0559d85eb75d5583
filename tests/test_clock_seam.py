"""No code reads the wall clock but shopdesk.clock; the test clock guard really guards.

The autouse fixture in ``tests/conftest.py`` catches a reading through the seam
at run time; this scan catches a reading that goes around it (a bare
``datetime.now()`` in a service or a test), which no run-time guard can see.
"""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path

import pytest

import shopdesk.clock
from shopdesk.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[1]
#: Calls that read the machine's clock (``time.monotonic``/``perf_counter`` measure
#: durations and are fine).
WALL_CLOCK = re.compile(
    r"\b(?:datetime\.now|datetime\.today|date\.today|datetime\.utcnow|time\.time"
    r"|time\.localtime|time\.ctime|time\.strftime)\("
)
#: A line may read it on purpose when the line before says why.
JUSTIFIED = "# wall clock:"


def offenders() -> list[str]:
    found = []
    for folder in ("shopdesk", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "shopdesk" / "clock.py" or path == Path(__file__).resolve():
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, 1):
                before = lines[number - 2] if number > 1 else ""
                if WALL_CLOCK.search(line) and JUSTIFIED not in before:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_only_the_clock_seam_reads_the_wall_clock() -> None:
    assert offenders() == []


def test_the_scan_finds_a_bare_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert WALL_CLOCK.search("    stamp = datetime.now(UTC)")
    assert WALL_CLOCK.search("today = date.today()")
    assert not WALL_CLOCK.search("started = time.perf_counter()")


def test_a_test_that_reads_the_wall_clock_fails() -> None:
    with pytest.raises(pytest.fail.Exception, match="read the wall clock"):
        shopdesk.clock.wall_now(UTC)


@pytest.mark.wall_clock
def test_the_seam_reads_the_machine_clock_when_nothing_fixes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(shopdesk.clock.ENV, raising=False)
    assert shopdesk.clock.now(UTC).tzinfo is not None


@pytest.mark.wall_clock
def test_shopdesk_clock_fixes_the_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(shopdesk.clock.ENV, "2026-02-28T23:59:30+08:00")
    assert shopdesk.clock.now(UTC).isoformat() == "2026-02-28T15:59:30+00:00"
    for bad in ("tomorrow", "2026-02-28T23:59:30"):  # no words, no time without its offset
        monkeypatch.setenv(shopdesk.clock.ENV, bad)
        with pytest.raises(InvalidInput) as err:
            shopdesk.clock.now(UTC)
        assert err.value.code == "clock.bad_env"
