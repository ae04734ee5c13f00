"""
"I've posted my ballot" under load: a ballot reminder posted to a guild of 5,000 members, then 500 of them
pressing the button within 10 seconds.

Run: ``.venv/bin/python -m bench.voted [--members 5000] [--clicks 500] [--over 10] [--database sqlite|postgresql]``.

Everything is real: the local Discord (its REST and gateway, its 3-second answer window), the bot, its services
and database, the reminder posted by the real scheduler; the clicks are button interactions the local Discord
sends over the gateway, spaced evenly over the window. Each click's time is from the interaction sent to the
bot's answer arriving (what the member waits for), and each must arrive inside Discord's 3-second window. The
benchmark also checks that every member is counted exactly once.
"""

import argparse
import asyncio
import contextlib
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench._common import BenchClock, machine, percentile, quiet_logging, start_slatebot, stop_bot, table
from bot.services.container import Services
from standin import StandIn
from standin.postgres import PostgresUnavailable, ThrowawayPostgres, create_database
from storage.database import Database

SAMPLE = Path(__file__).resolve().parents[1] / "standin" / "sample" / "nec_2025.yaml"
GUILD = 1000
CHANNEL = 1100
ORGANISER = 2002
#: The sample ballot opens at 09:00 BST on 21 April 2025; the reminder of that morning carries the four buttons.
OPEN = datetime(2025, 4, 21, 8, 0, tzinfo=UTC)
WINDOW = 3.0
FIRST_MEMBER = 10_000


async def run(args: argparse.Namespace, target: Path | str) -> int:
    """Set the guild up, post the reminder, then click; print the figures."""
    standin = StandIn(default_guild=False)
    members = [{"id": FIRST_MEMBER + i, "username": f"member{i}"} for i in range(args.members)]
    standin.add_guild(GUILD, "Big Branch", channels=[{"id": CHANNEL, "name": "reminders"}], members=members)
    await standin.start()
    db = await Database.open(target)
    clock = BenchClock(OPEN - timedelta(minutes=1))
    services = Services.build(db, clock)
    await services.transfer.import_text(GUILD, ORGANISER, SAMPLE.read_text(encoding="utf-8"), filename=SAMPLE.name)
    await services.guilds.set_reminder_channel(GUILD, ORGANISER, CHANNEL, None)
    bot, task, ready = await start_slatebot(standin, db, clock)
    try:
        clock.run_from(OPEN)
        cog = bot.get_cog("Reminders")
        scheduler = cog.scheduler  # type: ignore[union-attr]
        await scheduler.run_due()
        bot_id = standin.bot_user.id
        [post] = [m for m in standin.channel_history(CHANNEL) if int(m.data["author"]["id"]) == bot_id]
        [button] = [
            c["custom_id"]
            for row in post.data["components"]
            for c in row["components"]
            if c.get("label") == "I've posted my ballot"
        ]
        spacing = args.over / args.clicks
        waits: list[float] = []
        failures: list[str] = []

        async def one(index: int) -> None:
            await asyncio.sleep(index * spacing)
            started = time.perf_counter()
            reply = await standin.click(
                post, button, user=FIRST_MEMBER + index, raise_on_failure=False, response_timeout=WINDOW
            )
            waits.append(time.perf_counter() - started)
            if reply.failure:
                failures.append(reply.failure)

        began = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(args.clicks)))
        took = time.perf_counter() - began
        counted = await services.turnout.pledge_count(GUILD, 1)
        again = await standin.click(post, button, user=FIRST_MEMBER, raise_on_failure=False)
        counted_after_repeat = await services.turnout.pledge_count(GUILD, 1)
    finally:
        await stop_bot(bot, task)
        await db.close()
        await standin.stop()
    inside = sum(1 for w in waits if w < WINDOW)
    print(f"Machine: {machine()}")
    print(
        f'Guild of {args.members:,} members, {args.clicks} clicks of "I\'ve posted my ballot" spread over '
        f"{args.over:.0f} s ({args.database}; bot ready in {ready:.1f} s); all clicks done in {took:.1f} s."
    )
    print(
        table(
            ["clicks", "answered in 3 s", "p50 ms", "p99 ms", "max ms", "counted", "failures"],
            [
                [
                    str(len(waits)),
                    f"{inside} ({inside / len(waits):.0%})",
                    f"{percentile(waits, 50) * 1000:.0f}",
                    f"{percentile(waits, 99) * 1000:.0f}",
                    f"{max(waits) * 1000:.0f}",
                    str(counted),
                    str(len(failures)),
                ]
            ],
        )
    )
    once = "yes" if counted == args.clicks and counted_after_repeat == counted and not again.failure else "NO"
    print(f"Each member counted exactly once (a second click by one of them changed nothing): {once}")
    return 0


async def main(args: argparse.Namespace) -> int:
    """Run on a SQLite file, or on a throwaway PostgreSQL server."""
    quiet_logging()
    with tempfile.TemporaryDirectory(prefix="slatebot-bench-voted-") as work:
        if args.database == "sqlite":
            return await run(args, Path(work) / "bench.db")
        server = ThrowawayPostgres()
        try:
            server.start()
        except PostgresUnavailable as exc:
            print(f"PostgreSQL is not installed here: {exc}")
            return 2
        try:
            return await run(args, await create_database(server.url, "bench_voted"))
        finally:
            with contextlib.suppress(Exception):
                server.stop()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The benchmark's options."""
    parser = argparse.ArgumentParser(prog="python -m bench.voted", description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--clicks", type=int, default=500)
    parser.add_argument("--over", type=float, default=10.0, help="seconds the clicks are spread over")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(parse())))
