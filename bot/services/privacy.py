"""Reminder subscriptions and what the bot holds about a member."""

from dataclasses import dataclass
from datetime import datetime

from bot.services._base import Service
from storage.repositories.turnout import MemberPledge, MemberReport

#: The actor id written over a member's audit entries when they ask to be erased.
ERASED_ACTOR = 0


@dataclass(frozen=True, slots=True)
class MemberData:
    """Everything stored about one member in one guild."""

    subscribed_at: datetime | None
    audit_entries: int
    #: "I've posted my ballot paper" (/voted), per election.
    pledges: tuple[MemberPledge, ...] = ()
    #: "My paper has not come" (/replacement region:), per election.
    reports: tuple[MemberReport, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing at all is stored."""
        return self.subscribed_at is None and self.audit_entries == 0 and not self.pledges and not self.reports


class PrivacyService(Service):
    """Subscribes, unsubscribes, reports and erases a member's data."""

    async def subscribe(self, guild_id: int, user_id: int) -> bool:
        """Opt in to reminder DMs; ``False`` when already subscribed."""
        async with self.db.transaction():
            return await self.repos.subscribers.subscribe(guild_id, user_id, self.clock.now())

    async def unsubscribe(self, guild_id: int, user_id: int) -> bool:
        """Opt out of reminder DMs; ``False`` when not subscribed."""
        async with self.db.transaction():
            return await self.repos.subscribers.unsubscribe(guild_id, user_id)

    async def held(self, guild_id: int, user_id: int) -> MemberData:
        """What the bot stores about the member in this guild."""
        pledges, reports = await self.repos.turnout.of_member(guild_id, user_id)
        return MemberData(
            subscribed_at=await self.repos.subscribers.subscription(guild_id, user_id),
            audit_entries=await self.repos.audit.count_by_actor(guild_id, user_id),
            pledges=tuple(pledges),
            reports=tuple(reports),
        )

    async def erase(self, guild_id: int, user_id: int) -> MemberData:
        """Delete the subscription, pledges and reports; anonymise the member's audit entries; return what was held."""
        async with self.db.transaction():
            held = await self.held(guild_id, user_id)
            await self.repos.subscribers.unsubscribe(guild_id, user_id)
            await self.repos.turnout.erase_member(guild_id, user_id)
            await self.repos.audit.anonymise_actor(guild_id, user_id, ERASED_ACTOR)
        return held
