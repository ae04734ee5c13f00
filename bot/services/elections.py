"""Elections and their timetables."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.ballot import current_election
from bot.domain.dates import (
    default_time,
    parse_date,
    parse_time,
    post_by_instant,
    read_wall_time,
    timetable_conflict,
    utc_to_local,
)
from bot.domain.enums import MilestoneKind
from bot.domain.models import Election
from bot.domain.text import plain, resolve
from bot.errors import Conflict, InvalidInput, NotFound
from bot.services._base import Service
from bot.services._validate import DESCRIPTION_LIMIT, clean_name, clean_text

NO_ELECTIONS = "This server has no elections yet. An organiser can add one with `/organise election add`."


@dataclass(frozen=True, slots=True)
class DateChange:
    """
    The outcome of ``set_date``: the election after the change and what moved.

    ``note`` says how a wall time the clocks repeat was read (see :func:`~bot.domain.dates.read_wall_time`).
    """

    election: Election
    kind: MilestoneKind
    before: datetime | None
    after: datetime
    in_past: bool
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DateCleared:
    """The outcome of ``clear_date``: the election after the change, and the date it no longer has."""

    election: Election
    kind: MilestoneKind
    before: datetime


@dataclass(frozen=True, slots=True)
class RemovalSummary:
    """What goes with an election when it is removed."""

    election: Election
    seats: int
    candidates: int


class ElectionService(Service):
    """Adds, renames, removes and dates elections."""

    async def all(self, guild_id: int) -> list[Election]:
        """Every election of the guild, oldest first."""
        return await self.repos.elections.all(guild_id)

    async def resolve(self, guild_id: int, name: str | None) -> Election:
        """The election the user named, or the current one when they named none."""
        elections = await self.repos.elections.all(guild_id)
        if not elections:
            raise NotFound(NO_ELECTIONS)
        if name is None or not name.strip():
            current = current_election(elections, self.clock.now())
            if current is None:  # pragma: no cover - current_election returns one whenever there are any
                raise NotFound(NO_ELECTIONS)
            return current
        return resolve(name, elections, lambda e: e.name, what="election")

    async def add(self, guild_id: int, actor_id: int, name: str, description: str | None = None) -> Election:
        """Add an election; its name must be new in this guild."""
        name = clean_name(name, "election")
        description = clean_text(description, "description", DESCRIPTION_LIMIT)
        async with self.db.transaction():
            existing = await self.repos.elections.find(guild_id, name)
            if existing is not None:
                msg = f"There is already an election called “{plain(existing.name)}”. Choose another name."
                raise Conflict(msg)
            election = await self.repos.elections.add(guild_id, name, description)
            await self.audit(guild_id, actor_id, "election.add", None, election)
        return election

    async def rename(self, guild_id: int, actor_id: int, election: str, new_name: str) -> Election:
        """Rename an election."""
        new_name = clean_name(new_name, "election")
        async with self.db.transaction():
            before = await self.resolve(guild_id, election)
            clash = await self.repos.elections.find(guild_id, new_name)
            if clash is not None and clash.id != before.id:
                msg = f"There is already an election called “{plain(clash.name)}”."
                raise Conflict(msg)
            await self.repos.elections.rename(guild_id, before.id, new_name)
            after = await self._get(guild_id, before.id)
            await self.audit(guild_id, actor_id, "election.rename", before, after)
            await self.timetable_changed(guild_id, election_id=after.id)
        return after

    async def describe(self, guild_id: int, actor_id: int, election: str, description: str | None) -> Election:
        """Set or clear an election's description."""
        description = clean_text(description, "description", DESCRIPTION_LIMIT)
        async with self.db.transaction():
            before = await self.resolve(guild_id, election)
            await self.repos.elections.describe(guild_id, before.id, description)
            after = await self._get(guild_id, before.id)
            await self.audit(guild_id, actor_id, "election.describe", before, after)
        return after

    async def removal_summary(self, guild_id: int, election: str) -> RemovalSummary:
        """Say what would go with the election, before asking to confirm."""
        target = await self.resolve(guild_id, election)
        seats = await self.repos.seats.all(guild_id, target.id)
        candidates = await self.repos.candidates.all(guild_id, election_id=target.id)
        return RemovalSummary(target, len(seats), len(candidates))

    async def remove(self, guild_id: int, actor_id: int, election_id: int) -> Election:
        """Remove an election with its timetable, seats, candidates and results."""
        async with self.db.transaction():
            before = await self._get(guild_id, election_id)
            await self.repos.elections.remove(guild_id, election_id)
            await self.audit(guild_id, actor_id, "election.remove", before, None)
            await self.timetable_changed(guild_id, election_id=election_id)
        return before

    async def set_date(
        self,
        guild_id: int,
        actor_id: int,
        election: str,
        kind: MilestoneKind,
        date_text: str,
        time_text: str | None = None,
    ) -> DateChange:
        """Date a milestone, in the guild's time zone, keeping the timetable in order."""
        config = await self.repos.guilds.get(guild_id)
        zone = ZoneInfo(config.timezone)
        now = self.clock.now()
        day = parse_date(date_text, today=utc_to_local(now, zone).date())
        at = parse_time(time_text) if time_text and time_text.strip() else default_time(kind)
        wall = read_wall_time(day, at, zone)
        instant = wall.instant
        async with self.db.transaction():
            before = await self.resolve(guild_id, election)
            conflict = timetable_conflict({m.kind: m.at for m in before.timetable}, kind, instant)
            if conflict is not None:
                raise InvalidInput(conflict.refusal(zone))
            await self.repos.elections.set_milestone(guild_id, before.id, kind, instant)
            after = await self._get(guild_id, before.id)
            await self.audit(
                guild_id,
                actor_id,
                "date.set",
                {"election": before.name, "kind": kind.value, "at": _iso(before.at(kind))},
                {"election": after.name, "kind": kind.value, "at": _iso(instant)},
            )
            await self.timetable_changed(
                guild_id, election_id=after.id, kind=kind, before=before.at(kind), after=instant
            )
        return DateChange(after, kind, before.at(kind), instant, instant < now, wall.note)

    async def clear_date(self, guild_id: int, actor_id: int, election: str, kind: MilestoneKind) -> DateCleared:
        """Remove a milestone's date."""
        async with self.db.transaction():
            before = await self.resolve(guild_id, election)
            previous = before.at(kind)
            if previous is None:
                msg = f"{plain(before.name)} has no {kind.value} date to clear."
                raise NotFound(msg)
            await self.repos.elections.clear_milestone(guild_id, before.id, kind)
            after = await self._get(guild_id, before.id)
            await self.audit(
                guild_id,
                actor_id,
                "date.clear",
                {"election": before.name, "kind": kind.value, "at": _iso(previous)},
                None,
            )
            await self.timetable_changed(guild_id, election_id=after.id, kind=kind, before=previous)
        return DateCleared(after, kind, previous)

    async def post_by(self, guild_id: int, election: Election) -> datetime | None:
        """The post-by day's anchor (09:00 local) for the election, when its close is dated."""
        close = election.at(MilestoneKind.BALLOT_CLOSE)
        if close is None:
            return None
        config = await self.repos.guilds.get(guild_id)
        return post_by_instant(close, tz=ZoneInfo(config.timezone), nation=config.nation, working_days=config.post_days)

    async def _get(self, guild_id: int, election_id: int) -> Election:
        election = await self.repos.elections.get(guild_id, election_id)
        if election is None:
            msg = "That election no longer exists."
            raise NotFound(msg)
        return election


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
