"""Reading the audit log."""

from bot.domain.models import AuditEntry
from bot.errors import InvalidInput
from bot.services._base import Service

MAX_AUDIT_LIMIT = 200


class AuditService(Service):
    """Pages through who changed what."""

    async def recent(self, guild_id: int, limit: int = 20, offset: int = 0) -> list[AuditEntry]:
        """The newest ``limit`` entries."""
        if not 1 <= limit <= MAX_AUDIT_LIMIT:
            msg = f"Give a limit from 1 to {MAX_AUDIT_LIMIT} (you gave {limit})."
            raise InvalidInput(msg)
        return await self.repos.audit.recent(guild_id, limit, offset)
