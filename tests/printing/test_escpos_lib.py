"""python-escpos's capability pickle cannot stop printing (issue 11 item 12).

python-escpos loads a pickled copy of its capability database at import and
writes it non-atomically; a power cut during the first print leaves it empty or
cut short, and every later import failed with ``EOFError: Ran out of input``.
Each test damages the cache where shopdesk keeps it, then prints in a new process.
"""

from __future__ import annotations

import os
import pickle
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli_env
from tests.printing.escpos_decode import decode

PICKLE_NAME = f"{platform.python_version()}.capabilities.pickle"
WHOLE = pickle.dumps({"profiles": {"default": {}}, "encodings": {}}, protocol=2)


@pytest.mark.parametrize(
    "damage",
    [b"", WHOLE[: len(WHOLE) // 2], b"\x80\x02garbage"],
    ids=["empty", "cut_short", "garbage"],
)
def test_a_damaged_capability_cache_heals_and_the_printer_prints(
    home: Path, tmp_path: Path, damage: bytes
) -> None:
    cache = tmp_path / "cache"
    broken = cache / "shopdesk" / "escpos" / PICKLE_NAME
    broken.parent.mkdir(parents=True)
    broken.write_bytes(damage)
    env = cli_env(XDG_CACHE_HOME=str(cache), SHOPDESK_LANG="en")
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    for attempt in range(2):  # healed once, then the cache is simply used
        done = subprocess.run(
            [sys.executable, "-m", "shopdesk", "--home", str(home), "printer", "test"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, (attempt, done.stderr)
        page = decode((home / "preview" / "test-page.bin").read_bytes())
        assert page.native_qrs == ["SHOPDESK TEST 测试"]
        (home / "preview" / "test-page.bin").unlink()
    with broken.open("rb") as healed:
        assert "default" in pickle.load(healed)["profiles"]
    assert os.listdir(broken.parent) == [PICKLE_NAME]  # no temp file left behind


def test_a_shared_cache_folder_someone_else_can_write_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pickle runs code when loaded: a world-writable fallback folder is not trusted."""
    import platformdirs

    from shopdesk.printing import escpos_lib

    def read_only_home(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(platformdirs, "user_cache_path", read_only_home)
    monkeypatch.setattr(escpos_lib.tempfile, "gettempdir", lambda: str(tmp_path))
    planted = tmp_path / f"shopdesk-escpos-{os.getuid()}"
    planted.mkdir(mode=0o777)
    planted.chmod(0o777)
    chosen = escpos_lib.capabilities_cache_dir()
    assert chosen != planted and chosen.is_dir()
    planted.chmod(0o700)
    assert escpos_lib.capabilities_cache_dir() == planted
