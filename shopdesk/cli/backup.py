"""Backup commands: ``backup [status|verify]`` and ``restore``.

The passphrase that encrypts the signing key is read from ``--passphrase-file``,
then ``$SHOPDESK_BACKUP_PASSPHRASE``, then asked for (without echo) when a
person is at the terminal — never from the command line itself, where it would
land in the shell history and in ``ps``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from shopdesk.cli.common import open_shop, report_bad_record, say_backup_done, show_backup_warning
from shopdesk.i18n import _

if TYPE_CHECKING:
    from shopdesk.cli import Context

PASSPHRASE_ENV = "SHOPDESK_BACKUP_PASSPHRASE"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "backup",
        help=_("back the ledger up (incremental, verified); 'status' or 'verify' to check"),
    )
    p.add_argument(
        "action",
        nargs="?",
        choices=("now", "status", "verify"),
        default="now",
        help=_(
            "now (default): make a backup; status: last backup and what is not backed up; "
            "verify: check a backup completely"
        ),
    )
    p.add_argument(
        "--to", metavar=_("DIR"), help=_("backup folder (default: the profile's [backup])")
    )
    p.add_argument(
        "--passphrase-file", metavar=_("FILE"), help=_("file whose first line is the passphrase")
    )
    p.add_argument("--no-key", action="store_true", help=_("do not ask for a passphrase"))
    p.add_argument(
        "--full", action="store_true", help=_("re-read and verify every record, not only new ones")
    )
    p.set_defaults(run=cmd_backup)

    p = sub.add_parser(
        "restore", help=_("build a shop home (--home) from a backup; refuses any existing ledger")
    )
    p.add_argument("source", metavar=_("FROM"), help=_("backup folder (or the stick holding it)"))
    p.add_argument(
        "--passphrase-file", metavar=_("FILE"), help=_("file whose first line is the passphrase")
    )
    p.add_argument(
        "--no-key", action="store_true", help=_("restore without the signing key (read-only shop)")
    )
    p.add_argument(
        "--key-only",
        action="store_true",
        help=_("add the signing key to a home restored earlier without it"),
    )
    p.set_defaults(run=cmd_restore)


def read_passphrase(ctx: Context, *, new: bool) -> str | None:
    """The passphrase from a file, the environment or a prompt; ``None`` if none given."""
    from shopdesk.errors import InvalidInput, NotFound

    path = ctx.args.passphrase_file
    if path:
        try:
            text = Path(path).expanduser().read_text(encoding="utf-8")
        except OSError:
            raise NotFound("passphrase.file_missing", file=path) from None
        return text.splitlines()[0] if text else ""
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        return None
    import getpass

    first = getpass.getpass(ctx.say("passphrase.prompt_new" if new else "passphrase.prompt"))
    if new:
        from shopdesk.backup.keyfile import check_passphrase

        check_passphrase(first)
        if getpass.getpass(ctx.say("passphrase.prompt_again")) != first:
            raise InvalidInput("backup.passphrase_mismatch")
    return first


def cmd_backup(ctx: Context) -> int:
    action = ctx.args.action
    if action == "status":
        return _status(ctx)
    if action == "verify":
        return _verify(ctx)
    from shopdesk.services.backup import make_backup

    with open_shop(ctx, load_view=False) as shop:  # a backup never queries receipts
        passphrase = None
        if not ctx.args.no_key:
            passphrase = read_passphrase(ctx, new=not shop.home.encrypted_key.exists())
        result = make_backup(shop, ctx.args.to, passphrase=passphrase, full=ctx.args.full)
    say_backup_done(ctx, result)
    return 0


def _status(ctx: Context) -> int:
    from shopdesk.services.backup import backup_status

    with open_shop(ctx, readonly=True) as shop:
        status = backup_status(shop)
        if status.configured:
            ctx.out(ctx.say("backup.status_folder", folder=status.configured))
        else:
            ctx.out(ctx.say("backup.status_no_folder"))
        if status.last_time:
            ctx.out(
                ctx.say(
                    "backup.status_last",
                    time=status.last_time,
                    destination=status.last_destination,
                    seq=status.last_seq,
                )
            )
        else:
            ctx.out(ctx.say("backup.status_never"))
        ctx.out(ctx.say("backup.status_pending", count=status.receipts_not_backed_up))
        if not status.key_in_home:
            ctx.out(ctx.say("backup.no_key"))
        show_backup_warning(ctx, shop)
    return 1 if status.error else 0


def _verify(ctx: Context) -> int:
    from shopdesk.errors import InvalidInput
    from shopdesk.services.restore import verify_backup

    where = ctx.args.to
    if not where:
        with open_shop(ctx, readonly=True) as shop:
            where = shop.profile.backup_dir
            terminal = shop.profile.terminal
        if not where:
            raise InvalidInput("backup.no_destination")
        candidate = Path(where).expanduser() / f"shopdesk-{terminal}"
        where = str(candidate) if candidate.is_dir() else where
    ctx.warn(ctx.say("restore.verifying"))
    from shopdesk.services.shop import ShopHome

    mine = ctx.home if ShopHome(ctx.home).exists() else None
    check = verify_backup(Path(where).expanduser(), home=mine)
    say_key(ctx, check.key_fingerprint, matches=check.key_checked)
    if check.ok:
        ctx.out(
            ctx.say(
                "backup.verify_ok",
                folder=check.folder,
                records=check.records,
                seq=check.manifest.head_seq,
                made=check.manifest.made,
            )
        )
        return 0
    assert check.problem is not None
    return report_bad_record(ctx, check.problem)


def say_key(ctx: Context, fingerprint: str, *, matches: bool) -> None:
    """Which key signed a backup: its signatures prove nothing more (issue 11, item 6)."""
    ctx.out(
        ctx.say(
            "backup.key_matches" if matches else "backup.key_fingerprint", fingerprint=fingerprint
        )
    )


def say_series(ctx: Context, series: str, last_rseq: int) -> None:
    """The restored till's new receipt series and its first number (issue 11, item 13)."""
    from shopdesk.config import load_profile
    from shopdesk.services.sales import receipt_number
    from shopdesk.services.shop import ShopHome

    terminal = load_profile(ShopHome(ctx.home).profile).terminal
    number = receipt_number(terminal, last_rseq + 1, series=series)
    ctx.out(ctx.say("restore.series", series=series, number=number))


def cmd_restore(ctx: Context) -> int:
    from shopdesk.errors import InvalidInput, LedgerTampered
    from shopdesk.services.restore import backup_has_key, restore_key, restore_shop

    source = Path(ctx.args.source).expanduser()
    if ctx.args.key_only:
        passphrase = read_passphrase(ctx, new=False)
        if passphrase is None:
            raise InvalidInput("restore.passphrase_needed")
        series = restore_key(ctx.home, source, passphrase)
        ctx.out(ctx.say("restore.key_done"))
        if series:
            say_series(ctx, *series)
        return 0
    passphrase = None
    if not ctx.args.no_key and backup_has_key(source):
        passphrase = read_passphrase(ctx, new=False)
    ctx.warn(ctx.say("restore.verifying"))
    try:
        result = restore_shop(source, ctx.home, passphrase=passphrase, without_key=ctx.args.no_key)
    except LedgerTampered as exc:
        reason = exc.data.get("reason", "")
        exc.data["reason"] = ctx.say(f"verify.reason.{reason}")
        raise
    ctx.out(
        ctx.say(
            "restore.done",
            made=result.made,
            folder=result.home,
            seq=result.head_seq,
            rseq=result.last_rseq,
        )
    )
    say_key(ctx, result.key_fingerprint, matches=False)
    if result.series:
        say_series(ctx, result.series, result.last_rseq)
    if not result.key_restored:
        ctx.warn(ctx.say("restore.done_no_key", folder=result.home))
    ctx.warn(ctx.say("restore.lost_after"))
    return 0
