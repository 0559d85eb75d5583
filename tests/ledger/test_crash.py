"""SIGKILL at random instants never loses a receipt whose number was shown."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from shopdesk.services.integrity import verify_ledger
from shopdesk.services.shop import Shop
from tests.conftest import cli_env

KILLS = 30

SELLER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from shopdesk.domain.sale import Payment, SaleDraft
    from shopdesk.services.sales import issue_receipt, line_from_catalog
    from shopdesk.services.shop import Shop

    with Shop.open(Path(sys.argv[1])) as shop:
        print("READY", flush=True)
        while True:
            draft = SaleDraft(lines=[line_from_catalog(shop.catalog, "D001")], payments=[Payment("cash")])
            # printed only after issue_receipt returned, i.e. after fsync
            print(issue_receipt(shop, draft).number, flush=True)
    """
)


def test_sigkill_at_random_instants_keeps_every_acknowledged_receipt(home: Path) -> None:
    rng = random.Random(20261128)
    acknowledged: list[str] = []
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-c", SELLER, str(home)],
            stdout=subprocess.PIPE,
            text=True,
            env=cli_env(),
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "READY"
        time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        acknowledged += [line for line in out.splitlines() if line.startswith("T01-")]
    assert len(acknowledged) > KILLS  # the children really sold between kills
    with Shop.open(home) as shop:  # opens (repairing a torn tail if one was left)
        for number in acknowledged:
            assert shop.ledger.view.get(number) is not None, number
        numbers = sorted(shop.ledger.view.by_number)
        assert numbers == [f"T01-{i:08d}" for i in range(1, len(numbers) + 1)]  # gapless
    assert verify_ledger(home).ok
