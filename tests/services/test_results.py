"""Recorded votes."""

import pytest

from bot.domain.models import Result
from bot.errors import InvalidInput, NotFound
from bot.services.container import Services
from storage.database import Database
from tests.fakes import GUILD, ORGANISER

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
