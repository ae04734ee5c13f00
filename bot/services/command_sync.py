"""
What the bot last told Discord about its commands, so a restart with the same commands sends no sync.

Discord rate-limits command syncs hard and a global sync takes up to an hour to reach every client, so the app
syncs only when the tree's description differs from the last one synced to the same scope (a guild or global).
The description is kept as a hash in ``bot_state``; nothing about any guild's data is involved.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence

from bot.services._base import Service


def tree_digest(commands: Sequence[Mapping[str, object]]) -> str:
    """A stable hash of the command tree's payload: equal for equal trees whatever the order of keys."""
    payload = json.dumps(list(commands), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _key(scope: str) -> str:
    return f"command_tree:{scope}"


class CommandSyncService(Service):
    """Remembers the hash of the command tree last synced to each scope (``global`` or ``guild:<id>``)."""

    async def is_synced(self, scope: str, digest: str) -> bool:
        """Whether ``digest`` is what was last synced to ``scope``."""
        return await self.repos.state.get(_key(scope)) == digest

    async def record(self, scope: str, digest: str) -> None:
        """Remember that Discord accepted the tree whose hash is ``digest`` for ``scope``."""
        async with self.db.transaction():
            await self.repos.state.set(_key(scope), digest)
