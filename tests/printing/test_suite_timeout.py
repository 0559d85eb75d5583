"""The suite's per-test timeout really ends a stuck test, Hypothesis tests included.

Issue 10: a layout hang found by Hypothesis ran past pytest-timeout's 300 s. The
default ``signal`` method raises ``Failed`` inside the test once; Hypothesis
takes that for an ordinary failing example, replays it to report it, and the
replay hangs with no alarm left. ``timeout_method = "thread"`` in pyproject dumps
every thread's stack and ends the process instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env

STUCK_PROPERTY = """
from hypothesis import given, strategies as st


@given(st.integers(0, 4))
def test_one_example_never_returns(n):
    while n == 1:
        pass
"""


@pytest.mark.skipif(
    "faketime" in os.environ.get("LD_PRELOAD", ""),
    reason="libfaketime fakes the monotonic clock the timeout thread waits on "
    "(a faked deadline the kernel never reaches); a real clock change leaves it alone",
)
def test_a_hanging_hypothesis_example_is_ended_by_the_configured_timeout(tmp_path: Path):
    (tmp_path / "test_stuck.py").write_text(STUCK_PROPERTY, encoding="utf-8")
    # the project's own [tool.pytest.ini_options], with only the timeout shortened
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["-c", str(REPO / "pyproject.toml"), "--rootdir", str(tmp_path)]
    command += ["-o", "timeout=2", str(tmp_path / "test_stuck.py")]
    # 2 s timeout + start-up is ~5 s; the signal method never ends (killed at 30 s here)
    done = subprocess.run(
        command, capture_output=True, text=True, env=cli_env(), cwd=tmp_path, timeout=30
    )
    assert done.returncode != 0
    assert "Timeout" in done.stdout + done.stderr
    assert "test_one_example_never_returns" in done.stdout + done.stderr
