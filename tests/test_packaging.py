"""The wheel carries sample_data/ and themes/, so an installed shopdesk finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("shopdesk-*.whl")
    return built


def test_wheel_ships_the_demo_shop_and_the_themes(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "shopdesk/_data/sample_data/catalog.csv" in names
    assert "shopdesk/_data/sample_data/profile.toml" in names
    shipped = {n for n in names if n.startswith("shopdesk/_data/themes/")}
    repo_themes = {
        f"shopdesk/_data/themes/{p.name}" for p in (REPO / "themes").iterdir() if p.is_file()
    }
    assert repo_themes and shipped == repo_themes


def test_wheel_ships_the_app_translations_and_styles(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "shopdesk/locale/zh_CN/LC_MESSAGES/shopdesk.mo" in names
    assert "shopdesk/tui/shopdesk.tcss" in names


def test_installed_package_inits_the_demo_shop(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = "import shopdesk.services.shop as s, sys; s.init_shop(__import__('pathlib').Path(sys.argv[1]), demo=True).close(); print(s.bundled('sample_data'))"
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "h")],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert out.stdout.strip().startswith(str(target))
    assert (tmp_path / "h" / "catalog.csv").exists()
