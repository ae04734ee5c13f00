"""What the scheduler needs from the Discord side, without importing APScheduler (cogs implement this)."""

from dataclasses import dataclass
from typing import Protocol

from bot.domain.reminders import Occurrence


class PostFailed(Exception):
    """Posting a reminder failed; ``permanent`` when trying again cannot help (no channel, no permission)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class DmReport:
    """How the subscriber DMs went."""

    sent: int = 0
    closed: int = 0
    failed: int = 0


class ReminderPoster(Protocol):
    """The Discord side: posts a reminder, finds one already posted, DMs subscribers."""

    async def post(self, occurrence: Occurrence, *, late: bool) -> int:
        """Post in the guild's reminder channel; return the message id or raise :class:`PostFailed`."""
        ...

    async def already_posted(self, occurrence: Occurrence) -> int | None:
        """The id of a message in the channel already carrying this reminder, if any."""
        ...

    async def send_dms(self, occurrence: Occurrence, user_ids: list[int]) -> DmReport:
        """DM the reminder to subscribers; a closed DM is counted, never fatal."""
        ...
