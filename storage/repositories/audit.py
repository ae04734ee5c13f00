"""The audit log: append-only."""

from datetime import datetime

from bot.domain.models import AuditEntry
from storage import _rows
from storage.database import Database

_INSERT = "INSERT INTO audit_log (guild_id, actor_id, action, before, after, at) VALUES (?, ?, ?, ?, ?, ?)"
_RECENT = "SELECT * FROM audit_log WHERE guild_id = ? ORDER BY id DESC LIMIT ? OFFSET ?"
_COUNT = "SELECT count(*) FROM audit_log WHERE guild_id = ?"
_ANONYMISE = "UPDATE audit_log SET actor_id = ? WHERE guild_id = ? AND actor_id = ?"
_BY_ACTOR = "SELECT count(*) FROM audit_log WHERE guild_id = ? AND actor_id = ?"


class AuditRepository:
    """Appends to and reads ``audit_log``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        guild_id: int,
        actor_id: int,
        action: str,
        before: dict[str, object] | None,
        after: dict[str, object] | None,
        at: datetime,
    ) -> None:
        """Append one entry."""
        await self._db.insert(
            _INSERT, (guild_id, actor_id, action, _rows.to_json(before), _rows.to_json(after), _rows.to_unix(at))
        )

    async def recent(self, guild_id: int, limit: int = 20, offset: int = 0) -> list[AuditEntry]:
        """The newest entries first."""
        return [_rows.audit_entry(r) for r in await self._db.fetch_all(_RECENT, (guild_id, limit, offset))]

    async def count(self, guild_id: int) -> int:
        """How many entries the guild has."""
        return int(await self._db.fetch_value(_COUNT, (guild_id,)))

    async def count_by_actor(self, guild_id: int, actor_id: int) -> int:
        """How many entries name this member as the actor (for /privacy)."""
        return int(await self._db.fetch_value(_BY_ACTOR, (guild_id, actor_id)))

    async def anonymise_actor(self, guild_id: int, actor_id: int, replacement: int) -> int:
        """Replace a member's id in their audit entries (erasure keeps the record of changes, not the person)."""
        return await self._db.execute(_ANONYMISE, (replacement, guild_id, actor_id))
