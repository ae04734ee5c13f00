"""Votes per candidate."""

from bot.domain.models import Result
from storage import _rows
from storage.database import Database

_FOR_ELECTION = """
SELECT r.candidate_id, r.guild_id, r.votes, r.elected FROM results AS r
JOIN candidates AS c ON c.id = r.candidate_id JOIN seats AS s ON s.id = c.seat_id
WHERE r.guild_id = ? AND s.election_id = ?
"""
_ALL = "SELECT candidate_id, guild_id, votes, elected FROM results WHERE guild_id = ?"
_GET = "SELECT candidate_id, guild_id, votes, elected FROM results WHERE guild_id = ? AND candidate_id = ?"
# Only for a candidate of the same guild, and never over another guild's row.
_SET = """
INSERT INTO results (candidate_id, guild_id, votes, elected)
SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM candidates WHERE id = ? AND guild_id = ?)
ON CONFLICT (candidate_id) DO UPDATE SET votes = excluded.votes, elected = excluded.elected
WHERE results.guild_id = excluded.guild_id
"""
_CLEAR = "DELETE FROM results WHERE guild_id = ? AND candidate_id = ?"


class ResultRepository:
    """Reads and writes ``results``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def for_election(self, guild_id: int, election_id: int) -> dict[int, Result]:
        """Results of one election keyed by candidate id."""
        rows = await self._db.fetch_all(_FOR_ELECTION, (guild_id, election_id))
        return {r["candidate_id"]: _rows.result(r) for r in rows}

    async def all(self, guild_id: int) -> dict[int, Result]:
        """Every result of the guild keyed by candidate id."""
        return {r["candidate_id"]: _rows.result(r) for r in await self._db.fetch_all(_ALL, (guild_id,))}

    async def get(self, guild_id: int, candidate_id: int) -> Result | None:
        """One candidate's result."""
        row = await self._db.fetch_one(_GET, (guild_id, candidate_id))
        return None if row is None else _rows.result(row)

    async def set(self, result: Result) -> int:
        """Store or replace a result; returns 0 when the candidate is not this guild's."""
        elected = None if result.elected is None else int(result.elected)
        return await self._db.execute(
            _SET,
            (result.candidate_id, result.guild_id, result.votes, elected, result.candidate_id, result.guild_id),
        )

    async def clear(self, guild_id: int, candidate_id: int) -> int:
        """Remove a result; returns rows deleted."""
        return await self._db.execute(_CLEAR, (guild_id, candidate_id))
