"""The approval seam: a right PIN approves and names the approver, a wrong one raises."""

from __future__ import annotations

import pytest

from shopdesk.errors import InvalidInput
from shopdesk.services.approval import approve


def test_demo_pin_approves_a_void(shop) -> None:
    approval = approve(shop, "void", "1234")
    assert approval.action == "void"
    assert approval.by


def test_wrong_pin_is_refused(shop) -> None:
    with pytest.raises(InvalidInput) as caught:
        approve(shop, "void", "9999")
    assert caught.value.code == "approval.wrong_pin"


def test_unknown_action_is_a_bug(shop) -> None:
    with pytest.raises(ValueError):
        approve(shop, "fly", "1234")
