"""The pure core: money, tax, tax ids, catalog and sales. No I/O, no Textual."""
