"""``verify`` checks every byte but only some signatures (issue 11, item 14).

Every hash, link, canonical byte and receipt number is always checked; the
newest record's signature authenticates the chain; other signatures follow the
batch rule (a random sample, every void, every receipt with a buyer tax id),
all of them with ``all_signatures``. Most tests set the random sample to zero,
so which signature is checked is certain.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.backup import checking
from shopdesk.domain.sale import Buyer, Payment, SaleDraft
from shopdesk.ledger import verify
from shopdesk.ledger.canonical import canonical_json, record_hash
from shopdesk.services.integrity import verify_ledger
from shopdesk.services.sales import issue_receipt, line_from_catalog, void_receipt
from shopdesk.services.shop import Shop
from tests.conftest import VOID_OK, run_cli

BUYER = Buyer("北京中关村科技发展有限公司", "91110000600037341L")


@pytest.fixture
def journal(home: Path, clock) -> Path:
    """Twelve receipts: the 4th has a buyer tax id, the 6th is voided (the last record)."""
    with Shop.open(home, clock=clock) as shop:
        numbers = []
        for i in range(12):
            draft = SaleDraft(
                lines=[line_from_catalog(shop.catalog, "D001")],
                buyer=BUYER if i == 3 else None,
                payments=[Payment("cash")],
            )
            numbers.append(issue_receipt(shop, draft).number)
        void_receipt(shop, numbers[5], reason="顾客退货", who="王芳", approval=VOID_OK)
    (part,) = (home / "ledger").glob("journal-*.jsonl")
    return part


@pytest.fixture
def no_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify, "SIGNATURE_SAMPLE", 0)


def _lines(part: Path) -> list[bytes]:
    return part.read_bytes().splitlines(keepends=True)


def _index(part: Path, test) -> int:
    """Index of the first line whose record passes ``test``."""
    return next(i for i, raw in enumerate(_lines(part)) if test(json.loads(raw)))


def _resign(part: Path, index: int) -> None:
    """Give line ``index`` another record's (well-formed, genuine) signature."""
    lines = _lines(part)
    other = json.loads(lines[index - 1])["sig"]
    record = json.loads(lines[index])
    record["sig"] = other
    lines[index] = canonical_json(record) + b"\n"
    part.write_bytes(b"".join(lines))


def _plain_receipt(record: dict) -> bool:
    return record["kind"] == "receipt.issued" and record["data"]["rseq"] == 8


def test_a_signature_alone_outside_the_sample_is_found_by_all_signatures(
    home: Path, journal: Path, no_sample: None
) -> None:
    index = _index(journal, _plain_receipt)
    _resign(journal, index)
    assert verify_ledger(home).ok  # documented: the chain is authenticated by the newest record
    problem = verify_ledger(home, all_signatures=True).problem
    assert problem is not None
    assert (problem.line, problem.reason) == (index + 1, "bad_signature")
    cli = run_cli("--home", home, "verify", "--all-signatures")
    assert cli.returncode == 3 and "signature" in cli.stderr


@pytest.mark.parametrize(
    "which",
    [
        lambda r: r["kind"] == "receipt.voided",
        lambda r: (r["data"].get("buyer") or {}).get("tax_id"),
        lambda r: False,  # no record: the last line
    ],
    ids=["void", "buyer-tax-id", "last"],
)
def test_these_signatures_are_always_checked(
    home: Path, journal: Path, no_sample: None, which
) -> None:
    lines = _lines(journal)
    index = next((i for i, raw in enumerate(lines) if which(json.loads(raw))), len(lines) - 1)
    if index == len(lines) - 1:
        record = json.loads(lines[index])
        record["sig"] = json.loads(lines[0])["sig"]
        lines[index] = canonical_json(record) + b"\n"
        journal.write_bytes(b"".join(lines))
    else:
        _resign(journal, index)
    problem = verify_ledger(home).problem
    assert problem is not None
    assert (problem.line, problem.reason) == (index + 1, "bad_signature")


@pytest.mark.parametrize("where", [0, 9, -1], ids=["first", "middle", "last"])
def test_damaged_content_anywhere_gets_the_full_check_answer(
    home: Path, journal: Path, no_sample: None, where: int
) -> None:
    lines = _lines(journal)
    line = bytearray(lines[where])
    at = line.index(b'"time":"') + 12  # a digit of the year
    line[at] = ord("1") if line[at] != ord("1") else ord("2")
    lines[where] = bytes(line)
    journal.write_bytes(b"".join(lines))
    problem = verify_ledger(home).problem
    assert problem == verify_ledger(home, all_signatures=True).problem
    assert problem is not None
    assert (problem.line, problem.reason) == (where % len(lines) + 1, "bad_hash")


def test_a_rehashed_forgery_is_named_as_the_full_check_names_it(
    home: Path, journal: Path, no_sample: None
) -> None:
    """Outside the sample the next record's link fails first; the answer stays the same."""
    lines = _lines(journal)
    index = _index(journal, _plain_receipt)
    record = json.loads(lines[index])
    record["data"]["total"] = "0.01"
    record["hash"] = record_hash(record)
    lines[index] = canonical_json(record) + b"\n"
    journal.write_bytes(b"".join(lines))
    problem = verify_ledger(home).problem
    assert problem is not None
    assert (problem.line, problem.reason) == (index + 1, "bad_signature")


def test_the_sample_is_random_but_the_rule_is_one(journal: Path) -> None:
    """Without a forced sample size, a small ledger has every signature checked."""
    rule = verify.SignatureRule.batch(records=13, last_seq=13)
    assert all(rule.wants({"seq": s, "kind": "x", "data": {}}) for s in range(1, 14))
    big = verify.SignatureRule.batch(records=1_000_000, last_seq=10**6)
    picked = sum(big.wants({"seq": s, "kind": "x", "data": {}}) for s in range(1, 100_001))
    assert 50 <= picked <= 160  # 1,000 in a million: about 100 in the first 100k
    assert big.wants({"seq": 10**6, "kind": "x", "data": {}})


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Force the forked-worker path of :func:`shopdesk.backup.checking.check_range`;
    the list collects its answers (``None``: it fell back to the sequential check)."""
    monkeypatch.setattr(checking, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(checking.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(checking.threading, "active_count", lambda: 1)
    ran: list[object] = []

    def spy(*args, **kwargs):
        ran.append(real(*args, **kwargs))
        return ran[-1]

    real = checking._check_parallel
    monkeypatch.setattr(checking, "_check_parallel", spy)
    return ran


def test_the_parallel_check_verifies_a_good_ledger(
    home: Path, journal: Path, parallel: list[object]
) -> None:
    result = verify_ledger(home)
    assert result.ok and result.records == len(_lines(journal))
    assert parallel and None not in parallel  # answered by the workers, not the fallback


def test_the_parallel_check_names_a_number_repeated_in_another_piece(
    home: Path, journal: Path, parallel: list[object], clock
) -> None:
    with Shop.open(home, clock=clock) as shop:  # what a bug would write: signed, numbered again
        first = shop.ledger.record_at(shop.ledger.view.by_rseq[0])
        assert first is not None
        data = {**first["data"], "rseq": shop.ledger.view.last_rseq + 1}
        seq = shop.ledger.append("receipt.issued", data, clock())["seq"]
    problem = verify_ledger(home).problem
    assert parallel
    assert problem is not None and (problem.seq, problem.reason) == (seq, "bad_receipt_number")


def test_the_fast_canonical_check_is_the_full_one(home: Path, journal: Path) -> None:
    """Hashing the raw line minus ``hash`` and ``sig`` is hashing the re-serialised body."""
    tricky = {
        "data": {"hash": "x", "sig": "y", "kind": "z", "nested": [{"hash": "a", "sig": "b"}]},
        "hash": "",
        "kind": "ledger.repaired",
        "prev": "0" * 64,
        "seq": 5,
        "sig": 'a","kind":"b',
        "terminal": "T01",
        "time": "2026-11-28T09:00:00+08:00",
        "v": 1,
    }
    before_data = {**tricky, "a": {"hash": 1}}  # a key before "data": the plain way
    comma = {**tricky, "kind": "k,", "sig": "s,"}  # a value's comma before its closing quote
    for record in (tricky, before_data, comma):
        record["hash"] = record_hash(record)
    records = [json.loads(raw) for raw in _lines(journal)] + [tricky, before_data, comma]
    for record in records:
        raw = canonical_json(record)
        assert verify.content_problem(record, raw) is None
        assert verify.content_problem(record, raw.replace(b":", b": ", 1)) == "non_canonical"
        assert verify.content_problem({**record, "seq": 99}, raw) in ("bad_hash", "non_canonical")


_TEXT = st.text(alphabet=st.sampled_from(',":{}[]\\ abhsig\u4e2d\n'), max_size=12)


@given(
    data=st.dictionaries(_TEXT, st.one_of(_TEXT, st.integers(), st.lists(_TEXT, max_size=3))),
    texts=st.lists(_TEXT, min_size=5, max_size=5),
    seq=st.integers(min_value=0, max_value=2**40),
    terminal=st.one_of(st.none(), _TEXT),
)
def test_the_body_cut_from_the_line_is_the_canonical_body(
    data: dict, texts: list[str], seq: int, terminal: str | None
) -> None:
    """Whatever the strings hold (quotes, commas, member names), cutting ``hash``
    and ``sig`` out of the canonical line gives the canonical body's bytes."""
    record = dict(zip(("hash", "kind", "prev", "sig", "time"), texts, strict=True))
    record |= {"data": data, "seq": seq, "terminal": terminal, "v": 1}
    body = {k: v for k, v in record.items() if k not in ("hash", "sig")}
    assert verify._body(canonical_json(record)) == canonical_json(body)


def test_the_sample_is_a_fresh_draw_of_distinct_seqs_in_the_range() -> None:
    """1,000 distinct ``seq`` of the range, drawn anew for each check: no one can know
    beforehand which records are sampled, and a range of up to 1,000 is checked whole."""
    rules = [verify.SignatureRule.batch(records=50_000, last_seq=60_000) for _ in range(2)]
    for rule in rules:
        assert len(rule.sample) == verify.SIGNATURE_SAMPLE
        assert min(rule.sample) >= 10_001 and max(rule.sample) <= 60_000
        wanted = [
            s for s in range(10_001, 60_001) if rule.wants({"seq": s, "kind": "x", "data": {}})
        ]
        assert sorted(rule.sample | {60_000}) == wanted
    assert rules[0].sample != rules[1].sample
    small = verify.SignatureRule.batch(records=1_000, last_seq=5_000)
    assert small.everything
