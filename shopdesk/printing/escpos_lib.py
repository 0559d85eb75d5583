"""Importing python-escpos 3.1 without its side effects.

At import, ``escpos.capabilities``:

* YAML-parses its capability database (~0.4 s) and pickles it into
  ``$ESCPOS_CAPABILITIES_PICKLE_DIR``, or, when that is unset, into a *new*
  ``mkdtemp()`` folder on every import — one folder left behind per run and the
  cache never reused. We point the variable at a folder under the user cache
  directory (``~/.cache/shopdesk/escpos``) so the pickle is written once and
  reused. Setting the variable is not enough: the module evaluates
  ``environ.get(VAR, mkdtemp())``, whose default argument runs ``mkdtemp()``
  anyway, so during the import ``tempfile.mkdtemp`` (which it imports by name)
  is swapped for one that returns the cache folder. Nothing leaks into /tmp.
* calls ``logging.basicConfig()``, which would attach a stderr handler to the
  root logger of *our* process and change how everything logs. ``basicConfig``
  does nothing when the root logger already has a handler, so we add a
  ``NullHandler`` for the duration of the import and take it away again.

Only the printing code calls :func:`load_escpos`; ``import shopdesk.cli`` never
imports python-escpos (a test checks ``sys.modules``).
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from types import ModuleType

PICKLE_DIR_ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"

_loaded: ModuleType | None = None


def capabilities_cache_dir() -> Path:
    """Where python-escpos may keep its capability pickle between runs."""
    try:
        from platformdirs import user_cache_path

        folder = user_cache_path("shopdesk", appauthor=False) / "escpos"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        # a read-only home: one fixed folder per user, still never a new one per run
        folder = Path(tempfile.gettempdir()) / f"shopdesk-escpos-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder


def load_escpos() -> ModuleType:
    """``escpos.printer``, imported once with a persistent pickle dir and our logging intact."""
    global _loaded
    if _loaded is not None:
        return _loaded
    os.environ.setdefault(PICKLE_DIR_ENV, str(capabilities_cache_dir()))
    root = logging.getLogger()
    guard = logging.NullHandler()
    added = not root.handlers
    if added:
        root.addHandler(guard)
    cache = os.environ[PICKLE_DIR_ENV]
    real_mkdtemp = tempfile.mkdtemp
    tempfile.mkdtemp = lambda *args, **kwargs: cache  # type: ignore[assignment]
    try:
        import escpos.printer as printer
    finally:
        tempfile.mkdtemp = real_mkdtemp
        if added:
            root.removeHandler(guard)
    _loaded = printer
    return printer
