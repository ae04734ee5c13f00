"""Candidates: who stands, for which seat, on which slate, and what they say."""

from dataclasses import dataclass, replace

from bot.clock import Clock
from bot.domain.models import Candidate
from bot.domain.text import plain, resolve, tidy_paragraphs
from bot.errors import Conflict, InvalidInput, NotFound
from bot.services._base import Service
from bot.services._validate import NAME_LIMIT, STATEMENT_LIMIT, TEXT_LIMIT, clean_name, clean_text
from bot.services.elections import ElectionService
from bot.services.seats import SeatService
from bot.services.slates import WithNewSlate, name_slate
from storage.repositories import Repositories

#: What an organiser may type for "no slate".
_INDEPENDENT = frozenset({"", "none", "independent", "no slate"})


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field an edit changed, its values in words (``none``, ``yes``/``no``, a seat's name); user text raw."""

    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class CandidateEdit:
    """What ``CandidateService.edit`` did: the candidate before and after, in words, and any slate it made."""

    before: Candidate
    after: Candidate
    election: str
    changes: tuple[FieldChange, ...]
    new_slate: str | None = None


def _statement(text: str | None) -> str | None:
    """A statement as stored: pasted line endings and blank-line runs tidied, then checked like any text."""
    return clean_text(None if text is None else tidy_paragraphs(text), "statement", STATEMENT_LIMIT)


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
        new_slate: bool = False,
    ) -> Candidate:
        """Add a candidate to a seat (see :meth:`add_reported`, which also says whether a slate was made)."""
        added = await self.add_reported(
            guild_id,
            actor_id,
            name=name,
            seat=seat,
            election=election,
            slate=slate,
            branch=branch,
            job=job,
            incumbent=incumbent,
            statement=statement,
            new_slate=new_slate,
        )
        return added.value

    async def add_reported(
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
        new_slate: bool = False,
    ) -> WithNewSlate[Candidate]:
        """
        Add a candidate to a seat; the same person twice in one seat is refused.

        A slate named for the first time is made (and named in the outcome); a near miss of an existing slate
        raises ``SlateNearMiss`` unless ``new_slate`` confirms it. The statement is stored tidied.
        """
        name = clean_name(name, "candidate")
        branch = clean_text(branch, "branch", NAME_LIMIT)
        job = clean_text(job, "job", TEXT_LIMIT)
        statement = _statement(statement)
        async with self.db.transaction():
            target_seat = await self.seats.resolve(guild_id, seat, election)
            existing = await self.repos.candidates.find_in_seat(guild_id, target_seat.id, name)
            if existing is not None:
                msg = f"{plain(existing.name)} already stands for {plain(target_seat.name)}."
                raise Conflict(msg)
            slate_id, made = await self._slate_id(guild_id, slate, new_slate=new_slate)
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
        return WithNewSlate(candidate, candidate.slate if made else None)

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
        new_slate: bool = False,
    ) -> CandidateEdit:
        """
        Change any of a candidate's fields (``slate: none`` makes them an independent); say what changed.

        Slates are named as in :meth:`add_reported`: a near miss raises ``SlateNearMiss`` unless ``new_slate``.
        """
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
            slate_id, _ = await self._slate_id(guild_id, after.slate)
            made = False
            if slate is not None:
                slate_id, made = await self._slate_id(guild_id, slate, new_slate=new_slate)
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
            election_name, changes = await self._describe(guild_id, before, after)
        return CandidateEdit(before, after, election_name, changes, after.slate if made else None)

    async def _describe(
        self, guild_id: int, before: Candidate, after: Candidate
    ) -> tuple[str, tuple[FieldChange, ...]]:
        """The candidate's election and each changed field in words, in the order of the edit's options."""
        seat_names: dict[int, str] = {}
        election = ""
        for seat_id in (before.seat_id, after.seat_id):
            seat = await self.repos.seats.get(guild_id, seat_id)
            if seat is not None:
                seat_names[seat_id] = seat.name
                found = await self.repos.elections.get(guild_id, seat.election_id)
                election = election if found is None else found.name
        shown = {
            "name": (before.name, after.name),
            "seat": (seat_names.get(before.seat_id, "?"), seat_names.get(after.seat_id, "?")),
            "slate": (before.slate or "independent", after.slate or "independent"),
            "branch": (before.branch or "none", after.branch or "none"),
            "job": (before.job or "none", after.job or "none"),
            "incumbent": ("yes" if before.incumbent else "no", "yes" if after.incumbent else "no"),
        }
        changes = tuple(FieldChange(field, old, new) for field, (old, new) in shown.items() if old != new)
        return election, changes

    async def set_statement(self, guild_id: int, actor_id: int, candidate_id: int, statement: str | None) -> Candidate:
        """Replace a candidate's statement (empty clears it)."""
        statement = _statement(statement)
        async with self.db.transaction():
            before = await self._get(guild_id, candidate_id)
            after = replace(before, statement=statement)
            slate_id, _ = await self._slate_id(guild_id, before.slate)
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

    async def _slate_id(self, guild_id: int, slate: str | None, *, new_slate: bool = False) -> tuple[int | None, bool]:
        """
        The named slate's id and whether it was made just now (see ``name_slate``).

        ``None`` for no slate, ``none`` or ``independent``.
        """
        if slate is None or slate.strip().casefold() in _INDEPENDENT:
            return None, False
        found, made = await name_slate(self.repos, guild_id, slate, new_slate=new_slate)
        return found.id, made


_ADD_HINT = "An organiser can add them with `/organise candidate add`."
_NO_CANDIDATES = f"This server has no candidates yet. {_ADD_HINT}"


def _name(key: tuple[int, str]) -> str:
    return key[1]
