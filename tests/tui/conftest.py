"""Shared set-up for app tests: a demo shop with a fixed clock in a temp home."""

from __future__ import annotations

import asyncio
import inspect
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shopdesk.ledger.keys import load_private_key
from shopdesk.services.shop import init_shop
from tests.conftest import PUBLISHED_TEST_KEY

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 28, 10, 30, tzinfo=TZ)


class StepClock:
    """A clock that moves one second per reading: records stay ordered, runs repeat."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def home(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    # made an hour before the tests' clock starts: a till's first record is never after its sales
    # the published test key: the key fingerprint on screen (Z report) is the same every run
    key = load_private_key(PUBLISHED_TEST_KEY)
    init_shop(root, demo=True, clock=StepClock(START - timedelta(hours=1)), signing_key=key).close()
    return root


@pytest.fixture
def make_app(home: Path):
    from shopdesk.tui.app import ShopdeskApp

    def make(language: str = "en", clock=None) -> ShopdeskApp:
        return ShopdeskApp(home, clock=clock or StepClock(), language=language)

    return make


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no pytest-asyncio needed)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
        return True
    return None
