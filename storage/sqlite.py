"""
SQLite, the embedded default: one aiosqlite connection with explicit, serialised transactions.

aiosqlite runs every call for a connection on one thread, in order; it does not stop two coroutines from
interleaving statements of two transactions. :meth:`Database.transaction` holds an ``asyncio.Lock`` around
``BEGIN IMMEDIATE`` .. ``COMMIT`` so writes that belong together (a change and its audit row) stay together.
Reads outside a transaction see the last committed state (WAL).
"""

import asyncio
import contextlib
import contextvars
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar, Self

import aiosqlite

from bot.errors import StorageUnavailable
from storage.database import STORAGE_FAILURE, BackupRefused, Database, DatabaseMissing, Params, Row, run_after_commit
from storage.migrate import apply_migrations, sqlite_version

log = logging.getLogger(__name__)

_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 5000",
)


class _Open:
    """The transaction the current task is inside; tasks started inside it see it too, but only while it is open."""

    def __init__(self, db: "SqliteDatabase") -> None:
        self.db = db
        self.open = True
        self.after: list[Callable[[], Awaitable[object]]] = []


_inside: contextvars.ContextVar[_Open | None] = contextvars.ContextVar("slatebot_transaction", default=None)

#: How often :meth:`SqliteDatabase.wait_for_commits` looks at ``data_version`` (one cheap PRAGMA).
_LOOK_EVERY = 0.25

_WRITE_FAILURES = ("readonly", "read-only", "disk is full", "disk i/o error", "unable to open")


def _storage_failure(exc: sqlite3.OperationalError) -> StorageUnavailable | None:
    """Translate a failed write caused by the disk (read-only, full) into a user-facing error."""
    text = str(exc).lower()
    if any(marker in text for marker in _WRITE_FAILURES):
        return StorageUnavailable(STORAGE_FAILURE)
    return None


#: The files SQLite keeps beside a database while it is in use; a backup must never be written over them.
SIDECARS = ("-wal", "-shm", "-journal")


def _same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file: the same resolved path (symlinks, ``..``) or the same inode (hard links)."""
    if first.resolve() == second.resolve():
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


class SqliteDatabase(Database):
    """The bot's SQLite database: one connection, WAL, foreign keys, serialised write transactions."""

    dialect: ClassVar[str] = "sqlite"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._seen_version: int | None = None

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True, create: bool = True) -> Self:
        """
        Open and migrate the database at ``path``.

        With ``create`` (the default) a missing file and its folder are created; without it a missing file
        raises :class:`DatabaseMissing` and nothing is created, for commands that only read.
        """
        db = cls(path)
        await db.connect(migrate=migrate, create=create)
        return db

    @property
    def target(self) -> Path:
        """The database file."""
        return self.path

    @property
    def where(self) -> str:
        """The database file."""
        return str(self.path)

    async def connect(self, *, migrate: bool = True, create: bool = True) -> None:
        """Connect (creating the file unless told not to), apply the PRAGMAs and the pending migrations."""
        if str(self.path) == ":memory:":
            conn = await aiosqlite.connect(self.path, isolation_level=None)
        elif create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = await aiosqlite.connect(self.path, isolation_level=None)
        else:
            if not self.path.exists():
                raise DatabaseMissing(self.path)
            # mode=rw: SQLite opens the file for reading and writing but never creates it, even in a race.
            uri = f"{self.path.absolute().as_uri()}?mode=rw"
            conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
        self._conn = conn
        try:
            conn.row_factory = aiosqlite.Row
            for pragma in _PRAGMAS:
                await conn.execute(pragma)
            if migrate:
                async with self._lock:
                    await apply_migrations(conn)
        except BaseException:
            # Never leave the connection's worker thread running: the process could not exit.
            await self.close()
            raise

    async def close(self) -> None:
        """Close the connection; safe to call twice."""
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def __aenter__(self) -> Self:
        if self._conn is None:
            await self.connect()
        return self

    @property
    def connection(self) -> aiosqlite.Connection:
        """The open connection; raises if the database was closed."""
        if self._conn is None:
            msg = "the database is not open"
            raise RuntimeError(msg)
        return self._conn

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """
        Run the block as one ``BEGIN IMMEDIATE`` transaction, committed on success, rolled back on error.

        Nested use (in the same task, or a task it started) joins the outer transaction; any other task waits
        for it to finish, so two transactions never interleave on the one connection.
        """
        current = _inside.get()
        if current is not None and current.open and current.db is self:
            yield
            return
        async with self._lock:
            conn = self.connection
            try:
                await conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise (_storage_failure(exc) or exc) from exc
            marker = _Open(self)
            token = _inside.set(marker)
            try:
                yield
            except BaseException:
                await conn.rollback()
                raise
            else:
                try:
                    await conn.commit()
                except sqlite3.OperationalError as exc:
                    await conn.rollback()
                    raise (_storage_failure(exc) or exc) from exc
            finally:
                marker.open = False
                _inside.reset(token)
        # Outside the lock: the work after a commit (the change feed's listeners) may start transactions of its own.
        await run_after_commit(marker.after)

    def after_commit(self, callback: Callable[[], Awaitable[object]]) -> None:
        """Await ``callback()`` once the current transaction commits; never on rollback."""
        current = _inside.get()
        if current is not None and current.open and current.db is self:
            current.after.append(callback)
        else:
            msg = "after_commit is for use inside a transaction"
            raise RuntimeError(msg)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of rows it changed."""
        try:
            cursor = await self.connection.execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise (_storage_failure(exc) or exc) from exc
        try:
            return cursor.rowcount
        finally:
            await cursor.close()

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row's id."""
        try:
            cursor = await self.connection.execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise (_storage_failure(exc) or exc) from exc
        try:
            row_id = cursor.lastrowid
        finally:
            await cursor.close()
        if row_id is None:  # pragma: no cover - sqlite always sets it for INSERT
            msg = "INSERT returned no row id"
            raise RuntimeError(msg)
        return row_id

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for many parameter sets."""
        try:
            await self.connection.executemany(sql, rows)
        except sqlite3.OperationalError as exc:
            raise (_storage_failure(exc) or exc) from exc

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """
        Return every row.

        One trip to the connection's worker thread (execute and fetch together) rather than three (execute,
        fetch, close the cursor): each trip costs a few hundred microseconds of waiting, and the activists'
        commands make several queries each.
        """
        return list(await self.connection.execute_fetchall(sql, params))

    async def commits_by_others(self) -> int:
        """
        A number that changes whenever another connection commits to this file (``PRAGMA data_version``).

        This connection's own commits leave it alone, so a running bot polls it cheaply to notice that
        ``slatebot import`` (or another process) changed the database under it.
        """
        return int(await self.fetch_value("PRAGMA data_version"))

    async def wait_for_commits(self, timeout: float) -> bool:
        """Look at ``data_version`` every quarter second for up to ``timeout`` seconds; ``True`` once it moved."""
        if self._seen_version is None:
            self._seen_version = await self.commits_by_others()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            now = await self.commits_by_others()
            if now != self._seen_version:
                self._seen_version = now
                return True
            left = deadline - loop.time()
            if left <= 0:
                return False
            await asyncio.sleep(min(_LOOK_EVERY, left))

    async def notify_change(self) -> None:
        """Nothing to send: another connection's ``data_version`` moves when this one commits."""

    async def reset_identities(self) -> None:
        """Nothing to do: SQLite's next id is always past the largest (AUTOINCREMENT's counter included)."""

    async def schema_version(self) -> int:
        """``PRAGMA user_version``: the last migration applied."""
        return await sqlite_version(self.connection)

    async def tables(self) -> list[str]:
        """The bot's tables, from ``sqlite_master``."""
        rows = await self.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        return [row[0] for row in rows]

    def backup_path(self, target: Path | str, *, overwrite: bool = False, now: datetime | None = None) -> Path:
        """
        The file a backup to ``target`` writes, or :class:`BackupRefused` saying why it must not be written.

        An existing folder gets a new dated copy inside it (``slatebot-20250501-120000.db``, then ``-2``...).
        Refused: the database itself by any path (relative, ``..``, symlink, hard link), its ``-wal``, ``-shm``
        or ``-journal`` file, and an existing file unless ``overwrite``.
        """
        target = Path(target)
        if target.is_dir():
            stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
            base = f"{self.path.stem}-{stamp}"
            target = target / f"{base}{self.path.suffix}"
            tries = 1
            while target.exists() or target.is_symlink():
                tries += 1
                target = target.with_name(f"{base}-{tries}{self.path.suffix}")
        if _same_file(target, self.path):
            msg = f"{target} is the database itself; back it up to another file or a folder."
            raise BackupRefused(msg)
        for sidecar in SIDECARS:
            if _same_file(target, self.path.with_name(self.path.name + sidecar)):
                msg = f"{target} is the database's {sidecar} file; back it up to another file or a folder."
                raise BackupRefused(msg)
        partial = target.with_name(target.name + ".partial")
        if any(_same_file(partial, self.path.with_name(self.path.name + s)) for s in ("", *SIDECARS)):
            msg = f"{target} would be written through {partial}, which is the database's; choose another path."
            raise BackupRefused(msg)
        if (target.exists() or target.is_symlink()) and not overwrite:
            raise BackupRefused(_exists(target))
        return target

    async def backup(self, target: Path | str, *, overwrite: bool = False) -> Path:
        """
        Write an online, consistent copy of the database to ``target`` and return the file written.

        ``target`` is checked by :meth:`backup_path` first (a folder gets a dated copy inside it; the database,
        its sidecars and, unless ``overwrite``, an existing file are refused). Uses SQLite's backup API, which
        copies a snapshot page by page while other writers wait only briefly; the copy is written to a temporary
        file first and renamed, so a half-written backup never exists.
        """
        target = self.backup_path(target, overwrite=overwrite)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            async with self._lock:
                dest = await aiosqlite.connect(partial)
                try:
                    await self.connection.backup(dest)
                finally:
                    await dest.close()
            if overwrite:
                partial.replace(target)
            else:
                _link_new(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        log.info("Backed up the database to %s", target)
        return target

    async def sql_dump(self) -> list[str]:
        """The SQL text of the whole database, schema and rows (``iterdump``)."""
        return [line async for line in self.connection.iterdump()]


def _link_new(source: Path, target: Path) -> None:
    """Give ``source`` the name ``target`` only if nothing has that name yet (never overwrites, even in a race)."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise BackupRefused(_exists(target)) from None
    except OSError:
        # A file system without hard links: check, then rename (a narrow race, but still never a known overwrite).
        if target.exists() or target.is_symlink():
            raise BackupRefused(_exists(target)) from None
        source.replace(target)


def _exists(target: Path) -> str:
    """The refusal for a backup target that already exists."""
    return f"{target} already exists and was left as it was; choose a new path, or add --force to replace it."
