"""Seats: who votes for them and how many they elect."""

import pytest

from bot.domain.enums import ElectorateType
from bot.errors import Conflict, InvalidInput, NotFound
from bot.services.container import Services
from storage.database import Database
from tests.fakes import GUILD, ORGANISER

SEAT = "East Midlands Regional (Male)"


async def test_add_stores_the_seat_with_its_electorate_and_places(campaign: Services) -> None:
    """A seat is stored with its electorate type, electorate and places."""
    added = await campaign.seats.add(
        GUILD,
        ORGANISER,
        election="NEC 2025",
        name="Greater London Regional (Female)",
        electorate_type="region",
        electorate="Greater London",
        places=2,
    )
    seat = added.seat
    election = await campaign.elections.resolve(GUILD, "NEC 2025")
    assert (added.election, added.before) == (election, None)
    assert (seat.electorate_type, seat.electorate, seat.places) == (ElectorateType.REGION, "Greater London", 2)
    assert seat in await campaign.seats.all(GUILD, election.id)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("region", ElectorateType.REGION),
        ("Service group", ElectorateType.SERVICE_GROUP),
        ("service_group", ElectorateType.SERVICE_GROUP),
        ("GROUP", ElectorateType.GROUP),
        ("national", ElectorateType.NATIONAL),
    ],
)
async def test_electorate_types_are_read_forgivingly(campaign: Services, typed: str, expected: ElectorateType) -> None:
    """Each electorate type is accepted in any case, with a space for the underscore."""
    added = await campaign.seats.add(
        GUILD, ORGANISER, election=None, name="Health", electorate_type=typed, electorate="Health"
    )
    assert added.seat.electorate_type is expected


async def test_an_unknown_electorate_type_is_refused_and_writes_nothing(campaign: Services, db: Database) -> None:
    """An electorate type outside the four raises InvalidInput listing them, and nothing is written."""
    before = await db.dump()
    with pytest.raises(InvalidInput, match="region, service_group, group, national"):
        await campaign.seats.add(
            GUILD, ORGANISER, election="NEC 2025", name="Wales", electorate_type="county", electorate="Wales"
        )
    assert await db.dump() == before


@pytest.mark.parametrize("places", [0, -1, 51])
async def test_places_outside_one_to_fifty_are_refused(campaign: Services, db: Database, places: int) -> None:
    """A seat with fewer than 1 (or more than 50) places raises InvalidInput and nothing is written."""
    before = await db.dump()
    with pytest.raises(InvalidInput, match=str(places)):
        await campaign.seats.add(
            GUILD,
            ORGANISER,
            election="NEC 2025",
            name="Wales",
            electorate_type="region",
            electorate="Wales",
            places=places,
        )
    with pytest.raises(InvalidInput):
        await campaign.seats.edit(GUILD, ORGANISER, SEAT, places=places)
    assert await db.dump() == before


async def test_a_seat_name_already_in_the_election_is_refused(campaign: Services, db: Database) -> None:
    """Adding a seat whose name matches one in the same election forgivingly raises Conflict."""
    before = await db.dump()
    with pytest.raises(Conflict, match="already has a seat"):
        await campaign.seats.add(
            GUILD,
            ORGANISER,
            election="NEC 2025",
            name="east midlands regional  male",
            electorate_type="region",
            electorate="East Midlands",
        )
    assert await db.dump() == before


async def test_the_same_seat_name_is_free_in_another_election(campaign: Services) -> None:
    """Seat names are unique per election only."""
    await campaign.elections.add(GUILD, ORGANISER, "NEC 2027")
    added = await campaign.seats.add(
        GUILD, ORGANISER, election="NEC 2027", name=SEAT, electorate_type="region", electorate="East Midlands"
    )
    assert (added.seat.name, added.election.name) == (SEAT, "NEC 2027")


async def test_edit_changes_only_the_fields_given(campaign: Services) -> None:
    """edit() changes the named fields and keeps the rest."""
    change = await campaign.seats.edit(GUILD, ORGANISER, "east midlands male", places=2, electorate="E. Midlands")
    edited = change.seat
    assert (edited.name, edited.electorate_type, edited.electorate, edited.places) == (
        SEAT,
        ElectorateType.REGION,
        "E. Midlands",
        2,
    )
    assert await campaign.repos.seats.get(GUILD, edited.id) == edited


async def test_edit_reports_its_election_and_each_field_it_changed(campaign: Services) -> None:
    """edit() returns the seat's election and (field, before, after) for every changed field, in a fixed order."""
    change = await campaign.seats.edit(
        GUILD, ORGANISER, SEAT, places=2, name="East Midlands (Male)", electorate="East Midlands"
    )
    assert change.election.name == "NEC 2025"
    assert change.before is not None and change.before.name == SEAT
    assert change.changed == (("name", SEAT, "East Midlands (Male)"), ("places", 1, 2))
    retyped = await campaign.seats.edit(GUILD, ORGANISER, "East Midlands (Male)", electorate_type="national")
    assert retyped.changed == (("electorate_type", ElectorateType.REGION, ElectorateType.NATIONAL),)


async def test_edit_with_nothing_to_change_is_refused(campaign: Services, db: Database) -> None:
    """An edit that changes no field raises InvalidInput and writes no audit entry."""
    before = await db.dump()
    with pytest.raises(InvalidInput, match="Nothing to change"):
        await campaign.seats.edit(GUILD, ORGANISER, SEAT, places=1)
    assert await db.dump() == before


async def test_edit_refuses_a_name_another_seat_has(campaign: Services, db: Database) -> None:
    """Renaming a seat onto another seat's name in the same election raises Conflict."""
    await campaign.seats.add(
        GUILD, ORGANISER, election="NEC 2025", name="Wales", electorate_type="region", electorate="Cymru/Wales"
    )
    before = await db.dump()
    with pytest.raises(Conflict):
        await campaign.seats.edit(GUILD, ORGANISER, "Wales", name=SEAT.upper())
    assert await db.dump() == before


async def test_remove_deletes_the_seat_and_its_candidates(campaign: Services) -> None:
    """remove() takes the seat's candidates with it."""
    seat = await campaign.seats.resolve(GUILD, SEAT)
    await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT)
    await campaign.seats.remove(GUILD, ORGANISER, seat.id)
    assert await campaign.repos.seats.all(GUILD) == []
    assert await campaign.repos.candidates.all(GUILD) == []
    with pytest.raises(NotFound):
        await campaign.seats.remove(GUILD, ORGANISER, seat.id)


async def test_an_unknown_seat_is_not_found_with_suggestions(nec_services: Services) -> None:
    """Naming a seat that does not exist raises NotFound suggesting close names."""
    with pytest.raises(NotFound, match=r"Did you mean: .*East Midlands Regional \(Male\)"):
        await nec_services.seats.resolve(GUILD, "East Midlands Regional (Mael)")


async def test_all_with_candidates_gives_each_seat_only_its_own_election_s_candidates(campaign: Services) -> None:
    """Every seat of the election comes with its candidates; seats and candidates of other elections stay out."""
    await campaign.seats.add(
        GUILD, ORGANISER, election="NEC 2025", name="Wales", electorate_type="region", electorate="Cymru/Wales"
    )
    await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT)
    await campaign.candidates.add(GUILD, ORGANISER, name="Ann Jones", seat=SEAT)
    await campaign.elections.add(GUILD, ORGANISER, "NEC 2027")
    await campaign.seats.add(
        GUILD, ORGANISER, election="NEC 2027", name=SEAT, electorate_type="region", electorate="East Midlands"
    )
    await campaign.candidates.add(GUILD, ORGANISER, name="Sam Other", seat=SEAT, election="NEC 2027")
    nec_2025 = await campaign.elections.resolve(GUILD, "NEC 2025")
    found = await campaign.seats.all_with_candidates(GUILD, nec_2025)
    assert [(s.seat.name, sorted(c.name for c in s.candidates)) for s in found] == [
        (SEAT, ["Ann Jones", "Tom Barker"]),
        ("Wales", []),
    ]
