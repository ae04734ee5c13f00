"""Candidates: who stands, for which seat, on which slate, and what they say."""

from dataclasses import replace

from bot.clock import Clock
from bot.domain.models import Candidate
from bot.domain.text import plain, resolve
from bot.errors import Conflict, InvalidInput, NotFound
from bot.services._base import Service
from bot.services._validate import NAME_LIMIT, STATEMENT_LIMIT, TEXT_LIMIT, clean_name, clean_text
from bot.services.elections import ElectionService
from bot.services.seats import SeatService
from storage.repositories import Repositories

#: What an organiser may type for "no slate".
_INDEPENDENT = frozenset({"", "none", "independent", "no slate"})


class CandidateService(Service):
    """Adds, edits and removes candidates and their statements."""

    def __init__(self, repos: Repositories, clock: Clock, elections: ElectionService, seats: SeatService) -> None:
        super().__init__(repos, clock)
        self.elections = elections
        self.seats = seats

    async def resolve(self, guild_id: int, name: str, election: str | None = None) -> Candidate:
        """
        The candidate the user named.

        Looked up in the given election, else the current one, then across the guild (one person may stand in
        two elections; then the current election's entry wins).
        """
        return await self._get(guild_id, await self.resolve_id(guild_id, name, election))

    async def resolve_id(self, guild_id: int, name: str, election: str | None = None) -> int:
        """The id of the candidate the user named (see :meth:`resolve`); matched on names alone."""
        target = await self.elections.resolve(guild_id, election)
        keys = await self.repos.candidates.keys(guild_id, election_id=target.id)
        if election is None:
            try:
                return resolve(name, keys, _name, what="candidate")[0]
            except NotFound:
                everywhere = await self.repos.candidates.keys(guild_id)
                if not everywhere:
                    raise NotFound(_NO_CANDIDATES) from None
                return resolve(name, everywhere, _name, what="candidate")[0]
        if not keys:
            msg = f"{plain(target.name)} has no candidates yet. {_ADD_HINT}"
            raise NotFound(msg)
        return resolve(name, keys, _name, what="candidate")[0]

    async def names(self, guild_id: int, election_id: int | None = None) -> list[str]:
        """Candidate names for autocomplete."""
        return await self.repos.candidates.names(guild_id, election_id)

    async def add(
        self,
        guild_id: int,
        actor_id: int,
        *,
        name: str,
        seat: str,
        election: str | None = None,
        slate: str | None = None,
        branch: str | None = None,
        job: str | None = None,
        incumbent: bool = False,
        statement: str | None = None,
    ) -> Candidate:
        """Add a candidate to a seat; the same person twice in one seat is refused."""
        name = clean_name(name, "candidate")
        branch = clean_text(branch, "branch", NAME_LIMIT)
        job = clean_text(job, "job", TEXT_LIMIT)
        statement = clean_text(statement, "statement", STATEMENT_LIMIT)
        async with self.db.transaction():
            target_seat = await self.seats.resolve(guild_id, seat, election)
            existing = await self.repos.candidates.find_in_seat(guild_id, target_seat.id, name)
            if existing is not None:
                msg = f"{plain(existing.name)} already stands for {plain(target_seat.name)}."
                raise Conflict(msg)
            slate_id = await self._slate_id(guild_id, slate)
            draft = Candidate(
                id=0,
                guild_id=guild_id,
                seat_id=target_seat.id,
                name=name,
                branch=branch,
                job=job,
                incumbent=incumbent,
                statement=statement,
            )
            candidate = await self.repos.candidates.add(draft, slate_id)
            await self.audit(guild_id, actor_id, "candidate.add", None, candidate)
        return candidate

    async def edit(
        self,
        guild_id: int,
        actor_id: int,
        candidate: str,
        *,
        election: str | None = None,
        name: str | None = None,
        seat: str | None = None,
        slate: str | None = None,
        branch: str | None = None,
        job: str | None = None,
        incumbent: bool | None = None,
    ) -> Candidate:
        """Change any of a candidate's fields (``slate: none`` makes them an independent)."""
        async with self.db.transaction():
            before = await self.resolve(guild_id, candidate, election)
            after = before
            if name is not None:
                after = replace(after, name=clean_name(name, "candidate"))
            if seat is not None:
                after = replace(after, seat_id=(await self.seats.resolve(guild_id, seat, election)).id)
            if branch is not None:
                after = replace(after, branch=clean_text(branch, "branch", NAME_LIMIT))
            if job is not None:
                after = replace(after, job=clean_text(job, "job", TEXT_LIMIT))
            if incumbent is not None:
                after = replace(after, incumbent=incumbent)
            slate_id = await self._slate_id(guild_id, after.slate)
            if slate is not None:
                slate_id = await self._slate_id(guild_id, slate)
                named = None if slate_id is None else await self.repos.slates.get(guild_id, slate_id)
                after = replace(after, slate=None if named is None else named.name)
            if after == before:
                msg = "Nothing to change: give at least one field to edit."
                raise InvalidInput(msg)
            if (after.seat_id, after.name) != (before.seat_id, before.name):
                clash = await self.repos.candidates.find_in_seat(guild_id, after.seat_id, after.name)
                if clash is not None and clash.id != before.id:
                    msg = f"{plain(clash.name)} already stands for that seat."
                    raise Conflict(msg)
            await self.repos.candidates.update(after, slate_id)
            await self.audit(guild_id, actor_id, "candidate.edit", before, after)
        return after

    async def set_statement(self, guild_id: int, actor_id: int, candidate_id: int, statement: str | None) -> Candidate:
        """Replace a candidate's statement (empty clears it)."""
        statement = clean_text(statement, "statement", STATEMENT_LIMIT)
        async with self.db.transaction():
            before = await self._get(guild_id, candidate_id)
            after = replace(before, statement=statement)
            slate_id = await self._slate_id(guild_id, before.slate)
            await self.repos.candidates.update(after, slate_id)
            await self.audit(guild_id, actor_id, "candidate.statement", before, after)
        return after

    async def remove(self, guild_id: int, actor_id: int, candidate_id: int) -> Candidate:
        """Remove a candidate and their result."""
        async with self.db.transaction():
            before = await self._get(guild_id, candidate_id)
            await self.repos.candidates.remove(guild_id, candidate_id)
            await self.audit(guild_id, actor_id, "candidate.remove", before, None)
        return before

    async def get(self, guild_id: int, candidate_id: int) -> Candidate:
        """One candidate by id."""
        return await self._get(guild_id, candidate_id)

    async def _get(self, guild_id: int, candidate_id: int) -> Candidate:
        found = await self.repos.candidates.get(guild_id, candidate_id)
        if found is None:
            msg = "That candidate no longer exists."
            raise NotFound(msg)
        return found

    async def _slate_id(self, guild_id: int, slate: str | None) -> int | None:
        """The named slate's id (created if new); ``None`` for no slate, ``none`` or ``independent``."""
        if slate is None or slate.strip().casefold() in _INDEPENDENT:
            return None
        found, _ = await self.repos.slates.ensure(guild_id, clean_name(slate, "slate"))
        return found.id


_ADD_HINT = "An organiser can add them with `/organise candidate add`."
_NO_CANDIDATES = f"This server has no candidates yet. {_ADD_HINT}"


def _name(key: tuple[int, str]) -> str:
    return key[1]
