"""
Round trip of every activist command, and of autocomplete, through the local Discord, against a bare bot.

1,000 guilds of about 200 candidates each (200,000 in all) are written straight into a SQLite file; the real
Slatebot runs against one stand-in, and a bare discord.py bot whose one slash command answers a fixed text runs
against a second stand-in, both in this process and on this event loop. Each round runs every probe once, in a
shuffled order, so both bots share the machine's noise. Prints p50/p99 per command, the ratio to the bare bot's,
and pass/miss against the targets (1.3x bare p50, 1.5x bare p99; autocomplete p99 under 15 ms).

    python -m bench.commands [--iterations 200] [--guilds 1000] [--standin-guilds 1000]
"""

import argparse
import asyncio
import cProfile
import gc
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
from discord.ext import commands

from bench._common import (
    BenchClock,
    machine,
    percentile,
    quiesce,
    quiet_logging,
    reset_endpoints,
    start_in_context,
    start_slatebot,
    stop_bot,
    table,
    two_discords,
    wait_ready,
)
from bench._data import Template, load, template
from bot.app import intents
from bot.domain.text import best_matches, resolve
from bot.services.container import Services
from standin import StandIn
from storage.database import Database

#: Inside the NEC 2025 ballot window (21 April to 21 May 2025), as in the end-to-end tests.
IN_WINDOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
FIRST_GUILD = 1_000_000_000
ORGANISER_ROLE = "Organiser"
BARE_TEXT = "Vote for the slate: papers are out now."
P50_TARGET, P99_TARGET, AUTOCOMPLETE_P99_MS = 1.3, 1.5, 15.0


# ---------------------------------------------------------------------------------------------- the bare bot


class BareBot(commands.Bot):
    """A minimal discord.py bot: one slash command answering a fixed text, nothing else."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.5,
        )

        @self.tree.command(name="ping", description="A fixed answer")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(BARE_TEXT, ephemeral=True)

    async def setup_hook(self) -> None:
        await self.tree.sync()


# ---------------------------------------------------------------------------------------------- probes


@dataclass
class Probe:
    """One thing to time: a label, the stand-in it goes through, and how to run it once (returns None if good)."""

    label: str
    kind: str  # "bare", "command" or "autocomplete"
    standin: StandIn
    run: Callable[[random.Random], Awaitable[str | None]]
    totals: list[float] = field(default_factory=list)
    bot_side: list[float] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


def add_guilds(standin: StandIn, guild_ids: list[int]) -> float:
    started = time.perf_counter()
    for gid in guild_ids:
        standin.add_guild(
            gid,
            f"Branch {gid - FIRST_GUILD + 1}",
            channels=[{"id": gid + 500_000_000, "name": "general"}],
            roles=[{"name": ORGANISER_ROLE, "permissions": 0x20}],
            members=["activist", {"username": "organiser", "roles": [ORGANISER_ROLE]}],
        )
    return time.perf_counter() - started


def slate_probes(standin: StandIn, guilds: list[int], tpl: Template) -> list[Probe]:
    names = list(tpl.candidate_names)
    seats = [s.name for s in tpl.seats]
    regions = tpl.regions

    def command(
        line: str, options: Callable[[random.Random], dict[str, str]], expect: Callable[[dict[str, str]], str]
    ) -> Callable[[random.Random], Awaitable[str | None]]:
        async def run(rng: random.Random) -> str | None:
            opts = options(rng)
            reply = await standin.invoke(line, opts, guild=rng.choice(guilds), user="activist", wait_for_followup=True)
            text = reply.text()
            wanted = expect(opts)
            if wanted not in text:
                return f"{line} {opts}: expected {wanted!r} in the answer, got {text[:120]!r}"
            return None

        return run

    async def complete(rng: random.Random) -> str | None:
        prefix = rng.choice(names)[:3].lower()
        choices = await standin.autocomplete("candidate", "name", prefix, guild=rng.choice(guilds), user="activist")
        if not choices:
            return f"autocomplete {prefix!r}: no choices"
        return None

    def none(_: random.Random) -> dict[str, str]:
        return {}

    election = tpl.election
    return [
        Probe("/slate", "command", standin, command("/slate", none, lambda _: tpl.slate)),
        Probe(
            "/candidate name: X",
            "command",
            standin,
            command("/candidate", lambda r: {"name": r.choice(names)}, lambda o: o["name"]),
        ),
        Probe("/seat name: Y", "command", standin, command("/seat", lambda r: {"name": r.choice(seats)}, _seat_text)),
        Probe(
            "/howtovote region: Z",
            "command",
            standin,
            command("/howtovote", lambda r: {"region": r.choice(regions)}, lambda o: o["region"]),
        ),
        Probe("/ballot", "command", standin, command("/ballot", none, lambda _: election)),
        Probe("/platform", "command", standin, command("/platform", none, lambda _: tpl.slate)),
        Probe("/calendar", "command", standin, command("/calendar", none, lambda _: election)),
        Probe("autocomplete /candidate name (3 letters)", "autocomplete", standin, complete),
    ]


def _seat_text(options: dict[str, str]) -> str:
    # Discord markdown in the answer escapes brackets and such; the seat's first word is always there as typed.
    return options["name"].split()[0]


def bare_probe(standin: StandIn, guilds: list[int]) -> Probe:
    async def run(rng: random.Random) -> str | None:
        reply = await standin.invoke("/ping", guild=rng.choice(guilds), user="activist")
        return None if reply.content == BARE_TEXT else f"/ping answered {reply.content!r}"

    return Probe("bare bot /ping (fixed text)", "bare", standin, run)


async def time_once(probe: Probe, rng: random.Random, *, keep: bool) -> None:
    standin = probe.standin
    since = len(standin.requests)
    started = time.perf_counter()
    problem = await probe.run(rng)
    elapsed = time.perf_counter() - started
    if problem:
        probe.wrong.append(problem)
    if not keep:
        return
    probe.totals.append(elapsed * 1000)
    # Bot side: from the stand-in dispatching INTERACTION_CREATE to the bot's callback request arriving.
    pending = next(reversed(standin.interactions.pending.values()), None)
    callback = next((r for r in standin.requests[since:] if r.route.endswith("/callback")), None)
    if pending is not None and callback is not None:
        probe.bot_side.append((callback.time - pending.created) * 1000)


async def time_services(
    services: Services, guilds: list[int], tpl: Template, iterations: int, rng: random.Random
) -> dict[str, tuple[list[float], list[float]]]:
    """Each command's service call alone, and the name matching inside it, timed ``iterations`` times."""
    campaign = services.campaign
    names, seats, regions = list(tpl.candidate_names), [s.name for s in tpl.seats], tpl.regions
    sample = guilds[0]
    election = await services.elections.resolve(sample, None)
    candidates = await services.repos.candidates.all(sample, election_id=election.id)
    seat_rows = await services.repos.seats.all(sample, election.id)
    name_list = await campaign.candidate_names(sample)

    async def slate(g: int) -> None:
        await campaign.overview(g, None)

    async def candidate(g: int) -> None:
        await campaign.candidate(g, rng.choice(names))

    async def seat(g: int) -> None:
        await campaign.seat(g, rng.choice(seats))
        await campaign.config(g)

    async def howtovote(g: int) -> None:
        await campaign.how_to_vote(g, region=rng.choice(regions))

    async def ballot(g: int) -> None:
        await campaign.timetable(g, None)

    async def platform(g: int) -> None:
        await services.platform.platform(g, None)

    async def calendar(g: int) -> None:
        await campaign.calendar(g, None)

    async def complete(g: int) -> None:
        best_matches(rng.choice(names)[:3].lower(), await campaign.candidate_names(g, None), limit=25)

    matching: dict[str, Callable[[], object]] = {
        "/candidate name: X": lambda: resolve(rng.choice(names), candidates, lambda c: c.name, what="candidate"),
        "/seat name: Y": lambda: resolve(rng.choice(seats), seat_rows, lambda s: s.name, what="seat"),
        "autocomplete /candidate name (3 letters)": lambda: best_matches(rng.choice(names)[:3].lower(), name_list),
    }
    calls: dict[str, Callable[[int], Awaitable[None]]] = {
        "/slate": slate,
        "/candidate name: X": candidate,
        "/seat name: Y": seat,
        "/howtovote region: Z": howtovote,
        "/ballot": ballot,
        "/platform": platform,
        "/calendar": calendar,
        "autocomplete /candidate name (3 letters)": complete,
    }
    out: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label in calls}
    for _ in range(iterations):
        for label, call in calls.items():
            started = time.perf_counter()
            await call(rng.choice(guilds))
            out[label][0].append((time.perf_counter() - started) * 1000)
            if label in matching:
                started = time.perf_counter()
                matching[label]()
                out[label][1].append((time.perf_counter() - started) * 1000)
    return out


# ---------------------------------------------------------------------------------------------- the run


async def main(args: argparse.Namespace) -> int:
    """Run in a temporary directory, removed afterwards (the databases take a few hundred MB)."""
    with tempfile.TemporaryDirectory(prefix="slatebot-bench-") as tmp:
        return await run(args, Path(tmp))


async def run(args: argparse.Namespace, work: Path) -> int:
    quiet_logging()
    print(f"Machine: {machine()}")
    guild_ids = [FIRST_GUILD + i for i in range(args.guilds)]
    in_standin = guild_ids[: args.standin_guilds]

    tpl = template(args.candidates)
    db = await Database.open(work / "bench.db")
    started = time.perf_counter()
    loaded = await load(db, guild_ids, tpl)
    load_s = time.perf_counter() - started
    size_mb = (work / "bench.db").stat().st_size / 1e6
    print(
        f"Database: {loaded.guilds:,} guilds, {len(tpl.seats)} seats and {tpl.candidate_count} candidates each "
        f"({loaded.candidates:,} candidates, {loaded.rows:,} rows, {size_mb:.0f} MB) written in {load_s:.1f} s"
    )

    two_discords()
    bare_discord = StandIn(default_guild=False)
    slate_discord = StandIn(default_guild=False)
    add_s = add_guilds(bare_discord, in_standin) + add_guilds(slate_discord, in_standin)
    await bare_discord.start()
    await slate_discord.start()
    scope = (
        "all of them" if len(in_standin) == len(guild_ids) else f"a subset; the database holds all {len(guild_ids):,}"
    )
    print(f"Stand-ins: {len(in_standin):,} guilds each ({scope}); added in {add_s:.1f} s")

    bare = BareBot()
    bare_task = start_in_context(bare_discord.api_base, bare.start(bare_discord.token))
    started = time.perf_counter()
    await wait_ready(bare, bare_discord, bare_task)
    bare_ready = time.perf_counter() - started
    clock = BenchClock(IN_WINDOW)
    bot, bot_task, slate_ready = await start_slatebot(slate_discord, db, clock, in_context=True)
    settle = await quiesce(slate_discord, quiet_for=1.5)
    print(
        f"Bots ready: bare in {bare_ready:.1f} s, Slatebot in {slate_ready:.1f} s "
        f"(+{settle:.1f} s until its start-up work, such as the ballot events, was done)"
    )

    probes = [bare_probe(bare_discord, in_standin), *slate_probes(slate_discord, in_standin, tpl)]
    rng = random.Random(args.seed)
    slate_discord.clear_violations()
    bare_discord.clear_violations()
    for _ in range(args.warmup):
        for probe in probes:
            await time_once(probe, rng, keep=False)
    gc.collect()
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    started = time.perf_counter()
    for _ in range(args.iterations):
        order = probes[:]
        rng.shuffle(order)
        for probe in order:
            await time_once(probe, rng, keep=True)
    measured = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
        print(f"cProfile of the timed rounds written to {args.profile} (times above are inflated by it)")
    violations = slate_discord.clear_violations() + bare_discord.clear_violations()
    alone = await time_services(bot.services, in_standin, tpl, args.iterations, random.Random(args.seed))

    await stop_bot(bot, bot_task)
    await stop_bot(bare, bare_task)
    await slate_discord.stop()
    await bare_discord.stop()
    await db.close()
    reset_endpoints()

    report(probes, args, measured, violations, alone)
    return 0


def report(
    probes: list[Probe],
    args: argparse.Namespace,
    measured: float,
    violations: list[Any],
    alone: dict[str, tuple[list[float], list[float]]],
) -> None:
    base = probes[0]
    b50, b99 = percentile(base.totals, 50), percentile(base.totals, 99)
    s50, s99 = percentile(base.bot_side, 50), percentile(base.bot_side, 99)
    print()
    print(
        f"Round trip through the local Discord, ms: {args.iterations} timed runs per row after {args.warmup} "
        f"warm-up rounds, rows interleaved in shuffled order ({measured:.0f} s)."
    )
    print(
        f"Targets: p50 at most {P50_TARGET:g}x and p99 at most {P99_TARGET:g}x the bare bot's; "
        f"autocomplete p99 under {AUTOCOMPLETE_P99_MS:g} ms."
    )
    rows = []
    missed: list[str] = []
    for probe in probes:
        p50, p99 = percentile(probe.totals, 50), percentile(probe.totals, 99)
        # Ratios are judged as printed, to two decimals, so the verdict always agrees with the figures shown.
        r50, r99 = round(p50 / b50, 2), round(p99 / b99, 2)
        if probe.kind == "bare":
            verdict = "baseline"
        elif probe.kind == "autocomplete":
            ok = p99 < AUTOCOMPLETE_P99_MS
            verdict = f"p99 < {AUTOCOMPLETE_P99_MS:g} ms: " + (
                "pass" if ok else f"MISS (+{p99 - AUTOCOMPLETE_P99_MS:.1f} ms)"
            )
            if not ok:
                missed.append(f"{probe.label}: p99 {p99:.2f} ms, target under {AUTOCOMPLETE_P99_MS:g} ms")
        else:
            parts = []
            if r50 > P50_TARGET:
                parts.append(f"p50 +{(r50 / P50_TARGET - 1) * 100:.0f}%")
                missed.append(f"{probe.label}: p50 {r50:.2f}x the bare bot's (target at most {P50_TARGET:g}x)")
            if r99 > P99_TARGET:
                parts.append(f"p99 +{(r99 / P99_TARGET - 1) * 100:.0f}%")
                missed.append(f"{probe.label}: p99 {r99:.2f}x the bare bot's (target at most {P99_TARGET:g}x)")
            verdict = "MISS (" + ", ".join(parts) + " over)" if parts else "pass"
        rows.append([probe.label, f"{p50:.2f}", f"{p99:.2f}", f"{r50:.2f}x", f"{r99:.2f}x", verdict])
    print(table(["probe", "p50", "p99", "p50/bare", "p99/bare", "target"], rows, "lrrrrl"))

    print()
    print("Where the time goes, ms. bot: from the stand-in sending INTERACTION_CREATE to the bot's answer arriving;")
    print("local Discord: the rest of the round trip (building the interaction, checking and storing the answer).")
    split = []
    for probe in probes:
        total, side, side99 = (
            percentile(probe.totals, 50),
            percentile(probe.bot_side, 50),
            percentile(probe.bot_side, 99),
        )
        split.append(
            [
                probe.label,
                f"{side:.2f}",
                f"{side99:.2f}",
                f"{side / s50:.2f}x",
                f"{side99 / s99:.2f}x",
                f"{total - side:.2f}",
            ]
        )
    print(table(["probe", "bot p50", "bot p99", "bot p50/bare", "bot p99/bare", "local Discord p50"], split))

    print()
    print("Inside the bot without Discord, ms: the command's service call (database reads and rules), and of that")
    print("the pure-Python name matching (bot.domain.text.resolve / best_matches over the guild's names).")
    inner = []
    for label, (service, matching) in alone.items():
        inner.append(
            [
                label,
                f"{percentile(service, 50):.2f}",
                f"{percentile(service, 99):.2f}",
                f"{percentile(matching, 50):.2f}" if matching else "-",
                f"{percentile(matching, 99):.2f}" if matching else "-",
            ]
        )
    print(table(["probe", "service p50", "service p99", "matching p50", "matching p99"], inner))

    print()
    if missed:
        print(f"Targets missed ({len(missed)}):")
        for line in missed:
            print(f"  - {line}")
    else:
        print("All targets met.")
    wrong = [w for p in probes for w in p.wrong]
    if wrong:
        print(f"Unexpected answers ({len(wrong)}), e.g.: {wrong[0]}")
    if violations:
        print(f"Discord contract violations recorded by the stand-ins: {len(violations)}, e.g. {violations[0]}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.commands", description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=200, help="timed runs per command (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed rounds first (default 10)")
    parser.add_argument("--guilds", type=int, default=1000, help="guilds in the database (default 1000)")
    parser.add_argument(
        "--standin-guilds", type=int, default=1000, help="of those, guilds the stand-ins know (default 1000)"
    )
    parser.add_argument("--candidates", type=int, default=200, help="candidates per guild (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for guilds, names and order")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the timed rounds to FILE")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
