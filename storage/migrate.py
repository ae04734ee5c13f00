"""
Numbered, append-only SQL migrations: one history, written once for each engine.

Files are ``storage/migrations/<dialect>/NNNN_reason.sql`` (``sqlite`` and ``postgresql``, the same numbers and
names in both; a test holds them together). Each opens with a ``-- Reason:`` line and runs in its own
transaction, which also records its number: SQLite in ``PRAGMA user_version``, PostgreSQL in a
``schema_migrations`` table. An applied file is never edited: a change to the schema is a new file.
"""

import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

import aiosqlite

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered SQL file."""

    version: int
    name: str
    sql: str


class MigrationError(Exception):
    """The migrations folder is inconsistent (a gap, a duplicate, no reason) or the database is newer."""


DIALECTS = ("sqlite", "postgresql")


def load_migrations(dialect: str = "sqlite") -> list[Migration]:
    """Read one engine's migration files in order, refusing gaps, duplicates and files without a reason."""
    found: list[Migration] = []
    folder = resources.files("storage") / "migrations" / dialect
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if not match:
            continue
        sql = entry.read_text(encoding="utf-8")
        if "-- Reason:" not in sql.split("\n", 3)[0] + sql.split("\n", 3)[1]:
            msg = f"migration {entry.name} must start with a '-- Reason:' line"
            raise MigrationError(msg)
        found.append(Migration(int(match.group(1)), entry.name, sql))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            msg = f"migration {migration.name} is out of sequence: expected {expected:04d}"
            raise MigrationError(msg)
    return found


async def sqlite_version(conn: aiosqlite.Connection) -> int:
    """The schema version recorded in the file."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def apply_migrations(conn: aiosqlite.Connection) -> list[int]:
    """Apply every migration above the file's ``user_version``; return the versions applied."""
    migrations = load_migrations("sqlite")
    version = await sqlite_version(conn)
    check_not_newer(version, migrations)
    applied: list[int] = []
    for migration in migrations:
        if migration.version <= version:
            continue
        log.info("Applying migration %s", migration.name)
        await conn.execute("BEGIN IMMEDIATE")
        try:
            # executescript would COMMIT first; run statement by statement inside our transaction instead.
            for statement in _statements(migration.sql):
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {migration.version:d}")
        except BaseException:
            await conn.rollback()
            raise
        await conn.commit()
        applied.append(migration.version)
    return applied


def check_not_newer(version: int, migrations: list[Migration]) -> None:
    """Refuse a database migrated by a newer bot: this one would misread it."""
    if migrations and version > migrations[-1].version:
        msg = f"the database is at schema version {version}, newer than this bot knows ({migrations[-1].version})"
        raise MigrationError(msg)


def _statements(sql: str) -> list[str]:
    """Split a migration into complete statements (SQLite's own completeness test, so triggers stay whole)."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            text = buffer.strip()
            if text and not all(part.strip().startswith("--") for part in text.splitlines() if part.strip()):
                statements.append(text)
            buffer = ""
    if buffer.strip() and not all(p.strip().startswith("--") for p in buffer.strip().splitlines() if p.strip()):
        msg = "a migration ends with an incomplete statement"
        raise MigrationError(msg)
    return statements
