from __future__ import annotations

from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.errors import InvalidInput
from shopdesk.printing.qr import (
    FIELDS,
    make_qr_payload,
    parse_qr,
    payload_fields,
    record_mismatches,
    verify_qr,
    wrap_in_template,
)
from tests.b64twin import same_bits_twin

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
USCC = "91110108MA01C6PX8E"
RECORD = {
    "seq": 43,
    "prev": "0a5043e32595224e87ea5b6d0b993508ebcdd2fc092927f6f548e620f183cd66",
    "time": "2026-11-28T14:05:09.123456+08:00",
    "terminal": "T01",
    "kind": "receipt.issued",
    "data": {"no": "T01-00000042", "total": "1203.05", "tax": "138.40"},
}


def test_payload_layout_is_the_documented_one():
    payload = make_qr_payload(RECORD, USCC, KEY)
    head, signature = payload.rsplit("*", 1)
    assert (
        head
        == "SDPR*1*91110108MA01C6PX8E*T01*T01-00000042*20261128T140509+0800*1203.05*138.40*0a5043e32595224e"
    )
    assert len(signature) == 86
    assert not payload.startswith("01,")  # never the official fapiao QR form
    assert len(payload) < 200  # a version-10 QR at level M on 58 mm paper


def test_reprints_give_the_identical_payload():
    assert make_qr_payload(RECORD, USCC, KEY) == make_qr_payload(dict(RECORD), USCC, KEY)


def test_a_genuine_payload_verifies_with_the_public_key():
    check = verify_qr(make_qr_payload(RECORD, USCC, KEY), KEY.public_key())
    assert check.valid and check.reason == "ok"
    assert check.payload.number == "T01-00000042" and check.payload.total == "1203.05"
    assert check.payload.issued_at.isoformat() == "2026-11-28T14:05:09+08:00"


@pytest.mark.parametrize("field", [f for f in FIELDS if f != "signature"])
def test_changing_any_signed_field_breaks_the_signature(field):
    genuine = parse_qr(make_qr_payload(RECORD, USCC, KEY))
    forged_values = {
        "uscc": "91110000600037341L",
        "terminal": "T02",
        "number": "T01-00000043",
        "time": "20261128T150509+0800",
        "total": "2203.05",
        "tax": "38.40",
        "chain": "0" * 16,
    }
    forged = replace(genuine, **{field: forged_values[field]})
    check = verify_qr(forged.text(), KEY.public_key())
    assert not check.valid and check.reason == "bad_signature"


def test_another_terminal_key_does_not_verify():
    other = Ed25519PrivateKey.generate()
    assert (
        verify_qr(make_qr_payload(RECORD, USCC, KEY), other.public_key()).reason == "bad_signature"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("01,04,011001900111,12345678,1203.05,20261128,xyz", "qr.not_ours"),
        ("SDPR*9*a*b", "qr.unknown_version"),
        ("SDPR*1*91110108MA01C6PX8E*T01", "qr.malformed"),
        (
            "SDPR*1*91110108MA01C6PX8E*T01*T01-00000042*20261128T140509+0800*12.5*1.00*0a5043e32595224e*"
            + "A" * 86,
            "qr.malformed",
        ),
    ],
)
def test_malformed_or_foreign_codes_are_invalid_with_a_reason(text, reason):
    check = verify_qr(text, KEY.public_key())
    assert not check.valid and check.reason == reason
    with pytest.raises(InvalidInput):
        parse_qr(text)


def test_a_signature_spelled_any_other_way_does_not_verify():
    """Only the canonical base64url counts: one receipt, one QR text (issue 11 item 11)."""
    payload = make_qr_payload(RECORD, USCC, KEY)
    head, signature = payload.rsplit("*", 1)
    for other in (
        f"{head}*{same_bits_twin(signature, urlsafe=True)}",  # same 64 bytes decoded
        payload + "==",
        payload + "=",
        "https://shop.example.cn/fapiao?r=" + payload + "==&src=qr",
    ):
        assert not verify_qr(other, KEY.public_key()).valid, other


def test_url_template_wraps_and_is_unwrapped_again():
    payload = make_qr_payload(RECORD, USCC, KEY)
    url = wrap_in_template(payload, "https://shop.example.cn/fapiao?r={payload}&src=qr")
    assert url.startswith("https://shop.example.cn/fapiao?r=SDPR*1*")
    assert "+" not in url  # the +0800 offset is percent-encoded, or a web server reads a space
    assert verify_qr(url, KEY.public_key()).valid
    assert parse_qr(url).text() == payload
    assert wrap_in_template(payload, "{payload}") == payload


def test_record_mismatches_lists_fields_that_disagree_with_the_ledger():
    payload = parse_qr(make_qr_payload(RECORD, USCC, KEY))
    assert record_mismatches(payload, RECORD, USCC) == []
    changed = {**RECORD, "data": {**RECORD["data"], "total": "1.00"}}
    assert record_mismatches(payload, changed, USCC) == ["total"]
    assert payload_fields(RECORD, USCC).chain == RECORD["prev"][:16]


@given(
    rseq=st.integers(1, 99_999_999),
    training=st.booleans(),
    total_fen=st.integers(0, 99_999_999_99),
    prev=st.binary(min_size=32, max_size=32),
    seconds=st.integers(0, 10**9),
)
def test_any_receipt_round_trips_through_its_payload(rseq, training, total_fen, prev, seconds):
    from datetime import datetime, timedelta, timezone

    when = datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=8))) + timedelta(seconds=seconds)
    total = f"{total_fen // 100}.{total_fen % 100:02d}"
    number = f"T01-TR-{rseq:08d}" if training else f"T01-{rseq:08d}"
    record = {
        "prev": prev.hex(),
        "time": when.isoformat(timespec="microseconds"),
        "terminal": "T01",
        "data": {"no": number, "total": total, "tax": "0.00"},
    }
    payload = make_qr_payload(record, USCC, KEY)
    check = verify_qr(payload, KEY.public_key())
    assert check.valid
    assert record_mismatches(check.payload, record, USCC) == []
    assert check.payload.issued_at == when.replace(microsecond=0)


def test_training_receipts_are_recognisable_from_the_payload_alone():
    training = {**RECORD, "data": {**RECORD["data"], "no": "T01-TR-00000003"}}
    check = verify_qr(make_qr_payload(training, USCC, KEY), KEY.public_key())
    assert check.valid and check.payload.training
    assert not verify_qr(make_qr_payload(RECORD, USCC, KEY), KEY.public_key()).payload.training
