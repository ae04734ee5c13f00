"""
During the ballot: "I've posted my ballot paper" (pledges), "my paper has not come" (no-paper reports), turnout.

Both are a member's own data: counted in public only as totals, shown to the member in /privacy, erased with it,
never exported, and never written to the log with the member's id.
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.domain.ballot import ballot_is_open, known_electorates, match_electorate
from bot.domain.enums import ElectorateType, MilestoneKind
from bot.domain.models import Election
from bot.domain.text import plain
from bot.errors import InvalidInput
from bot.services._base import Service
from bot.services.elections import ElectionService
from storage.repositories import Repositories

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class VotedAnswer:
    """What ``/voted`` did, and how many members have said so now."""

    election: Election
    #: True: recorded now; False: it was already recorded (or, undoing, there was nothing to take back).
    changed: bool
    undo: bool
    count: int


@dataclass(frozen=True, slots=True)
class ReplacementAnswer:
    """How and by when to ask for a replacement paper, and what happened to the member's report."""

    election: Election
    zone: ZoneInfo
    deadline: datetime | None
    now: datetime
    #: The region reported now, or already reported before (None: no region given).
    region: str | None = None
    #: True: counted now; False: this member had already reported (counted once).
    counted: bool | None = None

    @property
    def deadline_passed(self) -> bool:
        """Whether it is too late to ask for a replacement."""
        return self.deadline is not None and self.now >= self.deadline


@dataclass(frozen=True, slots=True)
class Turnout:
    """Pledges and no-paper reports of one election, by day and by region, for organisers."""

    election: Election
    zone: ZoneInfo
    pledges: int
    pledges_by_day: tuple[tuple[date, int], ...]
    reports: int
    reports_by_region: tuple[tuple[str, int], ...]
    reports_by_day: tuple[tuple[date, int], ...]


class TurnoutService(Service):
    """Records pledges and no-paper reports (once per member and election) and counts them."""

    def __init__(self, repos: Repositories, clock: Clock, elections: ElectionService) -> None:
        super().__init__(repos, clock)
        self.elections = elections

    async def voted(
        self, guild_id: int, user_id: int, election: str | None = None, *, undo: bool = False
    ) -> VotedAnswer:
        """Record (or with ``undo`` take back) the member's "I've posted my ballot paper"."""
        target = await self.elections.resolve(guild_id, election)
        return await self.voted_in(guild_id, user_id, target, undo=undo)

    async def voted_by_id(self, guild_id: int, user_id: int, election_id: int) -> VotedAnswer:
        """:meth:`voted` for the election a reminder button names."""
        target = await self.repos.elections.get(guild_id, election_id)
        if target is None:
            msg = "That election is no longer in the bot: ask an organiser."
            raise InvalidInput(msg)
        return await self.voted_in(guild_id, user_id, target)

    async def voted_in(self, guild_id: int, user_id: int, target: Election, *, undo: bool = False) -> VotedAnswer:
        """Record the pledge for an election in hand."""
        now = self.clock.now()
        async with self.db.transaction():
            if undo:
                changed = await self.repos.turnout.unpledge(guild_id, target.id, user_id)
            else:
                self._check_open(target, now)
                changed = await self.repos.turnout.pledge(guild_id, target.id, user_id, now)
            count = await self.repos.turnout.pledge_count(guild_id, target.id)
        if changed:
            log.info("A member %s a pledge in guild %s (%d now)", "took back" if undo else "made", guild_id, count)
        return VotedAnswer(target, changed, undo, count)

    async def replacement(
        self, guild_id: int, user_id: int, election: str | None = None, region: str | None = None
    ) -> ReplacementAnswer:
        """How and by when to ask for a replacement; with a region, count the member's no-paper report once."""
        target = await self.elections.resolve(guild_id, election)
        return await self.replacement_in(guild_id, user_id, target, region)

    async def replacement_in(
        self, guild_id: int, user_id: int, target: Election, region: str | None = None
    ) -> ReplacementAnswer:
        """:meth:`replacement` for an election in hand (a reminder button's)."""
        now = self.clock.now()
        zone = ZoneInfo((await self.repos.guilds.get(guild_id)).timezone)
        deadline = target.at(MilestoneKind.REPLACEMENT_DEADLINE)
        answer = ReplacementAnswer(target, zone, deadline, now)
        if region is None or not region.strip():
            return answer
        regions = known_electorates(await self.repos.seats.all(guild_id, target.id), ElectorateType.REGION)
        chosen = match_electorate(region, regions)
        if chosen is None:
            listed = ", ".join(regions) if regions else "none are set up yet"
            msg = f"{plain(region.strip())} is not one of the regions of {plain(target.name)} ({listed})."
            raise InvalidInput(msg)
        async with self.db.transaction():
            self._check_open(target, now)
            counted = await self.repos.turnout.report(guild_id, target.id, user_id, chosen, now)
            if not counted:
                earlier = await self.repos.turnout.reported(guild_id, target.id, user_id)
                chosen = earlier[0] if earlier else chosen
        if counted:
            log.info("A no-paper report was counted in guild %s", guild_id)
        return ReplacementAnswer(target, zone, deadline, now, chosen, counted)

    async def pledgers(self, guild_id: int, election_id: int) -> set[int]:
        """Members who said they have posted (to leave out of reminder DMs; never shown)."""
        return await self.repos.turnout.pledgers(guild_id, election_id)

    async def pledge_count(self, guild_id: int, election_id: int) -> int:
        """How many members said they have posted their paper."""
        return await self.repos.turnout.pledge_count(guild_id, election_id)

    async def turnout(self, guild_id: int, election: str | None = None) -> Turnout:
        """Pledges by day, no-paper reports by region and by day, for organisers."""
        target = await self.elections.resolve(guild_id, election)
        zone = ZoneInfo((await self.repos.guilds.get(guild_id)).timezone)
        pledge_days = Counter(
            t.astimezone(zone).date() for t in await self.repos.turnout.pledge_times(guild_id, target.id)
        )
        reports = await self.repos.turnout.reports(guild_id, target.id)
        by_region = Counter(region for region, _ in reports)
        report_days = Counter(at.astimezone(zone).date() for _, at in reports)
        return Turnout(
            election=target,
            zone=zone,
            pledges=sum(pledge_days.values()),
            pledges_by_day=tuple(sorted(pledge_days.items())),
            reports=len(reports),
            reports_by_region=tuple(sorted(by_region.items(), key=lambda item: (-item[1], item[0]))),
            reports_by_day=tuple(sorted(report_days.items())),
        )

    @staticmethod
    def _check_open(target: Election, now: datetime) -> None:
        """Pledges and reports are about papers in the post: only while the ballot is open."""
        if ballot_is_open(target, now):
            return
        opens = target.at(MilestoneKind.BALLOT_OPEN)
        if opens is None or now < opens:
            when = "" if opens is None else f" on {discord_time(opens)}"
            msg = f"The ballot for **{plain(target.name)}** has not opened yet: papers go out{when}."
        else:
            msg = f"The ballot for **{plain(target.name)}** has closed, so papers no longer count."
        raise InvalidInput(msg)


def discord_time(instant: datetime) -> str:
    """A Discord timestamp each reader's client shows in their own zone: ``<t:1745222400:F>``."""
    return f"<t:{int(instant.timestamp())}:F>"
