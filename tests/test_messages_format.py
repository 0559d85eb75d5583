"""Every message code used with data in the code gets all the data its words need.

``message()`` falls back to the raw template when a key is missing, which is
how a shopkeeper came to read ``{field} is not an amount: {value}`` (issue 15,
item 1). This scan finds every call that names a message code as a literal
together with keyword data — an error raised, ``say``/``message`` called — and
checks both languages format with exactly those keys.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from shopdesk.domain.catalog import parse_catalog
from shopdesk.errors import ConfigError
from shopdesk.messages import MESSAGES, message, template

PACKAGE = Path(__file__).resolve().parents[1] / "shopdesk"


def placeholders(template: str) -> set[str]:
    return {
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    }


def coded_calls() -> list[tuple[str, str, set[str]]]:
    """(where, code, keywords) of each call with a literal message code and only named data."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and first.value in MESSAGES):
                continue
            if any(keyword.arg is None for keyword in node.keywords):
                continue  # **data: checked where that data is built
            names = {keyword.arg for keyword in node.keywords if keyword.arg}
            rest = node.args[2:] if _name(node.func) == "message" else node.args[1:]
            if len(rest) == 1 and _constant_keys(rest[0]) is not None:
                names |= _constant_keys(rest[0]) or set()  # Notice(code, {"key": ...})
            elif rest:
                continue  # data passed positionally (a helper, a ledger record kind)
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            found.append((where, first.value, names))
    return found


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _constant_keys(node: ast.expr) -> set[str] | None:
    """The keys of a dict literal with only string keys, else None."""
    if not isinstance(node, ast.Dict):
        return None
    keys = set()
    for key in node.keys:
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        keys.add(key.value)
    return keys


CALLS = coded_calls()


def test_the_scan_finds_the_calls() -> None:
    assert len(CALLS) > 100


@pytest.mark.parametrize(("where", "code", "names"), CALLS, ids=[c[0] for c in CALLS])
def test_every_coded_call_gives_every_placeholder(where: str, code: str, names: set[str]) -> None:
    for lang in ("zh", "en"):
        missing = placeholders(template(code, lang) or "") - names
        assert not missing, f"{where}: {code} needs {sorted(missing)}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("price", "tax_rate"),
    [
        ("abc", "13"),
        ("1e30", "13"),
        ("-1", "13"),
        ("1.234", "13"),
        ("3.00", "12"),
        ("3.00", "sNaN"),
    ],
)
def test_a_bad_catalog_cell_reads_fully(lang: str, price: str, tax_rate: str) -> None:
    header = "sku,barcode,name,name_en,unit,spec,price,tax_rate,tax_code,category"
    row = f"D001,,可乐,Cola,罐,,{price},{tax_rate},1030307000000000000,drinks"
    with pytest.raises(ConfigError) as info:
        parse_catalog(f"{header}\n{row}\n", source="shop.csv")
    problem = info.value
    text = message(problem.code, lang, **problem.data)
    assert "{" not in text and "}" not in text, text
    assert "shop.csv" in text and "2" in text
