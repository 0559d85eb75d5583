"""shopdesk: numbered, signed provisional receipts while the e-invoice system is down."""

__version__ = "0.1.0"
