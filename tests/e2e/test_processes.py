"""
Two ``slatebot run`` processes, one PostgreSQL, one local Discord with two shards: the bot as it grows.

Each process runs one shard. The tests drive them only from outside, as Discord and an organiser would: slash
commands through the local Discord, ``slatebot import`` as a third process, SIGKILL. What they check is what
members would see: every command answered once, by its guild's process; every reminder posted once, on time,
by its guild's process, even when a process is killed in the middle of a burst and started again.
"""

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.clock import SystemClock
from bot.services.container import Services
from standin import StandIn, guild_id_on_shard, shard_of
from standin.fleet import BotProcess, start_bot_process
from storage.database import Database
from tests.postgres_fixtures import drop_test_database, fresh_database_url

pytestmark = pytest.mark.asyncio(loop_scope="function")

SHARDS = 2
ORGANISER = 2002
#: Generous limits for a loaded 2-core machine; the checks themselves never depend on how long things took.
READY_TIMEOUT = 60.0
SETTLE = 4.0


@dataclass
class Fleet:
    """The local Discord, the shared database and the bot processes, one per shard."""

    discord: StandIn
    url: str
    services: Services
    db: Database
    processes: dict[int, BotProcess]
    folder: Path
    guilds: list[int]
    channels: dict[int, int]

    async def start(self, shard: int) -> BotProcess:
        """Start (or start again) the process of one shard and wait until its shard is connected."""
        process = await start_bot_process(
            token=self.discord.token,
            api_base=self.discord.api_base,
            database_url=self.url,
            shard_count=SHARDS,
            shard_ids=[shard],
            log=self.folder / f"shard-{shard}.log",
        )
        self.processes[shard] = process
        await self.discord.wait_until_ready(READY_TIMEOUT, shard_id=shard)
        return process

    def reminders_in(self, guild_id: int) -> list[str]:
        """The texts of the bot's messages in the guild's reminder channel."""
        bot_id = self.discord.directory.bot_user.id
        return [
            str(m.data.get("content") or "") + " ".join(str(e.get("title", "")) for e in m.data.get("embeds", []))
            for m in self.discord.channel_history(self.channels[guild_id])
            if int(m.data["author"]["id"]) == bot_id
        ]


async def _slatebot(url: str, *args: str) -> tuple[int, str]:
    """Run ``python -m bot ARGS`` as its own process on the shared database."""
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    env.pop("DISCORD_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    return int(process.returncode or 0), out.decode()


async def _eventually(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Wait until ``check()`` holds, failing with ``what`` after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


def _timetable(opens: datetime) -> str:
    """A YAML file with one election whose ballot opens at ``opens`` (UTC) and closes ten days later."""
    close = opens + timedelta(days=10)
    return (
        "format: 1\nelections:\n  - name: NEC 2027\n    timetable:\n"
        f"      ballot_open: {opens:%Y-%m-%d %H:%M:%S}+00:00\n"
        f"      ballot_close: {close:%Y-%m-%d %H:%M:%S}+00:00\n"
    )


@pytest_asyncio.fixture(loop_scope="function")
async def fleet(postgres_base_url: str, tmp_path: Path) -> AsyncIterator[Fleet]:
    """A local Discord with two shards and three guilds on each, a PostgreSQL database, no bot process yet."""
    discord = StandIn(shard_count=SHARDS, default_guild=False)
    guilds: list[int] = []
    channels: dict[int, int] = {}
    for seed in range(3):
        for shard in range(SHARDS):
            guild_id = guild_id_on_shard(shard, SHARDS, seed=seed)
            channel_id = guild_id + 1
            discord.add_guild(
                guild_id,
                f"Branch {shard}.{seed}",
                channels=[{"id": channel_id, "name": "reminders"}],
                members=[{"id": ORGANISER, "username": "organiser"}],
                owner=ORGANISER,
            )
            guilds.append(guild_id)
            channels[guild_id] = channel_id
    await discord.start()
    url = await fresh_database_url(postgres_base_url, migrated=True)
    db = await Database.open(url)
    services = Services.build(db, SystemClock())
    for guild_id in guilds:
        await services.guilds.set_reminder_channel(guild_id, ORGANISER, channels[guild_id], None)
        await services.guilds.set_reminder_offsets(guild_id, ORGANISER, "1d")
    fleet = Fleet(discord, url, services, db, {}, tmp_path, guilds, channels)
    try:
        yield fleet
    finally:
        for process in fleet.processes.values():
            await process.stop()
        await db.close()
        await discord.stop()
        await drop_test_database(postgres_base_url, url)


async def test_each_guild_is_answered_once_by_the_process_of_its_shard(fleet: Fleet) -> None:
    """/ballot in every guild: each answered exactly once, by the process running the guild's shard."""
    for shard in range(SHARDS):
        await fleet.start(shard)
    for guild_id in fleet.guilds:
        reply = await fleet.discord.invoke("/ballot", guild=guild_id, user=ORGANISER, response_timeout=10)
        assert reply.shard_id == shard_of(guild_id, SHARDS)
        assert len(reply.pending.answers) == 1, reply.pending.answers
        assert not reply.errors
    by_shard = fleet.discord.interactions_by_shard()
    assert sorted(len(v) for v in by_shard.values()) == [3, 3]
    assert fleet.discord.violations == []


async def test_an_import_while_two_processes_run_is_reminded_once_by_the_owner(fleet: Fleet, tmp_path: Path) -> None:
    """`slatebot import` of a timetable for one guild on each shard: each reminder posted once, by its process."""
    for shard in range(SHARDS):
        await fleet.start(shard)
    chosen = {shard: next(g for g in fleet.guilds if shard_of(g, SHARDS) == shard) for shard in range(SHARDS)}
    # The 1-day reminder of a ballot opening a day and 12 seconds from now falls due in 12 seconds.
    opens = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1, seconds=12)
    source = tmp_path / "timetable.yaml"
    source.write_text(_timetable(opens), encoding="utf-8")
    for guild_id in chosen.values():
        code, out = await _slatebot(fleet.url, "import", str(source), "--guild", str(guild_id))
        assert code == 0, out

    await _eventually(lambda: all(fleet.reminders_in(g) for g in chosen.values()), 90, "both reminders")
    await asyncio.sleep(SETTLE)
    for shard, guild_id in chosen.items():
        assert len(fleet.reminders_in(guild_id)) == 1, fleet.reminders_in(guild_id)
        owner, other = fleet.processes[shard].log_text(), fleet.processes[1 - shard].log_text()
        assert f"Reminder {guild_id}:" in owner
        assert f"Reminder {guild_id}:" not in other
    others = [g for g in fleet.guilds if g not in chosen.values()]
    assert all(fleet.reminders_in(g) == [] for g in others)

    # Moving the close date from the command line: the "date changed" notice is posted once, by the owner.
    moved = _timetable(opens).replace(
        f"{opens + timedelta(days=10):%Y-%m-%d}", f"{opens + timedelta(days=11):%Y-%m-%d}"
    )
    source.write_text(moved, encoding="utf-8")
    guild_id = chosen[1]
    code, out = await _slatebot(fleet.url, "import", str(source), "--guild", str(guild_id))
    assert code == 0, out
    await _eventually(lambda: len(fleet.reminders_in(guild_id)) == 2, 30, "the date-changed notice")
    await asyncio.sleep(SETTLE)
    notices = [text for text in fleet.reminders_in(guild_id) if "Date changed" in text]
    assert len(notices) == 1, fleet.reminders_in(guild_id)
    assert fleet.discord.violations == []


async def test_a_process_killed_in_a_burst_and_started_again_posts_none_twice_and_loses_none(
    fleet: Fleet, tmp_path: Path
) -> None:
    """SIGKILL shard 0's process as its reminders go out, start it again: every guild has its reminder once."""
    # More guilds on shard 0, so that its burst lasts long enough to be interrupted.
    for seed in range(3, 40):
        guild_id = guild_id_on_shard(0, SHARDS, seed=seed)
        fleet.discord.add_guild(
            guild_id,
            f"Branch 0.{seed}",
            channels=[{"id": guild_id + 1, "name": "reminders"}],
            members=[{"id": ORGANISER, "username": "organiser"}],
            owner=ORGANISER,
        )
        fleet.guilds.append(guild_id)
        fleet.channels[guild_id] = guild_id + 1
        await fleet.services.guilds.set_reminder_channel(guild_id, ORGANISER, guild_id + 1, None)
        await fleet.services.guilds.set_reminder_offsets(guild_id, ORGANISER, "1d")
    opens = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1, seconds=25)
    text = _timetable(opens)
    for guild_id in fleet.guilds:
        await fleet.services.transfer.import_text(guild_id, ORGANISER, text, filename="timetable.yaml")
    for shard in range(SHARDS):
        await fleet.start(shard)

    shard_zero = [g for g in fleet.guilds if shard_of(g, SHARDS) == 0]
    await _eventually(lambda: sum(bool(fleet.reminders_in(g)) for g in shard_zero) >= 5, 90, "the burst to start")
    fleet.processes[0].kill()
    await fleet.processes[0].process.wait()
    posted_before_restart = sum(bool(fleet.reminders_in(g)) for g in shard_zero)
    assert posted_before_restart < len(shard_zero), "the burst ended before the kill: nothing was interrupted"

    await fleet.start(0)
    await _eventually(lambda: all(fleet.reminders_in(g) for g in fleet.guilds), 90, "every guild's reminder")
    await asyncio.sleep(SETTLE)
    twice = {g: fleet.reminders_in(g) for g in fleet.guilds if len(fleet.reminders_in(g)) != 1}
    assert twice == {}
    ledger = await fleet.db.fetch_value("SELECT COUNT(*) FROM reminders_sent WHERE message_id IS NOT NULL")
    assert ledger == len(fleet.guilds)
    assert fleet.discord.violations == []
