"""Status-bar facts: receipts waiting for export, the outage clock, training."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from shopdesk.domain.sale import Payment, SaleDraft
from shopdesk.services.sales import issue_receipt, line_from_catalog, void_receipt
from shopdesk.services.shop import init_shop
from shopdesk.services.status import till_status, waiting_for_export
from tests.conftest import DISCOUNT_OK, VOID_OK

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def sell(shop, sku: str, training: bool = False) -> str:
    draft = SaleDraft(lines=[line_from_catalog(shop.catalog, sku)], payments=[Payment("cash")])
    return issue_receipt(shop, draft, training=training).number


def test_waiting_counts_issued_non_training_receipts_not_void(tmp_path):
    with init_shop(tmp_path / "h", demo=True, clock=lambda: T0) as shop:
        sell(shop, "D001")
        voided = sell(shop, "D002")
        sell(shop, "D003", training=True)
        void_receipt(shop, voided, reason="test", who="王芳", approval=VOID_OK)
        assert waiting_for_export(shop) == (1, Decimal("3.00"))
        status = till_status(shop, training=True)
        assert status.training and status.waiting == 1 and status.printer == "preview"
        assert status.outage_since == T0  # the first real sale opened an outage
        assert status.limits == "ok"


def test_no_outage_until_one_starts_and_limits_warn_at_80_percent(tmp_path):
    from shopdesk.services.outage import start_outage

    with init_shop(tmp_path / "h", demo=True, clock=lambda: T0) as shop:
        assert till_status(shop, training=False).outage_since is None
        start_outage(shop, "platform down")
        assert till_status(shop, training=False).outage_since == T0
        draft = SaleDraft(
            lines=[line_from_catalog(shop.catalog, "D001", Decimal(9999), Decimal("9"))],
            payments=[Payment("cash")],
        )
        issue_receipt(shop, draft, approval=DISCOUNT_OK)  # 89,991.00 of a 100,000.00 limit
        status = till_status(shop, training=False, printer="fault")
        assert (status.limits, status.limits_percent, status.printer) == ("warn", 89, "fault")


def test_printer_check_asks_the_printer(tmp_path):
    """The bar's printer state from a real status round trip (fake printers on 127.0.0.1)."""
    from shopdesk.services.status import printer_check, printer_state
    from tests.printing.fake_printer import refused_port
    from tests.printing.fixtures import fake_printers, set_printer

    with init_shop(tmp_path / "h", demo=True, clock=lambda: T0) as shop:
        assert printer_state(shop, None) == "preview"
        printers = fake_printers()
        start = next(printers)
        try:
            for mode, expected in (
                ("ok", ("ok", None)),
                ("paper_low", ("paper_low", "printer.paper_low")),
                ("paper_out", ("fault", "printer.paper_out")),
                ("offline", ("fault", "printer.offline")),
            ):
                set_printer(shop, url=start(mode).url)
                seen, code, data = printer_check(shop)
                assert code is None or data["printer"] == shop.profile.printer.url
                assert (seen, code) == expected, mode
                assert printer_state(shop, seen) == seen
            set_printer(shop, url=f"tcp://127.0.0.1:{refused_port()}")
            seen, code, _data = printer_check(shop)
            assert (seen, code) == ("fault", "printer.refused")
            assert printer_state(shop, None) == "unknown"
        finally:
            printers.close()
