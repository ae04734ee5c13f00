"""Votes per candidate."""

from collections.abc import Iterable

from bot.domain.models import Result
from bot.domain.reminders import SeatCount
from storage import _rows
from storage.database import Database, Row

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
SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS INTEGER)
WHERE EXISTS (SELECT 1 FROM candidates WHERE id = ? AND guild_id = ?)
ON CONFLICT (candidate_id) DO UPDATE SET votes = excluded.votes, elected = excluded.elected
WHERE results.guild_id = excluded.guild_id
"""
_CLEAR = "DELETE FROM results WHERE guild_id = ? AND candidate_id = ?"
# How far each seat's result is recorded: candidates standing, with votes in, marked elected.
_SEAT_COUNTS_WHERE = """
SELECT s.guild_id, s.election_id, s.places, COUNT(c.id) AS candidates, COUNT(r.candidate_id) AS recorded,
       COALESCE(SUM(CASE WHEN r.elected = 1 THEN 1 ELSE 0 END), 0) AS elected
FROM seats AS s
LEFT JOIN candidates AS c ON c.seat_id = s.id AND c.guild_id = s.guild_id
LEFT JOIN results AS r ON r.candidate_id = c.id AND r.guild_id = s.guild_id
{where}
GROUP BY s.id, s.guild_id, s.election_id, s.places
ORDER BY s.id
"""
#: Both built once from one statement: every guild's seats (the start-up), or one guild's.
_ALL_SEAT_COUNTS = _SEAT_COUNTS_WHERE.format(where="")
_SEAT_COUNTS = _SEAT_COUNTS_WHERE.format(where="WHERE s.guild_id = ?")


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

    async def seat_counts(self, guild_id: int) -> list[SeatCount]:
        """How far each of the guild's seats has its result recorded (what stops an election's reminders)."""
        return [_rows.seat_count(r) for r in await self._db.fetch_all(_SEAT_COUNTS, (guild_id,))]

    async def seat_counts_by_guild(self) -> dict[int, list[SeatCount]]:
        """:meth:`seat_counts` for every guild at once, by guild id (the scheduler's start-up reads them in one go)."""
        return _by_guild(await self._db.fetch_all(_ALL_SEAT_COUNTS))


def _by_guild(rows: Iterable[Row]) -> dict[int, list[SeatCount]]:
    """Seat count rows grouped by their guild."""
    grouped: dict[int, list[SeatCount]] = {}
    for row in rows:
        grouped.setdefault(row["guild_id"], []).append(_rows.seat_count(row))
    return grouped
