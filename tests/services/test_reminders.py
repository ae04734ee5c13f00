"""The reminder service's start-up read: every guild at once must say exactly what one guild at a time says."""

from datetime import UTC, datetime

from bot.domain.enums import MilestoneKind
from bot.services.container import Services
from tests.fakes import GUILD, ORGANISER, OTHER_GUILD, FakeClock

#: Reminders turned off; settings but no election; an election but no settings; the results are in.
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
    await services.results.set(FINISHED_GUILD, ORGANISER, "Tom Barker", 1234, elected=True)

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
