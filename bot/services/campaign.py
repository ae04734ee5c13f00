"""
The activists' read side: the slate, a seat, a candidate, a member's own ballot papers, the timetable.

Nothing here writes, and nothing about the member asking is stored.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.domain.ballot import (
    BallotPaper,
    NamedGroups,
    ballot_is_open,
    ballot_papers,
    known_electorates,
    match_electorate,
    slate_candidates,
    sort_named_groups,
)
from bot.domain.calendar import timetable_calendar
from bot.domain.enums import ElectorateType, MilestoneKind
from bot.domain.models import Candidate, Election, GuildConfig, Seat, SeatWithCandidates
from bot.domain.results import on_slate
from bot.domain.text import best_matches, plain
from bot.errors import NotFound
from bot.services._base import Service
from bot.services.candidates import CandidateService
from bot.services.elections import ElectionService
from bot.services.seats import SeatService
from storage.repositories import Repositories


@dataclass(frozen=True, slots=True)
class Timetable:
    """An election's dates with what a reader needs to know about them now."""

    election: Election
    zone: ZoneInfo
    now: datetime
    post_by: datetime | None

    @property
    def open_now(self) -> bool:
        """Whether the ballot is open at ``now``."""
        return ballot_is_open(self.election, self.now)

    @property
    def ballot_open(self) -> datetime | None:
        """When the ballot opens."""
        return self.election.at(MilestoneKind.BALLOT_OPEN)

    @property
    def ballot_close(self) -> datetime | None:
        """When the ballot closes."""
        return self.election.at(MilestoneKind.BALLOT_CLOSE)

    @property
    def post_by_today(self) -> bool:
        """Whether today (in the guild's zone) is the post-by day, with the ballot open: post the paper today."""
        if self.post_by is None or not self.open_now:
            return False
        return self.post_by.astimezone(self.zone).date() == self.now.astimezone(self.zone).date()


@dataclass(frozen=True, slots=True)
class SeatAdvice:
    """A seat on a member's paper: everyone standing, and the slate's pick(s)."""

    seat: SeatWithCandidates
    slate_candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class PaperAdvice:
    """One ballot paper with advice for each seat on it."""

    paper: BallotPaper
    seats: tuple[SeatAdvice, ...]


@dataclass(frozen=True, slots=True)
class HowToVote:
    """A member's own ballot: their papers, the slate's candidates, the ballot window."""

    timetable: Timetable
    slate: str | None
    papers: tuple[PaperAdvice, ...]
    region: str | None
    service_group: str | None
    #: The groups the member named: with seats of their own, national, or with no seats in this election.
    groups: NamedGroups = field(default_factory=NamedGroups)


@dataclass(frozen=True, slots=True)
class SlateOverview:
    """Every seat of an election with its candidates, and which of them are the guild slate's."""

    election: Election
    slate: str | None
    seats: tuple[SeatWithCandidates, ...]

    def slate_candidates(self, seat: SeatWithCandidates) -> tuple[Candidate, ...]:
        """The slate's candidates in ``seat``."""
        return slate_candidates(seat.candidates, self.slate)

    @property
    def slate_seats(self) -> tuple[SeatWithCandidates, ...]:
        """The seats where the slate stands someone."""
        return tuple(s for s in self.seats if self.slate_candidates(s))

    @property
    def slate_candidate_list(self) -> tuple[Candidate, ...]:
        """Every slate candidate, seat by seat."""
        return tuple(c for s in self.seats for c in self.slate_candidates(s))


@dataclass(frozen=True, slots=True)
class CandidateView:
    """A candidate with their seat and election."""

    candidate: Candidate
    seat: SeatWithCandidates
    election: Election
    on_guild_slate: bool


class CampaignService(Service):
    """Answers the activists' questions."""

    def __init__(
        self,
        repos: Repositories,
        clock: Clock,
        elections: ElectionService,
        seats: SeatService,
        candidates: CandidateService,
    ) -> None:
        super().__init__(repos, clock)
        self.elections = elections
        self.seats = seats
        self.candidates = candidates

    async def config(self, guild_id: int) -> GuildConfig:
        """The guild's settings."""
        return await self.repos.guilds.get(guild_id)

    async def overview(self, guild_id: int, election: str | None = None) -> SlateOverview:
        """The election's seats and candidates, with the guild's slate marked."""
        target = await self.elections.resolve(guild_id, election)
        config = await self.repos.guilds.get(guild_id)
        return SlateOverview(target, config.slate, await self.seats.all_with_candidates(guild_id, target))

    async def seat(self, guild_id: int, name: str, election: str | None = None) -> tuple[Election, SeatWithCandidates]:
        """A seat with everyone standing for it."""
        seat = await self.seats.resolve(guild_id, name, election)
        target = await self.repos.elections.get(guild_id, seat.election_id)
        if target is None:  # pragma: no cover - a seat's election is removed with it
            msg = "That seat's election no longer exists."
            raise NotFound(msg)
        return target, await self.seats.with_candidates(guild_id, seat)

    async def candidate(self, guild_id: int, name: str, election: str | None = None) -> CandidateView:
        """A candidate with their seat and election."""
        return await self.candidate_by_id(guild_id, await self.candidates.resolve_id(guild_id, name, election))

    async def candidate_by_id(self, guild_id: int, candidate_id: int) -> CandidateView:
        """A candidate by id (from a select menu or button) with their seat and election."""
        found = await self.candidates.get(guild_id, candidate_id)
        seat = await self.repos.seats.get(guild_id, found.seat_id)
        target = None if seat is None else await self.repos.elections.get(guild_id, seat.election_id)
        if seat is None or target is None:  # pragma: no cover - removed together
            msg = "That candidate's seat no longer exists."
            raise NotFound(msg)
        config = await self.repos.guilds.get(guild_id)
        with_candidates = await self.seats.with_candidates(guild_id, seat)
        return CandidateView(found, with_candidates, target, on_slate(found, config.slate))

    async def timetable(self, guild_id: int, election: str | None = None) -> Timetable:
        """The election's timetable with the post-by day."""
        target = await self.elections.resolve(guild_id, election)
        return await self._timetable(guild_id, target)

    async def _timetable(self, guild_id: int, election: Election) -> Timetable:
        config = await self.repos.guilds.get(guild_id)
        post_by = await self.elections.post_by(guild_id, election)
        return Timetable(election, ZoneInfo(config.timezone), self.clock.now(), post_by)

    async def how_to_vote(
        self,
        guild_id: int,
        *,
        region: str,
        service_group: str | None = None,
        groups: str | None = None,
        election: str | None = None,
    ) -> HowToVote:
        """The member's own ballot papers with the slate's candidate(s) for each seat."""
        target = await self.elections.resolve(guild_id, election)
        seats = await self.seats.all_with_candidates(guild_id, target)
        if not seats:
            msg = f"{plain(target.name)} has no seats yet. An organiser can add them with `/organise seat add`."
            raise NotFound(msg)
        plain_seats = [s.seat for s in seats]
        region_name = self._check_electorate(plain_seats, ElectorateType.REGION, region, "region")
        group_name = (
            None
            if service_group is None or not service_group.strip()
            else self._check_electorate(plain_seats, ElectorateType.SERVICE_GROUP, service_group, "service group")
        )
        # A group with no seats of its own (LGBT+, retired) or national ones (Black members) is no mistake: the
        # member still gets their ballot, with a note on each such group.
        named = sort_named_groups(plain_seats, groups or "")
        papers = ballot_papers(plain_seats, region=region_name, service_group=group_name, groups=named.with_seats)
        config = await self.repos.guilds.get(guild_id)
        by_id = {s.seat.id: s for s in seats}
        advice = tuple(
            PaperAdvice(
                paper,
                tuple(
                    SeatAdvice(by_id[seat.id], slate_candidates(by_id[seat.id].candidates, config.slate))
                    for seat in paper.seats
                ),
            )
            for paper in papers
        )
        return HowToVote(await self._timetable(guild_id, target), config.slate, advice, region_name, group_name, named)

    @staticmethod
    def _check_electorate(seats: list[Seat], kind: ElectorateType, query: str, what: str) -> str:
        known = known_electorates(seats, kind)
        found = match_electorate(query, known)
        if found is not None:
            return found
        if not known:
            msg = f"This election has no {what} seats."
            raise NotFound(msg)
        suggestions = best_matches(query, known, limit=3)
        msg = f"No {what} called “{plain(query.strip())}” in this election. The {what}s are: {', '.join(known)}."
        raise NotFound(msg, suggestions=suggestions if suggestions and len(known) > 12 else ())

    async def calendar(self, guild_id: int, election: str | None = None) -> tuple[Election, bytes]:
        """The election's timetable as an ``.ics`` file."""
        timetable = await self.timetable(guild_id, election)
        if not timetable.election.timetable:
            msg = (
                f"{plain(timetable.election.name)} has no dates yet. "
                "An organiser can add them with `/organise date set`."
            )
            raise NotFound(msg)
        data = timetable_calendar(
            timetable.election, post_by=timetable.post_by, stamp=self.clock.now(), domain=f"guild-{guild_id}.slatebot"
        )
        return timetable.election, data

    async def election_names(self, guild_id: int) -> list[str]:
        """Every election's name, for autocomplete."""
        return [e.name for e in await self.repos.elections.all(guild_id)]

    async def seat_names(self, guild_id: int, election: str | None = None) -> list[str]:
        """Seat names (of the named or current election), for autocomplete."""
        try:
            target = await self.elections.resolve(guild_id, election)
        except NotFound:
            return []
        return [s.name for s in await self.repos.seats.all(guild_id, target.id)]

    async def candidate_names(self, guild_id: int, election: str | None = None) -> list[str]:
        """Candidate names (of the named or current election), for autocomplete."""
        try:
            target = await self.elections.resolve(guild_id, election)
        except NotFound:
            return await self.repos.candidates.names(guild_id)
        return await self.repos.candidates.names(guild_id, target.id)

    async def electorates(self, guild_id: int, kind: ElectorateType, election: str | None = None) -> list[str]:
        """The regions, service groups or groups of the named or current election, for autocomplete."""
        try:
            target = await self.elections.resolve(guild_id, election)
        except NotFound:
            return []
        return known_electorates(await self.repos.seats.all(guild_id, target.id), kind)
