"""What the scheduler needs from the Discord side, without importing APScheduler (cogs implement this)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from bot.domain.reminders import Occurrence


class PostFailed(Exception):
    """Posting a reminder failed; ``permanent`` when trying again cannot help (no channel, no permission)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class DmOutcome(Enum):
    """How one subscriber DM went."""

    SENT = "sent"
    CLOSED = "closed"  # the member does not take DMs from the bot: skipped, never fatal
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DmReport:
    """How a reminder's subscriber DMs went, counted."""

    sent: int = 0
    closed: int = 0
    failed: int = 0

    @classmethod
    def of(cls, outcomes: list[DmOutcome]) -> "DmReport":
        """Count a list of outcomes."""
        return cls(*(outcomes.count(kind) for kind in (DmOutcome.SENT, DmOutcome.CLOSED, DmOutcome.FAILED)))


#: Sends the prepared reminder DM to one subscriber (by user id).
DmSender = Callable[[int], Awaitable[DmOutcome]]


class ReminderPoster(Protocol):
    """
    The Discord side: posts a reminder, finds one already posted, DMs subscribers one at a time.

    Each call makes about one request to Discord (a DM two: open the DM channel, then send), so the scheduler can
    pace the calls under Discord's global limit.
    """

    async def post(self, occurrence: Occurrence, *, late: bool) -> int:
        """Post in the guild's reminder channel; return the message id or raise :class:`PostFailed`."""
        ...

    async def already_posted(self, occurrence: Occurrence) -> int | None:
        """The id of a message in the channel already carrying this reminder, if any."""
        ...

    async def dm_sender(self, occurrence: Occurrence) -> DmSender:
        """
        Prepare the reminder's DM once; the returned sender DMs one subscriber per call.

        A closed DM is reported as :attr:`DmOutcome.CLOSED`, never raised.
        """
        ...
