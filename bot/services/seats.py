"""Seats: who votes for them and how many they elect."""

from dataclasses import dataclass, replace

from bot.clock import Clock
from bot.domain.enums import ElectorateType
from bot.domain.models import Candidate, Election, Seat, SeatWithCandidates
from bot.domain.text import normalise, plain, resolve
from bot.errors import Conflict, InvalidInput, NotFound
from bot.services._base import Service
from bot.services._validate import check_places, clean_name
from bot.services.elections import ElectionService
from storage.repositories import Repositories


def parse_electorate_type(text: str | ElectorateType) -> ElectorateType:
    """``region``, ``service_group`` (or ``service group``), ``group`` or ``national``."""
    if isinstance(text, ElectorateType):
        return text
    key = normalise(text).replace(" ", "_")
    try:
        return ElectorateType(key)
    except ValueError:
        choices = ", ".join(t.value for t in ElectorateType)
        msg = f"“{plain(text)}” is not an electorate type. Use one of: {choices}."
        raise InvalidInput(msg) from None


#: The fields an edit may change, in the order a reply lists them.
_EDITABLE = ("name", "electorate_type", "electorate", "places")


@dataclass(frozen=True, slots=True)
class SeatChange:
    """The outcome of adding (``before`` is ``None``) or editing a seat, with the election it belongs to."""

    election: Election
    before: Seat | None
    after: Seat

    @property
    def seat(self) -> Seat:
        """The seat as it is now."""
        return self.after

    @property
    def changed(self) -> tuple[tuple[str, object, object], ...]:
        """``(field, before, after)`` for each field an edit changed, in a fixed order; empty for an addition."""
        if self.before is None:
            return ()
        return tuple(
            (key, getattr(self.before, key), getattr(self.after, key))
            for key in _EDITABLE
            if getattr(self.before, key) != getattr(self.after, key)
        )


class SeatService(Service):
    """Adds, edits and removes seats."""

    def __init__(self, repos: Repositories, clock: Clock, elections: ElectionService) -> None:
        super().__init__(repos, clock)
        self.elections = elections

    async def all(self, guild_id: int, election_id: int) -> list[Seat]:
        """The election's seats by name."""
        return await self.repos.seats.all(guild_id, election_id)

    async def resolve(self, guild_id: int, name: str, election: str | None = None) -> Seat:
        """
        The seat the user named.

        Looked up in the given election, else in the current one, then in every election of the guild.
        """
        target = await self.elections.resolve(guild_id, election)
        seats = await self.repos.seats.all(guild_id, target.id)
        if election is None:
            try:
                return resolve(name, seats, lambda s: s.name, what="seat")
            except NotFound:
                everywhere = await self.repos.seats.all(guild_id)
                if not everywhere:
                    raise NotFound(_no_seats(target)) from None
                return resolve(name, everywhere, lambda s: s.name, what="seat")
        if not seats:
            raise NotFound(_no_seats(target))
        return resolve(name, seats, lambda s: s.name, what="seat")

    async def with_candidates(self, guild_id: int, seat: Seat) -> SeatWithCandidates:
        """The seat with everyone standing for it."""
        candidates = await self.repos.candidates.all(guild_id, seat_id=seat.id)
        return SeatWithCandidates(seat, tuple(candidates))

    async def all_with_candidates(self, guild_id: int, election: Election) -> tuple[SeatWithCandidates, ...]:
        """Every seat of the election by name, each with everyone standing for it (two reads, not one per seat)."""
        seats = await self.repos.seats.all(guild_id, election.id)
        candidates = await self.repos.candidates.all(guild_id, election_id=election.id)
        by_seat: dict[int, list[Candidate]] = {}
        for candidate in candidates:
            by_seat.setdefault(candidate.seat_id, []).append(candidate)
        return tuple(SeatWithCandidates(seat, tuple(by_seat.get(seat.id, ()))) for seat in seats)

    async def add(
        self,
        guild_id: int,
        actor_id: int,
        *,
        election: str | None,
        name: str,
        electorate_type: str | ElectorateType,
        electorate: str,
        places: int = 1,
    ) -> SeatChange:
        """Add a seat to an election."""
        name = clean_name(name, "seat")
        kind = parse_electorate_type(electorate_type)
        electorate = clean_name(electorate, "electorate")
        check_places(places)
        async with self.db.transaction():
            target = await self.elections.resolve(guild_id, election)
            existing = await self.repos.seats.find(guild_id, target.id, name)
            if existing is not None:
                msg = f"{plain(target.name)} already has a seat called “{plain(existing.name)}”."
                raise Conflict(msg)
            seat = await self.repos.seats.add(guild_id, target.id, name, kind, electorate, places)
            await self.audit(guild_id, actor_id, "seat.add", None, seat)
        return SeatChange(target, None, seat)

    async def edit(
        self,
        guild_id: int,
        actor_id: int,
        seat: str,
        *,
        name: str | None = None,
        electorate_type: str | ElectorateType | None = None,
        electorate: str | None = None,
        places: int | None = None,
    ) -> SeatChange:
        """Change any of a seat's fields."""
        async with self.db.transaction():
            before = await self.resolve(guild_id, seat)
            after = before
            if name is not None:
                after = replace(after, name=clean_name(name, "seat"))
                clash = await self.repos.seats.find(guild_id, before.election_id, after.name)
                if clash is not None and clash.id != before.id:
                    msg = f"That election already has a seat called “{plain(clash.name)}”."
                    raise Conflict(msg)
            if electorate_type is not None:
                after = replace(after, electorate_type=parse_electorate_type(electorate_type))
            if electorate is not None:
                after = replace(after, electorate=clean_name(electorate, "electorate"))
            if places is not None:
                after = replace(after, places=check_places(places))
            if after == before:
                msg = "Nothing to change: give at least one of name, electorate_type, electorate or places."
                raise InvalidInput(msg)
            await self.repos.seats.update(after)
            await self.audit(guild_id, actor_id, "seat.edit", before, after)
            election = await self.repos.elections.get(guild_id, before.election_id)
            if election is None:  # pragma: no cover - a seat's election is deleted with it, never before it
                msg = "That seat’s election no longer exists."
                raise NotFound(msg)
        return SeatChange(election, before, after)

    async def remove(self, guild_id: int, actor_id: int, seat_id: int) -> Seat:
        """Remove a seat with its candidates and their results."""
        async with self.db.transaction():
            before = await self.repos.seats.get(guild_id, seat_id)
            if before is None:
                msg = "That seat no longer exists."
                raise NotFound(msg)
            await self.repos.seats.remove(guild_id, seat_id)
            await self.audit(guild_id, actor_id, "seat.remove", before, None)
        return before


def _no_seats(election: Election) -> str:
    return f"{plain(election.name)} has no seats yet. An organiser can add them with `/organise seat add`."
