"""
The far side of ``bench.processes propagation``: a process that follows the outbox and re-plans reminders.

It does what a second bot process does with another process's commit, without Discord: a ``ChangeFeed`` on its
own ``Database`` (its own connection or pool), and a ``ReminderScheduler`` subscribed to it, as the reminders cog
wires them. For each change it writes one JSON line to stdout: the change's id, when the feed handed it over
(``heard``) and when the scheduler had rebuilt the guild's jobs (``replanned``), both ``time.perf_counter()``,
which on Linux is ``CLOCK_MONOTONIC``, one clock for every process on the machine. The first line is
``{"ready": true}``, once the feed follows the outbox and the schedule is built; on ``plan`` (a line on stdin)
it answers the guild's pending job ids; it stops at the end of stdin.

    python -m bench._replan DATABASE GUILD_ID
"""

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.reminders import NoPoster
from bot.clock import SystemClock
from bot.scheduling.scheduler import ReminderScheduler
from bot.services.changes import TimetableChanged
from bot.services.container import Services
from storage.database import Database


class Replanner:
    """A change feed and a reminder scheduler on one database, reporting each change's arrival and re-plan."""

    def __init__(self, db: Database, report: Callable[[dict[str, Any]], None]) -> None:
        self.db = db
        self.services = Services.build(db, SystemClock())
        self.scheduler = ReminderScheduler(self.services.reminders, NoPoster(), self.services.clock)
        self._report = report

    async def start(self) -> None:
        """Follow the outbox, then build the schedule (the reminders cog's order)."""
        self.services.changes.subscribe(self._on_change)
        await self.services.changes.start()
        await self.scheduler.start()

    async def stop(self) -> None:
        """Stop following and stop the scheduler."""
        await self.services.changes.stop()
        await self.scheduler.stop()

    async def _on_change(self, change: TimetableChanged) -> None:
        heard = time.perf_counter()
        await self.scheduler.on_change(change)
        self._report({"change_id": change.change_id, "heard": heard, "replanned": time.perf_counter()})

    def plan(self, guild_id: int) -> list[str]:
        """The guild's pending job ids, in time order."""
        return self.scheduler.pending_job_ids(guild_id)


def _print(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


async def _run(target: str, guild_id: int) -> None:
    db = await Database.open(Path(target) if "://" not in target else target)
    replanner = Replanner(db, _print)
    await replanner.start()
    _print({"ready": True})
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        if line.strip() == b"plan":
            _print({"plan": replanner.plan(guild_id)})
    await replanner.stop()
    await db.close()


def main(argv: list[str] | None = None) -> int:
    """Follow DATABASE's outbox until stdin ends."""
    parser = argparse.ArgumentParser(prog="python -m bench._replan", description=__doc__.split("\n\n")[0])
    parser.add_argument("database", help="a SQLite file or a postgresql:// URL")
    parser.add_argument("guild_id", type=int, help="the guild whose plan `plan` reports")
    args = parser.parse_args(argv)
    asyncio.run(_run(args.database, args.guild_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
