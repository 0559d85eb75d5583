"""``shopdesk catalog check FILE`` and ``catalog import FILE [--map COLUMN=FIELD …]``.

Also the warning every command gives when the shop's catalog has bad rows: they
are left out and the rest sells, so the shopkeeper must be told which, where.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from shopdesk.i18n import _

if TYPE_CHECKING:
    from shopdesk.cli import Context
    from shopdesk.domain.catalog import Catalog

#: Problems spelt out in a command's warning; ``catalog check`` lists them all.
#: Exit code of a check or import that found problems (as for InvalidInput).
EXIT_PROBLEMS = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("catalog", help=_("check a catalog file, or import one from a spreadsheet"))
    csub = p.add_subparsers(dest="catalog_command", metavar=_("ACTION"), required=True)
    c = csub.add_parser("check", help=_("list every problem of a catalog CSV (file, line, column)"))
    c.add_argument("file", metavar=_("FILE"), help=_("catalog CSV (UTF-8, GBK/GB18030 or UTF-16)"))
    c.set_defaults(run=cmd_check)
    i = csub.add_parser("import", help=_("replace catalog.csv from an xlsx or CSV the shop keeps"))
    i.add_argument("file", metavar=_("FILE"), help=_("spreadsheet: .xlsx (first sheet) or .csv"))
    i.add_argument(
        "--map",
        action="append",
        default=[],
        metavar=_("COLUMN=FIELD"),
        help=_("sheet column for a catalog field, e.g. 售价=price (common names are found alone)"),
    )
    i.set_defaults(run=cmd_import)


def _list_problems(ctx: Context, catalog: Catalog) -> None:
    for problem in catalog.problems:
        ctx.warn("  " + ctx.say(problem.error.code, **problem.error.data))


def cmd_check(ctx: Context) -> int:
    from shopdesk.config import load_catalog

    path = Path(ctx.args.file)
    catalog = load_catalog(path)
    if not catalog.problems:
        ctx.out(ctx.say("catalog.check_ok", file=path, count=len(catalog)))
        return 0
    ctx.out(ctx.say("catalog.check_bad", file=path, count=len(catalog), bad=len(catalog.problems)))
    _list_problems(ctx, catalog)
    return EXIT_PROBLEMS


def cmd_import(ctx: Context) -> int:
    from shopdesk.errors import LedgerError
    from shopdesk.services.catalog_import import import_catalog, parse_column_map, write_catalog
    from shopdesk.services.shop import ShopHome

    home = ShopHome(ctx.home)
    if not home.root.is_dir():
        raise LedgerError("home.missing", folder=str(ctx.home))
    source = Path(ctx.args.file)
    imported = import_catalog(source, parse_column_map(ctx.args.map))
    if imported.catalog.problems:
        _list_problems(ctx, imported.catalog)
        ctx.warn(ctx.say("catalog.import_refused", file=source, bad=len(imported.catalog.problems)))
        return EXIT_PROBLEMS
    write_catalog(home.catalog, imported)
    ctx.out(ctx.say("catalog.import_done", file=home.catalog, count=len(imported.catalog)))
    return 0
