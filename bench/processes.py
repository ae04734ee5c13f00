"""
The bot split over processes: real ``slatebot run`` processes on one PostgreSQL, against the local Discord.

Three benchmarks, each on a throwaway PostgreSQL server this benchmark starts and stops (``ThrowawayPostgres``):

1. ``burst``: 1,000 guilds over 2 shards, each with one reminder due at the same moment, 2 bot processes (one
   shard each), the local Discord enforcing the global 50 requests a second for the token. The seconds from the
   due moment to the last reminder posted, against the floor (1,000 / 50 = 20 s; target within 1.1x), reminders
   posted twice (counted per channel), 429 answers, and each process's posts (from its log).
2. ``propagation``: from a commit in one process to the re-plan in another. A commits ``elections.set_date``
   ~200 times, ~50 ms apart; B, a separate process on its own pool (``bench._replan``), follows the outbox with
   the ``ChangeFeed`` and re-plans with ``ReminderScheduler.on_change``. p50/p95/p99/max latency on PostgreSQL
   (LISTEN/NOTIFY) and SQLite (``data_version`` polling); target p99 under 5 s, goal under 1 s on PostgreSQL.
3. ``commands``: 1 bot process (both shards) and then 2 (one shard each) on the same PostgreSQL, the NEC 2025
   sample imported into 20 guilds on both shards; 2,400 activist commands (``/candidate``, ``/ballot``,
   ``/slate``) fired by the local Discord, at most 16 in flight. Commands a second and the bot processes' CPU per
   command (``/proc/PID/stat``); target: CPU per command at 2 processes within 1.1x of 1 process. Then the
   1-process run on SQLite: CPU per command against PostgreSQL.

The local Discord runs in a process of its own (``bench._standin_server``, driven over a pipe) for ``burst`` and
``commands``: its CPU is read apart from the bots' and from this process's bookkeeping, and its event loop's
lateness is reported, so it can be ruled out as the bottleneck. Its drivers only work inside its own event loop, so
in ``commands`` it fires the calls itself, from the list this process sends, and answers with their timings. CPU
is read from ``/proc``; so is what every other process on the machine used meanwhile (``others``) and the
hypervisor's steal, since a test run alongside, or a busy host, changes CPU per command by 10-30%.
``--wait-quiet 180`` waits for a quiet machine before each timed run and runs a disturbed one again.

    python -m bench.processes [burst|propagation|commands|all] [--guilds 1000] [--lead 45] [--commits 200]
                              [--b-side process|inline] [--calls 2400] [--concurrency 16] [--rounds 3]
                              [--wait-quiet SECONDS] [--keep-logs DIR]
"""

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench._common import machine, percentile, table
from bench._data import SAMPLE, GuildSetup, Template, load, template
from bench._replan import Replanner
from bench._standin_server import ORGANISER_ID, StandInProcess
from bot.clock import SystemClock
from bot.domain.enums import MilestoneKind
from bot.scheduling.pacing import DEFAULT_PER_SECOND
from bot.services.container import Services
from standin import guild_id_on_shard, shard_of
from standin.fleet import BotProcess, start_bot_process
from standin.postgres import PostgresUnavailable, ThrowawayPostgres, create_database
from storage.database import Database

ROOT = Path(__file__).resolve().parent.parent
SHARDS = 2
GLOBAL_LIMIT = 50
FLOOR_TARGET = 1.1
PROPAGATION_TARGET_S = 5.0
PROPAGATION_GOAL_S = 1.0
CPU_RATIO_TARGET = 1.1
#: Above this share of one core, the local Discord's own process may be what holds a run back.
STANDIN_BUSY = 0.8
#: Other processes keeping this many cores busy during a timed run disturb its CPU figures.
DISTURBED = 0.1
#: Seconds to wait after the last reminder, for a late duplicate to show.
SETTLE_S = 3.0
READY_TIMEOUT = 120.0
TICKS = os.sysconf("SC_CLK_TCK")
POSTED = re.compile(r"Reminder (\d+):\S+ posted")


# ---------------------------------------------------------------------------------------------- CPU from /proc


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds of a process (every thread), from ``/proc/PID/stat``; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # after the command name: state (field 3) first
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime: fields 14 and 15


def process_table() -> dict[int, tuple[int, float]]:
    """
    Every process on the machine: its parent and its own CPU seconds.

    Not counting the children it reaped (``cutime``): a wrapper reaping a long test run would add minutes at once.
    A process that starts and ends between two readings is missed, so the figure is a lower bound.
    """
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            found[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS)
    return found


def descendants(table: dict[int, tuple[int, float]], roots: Sequence[int]) -> set[int]:
    """``roots`` and every process under them."""
    under: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        under.setdefault(parent, []).append(pid)
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        pid = stack.pop()
        if pid not in seen:
            seen.add(pid)
            stack.extend(under.get(pid, ()))
    return seen


class OtherLoad:
    """
    The cores everything else on the machine kept busy over a stretch of time: every process but this one, its
    children (the bots, the local Discord) and PostgreSQL's server. A test run or a build alongside shows up here.
    """

    def __init__(self, roots: Sequence[int | None]) -> None:
        self._roots = [pid for pid in roots if pid is not None]
        self._before = self._others()
        self._steal = stolen()
        self._started = time.monotonic()

    def _others(self) -> dict[int, float]:
        table = process_table()
        ours = descendants(table, self._roots)
        return {pid: cpu for pid, (_, cpu) in table.items() if pid not in ours}

    def cores(self) -> float:
        """The average number of cores the others kept busy since this was made."""
        spent_by_others = sum(cpu - self._before.get(pid, 0.0) for pid, cpu in self._others().items())
        return max(0.0, spent_by_others) / max(1e-9, time.monotonic() - self._started)

    def steal(self) -> float:
        """The average number of cores the hypervisor took from this machine since this was made."""
        return (stolen() - self._steal) / max(1e-9, time.monotonic() - self._started)


def stolen() -> float:
    """CPU seconds the hypervisor has taken from this virtual machine so far (``steal`` in ``/proc/stat``)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return int(fields[8]) / TICKS if len(fields) > 8 else 0.0


def children(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (PostgreSQL's backends are the postmaster's children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError):
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def tree_cpu(root: int | None) -> dict[int, float]:
    """CPU seconds of ``root`` and each of its children, by pid (empty when there is no root)."""
    if root is None:
        return {}
    out = {}
    for pid in [root, *children(root)]:
        seconds = cpu_seconds(pid)
        if seconds is not None:
            out[pid] = seconds
    return out


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two :func:`tree_cpu` readings (a process new since ``before`` counts in full)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def postmaster_pid(pg: ThrowawayPostgres) -> int | None:
    """The PostgreSQL server's pid, from the first line of its ``postmaster.pid``."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int((pg.data_dir / "postmaster.pid").read_text().splitlines()[0])
    return None


# ---------------------------------------------------------------------------------------------- shared


def shard_guilds(count: int, seed_from: int = 0) -> list[int]:
    """``count`` guild ids, alternating between the shards (so each of 2 gets half), in a stable order."""
    return [guild_id_on_shard(i % SHARDS, SHARDS, seed=seed_from + i // SHARDS) for i in range(count)]


def channel_of(guild_id: int) -> int:
    """Each benchmark guild's one text channel (its reminder channel)."""
    return guild_id + 1


async def start_bots(
    discord_: StandInProcess, url: str, groups: Sequence[Sequence[int]], logs: Path, tag: str
) -> list[BotProcess]:
    """Start one ``slatebot run`` per group of shard ids, all at once; wait until every shard has its session."""
    started = [
        await start_bot_process(
            token=discord_.token,
            api_base=discord_.api_base,
            database_url=url,
            shard_count=SHARDS,
            shard_ids=ids,
            log=logs / f"{tag}-{'-'.join(map(str, ids))}.log",
            cwd=logs,  # a folder of its own: no stray .env is read
        )
        for ids in groups
    ]
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        for shard in range(SHARDS):
            # A second at a time, so that a process that died at start-up (its log says why) is seen at once.
            while True:
                try:
                    await discord_.call("wait_ready", shard_id=shard, timeout=1.0)
                    break
                except RuntimeError:
                    dead = [p.shard_ids for p in started if not p.running]
                    if dead or time.monotonic() > deadline:
                        why = f"the process of shards {dead} exited" if dead else f"not within {READY_TIMEOUT:g} s"
                        raise RuntimeError(f"shard {shard} did not connect: {why}") from None
    except BaseException:
        await stop_bots(started)
        for process in started:
            print(f"  log of shards {process.shard_ids}:\n{process.log_text()[-3000:]}")
        raise
    return started


async def stop_bots(processes: Sequence[BotProcess]) -> list[int]:
    """Stop every process (SIGINT, killed after 15 s); their exit codes."""
    return list(await asyncio.gather(*(p.stop() for p in processes)))


def warnings_in(text: str) -> Counter[str]:
    """The log's warnings and errors, by kind (the line's text with its numbers and ids blanked out)."""
    kinds: Counter[str] = Counter()
    for line in text.splitlines():
        if "voice will NOT be supported" in line:  # discord.py's notice that voice libraries are missing
            continue
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in ("WARNING", "ERROR", "CRITICAL"):
            kinds[re.sub(r"\d+(\.\d+)?", "N", parts[3])[:140]] += 1
        elif line.startswith("Traceback"):
            kinds["Traceback"] += 1
    return kinds


def heartbeat_note(logs: Iterable[Counter[str]]) -> None:
    """Explain discord.py's heartbeat warning, if a log has it: it is not what it seems."""
    if any("Can't keep up" in kind for kinds in logs for kind in kinds):
        print(
            "  (discord.py's \"Can't keep up, websocket is 41.N s behind\" is its keep-alive thread's race on a "
            "sub-millisecond link: the ack is"
        )
        print(
            "  handled before the thread notes the heartbeat's send time, so the 41.25 s heartbeat interval is "
            "reported as latency. Not a stall.)"
        )


def busiest_second(times: Sequence[float]) -> int:
    """The most of ``times`` within any one second (as Discord's global limit counts them)."""
    ordered = sorted(times)
    best = start = 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def verdict(ok: bool) -> str:
    return "pass" if ok else "MISS"


# ---------------------------------------------------------------------------------------------- 1. burst


@dataclass
class BurstResult:
    """What one burst did, as the local Discord, the logs and the database saw it."""

    guilds: int
    lead: float
    ready_s: float = 0.0
    startup_requests: dict[str, Any] = field(default_factory=dict)
    window: dict[str, Any] = field(default_factory=dict)
    due_mono: float = 0.0
    counts: dict[int, int] = field(default_factory=dict)
    posted_by: dict[tuple[int, ...], Counter[int]] = field(default_factory=dict)
    wrong_process: int = 0
    ledger: int = 0
    log_warnings: dict[tuple[int, ...], Counter[str]] = field(default_factory=dict)
    bot_cpu: dict[tuple[int, ...], float] = field(default_factory=dict)
    standin_cpu: float = 0.0
    standin_lag: dict[str, float] = field(default_factory=dict)
    pg_cpu: float = 0.0
    end_mono: float = 0.0
    violations: dict[str, Any] = field(default_factory=dict)
    exited_early: list[tuple[int, ...]] = field(default_factory=list)
    other_cores: float = 0.0


def burst_template(opens: datetime) -> Template:
    """One election whose ballot opens at ``opens`` and closes ten days later; no seats (only reminders matter)."""
    return Template(
        timezone="Europe/London",
        slate="Time for Real Change",
        nation="england",
        post_days=2,
        slates=(),
        election="NEC 2027",
        description=None,
        timetable={MilestoneKind.BALLOT_OPEN: opens, MilestoneKind.BALLOT_CLOSE: opens + timedelta(days=10)},
        seats=(),
    )


async def run_burst(args: argparse.Namespace, work: Path, pg: ThrowawayPostgres) -> BurstResult:
    guilds = shard_guilds(args.guilds)
    channels = {g: channel_of(g) for g in guilds}
    discord_ = await StandInProcess.start(
        work / "burst-standin.log", shard_count=SHARDS, guilds=[(g, channels[g]) for g in guilds]
    )
    db: Database | None = None
    bots: list[BotProcess] = []
    try:
        # Discord's global limit holds for the token from the first request on, start-up included.
        await discord_.call("global_limit", per_second=GLOBAL_LIMIT)
        url = await create_database(pg.url, "burst")
        db = await Database.open(url)
        # The 1-day reminder of a ballot opening a day and ``lead`` seconds from now falls due ``lead`` s from now.
        due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=math.ceil(args.lead))
        opens = due + timedelta(days=1)
        await load(db, guilds, burst_template(opens), setup={g: GuildSetup(channels[g], "1d") for g in guilds})
        await db.reset_identities()
        result = BurstResult(args.guilds, 0.0)
        result.due_mono = time.monotonic() + (due - datetime.now(UTC)).total_seconds()
        before_start = await discord_.call("mark")
        started = time.monotonic()
        result.lead = result.due_mono - started
        bots = await start_bots(discord_, url, [[0], [1]], work, "burst")
        pids = {p.shard_ids: p.process.pid for p in bots}
        result.ready_s = time.monotonic() - started
        await asyncio.sleep(max(0.0, result.due_mono - time.monotonic()))
        await discord_.call("lag")  # the probe starts over at the due moment
        bot_before = {ids: cpu_seconds(pid) or 0.0 for ids, pid in pids.items()}
        standin_before = cpu_seconds(discord_.pid) or 0.0
        pg_before = tree_cpu(postmaster_pid(pg))
        others = OtherLoad([os.getpid(), postmaster_pid(pg)])
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            answer = await discord_.call("bot_messages", channels=list(channels.values()))
            if all(v >= 1 for v in answer["counts"].values()):
                break
            await asyncio.sleep(0.5)
        result.end_mono = time.monotonic()
        result.standin_cpu = (cpu_seconds(discord_.pid) or 0.0) - standin_before
        result.bot_cpu = {ids: (cpu_seconds(pid) or 0.0) - bot_before[ids] for ids, pid in pids.items()}
        result.pg_cpu = spent(pg_before, tree_cpu(postmaster_pid(pg)))
        result.other_cores = others.cores()
        result.standin_lag = await discord_.call("lag")
        await asyncio.sleep(SETTLE_S)
        answer = await discord_.call("bot_messages", channels=list(channels.values()))
        result.counts = {int(c): int(n) for c, n in answer["counts"].items()}
        since = before_start["index"]
        result.startup_requests = await discord_.call("requests", since=since, before=result.due_mono)
        result.window = await discord_.call("requests", since=since, after=result.due_mono)
        result.ledger = int(await db.fetch_value("SELECT COUNT(*) FROM reminders_sent WHERE message_id IS NOT NULL"))
        result.violations = await discord_.call("violations")
        result.exited_early = [p.shard_ids for p in bots if not p.running]
    finally:
        await stop_bots(bots)
        await discord_.stop()
        if db is not None:
            await db.close()
    for process in bots:
        text = process.log_text()
        posted = Counter(int(g) for g in POSTED.findall(text))
        result.posted_by[process.shard_ids] = posted
        result.wrong_process += sum(n for g, n in posted.items() if shard_of(g, SHARDS) not in process.shard_ids)
        result.log_warnings[process.shard_ids] = warnings_in(text)
    return result


def report_burst(r: BurstResult, args: argparse.Namespace) -> list[str]:
    floor = r.guilds / GLOBAL_LIMIT
    per_process = DEFAULT_PER_SECOND / SHARDS
    pacer_floor = max(math.ceil(r.guilds / SHARDS), r.guilds // SHARDS) / per_process
    posted_at = [(float(t), int(c)) for t, c in r.window.get("posts") or []]
    posts = sorted(t for t, _ in posted_at)
    # Each process's own posts (a channel's guild tells its shard, so its process): its pacer grants at most
    # per_process turns in any second, but the request leaves after the turn's database work (find, is_sent, claim).
    by_shard = {
        shard: busiest_second([t for t, c in posted_at if shard_of(c - 1, SHARDS) == shard]) for shard in range(SHARDS)
    }
    last = (posts[-1] - r.due_mono) if posts else math.nan
    first = (posts[0] - r.due_mono) if posts else math.nan
    posted = sum(1 for n in r.counts.values() if n >= 1)
    twice = sum(1 for n in r.counts.values() if n > 1)
    extra = sum(n - 1 for n in r.counts.values() if n > 1)
    limited = len(r.window.get("limited") or [])
    startup_limited = len(r.startup_requests.get("limited") or [])
    burst_wall = r.end_mono - r.due_mono
    print()
    print(
        f"Burst: {r.guilds:,} guilds ({r.guilds - r.guilds // 2:,} and {r.guilds // 2:,} on shards 0 and 1), one "
        f"reminder each due at the same moment, {r.lead:.1f} s after"
    )
    print(
        "the bot processes were started: 2 `slatebot run` processes (one shard each) on one PostgreSQL; the local "
        "Discord (a process"
    )
    print(
        f"of its own) allows {GLOBAL_LIMIT} requests/s for the token. Floor: {r.guilds:,} posts / {GLOBAL_LIMIT} "
        f"a second = {floor:g} s (target: within {FLOOR_TARGET:g}x,"
    )
    print(
        f"{floor * FLOOR_TARGET:g} s). Each process paces at {per_process:g}/s ({DEFAULT_PER_SECOND:g}/s x its "
        f"half of the shards), so the pacers' own floor is {pacer_floor:.1f} s."
    )
    startup = r.startup_requests
    routes = startup.get("routes") or {}
    listed = ", ".join(f"{k}: {v:,}" for k, v in list(routes.items())[:3])
    last_startup = (startup["last"] - r.due_mono) if startup.get("last") is not None else math.nan
    events = int(routes.get("POST /guilds/{guild_id}/scheduled-events 200", 0))
    gave_up = sum(n for k in r.log_warnings.values() for kind, n in k.items() if "Could not create or move" in kind)
    print(
        f"  Start-up: both shards connected {r.ready_s:.1f} s after the processes were started. Until the due "
        "moment the local Discord"
    )
    print(
        f"  answered {startup.get('count', 0):,} requests, {startup_limited:,} of them 429, the last "
        f"{-last_startup:.1f} s before the due moment; by route and status:"
    )
    print(f"  {listed}.")
    print(
        f"  Ballot events (each process creates its guilds' at start-up, not paced): {events:,} created for "
        f"{r.guilds:,} guilds; {gave_up:,} given up after discord.py's retries (logged)."
    )
    ok_time = last <= floor * FLOOR_TARGET
    ok_once = twice == 0 and posted == r.guilds
    rows = [
        [
            "due moment -> last reminder posted",
            f"{last:.1f} s = {last / floor:.2f}x the floor",
            f"within {FLOOR_TARGET:g}x: {verdict(ok_time)}",
        ],
        ["due moment -> first reminder posted", f"{first * 1000:.0f} ms", "-"],
        ["reminders posted (channels with one)", f"{posted:,} of {r.guilds:,}", verdict(posted == r.guilds)],
        ["reminders posted twice", f"{twice:,} ({extra:,} extra messages)", f"0: {verdict(twice == 0)}"],
        ["429 answers during the burst", f"{limited:,}", f"0: {verdict(limited == 0)}"],
        ["requests during the burst", f"{r.window.get('count', 0):,} ({len(posts):,} posts accepted)", "-"],
        [
            "most requests accepted in any one second",
            f"{busiest_second(r.window.get('accepted') or [])} (the limit: {GLOBAL_LIMIT})",
            "-",
        ],
        [
            "most posts of one process in any one second",
            " / ".join(f"{by_shard[s]}" for s in sorted(by_shard)) + f" (each pacer grants {math.floor(per_process)})",
            "-",
        ],
        ["ledger rows with a message", f"{r.ledger:,}", "-"],
    ]
    for ids, posted_here in sorted(r.posted_by.items()):
        cpu = r.bot_cpu.get(ids, math.nan)
        count = sum(posted_here.values())
        rows.append(
            [
                f"posted by the process of shard {','.join(map(str, ids))} (log)",
                f"{count:,}; CPU {cpu:.1f} s ({cpu / max(1, count) * 1000:.1f} ms a reminder)",
                "-",
            ]
        )
    rows.append(
        ["posted by a process not owning the guild", f"{r.wrong_process:,}", f"0: {verdict(not r.wrong_process)}"]
    )
    print(table(["measurement", "result", "target"], rows, "lll"))
    share = r.standin_cpu / burst_wall if burst_wall > 0 else math.nan
    busy = share >= STANDIN_BUSY or r.standin_lag.get("max_ms", 0.0) > 250
    print(
        f"  The local Discord's process during the burst: {r.standin_cpu:.1f} CPU s in {burst_wall:.1f} s "
        f"({share:.0%} of one core), its event loop late by at most {r.standin_lag.get('max_ms', 0):.0f} ms "
        f"(p99 {r.standin_lag.get('p99_ms', 0):.0f} ms): "
        + ("it may be what held the burst back." if busy else "not the bottleneck.")
    )
    print(
        f"  PostgreSQL's server processes during the burst: {r.pg_cpu:.1f} CPU s. Every other process on the "
        f"machine: {r.other_cores:.2f} cores busy."
    )
    if limited:
        by_route = [f"{k}: {v}" for k, v in (r.window.get("routes") or {}).items() if k.endswith(" 429")]
        print(f"  The 429s during the burst, by route: {', '.join(by_route)}.")
    for ids, kinds in sorted(r.log_warnings.items()):
        if kinds:
            print(f"  Log of the process of shard {','.join(map(str, ids))}: {sum(kinds.values())} warnings/errors:")
            for kind, n in kinds.most_common(6):
                print(f"    {n:>4} x {kind[:110]}")
    heartbeat_note(r.log_warnings.values())
    if r.violations.get("count"):
        print(f"  Discord contract violations: {r.violations['count']}, e.g. {r.violations['examples'][0]}")
    for ids in r.exited_early:
        print(f"  The process of shard {','.join(map(str, ids))} had exited before the benchmark stopped it.")
    if last_startup > -1.0:
        print("  NOTE: start-up traffic ran into the due moment; use a larger --lead for a clean burst.")
    missed = []
    if not ok_time:
        missed.append(f"burst: {last:.1f} s = {last / floor:.2f}x the {floor:g} s floor (target {FLOOR_TARGET:g}x)")
    if not ok_once:
        missed.append(f"burst: {posted:,} of {r.guilds:,} posted, {twice:,} twice")
    if limited:
        missed.append(f"burst: {limited:,} answers 429 during the burst (target 0)")
    if r.wrong_process:
        missed.append(f"burst: {r.wrong_process} reminders posted by a process not owning the guild")
    return missed


# ---------------------------------------------------------------------------------------------- 2. propagation


@dataclass
class Propagation:
    """One database's run: each commit's time, and when B heard of it and had re-planned."""

    label: str
    transport: str
    b_side: str
    committed: dict[int, float] = field(default_factory=dict)
    heard: dict[int, float] = field(default_factory=dict)
    replanned: dict[int, float] = field(default_factory=dict)
    commit_ms: list[float] = field(default_factory=list)
    plan_matches: bool | None = None

    def latencies(self, which: dict[int, float]) -> list[float]:
        return [which[c] - t for c, t in self.committed.items() if c in which]


PROPAGATION_GUILD = guild_id_on_shard(0, 1, seed=7)


def _timetable_yaml(opens: datetime) -> str:
    close = opens + timedelta(days=10)
    return (
        "format: 1\nelections:\n  - name: NEC 2027\n    timetable:\n"
        f"      ballot_open: {opens:%Y-%m-%d %H:%M:%S}+00:00\n"
        f"      ballot_close: {close:%Y-%m-%d %H:%M:%S}+00:00\n"
    )


class ReplanProcess:
    """B as a real process (``python -m bench._replan``): its JSON lines read in the background."""

    def __init__(self, process: asyncio.subprocess.Process, into: Propagation) -> None:
        self.process = process
        self.into = into
        self.plans: asyncio.Queue[list[str]] = asyncio.Queue()
        self.ready = asyncio.Event()
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def start(cls, target: str, into: Propagation, log: Path) -> "ReplanProcess":
        with log.open("ab") as err:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench._replan",
                target,
                str(PROPAGATION_GUILD),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=err,
                cwd=ROOT,
            )
        b = cls(process, into)
        ready = asyncio.ensure_future(b.ready.wait())
        ended = asyncio.ensure_future(process.wait())
        await asyncio.wait({ready, ended}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            await b.stop()
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"B (python -m bench._replan) did not start; its log ends:\n{tail}")
        ended.cancel()
        return b

    async def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while line := await stdout.readline():
            data = json.loads(line)
            if data.get("ready"):
                self.ready.set()
            elif "plan" in data:
                await self.plans.put(list(data["plan"]))
            else:
                self.into.heard[int(data["change_id"])] = float(data["heard"])
                self.into.replanned[int(data["change_id"])] = float(data["replanned"])

    async def plan(self) -> list[str]:
        assert self.process.stdin is not None
        self.process.stdin.write(b"plan\n")
        await self.process.stdin.drain()
        return await asyncio.wait_for(self.plans.get(), 10)

    async def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


async def propagate(label: str, target: Path | str, args: argparse.Namespace, work: Path) -> Propagation:
    """Set up one guild with reminders, start B, commit ``args.commits`` date moves on A, collect B's timings."""
    transport = "LISTEN/NOTIFY" if label == "PostgreSQL" else "data_version, looked at every 0.25 s"
    in_process = args.b_side == "inline"
    run = Propagation(label, transport, "same OS process, own pool" if in_process else "own OS process")
    db_a = await Database.open(target)
    services = Services.build(db_a, SystemClock())
    guild = PROPAGATION_GUILD
    await services.guilds.set_reminder_channel(guild, ORGANISER_ID, channel_of(guild), None)
    await services.guilds.set_reminder_offsets(guild, ORGANISER_ID, "7d,1d,0")
    opens = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=30)
    await services.transfer.import_text(guild, ORGANISER_ID, _timetable_yaml(opens), filename="timetable.yaml")

    b_proc: ReplanProcess | None = None
    b_inline: Replanner | None = None
    db_b: Database | None = None

    def record(line: dict[str, Any]) -> None:
        run.heard[int(line["change_id"])] = float(line["heard"])
        run.replanned[int(line["change_id"])] = float(line["replanned"])

    days = [opens.date(), opens.date() + timedelta(days=1)]
    times = ["09:00", "10:30"]
    try:
        if in_process:
            db_b = await Database.open(target)
            b_inline = Replanner(db_b, record)
            await b_inline.start()
        else:
            b_proc = await ReplanProcess.start(str(target), run, work / f"replan-{label.lower()}.log")
        await asyncio.sleep(0.5)  # B's feed is listening (PostgreSQL) or has read data_version once (SQLite)
        started = time.perf_counter()
        for i in range(args.commits):
            await asyncio.sleep(max(0.0, started + i * args.spacing - time.perf_counter()))
            holder: dict[str, int] = {}

            async def stamp(holder: dict[str, int] = holder) -> None:
                run.committed[holder["change_id"]] = time.perf_counter()

            day: date = days[i % 2]
            begun = time.perf_counter()
            async with db_a.transaction():
                db_a.after_commit(stamp)  # first in line after the commit: the moment it is visible to others
                await services.elections.set_date(
                    guild, ORGANISER_ID, "NEC 2027", MilestoneKind.BALLOT_OPEN, day.isoformat(), times[i % 2]
                )
                holder["change_id"] = int(await db_a.fetch_value("SELECT MAX(id) FROM changes"))
            run.commit_ms.append((time.perf_counter() - begun) * 1000)
        deadline = time.perf_counter() + args.propagation_timeout
        while time.perf_counter() < deadline and any(c not in run.replanned for c in run.committed):
            await asyncio.sleep(0.05)
        triage = await services.reminders.triage(guild)
        wanted = [o.job_id for o in sorted(triage.future, key=lambda o: (o.run_at, o.job_id))]
        plan = await b_proc.plan() if b_proc is not None else (b_inline.plan(guild) if b_inline else [])
        run.plan_matches = plan == wanted
    finally:
        if b_proc is not None:
            await b_proc.stop()
        if b_inline is not None:
            await b_inline.stop()
        if db_b is not None:
            await db_b.close()
        await db_a.close()
    return run


async def run_propagation(args: argparse.Namespace, work: Path, pg: ThrowawayPostgres) -> list[Propagation]:
    runs = []
    url = await create_database(pg.url, "propagation")
    runs.append(await propagate("PostgreSQL", url, args, work))
    runs.append(await propagate("SQLite", work / "propagation.db", args, work))
    return runs


def report_propagation(runs: list[Propagation], args: argparse.Namespace) -> list[str]:
    inline = bool(runs) and runs[0].b_side.startswith("same")
    b_side = (
        "B: a second Database (its own pool or connection) in this OS process, so the transport measured is the "
        "database's"
        if inline
        else "B: a separate OS process (python -m bench._replan) with its own pool or connection"
    )
    print()
    print(
        f"Propagation: {args.commits} commits on A (elections.set_date moving the ballot opening, one change each, "
        f"{args.spacing * 1000:.0f} ms apart)."
    )
    print(f"{b_side}; it follows the outbox with ChangeFeed and re-plans with ReminderScheduler.on_change.")
    print(
        "Latency in ms from A's commit to B hearing of the change, and to B's re-plan done (time.perf_counter(): "
        "CLOCK_MONOTONIC, one"
    )
    print(
        f"clock for both processes). Target: p99 under {PROPAGATION_TARGET_S:g} s; goal under "
        f"{PROPAGATION_GOAL_S:g} s on PostgreSQL."
    )
    rows = []
    missed = []
    for run in runs:
        for what, which in (("heard", run.heard), ("re-planned", run.replanned)):
            values = [v * 1000 for v in run.latencies(which)]
            p99 = percentile(values, 99)
            ok = len(values) == len(run.committed) and p99 < PROPAGATION_TARGET_S * 1000
            goal = ""
            if run.label == "PostgreSQL":
                goal = f"; goal: {verdict(p99 < PROPAGATION_GOAL_S * 1000)}"
            rows.append(
                [
                    f"{run.label} ({run.transport})" if what == "heard" else "",
                    what,
                    f"{percentile(values, 50):.1f}",
                    f"{percentile(values, 95):.1f}",
                    f"{p99:.1f}",
                    f"{max(values, default=math.nan):.1f}",
                    f"{len(run.committed) - len(values)}",
                    verdict(ok) + goal,
                ]
            )
            if not ok:
                missed.append(
                    f"propagation {run.label} {what}: p99 {p99:.0f} ms, {len(values)} of {len(run.committed)}"
                )
    print(table(["database", "B", "p50", "p95", "p99", "max", "missing", "target"], rows, "llrrrrrl"))
    for run in runs:
        print(
            f"  {run.label}: A's commit (set_date) took p50 {percentile(run.commit_ms, 50):.1f} ms, p99 "
            f"{percentile(run.commit_ms, 99):.1f} ms; B's final plan matches the database: "
            + ("yes" if run.plan_matches else "NO")
        )
        if not run.plan_matches:
            missed.append(f"propagation {run.label}: B's plan does not match the database after the last commit")
    return missed


# ---------------------------------------------------------------------------------------------- 3. commands


@dataclass
class CommandRun:
    """One configuration's storm(s): calls, wall time, round trips and the CPU each process spent."""

    label: str
    url: str
    groups: list[list[int]]
    calls: int = 0
    good: int = 0
    wall: float = 0.0
    latency_ms: list[float] = field(default_factory=list)
    bot_cpu: dict[str, float] = field(default_factory=dict)
    per_round: list[float] = field(default_factory=list)
    by_shard: Counter[int] = field(default_factory=Counter)
    pg_cpu: float = 0.0
    standin_cpu: float = 0.0
    problems: list[str] = field(default_factory=list)
    warnings: Counter[str] = field(default_factory=Counter)
    other_cores: list[float] = field(default_factory=list)
    waited: float = 0.0
    retried: int = 0
    steal: list[float] = field(default_factory=list)

    @property
    def bot_ms(self) -> float:
        return sum(self.bot_cpu.values()) / max(1, self.calls) * 1000

    @property
    def pg_ms(self) -> float:
        return self.pg_cpu / max(1, self.calls) * 1000


async def wait_quiet(limit: float, roots: Sequence[int | None], window: float = 2.0, below: float = 0.05) -> float:
    """Wait (at most ``limit`` s) for ``window`` s in which other processes keep under ``below`` cores busy."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        others = OtherLoad(roots)
        await asyncio.sleep(window)
        if others.cores() < below:
            break
    return time.monotonic() - started


def make_calls(count: int, guilds: Sequence[int], tpl: Template, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` activist calls, a third each of ``/candidate name:``, ``/ballot``, ``/slate``, on random guilds."""
    names = list(tpl.candidate_names)
    calls: list[dict[str, Any]] = []
    for i in range(count):
        guild = rng.choice(guilds)
        kind = i % 3
        if kind == 0:
            name = rng.choice(names)
            calls.append({"command": "/candidate", "options": {"name": name}, "guild": guild, "expect": name})
        elif kind == 1:
            calls.append({"command": "/ballot", "options": {}, "guild": guild, "expect": tpl.election})
        else:
            calls.append({"command": "/slate", "options": {}, "guild": guild, "expect": tpl.slate})
    return calls


async def one_config(
    run: CommandRun,
    discord_: StandInProcess,
    pg: ThrowawayPostgres,
    work: Path,
    warm: list[dict[str, Any]],
    calls: list[dict[str, Any]],
    args: argparse.Namespace,
    round_no: int,
) -> None:
    tag = f"commands-{run.label.split(',')[0].lower()}-{len(run.groups)}p-r{round_no}"
    bots = await start_bots(discord_, run.url, run.groups, work, tag)
    try:
        await asyncio.sleep(1.0)  # start-up work (command sync, ballot events) done before the warm-up
        await discord_.call("storm", calls=warm, concurrency=args.concurrency, seed=round_no)
        await asyncio.sleep(0.5)
        roots = [os.getpid(), postmaster_pid(pg)]
        # With --wait-quiet, a storm that other processes disturbed is run again (at most twice more).
        for attempt in range(3 if args.wait_quiet else 1):
            run.waited += await wait_quiet(args.wait_quiet, roots)
            before = {p.shard_ids: cpu_seconds(p.process.pid) or 0.0 for p in bots}
            pg_before = tree_cpu(postmaster_pid(pg))
            standin_before = cpu_seconds(discord_.pid) or 0.0
            others = OtherLoad(roots)
            answer = await discord_.call(
                "storm", calls=calls, concurrency=args.concurrency, seed=round_no * 10 + attempt + 1
            )
            cpu = {p.shard_ids: (cpu_seconds(p.process.pid) or 0.0) - before[p.shard_ids] for p in bots}
            pg_cpu = spent(pg_before, tree_cpu(postmaster_pid(pg)))
            standin_cpu = (cpu_seconds(discord_.pid) or 0.0) - standin_before
            other_cores = others.cores()
            run.steal.append(others.steal())
            if other_cores < DISTURBED:
                break
            run.retried += 1
        run.other_cores.append(other_cores)
        run.pg_cpu += pg_cpu
        run.standin_cpu += standin_cpu
        run.problems += [f"the process of shards {p.shard_ids} exited during the run" for p in bots if not p.running]
    finally:
        await stop_bots(bots)
    for ids, seconds in cpu.items():
        key = ",".join(map(str, ids))
        run.bot_cpu[key] = run.bot_cpu.get(key, 0.0) + seconds
    run.per_round.append(sum(cpu.values()) / len(calls) * 1000)
    run.calls += len(calls)
    run.good += sum(1 for g in answer["good"] if g)
    run.wall += float(answer["wall"])
    run.latency_ms += [float(v) for v in answer["latency_ms"]]
    run.by_shard.update(int(s) for s in answer["shards"] if s is not None)
    run.problems += list(answer["problems"])
    for process in bots:
        run.warnings.update(warnings_in(process.log_text()))


async def forget_command_sync(url: str) -> None:
    """Make the bot sync its commands at its next start (it keeps a hash of the last tree it synced)."""
    db = await Database.open(Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else url)
    try:
        await db.execute("DELETE FROM bot_state WHERE key LIKE 'command_tree:%'")
    finally:
        await db.close()


async def run_commands(args: argparse.Namespace, work: Path, pg: ThrowawayPostgres) -> tuple[list[CommandRun], str]:
    guilds = shard_guilds(args.command_guilds, seed_from=1000)
    url = await create_database(pg.url, "commands")
    sqlite_url = f"sqlite:///{work / 'commands.db'}"
    text = SAMPLE.read_text(encoding="utf-8")
    started = time.perf_counter()
    for target in (url, work / "commands.db"):
        db = await Database.open(target)
        services = Services.build(db, SystemClock())
        for guild in guilds:
            await services.transfer.import_text(guild, ORGANISER_ID, text, filename="nec_2025.yaml")
        await db.close()
    imported = time.perf_counter() - started
    tpl = template(0)  # the sample as it is: its 59 seats and 78 candidates
    rng = random.Random(args.seed)
    warm = make_calls(args.warmup, guilds, tpl, rng)
    calls = make_calls(args.calls, guilds, tpl, rng)
    runs = [
        CommandRun("PostgreSQL, 1 process (shards 0,1)", url, [[0, 1]]),
        CommandRun("PostgreSQL, 2 processes (0 | 1)", url, [[0], [1]]),
        CommandRun("SQLite, 1 process (shards 0,1)", sqlite_url, [[0, 1]]),
    ]
    violations = 0
    example = ""
    for round_no in range(args.rounds):
        order = runs if round_no % 2 == 0 else [runs[1], runs[0], runs[2]]
        for run in order:
            # A fresh local Discord each time: what it stores grows with every call, and no run should inherit that.
            # It knows no commands yet, so the bot must register them as on its first start: forget the last sync.
            await forget_command_sync(run.url)
            discord_ = await StandInProcess.start(
                work / "commands-standin.log", shard_count=SHARDS, guilds=[(g, channel_of(g)) for g in guilds]
            )
            try:
                await one_config(run, discord_, pg, work, warm, calls, args, round_no)
                found = await discord_.call("violations")
            finally:
                await discord_.stop()
            violations += int(found.get("count", 0))
            example = example or next(iter(found.get("examples") or []), "")
    note = (
        f"{len(guilds)} guilds ({len(guilds) - len(guilds) // 2} and {len(guilds) // 2} on shards 0 and 1), the NEC "
        f"2025 sample imported into each ({len(tpl.seats)} seats, {tpl.candidate_count} candidates; "
        f"{imported:.1f} s, both databases)"
    )
    if violations:
        note += f"; Discord contract violations: {violations}, e.g. {example}"
    return runs, note


def report_commands(runs: list[CommandRun], note: str, args: argparse.Namespace) -> list[str]:
    print()
    print(f"Commands: {note}.")
    print(
        f"Per run: {args.calls:,} activist calls (/candidate name:, /ballot, /slate, a third each) on random guilds, "
        f"at most {args.concurrency} in flight,"
    )
    print(
        f"after {args.warmup} untimed; fired and timed by the local Discord in its own process. {args.rounds} "
        "round(s), each starting the bot"
    )
    print(
        "processes and the local Discord afresh; figures pooled. CPU from /proc/PID/stat (utime + stime, all "
        "threads), ms per call:"
    )
    print(
        "the bot processes, PostgreSQL's server processes, the local Discord; the cores the three kept busy "
        f"together (of the machine's {len(os.sched_getaffinity(0))});"
    )
    print(
        "others: the most cores any other process on the machine kept busy during a run (from "
        f"{DISTURBED:g}, the figures are disturbed)."
    )
    rows = []
    for run in runs:
        failed = run.calls - run.good
        rows.append(
            [
                run.label,
                f"{run.calls / run.wall:,.0f}" if run.wall else "-",
                f"{percentile(run.latency_ms, 50):.1f}",
                f"{percentile(run.latency_ms, 99):.1f}",
                f"{failed:,}",
                f"{run.bot_ms:.2f}",
                f"{run.pg_ms:.2f}",
                f"{run.bot_ms + run.pg_ms:.2f}",
                f"{run.standin_cpu / max(1, run.calls) * 1000:.2f}",
                f"{(sum(run.bot_cpu.values()) + run.pg_cpu + run.standin_cpu) / run.wall:.2f}" if run.wall else "-",
                f"{max(run.other_cores, default=0.0):.2f}",
            ]
        )
    headers = [
        "run",
        "calls/s",
        "p50 ms",
        "p99 ms",
        "failed",
        "bot CPU",
        "PostgreSQL",
        "bot + PG",
        "local Discord",
        "cores busy",
        "others",
    ]
    print(table(headers, rows))
    one, two, lite = runs
    for run in runs:
        if len(run.bot_cpu) > 1:
            split = ", ".join(
                f"shard {key}: {run.by_shard.get(int(key), 0):,} calls, {cpu:.1f} CPU s"
                for key, cpu in run.bot_cpu.items()
            )
            print(f"  {run.label}: {split}")
        if args.rounds > 1:
            print(f"  {run.label}: bot CPU ms per call by round: {', '.join(f'{v:.2f}' for v in run.per_round)}")
        others = ", ".join(f"{v:.2f}" for v in run.other_cores)
        steal = ", ".join(f"{v:.2f}" for v in run.steal)
        waited = (
            f"waited {run.waited:.0f} s in all for a quiet machine, ran {run.retried} disturbed storm(s) again; "
            if args.wait_quiet
            else ""
        )
        print(f"  {run.label}: {waited}other processes by round: {others} cores; hypervisor steal: {steal}")
        if run.problems:
            print(f"  {run.label}: {run.calls - run.good} calls failed, e.g. {run.problems[0]}")
        if run.warnings:
            listed = "; ".join(f"{n} x {k}" for k, n in run.warnings.most_common(3))
            print(f"  {run.label}: logs: {listed}")
    ratio = two.bot_ms / one.bot_ms
    with_pg = (two.bot_ms + two.pg_ms) / (one.bot_ms + one.pg_ms)
    ok = round(ratio, 2) <= CPU_RATIO_TARGET
    heartbeat_note(run.warnings for run in runs)
    if not all(run.bot_ms and run.good for run in runs):
        print("No ratios: a run answered no call (see above).")
        return [f"commands: {run.label}: {run.calls - run.good} of {run.calls} calls failed" for run in runs]
    by_round = ", ".join(f"{b / a:.2f}x" if a else "-" for a, b in zip(one.per_round, two.per_round, strict=True))
    print(
        f"CPU per command, 2 processes over 1 (PostgreSQL): {ratio:.2f}x the bots' ({with_pg:.2f}x counting "
        f"PostgreSQL's server too)" + (f"; by round {by_round}" if args.rounds > 1 else "") + "."
    )
    print(
        f"  Throughput {two.calls / two.wall / (one.calls / one.wall):.2f}x. Target: CPU per command within "
        f"{CPU_RATIO_TARGET:g}x: {verdict(ok)}"
    )
    print(
        f"SQLite against PostgreSQL, 1 process: the bot's CPU per command {lite.bot_ms:.2f} ms against "
        f"{one.bot_ms:.2f} ms ({lite.bot_ms / one.bot_ms:.2f}x);"
    )
    print(
        f"  counting PostgreSQL's server too, {lite.bot_ms + lite.pg_ms:.2f} against {one.bot_ms + one.pg_ms:.2f} ms "
        f"({(lite.bot_ms + lite.pg_ms) / (one.bot_ms + one.pg_ms):.2f}x). SQLite runs inside the bot's process."
    )
    missed = []
    if not ok:
        missed.append(f"commands: CPU per command at 2 processes {ratio:.2f}x that at 1 (target {CPU_RATIO_TARGET:g}x)")
    for run in runs:
        if run.good != run.calls:
            missed.append(f"commands: {run.label}: {run.calls - run.good} of {run.calls} calls failed")
    return missed


# ---------------------------------------------------------------------------------------------- the run


async def main(args: argparse.Namespace) -> int:
    """Run in a temporary directory (logs, SQLite files), removed afterwards, with a throwaway PostgreSQL."""
    with tempfile.TemporaryDirectory(prefix="slatebot-bench-") as tmp:
        work = Path(tmp)
        pg = ThrowawayPostgres()
        try:
            await asyncio.to_thread(pg.start)
        except PostgresUnavailable as exc:
            print(f"PostgreSQL is needed: {exc}")
            return 0
        try:
            return await run(args, work, pg)
        finally:
            await asyncio.to_thread(pg.stop)
            if args.keep_logs:
                kept = Path(args.keep_logs)
                kept.mkdir(parents=True, exist_ok=True)
                for log in work.glob("*.log"):
                    (kept / log.name).write_bytes(log.read_bytes())
                print(f"Logs copied to {kept}")


async def run(args: argparse.Namespace, work: Path, pg: ThrowawayPostgres) -> int:
    print(f"Machine: {machine()}")
    print(f"PostgreSQL: a throwaway server (standin.postgres), fsync off, at {pg.url}")
    which = ["burst", "propagation", "commands"] if args.which == "all" else [args.which]
    missed: list[str] = []
    steps: dict[str, Callable[[], Awaitable[list[str]]]] = {}

    async def burst() -> list[str]:
        return report_burst(await run_burst(args, work, pg), args)

    async def propagation() -> list[str]:
        return report_propagation(await run_propagation(args, work, pg), args)

    async def commands() -> list[str]:
        runs, note = await run_commands(args, work, pg)
        return report_commands(runs, note, args)

    steps = {"burst": burst, "propagation": propagation, "commands": commands}
    for name in which:
        started = time.perf_counter()
        try:
            missed += await steps[name]()
        except RuntimeError as exc:  # the bot did not start, the local Discord failed: the others may still run
            print(f"\n{name}: could not run: {exc}")
            missed.append(f"{name}: did not run ({exc})")
        print(f"  ({name}: {time.perf_counter() - started:.0f} s in all)")
    print()
    if missed:
        print(f"Targets missed ({len(missed)}):")
        for line in missed:
            print(f"  - {line}")
    else:
        print("All targets met.")
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.processes", description=__doc__.split("\n\n")[0])
    parser.add_argument("which", nargs="?", default="all", choices=("burst", "propagation", "commands", "all"))
    burst = parser.add_argument_group("burst")
    burst.add_argument("--guilds", type=int, default=1000, help="guilds, half on each shard (default 1000)")
    burst.add_argument(
        "--lead", type=float, default=45, help="seconds from starting the bot processes to the due moment (default 45)"
    )
    burst.add_argument("--timeout", type=float, default=120, help="seconds to wait for the burst to end (default 120)")
    prop = parser.add_argument_group("propagation")
    prop.add_argument("--commits", type=int, default=200, help="commits on A (default 200)")
    prop.add_argument("--spacing", type=float, default=0.05, help="seconds between commits (default 0.05)")
    prop.add_argument(
        "--b-side",
        choices=("process", "inline"),
        default="process",
        help="B as its own OS process (default) or as a second pool in this process",
    )
    prop.add_argument(
        "--propagation-timeout", type=float, default=15, help="seconds to wait for the last re-plan (default 15)"
    )
    cmds = parser.add_argument_group("commands")
    cmds.add_argument(
        "--command-guilds", type=int, default=20, help="guilds with the sample, half on each shard (default 20)"
    )
    cmds.add_argument("--calls", type=int, default=2400, help="timed calls per run (default 2400)")
    cmds.add_argument("--warmup", type=int, default=150, help="untimed calls first (default 150)")
    cmds.add_argument("--concurrency", type=int, default=16, help="calls in flight at once (default 16)")
    cmds.add_argument("--rounds", type=int, default=3, help="rounds of the three runs, pooled (default 3)")
    cmds.add_argument("--seed", type=int, default=1, help="random seed of the calls' guilds and names")
    cmds.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before each timed run, wait up to this long for the rest of the machine to go quiet (default 0)",
    )
    parser.add_argument("--keep-logs", metavar="DIR", help="copy the processes' logs to DIR")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
