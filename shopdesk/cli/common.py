"""What several CLI commands share: opening the shop and reporting what happened.

This module sits below the command modules (``core``, ``printing``, ``export``,
``backup``, ``reports``, ``outage``, ``clock``, ``app``): they import from here and
never from each other, so no command module has to hide an import inside a
function to dodge a circle (issue 15, item 6; ``tests/cli/test_cli_imports.py``
keeps it so). Services are still imported inside the functions, so that
``shopdesk --help`` stays fast.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from shopdesk.i18n import _

#: Catalog problems named one by one on stderr (``catalog check`` lists them all).
CATALOG_PROBLEMS_SHOWN = 3

if TYPE_CHECKING:
    from shopdesk.cli import Context
    from shopdesk.domain.catalog import Catalog
    from shopdesk.errors import Notice
    from shopdesk.ledger.verify import Problem
    from shopdesk.services.backup import BackupResult
    from shopdesk.services.printing import PrintOutcome
    from shopdesk.services.shop import Shop


def cells(text: str) -> int:
    """Terminal columns: East Asian wide and fullwidth characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns.

    Latin words stay whole; a line may break between any two Chinese characters,
    as Chinese text does (``textwrap`` counts characters and breaks only at spaces).
    """
    lines: list[str] = []
    line = ""
    for token in re.findall(r" +|[!-~]+|.", text):
        if line.strip() and cells(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    lines.append(line.rstrip())
    return lines


def open_shop(ctx: Context, *, readonly: bool = False, load_view: bool = True) -> Shop:
    """Open the shop and report a torn tail found at open before anything else."""
    from shopdesk.services.shop import Shop

    shop = Shop.open(ctx.home, readonly=readonly, load_view=load_view)
    warn_profile_from_ledger(ctx, shop)
    warn_catalog_problems(ctx, shop.catalog)
    torn = shop.ledger.torn
    if torn is not None and torn.quarantined_to:
        ctx.warn(ctx.say("ledger.torn_tail", length=torn.length, path=torn.quarantined_to))
    return shop


def warn_profile_from_ledger(ctx: Context, shop: Shop) -> None:
    """Say that the profile is lost and was read from the ledger for this command."""
    if shop.profile_from_ledger:
        ctx.warn(ctx.say("profile.read_from_ledger", file=shop.home.profile, folder=ctx.home))


def warn_catalog_problems(ctx: Context, catalog: Catalog) -> None:
    """Say on stderr that rows were left out, naming the first few (file, line, why)."""
    if not catalog.problems:
        return
    file = catalog.problems[0].error.data.get("file", "")
    ctx.warn(ctx.say("catalog.problems", file=file, count=len(catalog.problems)))
    for problem in catalog.problems[:CATALOG_PROBLEMS_SHOWN]:
        ctx.warn("  " + ctx.say(problem.error.code, **problem.error.data))


def open_app(ctx: Context) -> int:
    """The till app on ``ctx.home``: ``shopdesk``, ``shopdesk app`` and ``shopdesk demo``.

    Textual is imported only here, so every other command starts without it.
    """
    from shopdesk.tui.app import run_app

    return run_app(ctx.home, language=ctx.args.lang)


def report_bad_record(ctx: Context, p: Problem) -> int:
    """Name the first bad record (file, line, sequence, what is wrong); exit code 3."""
    ctx.warn(
        ctx.say(
            "verify.bad",
            file=p.file,
            line=p.line,
            seq=p.seq if p.seq is not None else "?",
            reason=ctx.say(f"verify.reason.{p.reason}"),
        )
    )
    return 3


def status_words(row: dict) -> list[str]:
    """A receipt's status as short words: void/valid, training, printed, exported, invoiced."""
    words = [_("void") if row["status"] == "void" else _("valid")]
    if row["training"]:
        words.append(_("training"))
    words.append(
        _("printed {count}x").format(count=row["printed"]) if row["printed"] else _("not printed")
    )
    if row["batch"]:
        words.append(_("exported {batch}").format(batch=row["batch"]))
    if row["invoice"]:
        words.append(_("invoice {number}").format(number=row["invoice"]))
    return words


def report_print(ctx: Context, outcome: PrintOutcome) -> None:
    """One line about a print attempt; failures go to stderr as warnings."""
    from shopdesk.messages import print_record_lost_text

    if outcome.record_error is not None:
        ctx.warn(print_record_lost_text(ctx.say, outcome))
        return
    if outcome.ok:
        code = "print.copy_done" if outcome.copy else "print.done"
        ctx.warn(ctx.say(code, number=outcome.number, copy=outcome.copy))
        if outcome.files:
            ctx.warn(ctx.say("print.preview_files", files=", ".join(map(str, outcome.files))))
        return
    assert outcome.error is not None
    reason = ctx.say(outcome.error.code, **outcome.error.data)
    ctx.warn(ctx.say("print.saved_not_printed", number=outcome.number, reason=reason))


def say_warnings(ctx: Context, warnings: Iterable[Notice]) -> None:
    for notice in warnings:
        ctx.warn(ctx.say(notice.code, **notice.data))


def show_backup_warning(ctx: Context, shop: Shop) -> None:
    """The kept failure of the last backup, until a backup succeeds (e.g. after a sale)."""
    from shopdesk.services.backup import backup_warning

    error = backup_warning(shop.home)
    if error is not None:
        ctx.warn(
            ctx.say("backup.warning", time=error.get("time", "?"), destination=error["destination"])
            + " "
            + ctx.say(error["code"], **error.get("data", {}))
        )


def say_backup_done(ctx: Context, result: BackupResult) -> None:
    """Where the backup went, up to which record, and what it could not do."""
    ctx.out(
        ctx.say(
            "backup.done",
            folder=result.folder,
            generation=result.generation,
            seq=result.head_seq,
            rseq=result.last_rseq,
            verified=result.records_verified,
            bytes=result.bytes_copied,
        )
    )
    if result.key_included:
        ctx.out(ctx.say("backup.done_key"))
    say_warnings(ctx, result.warnings)


def after_sale(ctx: Context, shop: Shop) -> None:
    """Run a scheduled backup after a committed sale; only ever warns, never fails it."""
    from shopdesk.services.backup import backup_if_due

    outcome = backup_if_due(shop, "receipt")
    if outcome.result is not None:
        say_warnings(ctx, outcome.result.warnings)
    show_backup_warning(ctx, shop)


def after_z_report(ctx: Context, shop: Shop) -> None:
    """Back the closed day up to the profile's folder; only ever warns."""
    from shopdesk.services.backup import Z_REPORT, backup_if_due

    outcome = backup_if_due(shop, Z_REPORT)
    if outcome.result is not None:
        say_backup_done(ctx, outcome.result)
    show_backup_warning(ctx, shop)
