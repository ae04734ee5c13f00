"""
One bot alone in a fresh process, for ``bench.commands``'s memory figures: prints its resident memory as JSON.

    python -m bench._memory bare|slate --guilds 1000 --candidates 200 --db FILE [--calls 200]

Both kinds hold the same stand-in with the same guilds (so the local Discord weighs the same in each), start their
bot, answer ``--calls`` commands on random guilds (Slatebot: ``/candidate`` and autocomplete of its name, half each;
the bare bot: ``/ping``), collect garbage, then read ``VmRSS`` (resident now) and ``VmHWM`` (the peak) from
``/proc/self/status``. The bare kind imports only discord.py and the local Discord, never Slatebot.
"""

import argparse
import asyncio
import faulthandler
import gc
import json
import random
import sys
from pathlib import Path
from typing import Any

from bench._bare import FIRST_GUILD, BareBot, add_guilds
from standin import StandIn


def status_kb(field: str) -> int:
    """A ``/proc/self/status`` figure in kB (``VmRSS``, ``VmHWM``); 0 where there is no such file."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def _wait(bot: Any, standin: StandIn, task: "asyncio.Task[Any]") -> None:
    ready = asyncio.ensure_future(bot.wait_until_ready())
    done, _ = await asyncio.wait({ready, task}, timeout=600, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        if task in done:
            task.result()
        raise TimeoutError("the bot did not become ready")
    await standin.wait_until_ready(600)


def measured() -> int:
    """Resident kB now, after a collection, with the bot and its caches still alive."""
    gc.collect()
    return status_kb("VmRSS")


async def bare(args: argparse.Namespace, standin: StandIn, guilds: list[int]) -> int:
    from bot.endpoint import point_discord_at  # a small module: discord.py's URLs and the gateway, nothing else

    point_discord_at(standin.api_base)
    bot = BareBot()
    task = asyncio.create_task(bot.start(standin.token))
    await _wait(bot, standin, task)
    rng = random.Random(args.seed)
    for _ in range(args.calls):
        await standin.invoke("/ping", guild=rng.choice(guilds), user="activist")
    rss = measured()
    await bot.close()
    return rss


async def slate(args: argparse.Namespace, standin: StandIn, guilds: list[int]) -> int:
    from datetime import UTC, datetime

    from bench._common import BenchClock, start_slatebot, stop_bot
    from bench._data import template
    from storage.database import Database

    names = list(template(args.candidates).candidate_names)
    db = await Database.open(Path(args.db))
    bot, task, _ = await start_slatebot(standin, db, BenchClock(datetime(2025, 5, 1, 12, tzinfo=UTC)))
    rng = random.Random(args.seed)
    for call in range(args.calls):
        guild, name = rng.choice(guilds), rng.choice(names)
        if call % 2:
            await standin.autocomplete("candidate", "name", name[:3].lower(), guild=guild, user="activist")
        else:
            await standin.invoke("/candidate", {"name": name}, guild=guild, user="activist", wait_for_followup=True)
    rss = measured()
    await stop_bot(bot, task)
    await db.close()
    return rss


async def main(args: argparse.Namespace) -> dict[str, int]:
    import logging

    logging.basicConfig(level=logging.CRITICAL)
    guilds = [FIRST_GUILD + i for i in range(args.guilds)]
    standin = StandIn(default_guild=False)
    add_guilds(standin, guilds)
    await standin.start()
    gc.collect()
    before = status_kb("VmRSS")
    rss = await (bare if args.kind == "bare" else slate)(args, standin, guilds)
    figures = {"standin_kb": before, "rss_kb": rss, "peak_kb": status_kb("VmHWM")}
    await standin.stop()
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench._memory")
    parser.add_argument("kind", choices=("bare", "slate"))
    parser.add_argument("--guilds", type=int, default=1000)
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--db", default="")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900, help="print where it stands and exit after this long")
    args = parser.parse_args()
    # A stuck run says where it is stuck instead of holding the benchmark up.
    faulthandler.dump_traceback_later(args.timeout, exit=True)
    print(json.dumps(asyncio.run(main(args))))
    sys.exit(0)
