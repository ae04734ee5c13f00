"""
Committed changes, as every running process learns of them: the reader of the database's outbox.

A service that changes what decides a guild's reminders writes a row to ``changes`` in the same transaction
(:meth:`bot.services._base.Service.timetable_changed`). The feed reads the rows it has not seen yet, in id order,
and hands each to its listeners (the reminder scheduler re-plans, the reminders cog posts a "date changed" notice
and moves the Discord event). Its own process's changes are read the moment their transaction commits; other
processes' (a second shard's process, ``slatebot import``) when the database signals a commit (SQLite's
``data_version``, PostgreSQL's ``NOTIFY``), and at worst within :data:`LOOK_EVERY` seconds. So there is one path
for every change, whoever made it, and the listeners decide what their process owns.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.domain.enums import MilestoneKind
from storage.database import Database
from storage.repositories.changes import ChangeLog, ChangeRow, ClaimRepository

log = logging.getLogger(__name__)

#: The longest a change by another process waits before this one looks for it, when no signal came.
LOOK_EVERY = 2.0
#: Changes are kept this long (a process that was down longer rebuilds everything when it starts anyway).
KEEP_FOR = timedelta(days=2)
#: How often old changes and claims are pruned.
PRUNE_EVERY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class TimetableChanged:
    """Something that decides the guild's reminders changed (a date, an election, the reminder settings)."""

    guild_id: int
    election_id: int | None = None
    kind: MilestoneKind | None = None
    before: datetime | None = None
    after: datetime | None = None
    #: Its id in the outbox: what a "date changed" notice is claimed by, so that it is posted once.
    change_id: int | None = None

    @classmethod
    def of(cls, row: ChangeRow) -> "TimetableChanged":
        """The change an outbox row describes."""
        return cls(row.guild_id, row.election_id, row.kind, row.before, row.after, row.id)


Listener = Callable[[TimetableChanged], Awaitable[None]]


class ChangeFeed:
    """
    Follows the outbox and tells listeners of each change once, in order; a failing listener is logged only.

    Until :meth:`start`, nothing is read (the CLI's processes write changes for the bots to read, and have no
    listeners of their own).
    """

    def __init__(self, db: Database | None = None, clock: Clock | None = None) -> None:
        self._db = db
        self._log = None if db is None else ChangeLog(db)
        self._clock = clock
        self._listeners: list[Listener] = []
        self._seen: int | None = None
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._look_every = LOOK_EVERY
        self._last_prune: datetime | None = None

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` for every change read from now on."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    @property
    def following(self) -> bool:
        """Whether :meth:`start` began following the outbox."""
        return self._seen is not None

    async def start(self, *, look_every: float = LOOK_EVERY) -> None:
        """
        Follow the outbox from its newest change on (what came before is already in the database's state).

        Call before rebuilding anything from the database, so that a change committed during the rebuild is
        still read afterwards.
        """
        if self._log is None or self._db is None:
            msg = "a change feed without a database cannot follow one"
            raise RuntimeError(msg)
        self._look_every = look_every
        self._seen = await self._log.latest()
        self._task = asyncio.create_task(self._follow(), name="changes: follow the outbox")

    async def stop(self) -> None:
        """Stop following (the listeners stay subscribed)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._seen = None

    async def catch_up(self) -> int:
        """Read every change not seen yet and tell the listeners; returns how many were read."""
        if self._log is None or self._seen is None:
            return 0
        read = 0
        async with self._lock:
            while True:
                rows = await self._log.since(self._seen)
                for row in rows:
                    self._seen = row.id
                    await self.publish(TimetableChanged.of(row))
                read += len(rows)
                if not rows:
                    return read

    async def publish(self, change: TimetableChanged) -> None:
        """Tell every listener, in order; errors are logged, not raised (the change is already committed)."""
        for listener in list(self._listeners):
            try:
                await listener(change)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("A change listener failed for %s", change)

    async def _follow(self) -> None:
        """Wait for a sign of a commit (or the fallback interval), then read what is new; never stops on an error."""
        db = self._db
        if db is None:
            return
        while True:
            try:
                await db.wait_for_commits(self._look_every)
                await self.catch_up()
                await self._prune()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Could not follow the database's changes; trying again")
                await asyncio.sleep(self._look_every)

    async def _prune(self) -> None:
        if self._clock is None or self._db is None:
            return
        now = self._clock.now()
        if self._last_prune is not None and now - self._last_prune < PRUNE_EVERY:
            return
        self._last_prune = now
        pruned = await ChangeLog(self._db).prune(now - KEEP_FOR)
        pruned += await ClaimRepository(self._db).prune(now - KEEP_FOR)
        if pruned:
            log.info("Pruned %d old change(s) and claim(s)", pruned)
