"""The append-only, signed journal (source of truth) and its in-memory query view."""
