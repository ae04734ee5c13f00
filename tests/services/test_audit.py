"""Every organiser change is written to the audit log: exactly one entry, with the actor, in the same transaction."""

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.domain.enums import MilestoneKind
from bot.errors import InvalidInput
from bot.services.container import Services
from tests.fakes import GUILD, NEC_2025, ORGANISER, OTHER_GUILD, FakeClock

SEAT = "East Midlands Regional (Male)"
Change = Callable[[Services], Awaitable[object]]


@pytest.fixture
async def prepared(campaign: Services) -> Services:
    """A campaign with a dated ballot, the guild slate with two points, and a candidate on it."""
    await campaign.guilds.set_slate(GUILD, ORGANISER, "Time for Real Change")
    await campaign.platform.add(GUILD, ORGANISER, "Pay above inflation")
    await campaign.platform.add(GUILD, ORGANISER, "Defend the NHS")
    await campaign.elections.set_date(GUILD, ORGANISER, "NEC 2025", MilestoneKind.BALLOT_OPEN, "21 April 2025")
    await campaign.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat=SEAT, slate="Time for Real Change")
    return campaign


async def _remove_election(s: Services) -> object:
    return await s.elections.remove(GUILD, ORGANISER, (await s.elections.resolve(GUILD, "NEC 2025")).id)


async def _remove_seat(s: Services) -> object:
    return await s.seats.remove(GUILD, ORGANISER, (await s.seats.resolve(GUILD, SEAT)).id)


async def _set_statement(s: Services) -> object:
    candidate = await s.candidates.resolve(GUILD, "Tom Barker")
    return await s.candidates.set_statement(GUILD, ORGANISER, candidate.id, "Vote for me.")


async def _remove_candidate(s: Services) -> object:
    return await s.candidates.remove(GUILD, ORGANISER, (await s.candidates.resolve(GUILD, "Tom Barker")).id)


async def _import(s: Services) -> object:
    return await s.transfer.import_text(GUILD, ORGANISER, NEC_2025.read_text(encoding="utf-8"))


CHANGES: list[tuple[str, Change]] = [
    ("election.add", lambda s: s.elections.add(GUILD, ORGANISER, "NEC 2027")),
    ("election.rename", lambda s: s.elections.rename(GUILD, ORGANISER, "NEC 2025", "NEC ’25")),
    ("election.describe", lambda s: s.elections.describe(GUILD, ORGANISER, "NEC 2025", "The NEC")),
    ("election.remove", _remove_election),
    (
        "date.set",
        lambda s: s.elections.set_date(GUILD, ORGANISER, "NEC 2025", MilestoneKind.BALLOT_CLOSE, "21 May 2025"),
    ),
    ("date.clear", lambda s: s.elections.clear_date(GUILD, ORGANISER, "NEC 2025", MilestoneKind.BALLOT_OPEN)),
    (
        "seat.add",
        lambda s: s.seats.add(
            GUILD, ORGANISER, election="NEC 2025", name="Wales", electorate_type="region", electorate="Wales"
        ),
    ),
    ("seat.edit", lambda s: s.seats.edit(GUILD, ORGANISER, SEAT, places=2)),
    ("seat.remove", _remove_seat),
    ("candidate.add", lambda s: s.candidates.add(GUILD, ORGANISER, name="Graham Pickering", seat=SEAT)),
    ("candidate.edit", lambda s: s.candidates.edit(GUILD, ORGANISER, "Tom Barker", job="Teaching assistant")),
    ("candidate.statement", _set_statement),
    ("candidate.remove", _remove_candidate),
    ("platform.add", lambda s: s.platform.add(GUILD, ORGANISER, "Organise the young", position=1)),
    ("platform.move", lambda s: s.platform.move(GUILD, ORGANISER, "2", 1)),
    ("platform.remove", lambda s: s.platform.remove(GUILD, ORGANISER, "1")),
    ("result.set", lambda s: s.results.set(GUILD, ORGANISER, "Tom Barker", 1234, elected=True)),
    ("settings.timezone", lambda s: s.guilds.set_timezone(GUILD, ORGANISER, "Europe/Dublin")),
    ("settings.organiser_role", lambda s: s.guilds.set_organiser_role(GUILD, ORGANISER, 333)),
    ("settings.slate", lambda s: s.guilds.set_slate(GUILD, ORGANISER, "Members First")),
    ("settings.nation", lambda s: s.guilds.set_nation(GUILD, ORGANISER, "wales")),
    ("settings.post_days", lambda s: s.guilds.set_post_days(GUILD, ORGANISER, 3)),
    ("reminders.channel", lambda s: s.guilds.set_reminder_channel(GUILD, ORGANISER, 111, 222)),
    ("reminders.offsets", lambda s: s.guilds.set_reminder_offsets(GUILD, ORGANISER, "3d,0")),
    ("reminders.off", lambda s: s.guilds.reminders_off(GUILD, ORGANISER)),
    ("import", _import),
]


@pytest.mark.parametrize(("action", "change"), CHANGES, ids=[a for a, _ in CHANGES])
async def test_every_change_writes_exactly_one_audit_entry(
    prepared: Services, clock: FakeClock, action: str, change: Change
) -> None:
    """The change adds one audit entry: its action, the organiser as actor, the clock's time."""
    count = await prepared.repos.audit.count(GUILD)
    clock.advance(timedelta(minutes=5))
    await change(prepared)
    assert await prepared.repos.audit.count(GUILD) == count + 1
    [entry] = await prepared.audit.recent(GUILD, limit=1)
    assert (entry.action, entry.actor_id, entry.at) == (action, ORGANISER, clock.now())
    assert entry.before is not None or entry.after is not None
    assert await prepared.repos.audit.count(OTHER_GUILD) == 0


async def test_an_edit_audit_entry_carries_before_and_after(prepared: Services) -> None:
    """A seat edit's entry shows the places before and after."""
    await prepared.seats.edit(GUILD, ORGANISER, SEAT, places=3)
    [entry] = await prepared.audit.recent(GUILD, limit=1)
    assert entry.before is not None and entry.after is not None
    assert (entry.before["places"], entry.after["places"], entry.after["electorate_type"]) == (1, 3, "region")


async def test_a_refused_change_writes_no_audit_entry(prepared: Services) -> None:
    """A change refused by a rule leaves the audit log as it was."""
    count = await prepared.repos.audit.count(GUILD)
    with pytest.raises(InvalidInput):
        await prepared.seats.edit(GUILD, ORGANISER, SEAT, places=0)
    assert await prepared.repos.audit.count(GUILD) == count


async def test_an_import_that_changes_nothing_writes_no_audit_entry(nec_services: Services) -> None:
    """Importing a file that is already stored adds no audit entry."""
    count = await nec_services.repos.audit.count(GUILD)
    report = await nec_services.transfer.import_text(GUILD, ORGANISER, NEC_2025.read_text(encoding="utf-8"))
    assert report.changes == []
    assert await nec_services.repos.audit.count(GUILD) == count


@pytest.mark.parametrize("limit", [0, -1, 201])
async def test_audit_limit_out_of_range_is_refused(services: Services, limit: int) -> None:
    """recent() takes a limit from 1 to 200."""
    with pytest.raises(InvalidInput, match="from 1 to 200"):
        await services.audit.recent(GUILD, limit=limit)
