"""Recorded votes, and the results read back: who was elected, and the slate's tally against last time."""

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.domain.enums import MilestoneKind
from bot.domain.models import Candidate, Election, Result, Seat
from bot.domain.reminders import finished_elections
from bot.domain.results import (
    ElectionResults,
    SeatResult,
    and_list,
    earlier_in_series,
    election_results,
    overfilled,
)
from bot.domain.text import counted, normalise, plain, truncate
from bot.errors import InvalidInput, NotFound, UserError
from bot.services._base import Service
from bot.services.candidates import CandidateService
from storage.repositories import Repositories

#: More votes than any UK union has members: a typo, not a result.
MAX_VOTES = 10_000_000


@dataclass(frozen=True, slots=True)
class ResultsView:
    """What ``/results`` shows: the election's results, and the one seat asked about (if any)."""

    results: ElectionResults
    seat: SeatResult | None = None


@dataclass(frozen=True, slots=True)
class RecordedResult:
    """A result just recorded, with whose it is and what it means for the election's reminders."""

    result: Result
    candidate: Candidate
    seat: Seat
    election: Election
    #: The clock is between the election's ballot_open and ballot_close: members are still voting.
    ballot_open: bool
    #: This result completed the last contested seat, so the election's reminders stop now.
    reminders_stop: bool


def _ballot_open(election: Election, now: datetime) -> bool:
    """Whether ``now`` falls inside the election's ballot window (both ends dated)."""
    opens = election.at(MilestoneKind.BALLOT_OPEN)
    close = election.at(MilestoneKind.BALLOT_CLOSE)
    return opens is not None and close is not None and opens <= now < close


def _split_election_hint(text: str) -> tuple[str, str] | None:
    """``Hugo Pierre (NEC 2015)`` -> ``("Hugo Pierre", "NEC 2015")``; ``None`` without a trailing ``(...)``."""
    stripped = text.strip()
    if not stripped.endswith(")") or "(" not in stripped:
        return None
    name, _, rest = stripped[:-1].rpartition("(")
    if not name.strip() or not rest.strip():
        return None
    return name.strip(), rest.strip()


class ResultService(Service):
    """Records votes for candidates and reads the results back."""

    def __init__(self, repos: Repositories, clock: Clock, candidates: CandidateService) -> None:
        super().__init__(repos, clock)
        self.candidates = candidates

    # --- Writing ---------------------------------------------------------------------------------------

    async def set(
        self,
        guild_id: int,
        actor_id: int,
        candidate: str,
        votes: int,
        elected: bool | None = None,
        election: str | None = None,
    ) -> Result:
        """Record a candidate's votes (see :meth:`record`) and return the stored result."""
        return (await self.record(guild_id, actor_id, candidate, votes, elected, election)).result

    async def record(
        self,
        guild_id: int,
        actor_id: int,
        candidate: str,
        votes: int,
        elected: bool | None = None,
        election: str | None = None,
    ) -> RecordedResult:
        """
        Record a candidate's votes; ``elected`` (when given) wins over the arithmetic.

        The election may be given, or named after the candidate as ``Name (Election)`` (so the same person
        standing in two elections can be told apart from the one ``candidate`` option). A candidate who stands
        in another election than the one named is refused: a result belongs to the election it was won in.
        Marking someone elected in a seat whose places are already taken by others marked elected is refused.
        """
        if not 0 <= votes <= MAX_VOTES:
            msg = f"Votes must be a whole number from 0 to {MAX_VOTES:,} (you gave {votes:,})."
            raise InvalidInput(msg)
        now = self.clock.now()
        async with self.db.transaction():
            target = await self._target(guild_id, candidate, election)
            seat, chosen = await self._seat_and_election(guild_id, target)
            if elected:
                await self._check_places(guild_id, target, seat, chosen)
            finished_before = await self._finished(guild_id, chosen, now)
            before = await self.repos.results.get(guild_id, target.id)
            result = Result(candidate_id=target.id, guild_id=guild_id, votes=votes, elected=elected)
            await self.repos.results.set(result)
            await self.audit(
                guild_id,
                actor_id,
                "result.set",
                None
                if before is None
                else {"candidate": target.name, "votes": before.votes, "elected": before.elected},
                {"candidate": target.name, "votes": votes, "elected": elected},
            )
            finished_after = await self._finished(guild_id, chosen, now)
            # The result may complete the last contested seat, which stops the election's reminders.
            await self.timetable_changed(guild_id)
        return RecordedResult(
            result=result,
            candidate=target,
            seat=seat,
            election=chosen,
            ballot_open=_ballot_open(chosen, now),
            reminders_stop=finished_after and not finished_before,
        )

    async def _seat_and_election(self, guild_id: int, candidate: Candidate) -> tuple[Seat, Election]:
        """The seat a candidate stands for and its election."""
        seat = await self.repos.seats.get(guild_id, candidate.seat_id)
        chosen = None if seat is None else await self.repos.elections.get(guild_id, seat.election_id)
        if seat is None or chosen is None:  # pragma: no cover - a candidate is removed with their seat
            msg = f"{plain(candidate.name)}'s seat no longer exists."
            raise NotFound(msg)
        return seat, chosen

    async def _check_places(self, guild_id: int, candidate: Candidate, seat: Seat, election: Election) -> None:
        """Refuse to mark ``candidate`` elected when others marked elected already fill the seat's places."""
        results = await self.repos.results.for_election(guild_id, election.id)
        others = [
            c.name
            for c in await self.repos.candidates.all(guild_id, seat_id=seat.id)
            if c.id != candidate.id and (r := results.get(c.id)) is not None and r.elected
        ]
        if overfilled(seat.name, seat.places, [*others, candidate.name]) is None:
            return
        names = and_list([plain(n) for n in others])
        msg = (
            f"{plain(candidate.name)} cannot be marked elected: {plain(seat.name)} ({plain(election.name)}) has "
            f"{counted(seat.places, 'place')}, and {names} {'is' if len(others) == 1 else 'are'} already marked "
            "elected. A seat elects no more candidates than it has places, so nothing was recorded. If the earlier "
            "result was wrong, record it again with `elected: false` first; or leave `elected` out and let the votes "
            "decide."
        )
        raise InvalidInput(msg)

    async def _finished(self, guild_id: int, election: Election, now: datetime) -> bool:
        """Whether the election's reminders have stopped (its results date passed or every contested seat in)."""
        seats = await self.repos.results.seat_counts(guild_id)
        return election.id in finished_elections([election], seats, now)

    async def _target(self, guild_id: int, candidate: str, election: str | None) -> Candidate:
        """The candidate a result is for; one who stands in another election than the one named is NotFound."""
        if election is None:
            hinted = await self._election_hint(guild_id, candidate)
            if hinted is not None:
                candidate, election = hinted
        if election is None:
            return await self.candidates.resolve(guild_id, candidate)
        chosen = await self.candidates.elections.resolve(guild_id, election)
        try:
            target = await self.candidates.resolve(guild_id, candidate, chosen.name)
        except NotFound as missing:
            try:
                elsewhere = await self.candidates.resolve(guild_id, candidate)
            except UserError:
                raise missing from None
            target = elsewhere
        seat = await self.repos.seats.get(guild_id, target.seat_id)
        if seat is None or seat.election_id != chosen.id:
            theirs = None if seat is None else await self.repos.elections.get(guild_id, seat.election_id)
            where = "another election" if theirs is None else plain(theirs.name)
            msg = (
                f"No candidate called “{truncate(plain(candidate.strip()), 100)}” in {plain(chosen.name)}: "
                f"{plain(target.name)} does not stand in {plain(chosen.name)} (they stand in {where}), "
                "and a result belongs to the election the candidate stands in."
            )
            raise NotFound(msg)
        return target

    async def _election_hint(self, guild_id: int, text: str) -> tuple[str, str] | None:
        """
        Split ``Name (Election)`` when the brackets hold exactly an election's name.

        A candidate whose own name is the whole text (brackets and all) wins, so nothing that worked before
        this form existed reads differently now.
        """
        split = _split_election_hint(text)
        if split is None:
            return None
        name, election = split
        key = normalise(election)
        if not any(normalise(e.name) == key for e in await self.repos.elections.all(guild_id)):
            return None
        whole = normalise(text)
        if any(normalise(c.name) == whole for c in await self.repos.candidates.all(guild_id)):
            return None
        return name, election

    # --- Reading ---------------------------------------------------------------------------------------

    async def view(self, guild_id: int, election: str | None = None, seat: str | None = None) -> ResultsView:
        """
        The results ``/results`` shows: every seat of the election (or the current one), or one seat.

        A seat named without an election is looked up in the current election, then in every election (its
        own election's results are shown). An election with no result yet is refused with what to do.
        """
        if seat is not None and seat.strip():
            found = await self.candidates.seats.resolve(guild_id, seat, election)
            target = await self.repos.elections.get(guild_id, found.election_id)
            if target is None:  # pragma: no cover - a seat's election is removed with it
                msg = "That seat's election no longer exists."
                raise NotFound(msg)
        else:
            found = None
            target = await self.candidates.elections.resolve(guild_id, election)
        results = await self.election_results(guild_id, target)
        if not results.declared:
            msg = (
                f"{plain(target.name)} has no results yet. "
                "An organiser can record each candidate's votes with `/organise result set`."
            )
            raise NotFound(msg)
        focus = None if found is None else next(s for s in results.seats if s.seat.id == found.id)
        return ResultsView(results, focus)

    async def election_results(self, guild_id: int, election: Election, *, compare: bool = True) -> ElectionResults:
        """Every seat's result and the slate's tally, compared (when ``compare``) with the previous election."""
        config = await self.repos.guilds.get(guild_id)
        seats = await self.candidates.seats.all_with_candidates(guild_id, election)
        results = await self.repos.results.for_election(guild_id, election.id)
        previous = None
        if compare and config.slate is not None:
            earlier = await self.previous_election(guild_id, election)
            if earlier is not None:
                before = await self.election_results(guild_id, earlier, compare=False)
                previous = (earlier.name, before.tally)
        return election_results(election, seats, results, config.slate, previous=previous)

    async def previous_election(self, guild_id: int, election: Election) -> Election | None:
        """
        The election to compare ``election`` with: the nearest earlier one of its series that has results.

        A series is the name with its numbers removed, so ``NEC 2015`` follows ``NEC 2013`` (or ``NEC 2011`` if
        2013 has no results recorded) and ``General Secretary 2020`` is never compared with an NEC.
        """
        for earlier in earlier_in_series(election, await self.repos.elections.all(guild_id)):
            if await self.repos.results.for_election(guild_id, earlier.id):
                return earlier
        return None
