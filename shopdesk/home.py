"""Where a shop's home folder is when ``--home`` is not given.

Its own small module: every CLI command asks before it parses its arguments,
and ``verify-batch`` on the accountant's PC needs no shop at all, so the
answer must not import the shop service (~0.07 s; issue 12, speed).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The environment variable that names the shop home.
HOME_ENV = "SHOPDESK_HOME"


def default_home() -> Path:
    """``$SHOPDESK_HOME``, else the platform's user data folder (e.g. ~/.local/share/shopdesk)."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("shopdesk", appauthor=False)
