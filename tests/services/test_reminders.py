"""The reminder service's start-up read: every guild at once must say exactly what one guild at a time says."""

from datetime import UTC, datetime

from bot.domain.enums import MilestoneKind
from bot.services.container import Services
from tests.fakes import GUILD, ORGANISER, OTHER_GUILD, FakeClock

#: Reminders turned off; settings but no election; an election but no settings; every contested seat's result in.
OFF_GUILD, NO_ELECTION_GUILD, NO_SETTINGS_GUILD, FINISHED_GUILD = 3, 4, 5, 6
CHANNEL = 900


async def _campaign(services: Services, guild_id: int, *, timezone: str = "Europe/London") -> None:
    await services.guilds.set_timezone(guild_id, ORGANISER, timezone)
    await services.elections.add(guild_id, ORGANISER, "NEC 2025")
    await services.elections.set_date(guild_id, ORGANISER, "NEC 2025", MilestoneKind.BALLOT_OPEN, "2025-04-21")
    await services.elections.set_date(guild_id, ORGANISER, "NEC 2025", MilestoneKind.BALLOT_CLOSE, "2025-05-21")
    await services.guilds.set_reminder_channel(guild_id, ORGANISER, CHANNEL + guild_id, None)


async def test_triage_all_matches_triage_guild_by_guild(services: Services, clock: FakeClock) -> None:
    """Settings, time zones, offsets, the ledger and finished elections all count, each for its own guild."""
    await _campaign(services, GUILD)
    await _campaign(services, OTHER_GUILD, timezone="America/New_York")
    await services.guilds.set_reminder_offsets(OTHER_GUILD, ORGANISER, "2w,3d,0")
    await _campaign(services, OFF_GUILD)
    await services.guilds.reminders_off(OFF_GUILD, ORGANISER)
    await services.guilds.set_timezone(NO_ELECTION_GUILD, ORGANISER, "Europe/London")
    await services.repos.elections.add(NO_SETTINGS_GUILD, "NEC 2025")
    await _campaign(services, FINISHED_GUILD)
    await services.seats.add(
        FINISHED_GUILD, ORGANISER, election="NEC 2025", name="Wales", electorate_type="region", electorate="Wales"
    )
    await services.candidates.add(FINISHED_GUILD, ORGANISER, name="Tom Barker", seat="Wales")
    await services.candidates.add(FINISHED_GUILD, ORGANISER, name="Ann Jones", seat="Wales")
    await services.results.set(FINISHED_GUILD, ORGANISER, "Tom Barker", 1234, elected=True)
    await services.results.set(FINISHED_GUILD, ORGANISER, "Ann Jones", 999)

    clock.set(datetime(2025, 4, 20, 12, 0, tzinfo=UTC))  # after the 7-day reminders, before the 1-day ones
    sent = (await services.reminders.triage(GUILD)).late[0].job_id
    await services.reminders.mark_sent(sent, 1)

    everything = await services.reminders.triage_all()

    with_both = (GUILD, OTHER_GUILD, OFF_GUILD, FINISHED_GUILD)
    assert everything == {g: await services.reminders.triage(g) for g in with_both}
    assert everything[GUILD].future and everything[OTHER_GUILD].future, "both campaigns have reminders to come"
    assert sent not in {o.job_id for o in everything[GUILD].late + everything[GUILD].future}
    assert {o.guild_id for t in everything.values() for o in t.future + t.late + t.expired} == {GUILD, OTHER_GUILD}
    assert not (everything[OFF_GUILD].future or everything[FINISHED_GUILD].future)


async def _contested(services: Services) -> None:
    """NEC 2025 in GUILD, reminders on, and one seat with two candidates for its one place."""
    await _campaign(services, GUILD)
    await services.seats.add(
        GUILD, ORGANISER, election="NEC 2025", name="Wales", electorate_type="region", electorate="Wales"
    )
    await services.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat="Wales")
    await services.candidates.add(GUILD, ORGANISER, name="Ann Jones", seat="Wales")


async def test_one_result_of_a_contested_seat_keeps_every_reminder(services: Services, clock: FakeClock) -> None:
    """Recording one of two candidates' votes stops nothing; the second (completing the seat) stops them all."""
    await _contested(services)
    clock.set(datetime(2025, 4, 1, tzinfo=UTC))
    everything = await services.reminders.occurrences(GUILD)
    assert everything
    await services.results.set(GUILD, ORGANISER, "Tom Barker", 1)
    assert await services.reminders.occurrences(GUILD) == everything
    assert (await services.reminders.triage_all())[GUILD].future
    assert (await services.reminders.preview(GUILD)).stopped == ()
    await services.results.set(GUILD, ORGANISER, "Ann Jones", 2)
    assert await services.reminders.occurrences(GUILD) == []
    assert (await services.reminders.preview(GUILD)).stopped == ("NEC 2025",)
    assert not (await services.reminders.triage_all())[GUILD].future


async def test_an_unopposed_seats_result_never_stops_reminders(services: Services, clock: FakeClock) -> None:
    """With no contested seat, a recorded result leaves the reminders to the results date."""
    await _campaign(services, GUILD)
    await services.seats.add(
        GUILD, ORGANISER, election="NEC 2025", name="Wales", electorate_type="region", electorate="Wales"
    )
    await services.candidates.add(GUILD, ORGANISER, name="Tom Barker", seat="Wales")
    clock.set(datetime(2025, 4, 1, tzinfo=UTC))
    everything = await services.reminders.occurrences(GUILD)
    await services.results.set(GUILD, ORGANISER, "Tom Barker", 1234, elected=True)
    assert await services.reminders.occurrences(GUILD) == everything


async def test_the_preview_counts_skipped_reminders_apart_from_posted_ones(
    services: Services, clock: FakeClock
) -> None:
    """A ledger row with no message (recorded, not posted) counts as skipped, as does one whose date passed."""
    await _campaign(services, GUILD)
    clock.set(datetime(2025, 4, 19, 12, 0, tzinfo=UTC))  # the 7-day ballot_open reminder is late
    [late] = [o for o in (await services.reminders.triage(GUILD)).late if o.kind.value == "ballot_open"]
    await services.reminders.mark_sent(late.job_id, None, late=True)  # what the scheduler does when it skips one
    clock.set(datetime(2025, 4, 20, 8, 0, tzinfo=UTC))  # the 1-day one: posted
    [due] = [o for o in (await services.reminders.triage(GUILD)).late if o.kind.value == "ballot_open"]
    await services.reminders.mark_sent(due.job_id, 555)
    preview = await services.reminders.preview(GUILD)
    assert [o.job_id for o in preview.posted] == [due.job_id]
    assert [o.job_id for o in preview.skipped] == [late.job_id]
