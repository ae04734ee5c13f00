"""Recorded votes."""

from datetime import UTC, datetime

import pytest

from bot.domain.enums import MilestoneKind
from bot.domain.models import Result
from bot.errors import InvalidInput, NotFound
from bot.services.container import Services
from storage.database import Database
from tests.fakes import GUILD, ORGANISER, FakeClock

SEAT = "East Midlands Regional (Male)"


@pytest.fixture
async def standing(campaign: Services) -> Services:
    """The campaign with Tom Barker standing for the East Midlands seat."""
    await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT)
    return campaign


async def test_set_records_votes_and_elected(standing: Services) -> None:
    """set() stores the votes and the organiser's word on who was elected."""
    result = await standing.results.set(GUILD, ORGANISER, "tom barker", 1234, elected=True)
    candidate = await standing.candidates.resolve(GUILD, "Tom Barker")
    assert result == Result(candidate.id, GUILD, 1234, True)
    assert await standing.repos.results.get(GUILD, candidate.id) == result


async def test_setting_again_replaces_the_result_and_audits_the_previous_one(standing: Services) -> None:
    """A second set() replaces the votes; its audit entry carries the previous count as before."""
    await standing.results.set(GUILD, ORGANISER, "Tom Barker", 1000)
    await standing.results.set(GUILD, ORGANISER, "Tom Barker", 1200, elected=False)
    candidate = await standing.candidates.resolve(GUILD, "Tom Barker")
    assert await standing.repos.results.get(GUILD, candidate.id) == Result(candidate.id, GUILD, 1200, False)
    [entry] = await standing.audit.recent(GUILD, limit=1)
    assert entry.before is not None and entry.after is not None
    assert (entry.before["votes"], entry.after["votes"], entry.after["elected"]) == (1000, 1200, False)


@pytest.mark.parametrize("votes", [-1, -1000, 10_000_001])
async def test_votes_out_of_range_are_refused(standing: Services, db: Database, votes: int) -> None:
    """Negative votes (or more than any union has members) raise InvalidInput and nothing is written."""
    before = await db.dump()
    with pytest.raises(InvalidInput, match="Votes must be a whole number"):
        await standing.results.set(GUILD, ORGANISER, "Tom Barker", votes)
    assert await db.dump() == before


async def test_zero_votes_is_a_result(standing: Services) -> None:
    """0 votes is stored as a result, not refused."""
    assert (await standing.results.set(GUILD, ORGANISER, "Tom Barker", 0)).votes == 0


async def test_a_candidate_not_in_the_named_election_is_refused(standing: Services, db: Database) -> None:
    """Naming an election the candidate does not stand in is refused (not found there) and writes nothing."""
    await standing.elections.add(GUILD, ORGANISER, "NEC 2027")
    await standing.seats.add(
        GUILD, ORGANISER, election="NEC 2027", name="Wales", electorate_type="region", electorate="Wales"
    )
    await standing.candidates.add(GUILD, ORGANISER, name="Ann Jones", seat="Wales", election="NEC 2027")
    before = await db.dump()
    with pytest.raises(NotFound, match="No candidate called “Ann Jones”"):
        await standing.results.set(GUILD, ORGANISER, "Ann Jones", 10, election="NEC 2025")
    assert await db.dump() == before


# --------------------------------------------------------------------------- impossible results, and the reply


@pytest.fixture
async def contested(standing: Services) -> Services:
    """Tom Barker and Graham Pickering both stand for the one East Midlands place."""
    await standing.candidates.add(GUILD, ORGANISER, name="Graham Pickering", seat=SEAT)
    return standing


async def test_a_second_winner_for_a_one_place_seat_is_refused(contested: Services, db: Database) -> None:
    """Marking a second candidate elected in a 1-place seat is refused, naming the seat, its places and the winner."""
    await contested.results.set(GUILD, ORGANISER, "Tom Barker", 5000, elected=True)
    before = await db.dump()
    with pytest.raises(InvalidInput) as refused:
        await contested.results.set(GUILD, ORGANISER, "Graham Pickering", 4000, elected=True)
    message = str(refused.value)
    assert "East Midlands Regional (Male)" in message
    assert "1 place" in message
    assert "Tom Barker is already marked elected" in message
    assert "Graham Pickering" in message
    assert await db.dump() == before


async def test_the_winner_may_be_recorded_again_and_a_loser_marked_not_elected(contested: Services) -> None:
    """Re-recording the elected candidate, or marking the other one not elected, is not a second winner."""
    await contested.results.set(GUILD, ORGANISER, "Tom Barker", 5000, elected=True)
    await contested.results.set(GUILD, ORGANISER, "Tom Barker", 5100, elected=True)
    assert (await contested.results.set(GUILD, ORGANISER, "Graham Pickering", 4000, elected=False)).elected is False


async def test_record_names_the_candidate_seat_and_election(contested: Services) -> None:
    """record() returns the result with the candidate, the seat and the election it belongs to."""
    recorded = await contested.results.record(GUILD, ORGANISER, "Tom Barker", 5000, elected=True)
    assert (recorded.candidate.name, recorded.seat.name, recorded.election.name) == ("Tom Barker", SEAT, "NEC 2025")
    assert recorded.result.votes == 5000 and recorded.result.elected is True


async def test_record_says_whether_the_ballot_is_still_open(contested: Services, clock: FakeClock) -> None:
    """Between ballot_open and ballot_close the record says the ballot is open; after the close it does not."""
    await contested.elections.set_date(GUILD, ORGANISER, "NEC 2025", MilestoneKind.BALLOT_OPEN, "2025-04-21")
    await contested.elections.set_date(GUILD, ORGANISER, "NEC 2025", MilestoneKind.BALLOT_CLOSE, "2025-05-21")
    clock.set(datetime(2025, 5, 1, tzinfo=UTC))
    assert (await contested.results.record(GUILD, ORGANISER, "Tom Barker", 1)).ballot_open
    clock.set(datetime(2025, 5, 22, tzinfo=UTC))
    assert not (await contested.results.record(GUILD, ORGANISER, "Tom Barker", 1)).ballot_open


async def test_record_says_when_the_last_contested_result_stops_reminders(contested: Services) -> None:
    """Only the result that completes the last contested seat reports that the election's reminders stop."""
    first = await contested.results.record(GUILD, ORGANISER, "Tom Barker", 5000)
    assert not first.reminders_stop
    second = await contested.results.record(GUILD, ORGANISER, "Graham Pickering", 4000)
    assert second.reminders_stop
    again = await contested.results.record(GUILD, ORGANISER, "Graham Pickering", 4001)
    assert not again.reminders_stop, "already finished before this result"
