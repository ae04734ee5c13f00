"""
The one storage interface the repositories use, and which database a ``DATABASE_URL`` opens.

Two engines stand behind it: SQLite (:mod:`storage.sqlite`, one process, the embedded default) and PostgreSQL
(:mod:`storage.postgres`, asyncpg, several processes sharing one database). The repositories write their SQL
once, with ``?`` placeholders and portable statements; what differs between the two (placeholders, row ids,
locking, the schema's types, noticing other processes' commits) stays in those two modules.
"""

import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Protocol, Self

log = logging.getLogger(__name__)

Params = Sequence[object]


class Row(Protocol):
    """A result row: read by column name or position, and iterable as values (sqlite3.Row, asyncpg.Record)."""

    def __getitem__(self, key: int | str, /) -> Any: ...  # noqa: ANN401 - a SQL value

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...

    def keys(self) -> Iterable[str]:
        """The column names."""
        ...


class DatabaseMissing(FileNotFoundError):
    """The database does not exist, and the caller asked not to create it."""

    def __init__(self, where: Path | str) -> None:
        super().__init__(f"no database at {where}")
        self.path = where


class DatabaseUnreachable(ConnectionError):
    """The database server could not be reached, or refused the connection (PostgreSQL)."""


class BackupRefused(ValueError):
    """A backup target that would destroy data: the database itself, its sidecar files, or an existing file."""


#: What the user sees when a write fails because of the database's disk or server rather than the change.
STORAGE_FAILURE = (
    "The bot could not save that change: its database is read-only, its disk is full or its server is "
    "unreachable. Nothing was changed; ask whoever runs the bot to check its database."
)


class Database(ABC):
    """
    A database the repositories run portable SQL against: transactions, statements, rows.

    ``Database.open(target)`` picks the engine: a ``postgresql://`` URL opens PostgreSQL, anything else (a path,
    ``sqlite:///...``, ``:memory:``) SQLite.
    """

    #: ``"sqlite"`` or ``"postgresql"``: for the few callers that must know (backups, the CLI's version line).
    dialect: ClassVar[str]

    @classmethod
    async def open(cls, target: Path | str, *, migrate: bool = True, create: bool = True) -> "Database":
        """Open (and by default migrate) the database ``target`` names; see :func:`open_database`."""
        return await open_database(target, migrate=migrate, create=create)

    @property
    @abstractmethod
    def where(self) -> str:
        """A human description of the database (a file path, or a URL without its password)."""

    @property
    @abstractmethod
    def target(self) -> Path | str:
        """What :meth:`open` takes to open this database again: the SQLite file's path, or the PostgreSQL URL."""

    @abstractmethod
    async def close(self) -> None:
        """Close every connection; safe to call twice."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @abstractmethod
    def transaction(self) -> contextlib.AbstractAsyncContextManager[None]:
        """
        Run the block as one write transaction: committed on success, rolled back on error.

        Write transactions never interleave (SQLite: one writer; PostgreSQL: an advisory lock taken first), so
        a read-then-write inside one sees no other writer's change in between. Nested use joins the outer one.
        """

    @abstractmethod
    def after_commit(self, callback: Callable[[], Awaitable[object]]) -> None:
        """
        Await ``callback()`` once the current transaction commits, after the block; never on rollback.

        For work that must see the change committed (the change feed reading the outbox). Only inside a
        transaction; a failing callback is logged, not raised: the change it follows is already committed.
        """

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of rows it changed."""

    @abstractmethod
    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT into a table with an ``id`` key and return the new row's id."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for many parameter sets."""

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Return every row."""

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """Return the first row, or ``None`` (for lookups by key and aggregates)."""
        return next(iter(await self.fetch_all(sql, params)), None)

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:  # noqa: ANN401 - a single SQL value
        """Return the first column of the first row, or ``None``."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    @abstractmethod
    async def schema_version(self) -> int:
        """The number of the last migration applied."""

    @abstractmethod
    async def tables(self) -> list[str]:
        """The names of the bot's tables (not the migration bookkeeping), sorted."""

    @abstractmethod
    async def notify_change(self) -> None:
        """
        Inside a transaction that wrote to the outbox: wake the other processes when it commits.

        Nothing to do on SQLite, whose ``data_version`` moves by itself; PostgreSQL sends a ``NOTIFY``.
        """

    @abstractmethod
    async def reset_identities(self) -> None:
        """After rows were inserted with their ids (``db copy``), make new rows' ids follow them."""

    @abstractmethod
    async def wait_for_commits(self, timeout: float) -> bool:
        """
        Wait up to ``timeout`` seconds for a sign that another connection may have committed; ``True`` if one came.

        SQLite looks at ``PRAGMA data_version`` (which moves when another connection commits); PostgreSQL waits
        for a ``NOTIFY`` from a committing process. ``False`` only means "no sign": callers still look anyway
        now and then, so a lost notification delays a change but never loses it.
        """

    async def dump(self) -> list[str]:
        """Every row of every table as text, in a stable order: for comparing two states (tests, ``db copy``)."""
        lines: list[str] = []
        for table in await self.tables():
            rows = [tuple(row) for row in await self.fetch_all(f"SELECT * FROM {table}")]  # noqa: S608 - our names
            # Sorted here, not by SQL: the engines order ties and NULLs differently, and dumps must compare equal.
            rows.sort(key=lambda row: tuple((value is not None, value) for value in row))
            lines.extend(f"{table}: {row!r}" for row in rows)
        return lines


async def run_after_commit(callbacks: Iterable[Callable[[], Awaitable[object]]]) -> None:
    """Await each after-commit callback in order, logging (not raising) a failure."""
    for callback in callbacks:
        try:
            await callback()
        except Exception:
            log.exception("Work after a commit failed (the change itself is saved)")


def is_postgres_url(target: Path | str) -> bool:
    """Whether ``target`` names a PostgreSQL database (``postgresql://`` or ``postgres://``)."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


async def open_database(target: Path | str, *, migrate: bool = True, create: bool = True) -> Database:
    """
    Open the database ``target`` names, applying pending migrations unless ``migrate`` is false.

    ``postgresql://user:password@host:port/name`` opens PostgreSQL; ``sqlite:///path.db``, a plain path or
    ``:memory:`` opens SQLite. Without ``create``, a database that does not exist raises :class:`DatabaseMissing`
    and nothing is created (for commands that only read).
    """
    if is_postgres_url(target):
        from storage.postgres import PostgresDatabase

        return await PostgresDatabase.open(str(target), migrate=migrate, create=create)
    from storage.sqlite import SqliteDatabase

    path = str(target).removeprefix("sqlite:///") if isinstance(target, str) else target
    return await SqliteDatabase.open(path, migrate=migrate, create=create)
