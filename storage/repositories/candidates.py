"""Candidates, with their slate's name joined in."""

from bot.domain.models import Candidate
from bot.domain.text import normalise
from storage import _rows
from storage.database import Database

_SELECT = """
SELECT c.id, c.guild_id, c.seat_id, c.name, c.branch, c.job, c.incumbent, c.statement, s.name AS slate
FROM candidates AS c LEFT JOIN slates AS s ON s.id = c.slate_id AND s.guild_id = c.guild_id
"""
_LIST = _SELECT + " WHERE c.guild_id = ? ORDER BY c.name, c.id"
_LIST_ELECTION = (
    _SELECT + " JOIN seats AS t ON t.id = c.seat_id WHERE c.guild_id = ? AND t.election_id = ? ORDER BY c.name, c.id"
)
_LIST_SEAT = _SELECT + " WHERE c.guild_id = ? AND c.seat_id = ? ORDER BY c.name, c.id"
_GET = _SELECT + " WHERE c.guild_id = ? AND c.id = ?"
_KEYS = "SELECT c.id, c.name FROM candidates AS c WHERE c.guild_id = ? ORDER BY c.name, c.id"
_KEYS_ELECTION = """
SELECT c.id, c.name FROM candidates AS c JOIN seats AS t ON t.id = c.seat_id
WHERE c.guild_id = ? AND t.election_id = ? ORDER BY c.name, c.id
"""
_BY_KEY_IN_SEAT = _SELECT + " WHERE c.guild_id = ? AND c.seat_id = ? AND c.name_key = ?"
_NAMES = """
SELECT DISTINCT c.name FROM candidates AS c JOIN seats AS t ON t.id = c.seat_id
WHERE c.guild_id = ? AND (CAST(? AS BIGINT) IS NULL OR t.election_id = ?) ORDER BY c.name
"""
_INSERT = """
INSERT INTO candidates (guild_id, seat_id, name, name_key, slate_id, branch, job, incumbent, statement)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_UPDATE = """
UPDATE candidates SET seat_id = ?, name = ?, name_key = ?, slate_id = ?, branch = ?, job = ?, incumbent = ?,
    statement = ?
WHERE guild_id = ? AND id = ?
"""
_DELETE = "DELETE FROM candidates WHERE guild_id = ? AND id = ?"


class CandidateRepository:
    """Reads and writes ``candidates``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def all(
        self, guild_id: int, *, election_id: int | None = None, seat_id: int | None = None
    ) -> list[Candidate]:
        """The guild's candidates, optionally of one election or one seat, by name."""
        if seat_id is not None:
            rows = await self._db.fetch_all(_LIST_SEAT, (guild_id, seat_id))
        elif election_id is not None:
            rows = await self._db.fetch_all(_LIST_ELECTION, (guild_id, election_id))
        else:
            rows = await self._db.fetch_all(_LIST, (guild_id,))
        return [_rows.candidate(r) for r in rows]

    async def keys(self, guild_id: int, *, election_id: int | None = None) -> list[tuple[int, str]]:
        """``(id, name)`` of the guild's candidates (of one election when given), by name: enough to pick one."""
        if election_id is None:
            rows = await self._db.fetch_all(_KEYS, (guild_id,))
        else:
            rows = await self._db.fetch_all(_KEYS_ELECTION, (guild_id, election_id))
        return [(r[0], r[1]) for r in rows]

    async def get(self, guild_id: int, candidate_id: int) -> Candidate | None:
        """One candidate by id."""
        row = await self._db.fetch_one(_GET, (guild_id, candidate_id))
        return None if row is None else _rows.candidate(row)

    async def find_in_seat(self, guild_id: int, seat_id: int, name: str) -> Candidate | None:
        """A candidate of one seat by forgiving name."""
        row = await self._db.fetch_one(_BY_KEY_IN_SEAT, (guild_id, seat_id, normalise(name)))
        return None if row is None else _rows.candidate(row)

    async def names(self, guild_id: int, election_id: int | None = None) -> list[str]:
        """Distinct candidate names (of one election when given), for autocomplete."""
        return [r[0] for r in await self._db.fetch_all(_NAMES, (guild_id, election_id, election_id))]

    async def add(self, candidate: Candidate, slate_id: int | None) -> Candidate:
        """Store a new candidate (``candidate.id`` is ignored) and return it with its id."""
        candidate_id = await self._db.insert(
            _INSERT,
            (
                candidate.guild_id,
                candidate.seat_id,
                candidate.name,
                normalise(candidate.name),
                slate_id,
                candidate.branch,
                candidate.job,
                int(candidate.incumbent),
                candidate.statement,
            ),
        )
        stored = await self.get(candidate.guild_id, candidate_id)
        assert stored is not None  # noqa: S101 - just inserted in this transaction
        return stored

    async def update(self, candidate: Candidate, slate_id: int | None) -> int:
        """Write every field of ``candidate``; returns rows changed."""
        return await self._db.execute(
            _UPDATE,
            (
                candidate.seat_id,
                candidate.name,
                normalise(candidate.name),
                slate_id,
                candidate.branch,
                candidate.job,
                int(candidate.incumbent),
                candidate.statement,
                candidate.guild_id,
                candidate.id,
            ),
        )

    async def remove(self, guild_id: int, candidate_id: int) -> int:
        """Delete a candidate and their result; returns rows deleted."""
        return await self._db.execute(_DELETE, (guild_id, candidate_id))
