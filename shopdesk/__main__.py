"""`python -m shopdesk` runs the same entry point as the `shopdesk` script."""

from shopdesk.cli import main

raise SystemExit(main())
