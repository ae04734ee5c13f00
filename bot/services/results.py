"""Recorded votes."""

from bot.clock import Clock
from bot.domain.models import Result
from bot.domain.text import plain
from bot.errors import InvalidInput
from bot.services._base import Service
from bot.services.candidates import CandidateService
from storage.repositories import Repositories

#: More votes than any UK union has members: a typo, not a result.
MAX_VOTES = 10_000_000


class ResultService(Service):
    """Records votes for candidates."""

    def __init__(self, repos: Repositories, clock: Clock, candidates: CandidateService) -> None:
        super().__init__(repos, clock)
        self.candidates = candidates

    async def set(
        self,
        guild_id: int,
        actor_id: int,
        candidate: str,
        votes: int,
        elected: bool | None = None,
        election: str | None = None,
    ) -> Result:
        """Record a candidate's votes; ``elected`` (when given) wins over the arithmetic."""
        if not 0 <= votes <= MAX_VOTES:
            msg = f"Votes must be a whole number from 0 to {MAX_VOTES:,} (you gave {votes:,})."
            raise InvalidInput(msg)
        async with self.db.transaction():
            target = await self.candidates.resolve(guild_id, candidate, election)
            if election is not None:
                chosen = await self.candidates.elections.resolve(guild_id, election)
                seat = await self.repos.seats.get(guild_id, target.seat_id)
                if seat is None or seat.election_id != chosen.id:
                    msg = f"{plain(target.name)} does not stand in {plain(chosen.name)}."
                    raise InvalidInput(msg)
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
        # Once results are in, the election's reminders stop.
        await self.timetable_changed(guild_id)
        return result
