"""Approvals: the one rule for who may do a controlled action, in the CLI and the app.

A void, a price override, a discount, a return, closing the day… each is allowed
only with a manager's PIN. Both front ends ask for the PIN their own way (a
dialog; a no-echo prompt or ``SHOPDESK_PIN_FILE``) and hand it here, so the
rule, its lockout and its record of who approved are one piece of code. The
returned :class:`Approval` is what a service writes into its record
(``approved_by``), so the ledger says who approved, not only who asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.domain.pin import verify_pin
from shopdesk.errors import InvalidInput
from shopdesk.services.shop import Shop

#: The actions that need a manager's approval (issue 13); a front end names one.
ACTIONS = frozenset(
    {
        "void",
        "price_override",
        "discount",
        "return",
        "rounding",
        "cancel_sale",
        "remove_line",
        "drawer_open",
        "close_day",
        "clock_correct",
        "training",
        "settings",
    }
)

#: The approver's name while the profile knows a single manager PIN and no people.
MANAGER = "manager"


@dataclass(frozen=True)
class Approval:
    """A manager said yes to ``action``: the name recorded as ``approved_by``."""

    action: str
    by: str


def approve(shop: Shop, action: str, pin: str) -> Approval:
    """The approval of ``action`` by the owner of ``pin``; a wrong PIN raises ``approval.wrong_pin``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not verify_pin(shop.profile.manager_pin_hash, pin):
        raise InvalidInput("approval.wrong_pin")
    return Approval(action=action, by=MANAGER)
