"""Slates and their platform points."""

from bot.domain.models import PlatformPoint, Slate
from bot.domain.text import normalise
from storage import _rows
from storage.database import Database

_LIST = "SELECT id, guild_id, name FROM slates WHERE guild_id = ? ORDER BY name"
_GET = "SELECT id, guild_id, name FROM slates WHERE guild_id = ? AND id = ?"
_BY_KEY = "SELECT id, guild_id, name FROM slates WHERE guild_id = ? AND name_key = ?"
_INSERT = "INSERT INTO slates (guild_id, name, name_key) VALUES (?, ?, ?)"
_POINTS = "SELECT * FROM platform_points WHERE guild_id = ? AND slate_id = ? ORDER BY position, id"
_ALL_POINTS = "SELECT * FROM platform_points WHERE guild_id = ? ORDER BY slate_id, position, id"
_POINT = "SELECT * FROM platform_points WHERE guild_id = ? AND id = ?"
_INSERT_POINT = "INSERT INTO platform_points (guild_id, slate_id, position, text) VALUES (?, ?, ?, ?)"
_SET_POSITION = "UPDATE platform_points SET position = ? WHERE guild_id = ? AND id = ?"
_SET_TEXT = "UPDATE platform_points SET text = ? WHERE guild_id = ? AND id = ?"
_DELETE_POINT = "DELETE FROM platform_points WHERE guild_id = ? AND id = ?"


class SlateRepository:
    """Reads and writes ``slates`` and ``platform_points``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def all(self, guild_id: int) -> list[Slate]:
        """Every slate the guild has named, by name."""
        return [_rows.slate(r) for r in await self._db.fetch_all(_LIST, (guild_id,))]

    async def get(self, guild_id: int, slate_id: int) -> Slate | None:
        """One slate by id."""
        row = await self._db.fetch_one(_GET, (guild_id, slate_id))
        return None if row is None else _rows.slate(row)

    async def find(self, guild_id: int, name: str) -> Slate | None:
        """One slate by its forgiving name key."""
        row = await self._db.fetch_one(_BY_KEY, (guild_id, normalise(name)))
        return None if row is None else _rows.slate(row)

    async def ensure(self, guild_id: int, name: str) -> tuple[Slate, bool]:
        """The slate with this name, created if new (a slate exists as soon as anything names it)."""
        found = await self.find(guild_id, name)
        if found is not None:
            return found, False
        slate_id = await self._db.insert(_INSERT, (guild_id, name, normalise(name)))
        return Slate(slate_id, guild_id, name), True

    async def points(self, guild_id: int, slate_id: int) -> list[PlatformPoint]:
        """A slate's platform in order."""
        return [_rows.platform_point(r) for r in await self._db.fetch_all(_POINTS, (guild_id, slate_id))]

    async def all_points(self, guild_id: int) -> list[PlatformPoint]:
        """Every platform point of the guild, by slate then position."""
        return [_rows.platform_point(r) for r in await self._db.fetch_all(_ALL_POINTS, (guild_id,))]

    async def point(self, guild_id: int, point_id: int) -> PlatformPoint | None:
        """One platform point by id."""
        row = await self._db.fetch_one(_POINT, (guild_id, point_id))
        return None if row is None else _rows.platform_point(row)

    async def add_point(self, guild_id: int, slate_id: int, position: int, text: str) -> PlatformPoint:
        """Insert a point at ``position``; the caller renumbers the rest with :meth:`set_positions`."""
        point_id = await self._db.insert(_INSERT_POINT, (guild_id, slate_id, position, text))
        return PlatformPoint(point_id, guild_id, slate_id, position, text)

    async def set_positions(self, guild_id: int, ordered_ids: list[int]) -> None:
        """Number the given points 1, 2, 3... in the given order."""
        await self._db.executemany(
            _SET_POSITION, [(position, guild_id, point_id) for position, point_id in enumerate(ordered_ids, start=1)]
        )

    async def set_text(self, guild_id: int, point_id: int, text: str) -> int:
        """Reword a point; returns rows changed."""
        return await self._db.execute(_SET_TEXT, (text, guild_id, point_id))

    async def remove_point(self, guild_id: int, point_id: int) -> int:
        """Delete a point; returns rows deleted."""
        return await self._db.execute(_DELETE_POINT, (guild_id, point_id))
