"""
The reminder scheduler: a typed facade over APScheduler 3.x (``AsyncIOScheduler``), the only module that uses it.

The database is the schedule; APScheduler is the alarm clock. At start, and after every change to a guild's
timetable or reminder settings, the guild's jobs are rebuilt from the database (``MemoryJobStore``, stable ids,
``replace_existing=True``), so a restart never duplicates or loses one.

Exactly once, as members see it:

- a reminder counts as sent only when Discord accepted the post; the ledger row is written right after;
- the process may die between Discord's acceptance and the ledger write. Then, on restart, the reminder is
  missed-but-unsent; before posting such a *late* reminder the poster looks at the channel's recent messages
  for the reminder's reference (in its embed footer) and, if Discord already has it, only writes the ledger;
- two occurrences missed for the same date (the bot was down over both the 7-day and the 1-day reminder) post
  once: the latest is posted, the others are recorded as superseded; and none is caught up when the same
  date's next reminder comes within :data:`NEXT_ONE_SOON` (it says much the same, and soon);
- a reminder missed while its date has already passed is skipped and logged.

``misfire_grace_time=None`` with ``coalesce=True``: a job delayed by a busy loop still runs once, however late,
because the runner itself decides (from the database) whether it is still wanted.

Many guilds' reminders fall due in the same minute (every branch of a union follows the same national
timetable). APScheduler starts all their jobs at once; each then waits for its turn at a :class:`Pacer`, which
spaces the requests just under Discord's global limit of 50 a second. Stopping refuses the turns not yet granted:
those reminders stay unsent in the database and are caught up at the next start.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import AdjustableClock, Clock
from bot.domain.reminders import Claim, Occurrence, Triage
from bot.scheduling import jobs
from bot.scheduling.pacing import DEFAULT_IN_FLIGHT, DEFAULT_PER_SECOND, Pacer, PacerClosed
from bot.scheduling.poster import DmReport, PostFailed, ReminderPoster
from bot.services.changes import TimetableChanged
from bot.services.reminders import ReminderService

log = logging.getLogger(__name__)

#: How often, and how long apart, a post that failed for a passing reason (Discord 5xx) is tried again.
RETRY_DELAYS = (30.0, 120.0, 600.0)
#: A reminder that fires this much after its time counts as late (and is checked against the channel first).
LATE_AFTER = timedelta(minutes=1)
#: Requests a subscriber DM costs: opening the DM channel, then the message.
DM_COST = 2
#: A missed reminder is not caught up when the same date's next reminder comes within this long.
NEXT_ONE_SOON = timedelta(hours=6)
#: A reminder another process is posting is looked at again after this long (by then it is posted and recorded,
#: or its claim has gone stale and this process takes it over).
CLAIMED_ELSEWHERE_RETRY = timedelta(seconds=65)


class ReminderScheduler:
    """Keeps APScheduler's jobs in step with the database and posts reminders when they fire."""

    def __init__(
        self,
        reminders: ReminderService,
        poster: ReminderPoster,
        clock: Clock,
        *,
        per_second: float = DEFAULT_PER_SECOND,
        in_flight: int = DEFAULT_IN_FLIGHT,
        owns: Callable[[int], bool] | None = None,
    ) -> None:
        self.reminders = reminders
        self.poster = poster
        self.clock = clock
        self._pace = (per_second, in_flight)
        self.pacer = Pacer(per_second, in_flight)
        self._scheduler: AsyncIOScheduler | None = None
        self._planned: dict[str, Occurrence] = {}
        #: When each planned job is to run, by the service clock (its occurrence's time, or a retry's).
        self._when: dict[str, datetime] = {}
        self._by_guild: dict[int, set[str]] = {}
        self._running: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        #: Reminders waiting to be tried again after a passing failure: how many tries failed, and when the next is.
        self._retries: dict[str, tuple[int, datetime]] = {}
        #: Whether this process posts a guild's reminders (its shard's guilds only, when sharded).
        self.owns: Callable[[int], bool] = owns or (lambda _guild_id: True)

    # -- lifecycle -------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start APScheduler inside the running loop and build every guild's jobs from the database."""
        self.pacer = Pacer(*self._pace)
        self._planned.clear()
        self._when.clear()
        self._by_guild.clear()
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            executors={"default": AsyncIOExecutor()},
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )
        # Paused while the jobs go in: a running scheduler re-examines its whole job list after every add_job.
        self._scheduler.start(paused=True)
        jobs.install(self.run)
        started = time.perf_counter()
        try:
            everything = await self._triage_owned()
            for guild_id, triaged in everything.items():
                await self._apply(guild_id, triaged, catch_up=True)
        finally:
            self._scheduler.resume()
        log.info(
            "Reminder schedule rebuilt: %d pending for %d guild(s) in %.2f s",
            len(self._planned),
            len(everything),
            time.perf_counter() - started,
        )

    async def stop(self) -> None:
        """Stop APScheduler and wait for reminders being posted right now; those still waiting stay pending."""
        jobs.install(None)
        self.pacer.close()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        # shutdown() schedules its own clean-up on the loop and returns at once.
        await asyncio.sleep(0)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def on_change(self, change: TimetableChanged) -> None:
        """A :class:`~bot.services.changes.ChangeFeed` listener: rebuild the guild's jobs, if this process owns it."""
        if self.owns(change.guild_id):
            await self.resync(change.guild_id, catch_up=False)

    # -- the schedule ----------------------------------------------------------------------------------------

    async def resync(self, guild_id: int, *, catch_up: bool = False) -> None:
        """
        Replace the guild's jobs with what the database now calls for.

        With ``catch_up`` (at start), a reminder missed while the bot was down is posted once if its date is still
        ahead: the latest one for each date, the others recorded as superseded. Without it (after an organiser's
        change: reminders turned on mid-campaign, a date moved) missed reminders are recorded as skipped, not
        posted: the "date changed" notice covers a move. Reminders whose date has passed are skipped and logged.
        """
        await self._apply(guild_id, await self.reminders.triage(guild_id), catch_up=catch_up)

    async def resync_all(self) -> None:
        """
        Rebuild every guild's jobs from the database, as :meth:`resync` does for one (after another writer).

        Guilds that had jobs and now have none in the database lose them.
        """
        everything = await self._triage_owned()
        for guild_id in sorted(set(self._by_guild) | set(everything)):
            await self._apply(guild_id, everything.get(guild_id, Triage((), (), ())), catch_up=False)

    async def _triage_owned(self) -> dict[int, Triage]:
        """Every guild's triage, keeping only the guilds this process owns."""
        return {g: t for g, t in (await self.reminders.triage_all()).items() if self.owns(g)}

    async def _apply(self, guild_id: int, triaged: Triage, *, catch_up: bool) -> None:
        # A reminder already planned whose time has just come is about to fire: a rebuild must not count it missed.
        planned_before = set(self._by_guild.get(guild_id, ()))
        for job_id in planned_before:
            self._unschedule(job_id)
        for occurrence in triaged.expired:
            log.info("Skipping reminder %s: its date passed while it was pending", occurrence.job_id)
        for occurrence in triaged.future:
            if occurrence.job_id not in self._running:
                self._schedule(occurrence, occurrence.run_at)
        # A reminder being posted right now (perhaps waiting for its turn) decides for itself; one waiting to be
        # tried again after a passing failure keeps its retry time. Neither is "missed".
        late = [o for o in triaged.late if o.job_id not in self._running]
        for occurrence in late:
            if occurrence.job_id in self._retries:
                self._schedule(occurrence, self._retries[occurrence.job_id][1])
            elif occurrence.job_id in planned_before:
                self._schedule(occurrence, self.clock.now())
        late = [o for o in late if o.job_id not in self._retries and o.job_id not in planned_before]
        # A missed reminder is caught up once per date, unless the same date's next reminder comes within a few
        # hours: members would read nearly the same words twice in a short while.
        now = self.clock.now()
        nearest = {}
        for o in sorted(triaged.future, key=lambda o: o.run_at, reverse=True):
            nearest[_date_key(o)] = o.run_at
        catching_up = (
            [o for o in _latest_per_date(late) if not _next_is_nearer(o, nearest.get(_date_key(o)), now)]
            if catch_up
            else []
        )
        for occurrence in catching_up:
            self._schedule(occurrence, self.clock.now())
        for occurrence in late:
            if occurrence not in catching_up:
                log.info("Reminder %s missed and superseded; recorded, not posted", occurrence.job_id)
                await self.reminders.mark_sent(occurrence.job_id, None, late=True)

    def _schedule(self, occurrence: Occurrence, when: datetime) -> None:
        self._planned[occurrence.job_id] = occurrence
        self._when[occurrence.job_id] = when
        self._by_guild.setdefault(occurrence.guild_id, set()).add(occurrence.job_id)
        self._add_job(occurrence.job_id, when)

    def _add_job(self, job_id: str, when: datetime) -> None:
        if self._scheduler is None:
            return
        # Jobs run on the real clock; the service clock may be a test's, so keep the same distance from "now".
        real = datetime.now(UTC) + max(timedelta(0), when - self.clock.now())
        self._scheduler.add_job(
            jobs.post_reminder,
            trigger="date",
            run_date=real,
            args=(job_id,),
            id=job_id,
            name=f"reminder {job_id}",
            replace_existing=True,
        )

    # -- a clock that jumps ----------------------------------------------------------------------------------

    async def advance(self, delta: timedelta) -> list[str]:
        """
        Move an adjustable clock (the console's) forward by ``delta``, posting everything due on the way, in order.

        The clock stops at each planned reminder's time in turn; the jobs that are then due are handed back to
        APScheduler, which fires them as it would have, and the posts, ledger rows and DMs complete before the
        clock moves on. Returns the job ids that fell due.
        """
        clock = self.clock
        if not isinstance(clock, AdjustableClock):
            msg = "only an adjustable clock can be moved"
            raise TypeError(msg)
        target = clock.now() + delta
        # What is being posted already (a reminder caught up at start, say) is posted at the time it fell due.
        await self._settle(())
        fired: list[str] = []
        while self._when:
            next_at = min(self._when.values())
            if next_at > target:
                break
            due = sorted(job for job, when in self._when.items() if when <= next_at)
            step = next_at - clock.now()
            if step > timedelta(0):
                clock.advance(step)
            self._reschedule_all()
            await self._settle(due)
            fired.extend(due)
        rest = target - clock.now()
        if rest > timedelta(0):
            clock.advance(rest)
        self._reschedule_all()
        return fired

    async def settle(self, timeout: float = 30.0) -> None:
        """Wait until nothing is being posted (a reminder and its DMs), e.g. before a console stops."""
        await self._settle((), timeout)

    def _reschedule_all(self) -> None:
        """Give APScheduler every job again, timed from the service clock as it now reads."""
        for job_id, when in self._when.items():
            self._add_job(job_id, when)

    async def _settle(self, job_ids: Iterable[str], timeout: float = 60.0) -> None:
        """Wait until the given jobs have run (left the plan, or been moved to a later retry) and nothing posts."""
        waiting = set(job_ids)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        now = self.clock.now()
        while any(self._when.get(job, now + timedelta(days=1)) <= now for job in waiting) or self._tasks:
            if loop.time() > deadline:
                log.warning("Reminders %s still running after %.0f s; moving on", sorted(waiting), timeout)
                return
            await asyncio.sleep(0.01)

    def _unschedule(self, job_id: str) -> None:
        self._when.pop(job_id, None)
        occurrence = self._planned.pop(job_id, None)
        if occurrence is not None:
            guild_jobs = self._by_guild.get(occurrence.guild_id)
            if guild_jobs is not None:
                guild_jobs.discard(job_id)
                if not guild_jobs:
                    del self._by_guild[occurrence.guild_id]
        if self._scheduler is not None:
            with contextlib.suppress(JobLookupError):
                self._scheduler.remove_job(job_id)

    def pending_job_ids(self, guild_id: int | None = None) -> list[str]:
        """Job ids waiting to run, by time (all guilds, or one)."""
        ids = self._planned if guild_id is None else self._by_guild.get(guild_id, ())
        planned = sorted((self._planned[j] for j in ids), key=lambda o: (o.run_at, o.job_id))
        return [o.job_id for o in planned]

    def scheduled_in_apscheduler(self) -> list[str]:
        """The job ids APScheduler itself holds (for tests that check the facade and the library agree)."""
        if self._scheduler is None:
            return []
        return sorted(job.id for job in self._scheduler.get_jobs())

    async def run_due(self) -> list[str]:
        """Run now every planned job whose time has come by the service clock; returns their ids (for tests)."""
        now = self.clock.now()
        due = [o for o in self._planned.values() if o.run_at <= now]
        for occurrence in sorted(due, key=lambda o: (o.run_at, o.job_id)):
            await self.run(occurrence.job_id)
        return [o.job_id for o in due]

    # -- posting ---------------------------------------------------------------------------------------------

    async def run(self, job_id: str) -> None:
        """Post one reminder if the database still wants it and Discord does not have it yet."""
        if job_id in self._running:
            return
        self._running.add(job_id)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await asyncio.shield(self._post(job_id))
        except PacerClosed:
            log.info("Reminder %s not posted before the scheduler stopped; it stays pending", job_id)
        except Exception:
            log.exception("Reminder %s failed", job_id)
        finally:
            self._running.discard(job_id)
            if task is not None:
                self._tasks.discard(task)

    async def _post(self, job_id: str) -> None:
        self._unschedule(job_id)
        # Late is judged by when the job fired, not when its turn came: a long queue does not make a post late.
        fired = self.clock.now()
        # The database work first, then a turn right before each request: a turn taken before the claim (which
        # waits on other processes' writes) would send this process's posts out bunched.
        async with self.pacer.place():
            occurrence = await self.reminders.find(job_id)
            if occurrence is None:
                log.info("Reminder %s is no longer wanted (date moved, election removed or reminders off)", job_id)
                return
            if await self.reminders.is_sent(job_id):
                return
            claim = await self.reminders.claim(occurrence.guild_id, job_id)
            if claim is Claim.HELD_ELSEWHERE:
                log.info("Reminder %s is being posted by another process; looking again later", job_id)
                self._schedule(occurrence, self.clock.now() + CLAIMED_ELSEWHERE_RETRY)
                return
            try:
                posted = await self._post_claimed(job_id, occurrence, fired, claim)
            except BaseException:
                # Not posted (the bot is stopping, or something broke): let the next try, here or elsewhere, claim it.
                await self.reminders.release(occurrence.guild_id, job_id)
                raise
            if not posted:
                return
        self._retries.pop(job_id, None)
        await self._send_dms(occurrence)

    async def _post_claimed(self, job_id: str, occurrence: Occurrence, fired: datetime, claim: Claim) -> bool:
        """Post a claimed reminder (looking in the channel first when late); whether it should DM the subscribers."""
        # Taken over from a process that went quiet: it may have posted before it died, so look first.
        late = fired - occurrence.run_at > LATE_AFTER or claim is Claim.TAKEN_OVER
        if late:
            await self.pacer.turn()  # reading the channel's recent messages
            existing = await self.poster.already_posted(occurrence)
            if existing is not None:
                log.info("Reminder %s was already in the channel (message %s); recording it", job_id, existing)
                await self.reminders.mark_sent(job_id, existing, late=True)
                return False
        await self.pacer.turn()
        try:
            message_id = await self.poster.post(occurrence, late=late)
        except PostFailed as exc:
            await self.reminders.release(occurrence.guild_id, job_id)
            self._after_failure(occurrence, exc)
            return False
        await self.reminders.mark_sent(job_id, message_id, late=late)
        log.info("Reminder %s posted (message %s)%s", job_id, message_id, " late" if late else "")
        return True

    async def _send_dms(self, occurrence: Occurrence) -> None:
        """DM each subscriber, one paced request pair at a time; the post itself is already recorded."""
        # Members who said they have posted this election's paper are nudged no more.
        subscribers = await self.reminders.dm_recipients(occurrence.guild_id, occurrence.election_id)
        if not subscribers:
            return
        send = await self.poster.dm_sender(occurrence)
        outcomes = []
        try:
            for user_id in subscribers:
                async with self.pacer.slot(DM_COST):
                    outcomes.append(await send(user_id))
        except PacerClosed:
            log.warning(
                "Reminder %s: stopping with %d of %d subscriber DMs not sent",
                occurrence.job_id,
                len(subscribers) - len(outcomes),
                len(subscribers),
            )
        report = DmReport.of(outcomes)
        log.info(
            "Reminder %s DMed: %d sent, %d closed DMs skipped, %d failed",
            occurrence.job_id,
            report.sent,
            report.closed,
            report.failed,
        )

    def _after_failure(self, occurrence: Occurrence, exc: PostFailed) -> None:
        job_id = occurrence.job_id
        if exc.permanent:
            log.warning("Reminder %s not posted: %s", job_id, exc)
            self._retries.pop(job_id, None)
            return
        attempt = self._retries[job_id][0] if job_id in self._retries else 0
        if attempt >= len(RETRY_DELAYS):
            log.error("Reminder %s not posted after %d tries: %s", job_id, attempt + 1, exc)
            self._retries.pop(job_id, None)
            return
        delay = RETRY_DELAYS[attempt]
        log.warning("Reminder %s failed (%s); trying again in %.0f s", job_id, exc, delay)
        retry_at = self.clock.now() + timedelta(seconds=delay)
        self._retries[job_id] = (attempt + 1, retry_at)
        self._schedule(occurrence, retry_at)


def _date_key(occurrence: Occurrence) -> tuple[int, str, datetime]:
    return (occurrence.election_id, occurrence.kind.value, occurrence.milestone_at)


def _next_is_nearer(missed: Occurrence, next_at: datetime | None, now: datetime) -> bool:
    """Whether the date's next reminder (at ``next_at``) comes soon, and sooner than ``missed`` is overdue."""
    return next_at is not None and next_at - now <= min(NEXT_ONE_SOON, now - missed.run_at)


def _latest_per_date(late: Iterable[Occurrence]) -> list[Occurrence]:
    latest: dict[tuple[int, str, datetime], Occurrence] = {}
    for occurrence in late:
        key = _date_key(occurrence)
        if key not in latest or occurrence.run_at > latest[key].run_at:
            latest[key] = occurrence
    return list(latest.values())
