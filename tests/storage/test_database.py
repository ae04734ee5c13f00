"""The database file: migrations, PRAGMAs, transactions, concurrency and online backup."""

import asyncio
import gc
import re
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import asyncpg
import pytest

from storage.database import Database
from storage.migrate import Migration, MigrationError, load_migrations
from storage.sqlite import SqliteDatabase

MIGRATIONS = Path(__file__).resolve().parents[2] / "storage" / "migrations"


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    """A migrated SQLite file, for what only SQLite has (PRAGMAs, file backups)."""
    database = await SqliteDatabase.open(tmp_path / "slatebot.db")
    try:
        yield database
    finally:
        await database.close()


async def _tables(db: Database) -> set[str]:
    rows = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {row[0] for row in rows}


async def _make_counter(db: Database) -> None:
    await db.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    await db.execute("INSERT INTO counter (id, n) VALUES (1, 0)")


def _connection_workers() -> set[threading.Thread]:
    """The aiosqlite worker threads alive now (one per open connection)."""
    return {t for t in threading.enumerate() if "_connection_worker_thread" in t.name and t.is_alive()}


def _aiosqlite_connections() -> set[aiosqlite.Connection]:
    """Every aiosqlite connection object still in memory, open or not."""
    return {o for o in gc.get_objects() if isinstance(o, aiosqlite.Connection)}


async def _workers_left(before: set[threading.Thread]) -> set[threading.Thread]:
    """The worker threads started since ``before`` that are still running after up to a second."""
    for _ in range(50):  # a worker ends just after its connection's close() returns
        leaked = _connection_workers() - before
        if not leaked:
            break
        await asyncio.sleep(0.02)
    return leaked


# ------------------------------------------------------------------------------------------------ migrations


async def test_migrating_an_empty_file_applies_every_migration_and_sets_user_version(tmp_path: Path) -> None:
    """Opening a new file applies 0001..N and records N in PRAGMA user_version."""
    migrations = load_migrations()
    db = await Database.open(tmp_path / "new.db")
    try:
        assert await db.fetch_value("PRAGMA user_version") == migrations[-1].version == len(migrations)
        assert {
            "guilds",
            "slates",
            "platform_points",
            "elections",
            "milestones",
            "seats",
            "candidates",
            "results",
            "audit_log",
            "reminders_sent",
            "reminder_subscribers",
            "bot_state",
        } <= await _tables(db)
    finally:
        await db.close()


async def test_opening_a_migrated_file_again_applies_nothing_and_keeps_the_data(tmp_path: Path) -> None:
    """A second open of the same file is a no-op for migrations and the rows stay."""
    path = tmp_path / "again.db"
    first = await Database.open(path)
    await first.execute("INSERT INTO elections (guild_id, name, name_key) VALUES (1, 'NEC 2025', 'nec 2025')")
    schema = await first.fetch_all("SELECT type, name, sql FROM sqlite_master ORDER BY name")
    await first.close()

    second = await Database.open(path)
    try:
        assert await second.fetch_value("PRAGMA user_version") == len(load_migrations())
        assert [
            tuple(r) for r in await second.fetch_all("SELECT type, name, sql FROM sqlite_master ORDER BY name")
        ] == [tuple(r) for r in schema]
        assert await second.fetch_value("SELECT name FROM elections WHERE guild_id = 1") == "NEC 2025"
    finally:
        await second.close()


def test_migration_files_are_numbered_contiguously_from_one() -> None:
    """load_migrations returns versions 1, 2, ... N with no gap, each matching its file name."""
    migrations = load_migrations()
    assert migrations, "there must be at least one migration"
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    for migration in migrations:
        assert re.fullmatch(rf"{migration.version:04d}_[a-z0-9_]+\.sql", migration.name)
    for dialect in ("sqlite", "postgresql"):
        on_disk = sorted(p.name for p in (MIGRATIONS / dialect).glob("*.sql"))
        assert on_disk == [m.name for m in migrations], dialect


@pytest.mark.parametrize("migration", load_migrations("sqlite") + load_migrations("postgresql"), ids=lambda m: m.name)
def test_every_migration_opens_with_a_reason_header(migration: Migration) -> None:
    """Each migration file's first line is a ``-- Reason:`` comment saying why it exists."""
    first_line = migration.sql.splitlines()[0]
    assert first_line.startswith("-- Reason: ")
    assert len(first_line.removeprefix("-- Reason: ").strip()) > 10


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    """A file whose user_version is above the newest known migration raises MigrationError and is left as is."""
    path = tmp_path / "newer.db"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()

    db = SqliteDatabase(path)
    try:
        with pytest.raises(MigrationError, match="99"):
            await db.connect()
    finally:
        await db.close()
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 99
        assert raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        raw.close()


async def test_a_refused_open_leaves_no_connection_running(tmp_path: Path) -> None:
    """When the migrations are refused, connect() closes the connection it opened instead of leaking it."""
    path = tmp_path / "newer.db"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    before = _connection_workers()

    db = SqliteDatabase(path)
    with pytest.raises(MigrationError):
        await db.connect()
    leaked = await _workers_left(before)
    await db.close()  # clean up whatever the failed connect left behind
    assert not leaked


async def test_a_file_that_is_not_a_database_is_refused_without_leaking_a_connection(tmp_path: Path) -> None:
    """Opening a file that is not SQLite raises sqlite3.DatabaseError and leaves no connection running."""
    path = tmp_path / "notes.db"
    path.write_bytes(b"These are meeting notes, not a database. " * 40)
    before = _connection_workers()

    connections = _aiosqlite_connections()

    db = SqliteDatabase(path)
    with pytest.raises(sqlite3.DatabaseError):
        await db.connect()
    leaked = await _workers_left(before)
    for stray in _aiosqlite_connections() - connections:
        stray.stop()  # clean up: a leaked worker thread would keep the test process from exiting
    assert not leaked
    assert path.read_bytes().startswith(b"These are meeting notes")


# -------------------------------------------------------------------------------------------------- pragmas


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("foreign_keys", 1), ("journal_mode", "wal"), ("busy_timeout", 5000)],
)
async def test_connection_pragmas_are_set(sqlite_db: Database, pragma: str, expected: object) -> None:
    """The connection enforces foreign keys, uses WAL and waits on a busy file."""
    assert await sqlite_db.fetch_value(f"PRAGMA {pragma}") == expected


async def test_foreign_keys_are_enforced(db: Database) -> None:
    """A seat pointing at a missing election is refused by the database itself (SQLite and PostgreSQL)."""
    with pytest.raises((sqlite3.IntegrityError, asyncpg.ForeignKeyViolationError)):
        await db.execute(
            "INSERT INTO seats (guild_id, election_id, name, name_key, electorate_type, electorate) "
            "VALUES (1, 999, 'S', 's', 'region', 'X')"
        )


# --------------------------------------------------------------------------------------------- transactions


async def test_a_transaction_commits_everything_on_success(db: Database) -> None:
    """Every write inside a successful transaction() is committed, visible after reopening."""
    async with db.transaction():
        await db.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
        await db.execute("INSERT INTO bot_state (key, value) VALUES ('b', '2')")
    reopened = await Database.open(db.target)
    try:
        rows = await reopened.fetch_all("SELECT key, value FROM bot_state ORDER BY key")
        assert [tuple(r) for r in rows] == [("a", "1"), ("b", "2")]
    finally:
        await reopened.close()


async def test_a_transaction_rolls_back_everything_on_an_exception(db: Database) -> None:
    """An exception inside transaction() undoes every write made in it and propagates."""
    await db.execute("INSERT INTO bot_state (key, value) VALUES ('kept', 'before')")
    before = await db.dump()
    with pytest.raises(RuntimeError, match="boom"):
        async with db.transaction():
            await db.execute("UPDATE bot_state SET value = 'during' WHERE key = 'kept'")
            await db.execute("INSERT INTO bot_state (key, value) VALUES ('new', 'x')")
            raise RuntimeError("boom")
    assert await db.dump() == before
    async with db.transaction():  # the connection is usable again afterwards
        await db.execute("INSERT INTO bot_state (key, value) VALUES ('after', 'y')")
    assert await db.fetch_value("SELECT count(*) FROM bot_state") == 2


async def test_a_nested_transaction_joins_the_outer_one(db: Database) -> None:
    """transaction() inside transaction() does not commit on its own: the outer rollback undoes it too."""
    with pytest.raises(RuntimeError):
        async with db.transaction():
            async with db.transaction():
                await db.execute("INSERT INTO bot_state (key, value) VALUES ('inner', '1')")
            assert await db.fetch_value("SELECT value FROM bot_state WHERE key = 'inner'") == "1"
            raise RuntimeError("outer fails")
    assert await db.fetch_value("SELECT count(*) FROM bot_state") == 0


async def test_a_nested_transaction_commits_with_the_outer_one(db: Database) -> None:
    """Writes of a nested transaction() land when the outer one commits."""
    async with db.transaction():
        await db.execute("INSERT INTO bot_state (key, value) VALUES ('outer', '1')")
        async with db.transaction():
            await db.execute("INSERT INTO bot_state (key, value) VALUES ('inner', '2')")
    assert await db.fetch_value("SELECT count(*) FROM bot_state") == 2


async def test_concurrent_read_modify_write_transactions_lose_no_update(db: Database) -> None:
    """Two tasks each incrementing one counter 50 times in transactions end at 100."""
    await _make_counter(db)

    async def increment_50_times() -> None:
        for _ in range(50):
            async with db.transaction():
                n = await db.fetch_value("SELECT n FROM counter WHERE id = 1")
                await asyncio.sleep(0)
                await db.execute("UPDATE counter SET n = ? WHERE id = 1", (n + 1,))

    await asyncio.gather(increment_50_times(), increment_50_times())
    assert await db.fetch_value("SELECT n FROM counter WHERE id = 1") == 100


async def test_concurrent_transactions_lose_no_update_when_each_task_reads_first(db: Database) -> None:
    """Two tasks that read outside before each transaction (as services do) still end at 100, not fewer."""
    await _make_counter(db)

    async def increment_50_times() -> None:
        for _ in range(50):
            await db.fetch_value("SELECT 1")  # e.g. the guild's settings, read before the write
            async with db.transaction():
                n = await db.fetch_value("SELECT n FROM counter WHERE id = 1")
                await db.execute("UPDATE counter SET n = ? WHERE id = 1", (n + 1,))

    await asyncio.gather(increment_50_times(), increment_50_times())
    assert await db.fetch_value("SELECT n FROM counter WHERE id = 1") == 100


async def test_a_transaction_started_while_another_task_is_inside_one_waits_for_it(db: Database) -> None:
    """A task entering transaction() while another task is inside one runs only after that one has finished."""
    order: list[str] = []
    first_inside = asyncio.Event()

    async def first() -> None:
        async with db.transaction():
            order.append("first begins")
            first_inside.set()
            for _ in range(5):  # awaits that give the other task every chance to run
                await db.fetch_value("SELECT 1")
            order.append("first ends")

    async def second() -> None:
        await first_inside.wait()
        async with db.transaction():
            order.append("second")

    await asyncio.gather(first(), second())
    assert order == ["first begins", "first ends", "second"]


async def test_a_task_started_inside_a_transaction_gets_its_own_once_that_one_has_ended(db: Database) -> None:
    """A task spawned inside a transaction that writes after it committed still rolls back on its own error."""
    committed = asyncio.Event()

    async def later_work() -> None:
        await committed.wait()
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute("INSERT INTO bot_state (key, value) VALUES ('spawned', 'x')")
                raise RuntimeError("the spawned task's change fails")

    async with db.transaction():
        spawned = asyncio.create_task(later_work())  # e.g. a scheduler woken from inside a change
        await db.execute("INSERT INTO bot_state (key, value) VALUES ('outer', 'x')")
    committed.set()
    await spawned
    rows = await db.fetch_all("SELECT key FROM bot_state ORDER BY key")
    assert [row[0] for row in rows] == ["outer"]


# --------------------------------------------------------------------------------------------------- backup


async def test_backup_while_another_task_writes_is_consistent_and_opens(
    sqlite_db: SqliteDatabase, tmp_path: Path
) -> None:
    """backup() during a stream of writes gives a file that passes integrity_check and holds the data."""
    db = sqlite_db
    await db.execute("INSERT INTO elections (guild_id, name, name_key) VALUES (1, 'NEC 2025', 'nec 2025')")
    stop = asyncio.Event()
    written = 0

    async def keep_writing() -> None:
        nonlocal written
        while not stop.is_set():
            async with db.transaction():
                await db.execute("INSERT INTO bot_state (key, value) VALUES (?, ?)", (f"k{written}", "x" * 500))
                await db.execute("UPDATE bot_state SET value = 'y' WHERE key = ?", (f"k{written}",))
            written += 1

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.05)
    target = tmp_path / "backups" / "copy.db"
    await db.backup(target)
    await asyncio.sleep(0.02)
    stop.set()
    await writer
    assert written > 0

    raw = sqlite3.connect(target)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        copied = raw.execute("SELECT count(*) FROM bot_state").fetchone()[0]
        assert raw.execute("SELECT count(*) FROM bot_state WHERE value != 'y'").fetchone()[0] == 0
    finally:
        raw.close()
    assert 0 < copied <= written
    assert not (tmp_path / "backups" / "copy.db.partial").exists()

    restored = await Database.open(target)
    try:
        assert await restored.fetch_value("SELECT name FROM elections WHERE guild_id = 1") == "NEC 2025"
        assert await restored.fetch_value("PRAGMA user_version") == len(load_migrations())
    finally:
        await restored.close()


async def test_dump_reflects_every_committed_change(db: Database) -> None:
    """dump() changes when a row changes, so tests can compare states with it."""
    before = await db.dump()
    await db.execute("INSERT INTO bot_state (key, value) VALUES ('k', 'v')")
    after = await db.dump()
    assert before != after
    assert any("bot_state" in line and "'k'" in line for line in after)
