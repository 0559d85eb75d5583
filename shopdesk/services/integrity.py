"""Checking a ledger end to end, and handing out the key that checks it."""

from __future__ import annotations

from pathlib import Path

from shopdesk.errors import LedgerError
from shopdesk.ledger.journal import Journal
from shopdesk.ledger.keys import load_public_key
from shopdesk.ledger.verify import VerifyResult, verify_journal
from shopdesk.services.shop import ShopHome


def verify_ledger(root: Path, *, all_signatures: bool = False) -> VerifyResult:
    """Verify every record of a shop's ledger against the shop's public key.

    Every hash, link, canonical byte and receipt number; the signatures the batch
    rule picks, or all of them (see :mod:`shopdesk.ledger.verify`). Read-only
    and lock-free, so it can run while the till is selling; a line being written
    at that instant is simply not counted yet.
    """
    home = ShopHome(root)
    if not home.exists():
        raise LedgerError("home.missing", folder=str(root))
    try:
        public = load_public_key(home.public_key.read_bytes())
    except FileNotFoundError:
        raise LedgerError("key.missing", file=str(home.public_key)) from None
    journal = Journal.open(home.ledger, readonly=True)
    try:
        return verify_journal(journal, public, all_signatures=all_signatures)
    finally:
        journal.close()


def public_key_text(root: Path) -> str:
    home = ShopHome(root)
    try:
        return home.public_key.read_text(encoding="ascii")
    except FileNotFoundError:
        raise LedgerError("key.missing", file=str(home.public_key)) from None
