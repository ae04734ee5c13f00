"""
Reminders at scale: 1,000 guilds' reminders due in the same minute under Discord's global limit, and start-up.

Part 1, start-up: 1,000 guilds x 10 reminders pending in the future (mid-campaign: the ballot-open reminders are
already in the ledger); times ``ReminderScheduler.start()``, which rebuilds every guild's jobs from the database
(target: under 2 s).

Part 2, a burst: the real bot against the local Discord with 1,000 guilds, each with its reminder channel, and
exactly one reminder per guild due at the same instant; the stand-in enforces Discord's global limit of 50
requests a second, so posting 1,000 messages takes at least 20 s (target: within 1.1x of that floor). Run three
ways, each on its own due instant: the scheduler's ``run_due()`` (one post after another), ``run_due()`` with no
global limit and the scheduler's pacer opened wide (what posting costs by itself), and APScheduler firing the jobs
itself (the production path: every due job starts at once and waits its turn at the scheduler's pacer). Each is
checked: every reminder posted, none twice, one ledger row each.

    python -m bench.reminders [--guilds 1000] [--skip-burst] [--skip-startup] [--rate 48] [--in-flight 10]
"""

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench._common import (
    BenchClock,
    machine,
    quiesce,
    quiet_logging,
    reset_endpoints,
    start_slatebot,
    stop_bot,
    table,
)
from bench._data import GuildSetup, Template, load, mark_sent, template
from bot.domain.models import Election, GuildConfig, Milestone
from bot.domain.reminders import Occurrence, ReminderKind, plan
from bot.scheduling.pacing import DEFAULT_IN_FLIGHT, DEFAULT_PER_SECOND, Pacer
from bot.scheduling.poster import DmOutcome, DmSender, PostFailed
from bot.scheduling.scheduler import ReminderScheduler
from bot.services.container import Services
from standin import StandIn
from storage.database import Database

FIRST_GUILD = 1_000_000_000
CHANNEL_OFFSET = 500_000_000
GLOBAL_LIMIT = 50
FLOOR_TARGET = 1.1
STARTUP_TARGET_S = 2.0
#: Mid-campaign, inside the NEC 2025 ballot window: the ballot-open reminders are past, the rest to come.
IN_WINDOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
STARTUP_OFFSETS = "2w,1w,3d,1d,0"


def guild_ids(count: int) -> list[int]:
    return [FIRST_GUILD + i for i in range(count)]


def channel_of(guild_id: int) -> int:
    return guild_id + CHANNEL_OFFSET


def occurrences(tpl: Template, guild_id: int, election_id: int, offsets: str) -> list[Occurrence]:
    """What the bot's own planner calls for in one guild (the same function the scheduler uses)."""
    config = GuildConfig(
        guild_id=guild_id,
        timezone=tpl.timezone,
        post_days=tpl.post_days,
        reminder_channel_id=channel_of(guild_id),
        reminder_offsets=offsets,
    )
    election = Election(
        election_id, guild_id, tpl.election, timetable=tuple(Milestone(k, at) for k, at in tpl.timetable.items())
    )
    return plan(config, [election])


# ---------------------------------------------------------------------------------------------- part 1


class NoPoster:
    """The scheduler's Discord side, unused while only the schedule is rebuilt."""

    async def post(self, occurrence: Occurrence, *, late: bool) -> int:
        raise PostFailed("the start-up benchmark posts nothing", permanent=True)

    async def already_posted(self, occurrence: Occurrence) -> int | None:
        return None

    async def dm_sender(self, occurrence: Occurrence) -> DmSender:
        async def send(user_id: int) -> DmOutcome:
            return DmOutcome.FAILED

        return send


async def startup(work: Path, tpl: Template, count: int, repeats: int) -> tuple[list[float], int, int]:
    """Seconds for each ``ReminderScheduler.start()``, with the pending and APScheduler job counts of the last."""
    path = work / "startup.db"
    ids = guild_ids(count)
    db = await Database.open(path)
    loaded = await load(
        db, ids, tpl, setup={g: GuildSetup(channel_of(g), STARTUP_OFFSETS) for g in ids}, with_candidates=True
    )
    sent = []
    for gid in ids:
        for occ in occurrences(tpl, gid, loaded.election_ids[gid], STARTUP_OFFSETS):
            if occ.run_at <= IN_WINDOW:
                sent.append((gid, occ.job_id, int(occ.run_at.timestamp())))
    await mark_sent(db, sent)
    await db.close()

    times: list[float] = []
    pending = in_apscheduler = 0
    for _ in range(repeats):
        db = await Database.open(path)  # a fresh connection each time, as after a restart
        clock = BenchClock(IN_WINDOW)
        scheduler = ReminderScheduler(Services.build(db, clock).reminders, NoPoster(), clock)
        started = time.perf_counter()
        await scheduler.start()
        times.append(time.perf_counter() - started)
        pending = len(scheduler.pending_job_ids())
        in_apscheduler = len(scheduler.scheduled_in_apscheduler())
        await scheduler.stop()
        await db.close()
    return times, pending, in_apscheduler


# ---------------------------------------------------------------------------------------------- part 2


@dataclass
class Burst:
    """One run of 1,000 reminders due at the same instant."""

    label: str
    limited: bool
    seconds: float = 0.0  # due instant -> the last post accepted by the local Discord
    posted: int = 0
    twice: int = 0
    wrong_channel: int = 0
    ledger: int = 0
    requests: int = 0
    refused_429: int = 0
    retries: int = 0  # posts the scheduler put back for later (discord.py gave up after its 5 tries)
    gave_up: int = 0
    note: str = ""


def _posts_by_job(standin: StandIn, jobs: dict[str, int]) -> tuple[Counter[str], int]:
    """How often each expected job's reminder is in the local Discord, and how many landed in a wrong channel."""
    seen: Counter[str] = Counter()
    wrong = 0
    bot_id = str(standin.bot_user.id)
    for message in standin.messages.values():
        data = message.data
        if message.ephemeral or message.deleted or data["author"]["id"] != bot_id:
            continue
        for embed in data.get("embeds") or []:
            footer = (embed.get("footer") or {}).get("text") or ""
            _, _, job = footer.rpartition("ref ")
            if job in jobs:
                seen[job] += 1
                if int(data["channel_id"]) != jobs[job]:
                    wrong += 1
    return seen, wrong


async def _ledger_count(db: Database, jobs: dict[str, int]) -> int:
    rows = await db.fetch_all("SELECT job_id FROM reminders_sent")
    return sum(1 for r in rows if r[0] in jobs)


async def _wait_for_ledger(db: Database, jobs: dict[str, int], timeout: float) -> int:
    deadline = time.monotonic() + timeout
    count = 0
    while time.monotonic() < deadline:
        count = await _ledger_count(db, jobs)
        if count >= len(jobs):
            break
        await asyncio.sleep(0.05)
    return count


def _finish(burst: Burst, standin: StandIn, since: int, started: float, jobs: dict[str, int]) -> None:
    new = standin.requests[since:]
    posts = [r for r in new if r.method == "POST" and r.route.startswith("/channels/") and r.status == 200]
    burst.requests = len(new)
    burst.refused_429 = sum(1 for r in new if r.status == 429)
    burst.seconds = (max(r.time for r in posts) - started) if posts else float("nan")
    seen, burst.wrong_channel = _posts_by_job(standin, jobs)
    burst.posted = sum(1 for job in jobs if seen[job] >= 1)
    burst.twice = sum(1 for job in jobs if seen[job] > 1)


class _SchedulerLog(logging.Handler):
    """Counts the scheduler's "trying again" warnings and "gave up" errors (not printed)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.retries = 0
        self.gave_up = 0

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if "trying again" in text:
            self.retries += 1
        elif "not posted" in text:
            self.gave_up += 1


async def burst_runs(
    work: Path, tpl: Template, count: int, timeout: float, pace: tuple[float, int], modes: list[str]
) -> tuple[list[Burst], dict[str, float]]:
    ids = guild_ids(count)
    db = await Database.open(work / "burst.db")
    loaded = await load(db, ids, tpl, setup={g: GuildSetup(channel_of(g), "7d,1d,0") for g in ids})
    # With the default offsets (7d, 1d, 0) every guild has one reminder at each of these instants, in this order:
    # the ballot opens in 7 days, tomorrow, today. Each run below takes its own one, in this order.
    wanted = [
        (ReminderKind.BALLOT_OPEN, "7d"),
        (ReminderKind.BALLOT_OPEN, "1d"),
        (ReminderKind.BALLOT_OPEN, "0"),
    ]
    due: list[dict[str, int]] = [{} for _ in wanted]
    instants: list[datetime] = [IN_WINDOW] * len(wanted)
    for gid in ids:
        occs = occurrences(tpl, gid, loaded.election_ids[gid], "7d,1d,0")
        for occ in occs:
            for index, (kind, offset) in enumerate(wanted):
                if occ.kind is kind and str(occ.offset) == offset:
                    due[index][occ.job_id] = channel_of(gid)
                    instants[index] = occ.run_at
        for index, at in enumerate(instants):
            assert sum(1 for o in occs if o.run_at == at) == 1, "one reminder per guild due at each instant"
            assert not any(instants[index - 1] < o.run_at < at for o in occs if index), "nothing due in between"

    standin = StandIn(default_guild=False)
    add_started = time.perf_counter()
    for gid in ids:
        standin.add_guild(
            gid,
            f"Branch {gid - FIRST_GUILD + 1}",
            channels=[{"id": channel_of(gid), "name": "reminders"}],
            roles=[{"name": "Organiser", "permissions": 0x20}],
            members=["activist", {"username": "organiser", "roles": ["Organiser"]}],
        )
    setup: dict[str, float] = {"stand-in guilds added": time.perf_counter() - add_started}
    await standin.start()
    clock = BenchClock(instants[0] - timedelta(hours=1))
    bot, task, ready = await start_slatebot(standin, db, clock)
    setup["bot ready"] = ready
    setup["bot start-up work (ballot events)"] = await quiesce(standin, quiet_for=1.5)
    cog = bot.get_cog("Reminders")
    assert cog is not None
    scheduler: ReminderScheduler = cog.scheduler  # type: ignore[attr-defined]
    counter = _SchedulerLog()
    sched_log = logging.getLogger("bot.scheduling.scheduler")
    sched_log.addHandler(counter)
    sched_log.setLevel(logging.WARNING)
    sched_log.propagate = False
    runs: list[Burst] = []
    order = ["run_due", "unlimited", "apscheduler"]
    for index, mode in enumerate(order):
        if mode not in modes:  # a skipped run's reminders must not be picked up by a later run_due()
            for job_id in due[index]:
                scheduler._unschedule(job_id)

    async def measure(burst: Burst, index: int, post: Callable[[], Awaitable[float]], wait: float) -> None:
        jobs = due[index]
        standin.global_rate_limit(per_second=GLOBAL_LIMIT if burst.limited else None)
        # The scheduler's own pacer, at the rate under test; opened wide when Discord sets no limit.
        scheduler.pacer = Pacer(*pace) if burst.limited else Pacer(per_second=1e9, in_flight=1)
        counter.retries = counter.gave_up = 0
        since = len(standin.requests)
        clock.set(instants[index])
        started = await post()
        burst.ledger = await _wait_for_ledger(db, jobs, wait)
        await quiesce(standin, quiet_for=0.5, timeout=10)
        _finish(burst, standin, since, started, jobs)
        burst.retries, burst.gave_up = counter.retries, counter.gave_up
        runs.append(burst)

    if "run_due" in modes:
        # The scheduler's own loop: one reminder after another, under the global limit.
        burst = Burst(f"run_due(), {GLOBAL_LIMIT}/s global limit", limited=True)

        async def sequential() -> float:
            started = time.monotonic()
            ran = await scheduler.run_due()
            burst.note = f"run_due() ran {len(ran)} jobs and returned after {time.monotonic() - started:.1f} s"
            return started

        await measure(burst, 0, sequential, 5)

    if "unlimited" in modes:
        # The same with no global limit: what posting 1,000 reminders costs by itself.
        burst = Burst("run_due(), no limit", limited=False)

        async def unlimited() -> float:
            started = time.monotonic()
            ran = await scheduler.run_due()
            burst.note = f"{(time.monotonic() - started) / max(1, len(ran)) * 1000:.1f} ms a reminder, one at a time"
            return started

        await measure(burst, 1, unlimited, 5)

    if "apscheduler" in modes:
        # Production: APScheduler holds one date job per guild for the same instant and starts them all at once.
        burst = Burst(f"APScheduler fires, {GLOBAL_LIMIT}/s global limit", limited=True)
        lead = 2.0

        async def fire() -> float:
            aps = scheduler._scheduler  # the bot's AsyncIOScheduler; only the jobs' run time is moved here
            assert aps is not None
            fire_at = datetime.now(UTC) + timedelta(seconds=lead)
            started = time.monotonic() + lead
            for job_id in due[2]:
                aps.modify_job(job_id, next_run_time=fire_at)
            burst.note = (
                f"the {len(due[2]):,} date jobs moved to fire together {lead:g} s ahead; "
                f"the scheduler's pacer: {pace[0]:g}/s, {pace[1]} in flight"
            )
            return started

        await measure(burst, 2, fire, lead + timeout)
        if burst.ledger < len(due[2]):
            burst.note += f"; {len(due[2]) - burst.ledger:,} still not posted when the benchmark stopped waiting"

    sched_log.removeHandler(counter)
    violations = standin.clear_violations()
    if violations:
        setup["Discord contract violations"] = float(len(violations))
    await stop_bot(bot, task)
    await standin.stop()
    await db.close()
    reset_endpoints()
    return runs, setup


# ---------------------------------------------------------------------------------------------- the run


async def main(args: argparse.Namespace) -> int:
    """Run in a temporary directory, removed afterwards (the databases take a few hundred MB)."""
    with tempfile.TemporaryDirectory(prefix="slatebot-bench-") as tmp:
        return await run(args, Path(tmp))


async def run(args: argparse.Namespace, work: Path) -> int:
    quiet_logging()
    print(f"Machine: {machine()}")
    tpl = template(args.candidates)
    floor = args.guilds / GLOBAL_LIMIT
    missed: list[str] = []

    if not args.skip_startup:
        times, pending, in_aps = await startup(work, tpl, args.guilds, args.repeats)
        median = statistics.median(times)
        print()
        print(
            f"Start-up: ReminderScheduler.start() rebuilding {args.guilds:,} guilds x 10 pending reminders "
            f"(offsets {STARTUP_OFFSETS} before the post-by day and the close; {len(times)} runs, "
            "a fresh connection each)"
        )
        rows = [[f"run {i + 1}", f"{t:.2f}", f"{t / STARTUP_TARGET_S:.2f}x"] for i, t in enumerate(times)]
        rows.append(["median", f"{median:.2f}", f"{median / STARTUP_TARGET_S:.2f}x"])
        print(table(["", "seconds", f"of the {STARTUP_TARGET_S:g} s target"], rows))
        print(f"Pending after start: {pending:,} (APScheduler holds {in_aps:,}); expected {args.guilds * 10:,}.")
        verdict = "pass" if median < STARTUP_TARGET_S else f"MISS (+{median - STARTUP_TARGET_S:.2f} s)"
        print(f"Target under {STARTUP_TARGET_S:g} s: {verdict}")
        if median >= STARTUP_TARGET_S:
            missed.append(f"start-up rebuild {median:.2f} s (target under {STARTUP_TARGET_S:g} s)")
        if pending != args.guilds * 10:
            missed.append(f"start-up planned {pending:,} reminders, expected {args.guilds * 10:,}")

    if not args.skip_burst:
        modes = [m.strip() for m in args.modes.split(",") if m.strip()]
        runs, setup = await burst_runs(work, tpl, args.guilds, args.timeout, (args.rate, args.in_flight), modes)
        print()
        print(
            f"Burst: {args.guilds:,} guilds, one reminder each due at the same instant; the local Discord allows "
            f"{GLOBAL_LIMIT} requests/s, so the floor is {floor:g} s (target: within {FLOOR_TARGET:g}x, "
            f"{floor * FLOOR_TARGET:g} s)."
        )
        print("  " + "; ".join(f"{k} {v:.1f} s" if "violations" not in k else f"{k}: {v:g}" for k, v in setup.items()))
        rows = []
        for b in runs:
            ratio = b.seconds / floor
            if b.limited:
                ok = ratio <= FLOOR_TARGET and b.posted == args.guilds and not b.twice
                verdict = "pass" if ok else "MISS"
                if not ok:
                    missed.append(f"{b.label}: {b.seconds:.1f} s = {ratio:.2f}x the floor, {b.posted} posted")
            else:
                verdict = "(no limit)"
            rows.append(
                [
                    b.label,
                    f"{b.seconds:.1f}",
                    f"{ratio:.2f}x" if b.limited else "-",
                    f"{b.posted:,}",
                    str(b.twice),
                    f"{b.ledger:,}",
                    f"{b.requests:,}",
                    f"{b.refused_429:,}",
                    f"{b.retries:,}",
                    verdict,
                ]
            )
        print(
            table(
                ["run", "seconds", "of floor", "posted", "twice", "ledger", "requests", "429s", "put back", "target"],
                rows,
                "lrrrrrrrrl",
            )
        )
        for b in runs:
            print(f"  {b.label}: {b.note}")
            if b.posted != args.guilds or b.twice or b.wrong_channel or b.ledger != args.guilds:
                missed.append(
                    f"{b.label}: posted {b.posted}, twice {b.twice}, wrong channel {b.wrong_channel}, "
                    f"ledger {b.ledger} (expected {args.guilds} posted once each)"
                )

    print()
    if missed:
        print(f"Targets missed ({len(missed)}):")
        for line in missed:
            print(f"  - {line}")
    else:
        print("All targets met.")
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__.split("\n\n")[0])
    parser.add_argument("--guilds", type=int, default=1000, help="guilds (default 1000)")
    parser.add_argument("--candidates", type=int, default=200, help="candidates per guild in the database")
    parser.add_argument("--repeats", type=int, default=3, help="start-up rebuilds to time (default 3)")
    parser.add_argument(
        "--timeout", type=float, default=180, help="seconds to wait for APScheduler's burst to finish (default 180)"
    )
    parser.add_argument(
        "--modes",
        default="run_due,unlimited,apscheduler",
        help="burst runs, comma-separated, of run_due, unlimited, apscheduler (default: all three)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_PER_SECOND,
        help=f"the scheduler's pacer: requests a second (default {DEFAULT_PER_SECOND:g}, the bot's)",
    )
    parser.add_argument(
        "--in-flight",
        type=int,
        default=DEFAULT_IN_FLIGHT,
        help=f"the scheduler's pacer: requests at a time (default {DEFAULT_IN_FLIGHT}, the bot's)",
    )
    parser.add_argument("--skip-startup", action="store_true", help="only the burst")
    parser.add_argument("--skip-burst", action="store_true", help="only the start-up rebuild")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
