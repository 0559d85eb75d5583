"""The Textual app: the only package that imports textual (tests/test_imports.py)."""
