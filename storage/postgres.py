"""
PostgreSQL, for several processes sharing one database: asyncpg and its connection pool.

The repositories' SQL is portable: ``?`` placeholders become ``$1, $2...`` here (once per statement text, cached),
and an :meth:`insert` gets ``RETURNING id``. Write transactions take one advisory lock first, so they run one at a
time across every process, as SQLite's ``BEGIN IMMEDIATE`` makes them: a read-then-write inside a transaction
(a seat's places checked, then a winner recorded) sees no other writer in between, and the outbox's ids are
committed in order. Reads run on any pooled connection and see the last committed state.

A committing process that wrote to the outbox sends ``NOTIFY slatebot_changes`` inside its transaction
(PostgreSQL delivers it on commit); every process listens on one connection of its own.
"""

import asyncio
import contextlib
import contextvars
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.errors import StorageUnavailable
from bot.settings import redacted_url
from storage.database import (
    STORAGE_FAILURE,
    Database,
    DatabaseMissing,
    DatabaseUnreachable,
    Params,
    Row,
    run_after_commit,
)
from storage.migrate import MigrationError, check_not_newer, load_migrations

log = logging.getLogger(__name__)

#: The channel committing processes notify and every running process listens on.
CHANNEL = "slatebot_changes"
#: Advisory lock keys (any fixed 64-bit numbers): one for write transactions, one for applying migrations.
WRITE_LOCK = 0x51A7E_0001
MIGRATE_LOCK = 0x51A7E_0002
#: Connections each process keeps: enough for a burst of commands and reminders, few enough that several processes
#: stay far under PostgreSQL's default of 100 connections.
POOL_MIN = 1
POOL_MAX = 10

_CONNECTION_FAILURES = (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError, asyncpg.CannotConnectNowError)
_DISK_FAILURES = (asyncpg.DiskFullError, asyncpg.ReadOnlySQLTransactionError, asyncpg.InsufficientResourcesError)


@functools.lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1, $2...``, leaving quoted text and identifiers alone."""
    out: list[str] = []
    count = 0
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            count += 1
            out.append(f"${count}")
            continue
        out.append(char)
    return "".join(out)


def _rowcount(status: str) -> int:
    """The rows a command changed, from asyncpg's status line (``INSERT 0 1``, ``UPDATE 3``, ``DELETE 0``)."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _Open:
    """The transaction the current task is inside: its connection, and what runs after it commits."""

    def __init__(self, db: "PostgresDatabase", conn: "Connection") -> None:
        self.db = db
        self.conn = conn
        self.open = True
        #: One statement at a time on the connection, even if the transaction's task starts others.
        self.lock = asyncio.Lock()
        self.after: list[Callable[[], Awaitable[object]]] = []


Connection = asyncpg.Connection | PoolConnectionProxy

_inside: contextvars.ContextVar[_Open | None] = contextvars.ContextVar("slatebot_pg_transaction", default=None)


class PostgresDatabase(Database):
    """The bot's PostgreSQL database: an asyncpg pool, serialised write transactions, LISTEN for other commits."""

    dialect: ClassVar[str] = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url
        self._pool: asyncpg.Pool | None = None
        self._listener: asyncpg.Connection | None = None
        self._heard = asyncio.Event()

    @classmethod
    async def open(cls, path: Any, *, migrate: bool = True, create: bool = True) -> Self:  # noqa: ANN401
        """Connect to the database at the URL ``path`` (creating it unless told not to) and migrate it."""
        db = cls(str(path))
        await db.connect(migrate=migrate, create=create)
        return db

    @property
    def target(self) -> str:
        """The URL."""
        return self.url

    @property
    def where(self) -> str:
        """The URL, without its password."""
        return redacted_url(self.url)

    async def connect(self, *, migrate: bool = True, create: bool = True) -> None:
        """Open the pool (creating the database if it is missing and ``create``), then apply pending migrations."""
        try:
            try:
                self._pool = await asyncpg.create_pool(self.url, min_size=POOL_MIN, max_size=POOL_MAX)
            except asyncpg.InvalidCatalogNameError:
                if not create:
                    raise DatabaseMissing(self.where) from None
                await _create_database(self.url)
                self._pool = await asyncpg.create_pool(self.url, min_size=POOL_MIN, max_size=POOL_MAX)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            if isinstance(exc, DatabaseMissing):
                raise
            raise DatabaseUnreachable(f"cannot connect to {self.where}: {exc}") from exc
        try:
            if migrate:
                await self._migrate()
            elif not create and await self.schema_version() == 0:
                raise DatabaseMissing(self.where)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Close the listening connection and the pool; safe to call twice."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(Exception):
                await listener.close(timeout=2)
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), 5)
            except (TimeoutError, Exception):
                pool.terminate()

    @property
    def pool(self) -> asyncpg.Pool:
        """The open pool; raises if the database was closed."""
        if self._pool is None:
            msg = "the database is not open"
            raise RuntimeError(msg)
        return self._pool

    # -- transactions -----------------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One write transaction, serialised with every other process's by an advisory lock; nested use joins it."""
        current = _inside.get()
        if current is not None and current.open and current.db is self:
            yield
            return
        try:
            conn = await self.pool.acquire()
        except _CONNECTION_FAILURES as exc:
            raise StorageUnavailable(STORAGE_FAILURE) from exc
        marker = _Open(self, conn)
        token = _inside.set(marker)
        try:
            try:
                transaction = conn.transaction()
                await transaction.start()
                await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            except _CONNECTION_FAILURES + _DISK_FAILURES as exc:
                raise StorageUnavailable(STORAGE_FAILURE) from exc
            try:
                yield
            except BaseException:
                with contextlib.suppress(*_CONNECTION_FAILURES):
                    await transaction.rollback()
                raise
            try:
                await transaction.commit()
            except _CONNECTION_FAILURES + _DISK_FAILURES as exc:
                raise StorageUnavailable(STORAGE_FAILURE) from exc
        finally:
            marker.open = False
            _inside.reset(token)
            await self.pool.release(conn)
        await run_after_commit(marker.after)

    def after_commit(self, callback: Callable[[], Awaitable[object]]) -> None:
        """Await ``callback()`` once the current transaction commits; never on rollback."""
        current = _inside.get()
        if current is not None and current.open and current.db is self:
            current.after.append(callback)
        else:
            msg = "after_commit is for use inside a transaction"
            raise RuntimeError(msg)

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator["Connection"]:
        """The current transaction's connection (one statement at a time), or a pooled one."""
        current = _inside.get()
        if current is not None and current.open and current.db is self:
            async with current.lock:
                yield current.conn
            return
        try:
            async with self.pool.acquire() as conn:
                yield conn
        except _DISK_FAILURES as exc:
            raise StorageUnavailable(STORAGE_FAILURE) from exc

    # -- statements -------------------------------------------------------------------------------------------

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of rows it changed."""
        async with self._connection() as conn:
            return _rowcount(await conn.execute(numbered(sql), *params))

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row's id (``RETURNING id``)."""
        async with self._connection() as conn:
            row_id = await conn.fetchval(numbered(sql) + " RETURNING id", *params)
        if row_id is None:
            msg = "INSERT returned no row id"
            raise RuntimeError(msg)
        return int(row_id)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for many parameter sets (one round trip, pipelined by asyncpg)."""
        async with self._connection() as conn:
            await conn.executemany(numbered(sql), [tuple(r) for r in rows])

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Return every row."""
        async with self._connection() as conn:
            return list(await conn.fetch(numbered(sql), *params))

    async def notify_change(self) -> None:
        """Tell every listening process, when this transaction commits, that the outbox grew."""
        await self.execute(f"NOTIFY {CHANNEL}")

    # -- other processes' commits -----------------------------------------------------------------------------

    async def wait_for_commits(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a ``NOTIFY`` from any committing process (this one included)."""
        if self._listener is None or self._listener.is_closed():
            try:
                await self._listen()
            except _CONNECTION_FAILURES:
                log.warning("Could not listen for other processes' changes; looking every %.0f s", timeout)
                await asyncio.sleep(timeout)
                return False
        try:
            await asyncio.wait_for(self._heard.wait(), timeout)
        except TimeoutError:
            return False
        self._heard.clear()
        return True

    async def _listen(self) -> None:
        self._listener = await asyncpg.connect(self.url)
        await self._listener.add_listener(CHANNEL, self._on_notify)
        # Anything committed before the LISTEN began is not notified: say "look" once to be sure.
        self._heard.set()

    def _on_notify(self, _conn: "Connection", _pid: int, _channel: str, _payload: object) -> None:
        self._heard.set()

    # -- schema -----------------------------------------------------------------------------------------------

    async def schema_version(self) -> int:
        """The last migration recorded in ``schema_migrations`` (0 on an empty database)."""
        exists = await self.fetch_value("SELECT to_regclass('schema_migrations') IS NOT NULL")
        if not exists:
            return 0
        return int(await self.fetch_value("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))

    async def tables(self) -> list[str]:
        """The bot's tables in the current schema."""
        rows = await self.fetch_all(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_name"
        )
        return [row[0] for row in rows]

    async def _migrate(self) -> list[int]:
        """Apply the pending migrations, each in its own transaction, one process at a time."""
        migrations = load_migrations("postgresql")
        applied: list[int] = []
        async with self.pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATE_LOCK)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                )
                version = int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))
                check_not_newer(version, migrations)
                for migration in migrations:
                    if migration.version <= version:
                        continue
                    log.info("Applying migration %s", migration.name)
                    async with conn.transaction():
                        await conn.execute(migration.sql)
                        await conn.execute(
                            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                            migration.version,
                            migration.name,
                        )
                    applied.append(migration.version)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATE_LOCK)
        return applied

    async def reset_identities(self) -> None:
        """After rows were copied in with their ids, move each identity on past the largest id (``db copy``)."""
        for table in await self.tables():
            has_id = await self.fetch_value(
                "SELECT pg_get_serial_sequence(?, 'id') IS NOT NULL "
                "FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ? AND column_name = 'id'",
                (table, table),
            )
            if has_id:
                await self.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our own table names
                    f"GREATEST((SELECT MAX(id) FROM {table}), 1), (SELECT MAX(id) FROM {table}) IS NOT NULL)"
                )


async def _create_database(url: str) -> None:
    """Create the database ``url`` names, connecting to the server's ``postgres`` database to do it."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or '"' in name:
        msg = f"cannot create a database named {name!r}"
        raise MigrationError(msg)
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = await asyncpg.connect(admin)
    try:
        with contextlib.suppress(asyncpg.DuplicateDatabaseError):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
