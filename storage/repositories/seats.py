"""Seats of an election."""

from bot.domain.enums import ElectorateType
from bot.domain.models import Seat
from bot.domain.text import normalise
from storage import _rows
from storage.database import Database

_COLUMNS = "id, guild_id, election_id, name, electorate_type, electorate, places"
_LIST = f"SELECT {_COLUMNS} FROM seats WHERE guild_id = ? ORDER BY election_id, name"  # noqa: S608
_LIST_FOR = f"SELECT {_COLUMNS} FROM seats WHERE guild_id = ? AND election_id = ? ORDER BY name"  # noqa: S608
_GET = f"SELECT {_COLUMNS} FROM seats WHERE guild_id = ? AND id = ?"  # noqa: S608
_BY_KEY = f"SELECT {_COLUMNS} FROM seats WHERE guild_id = ? AND election_id = ? AND name_key = ?"  # noqa: S608
_INSERT = """
INSERT INTO seats (guild_id, election_id, name, name_key, electorate_type, electorate, places)
VALUES (?, ?, ?, ?, ?, ?, ?)
"""
_UPDATE = """
UPDATE seats SET name = ?, name_key = ?, electorate_type = ?, electorate = ?, places = ?
WHERE guild_id = ? AND id = ?
"""
_DELETE = "DELETE FROM seats WHERE guild_id = ? AND id = ?"


class SeatRepository:
    """Reads and writes ``seats``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def all(self, guild_id: int, election_id: int | None = None) -> list[Seat]:
        """The guild's seats (of one election when given), by name."""
        if election_id is None:
            rows = await self._db.fetch_all(_LIST, (guild_id,))
        else:
            rows = await self._db.fetch_all(_LIST_FOR, (guild_id, election_id))
        return [_rows.seat(r) for r in rows]

    async def get(self, guild_id: int, seat_id: int) -> Seat | None:
        """One seat by id, or ``None``."""
        row = await self._db.fetch_one(_GET, (guild_id, seat_id))
        return None if row is None else _rows.seat(row)

    async def find(self, guild_id: int, election_id: int, name: str) -> Seat | None:
        """One seat of an election by its forgiving name key."""
        row = await self._db.fetch_one(_BY_KEY, (guild_id, election_id, normalise(name)))
        return None if row is None else _rows.seat(row)

    async def add(
        self,
        guild_id: int,
        election_id: int,
        name: str,
        electorate_type: ElectorateType,
        electorate: str,
        places: int = 1,
    ) -> Seat:
        """Store a new seat."""
        seat_id = await self._db.insert(
            _INSERT, (guild_id, election_id, name, normalise(name), electorate_type.value, electorate, places)
        )
        return Seat(seat_id, guild_id, election_id, name, electorate_type, electorate, places)

    async def update(self, seat: Seat) -> int:
        """Write every field of ``seat``; returns rows changed."""
        return await self._db.execute(
            _UPDATE,
            (
                seat.name,
                normalise(seat.name),
                seat.electorate_type.value,
                seat.electorate,
                seat.places,
                seat.guild_id,
                seat.id,
            ),
        )

    async def remove(self, guild_id: int, seat_id: int) -> int:
        """Delete the seat with its candidates and results; returns rows deleted."""
        return await self._db.execute(_DELETE, (guild_id, seat_id))
