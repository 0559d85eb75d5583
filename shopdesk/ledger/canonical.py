"""Canonical JSON: the one byte form that is hashed, signed and written.

Sorted keys, no spaces, UTF-8 (not ``\\u`` escapes, so Chinese names stay readable
in the journal file). Two writers of the same record always produce the same
bytes, which is what makes a hash over them meaningful.

The json module's answer is the definition (docs/format.md §2). orjson gives the
same bytes ~3× faster and parses ~2× faster, which is most of what verify,
export and verify-batch spend per record, so it is used wherever it provably
agrees (tests/ledger/test_canonical_orjson.py): strings of any code point
(control characters, U+2028/2029, non-BMP), ints, bools, ``None``, str keys.
Where it could differ the json module answers instead: floats anywhere (their
spelling and NaN/Infinity differ; orjson also parses an int beyond 64 bits as a
float), ints beyond 64 bits, lone surrogates, non-str keys, nesting deeper than
orjson allows, text orjson will not parse. Without orjson everything takes the
json path.

Parsing goes to msgspec first, with a type that admits only what is plain
(dicts, lists, str, int of any size, bool, ``None``; no float, at most
:data:`PLAIN_DEPTH` containers deep): its answer is json's wherever it gives
one, and proves the value plain as it parses, where orjson's needs a Python walk
over every value afterwards (~0.25 s per 100k receipts in each of export's range
check and verify-batch's chain walk; issue 12, speed). What it refuses takes the
orjson way above.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

try:
    import orjson
except ImportError:  # a hard dependency, but a missing wheel must not stop the till
    orjson = None

#: Containers nested deeper than this are parsed the orjson way: msgspec's type
#: for them grows ~4× per level (8: built in ~2 ms; records nest 4 deep).
PLAIN_DEPTH = 8


@functools.cache
def _plain_decoder() -> Callable[[bytes | str], Any] | None:
    """msgspec's JSON decoder for plain values only, or None without msgspec.

    Built (and msgspec imported, ~5 ms) on the first parse, not when the till starts.
    """
    try:
        import msgspec
    except ImportError:  # a dependency, but a missing wheel must not stop the till
        return None
    kind: Any = str | int | bool | None
    for _ in range(PLAIN_DEPTH):
        kind = str | int | bool | None | list[kind] | dict[str, kind]
    return msgspec.json.Decoder(kind).decode


def _json_canonical(value: Any) -> bytes:
    """The definition: the json module's sorted, spaceless, raw-UTF-8 form."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


_PLAIN_SCALARS = frozenset((str, int, bool, type(None)))


def _plain(value: Any) -> bool:
    """Whether ``value`` holds only dicts, lists, str, int, bool and ``None`` (exact types).

    Only there is orjson proven to agree with json: a float anywhere (spelling,
    NaN/Infinity; orjson also parses an int beyond 64 bits as one), a tuple or a
    subclass sends the value the json way. Too deep to walk counts as not plain.
    """
    kind = type(value)
    try:
        if kind is dict:
            return _plain_items(value.values())
        if kind is list:
            return _plain_items(value)
    except RecursionError:
        return False
    return kind in _PLAIN_SCALARS


def _plain_items(items: Iterable[Any]) -> bool:
    """:func:`_plain` of a container's members: one Python call per nested container.

    Every record export and verify-batch parse is walked, so scalars are tested
    inline rather than by a call and a generator each (2× faster; issue 12, speed).
    """
    for item in items:
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if kind is dict:
            if not _plain_items(item.values()):
                return False
        elif kind is not list or not _plain_items(item):
            return False
    return True


def canonical_json(value: Any, *, plain: bool = False) -> bytes:
    """The canonical bytes of ``value``: always exactly what the json module writes.

    ``plain=True`` says the caller already knows :func:`_plain` holds (``value``
    came from :func:`parse` as plain and was not changed since), which saves the
    walk: it costs as much as orjson's own serialisation.
    """
    if orjson is not None:
        try:
            out = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # big int, lone surrogate, non-str key, too deep, other types
            return _json_canonical(value)
        if plain or _plain(value):
            return out
    return _json_canonical(value)


def parse(raw: bytes | str) -> tuple[Any, bool]:
    """``json.loads(raw)``'s answer (value or error), and whether the value is plain.

    msgspec parses what is plain and not too deep; else orjson when it surely
    agrees: its value holds no float (it would parse an int beyond 64 bits as
    one). Anything else is the json module's.
    """
    decode = _plain_decoder()
    if decode is not None:
        try:
            return decode(raw), True
        except ValueError:  # msgspec's DecodeError and ValidationError, a UnicodeError
            pass
    if orjson is not None:
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:  # json may still accept it (NaN, lone surrogates, BOM)
            return json.loads(raw), False
        if _plain(value):
            return value, True
    return json.loads(raw), False


def loads(raw: bytes | str) -> Any:
    """``json.loads(raw)``'s answer (value or error), by orjson when it surely agrees."""
    return parse(raw)[0]


def loads_unwalked(raw: bytes | str) -> Any:
    """``json.loads(raw)``'s value, but where :func:`parse` says it is not plain a number
    beyond 64 bits may come back as a float.

    :func:`loads` without the walk that proves orjson's value plain (~0.25 s per
    100k receipts; issue 12, speed). Only for a reader that neither hashes nor
    re-serialises the value and takes no int from it unchecked: export's pass,
    beside a range check that parses every record the exact way, and
    verify-batch's worker, whose parse is redone exactly when a line is not plain.
    """
    decode = _plain_decoder()
    if decode is not None:
        try:
            return decode(raw)
        except ValueError:  # not plain, or not JSON: as below
            pass
    if orjson is not None:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:  # json may still accept it (NaN, lone surrogates, BOM)
            pass
    return json.loads(raw)


def record_hash(record: dict) -> str:
    """SHA-256 (hex) over the canonical record without its ``hash`` and ``sig``."""
    body = {k: v for k, v in record.items() if k not in ("hash", "sig")}
    return hashlib.sha256(canonical_json(body)).hexdigest()
