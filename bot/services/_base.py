"""What every service shares: the repositories, the clock, and the audit writer."""

import dataclasses
from datetime import datetime
from enum import Enum

from bot.clock import Clock
from bot.domain.enums import MilestoneKind
from bot.services.changes import ChangeFeed
from storage.repositories import Repositories


def snapshot(record: object) -> dict[str, object]:
    """A JSON-friendly view of a domain record, for the audit log."""
    if not dataclasses.is_dataclass(record) or isinstance(record, type):
        msg = f"cannot snapshot {record!r}"
        raise TypeError(msg)
    out: dict[str, object] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = [snapshot(v) if dataclasses.is_dataclass(v) else v for v in value]
        out[f.name] = value
    return out


class Service:
    """Base of the services: holds the repositories and the clock, and writes audit entries."""

    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.db = repos.db
        self.clock = clock
        #: Replaced by the container with the one feed every service shares.
        self.changes = ChangeFeed()

    async def timetable_changed(
        self,
        guild_id: int,
        *,
        election_id: int | None = None,
        kind: MilestoneKind | None = None,
        before: datetime | None = None,
        after: datetime | None = None,
    ) -> None:
        """
        Record that what decides this guild's reminders changed, in the change's own transaction (the outbox).

        Once the transaction commits, this process's change feed reads it at once; every other process's within
        seconds. Called outside a transaction, it makes one of its own.
        """
        async with self.db.transaction():
            await self.repos.changes.add(
                guild_id, self.clock.now(), election_id=election_id, kind=kind, before=before, after=after
            )
            self.db.after_commit(self.changes.catch_up)

    async def audit(
        self,
        guild_id: int,
        actor_id: int,
        action: str,
        before: object | None,
        after: object | None,
    ) -> None:
        """Record a change; call inside the change's own transaction so both land or neither does."""
        await self.repos.audit.add(
            guild_id,
            actor_id,
            action,
            None if before is None else _as_dict(before),
            None if after is None else _as_dict(after),
            self.clock.now(),
        )


def _as_dict(value: object) -> dict[str, object]:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return snapshot(value)
