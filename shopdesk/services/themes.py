"""Colour themes shipped as TOML files in ``themes/`` (packaged with the wheel).

A theme file names its colours with the keys of Textual's ``Theme`` (primary,
background, …) but this module does not import Textual: it only reads and
checks the files, and the app turns them into ``Theme`` objects. Shops can
drop their own file next to the shipped ones.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from shopdesk.errors import ConfigError

COLOR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")


@dataclass(frozen=True)
class ThemeSpec:
    name: str
    #: The theme's name per language, from its ``label_<lang>`` keys (a theme
    #: file is data, so its labels live there rather than in the catalogs).
    labels: dict[str, str]
    dark: bool
    colors: dict[str, str]
    variables: dict[str, str] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        """The label in ``lang``, else the English one, else the theme's name."""
        return self.labels.get(lang) or self.labels.get("en") or self.name


def parse_theme(text: str, source: str) -> ThemeSpec:
    def bad(field_name: str, value: object) -> ConfigError:
        return ConfigError("theme.bad_field", file=source, field=field_name, value=str(value))

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("theme.syntax", file=source, reason=str(exc)) from None
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise bad("name", name)
    colors = data.get("colors", {})
    if not isinstance(colors, dict) or "primary" not in colors:
        raise bad("colors.primary", "")
    for key, value in colors.items():
        if key not in COLOR_KEYS or not isinstance(value, str) or not _COLOR.match(value):
            raise bad(f"colors.{key}", value)
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise bad("variables", variables)
    dark = data.get("dark", False)
    if not isinstance(dark, bool):
        raise bad("dark", dark)
    return ThemeSpec(
        name=name,
        labels={
            key.removeprefix("label_"): str(value)
            for key, value in data.items()
            if key.startswith("label_")
        },
        dark=dark,
        colors=dict(colors),
        variables=dict(variables),
    )


def load_themes(folder: Path) -> tuple[list[ThemeSpec], list[ConfigError]]:
    """Every ``*.toml`` theme in ``folder``, sorted by file name, and the ones that failed.

    A broken theme file must not stop the till: it is reported and skipped.
    """
    themes: list[ThemeSpec] = []
    errors: list[ConfigError] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            themes.append(parse_theme(path.read_text(encoding="utf-8-sig"), str(path)))
        except ConfigError as exc:
            errors.append(exc)
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(ConfigError("theme.syntax", file=str(path), reason=str(exc)))
    return themes, errors
