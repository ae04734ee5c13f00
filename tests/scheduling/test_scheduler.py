"""The reminder scheduler's bookkeeping around reminders in hand: waiting for a turn, or for a retry."""

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from bot.domain.enums import MilestoneKind
from bot.domain.reminders import Occurrence
from bot.scheduling.pacing import Pacer
from bot.scheduling.poster import DmOutcome, DmSender, PostFailed
from bot.scheduling.scheduler import ReminderScheduler
from bot.services.container import Services
from tests.fakes import GUILD, ORGANISER, FakeClock

CHANNEL = 900


@dataclass
class RecordingPoster:
    """Accepts every post (or fails the first ``failures``), remembering what it was asked to post."""

    failures: int = 0
    posts: list[tuple[str, bool]] = field(default_factory=list)

    async def post(self, occurrence: Occurrence, *, late: bool) -> int:
        if self.failures:
            self.failures -= 1
            msg = "Discord error: 503 Service Unavailable"
            raise PostFailed(msg, permanent=False)
        self.posts.append((occurrence.job_id, late))
        return 10_000 + len(self.posts)

    async def already_posted(self, occurrence: Occurrence) -> int | None:
        return None

    async def dm_sender(self, occurrence: Occurrence) -> DmSender:
        async def send(user_id: int) -> DmOutcome:
            return DmOutcome.SENT

        return send


async def two_due_together(
    services: Services, clock: FakeClock, poster: RecordingPoster
) -> tuple[ReminderScheduler, list[str]]:
    """Two elections opening the same day: their 7-day reminders are due together; the clock is set to then."""
    await services.guilds.set_timezone(GUILD, ORGANISER, "Europe/London")
    for name in ("NEC 2025", "Young Members 2025"):
        await services.elections.add(GUILD, ORGANISER, name)
        await services.elections.set_date(GUILD, ORGANISER, name, MilestoneKind.BALLOT_OPEN, "2025-04-21")
    await services.guilds.set_reminder_channel(GUILD, ORGANISER, CHANNEL, None)
    scheduler = ReminderScheduler(services.reminders, poster, clock)
    await scheduler.resync(GUILD)
    first = min(o.run_at for o in (await services.reminders.triage(GUILD)).future)
    due = [j for j in scheduler.pending_job_ids(GUILD) if j.endswith(f":{int(first.timestamp()) + 7 * 86400}:7d")]
    assert len(due) == 2
    clock.set(first)
    return scheduler, due


async def until_posted(poster: RecordingPoster, count: int) -> None:
    for _ in range(500):
        if len(poster.posts) >= count:
            return
        await asyncio.sleep(0.01)


async def test_a_change_while_a_reminder_waits_for_its_turn_does_not_drop_it(
    services: Services, clock: FakeClock
) -> None:
    """An organiser's edit resyncs the guild while the second reminder queues: it is still posted, once."""
    poster = RecordingPoster()
    scheduler, due = await two_due_together(services, clock, poster)
    scheduler.pacer = Pacer(per_second=2, in_flight=1)  # the second turn comes half a second after the first
    runs = [asyncio.create_task(scheduler.run(job)) for job in due]
    await until_posted(poster, 1)
    assert len(poster.posts) == 1, "the second is waiting for its turn"
    await services.guilds.set_reminder_channel(GUILD, ORGANISER, CHANNEL, None)
    await scheduler.resync(GUILD)
    await asyncio.gather(*runs)
    assert sorted(job for job, _ in poster.posts) == sorted(due)
    for job in due:
        sent = await services.repos.ledger.get(GUILD, job)
        assert sent is not None and sent.message_id is not None, f"{job} recorded without a post"


async def test_a_reminder_waiting_to_be_tried_again_survives_a_change(services: Services, clock: FakeClock) -> None:
    """After a 503 the reminder waits 30 s to be tried again; a resync meanwhile keeps it, and the retry posts it."""
    poster = RecordingPoster(failures=1)
    scheduler, due = await two_due_together(services, clock, poster)
    job = due[0]
    await scheduler.run(job)
    assert poster.posts == [] and job in scheduler.pending_job_ids(GUILD)
    await scheduler.resync(GUILD)
    assert job in scheduler.pending_job_ids(GUILD)
    assert await services.repos.ledger.get(GUILD, job) is None, "not recorded as missed"
    clock.advance(timedelta(seconds=30))
    ran = await scheduler.run_due()
    assert job in ran
    assert (job, False) in poster.posts


async def test_waiting_in_a_long_queue_does_not_make_a_post_late(services: Services, clock: FakeClock) -> None:
    """Lateness is judged when the job fires: two minutes spent waiting for a turn is not 'posted late'."""
    poster = RecordingPoster()
    scheduler, due = await two_due_together(services, clock, poster)
    scheduler.pacer = Pacer(per_second=2, in_flight=1)
    runs = [asyncio.create_task(scheduler.run(job)) for job in due]
    await until_posted(poster, 1)
    clock.advance(timedelta(minutes=2))
    await asyncio.gather(*runs)
    assert [late for _, late in poster.posts] == [False, False]


async def test_a_rebuild_as_a_planned_reminder_falls_due_posts_it_rather_than_skipping_it(
    services: Services, clock: FakeClock
) -> None:
    """A resync in the instant between a reminder's time and its job firing keeps it: it is posted, not skipped."""
    poster = RecordingPoster()
    scheduler, due = await two_due_together(services, clock, poster)  # the clock is at their time; not yet run
    await scheduler.resync_all()
    assert set(due) <= set(scheduler.pending_job_ids(GUILD))
    for job in due:
        assert await services.repos.ledger.get(GUILD, job) is None, f"{job} recorded as missed"
    ran = await scheduler.run_due()
    assert set(due) <= set(ran)
    assert sorted(job for job, _ in poster.posts) == sorted(due)


async def test_advancing_the_clock_posts_what_falls_due_in_order_through_apscheduler(
    services: Services, clock: FakeClock
) -> None:
    """advance(8d) from a week before the ballot: the 7-day, 1-day and on-the-day reminders, in order, once each."""
    poster = RecordingPoster()
    await services.guilds.set_timezone(GUILD, ORGANISER, "Europe/London")
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", MilestoneKind.BALLOT_OPEN, "2025-04-21")
    await services.guilds.set_reminder_channel(GUILD, ORGANISER, CHANNEL, None)
    first = min(o.run_at for o in (await services.reminders.triage(GUILD)).future)
    clock.set(first - timedelta(hours=1))
    scheduler = ReminderScheduler(services.reminders, poster, clock)
    await scheduler.start()
    try:
        assert scheduler.scheduled_in_apscheduler() == sorted(scheduler.pending_job_ids(GUILD))
        fired = await scheduler.advance(timedelta(days=8))
        assert [job.rsplit(":", 1)[1] for job, _ in poster.posts] == ["7d", "1d", "0"]
        assert fired == [job for job, _ in poster.posts]
        assert not any(late for _, late in poster.posts), "each was posted at its own time, not late"
        assert clock.now() == first - timedelta(hours=1) + timedelta(days=8)
        assert all([await services.reminders.is_sent(job) for job, _ in poster.posts])
        assert await scheduler.advance(timedelta(hours=1)) == []
        assert len(poster.posts) == 3
    finally:
        await scheduler.stop()


async def test_a_missed_reminder_is_not_caught_up_when_the_same_dates_next_one_is_hours_away(
    services: Services, clock: FakeClock
) -> None:
    """Started an hour before the on-the-day reminder, the missed 1-day one is recorded, not posted twice over."""
    poster = RecordingPoster()
    await services.guilds.set_timezone(GUILD, ORGANISER, "Europe/London")
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", MilestoneKind.BALLOT_OPEN, "2025-04-21")
    await services.guilds.set_reminder_channel(GUILD, ORGANISER, CHANNEL, None)
    occurrences = (await services.reminders.triage(GUILD)).future
    on_the_day = max(o.run_at for o in occurrences)
    clock.set(on_the_day - timedelta(hours=1))
    scheduler = ReminderScheduler(services.reminders, poster, clock)
    await scheduler.start()
    try:
        await asyncio.sleep(0.2)
        assert poster.posts == [], "neither the 7-day nor the 1-day reminder is caught up an hour before the next"
        assert [j.rsplit(":", 1)[1] for j in scheduler.pending_job_ids(GUILD)] == ["0"]
        await scheduler.advance(timedelta(hours=2))
        assert [job.rsplit(":", 1)[1] for job, _ in poster.posts] == ["0"]
    finally:
        await scheduler.stop()
