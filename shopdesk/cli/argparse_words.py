"""argparse's own words, listed so that our catalog translates them.

argparse (Python 3.11-3.13) looks these up through its module-level gettext
``_``, which :func:`shopdesk.cli.speaking` points at our catalog. They are not
in our code, so the extractor (``tools/compile_translations.py --extract``)
would drop their translations; marking them here keeps them. Only what a user
can meet is listed, not argparse's errors for programmers (conflicting options).
"""

from __future__ import annotations

from shopdesk.i18n import N_

ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("can't open '%(filename)s': %(error)s"),
)
