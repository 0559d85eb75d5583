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
* loads that pickle whenever it exists and is newer than the database, and
  writes it by truncating the file first and dumping after the 0.4 s parse: a
  power cut or kill in between leaves an empty or cut-short pickle, and from
  then on *every* import fails (``EOFError: Ran out of input``) until someone
  deletes the file by hand (issue 11 item 12). So before the import
  :func:`ensure_capability_cache` reads the pickle itself and, when it is
  missing, stale or unreadable, writes a whole new one atomically (temporary
  file, fsync, rename). python-escpos then only ever reads a complete cache
  and never writes one itself.
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
import pickle
import platform
import stat
import tempfile
from importlib import resources
from pathlib import Path
from types import ModuleType

PICKLE_DIR_ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"
CAPABILITIES_FILE_ENV = "ESCPOS_CAPABILITIES_FILE"

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
        if not _private(folder):
            # someone else made it first (a pickle loaded from it runs code):
            # a fresh private folder for this run instead
            return Path(tempfile.mkdtemp(prefix="shopdesk-escpos-"))
        return folder


def _private(folder: Path) -> bool:
    """A real folder of ours that nobody else can write into."""
    info = folder.lstat()
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def ensure_capability_cache(folder: Path) -> None:
    """Leave a complete, current capability pickle in ``folder`` for python-escpos to read.

    Uses the same file name, source database and staleness rule (database newer
    than pickle) as ``escpos.capabilities``, so that module finds the pickle
    good and never rewrites it in place.
    """
    pickle_path = folder / f"{platform.python_version()}.capabilities.pickle"
    with resources.as_file(resources.files("escpos") / "capabilities.json") as bundled:
        source = Path(os.environ.get(CAPABILITIES_FILE_ENV, bundled))
        try:
            if pickle_path.stat().st_mtime >= source.stat().st_mtime:
                with pickle_path.open("rb") as cached:
                    data = pickle.load(cached)
                if isinstance(data, dict) and {"profiles", "encodings"} <= data.keys():
                    return
        # A damaged pickle can fail in almost any way (EOFError, UnpicklingError,
        # ValueError, KeyError, ImportError, …): whatever it is, rebuild it.
        except Exception:
            pass
        _write_capability_cache(source, pickle_path)


def _write_capability_cache(source: Path, pickle_path: Path) -> None:
    """Parse the database as python-escpos does and replace the pickle in one atomic step."""
    import yaml

    with source.open(encoding="utf-8") as database:
        data = yaml.safe_load(database)
    fd, temporary = tempfile.mkstemp(dir=pickle_path.parent, prefix=".capabilities-")
    try:
        with os.fdopen(fd, "wb") as out:
            pickle.dump(data, out, protocol=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, pickle_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
    ensure_capability_cache(Path(cache))
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
