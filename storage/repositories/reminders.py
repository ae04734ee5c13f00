"""The reminder ledger (what Discord accepted) and reminder subscribers."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.domain.models import SentReminder
from storage import _rows
from storage.database import Database, Row

_SENT_IDS = "SELECT job_id FROM reminders_sent WHERE guild_id = ?"
# A row without a message: the scheduler recorded the reminder as skipped (missed, or superseded) without posting.
_SKIPPED_IDS = "SELECT job_id FROM reminders_sent WHERE guild_id = ? AND message_id IS NULL"
_ALL_SENT_IDS = "SELECT guild_id, job_id FROM reminders_sent"
_SENT = "SELECT * FROM reminders_sent WHERE guild_id = ? AND job_id = ?"
_MARK = """
INSERT INTO reminders_sent (guild_id, job_id, sent_at, message_id, late) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (guild_id, job_id) DO NOTHING
"""
_SUBSCRIBE = """
INSERT INTO reminder_subscribers (guild_id, user_id, subscribed_at) VALUES (?, ?, ?)
ON CONFLICT (guild_id, user_id) DO NOTHING
"""
_UNSUBSCRIBE = "DELETE FROM reminder_subscribers WHERE guild_id = ? AND user_id = ?"
_SUBSCRIBERS = "SELECT user_id FROM reminder_subscribers WHERE guild_id = ? ORDER BY user_id"
_SUBSCRIPTION = "SELECT subscribed_at FROM reminder_subscribers WHERE guild_id = ? AND user_id = ?"


class ReminderLedger:
    """
    Which reminders are done with; a job id in here is never posted again.

    A row with a message id is a reminder Discord accepted; a row without one is a reminder the scheduler recorded
    as skipped (its time passed before it could be posted), so that it is not posted later either.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    async def sent_ids(self, guild_id: int) -> set[str]:
        """Every job id already posted in the guild."""
        return {r[0] for r in await self._db.fetch_all(_SENT_IDS, (guild_id,))}

    async def skipped_ids(self, guild_id: int) -> set[str]:
        """The job ids in the ledger that were recorded as skipped (never posted: no message)."""
        return {r[0] for r in await self._db.fetch_all(_SKIPPED_IDS, (guild_id,))}

    async def sent_ids_by_guild(self) -> dict[int, set[str]]:
        """Every guild's posted job ids, by guild id (the scheduler's start-up reads them in one go)."""
        return _by_guild(await self._db.fetch_all(_ALL_SENT_IDS))

    async def get(self, guild_id: int, job_id: str) -> SentReminder | None:
        """The ledger row for one job id."""
        row = await self._db.fetch_one(_SENT, (guild_id, job_id))
        if row is None:
            return None
        return SentReminder(
            guild_id=row["guild_id"],
            job_id=row["job_id"],
            sent_at=_rows.from_unix(row["sent_at"]),
            message_id=row["message_id"],
            late=bool(row["late"]),
        )

    async def mark_sent(
        self, guild_id: int, job_id: str, sent_at: datetime, message_id: int | None, *, late: bool = False
    ) -> bool:
        """Record a posted reminder; ``False`` when it was already recorded."""
        changed = await self._db.execute(_MARK, (guild_id, job_id, _rows.to_unix(sent_at), message_id, int(late)))
        return changed == 1


class SubscriberRepository:
    """Members who asked for reminder DMs: the only thing stored about an activist."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def subscribe(self, guild_id: int, user_id: int, at: datetime) -> bool:
        """Add a subscriber; ``False`` when already subscribed."""
        return await self._db.execute(_SUBSCRIBE, (guild_id, user_id, _rows.to_unix(at))) == 1

    async def unsubscribe(self, guild_id: int, user_id: int) -> bool:
        """Remove a subscriber; ``False`` when not subscribed."""
        return await self._db.execute(_UNSUBSCRIBE, (guild_id, user_id)) == 1

    async def subscription(self, guild_id: int, user_id: int) -> datetime | None:
        """When the member subscribed, or ``None``."""
        value = await self._db.fetch_value(_SUBSCRIPTION, (guild_id, user_id))
        return None if value is None else _rows.from_unix(int(value))

    async def subscribers(self, guild_id: int) -> list[int]:
        """Every subscriber's user id."""
        return [r[0] for r in await self._db.fetch_all(_SUBSCRIBERS, (guild_id,))]


_EVENT_LINKS = "SELECT election_id, event_id FROM scheduled_events WHERE guild_id = ?"
_LINK_EVENT = """
INSERT INTO scheduled_events (election_id, guild_id, event_id)
SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT)
WHERE EXISTS (SELECT 1 FROM elections WHERE id = ? AND guild_id = ?)
ON CONFLICT (election_id) DO UPDATE SET event_id = excluded.event_id WHERE scheduled_events.guild_id = excluded.guild_id
"""
_UNLINK_EVENT = "DELETE FROM scheduled_events WHERE guild_id = ? AND event_id = ?"


class EventLinkRepository:
    """Which Discord scheduled event mirrors each election's ballot window."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def links(self, guild_id: int) -> dict[int, int]:
        """Election id -> Discord event id."""
        return {r[0]: r[1] for r in await self._db.fetch_all(_EVENT_LINKS, (guild_id,))}

    async def link(self, guild_id: int, election_id: int, event_id: int) -> None:
        """Remember the event for an election (of this guild only)."""
        await self._db.execute(_LINK_EVENT, (election_id, guild_id, event_id, election_id, guild_id))

    async def unlink(self, guild_id: int, event_id: int) -> None:
        """Forget an event (deleted, or its election is gone)."""
        await self._db.execute(_UNLINK_EVENT, (guild_id, event_id))


def _by_guild(rows: Iterable[Row]) -> dict[int, set[Any]]:
    """``(guild_id, value)`` rows as each guild's set of values."""
    grouped: dict[int, set[Any]] = {}
    for guild_id, value in rows:
        grouped.setdefault(guild_id, set()).add(value)
    return grouped
