"""Small choices the app remembers between runs (theme, language, export folder), per shop home.

Kept out of ``profile.toml`` on purpose: the profile is the shopkeeper's file,
edited by hand and checked strictly; a cashier picking a dark theme must not
rewrite it. A missing or damaged state file just means the defaults.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from shopdesk.config import LANGUAGES

FILE_NAME = "ui-state.json"


@dataclass
class UiState:
    theme: str = "shopdesk-light"
    #: ``""`` means "the profile's language, else the system's".
    language: str = ""
    #: The folder the last batch was exported to (offered again), ``""`` before any.
    export_folder: str = ""


def state_path(home: Path) -> Path:
    return home / FILE_NAME


def load_ui_state(home: Path) -> UiState:
    try:
        data = json.loads(state_path(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return UiState()
    if not isinstance(data, dict):
        return UiState()
    theme = data.get("theme")
    language = data.get("language")
    folder = data.get("export_folder")
    return UiState(
        theme=theme if isinstance(theme, str) and theme else UiState.theme,
        language=language if language in LANGUAGES else "",
        export_folder=folder if isinstance(folder, str) else "",
    )


def save_ui_state(home: Path, state: UiState) -> None:
    """Write via a temporary file and rename, so a power cut leaves old or new, not half."""
    path = state_path(home)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
