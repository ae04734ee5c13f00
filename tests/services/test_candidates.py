"""Candidates: who stands for which seat, on which slate, and what they say."""

import pytest

from bot.errors import Conflict, InvalidInput, NotFound
from bot.services.container import Services
from storage.database import Database
from tests.fakes import GUILD, ORGANISER

SEAT = "East Midlands Regional (Male)"
SLATE = "Time for Real Change"


async def test_add_stores_every_field_and_joins_the_slate(campaign: Services) -> None:
    """A candidate is stored with seat, slate name, branch, job, incumbency and statement."""
    seat = await campaign.seats.resolve(GUILD, SEAT)
    candidate = await campaign.candidates.add(
        GUILD,
        ORGANISER,
        name="Tom Barker",
        seat="east midlands male",
        slate=SLATE,
        branch="Leicester City",
        job="Teaching assistant",
        incumbent=True,
        statement="  I stand for **real** change.\n\nVote for me.  ",
    )
    assert (candidate.seat_id, candidate.slate, candidate.branch, candidate.job, candidate.incumbent) == (
        seat.id,
        SLATE,
        "Leicester City",
        "Teaching assistant",
        True,
    )
    assert candidate.statement == "I stand for **real** change.\n\nVote for me."
    assert await campaign.candidates.get(GUILD, candidate.id) == candidate
    assert [s.name for s in await campaign.repos.slates.all(GUILD)] == [SLATE]


async def test_a_slate_named_differently_cased_is_the_same_slate(campaign: Services) -> None:
    """A candidate on "Time For Real Change" joins the existing "Time for Real Change" slate."""
    await campaign.guilds.set_slate(GUILD, ORGANISER, SLATE)
    candidate = await campaign.candidates.add(
        GUILD, ORGANISER, name="Tom Barker", seat=SEAT, slate="Time For Real Change"
    )
    assert candidate.slate == SLATE
    assert [s.name for s in await campaign.repos.slates.all(GUILD)] == [SLATE]


@pytest.mark.parametrize("again", ["Tom Barker", "tom barker", "  TOM   BARKER "])
async def test_the_same_candidate_twice_in_one_seat_is_refused(campaign: Services, db: Database, again: str) -> None:
    """Adding a name that matches a candidate already in the seat raises Conflict and writes nothing."""
    await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT)
    before = await db.dump()
    with pytest.raises(Conflict, match=r"Tom Barker already stands for East Midlands Regional \(Male\)"):
        await campaign.candidates.add(GUILD, ORGANISER, name=again, seat=SEAT, slate="A brand new slate")
    assert await db.dump() == before


async def test_the_same_person_may_stand_in_two_seats(campaign: Services) -> None:
    """One name in two different seats is two candidates."""
    await campaign.seats.add(
        GUILD,
        ORGANISER,
        election="NEC 2025",
        name="Local Government",
        electorate_type="service group",
        electorate="Local Government",
    )
    await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT)
    await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat="Local Government")
    assert len(await campaign.repos.candidates.all(GUILD)) == 2


async def test_an_unknown_seat_is_refused_with_a_suggestion(campaign: Services, db: Database) -> None:
    """A seat name that matches nothing raises NotFound with "Did you mean" and the close seat name."""
    before = await db.dump()
    with pytest.raises(NotFound, match=r"Did you mean: East Midlands Regional \(Male\)") as refused:
        await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat="East Midlnds Regional (Mael)")
    assert refused.value.suggestions == (SEAT,)
    assert await db.dump() == before


async def test_edit_writes_one_audit_row_with_before_and_after(campaign: Services) -> None:
    """An edit records the actor, and the candidate before and after, in exactly one audit entry."""
    await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT)
    count = await campaign.repos.audit.count(GUILD)
    await campaign.candidates.edit(GUILD, ORGANISER, "Tom Barker", branch="Leicester City")
    assert await campaign.repos.audit.count(GUILD) == count + 1
    [entry] = await campaign.audit.recent(GUILD, limit=1)
    assert (entry.action, entry.actor_id) == ("candidate.edit", ORGANISER)
    assert entry.before is not None and entry.after is not None
    assert (entry.before["branch"], entry.after["branch"]) == (None, "Leicester City")
    assert entry.before["name"] == entry.after["name"] == "Tom Barker"


@pytest.mark.parametrize("independent", ["none", "None", "independent", " "])
async def test_edit_slate_to_none_makes_the_candidate_independent(campaign: Services, independent: str) -> None:
    """Editing the slate to "none" (or "independent", or blank) leaves the candidate on no slate."""
    added = await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT, slate=SLATE)
    edited = (await campaign.candidates.edit(GUILD, ORGANISER, "Tom Barker", slate=independent)).after
    assert edited.slate is None
    assert (await campaign.candidates.get(GUILD, added.id)).slate is None
    assert [s.name for s in await campaign.repos.slates.all(GUILD)] == [SLATE]


async def test_adding_with_slate_none_makes_an_independent(campaign: Services) -> None:
    """Adding a candidate with slate "none" stores an independent and creates no slate called "none"."""
    candidate = await campaign.candidates.add(GUILD, ORGANISER, name="Janet Cole", seat=SEAT, slate="none")
    assert candidate.slate is None
    assert await campaign.repos.slates.all(GUILD) == []


async def test_edit_onto_a_new_slate_creates_it(campaign: Services) -> None:
    """Naming a slate that does not exist yet on edit creates it (a slate exists once named)."""
    await campaign.candidates.add(GUILD, ORGANISER, name="Graham Pickering", seat=SEAT)
    edited = (await campaign.candidates.edit(GUILD, ORGANISER, "graham", slate="Members First", incumbent=True)).after
    assert (edited.slate, edited.incumbent) == ("Members First", True)
    assert (await campaign.candidates.get(GUILD, edited.id)) == edited


async def test_edit_with_nothing_to_change_is_refused(campaign: Services, db: Database) -> None:
    """An edit that changes nothing raises InvalidInput and writes nothing."""
    await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT, branch="Leicester City")
    before = await db.dump()
    with pytest.raises(InvalidInput, match="Nothing to change"):
        await campaign.candidates.edit(GUILD, ORGANISER, "Tom Barker", branch="Leicester City")
    assert await db.dump() == before


async def test_edit_refuses_a_rename_onto_another_candidate_in_the_seat(campaign: Services, db: Database) -> None:
    """Renaming a candidate to the name of another in the same seat raises Conflict."""
    await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT)
    await campaign.candidates.add(GUILD, ORGANISER, name="Graham Pickering", seat=SEAT)
    before = await db.dump()
    with pytest.raises(Conflict):
        await campaign.candidates.edit(GUILD, ORGANISER, "Graham Pickering", name="tom barker")
    assert await db.dump() == before


async def test_set_statement_replaces_and_clears_the_statement(campaign: Services) -> None:
    """set_statement() stores the new text, and empty text clears it, each audited with before and after."""
    candidate = await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT, slate=SLATE)
    updated = await campaign.candidates.set_statement(GUILD, ORGANISER, candidate.id, "First.\n\nSecond <@1>.")
    assert (await campaign.candidates.get(GUILD, candidate.id)).statement == "First.\n\nSecond <@1>."
    assert updated.slate == SLATE
    [entry] = await campaign.audit.recent(GUILD, limit=1)
    assert entry.before is not None and entry.after is not None
    assert (entry.action, entry.before["statement"], entry.after["statement"]) == (
        "candidate.statement",
        None,
        "First.\n\nSecond <@1>.",
    )
    await campaign.candidates.set_statement(GUILD, ORGANISER, candidate.id, "   ")
    assert (await campaign.candidates.get(GUILD, candidate.id)).statement is None


async def test_an_overlong_statement_is_refused(campaign: Services, db: Database) -> None:
    """A statement over 20,000 characters raises InvalidInput and nothing changes."""
    candidate = await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT)
    before = await db.dump()
    with pytest.raises(InvalidInput, match="20,000"):
        await campaign.candidates.set_statement(GUILD, ORGANISER, candidate.id, "x" * 20_001)
    assert await db.dump() == before


async def test_remove_deletes_the_candidate_and_their_result(campaign: Services) -> None:
    """remove() deletes the candidate and their votes."""
    candidate = await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT)
    await campaign.results.set(GUILD, ORGANISER, "Tom Barker", 1234)
    await campaign.candidates.remove(GUILD, ORGANISER, candidate.id)
    assert await campaign.repos.candidates.all(GUILD) == []
    assert await campaign.repos.results.all(GUILD) == {}
    with pytest.raises(NotFound):
        await campaign.candidates.get(GUILD, candidate.id)


async def test_a_candidate_is_resolved_forgivingly(nec_services: Services) -> None:
    """ "zoe hartley" finds Zoë Hartley, and an ambiguous prefix is refused naming the choices."""
    assert (await nec_services.candidates.resolve(GUILD, "zoe hartley")).name == "Zoë Hartley"
    with pytest.raises(Conflict, match="matches several candidates"):
        await nec_services.candidates.resolve(GUILD, "J")
