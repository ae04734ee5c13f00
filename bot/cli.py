"""
The ``slatebot`` command line: ``run``, ``console``, ``invite``, ``import``, ``export``, ``db migrate|backup|copy``.

Exit codes: 0 done; 1 the work was refused or failed (a bad import file, a database error); 2 the command or a
setting is wrong (no token for ``run``, a bad ``DATABASE_URL``), with one line saying how to fix it.
"""

import argparse
import asyncio
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.domain.text import counted
from bot.errors import UserError
from bot.invite import application_id, invite_text
from bot.log import setup_logging
from bot.services.container import Services
from bot.settings import (
    POSTGRES_PREFIXES,
    Settings,
    SettingsError,
    check_database_url,
    database_path,
    load_settings,
    redacted_url,
)
from storage.copy import CopyRefused, copy_database
from storage.database import BackupRefused, Database, DatabaseMissing, DatabaseUnreachable
from storage.migrate import MigrationError
from storage.sqlite import SqliteDatabase

log = logging.getLogger(__name__)

#: The actor recorded in the audit log for changes made from the command line.
CLI_ACTOR = 0

HOW_TO_CONNECT = """\
slatebot run needs a bot token, and DISCORD_TOKEN is not set.
Get one at https://discord.com/developers/applications: create an application, open "Bot", press
"Reset Token", and put it in .env as DISCORD_TOKEN=... (see .env.example). Then run
"slatebot invite" for the link that adds the bot to your server.
To try every command without a token or a network, run: slatebot console"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every verb."""
    parser = argparse.ArgumentParser(
        prog="slatebot",
        description="A Discord campaign organiser for a trade-union slate.",
        epilog="With no verb: 'run' when DISCORD_TOKEN is set, else 'console'.",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    run = verbs.add_parser(
        "run",
        help="connect to Discord and serve",
        description="Connect to Discord and serve. Several processes may share one PostgreSQL database, each "
        "running some of the bot's shards: a guild belongs to shard (guild_id >> 22) %% SHARD_COUNT.",
    )
    run.add_argument("--shard-count", type=int, metavar="N", help="shards the bot runs as, in all its processes")
    run.add_argument("--shard-ids", metavar="0,1", help="the shards this process runs (default: all of them)")
    verbs.add_parser(
        "invite",
        help="print the link that adds the bot to a server, with exactly the permissions it uses",
        description="Print the link that adds the bot (the application of DISCORD_TOKEN) to a server, with the "
        "bot and applications.commands scopes and exactly the permissions it uses, each named with its reason.",
    )
    console = verbs.add_parser("console", help="try every command locally: no token, no network")
    console.add_argument("--database", metavar="URL", help="use this database instead of a temporary sample one")
    console.add_argument("--as", dest="role", choices=("member", "organiser"), default="organiser")
    console.add_argument(
        "--at",
        metavar='"YYYY-MM-DD HH:MM"',
        help="start the console's clock here (London time; default 2025-04-14 09:00, a week before the sample "
        "ballot opens); 'wait 1d' moves it on",
    )
    imp = verbs.add_parser("import", help="import a YAML or CSV file into a guild")
    imp.add_argument("file", type=Path)
    imp.add_argument("--guild", type=int, required=True, metavar="ID")
    imp.add_argument("--dry-run", action="store_true", help="list the changes without making them")
    exp = verbs.add_parser("export", help="export a guild's data")
    exp.add_argument("--guild", type=int, required=True, metavar="ID")
    exp.add_argument("--format", choices=("yaml", "csv"), default="yaml")
    exp.add_argument("--election", metavar="NAME", help="only this election")
    exp.add_argument("--output", type=Path, metavar="FILE", help="write here instead of standard output")
    db = verbs.add_parser("db", help="database maintenance")
    db_verbs = db.add_subparsers(dest="db_verb", metavar="ACTION", required=True)
    db_verbs.add_parser("migrate", help="apply pending migrations")
    backup = db_verbs.add_parser(
        "backup",
        help="write an online, consistent copy of the database",
        description="Write an online, consistent copy of the database; safe while the bot runs.",
        epilog="PATH may be a new file, or a folder (an existing one, or a new one written with a trailing /): "
        "a folder gets a new copy inside it each time, named by the UTC time, such as slatebot-20250501-120000.db. "
        "An existing file is never replaced unless --force is given; the database itself and its -wal and "
        "-shm files are always refused.",
    )
    backup.add_argument("path", metavar="PATH", help="a new file, or a folder to put a dated copy in")
    backup.add_argument("--force", action="store_true", help="replace PATH if it is an existing file")
    copy = db_verbs.add_parser(
        "copy",
        help="copy everything into another, empty database (SQLite to PostgreSQL, say)",
        description="Copy every guild's data, the reminder ledger and the audit log from DATABASE_URL into the "
        "empty database at TARGET_URL, in one transaction. A target holding any data is refused and left as it was.",
    )
    copy.add_argument(
        "target", metavar="TARGET_URL", help="postgresql://user:password@host:port/dbname or sqlite:///file.db"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    overrides: dict[str, object] = {}
    if getattr(args, "shard_count", None) is not None:
        overrides["shard_count"] = args.shard_count
    if getattr(args, "shard_ids", None) is not None:
        overrides["shard_ids"] = args.shard_ids
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        print(f"slatebot: {exc}", file=sys.stderr)
        return 2
    token = settings.discord_token.get_secret_value() if settings.discord_token else ""
    setup_logging(settings.log_level, secrets=[token])
    verb = args.verb or ("run" if token else "console")
    try:
        if verb == "run":
            if not token:
                print(HOW_TO_CONNECT, file=sys.stderr)
                return 2
            try:
                return asyncio.run(_run(settings))
            except Exception as exc:
                if type(exc).__name__ == "LoginFailure":
                    print("slatebot: Discord refused DISCORD_TOKEN; reset it in the developer portal.", file=sys.stderr)
                    return 2
                if isinstance(exc, OSError) or type(exc).__module__.startswith("aiohttp"):
                    base = settings.discord_api_base or "Discord"
                    print(f"slatebot: cannot reach {base}: {exc}", file=sys.stderr)
                    return 1
                raise
        if verb == "console":
            return _console(settings, args)
        if verb == "invite":
            return _invite(token)
        return asyncio.run(_offline(settings, args, verb))
    except UserError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except MigrationError as exc:
        print(f"slatebot: {exc}", file=sys.stderr)
        return 1
    except (sqlite3.Error, DatabaseUnreachable) as exc:
        print(f"slatebot: cannot use the database at {settings.database_where}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _invite(token: str) -> int:
    """Print the invite link of the token's application, or say how to get a token."""
    if not token:
        print(
            "slatebot invite needs the bot's token, and DISCORD_TOKEN is not set: it reads the application's id "
            'from it.\nGet one at https://discord.com/developers/applications (open "Bot", press "Reset Token") '
            "and put it in .env as DISCORD_TOKEN=... (see .env.example).",
            file=sys.stderr,
        )
        return 2
    client_id = application_id(token)
    if client_id is None:
        print(
            "slatebot: DISCORD_TOKEN does not look like a bot token (it carries no application id); copy it again "
            "from the developer portal's Bot page.",
            file=sys.stderr,
        )
        return 2
    print(invite_text(client_id))
    return 0


async def _run(settings: Settings) -> int:
    """Connect to Discord (or ``DISCORD_API_BASE``) and serve until stopped."""
    from bot.app import SlateBot  # imports discord.py: only when connecting
    from bot.endpoint import point_discord_at

    if settings.discord_api_base:
        point_discord_at(settings.discord_api_base)
    token = settings.discord_token.get_secret_value() if settings.discord_token else ""
    async with await Database.open(settings.database_target) as db:
        services = Services.build(db, default_timezone=settings.default_timezone)
        async with SlateBot(settings, services) as bot:
            await bot.start(token)
    return 0


def _console(settings: Settings, args: argparse.Namespace) -> int:
    """Start the local Discord stand-in and the real bot, and read commands from the terminal."""
    from standin.console import run_console  # imports discord.py and aiohttp: only for the console

    database = getattr(args, "database", None)
    role = getattr(args, "role", "organiser")
    at = getattr(args, "at", None)
    try:
        return run_console(settings, database_url=database, role=role, at=at)
    except ValueError as exc:
        print(f"slatebot: {exc}", file=sys.stderr)
        return 2


def _reads_only(args: argparse.Namespace, verb: str) -> bool:
    """Whether the verb only reads the database, so must not create it: export, db backup, import --dry-run."""
    if verb == "import":
        return bool(args.dry_run)
    return verb == "export" or (verb == "db" and args.db_verb in {"backup", "copy"})


async def _offline(settings: Settings, args: argparse.Namespace, verb: str) -> int:
    """The verbs that work on the database alone: import, export, db migrate, db backup, db copy."""
    backing_up = verb == "db" and args.db_verb == "backup"
    if backing_up and settings.is_postgres:
        print(
            "slatebot: db backup copies a SQLite file; back up PostgreSQL with its own tools (pg_dump), "
            "or copy it into a SQLite file with 'slatebot db copy sqlite:///backup.db'.",
            file=sys.stderr,
        )
        return 2
    try:
        # A backup copies the file as it is: migrating first would lose the state from before an upgrade.
        opened = await Database.open(
            settings.database_target, migrate=not backing_up, create=not _reads_only(args, verb)
        )
    except DatabaseMissing:
        print(
            f"slatebot: the database {settings.database_where} does not exist "
            f"(DATABASE_URL={redacted_url(settings.database_url)}); nothing was created. Fix DATABASE_URL in the "
            "environment or .env, or run 'slatebot db migrate' to create an empty one.",
            file=sys.stderr,
        )
        return 2
    async with opened as db:
        services = Services.build(db, default_timezone=settings.default_timezone)
        if verb == "import":
            return await _import(services, args)
        if verb == "export":
            if not await services.transfer.has_data(args.guild):
                print(
                    f"Nothing to export: guild {args.guild} has no data in {settings.database_where}.", file=sys.stderr
                )
                return 1
            text = await services.transfer.export(args.guild, args.format, args.election)
            if args.output:
                args.output.write_text(text, encoding="utf-8")
                print(f"Wrote {args.output}", file=sys.stderr)
            else:
                sys.stdout.write(text)
            return 0
        if args.db_verb == "migrate":
            version = await db.schema_version()
            print(f"The database {settings.database_where} is at schema version {version}.")
            return 0
        if args.db_verb == "copy":
            return await _copy(db, settings, args.target)
        assert isinstance(db, SqliteDatabase)  # noqa: S101 - refused above for PostgreSQL
        return await _backup(db, settings, args)


async def _copy(source: Database, settings: Settings, target_url: str) -> int:
    """Copy into the empty database at ``target_url``; a filled target (or a bad URL) exits 2, unchanged."""
    try:
        check_database_url(target_url)
    except ValueError as exc:
        print(f"slatebot: TARGET_URL {exc}.", file=sys.stderr)
        return 2
    target_where = redacted_url(target_url)
    if target_url == settings.database_url:
        print("slatebot: TARGET_URL is DATABASE_URL itself; copy into another, empty database.", file=sys.stderr)
        return 2
    target_path = target_url if target_url.startswith(POSTGRES_PREFIXES) else database_path(target_url)
    try:
        opened = await Database.open(target_path)
    except DatabaseUnreachable as exc:
        print(f"slatebot: cannot use TARGET_URL {target_where}: {exc}", file=sys.stderr)
        return 2
    async with opened as target:
        try:
            report = await copy_database(source, target)
        except CopyRefused as exc:
            print(f"slatebot: {exc}.", file=sys.stderr)
            return 2
    for table, count in report.rows:
        print(f"  {table}: {counted(count, 'row')}")
    print(f"Copied {counted(report.total, 'row')} from {settings.database_where} to {target_where}.")
    return 0


async def _backup(db: SqliteDatabase, settings: Settings, args: argparse.Namespace) -> int:
    """Write the backup; a refused target (the database itself, an existing file without --force) exits 2."""
    raw: str = args.path
    target = Path(raw)
    try:
        if raw.endswith(("/", os.sep)) and not target.exists():
            # A trailing slash names a folder: make it, and put a dated copy inside.
            target.mkdir(parents=True)
        written = await db.backup(target, overwrite=args.force)
    except BackupRefused as exc:
        print(f"slatebot: {exc}", file=sys.stderr)
        return 2
    print(f"Backed up {settings.database_where} to {written}")
    return 0


async def _import(services: Services, args: argparse.Namespace) -> int:
    """Import (or dry-run) a file and list the changes."""
    path: Path = args.file
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"slatebot: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    report = await services.transfer.import_text(args.guild, CLI_ACTOR, text, filename=path.name, dry_run=args.dry_run)
    for change in report.changes:
        print(f"  {change}")
    print(report.summary())
    return 0
