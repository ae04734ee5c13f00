"""A running bot follows what another process commits: a timetable imported by `slatebot import` is planned."""

import asyncio
import os
import sys
from pathlib import Path

import pytest

from bot.domain.enums import MilestoneKind
from tests.e2e.conftest import GUILD, ORGANISER, reminder_scheduler, start_world, stop_world

pytestmark = pytest.mark.asyncio(loop_scope="function")

#: After the e2e clock (1 May 2025): an election whose ballot opens in June.
LATER = """format: 1
elections:
  - name: Young Members 2025
    timetable:
      ballot_open: 2025-06-16
      ballot_close: 2025-07-11
"""


async def _slatebot(database: Path | str, *args: str) -> tuple[int, str]:
    """Run ``python -m bot ARGS`` as its own process on ``database``, without blocking the bot's loop."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    env.pop("DISCORD_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_an_import_by_another_process_is_planned_by_the_running_bot(
    tmp_path: Path, database_target: Path | str
) -> None:
    """`slatebot import` writes a new timetable while the bot runs: the bot plans its reminders, no restart."""
    database = database_target
    world, task = await start_world(database, sample=False)
    try:
        await world.services.guilds.set_reminder_channel(GUILD, ORGANISER, 4242, None)
        scheduler = reminder_scheduler(world)
        await scheduler.resync(GUILD)
        assert scheduler.pending_job_ids(GUILD) == []
        source = tmp_path / "later.yaml"
        source.write_text(LATER, encoding="utf-8")
        code, out = await _slatebot(database, "import", str(source), "--guild", str(GUILD))
        assert code == 0, out
        for _ in range(200):  # the bot hears of the commit at once, or looks every 2 s; allow a slow machine room
            if scheduler.pending_job_ids(GUILD):
                break
            await asyncio.sleep(0.1)
        pending = scheduler.pending_job_ids(GUILD)
        assert any(f":{MilestoneKind.BALLOT_OPEN.value}:" in job for job in pending), pending
        assert any(job.endswith(":7d") for job in pending), pending
    finally:
        await stop_world(world, task)
