"""Guild settings: one row per guild, created on first write; reads fall back to the defaults."""

from bot.domain.models import GuildConfig
from storage import _rows
from storage.database import Database

_SELECT_ALL = """
SELECT g.*, s.name AS slate
FROM guilds AS g LEFT JOIN slates AS s ON s.id = g.slate_id AND s.guild_id = g.guild_id
"""
_SELECT = _SELECT_ALL + "WHERE g.guild_id = ?"
_ENSURE = "INSERT INTO guilds (guild_id, timezone) VALUES (?, ?) ON CONFLICT (guild_id) DO NOTHING"
_UPDATABLE = frozenset(
    {
        "timezone",
        "organiser_role_id",
        "slate_id",
        "nation",
        "post_days",
        "reminder_channel_id",
        "reminder_role_id",
        "reminder_offsets",
        "reminders_enabled",
    }
)
_DELETE = "DELETE FROM guilds WHERE guild_id = ?"


class GuildRepository:
    """Reads and writes the ``guilds`` table."""

    def __init__(self, db: Database, default_timezone: str = "Europe/London") -> None:
        self._db = db
        self._default_timezone = default_timezone

    async def get(self, guild_id: int) -> GuildConfig:
        """The guild's settings, or the defaults when it has none stored yet."""
        row = await self._db.fetch_one(_SELECT, (guild_id,))
        if row is None:
            return GuildConfig(guild_id=guild_id, timezone=self._default_timezone)
        return _rows.guild_config(row)

    async def update(self, guild_id: int, **values: object) -> GuildConfig:
        """Set the given columns (see ``_UPDATABLE``), creating the row if needed."""
        unknown = set(values) - _UPDATABLE
        if unknown:
            msg = f"not guild settings: {sorted(unknown)}"
            raise ValueError(msg)
        await self._db.execute(_ENSURE, (guild_id, self._default_timezone))
        for column, value in values.items():
            # Column names come from the fixed allow-list above, never from users.
            await self._db.execute(f"UPDATE guilds SET {column} = ? WHERE guild_id = ?", (value, guild_id))  # noqa: S608
        return await self.get(guild_id)

    async def all_configs(self) -> dict[int, GuildConfig]:
        """Every stored guild's settings, by guild id (the scheduler's start-up reads them in one go)."""
        return {row["guild_id"]: _rows.guild_config(row) for row in await self._db.fetch_all(_SELECT_ALL)}

    async def delete(self, guild_id: int) -> None:
        """Forget the guild's settings."""
        await self._db.execute(_DELETE, (guild_id,))
