"""Nominations (which body nominated which candidate, and when) and each election's nomination target."""

from datetime import date

from bot.domain.models import Nomination
from bot.domain.text import normalise
from storage.database import Database, Row

_ADD = """
INSERT INTO nominations (guild_id, candidate_id, body, body_key, nominated_on)
SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT)
WHERE EXISTS (SELECT 1 FROM candidates WHERE id = ? AND guild_id = ?)
ON CONFLICT (candidate_id, body_key) DO UPDATE SET body = excluded.body, nominated_on = excluded.nominated_on
WHERE nominations.guild_id = excluded.guild_id
"""
_GET = """
SELECT id, guild_id, candidate_id, body, nominated_on FROM nominations
WHERE guild_id = ? AND candidate_id = ? AND body_key = ?
"""
_REMOVE = "DELETE FROM nominations WHERE guild_id = ? AND candidate_id = ? AND body_key = ?"
_OF_ELECTION = """
SELECT n.id, n.guild_id, n.candidate_id, n.body, n.nominated_on FROM nominations AS n
JOIN candidates AS c ON c.id = n.candidate_id JOIN seats AS s ON s.id = c.seat_id
WHERE n.guild_id = ? AND s.election_id = ? ORDER BY n.candidate_id, n.body_key
"""
_OF_GUILD = """
SELECT n.id, n.guild_id, n.candidate_id, n.body, n.nominated_on FROM nominations AS n
WHERE n.guild_id = ? ORDER BY n.candidate_id, n.body_key
"""
_BODIES = "SELECT DISTINCT body, body_key FROM nominations WHERE guild_id = ? ORDER BY body_key"
_TARGET = "SELECT target FROM nomination_targets WHERE guild_id = ? AND election_id = ?"
_TARGETS = "SELECT election_id, target FROM nomination_targets WHERE guild_id = ?"
_ALL_TARGETS = "SELECT guild_id, election_id FROM nomination_targets"
_SET_TARGET = """
INSERT INTO nomination_targets (election_id, guild_id, target)
SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS INTEGER)
WHERE EXISTS (SELECT 1 FROM elections WHERE id = ? AND guild_id = ?)
ON CONFLICT (election_id) DO UPDATE SET target = excluded.target
WHERE nomination_targets.guild_id = excluded.guild_id
"""
_CLEAR_TARGET = "DELETE FROM nomination_targets WHERE guild_id = ? AND election_id = ?"


def _nomination(row: Row) -> Nomination:
    day = row["nominated_on"]
    return Nomination(
        id=row["id"],
        guild_id=row["guild_id"],
        candidate_id=row["candidate_id"],
        body=row["body"],
        on=None if day is None else date.fromisoformat(day),
    )


class NominationRepository:
    """``nominations`` and ``nomination_targets``; every query scoped by guild."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, guild_id: int, candidate_id: int, body: str, on: date | None) -> bool:
        """Record (or re-date) a body's nomination of a candidate of this guild; ``False`` if there is none such."""
        day = None if on is None else on.isoformat()
        params = (guild_id, candidate_id, body, normalise(body), day, candidate_id, guild_id)
        return await self._db.execute(_ADD, params) == 1

    async def get(self, guild_id: int, candidate_id: int, body: str) -> Nomination | None:
        """The body's nomination of the candidate, matched forgivingly by the body's name."""
        row = await self._db.fetch_one(_GET, (guild_id, candidate_id, normalise(body)))
        return None if row is None else _nomination(row)

    async def remove(self, guild_id: int, candidate_id: int, body: str) -> bool:
        """Delete the body's nomination of the candidate; ``False`` when there was none."""
        return await self._db.execute(_REMOVE, (guild_id, candidate_id, normalise(body))) == 1

    async def of_election(self, guild_id: int, election_id: int) -> list[Nomination]:
        """Every nomination of the election's candidates."""
        return [_nomination(r) for r in await self._db.fetch_all(_OF_ELECTION, (guild_id, election_id))]

    async def of_guild(self, guild_id: int) -> list[Nomination]:
        """Every nomination in the guild (for export)."""
        return [_nomination(r) for r in await self._db.fetch_all(_OF_GUILD, (guild_id,))]

    async def bodies(self, guild_id: int) -> list[str]:
        """The bodies that have nominated anyone, by their match key (for autocomplete)."""
        seen: dict[str, str] = {}
        for row in await self._db.fetch_all(_BODIES, (guild_id,)):
            seen.setdefault(row["body_key"], row["body"])
        return list(seen.values())

    async def target(self, guild_id: int, election_id: int) -> int | None:
        """How many nominations each candidate of the election needs, if a target is set."""
        value = await self._db.fetch_value(_TARGET, (guild_id, election_id))
        return None if value is None else int(value)

    async def targets(self, guild_id: int) -> dict[int, int]:
        """Every election's target, by election id."""
        return {r[0]: int(r[1]) for r in await self._db.fetch_all(_TARGETS, (guild_id,))}

    async def targeted_by_guild(self) -> dict[int, set[int]]:
        """The elections with a target, by guild (the scheduler's start-up reads them in one go)."""
        out: dict[int, set[int]] = {}
        for guild_id, election_id in await self._db.fetch_all(_ALL_TARGETS):
            out.setdefault(int(guild_id), set()).add(int(election_id))
        return out

    async def set_target(self, guild_id: int, election_id: int, target: int | None) -> None:
        """Set the election's target, or clear it with ``None``."""
        if target is None:
            await self._db.execute(_CLEAR_TARGET, (guild_id, election_id))
        else:
            await self._db.execute(_SET_TARGET, (election_id, guild_id, target, election_id, guild_id))
