"""
``slatebot db copy`` and the database verbs on PostgreSQL, each run as its own process.

Every command runs as ``python -m bot`` in an empty working folder (no ``.env``), with only ``DATABASE_URL`` (and a
quiet ``LOG_LEVEL``) set from the bot's settings, as an operator would run it.
"""

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from bot.domain.text import counted
from bot.settings import redacted_url
from standin.postgres import database_url
from storage.copy import TABLES
from storage.database import Database
from storage.migrate import load_migrations
from tests.fakes import NEC_2025
from tests.postgres_fixtures import drop_test_database, fresh_database_url

#: The bot's settings variables: none may leak in from the environment the tests run in.
SETTINGS_VARIABLES = (
    "DISCORD_TOKEN",
    "DATABASE_URL",
    "DISCORD_API_BASE",
    "DEV_GUILD_ID",
    "LOG_LEVEL",
    "DEFAULT_TIMEZONE",
)


class Slatebot:
    """Runs ``slatebot`` as a process in one working folder, against one DATABASE_URL unless told otherwise."""

    def __init__(self, work: Path, database_url: str) -> None:
        self.work = work
        self.database_url = database_url

    def __call__(self, *args: str, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run ``python -m bot ARGS`` and return what it did."""
        env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
        env["LOG_LEVEL"] = "WARNING"
        env["DATABASE_URL"] = database_url or self.database_url
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=self.work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _one_line(err: str) -> str:
    """The single line a refusal writes to stderr (fails when there are more)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


async def _counts(db: Database) -> dict[str, int]:
    """Rows per table."""
    return {
        table: int(await db.fetch_value(f"SELECT COUNT(*) FROM {table}"))  # noqa: S608 - our own table names
        for table in await db.tables()
    }


async def _rows(target: Path | str) -> list[str]:
    """The database's rows as dump() lines, sorted (dump()'s own order differs between engines on ties)."""
    db = await Database.open(target, migrate=False, create=False)
    try:
        return sorted(await db.dump())
    finally:
        await db.close()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A SQLite file holding the sample NEC 2025 in guild 1, imported by a slatebot process."""
    path = tmp_path / "data" / "slatebot.db"
    done = Slatebot(tmp_path, f"sqlite:///{path}")("import", str(NEC_2025), "--guild", "1")
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture
def slatebot(tmp_path: Path, source: Path) -> Slatebot:
    """The ``slatebot`` command in ``tmp_path`` with DATABASE_URL at the sample's SQLite file."""
    return Slatebot(tmp_path, f"sqlite:///{source}")


@pytest.fixture
async def empty_url(postgres_base_url: str) -> AsyncIterator[str]:
    """A new, empty (unmigrated) PostgreSQL database, dropped afterwards."""
    url = await fresh_database_url(postgres_base_url)
    try:
        yield url
    finally:
        await drop_test_database(postgres_base_url, url)


# ------------------------------------------------------------------------------------------------------ db copy


async def test_db_copy_puts_the_sqlite_sample_into_postgresql_and_lists_each_table(
    slatebot: Slatebot, source: Path, empty_url: str
) -> None:
    """``db copy TARGET_URL`` exits 0, prints each table with its row count and the total; every row arrives."""
    source_db = await Database.open(source, create=False)
    try:
        counts = await _counts(source_db)
    finally:
        await source_db.close()
    assert counts["candidates"] > 0

    done = slatebot("db", "copy", empty_url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:-1] == [f"  {table}: {counted(counts[table], 'row')}" for table in TABLES]
    total = sum(counts[table] for table in TABLES)
    assert lines[-1] == f"Copied {counted(total, 'row')} from {source} to {redacted_url(empty_url)}."
    assert await _rows(empty_url) == await _rows(source)


async def test_the_copy_exports_the_same_yaml_as_the_source(slatebot: Slatebot, empty_url: str) -> None:
    """After db copy, slatebot export with DATABASE_URL at the PostgreSQL copy prints the source's export exactly."""
    assert slatebot("db", "copy", empty_url).returncode == 0
    from_sqlite = slatebot("export", "--guild", "1")
    from_postgres = slatebot("export", "--guild", "1", database_url=empty_url)
    assert from_sqlite.returncode == from_postgres.returncode == 0, from_postgres.stderr
    assert "Tom Barker" in from_sqlite.stdout
    assert from_postgres.stdout == from_sqlite.stdout


async def test_a_second_db_copy_exits_2_saying_the_target_holds_data_and_changes_nothing(
    slatebot: Slatebot, source: Path, empty_url: str
) -> None:
    """Copying again into the now-filled target exits 2 with one line saying so; neither database changes."""
    assert slatebot("db", "copy", empty_url).returncode == 0
    target_before, source_before = await _rows(empty_url), await _rows(source)

    done = slatebot("db", "copy", empty_url)
    assert done.returncode == 2
    assert done.stdout == ""
    line = _one_line(done.stderr)
    assert line.startswith("slatebot: the target already holds data (in ")
    assert "nothing was copied" in line
    assert await _rows(empty_url) == target_before
    assert await _rows(source) == source_before


@pytest.mark.parametrize("target", ["mysql://db.example/slatebot", "postgresql:///no-host", "backup.db"])
def test_a_bad_target_url_exits_2_with_one_line(slatebot: Slatebot, tmp_path: Path, target: str) -> None:
    """A TARGET_URL naming neither a SQLite file nor a PostgreSQL database exits 2 with one line, writing nothing."""
    before = set(tmp_path.rglob("*"))
    done = slatebot("db", "copy", target)
    assert done.returncode == 2
    assert done.stdout == ""
    line = _one_line(done.stderr)
    assert line.startswith("slatebot: TARGET_URL must look like sqlite:///")
    assert "postgresql://user:password@host:port/dbname" in line
    assert {p for p in set(tmp_path.rglob("*")) - before if not p.name.endswith(("-wal", "-shm"))} == set()


def test_a_target_url_that_is_the_source_exits_2_with_one_line(slatebot: Slatebot) -> None:
    """TARGET_URL equal to DATABASE_URL exits 2 with one line, copying nothing."""
    done = slatebot("db", "copy", slatebot.database_url)
    assert done.returncode == 2
    assert _one_line(done.stderr) == "slatebot: TARGET_URL is DATABASE_URL itself; copy into another, empty database."


async def test_db_copy_into_a_new_sqlite_file_round_trips_from_postgresql(
    slatebot: Slatebot, source: Path, empty_url: str, tmp_path: Path
) -> None:
    """From the PostgreSQL copy, db copy sqlite:///FILE writes a new file with the same rows as the original."""
    assert slatebot("db", "copy", empty_url).returncode == 0
    back = tmp_path / "back" / "copy.db"
    target_url = f"sqlite:///{back}"
    done = slatebot("db", "copy", target_url, database_url=empty_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].endswith(f"to {target_url}.")
    assert await _rows(back) == await _rows(source)


# ------------------------------------------------------------------------------------ other verbs on PostgreSQL


async def test_db_backup_on_postgresql_exits_2_pointing_at_pg_dump(tmp_path: Path, postgres_base_url: str) -> None:
    """With a postgresql DATABASE_URL, ``db backup`` exits 2 with one line naming pg_dump; it writes nothing."""
    name = "slatebot_never_created"
    url = database_url(postgres_base_url, name)
    done = Slatebot(tmp_path, url)("db", "backup", "backup.db")
    assert done.returncode == 2
    assert done.stdout == ""
    line = _one_line(done.stderr)
    assert "pg_dump" in line
    assert "slatebot db copy sqlite:///" in line
    assert list(tmp_path.iterdir()) == []
    admin = await asyncpg.connect(postgres_base_url)
    try:
        assert await admin.fetchval("SELECT COUNT(*) FROM pg_database WHERE datname = $1", name) == 0
    finally:
        await admin.close()


async def test_db_migrate_on_postgresql_prints_the_schema_version(tmp_path: Path, empty_url: str) -> None:
    """``db migrate`` on an empty PostgreSQL database migrates it and prints its URL (no password) and version."""
    newest = load_migrations("postgresql")[-1].version
    slatebot = Slatebot(tmp_path, empty_url)
    for _ in range(2):  # the second run finds nothing to apply and says the same
        done = slatebot("db", "migrate")
        assert done.returncode == 0, done.stderr
        assert done.stdout == f"The database {redacted_url(empty_url)} is at schema version {newest}.\n"
        password = urlsplit(empty_url).password
        assert password is None or password not in done.stdout + done.stderr
    db = await Database.open(empty_url, migrate=False, create=False)
    try:
        assert await db.schema_version() == newest
        assert "changes" in await db.tables()
    finally:
        await db.close()
