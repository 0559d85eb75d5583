"""Shared fixtures: a demo shop on a controllable clock, and the CLI as a subprocess.

Time is an input: every test runs on the test :class:`Clock` (2026-11-28 in
Beijing unless a test moves it), never on the machine's. The autouse
:func:`test_clock_everywhere` makes shopdesk's one clock seam
(:mod:`shopdesk.clock`) read the test's clock in this process, gives every CLI
subprocess started through :func:`cli_env` the same clock's time, and makes a
read of the real wall clock fail the test unless it is marked ``wall_clock``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import shopdesk.clock
from shopdesk.services.approval import Approval
from shopdesk.services.shop import Shop, init_shop

REPO = Path(__file__).resolve().parents[1]
BEIJING = ZoneInfo("Asia/Shanghai")
#: The published, test-only signing key of the golden batch (docs/format.md): a
#: home made with it gives the same signatures and fingerprint on every run.
PUBLISHED_TEST_KEY = REPO / "tests" / "data" / "golden" / "TEST-ONLY-signing-key.pem"
#: The demo shop's manager PIN (1234) in a file: ``cli_env`` points SHOPDESK_PIN_FILE
#: at it, so CLI voids, discounts and Z reports are approved as a script's would be.
DEMO_PIN_FILE = REPO / "tests" / "data" / "demo-pin.txt"
#: A manager's yes for tests that call a controlled service directly; the PIN
#: check itself is tested in tests/services/test_approval.py.
VOID_OK = Approval("void", "manager")
CLOSE_OK = Approval("close_day", "manager")
DISCOUNT_OK = Approval("discount", "manager")


class Clock:
    """A settable clock for shop records: tests move time instead of sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 28, 9, 30, tzinfo=BEIJING)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)  # strictly increasing, like a real till
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


#: The clock of the running test, read by :func:`cli_env` for subprocesses.
_active: list[Clock] = []


@pytest.fixture(autouse=True)
def test_clock_everywhere(
    request: pytest.FixtureRequest, clock: Clock, monkeypatch: pytest.MonkeyPatch
):
    """Every reading of "now" in this test comes from ``clock``; the wall clock fails it.

    In this process, :func:`shopdesk.clock.now` reads ``clock``. A subprocess
    inherits ``SHOPDESK_CLOCK`` set to the clock's start (``cli_env`` gives it the
    clock's current time instead). A test that means to read the machine's clock
    says so with ``@pytest.mark.wall_clock``.
    """
    if request.node.get_closest_marker("wall_clock") is None:

        def no_wall_clock(tz):
            pytest.fail(
                "this test read the wall clock; use the `clock` fixture "
                "(or mark it @pytest.mark.wall_clock if it tests the wall clock)",
                pytrace=True,
            )

        monkeypatch.setattr(shopdesk.clock, "wall_now", no_wall_clock)
        monkeypatch.setattr(shopdesk.clock, "now", lambda tz: clock().astimezone(tz))
        monkeypatch.setenv(shopdesk.clock.ENV, clock.now.isoformat())
    _active.append(clock)
    yield
    _active.remove(clock)


@pytest.fixture
def demo_pin(monkeypatch: pytest.MonkeyPatch) -> Path:
    """An in-process CLI call (``main([...])``) gets the demo manager PIN from a file."""
    monkeypatch.setenv("SHOPDESK_PIN_FILE", str(DEMO_PIN_FILE))
    return DEMO_PIN_FILE


@pytest.fixture
def home(tmp_path: Path, clock: Clock) -> Path:
    """A freshly initialised demo shop home (closed again, ready to open)."""
    root = tmp_path / "shop"
    init_shop(root, demo=True, clock=clock).close()
    return root


@pytest.fixture
def shop(home: Path, clock: Clock):
    with Shop.open(home, clock=clock) as opened:
        yield opened


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("SHOPDESK_HOME", None)
    env.setdefault("SHOPDESK_PIN_FILE", str(DEMO_PIN_FILE))
    if _active and shopdesk.clock.ENV in env:
        # the CLI in a subprocess stamps at the test clock's current time
        env[shopdesk.clock.ENV] = _active[-1]().isoformat()
    env.update(extra)
    return env


def run_cli(*args: str | Path, lang: str = "en", **kwargs) -> subprocess.CompletedProcess[str]:
    """Run ``python -m shopdesk ARGS`` as a user would; returns the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "shopdesk", "--lang", lang, *map(str, args)],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
        **kwargs,
    )


@pytest.fixture
def disk_full_for(monkeypatch: pytest.MonkeyPatch):
    """Arm a full disk for journal lines of one record kind: ``disk_full_for("receipt.printed")``.

    The real ``os.write`` fails with ENOSPC for exactly those lines, so the journal's
    own cut-back and error path run as they would on a full disk.
    """
    import errno

    real_write = os.write

    def arm(kind: str) -> None:
        marker = f'"kind":"{kind}"'.encode()

        def write(fd: int, data: bytes) -> int:
            if marker in bytes(data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", write)

    return arm
