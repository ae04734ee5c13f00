"""Nominations before the ballot: which branch or group nominated which slate candidate, against a target."""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.domain.dates import parse_date, utc_to_local
from bot.domain.models import Candidate, Election, Nomination
from bot.domain.text import normalise, plain, resolve
from bot.errors import InvalidInput, NotFound
from bot.services._base import Service
from bot.services.candidates import CandidateService
from bot.services.elections import ElectionService
from storage.repositories import Repositories

#: The longest body name kept (a branch's or group's name is short; a pasted paragraph is a mistake).
BODY_LIMIT = 100
#: The largest target accepted: UNISON has about a thousand branches.
TARGET_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class CandidateNominations:
    """One slate candidate's nominations so far."""

    candidate: Candidate
    seat: str
    bodies: tuple[Nomination, ...]

    @property
    def count(self) -> int:
        """How many bodies nominated the candidate."""
        return len(self.bodies)


@dataclass(frozen=True, slots=True)
class Standings:
    """Every slate candidate of an election with their nominations, against the election's target."""

    election: Election
    slate: str | None
    target: int | None
    candidates: tuple[CandidateNominations, ...]

    def short(self) -> tuple[CandidateNominations, ...]:
        """The candidates still short of the target (none when no target is set)."""
        if self.target is None:
            return ()
        return tuple(c for c in self.candidates if c.count < self.target)


@dataclass(frozen=True, slots=True)
class BranchNominations:
    """What one body has done: the slate candidates it nominated, and those it has not (yet)."""

    election: Election
    body: str
    nominated: tuple[CandidateNominations, ...]
    not_yet: tuple[CandidateNominations, ...]


class NominationService(Service):
    """Records nominations and targets; tells activists where the slate stands and what their branch can do."""

    def __init__(
        self, repos: Repositories, clock: Clock, elections: ElectionService, candidates: CandidateService
    ) -> None:
        super().__init__(repos, clock)
        self.elections = elections
        self.candidates = candidates

    async def add(
        self,
        guild_id: int,
        actor_id: int,
        candidate: str,
        body: str,
        day: str | None = None,
        election: str | None = None,
    ) -> tuple[Candidate, Nomination, bool]:
        """Record that ``body`` nominated the candidate (on ``day``); returns whether it was new."""
        name = _body(body)
        zone = ZoneInfo((await self.repos.guilds.get(guild_id)).timezone)
        today = utc_to_local(self.clock.now(), zone).date()
        on = parse_date(day, today=today) if day and day.strip() else None
        if on is not None and on > today:
            msg = f"A nomination can't be dated in the future ({on:%-d %B %Y}); give the day the meeting nominated."
            raise InvalidInput(msg)
        async with self.db.transaction():
            target = await self.candidates.resolve(guild_id, candidate, election)
            before = await self.repos.nominations.get(guild_id, target.id, name)
            await self.repos.nominations.add(guild_id, target.id, name, on)
            after = await self.repos.nominations.get(guild_id, target.id, name)
            if after is None:  # pragma: no cover - added in this transaction
                msg = "The nomination could not be recorded."
                raise NotFound(msg)
            await self.audit(
                guild_id,
                actor_id,
                "nomination.add",
                None if before is None else _snap(target, before),
                _snap(target, after),
            )
        return target, after, before is None

    async def remove(
        self, guild_id: int, actor_id: int, candidate: str, body: str, election: str | None = None
    ) -> tuple[Candidate, Nomination]:
        """Delete a body's nomination of a candidate."""
        async with self.db.transaction():
            target = await self.candidates.resolve(guild_id, candidate, election)
            existing = await self.repos.nominations.get(guild_id, target.id, _body(body))
            if existing is None:
                known = [n.body for n in await self._of_candidate(guild_id, target)]
                listed = ", ".join(plain(b) for b in known) if known else "none yet"
                msg = (
                    f"No nomination of **{plain(target.name)}** by {plain(body.strip())} is recorded "
                    f"(recorded: {listed})."
                )
                raise NotFound(msg, known)
            await self.repos.nominations.remove(guild_id, target.id, existing.body)
            await self.audit(guild_id, actor_id, "nomination.remove", _snap(target, existing), None)
        return target, existing

    async def set_target(self, guild_id: int, actor_id: int, count: int, election: str | None = None) -> Election:
        """Set how many nominations each candidate of the election needs (0 clears the target)."""
        if count < 0 or count > TARGET_LIMIT:
            msg = f"The target is a number of nominations from 1 to {TARGET_LIMIT} (0 clears it)."
            raise InvalidInput(msg)
        async with self.db.transaction():
            target = await self.elections.resolve(guild_id, election)
            before = await self.repos.nominations.target(guild_id, target.id)
            await self.repos.nominations.set_target(guild_id, target.id, count or None)
            await self.audit(
                guild_id,
                actor_id,
                "nomination.target",
                {"election": target.name, "target": before},
                {"election": target.name, "target": count or None},
            )
            # Reminders before nominations close name who is short of the target: they follow it.
            await self.timetable_changed(guild_id, election_id=target.id)
        return target

    async def standings(self, guild_id: int, election: str | None = None) -> Standings:
        """Each slate candidate's nominations so far, fewest first, against the target."""
        target = await self.elections.resolve(guild_id, election)
        return await self.standings_of(guild_id, target)

    async def standings_of(self, guild_id: int, election: Election) -> Standings:
        """:meth:`standings` for an election already in hand (the reminders')."""
        config = await self.repos.guilds.get(guild_id)
        seats = {s.id: s for s in await self.repos.seats.all(guild_id, election.id)}
        slate_key = normalise(config.slate) if config.slate else None
        candidates = [
            c
            for c in await self.repos.candidates.all(guild_id, election_id=election.id)
            if slate_key is not None and c.slate is not None and normalise(c.slate) == slate_key
        ]
        by_candidate: dict[int, list[Nomination]] = {}
        for nomination in await self.repos.nominations.of_election(guild_id, election.id):
            by_candidate.setdefault(nomination.candidate_id, []).append(nomination)
        rows = [
            CandidateNominations(
                c, seats[c.seat_id].name if c.seat_id in seats else "", tuple(by_candidate.get(c.id, ()))
            )
            for c in candidates
        ]
        rows.sort(key=lambda r: (r.count, normalise(r.candidate.name)))
        return Standings(
            election, config.slate, await self.repos.nominations.target(guild_id, election.id), tuple(rows)
        )

    async def of_candidate(
        self, guild_id: int, candidate: str, election: str | None = None
    ) -> tuple[CandidateNominations, int | None]:
        """One candidate's nominations (any candidate, slate or not), and the election's target."""
        target = await self.candidates.resolve(guild_id, candidate, election)
        seat = await self.repos.seats.get(guild_id, target.seat_id)
        bodies = await self._of_candidate(guild_id, target)
        goal = None if seat is None else await self.repos.nominations.target(guild_id, seat.election_id)
        return CandidateNominations(target, "" if seat is None else seat.name, tuple(bodies)), goal

    async def of_branch(self, guild_id: int, branch: str, election: str | None = None) -> BranchNominations:
        """Which slate candidates the body has nominated, and which not yet: what to take to the next meeting."""
        name = _body(branch)
        standings = await self.standings(guild_id, election)
        key = normalise(name)
        known = await self.repos.nominations.bodies(guild_id)
        shown = next((b for b in known if normalise(b) == key), name)
        nominated = tuple(c for c in standings.candidates if any(normalise(n.body) == key for n in c.bodies))
        not_yet = tuple(c for c in standings.candidates if c not in nominated)
        return BranchNominations(standings.election, shown, nominated, not_yet)

    async def bodies(self, guild_id: int) -> list[str]:
        """Every body that has nominated anyone (for autocomplete)."""
        return await self.repos.nominations.bodies(guild_id)

    async def resolve_body(self, guild_id: int, query: str) -> str:
        """A known body the user meant, or the name as typed (a branch that has nominated nobody yet)."""
        name = _body(query)
        known = await self.repos.nominations.bodies(guild_id)
        try:
            return resolve(name, known, lambda b: b, what="branch")
        except NotFound:
            return name

    async def _of_candidate(self, guild_id: int, candidate: Candidate) -> list[Nomination]:
        seat = await self.repos.seats.get(guild_id, candidate.seat_id)
        if seat is None:  # pragma: no cover - a candidate's seat is removed with it
            return []
        return [
            n
            for n in await self.repos.nominations.of_election(guild_id, seat.election_id)
            if n.candidate_id == candidate.id
        ]


def _body(text: str) -> str:
    """A body's name as given, tidied; refused when empty or too long."""
    name = " ".join(text.split())
    if not name:
        msg = "Name the branch or group that nominated, e.g. `Leicester City`."
        raise InvalidInput(msg)
    if len(name) > BODY_LIMIT:
        msg = f"A branch or group name is at most {BODY_LIMIT} characters."
        raise InvalidInput(msg)
    return name


def _snap(candidate: Candidate, nomination: Nomination) -> dict[str, object]:
    return {
        "candidate": candidate.name,
        "body": nomination.body,
        "on": None if nomination.on is None else nomination.on.isoformat(),
    }


def days_ago(on: date | None) -> str:
    """A nomination's day for display: ``12 February 2025``, or nothing when unknown."""
    return "" if on is None else f"{on:%-d %B %Y}"
