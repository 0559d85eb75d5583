"""`python -m shopdesk` runs the same entry point as the `shopdesk` script."""

from shopdesk.cli import main

# Guarded: a multiprocessing worker that re-imports __main__ must not run the CLI.
if __name__ == "__main__":
    raise SystemExit(main())
