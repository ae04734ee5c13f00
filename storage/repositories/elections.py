"""Elections and their timetables."""

from collections.abc import Sequence
from datetime import datetime

from bot.domain.enums import MilestoneKind
from bot.domain.models import Election, Milestone
from bot.domain.text import normalise
from storage import _rows
from storage.database import Database, Row

_LIST_ALL = "SELECT id, guild_id, name, description FROM elections ORDER BY guild_id, id"
_LIST = "SELECT id, guild_id, name, description FROM elections WHERE guild_id = ? ORDER BY id"
_GET = "SELECT id, guild_id, name, description FROM elections WHERE guild_id = ? AND id = ?"
_BY_KEY = "SELECT id, guild_id, name, description FROM elections WHERE guild_id = ? AND name_key = ?"
_MILESTONES_ALL = "SELECT election_id, kind, at FROM milestones ORDER BY at"
_MILESTONES = "SELECT election_id, kind, at FROM milestones WHERE guild_id = ? ORDER BY at"
_MILESTONES_OF = "SELECT election_id, kind, at FROM milestones WHERE guild_id = ? AND election_id = ? ORDER BY at"
_INSERT = "INSERT INTO elections (guild_id, name, name_key, description) VALUES (?, ?, ?, ?)"
_RENAME = "UPDATE elections SET name = ?, name_key = ? WHERE guild_id = ? AND id = ?"
_DESCRIBE = "UPDATE elections SET description = ? WHERE guild_id = ? AND id = ?"
_DELETE = "DELETE FROM elections WHERE guild_id = ? AND id = ?"
# Only for an election of the same guild, and never over another guild's row.
_SET_MILESTONE = """
INSERT INTO milestones (election_id, guild_id, kind, at)
SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT)
WHERE EXISTS (SELECT 1 FROM elections WHERE id = ? AND guild_id = ?)
ON CONFLICT (election_id, kind) DO UPDATE SET at = excluded.at WHERE milestones.guild_id = excluded.guild_id
"""
_CLEAR_MILESTONE = "DELETE FROM milestones WHERE guild_id = ? AND election_id = ? AND kind = ?"


class ElectionRepository:
    """Reads and writes ``elections`` and ``milestones``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def all(self, guild_id: int) -> list[Election]:
        """Every election of the guild, oldest first, with timetables."""
        rows = await self._db.fetch_all(_LIST, (guild_id,))
        milestones = await self._db.fetch_all(_MILESTONES, (guild_id,))
        return _with_timetables(rows, milestones)

    async def by_guild(self) -> dict[int, list[Election]]:
        """Every guild's elections with timetables, by guild id (the scheduler's start-up reads them in one go)."""
        grouped: dict[int, list[Election]] = {}
        rows = await self._db.fetch_all(_LIST_ALL)
        milestones = await self._db.fetch_all(_MILESTONES_ALL)
        for election in _with_timetables(rows, milestones):
            grouped.setdefault(election.guild_id, []).append(election)
        return grouped

    async def get(self, guild_id: int, election_id: int) -> Election | None:
        """One election by id, or ``None`` (also when it belongs to another guild)."""
        row = await self._db.fetch_one(_GET, (guild_id, election_id))
        if row is None:
            return None
        return await self._with_timetable(row["id"], row["guild_id"], row["name"], row["description"])

    async def find(self, guild_id: int, name: str) -> Election | None:
        """One election by its forgiving name key."""
        row = await self._db.fetch_one(_BY_KEY, (guild_id, normalise(name)))
        if row is None:
            return None
        return await self._with_timetable(row["id"], row["guild_id"], row["name"], row["description"])

    async def _with_timetable(self, election_id: int, guild_id: int, name: str, description: str | None) -> Election:
        rows = await self._db.fetch_all(_MILESTONES_OF, (guild_id, election_id))
        return Election(
            id=election_id,
            guild_id=guild_id,
            name=name,
            description=description,
            timetable=tuple(_rows.milestone(r) for r in rows),
        )

    async def add(self, guild_id: int, name: str, description: str | None = None) -> Election:
        """Store a new election; the caller has checked the name is free."""
        election_id = await self._db.insert(_INSERT, (guild_id, name, normalise(name), description))
        return Election(id=election_id, guild_id=guild_id, name=name, description=description)

    async def rename(self, guild_id: int, election_id: int, name: str) -> int:
        """Rename; returns rows changed (0 when not found)."""
        return await self._db.execute(_RENAME, (name, normalise(name), guild_id, election_id))

    async def describe(self, guild_id: int, election_id: int, description: str | None) -> int:
        """Set the description; returns rows changed."""
        return await self._db.execute(_DESCRIBE, (description, guild_id, election_id))

    async def remove(self, guild_id: int, election_id: int) -> int:
        """Delete the election with its timetable, seats, candidates and results; returns rows deleted."""
        return await self._db.execute(_DELETE, (guild_id, election_id))

    async def set_milestone(self, guild_id: int, election_id: int, kind: MilestoneKind, at: datetime) -> int:
        """Date (or re-date) one milestone; returns 0 when the election is not this guild's."""
        return await self._db.execute(
            _SET_MILESTONE, (election_id, guild_id, kind.value, _rows.to_unix(at), election_id, guild_id)
        )

    async def clear_milestone(self, guild_id: int, election_id: int, kind: MilestoneKind) -> int:
        """Remove one milestone's date; returns rows deleted."""
        return await self._db.execute(_CLEAR_MILESTONE, (guild_id, election_id, kind.value))


def _with_timetables(rows: Sequence[Row], milestones: Sequence[Row]) -> list[Election]:
    """Elections from their rows, each with its milestones (given in date order)."""
    by_election: dict[int, list[Milestone]] = {}
    for m in milestones:
        by_election.setdefault(m["election_id"], []).append(_rows.milestone(m))
    return [
        Election(
            id=r["id"],
            guild_id=r["guild_id"],
            name=r["name"],
            description=r["description"],
            timetable=tuple(by_election.get(r["id"], ())),
        )
        for r in rows
    ]
