"""
A small in-process feed of committed changes, so the Discord side can follow the database.

Services publish after their transaction commits ("the timetable of guild 1 changed"); the reminders cog
subscribes and rebuilds that guild's schedule, posts a "date changed" notice and moves the Discord event.
Services never know who listens.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.enums import MilestoneKind

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TimetableChanged:
    """Something that decides the guild's reminders changed (a date, an election, the reminder settings)."""

    guild_id: int
    election_id: int | None = None
    kind: MilestoneKind | None = None
    before: datetime | None = None
    after: datetime | None = None


Listener = Callable[[TimetableChanged], Awaitable[None]]


class ChangeFeed:
    """Publish/subscribe for committed changes; a failing listener is logged and never breaks the change."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` after every published change."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    async def publish(self, change: TimetableChanged) -> None:
        """Tell every listener, in order; errors are logged, not raised (the change is already committed)."""
        for listener in list(self._listeners):
            try:
                await listener(change)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("A change listener failed for %s", change)
