"""Each repository's round trip on a real, migrated SQLite file."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.domain.enums import ElectorateType, MilestoneKind, Nation
from bot.domain.models import Candidate, GuildConfig, Result, Seat
from storage.database import Database
from storage.repositories import Repositories
from tests.fakes import GUILD, ORGANISER

AT = datetime(2025, 4, 21, 8, 0, tzinfo=UTC)


@pytest.fixture
def repos(db: Database) -> Repositories:
    return Repositories(db)


async def _seat(repos: Repositories, name: str = "East Midlands Regional (Male)") -> Seat:
    election = await repos.elections.find(GUILD, "NEC 2025") or await repos.elections.add(GUILD, "NEC 2025")
    return await repos.seats.add(GUILD, election.id, name, ElectorateType.REGION, "East Midlands")


async def _candidate(
    repos: Repositories, seat_id: int, name: str = "Tom Barker", slate: str | None = None
) -> Candidate:
    slate_id = None if slate is None else (await repos.slates.ensure(GUILD, slate))[0].id
    return await repos.candidates.add(Candidate(0, GUILD, seat_id, name), slate_id)


async def _count(db: Database, table: str) -> int:
    count: int = await db.fetch_value(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
    return count


# ------------------------------------------------------------------------------------------------------ guilds


async def test_guild_settings_default_until_written(repos: Repositories, db: Database) -> None:
    """A guild with nothing stored reads as the defaults, and reading stores nothing."""
    assert await repos.guilds.get(GUILD) == GuildConfig(guild_id=GUILD, timezone="Europe/London")
    assert await _count(db, "guilds") == 0


async def test_guild_default_timezone_comes_from_the_repositories(db: Database) -> None:
    """The default time zone given to Repositories is the one a new guild reads and is created with."""
    repos = Repositories(db, default_timezone="America/New_York")
    assert (await repos.guilds.get(GUILD)).timezone == "America/New_York"
    assert (await repos.guilds.update(GUILD, post_days=3)).timezone == "America/New_York"


async def test_guild_settings_update_creates_the_row_and_round_trips(repos: Repositories) -> None:
    """update() stores the given columns and get() returns them, the rest left at their defaults."""
    slate, _ = await repos.slates.ensure(GUILD, "Time for Real Change")
    updated = await repos.guilds.update(
        GUILD, timezone="Europe/Belfast", nation="northern-ireland", post_days=3, slate_id=slate.id
    )
    assert updated == await repos.guilds.get(GUILD)
    assert (updated.timezone, updated.nation, updated.post_days, updated.slate) == (
        "Europe/Belfast",
        Nation.NORTHERN_IRELAND,
        3,
        "Time for Real Change",
    )
    assert updated.reminder_offsets == "7d,1d,0"
    assert updated.reminders_enabled is True
    assert await repos.guilds.all_configs() == {GUILD: updated}


async def test_guild_settings_refuse_unknown_columns(repos: Repositories) -> None:
    """update() only writes the allow-listed columns."""
    with pytest.raises(ValueError, match="name"):
        await repos.guilds.update(GUILD, name="x; DROP TABLE guilds")


# --------------------------------------------------------------------------------------------------- elections


async def test_election_add_rename_and_find_forgivingly(repos: Repositories) -> None:
    """An election is found by a forgiving form of its name, and by its new name after a rename."""
    election = await repos.elections.add(GUILD, "NEC 2025", "the national executive")
    assert await repos.elections.get(GUILD, election.id) == election
    found = await repos.elections.find(GUILD, "  nec   2025 ")
    assert found is not None
    assert found.id == election.id
    assert await repos.elections.rename(GUILD, election.id, "Zoë’s NEC & Co") == 1
    renamed = await repos.elections.find(GUILD, "zoe s nec and co")
    assert renamed is not None
    assert renamed.name == "Zoë’s NEC & Co"
    assert await repos.elections.find(GUILD, "NEC 2025") is None
    assert await repos.elections.describe(GUILD, election.id, None) == 1
    assert [e.description for e in await repos.elections.all(GUILD)] == [None]


async def test_election_timetable_round_trips_in_utc(repos: Repositories) -> None:
    """Milestones come back as the same aware UTC instants, re-dated in place and cleared."""
    election = await repos.elections.add(GUILD, "NEC 2025")
    await repos.elections.set_milestone(GUILD, election.id, MilestoneKind.BALLOT_CLOSE, AT.replace(day=21, month=5))
    await repos.elections.set_milestone(GUILD, election.id, MilestoneKind.BALLOT_OPEN, AT)
    stored = await repos.elections.get(GUILD, election.id)
    assert stored is not None
    assert [m.kind for m in stored.timetable] == [MilestoneKind.BALLOT_OPEN, MilestoneKind.BALLOT_CLOSE]
    opens = stored.at(MilestoneKind.BALLOT_OPEN)
    assert opens == AT
    assert opens is not None
    assert opens.tzinfo is UTC

    await repos.elections.set_milestone(GUILD, election.id, MilestoneKind.BALLOT_OPEN, AT.replace(hour=9))
    redated = await repos.elections.get(GUILD, election.id)
    assert redated is not None
    assert redated.at(MilestoneKind.BALLOT_OPEN) == AT.replace(hour=9)
    assert await repos.elections.clear_milestone(GUILD, election.id, MilestoneKind.BALLOT_OPEN) == 1
    cleared = await repos.elections.get(GUILD, election.id)
    assert cleared is not None
    assert cleared.at(MilestoneKind.BALLOT_OPEN) is None
    assert await repos.elections.by_guild() == {GUILD: [await repos.elections.get(GUILD, election.id)]}


async def test_naive_datetimes_are_never_stored(repos: Repositories) -> None:
    """Storing a naive datetime is a programming error, refused before it reaches the file."""
    election = await repos.elections.add(GUILD, "NEC 2025")
    with pytest.raises(ValueError, match="naive"):
        await repos.elections.set_milestone(GUILD, election.id, MilestoneKind.BALLOT_OPEN, AT.replace(tzinfo=None))


async def test_removing_an_election_cascades_to_everything_under_it(repos: Repositories, db: Database) -> None:
    """Removing an election deletes its milestones, seats, candidates and results, and nothing else."""
    seat = await _seat(repos)
    election = await repos.elections.find(GUILD, "NEC 2025")
    assert election is not None
    other = await repos.elections.add(GUILD, "NEC 2026")
    await repos.elections.set_milestone(GUILD, election.id, MilestoneKind.BALLOT_OPEN, AT)
    await repos.elections.set_milestone(GUILD, other.id, MilestoneKind.BALLOT_OPEN, AT.replace(year=2026))
    candidate = await _candidate(repos, seat.id, slate="Time for Real Change")
    await repos.results.set(Result(candidate.id, GUILD, 1234, True))

    assert await repos.elections.remove(GUILD, election.id) == 1
    assert await repos.elections.get(GUILD, election.id) is None
    assert [(await _count(db, t)) for t in ("milestones", "seats", "candidates", "results")] == [1, 0, 0, 0]
    assert [e.name for e in await repos.elections.all(GUILD)] == ["NEC 2026"]
    assert [s.name for s in await repos.slates.all(GUILD)] == ["Time for Real Change"]


# ------------------------------------------------------------------------------------------------------- seats


async def test_seat_round_trip(repos: Repositories) -> None:
    """A seat is stored, found forgivingly within its election, updated and removed."""
    seat = await _seat(repos)
    assert await repos.seats.get(GUILD, seat.id) == seat
    assert await repos.seats.find(GUILD, seat.election_id, "east midlands regional male") == seat
    changed = replace(seat, name="East Midlands (Male)", electorate_type=ElectorateType.NATIONAL, places=2)
    assert await repos.seats.update(changed) == 1
    assert await repos.seats.get(GUILD, seat.id) == changed
    assert await repos.seats.all(GUILD, seat.election_id) == [changed]
    assert await repos.seats.remove(GUILD, seat.id) == 1
    assert await repos.seats.all(GUILD) == []


async def test_seats_list_by_name(repos: Repositories) -> None:
    """all() lists an election's seats by name."""
    for name in ("Northern", "Eastern", "Scotland"):
        await _seat(repos, name)
    assert [s.name for s in await repos.seats.all(GUILD)] == ["Eastern", "Northern", "Scotland"]


# ------------------------------------------------------------------------------------------ slates and platform


async def test_slate_ensure_is_forgiving_and_keeps_the_first_spelling(repos: Repositories) -> None:
    """ensure() creates a slate once; a differently cased name finds the same slate."""
    first, created = await repos.slates.ensure(GUILD, "Time for Real Change")
    again, created_again = await repos.slates.ensure(GUILD, "Time For Real Change")
    assert (created, created_again) == (True, False)
    assert again == first
    assert again.name == "Time for Real Change"
    assert await repos.slates.find(GUILD, "time-for-real-change") == first
    assert await repos.slates.get(GUILD, first.id) == first
    assert await repos.slates.all(GUILD) == [first]


async def test_platform_points_keep_their_positions(repos: Repositories) -> None:
    """Points are listed by position; set_positions renumbers, set_text rewords, remove_point deletes."""
    slate, _ = await repos.slates.ensure(GUILD, "Time for Real Change")
    a = await repos.slates.add_point(GUILD, slate.id, 1, "Pay")
    b = await repos.slates.add_point(GUILD, slate.id, 2, "NHS")
    c = await repos.slates.add_point(GUILD, slate.id, 3, "Housing")
    await repos.slates.set_positions(GUILD, [c.id, a.id, b.id])
    assert [(p.text, p.position) for p in await repos.slates.points(GUILD, slate.id)] == [
        ("Housing", 1),
        ("Pay", 2),
        ("NHS", 3),
    ]
    assert await repos.slates.set_text(GUILD, a.id, "Pay above inflation") == 1
    point = await repos.slates.point(GUILD, a.id)
    assert point is not None
    assert point.text == "Pay above inflation"
    assert await repos.slates.remove_point(GUILD, c.id) == 1
    assert [p.text for p in await repos.slates.all_points(GUILD)] == ["Pay above inflation", "NHS"]


# -------------------------------------------------------------------------------------------------- candidates


async def test_candidate_round_trip_with_slate_join(repos: Repositories) -> None:
    """A candidate comes back with their slate's name joined in, and every field as stored."""
    seat = await _seat(repos)
    slate, _ = await repos.slates.ensure(GUILD, "Time for Real Change")
    draft = Candidate(
        0,
        GUILD,
        seat.id,
        "Tom Barker",
        branch="Leicester City",
        job="Teaching assistant",
        incumbent=True,
        statement="Line one.\n\nLine **two** <@123>.",
    )
    stored = await repos.candidates.add(draft, slate.id)
    assert stored == replace(draft, id=stored.id, slate="Time for Real Change")
    assert await repos.candidates.get(GUILD, stored.id) == stored
    assert await repos.candidates.find_in_seat(GUILD, seat.id, "tom  BARKER") == stored
    assert await repos.candidates.all(GUILD, seat_id=seat.id) == [stored]
    assert await repos.candidates.all(GUILD, election_id=seat.election_id) == [stored]
    assert await repos.candidates.keys(GUILD) == [(stored.id, stored.name)]
    assert await repos.candidates.keys(GUILD, election_id=seat.election_id) == [(stored.id, stored.name)]
    assert await repos.candidates.keys(GUILD, election_id=seat.election_id + 1) == []
    assert await repos.candidates.names(GUILD) == ["Tom Barker"]

    independent = replace(stored, slate=None, branch=None, incumbent=False)
    assert await repos.candidates.update(independent, None) == 1
    assert await repos.candidates.get(GUILD, stored.id) == independent


async def test_removing_a_candidate_removes_their_result(repos: Repositories, db: Database) -> None:
    """A candidate's result goes with them."""
    seat = await _seat(repos)
    candidate = await _candidate(repos, seat.id)
    await repos.results.set(Result(candidate.id, GUILD, 10))
    assert await repos.candidates.remove(GUILD, candidate.id) == 1
    assert await _count(db, "results") == 0


async def test_removing_a_seat_removes_its_candidates(repos: Repositories) -> None:
    """A seat's candidates go with it."""
    seat = await _seat(repos)
    await _candidate(repos, seat.id)
    await repos.seats.remove(GUILD, seat.id)
    assert await repos.candidates.all(GUILD) == []


async def test_candidate_names_of_one_election(repos: Repositories) -> None:
    """names() lists distinct candidate names, of one election when given."""
    seat = await _seat(repos)
    later = await repos.elections.add(GUILD, "NEC 2027")
    later_seat = await repos.seats.add(GUILD, later.id, "Wales", ElectorateType.REGION, "Cymru/Wales")
    await _candidate(repos, seat.id, "Tom Barker")
    await _candidate(repos, later_seat.id, "Tom Barker")
    await _candidate(repos, later_seat.id, "Ann Jones")
    assert await repos.candidates.names(GUILD) == ["Ann Jones", "Tom Barker"]
    assert await repos.candidates.names(GUILD, seat.election_id) == ["Tom Barker"]


# ----------------------------------------------------------------------------------------------------- results


async def test_results_upsert_replaces_the_stored_result(repos: Repositories) -> None:
    """set() adds a result, a second set() replaces it, clear() removes it."""
    seat = await _seat(repos)
    candidate = await _candidate(repos, seat.id)
    await repos.results.set(Result(candidate.id, GUILD, 100))
    assert await repos.results.get(GUILD, candidate.id) == Result(candidate.id, GUILD, 100, None)
    await repos.results.set(Result(candidate.id, GUILD, 250, False))
    assert await repos.results.all(GUILD) == {candidate.id: Result(candidate.id, GUILD, 250, False)}
    assert await repos.results.for_election(GUILD, seat.election_id) == {
        candidate.id: Result(candidate.id, GUILD, 250, False)
    }
    assert await repos.results.clear(GUILD, candidate.id) == 1
    assert await repos.results.get(GUILD, candidate.id) is None


# ------------------------------------------------------------------------------------------------------- audit


async def test_audit_log_round_trip_newest_first(repos: Repositories) -> None:
    """Entries come back newest first with before/after intact, counted, paged and anonymisable."""
    await repos.audit.add(GUILD, ORGANISER, "election.add", None, {"name": "NEC 2025"}, AT)
    await repos.audit.add(GUILD, 7, "seat.add", None, {"name": "Wales"}, AT.replace(hour=9))
    await repos.audit.add(GUILD, ORGANISER, "election.rename", {"name": "NEC 2025"}, {"name": "NEC ’25"}, AT)

    entries = await repos.audit.recent(GUILD)
    assert [e.action for e in entries] == ["election.rename", "seat.add", "election.add"]
    assert (entries[0].before, entries[0].after, entries[0].at) == ({"name": "NEC 2025"}, {"name": "NEC ’25"}, AT)
    assert [e.action for e in await repos.audit.recent(GUILD, limit=1, offset=1)] == ["seat.add"]
    assert await repos.audit.count(GUILD) == 3
    assert await repos.audit.count_by_actor(GUILD, ORGANISER) == 2

    assert await repos.audit.anonymise_actor(GUILD, ORGANISER, 0) == 2
    assert await repos.audit.count_by_actor(GUILD, ORGANISER) == 0
    assert [e.actor_id for e in await repos.audit.recent(GUILD)] == [0, 7, 0]
    assert await repos.audit.count(GUILD) == 3


# ------------------------------------------------------------------------------------------ ledger, subscribers


async def test_ledger_marks_a_reminder_sent_only_once(repos: Repositories) -> None:
    """mark_sent returns True the first time and False after; the first record is kept."""
    job = f"{GUILD}:1:ballot_open:7d"
    assert await repos.ledger.mark_sent(GUILD, job, AT, 555, late=True) is True
    assert await repos.ledger.mark_sent(GUILD, job, AT.replace(hour=10), 556) is False
    sent = await repos.ledger.get(GUILD, job)
    assert sent is not None
    assert (sent.sent_at, sent.message_id, sent.late) == (AT, 555, True)
    assert await repos.ledger.sent_ids(GUILD) == {job}
    assert await repos.ledger.get(GUILD, "never") is None


async def test_subscribers_round_trip(repos: Repositories) -> None:
    """Subscribing twice is one subscription; unsubscribing twice removes it once."""
    assert await repos.subscribers.subscribe(GUILD, 500, AT) is True
    assert await repos.subscribers.subscribe(GUILD, 500, AT.replace(hour=11)) is False
    await repos.subscribers.subscribe(GUILD, 300, AT)
    assert await repos.subscribers.subscription(GUILD, 500) == AT
    assert await repos.subscribers.subscribers(GUILD) == [300, 500]
    assert await repos.subscribers.unsubscribe(GUILD, 500) is True
    assert await repos.subscribers.unsubscribe(GUILD, 500) is False
    assert await repos.subscribers.subscription(GUILD, 500) is None


async def test_bot_state_round_trip(repos: Repositories) -> None:
    """A bot fact is stored, replaced and read back."""
    assert await repos.state.get("tree_hash:global") is None
    await repos.state.set("tree_hash:global", "abc")
    await repos.state.set("tree_hash:global", "def")
    assert await repos.state.get("tree_hash:global") == "def"
