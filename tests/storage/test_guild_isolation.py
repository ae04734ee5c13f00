"""No data crosses between guilds: whatever one guild stores, another neither sees nor changes."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest

from bot.domain.enums import ElectorateType, MilestoneKind
from bot.domain.models import Candidate, Election, GuildConfig, PlatformPoint, Result, Seat, Slate
from storage.database import Database
from storage.repositories import Repositories
from tests.fakes import GUILD, ORGANISER, OTHER_GUILD

AT = datetime(2025, 4, 21, 8, 0, tzinfo=UTC)
JOB = f"{GUILD}:1:ballot_open:7d"
MEMBER = 500


@dataclass(frozen=True)
class Seeded:
    """Everything stored for GUILD before a probe runs."""

    repos: Repositories
    election: Election
    seat: Seat
    slate: Slate
    point: PlatformPoint
    candidate: Candidate


@pytest.fixture
async def seeded(db: Database) -> Seeded:
    repos = Repositories(db)
    slate, _ = await repos.slates.ensure(GUILD, "Time for Real Change")
    await repos.guilds.update(GUILD, timezone="Europe/Dublin", slate_id=slate.id, post_days=5)
    election = await repos.elections.add(GUILD, "NEC 2025")
    await repos.elections.set_milestone(GUILD, election.id, MilestoneKind.BALLOT_OPEN, AT)
    seat = await repos.seats.add(GUILD, election.id, "Wales", ElectorateType.REGION, "Cymru/Wales")
    point = await repos.slates.add_point(GUILD, slate.id, 1, "Pay")
    candidate = await repos.candidates.add(Candidate(0, GUILD, seat.id, "Tom Barker"), slate.id)
    await repos.results.set(Result(candidate.id, GUILD, 1234, True))
    await repos.audit.add(GUILD, ORGANISER, "election.add", None, {"name": "NEC 2025"}, AT)
    await repos.ledger.mark_sent(GUILD, JOB, AT, 1)
    await repos.subscribers.subscribe(GUILD, MEMBER, AT)
    return Seeded(repos, election, seat, slate, point, candidate)


Probe = Callable[[Seeded], Awaitable[object]]

#: (what the other guild does, what it must get). Each runs as OTHER_GUILD against GUILD's stored data.
READS_AND_WRITES: list[tuple[str, Probe, object]] = [
    ("guilds.get", lambda s: s.repos.guilds.get(OTHER_GUILD), GuildConfig(guild_id=OTHER_GUILD)),
    ("elections.all", lambda s: s.repos.elections.all(OTHER_GUILD), []),
    ("elections.get", lambda s: s.repos.elections.get(OTHER_GUILD, s.election.id), None),
    ("elections.find", lambda s: s.repos.elections.find(OTHER_GUILD, "NEC 2025"), None),
    ("elections.rename", lambda s: s.repos.elections.rename(OTHER_GUILD, s.election.id, "Hijacked"), 0),
    ("elections.describe", lambda s: s.repos.elections.describe(OTHER_GUILD, s.election.id, "Hijacked"), 0),
    (
        "elections.clear_milestone",
        lambda s: s.repos.elections.clear_milestone(OTHER_GUILD, s.election.id, MilestoneKind.BALLOT_OPEN),
        0,
    ),
    ("elections.remove", lambda s: s.repos.elections.remove(OTHER_GUILD, s.election.id), 0),
    ("seats.all", lambda s: s.repos.seats.all(OTHER_GUILD), []),
    ("seats.all of election", lambda s: s.repos.seats.all(OTHER_GUILD, s.election.id), []),
    ("seats.get", lambda s: s.repos.seats.get(OTHER_GUILD, s.seat.id), None),
    ("seats.find", lambda s: s.repos.seats.find(OTHER_GUILD, s.election.id, "Wales"), None),
    ("seats.update", lambda s: s.repos.seats.update(replace(s.seat, guild_id=OTHER_GUILD, name="Hijacked")), 0),
    ("seats.remove", lambda s: s.repos.seats.remove(OTHER_GUILD, s.seat.id), 0),
    ("slates.all", lambda s: s.repos.slates.all(OTHER_GUILD), []),
    ("slates.get", lambda s: s.repos.slates.get(OTHER_GUILD, s.slate.id), None),
    ("slates.find", lambda s: s.repos.slates.find(OTHER_GUILD, "Time for Real Change"), None),
    ("slates.points", lambda s: s.repos.slates.points(OTHER_GUILD, s.slate.id), []),
    ("slates.all_points", lambda s: s.repos.slates.all_points(OTHER_GUILD), []),
    ("slates.point", lambda s: s.repos.slates.point(OTHER_GUILD, s.point.id), None),
    ("slates.set_text", lambda s: s.repos.slates.set_text(OTHER_GUILD, s.point.id, "Hijacked"), 0),
    ("slates.remove_point", lambda s: s.repos.slates.remove_point(OTHER_GUILD, s.point.id), 0),
    ("candidates.all", lambda s: s.repos.candidates.all(OTHER_GUILD), []),
    ("candidates.all of seat", lambda s: s.repos.candidates.all(OTHER_GUILD, seat_id=s.seat.id), []),
    (
        "candidates.all of election",
        lambda s: s.repos.candidates.all(OTHER_GUILD, election_id=s.election.id),
        [],
    ),
    ("candidates.get", lambda s: s.repos.candidates.get(OTHER_GUILD, s.candidate.id), None),
    ("candidates.find_in_seat", lambda s: s.repos.candidates.find_in_seat(OTHER_GUILD, s.seat.id, "Tom Barker"), None),
    ("candidates.names", lambda s: s.repos.candidates.names(OTHER_GUILD), []),
    ("candidates.keys", lambda s: s.repos.candidates.keys(OTHER_GUILD), []),
    (
        "candidates.keys of election",
        lambda s: s.repos.candidates.keys(OTHER_GUILD, election_id=s.election.id),
        [],
    ),
    (
        "candidates.update",
        lambda s: s.repos.candidates.update(replace(s.candidate, guild_id=OTHER_GUILD, name="Hijacked"), None),
        0,
    ),
    ("candidates.remove", lambda s: s.repos.candidates.remove(OTHER_GUILD, s.candidate.id), 0),
    ("results.all", lambda s: s.repos.results.all(OTHER_GUILD), {}),
    ("results.for_election", lambda s: s.repos.results.for_election(OTHER_GUILD, s.election.id), {}),
    ("results.get", lambda s: s.repos.results.get(OTHER_GUILD, s.candidate.id), None),
    ("results.clear", lambda s: s.repos.results.clear(OTHER_GUILD, s.candidate.id), 0),
    ("audit.recent", lambda s: s.repos.audit.recent(OTHER_GUILD), []),
    ("audit.count", lambda s: s.repos.audit.count(OTHER_GUILD), 0),
    ("audit.count_by_actor", lambda s: s.repos.audit.count_by_actor(OTHER_GUILD, ORGANISER), 0),
    ("audit.anonymise_actor", lambda s: s.repos.audit.anonymise_actor(OTHER_GUILD, ORGANISER, 0), 0),
    ("ledger.sent_ids", lambda s: s.repos.ledger.sent_ids(OTHER_GUILD), set()),
    ("ledger.get", lambda s: s.repos.ledger.get(OTHER_GUILD, JOB), None),
    ("ledger.mark_sent its own", lambda s: s.repos.ledger.mark_sent(OTHER_GUILD, JOB, AT, 2), True),
    ("subscribers.subscribers", lambda s: s.repos.subscribers.subscribers(OTHER_GUILD), []),
    ("subscribers.subscription", lambda s: s.repos.subscribers.subscription(OTHER_GUILD, MEMBER), None),
    ("subscribers.unsubscribe", lambda s: s.repos.subscribers.unsubscribe(OTHER_GUILD, MEMBER), False),
]


@pytest.mark.parametrize(
    ("probe", "expected"), [(p, e) for _, p, e in READS_AND_WRITES], ids=[n for n, _, _ in READS_AND_WRITES]
)
async def test_another_guild_neither_sees_nor_changes_this_guilds_data(
    seeded: Seeded, probe: Probe, expected: object
) -> None:
    """A read from OTHER_GUILD finds nothing of GUILD's, and a write from it changes 0 of GUILD's rows."""
    before = await _guild_view(seeded.repos, GUILD)
    assert await probe(seeded) == expected
    assert await _guild_view(seeded.repos, GUILD) == before


async def test_platform_renumbering_from_another_guild_changes_nothing(seeded: Seeded) -> None:
    """set_positions for OTHER_GUILD with GUILD's point ids leaves GUILD's platform as it was."""
    extra = await seeded.repos.slates.add_point(GUILD, seeded.slate.id, 2, "NHS")
    before = await seeded.repos.slates.points(GUILD, seeded.slate.id)
    await seeded.repos.slates.set_positions(OTHER_GUILD, [extra.id, seeded.point.id])
    assert await seeded.repos.slates.points(GUILD, seeded.slate.id) == before


async def test_same_names_in_two_guilds_are_separate_records(seeded: Seeded) -> None:
    """OTHER_GUILD can store an election, slate and subscriber with GUILD's names, each its own."""
    repos = seeded.repos
    election = await repos.elections.add(OTHER_GUILD, "NEC 2025")
    slate, created = await repos.slates.ensure(OTHER_GUILD, "Time for Real Change")
    assert created is True
    assert (election.id, slate.id) != (seeded.election.id, seeded.slate.id)
    assert await repos.subscribers.subscribe(OTHER_GUILD, MEMBER, AT) is True
    assert [e.id for e in await repos.elections.all(GUILD)] == [seeded.election.id]
    assert await repos.slates.all(GUILD) == [seeded.slate]


async def test_a_result_written_for_another_guild_does_not_change_this_guilds_result(seeded: Seeded) -> None:
    """results.set for OTHER_GUILD naming GUILD's candidate id leaves GUILD's result untouched."""
    await seeded.repos.results.set(Result(seeded.candidate.id, OTHER_GUILD, 999_999, False))
    assert await seeded.repos.results.get(GUILD, seeded.candidate.id) == Result(seeded.candidate.id, GUILD, 1234, True)


async def test_a_milestone_written_for_another_guild_does_not_change_this_guilds_timetable(seeded: Seeded) -> None:
    """set_milestone for OTHER_GUILD naming GUILD's election id leaves GUILD's timetable untouched."""
    await seeded.repos.elections.set_milestone(
        OTHER_GUILD, seeded.election.id, MilestoneKind.BALLOT_OPEN, AT.replace(year=2030)
    )
    stored = await seeded.repos.elections.get(GUILD, seeded.election.id)
    assert stored is not None
    assert stored.at(MilestoneKind.BALLOT_OPEN) == AT


async def _guild_view(repos: Repositories, guild_id: int) -> tuple[object, ...]:
    """Everything a guild can read about itself, to check a probe left it unchanged."""
    return (
        await repos.guilds.get(guild_id),
        await repos.elections.all(guild_id),
        await repos.seats.all(guild_id),
        await repos.slates.all(guild_id),
        await repos.slates.all_points(guild_id),
        await repos.candidates.all(guild_id),
        await repos.results.all(guild_id),
        await repos.audit.recent(guild_id),
        await repos.ledger.sent_ids(guild_id),
        await repos.subscribers.subscribers(guild_id),
    )
