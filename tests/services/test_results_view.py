"""Results read back from real storage: the /results view, the previous election, and the refusals of result set."""

import pytest

from bot.domain.models import Result
from bot.domain.results import Outcome, SeatStatus
from bot.errors import InvalidInput, NotFound
from bot.services.container import Services
from tests.fakes import GUILD, ORGANISER, OTHER_GUILD

SLATE = "Time for Real Change"
GS = "General Secretary 2020"
GS_RESULT = {"Christina McAnea": 63_900, "Paul Holmes": 45_220, "Roger McKenzie": 14_450, "Hugo Pierre": 10_382}


async def add_election(services: Services, name: str, seats: dict[str, tuple[int, dict[str, str | None]]]) -> None:
    """An election with seats {name: (places, {candidate: slate})}."""
    await services.elections.add(GUILD, ORGANISER, name)
    for seat, (places, people) in seats.items():
        await services.seats.add(
            GUILD, ORGANISER, election=name, name=seat, electorate_type="national", electorate="All", places=places
        )
        for person, slate in people.items():
            await services.candidates.add(GUILD, ORGANISER, name=person, seat=seat, election=name, slate=slate)


@pytest.fixture
async def gs(services: Services) -> Services:
    """The 2020 General Secretary election (one seat, four candidates), our slate set."""
    await services.guilds.set_slate(GUILD, ORGANISER, SLATE)
    people: dict[str, str | None] = dict.fromkeys(GS_RESULT)
    people["Hugo Pierre"] = SLATE
    await add_election(services, GS, {"General Secretary": (1, people)})
    return services


async def test_view_ranks_the_general_secretary_result(gs: Services) -> None:
    """/results for GS 2020: McAnea first and elected; Hugo Pierre, the slate's, last and starred."""
    for name, count in GS_RESULT.items():
        await gs.results.set(GUILD, ORGANISER, name, count, election=GS)
    view = await gs.results.view(GUILD, GS)
    [seat] = view.results.seats
    assert view.seat is None
    assert seat.candidates[0].candidate.name == "Christina McAnea"
    assert [c.candidate.name for c in seat.elected] == ["Christina McAnea"]
    assert [c.on_slate for c in seat.candidates] == [False, False, False, True]
    assert (view.results.tally.won, view.results.tally.places, view.results.tally.others) == (0, 1, 1)


async def test_view_of_one_seat_finds_its_election(gs: Services) -> None:
    """A seat named without an election is found, and its own election's results are shown."""
    await gs.results.set(GUILD, ORGANISER, "Hugo Pierre", 10_382, election=GS)
    view = await gs.results.view(GUILD, seat="general sec")
    assert view.seat is not None and view.seat.seat.name == "General Secretary"
    assert view.results.election.name == GS
    assert view.seat.status is SeatStatus.COUNTING


async def test_an_election_with_no_results_names_the_command(gs: Services) -> None:
    """No results yet: refused with the organiser command that records them."""
    with pytest.raises(NotFound, match="/organise result set"):
        await gs.results.view(GUILD, GS)


async def test_unopposed_seats_are_elected_once_results_are_in(services: Services) -> None:
    """When the election declares, an unopposed seat counts as elected unopposed in the tally."""
    await services.guilds.set_slate(GUILD, ORGANISER, SLATE)
    await add_election(
        services,
        "NEC 2015",
        {"Contested": (1, {"Ours": SLATE, "Theirs": None}), "Quiet": (2, {"Alone": SLATE})},
    )
    await services.results.set(GUILD, ORGANISER, "Ours", 700, election="NEC 2015")
    await services.results.set(GUILD, ORGANISER, "Theirs", 300, election="NEC 2015")
    results = (await services.results.view(GUILD, "NEC 2015")).results
    quiet = next(s for s in results.seats if s.seat.name == "Quiet")
    assert quiet.status is SeatStatus.UNOPPOSED
    assert quiet.candidates[0].outcome is Outcome.UNOPPOSED
    # The second place of "Quiet" had no candidate: decided (left empty), not awaiting.
    assert (results.tally.won, results.tally.places, results.tally.others, results.tally.undecided) == (2, 3, 0, 0)


async def test_previous_election_is_the_nearest_earlier_of_the_series_with_results(services: Services) -> None:
    """NEC 2015 compares with NEC 2013 (results in), skipping a later NEC and another series."""
    await services.guilds.set_slate(GUILD, ORGANISER, SLATE)
    for name, ours_win in (("NEC 2011", True), ("NEC 2013", False), ("NEC 2015", True), ("NEC 2017", True)):
        await add_election(services, name, {"Seat": (1, {f"Ours {name}": SLATE, f"Theirs {name}": None})})
        if name != "NEC 2017":
            await services.results.set(GUILD, ORGANISER, f"Ours {name}", 600 if ours_win else 100, election=name)
            await services.results.set(GUILD, ORGANISER, f"Theirs {name}", 300, election=name)
    await add_election(services, "General Secretary 2014", {"GS": (1, {"Someone": None})})
    await services.results.set(GUILD, ORGANISER, "Someone", 5, election="General Secretary 2014")
    nec_2015 = await services.elections.resolve(GUILD, "NEC 2015")
    previous = await services.results.previous_election(GUILD, nec_2015)
    assert previous is not None and previous.name == "NEC 2013"
    view = await services.results.view(GUILD, "NEC 2015")
    assert view.results.change is not None
    assert (view.results.change.previous, view.results.change.phrase) == ("NEC 2013", "up from 0")
    nec_2011 = await services.elections.resolve(GUILD, "NEC 2011")
    assert await services.results.previous_election(GUILD, nec_2011) is None


async def test_result_for_a_candidate_of_another_election_is_refused(gs: Services) -> None:
    """Naming an election the candidate does not stand in is refused, and nothing is stored."""
    await gs.elections.add(GUILD, ORGANISER, "NEC 2025")
    with pytest.raises(NotFound, match="does not stand in NEC 2025"):
        await gs.results.set(GUILD, ORGANISER, "Christina McAnea", 5, election="NEC 2025")
    with pytest.raises(NotFound, match=r"does not stand in NEC 2025 \(they stand in General Secretary 2020\)"):
        await gs.results.set(GUILD, ORGANISER, "Christina McAnea (NEC 2025)", 5)
    assert await gs.repos.results.all(GUILD) == {}


async def test_the_election_can_be_named_after_the_candidate(gs: Services) -> None:
    """``Name (Election)`` picks the person in that election when they stand in two."""
    await add_election(gs, "NEC 2015", {"Black Members (General)": (1, {"Hugo Pierre": SLATE})})
    result = await gs.results.set(GUILD, ORGANISER, "Hugo Pierre (General Secretary 2020)", 10_382)
    candidate = await gs.candidates.get(GUILD, result.candidate_id)
    seat = await gs.repos.seats.get(GUILD, candidate.seat_id)
    election = await gs.elections.resolve(GUILD, GS)
    assert seat is not None and seat.election_id == election.id


async def test_a_name_with_brackets_that_are_not_an_election_is_just_a_name(services: Services) -> None:
    """Brackets that do not name an election are part of the candidate's name, as before."""
    await add_election(services, "NEC 2025", {"Seat": (1, {"Jo Smith (Jo)": None, "Other": None})})
    result = await services.results.set(GUILD, ORGANISER, "Jo Smith (Jo)", 12)
    assert (await services.candidates.get(GUILD, result.candidate_id)).name == "Jo Smith (Jo)"


@pytest.mark.parametrize("count", [-1, -5000, 10_000_001])
async def test_votes_must_be_a_whole_number_from_zero(gs: Services, count: int) -> None:
    """Negative or absurd vote counts are refused and nothing is stored."""
    with pytest.raises(InvalidInput, match="from 0 to"):
        await gs.results.set(GUILD, ORGANISER, "Paul Holmes", count, election=GS)
    assert await gs.repos.results.all(GUILD) == {}


async def test_results_never_cross_guilds(gs: Services) -> None:
    """Another server sees none of this server's results or elections."""
    await gs.results.set(GUILD, ORGANISER, "Paul Holmes", 45_220, election=GS)
    with pytest.raises(NotFound):
        await gs.results.view(OTHER_GUILD, GS)


async def test_results_stop_the_elections_reminders_only_once_every_contested_seat_is_in(
    nec_services: Services,
) -> None:
    """One result keeps NEC 2025's reminders; once every contested seat has its votes, the planner drops them."""
    await nec_services.guilds.set_reminder_channel(GUILD, ORGANISER, 555, None)
    election = await nec_services.elections.resolve(GUILD, "NEC 2025")

    async def planned() -> list[object]:
        return [o for o in await nec_services.reminders.occurrences(GUILD) if o.election_id == election.id]

    before = await planned()
    assert before
    await nec_services.results.set(GUILD, ORGANISER, "Tom Barker", 1234, election="NEC 2025")
    assert await planned() == before, "one result stops nothing"
    seats = await nec_services.repos.seats.all(GUILD, election.id)
    for seat in seats:
        standing = await nec_services.repos.candidates.all(GUILD, seat_id=seat.id)
        if len(standing) > seat.places:
            for n, candidate in enumerate(standing):
                await nec_services.repos.results.set(Result(candidate.id, GUILD, 100 + n))
    assert await planned() == []
