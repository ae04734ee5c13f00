"""Elections and their timetables: adding, renaming, dating, and choosing the current one."""

from datetime import UTC, datetime

import pytest

from bot.domain.enums import MilestoneKind
from bot.errors import Conflict, InvalidInput, NotFound
from bot.services.container import Services
from storage.database import Database
from tests.fakes import GUILD, ORGANISER, OTHER_GUILD, FakeClock

OPEN = MilestoneKind.BALLOT_OPEN
CLOSE = MilestoneKind.BALLOT_CLOSE


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# ------------------------------------------------------------------------------------------- add and rename


async def test_add_stores_the_election_as_typed(services: Services) -> None:
    """An added election is listed with its name and description exactly as typed (spaces tidied)."""
    election = await services.elections.add(GUILD, ORGANISER, "  NEC   2025 ", "UNISON’s national executive")
    assert (election.name, election.description) == ("NEC 2025", "UNISON’s national executive")
    assert await services.elections.all(GUILD) == [election]


@pytest.mark.parametrize("duplicate", ["NEC 2025", "nec 2025", " NEC  2025 ", "NEC-2025"])
async def test_adding_a_duplicate_name_is_refused_and_writes_nothing(
    services: Services, db: Database, duplicate: str
) -> None:
    """A name that matches an existing election forgivingly raises Conflict and changes nothing."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    before = await db.dump()
    with pytest.raises(Conflict, match="already an election called “NEC 2025”"):
        await services.elections.add(GUILD, ORGANISER, duplicate)
    assert await db.dump() == before


async def test_the_same_name_is_free_in_another_guild(services: Services) -> None:
    """Election names are unique per guild only."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.add(OTHER_GUILD, ORGANISER, "NEC 2025")
    assert [e.name for e in await services.elections.all(OTHER_GUILD)] == ["NEC 2025"]


@pytest.mark.parametrize("name", ["", "   ", "\u200b", "x" * 101])
async def test_an_empty_or_overlong_name_is_refused(services: Services, db: Database, name: str) -> None:
    """A name with no visible character or over 100 characters raises InvalidInput and writes nothing."""
    before = await db.dump()
    with pytest.raises(InvalidInput):
        await services.elections.add(GUILD, ORGANISER, name)
    assert await db.dump() == before


async def test_rename_changes_the_name_and_finds_it_by_the_new_one(services: Services) -> None:
    """After a rename the election resolves by its new name only."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    renamed = await services.elections.rename(GUILD, ORGANISER, "nec 2025", "NEC Election 2025")
    assert renamed.name == "NEC Election 2025"
    assert (await services.elections.resolve(GUILD, "NEC Election 2025")).id == renamed.id
    with pytest.raises(NotFound):
        await services.elections.resolve(GUILD, "Service group ballot")


async def test_rename_onto_another_elections_name_is_refused_and_writes_nothing(
    services: Services, db: Database
) -> None:
    """Renaming to a name another election already has raises Conflict and changes nothing."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.add(GUILD, ORGANISER, "NEC 2027")
    before = await db.dump()
    with pytest.raises(Conflict, match="NEC 2025"):
        await services.elections.rename(GUILD, ORGANISER, "NEC 2027", "nec 2025")
    assert await db.dump() == before


async def test_rename_to_a_new_spelling_of_its_own_name_is_allowed(services: Services) -> None:
    """Changing only the case or punctuation of an election's own name is not a clash."""
    await services.elections.add(GUILD, ORGANISER, "nec 2025")
    assert (await services.elections.rename(GUILD, ORGANISER, "nec 2025", "NEC 2025")).name == "NEC 2025"


async def test_an_unknown_election_is_not_found_with_suggestions(services: Services) -> None:
    """Naming an election that does not exist raises NotFound suggesting the closest name."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    with pytest.raises(NotFound, match="Did you mean: NEC 2025"):
        await services.elections.resolve(GUILD, "NEC 2052")


async def test_a_guild_without_elections_is_told_how_to_add_one(services: Services) -> None:
    """resolve() on a guild with no elections says to use /organise election add."""
    with pytest.raises(NotFound, match="/organise election add"):
        await services.elections.resolve(GUILD, None)


async def test_removal_summary_and_remove_take_everything_under_the_election(nec_services: Services) -> None:
    """The summary counts the seats and candidates that go; remove() deletes them."""
    election = await nec_services.elections.resolve(GUILD, "NEC 2025")
    summary = await nec_services.elections.removal_summary(GUILD, "nec 2025")
    assert (summary.seats, summary.candidates) == (
        len(await nec_services.repos.seats.all(GUILD)),
        len(await nec_services.repos.candidates.all(GUILD)),
    )
    await nec_services.elections.remove(GUILD, ORGANISER, election.id)
    assert await nec_services.elections.all(GUILD) == []
    assert await nec_services.repos.seats.all(GUILD) == []
    assert await nec_services.repos.candidates.all(GUILD) == []
    assert await nec_services.repos.results.all(GUILD) == {}


# ---------------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("kind", "date_text", "time_text", "expected"),
    [
        (OPEN, "21 April 2025", None, utc(2025, 4, 21, 8)),  # BST: 09:00 local is 08:00 UTC
        (CLOSE, "21 May 2025", None, utc(2025, 5, 21, 16)),  # a close defaults to 17:00 local
        (MilestoneKind.REPLACEMENT_DEADLINE, "2025-05-14", None, utc(2025, 5, 14, 11)),  # 12:00 local
        (MilestoneKind.NOMINATIONS_OPEN, "13/01/2025", None, utc(2025, 1, 13, 9)),  # GMT: 09:00 is 09:00 UTC
        (CLOSE, "3 December 2025", None, utc(2025, 12, 3, 17)),
        (MilestoneKind.NOMINATIONS_CLOSE, "14 February 2025", "5pm", utc(2025, 2, 14, 17)),
        (MilestoneKind.RESULTS, "11 June 2025", "10:30", utc(2025, 6, 11, 9, 30)),
        (OPEN, "17 April", None, utc(2025, 4, 17, 8)),  # no year: the next 17 April after the clock's today
        (OPEN, "26 October 2025", "01:30", utc(2025, 10, 26, 0, 30)),  # repeated hour: the first 01:30
    ],
)
async def test_a_date_is_read_in_the_guilds_zone_and_stored_in_utc(
    services: Services, kind: MilestoneKind, date_text: str, time_text: str | None, expected: datetime
) -> None:
    """A local date (and optional time) becomes the right UTC instant in winter and summer alike."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    change = await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", kind, date_text, time_text)
    assert change.after == expected
    assert (await services.elections.resolve(GUILD, "NEC 2025")).at(kind) == expected


async def test_a_date_follows_the_guilds_own_time_zone(services: Services) -> None:
    """With the guild set to New York, 09:00 on 21 April is 13:00 UTC."""
    await services.guilds.set_timezone(GUILD, ORGANISER, "America/New_York")
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    change = await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "21 April 2025")
    assert change.after == utc(2025, 4, 21, 13)


async def test_the_default_time_zone_of_the_services_applies_to_new_guilds(db: Database, clock: FakeClock) -> None:
    """Services built with another default zone read a new guild's dates in it."""
    services = Services.build(db, clock, default_timezone="Asia/Tokyo")
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    change = await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "21 April 2025")
    assert change.after == utc(2025, 4, 21, 0)


async def test_redating_reports_the_previous_date(services: Services) -> None:
    """Setting a dated milestone again returns the old instant as ``before``."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "21 April 2025")
    change = await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "22 April 2025")
    assert (change.before, change.after) == (utc(2025, 4, 21, 8), utc(2025, 4, 22, 8))


@pytest.mark.parametrize(
    ("kind", "date_text", "clash"),
    [
        (MilestoneKind.RESULTS, "20 May 2025", r"Results can’t be before the ballot closes \(21 May 2025 17:00\)"),
        (CLOSE, "20 April 2025", r"The ballot can’t close before the ballot opens \(21 April 2025 09:00\)"),
        (OPEN, "22 May 2025", r"The ballot can’t open after the ballot closes \(21 May 2025 17:00\)"),
        (MilestoneKind.NOMINATIONS_CLOSE, "1 May 2025", r"Nominations can’t close after the ballot opens"),
        (MilestoneKind.REPLACEMENT_DEADLINE, "22 May 2025", "can’t be after the ballot closes"),
        (MilestoneKind.REPLACEMENT_DEADLINE, "20 April 2025", "can’t be before the ballot opens"),
        (MilestoneKind.NOMINATIONS_OPEN, "12 June 2025", r"Nominations can’t open after the ballot opens \(21 April"),
    ],
)
async def test_a_date_out_of_timetable_order_is_refused_and_changes_nothing(
    services: Services, db: Database, kind: MilestoneKind, date_text: str, clash: str
) -> None:
    """Results before the close, a close before the open (and the like) raise InvalidInput; nothing changes."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "21 April 2025")
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", CLOSE, "21 May 2025")
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", MilestoneKind.RESULTS, "11 June 2025")
    before = await db.dump()
    with pytest.raises(InvalidInput, match=clash):
        await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", kind, date_text)
    assert await db.dump() == before


@pytest.mark.parametrize(
    ("date_text", "time_text", "reason"),
    [
        ("31 June 2025", None, "June has only 30 days"),
        ("29/02/2025", None, "not a leap year"),
        ("1 May", "25:00", "no hour 25"),
    ],
)
async def test_an_impossible_date_or_time_is_refused_saying_why(
    services: Services, db: Database, date_text: str, time_text: str | None, reason: str
) -> None:
    """An impossible date or time raises InvalidInput with the reason, and nothing changes."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    before = await db.dump()
    with pytest.raises(InvalidInput, match=reason):
        await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, date_text, time_text)
    assert await db.dump() == before


async def test_results_months_before_the_open_are_refused_when_the_close_is_undated(
    services: Services, db: Database
) -> None:
    """The order holds between every pair of dated milestones, not only neighbours: results can't precede the open."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "21 April 2025")
    before = await db.dump()
    with pytest.raises(InvalidInput) as caught:
        await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", MilestoneKind.RESULTS, "21 September 2024")
    assert "Results can’t be before the ballot opens (21 April 2025 09:00)." in caught.value.message
    assert await db.dump() == before


async def test_the_order_holds_whichever_date_is_entered_first(services: Services, db: Database) -> None:
    """Dating results first, then an open after them, is refused just the same."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", MilestoneKind.RESULTS, "21 September 2024")
    before = await db.dump()
    with pytest.raises(InvalidInput, match="The ballot can’t open after the results"):
        await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "21 April 2025")
    assert await db.dump() == before


async def test_a_ballot_that_closes_as_it_opens_is_refused(services: Services, db: Database) -> None:
    """A zero-length ballot window (close at the very instant of the open) is refused and nothing changes."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "21 April 2025", "12:00")
    before = await db.dump()
    with pytest.raises(InvalidInput, match="the ballot window would be empty"):
        await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", CLOSE, "21 April 2025", "12:00")
    assert await db.dump() == before
    change = await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", CLOSE, "21 April 2025", "12:01")
    assert change.after == utc(2025, 4, 21, 11, 1)


async def test_a_time_the_clocks_skip_is_refused_saying_why(services: Services, db: Database) -> None:
    """01:30 on 30 March 2025 does not exist in London: refused naming the gap and the first valid time; no change."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    before = await db.dump()
    with pytest.raises(InvalidInput) as caught:
        await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "30 March 2025", "01:30")
    assert caught.value.message.startswith(
        "01:30 on 30 March 2025 does not exist in Europe/London: the clocks go forward from 01:00 to 02:00. "
        "Use 02:00 or later"
    )
    assert await db.dump() == before


async def test_a_time_the_clocks_repeat_is_taken_as_the_first_with_a_note(services: Services) -> None:
    """01:30 on 26 October 2025 is stored as the first pass (BST) and the change carries a note saying so."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    change = await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "26 October 2025", "01:30")
    assert change.after == utc(2025, 10, 26, 0, 30)
    assert change.note is not None and "01:30 BST, the first of the two" in change.note
    plain_change = await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "27 October 2025")
    assert plain_change.note is None


async def test_a_date_in_the_past_is_allowed_and_flagged(services: Services, clock: FakeClock) -> None:
    """A date before the clock's now is stored, with DateChange.in_past True; a future one is not flagged."""
    clock.set(utc(2025, 6, 1, 12))
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    past = await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "21 April 2025")
    future = await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", CLOSE, "21 June 2025")
    assert (past.in_past, future.in_past) == (True, False)
    assert past.election.at(OPEN) == utc(2025, 4, 21, 8)


async def test_clear_date_removes_the_milestone(services: Services) -> None:
    """clear_date() leaves the election without that milestone and keeps the others."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "21 April 2025")
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", CLOSE, "21 May 2025")
    cleared = await services.elections.clear_date(GUILD, ORGANISER, "NEC 2025", OPEN)
    assert (cleared.kind, cleared.before) == (OPEN, utc(2025, 4, 21, 8))
    after = cleared.election
    assert after.at(OPEN) is None
    assert after.at(CLOSE) == utc(2025, 5, 21, 16)
    assert (await services.elections.resolve(GUILD, "NEC 2025")).timetable == after.timetable


async def test_clearing_an_undated_milestone_is_not_found_and_writes_nothing(services: Services, db: Database) -> None:
    """clear_date() of a kind that has no date raises NotFound and changes nothing."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    before = await db.dump()
    with pytest.raises(NotFound, match="no ballot_open date"):
        await services.elections.clear_date(GUILD, ORGANISER, "NEC 2025", OPEN)
    assert await db.dump() == before


async def test_post_by_is_two_working_days_before_the_close_at_nine(nec_services: Services) -> None:
    """The NEC 2025 close (Wednesday 21 May) gives a post-by anchor of 09:00 BST on Monday 19 May."""
    election = await nec_services.elections.resolve(GUILD, "NEC 2025")
    assert await nec_services.elections.post_by(GUILD, election) == utc(2025, 5, 19, 8)


# ------------------------------------------------------------------------------------------ current election


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2025, 3, 1), "NEC 2025"),  # both ahead: the one opening first
        (utc(2025, 4, 21, 8), "NEC 2025"),  # the moment the NEC 2025 ballot opens
        (utc(2025, 5, 1), "NEC 2025"),  # inside the NEC 2025 window
        (utc(2025, 5, 21, 15, 59), "NEC 2025"),  # the last minute before 17:00 BST on the closing day
        (utc(2025, 5, 21, 16), "NEC 2026"),  # closed: the next to open
        (utc(2026, 5, 1), "NEC 2026"),  # inside the NEC 2026 window
        (utc(2027, 1, 1), "NEC 2026"),  # everything past: the latest
    ],
)
async def test_no_election_named_means_the_current_one_by_the_clock(
    nec_services: Services, clock: FakeClock, now: datetime, expected: str
) -> None:
    """resolve(guild, None) picks the open ballot, else the next to open, else the latest, using the clock."""
    await nec_services.elections.add(GUILD, ORGANISER, "NEC 2026")
    await nec_services.elections.set_date(GUILD, ORGANISER, "NEC 2026", OPEN, "20 April 2026")
    await nec_services.elections.set_date(GUILD, ORGANISER, "NEC 2026", CLOSE, "20 May 2026")
    clock.set(now)
    assert (await nec_services.elections.resolve(GUILD, None)).name == expected
    assert (await nec_services.elections.resolve(GUILD, "  ")).name == expected
