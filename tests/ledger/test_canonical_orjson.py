"""orjson on the canonical paths: the json module's answer, byte for byte.

docs/format.md §2 defines the canonical form by the json module. orjson is
used because it is faster; these properties are why that is allowed.
"""

from __future__ import annotations

import contextlib
import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopdesk.ledger import canonical
from shopdesk.ledger.canonical import canonical_json, loads, parse

#: Any text a record could hold: every code point but lone surrogates, and the
#: ones that escape or trip encoders, often.
TEXT = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from('\x00\x01\x08\t\n\x0c\r\x1f\x7f"\\/\u2028\u2029\ufeff\U0001f600\U0010ffff'),
    )
)
#: What shopdesk writes: str, ints of any size, bools, None, str-keyed dicts, lists.
PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(TEXT, inner, max_size=5),
    max_leaves=30,
)
#: And what it never writes, where orjson differs or refuses: floats (NaN and
#: infinities too), lone surrogates, non-str keys, tuples.
ODD_SCALARS = (
    st.floats()
    | st.text(st.characters(whitelist_categories=("Cs",)), min_size=1)
    | st.integers(min_value=2**64 - 2, max_value=2**70)
)
ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT | ODD_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(TEXT | st.integers(), inner, max_size=4)
    ),
    max_leaves=20,
)

#: Floats where everything else is plain: the difference most likely to slip by.
FLOATY = st.recursive(
    st.floats() | st.integers() | TEXT | st.none(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=10,
)


def json_canonical(value):
    """The definition, written out here so the test does not trust the module."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def json_answer(call):
    """What ``call`` returns, or the type of what it raises."""
    try:
        return call()
    except Exception as error:  # the kind of refusal must agree too
        return type(error)


def same_value(a, b) -> bool:
    """Equal, NaN equal to NaN (compared through their json text)."""
    return json_answer(lambda: json_canonical(a)) == json_answer(lambda: json_canonical(b))


def small_ints_only(value) -> bool:
    if isinstance(value, dict):
        return all(small_ints_only(v) for v in value.values())
    if isinstance(value, list):
        return all(small_ints_only(v) for v in value)
    return not isinstance(value, int) or -(2**63) <= value < 2**64


@settings(max_examples=400)
@given(PLAIN)
def test_orjson_writes_the_json_modules_bytes_for_what_shopdesk_writes(value):
    """The raw claim: orjson with sorted keys is the canonical form (within 64-bit ints)."""
    if small_ints_only(value):
        assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == json_canonical(value)
    assert canonical_json(value) == json_canonical(value)


@settings(max_examples=400)
@given(ANY | FLOATY)
def test_canonical_json_is_always_the_json_modules_answer(value):
    assert json_answer(lambda: canonical_json(value)) == json_answer(lambda: json_canonical(value))


@settings(max_examples=300)
@given(ANY | FLOATY)
def test_loads_is_always_the_json_modules_answer(value):
    """Canonical lines, their ASCII-escaped spelling and spaced-out text parse as json parses."""
    try:
        texts = [
            json_canonical(value),
            json.dumps(value, ensure_ascii=True).encode(),
            json.dumps(value, indent=1).encode("utf-8", "surrogatepass"),
        ]
    except (TypeError, ValueError):
        return  # not JSON at all (a non-str key beside a str one, say)
    for text in texts:
        expected = json_answer(lambda text=text: json.loads(text))
        got = json_answer(lambda text=text: loads(text))
        assert type(got) is type(expected)
        assert same_value(got, expected)
        if not isinstance(expected, type):
            # what parse calls plain may skip canonical_json's check, so it must be
            parsed, plain = parse(text)
            if plain:
                assert canonical_json(parsed, plain=True) == json_canonical(expected)


@pytest.mark.parametrize(
    "text",
    [
        b"18446744073709551616",  # orjson alone: a float
        b'{"a":[1,-9223372036854775809]}',
        b"NaN",
        b'{"x":Infinity}',
        b'"\\ud800"',
        b"\xef\xbb\xbf{}",
        b'{"a":1,"a":2}',
        b'{"v":1e400}',
        b"[" * 1100 + b"]" * 1100,
    ],
)
def test_loads_falls_back_where_orjson_differs(text):
    expected = json_answer(lambda: json.loads(text))
    got = json_answer(lambda: loads(text))
    assert type(got) is type(expected) and same_value(got, expected)


@settings(max_examples=300)
@given(ANY | FLOATY)
def test_loads_unwalked_differs_from_json_only_in_numbers_beyond_64_bits(value):
    """Export's pass reads records this way; the one difference it must know of."""
    try:
        text = json_canonical(value)
    except (TypeError, ValueError):
        return
    expected = json_answer(lambda: json.loads(text))
    got = json_answer(lambda: canonical.loads_unwalked(text))
    if isinstance(expected, type) or small_ints_only(expected):
        assert type(got) is type(expected) and same_value(got, expected)


def test_loads_unwalked_reads_an_int_beyond_64_bits_as_a_float_only_beside_a_float():
    """The difference its callers must guard (export's pass checks ``rseq`` is an int;
    verify-batch redoes its worker's pass when a line is not plain); where orjson
    refuses the text, json's answer comes back."""
    assert type(canonical.loads_unwalked(b'{"rseq":18446744073709551616}')["rseq"]) is int
    beside = b'{"rseq":18446744073709551616,"x":1.5}'
    assert type(canonical.loads_unwalked(beside)["rseq"]) is float
    assert parse(beside)[1] is False
    text = b'{"s":"\\ud800","v":NaN}'
    assert same_value(canonical.loads_unwalked(text), json.loads(text))


@settings(max_examples=300)
@given(ANY | FLOATY)
def test_where_parse_says_plain_loads_unwalked_is_exactly_json(value):
    """What verify-batch's worker relies on: its quicker parse stands for the exact
    one on every line the main process parsed plain."""
    try:
        text = json_canonical(value)
    except (TypeError, ValueError):
        return
    if json_answer(lambda: json.loads(text)) in (ValueError, RecursionError):
        return
    parsed, plain = parse(text)
    if plain:
        got = canonical.loads_unwalked(text)
        assert json_canonical(got) == json_canonical(json.loads(text)) == json_canonical(parsed)
        assert small_ints_only(got) or not small_ints_only(json.loads(text))


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        (b'{"a":[1,"x",null,true]}', True),
        (b'{"a":[1.0]}', False),
        (b"1e400", False),
        (b"18446744073709551616", True),  # msgspec's exact int; orjson's float would not be
        (b"NaN", False),
    ],
)
def test_parse_says_when_the_value_is_plain(text, plain):
    assert parse(text)[1] is plain


def test_deep_values_take_the_json_path():
    deep: list = []
    for _ in range(300):  # orjson refuses beyond 255 levels
        deep = [deep]
    assert canonical_json(deep) == json_canonical(deep)


def test_without_orjson(monkeypatch):
    """orjson is a hard dependency, but an install without it still works, the json way."""
    monkeypatch.setattr(canonical, "orjson", None)
    value = {"b": [1, 2.5, "\u2028"], "a": None}
    assert canonical_json(value) == json_canonical(value)
    assert loads(b'{"a":NaN}')["a"] != loads(b'{"a":NaN}')["a"]


def test_the_plain_walk_calls_python_once_per_container_not_per_value():
    """Issue 12, speed: the float-free walk runs on every record export and verify-batch
    parse (~0.3 s per 100k receipts was spent calling it for each int and in generators);
    it may make one Python call per dict or list, none per scalar."""
    import sys

    line = {"sku": "D001", "qty": "2", "amount": "3.00", "rate": 13, "refund": None, "ok": True}
    record = {"data": {"lines": [dict(line) for _ in range(4)], "rseq": 7}, "seq": 9, "v": 1}
    containers = 1 + 1 + 1 + 4  # record, data, lines, each line
    calls = 0

    def count(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += event == "call"

    sys.setprofile(count)
    try:
        plain = canonical._plain(record)
    finally:
        sys.setprofile(None)
    assert plain is True
    assert calls <= containers + 1  # and the call of _plain itself


@contextlib.contextmanager
def without_msgspec():
    """The orjson way alone, as on an install without msgspec."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(canonical, "_plain_decoder", lambda: None)
        yield


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        (b'{"a":[1,"x",null,true,false,{}]}', True),
        (b"18446744073709551616", True),  # exact: not orjson's float
        (b"-" + b"9" * 400, True),
        (b"1" * 4301, False),  # json refuses more than 4300 digits: so must parse
        (b"-" + b"1" * 4300, False),  # msgspec refuses, json's int
        (b"0e0", False),
        (b"-0", True),
        (b'{"a":1,"a":2}', True),
        (b'"\\ud83d\\ude00\\u0000\\/"', True),
        (b'"\\ud800"', False),  # a lone surrogate: msgspec refuses, json answers
        (b'"\\udc00\\ud800"', False),
        (b'"\xed\xa0\x80"', False),  # a surrogate in UTF-8 bytes: json reads it
        (b'"\xc0\xaf"', None),
        (b"\xef\xbb\xbf{}", False),  # a BOM: json skips it
        (b'"\x1f"', None),
        (b"\x0c{}", None),
        (b"[1]\x00", None),
        (b"[" * 9 + b"]" * 9, True),  # deeper than msgspec's type: the orjson way
        (b"[" * 996 + b"]" * 996, None),
        (b"[" * 5000 + b"]" * 5000, None),
        (b"NaN", False),
    ],
    ids=lambda value: repr(value)[:24],
)
def test_msgspec_answers_only_where_it_is_json(text, plain):
    """Each spelling msgspec might read differently: json's answer, value or refusal,
    and ``plain`` only for what msgspec, or the orjson walk, proves plain
    (``None``: json refuses it, whatever the stack depth)."""
    expected = json_answer(lambda: json.loads(text))
    got = json_answer(lambda: parse(text))
    if isinstance(got, type):
        assert got is expected or plain is None
        assert issubclass(got, ValueError | RecursionError)
    else:
        assert type(got[0]) is type(expected) and same_value(got[0], expected)
        assert got[1] is plain


#: A record line shopdesk writes, to be damaged byte by byte.
RECORD_LINE = json_canonical(
    {
        "data": {
            "lines": [{"name": "可口可乐", "qty": "2", "amount": "6.00", "rate": "13"}],
            "rseq": 18446744073709551615,
            "no": "T01-00000001",
            "training": False,
            "buyer": None,
        },
        "seq": 7,
        "kind": "receipt.issued",
    }
)


@settings(max_examples=500)
@given(
    st.lists(
        st.tuples(st.integers(0, len(RECORD_LINE) - 1), st.integers(0, 255), st.booleans()),
        min_size=1,
        max_size=4,
    )
)
def test_a_damaged_line_parses_as_json_parses_it(edits):
    """Flip, insert or delete bytes of a real line: whatever msgspec accepts is
    exactly what json accepts, value for value; what it refuses goes on to json."""
    text = bytearray(RECORD_LINE)
    for at, byte, insert in edits:
        at = min(at, len(text) - 1)
        if insert:
            text.insert(at, byte)
        elif byte < 64:
            del text[at]
        else:
            text[at] = byte
    raw = bytes(text)
    expected = json_answer(lambda: json.loads(raw))
    got = json_answer(lambda: parse(raw)[0])
    assert type(got) is type(expected) and same_value(got, expected)


@settings(max_examples=200)
@given(ANY | FLOATY)
def test_without_msgspec_loads_is_still_json(value):
    try:
        text = json_canonical(value)
    except (TypeError, ValueError):
        return
    expected = json_answer(lambda: json.loads(text))
    with without_msgspec():
        got = json_answer(lambda: loads(text))
        parsed = json_answer(lambda: parse(text))
    assert type(got) is type(expected) and same_value(got, expected)
    if not isinstance(parsed, type) and parsed[1]:
        assert small_ints_only(parsed[0])
