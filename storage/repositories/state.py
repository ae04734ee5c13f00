"""Small facts about the bot itself (not about any guild), such as the last synced command tree's hash."""

from storage.database import Database

_GET = "SELECT value FROM bot_state WHERE key = ?"
_SET = "INSERT INTO bot_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"


class StateRepository:
    """Reads and writes ``bot_state``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        """The stored value, or ``None``."""
        value = await self._db.fetch_value(_GET, (key,))
        return None if value is None else str(value)

    async def set(self, key: str, value: str) -> None:
        """Store a value."""
        await self._db.execute(_SET, (key, value))
