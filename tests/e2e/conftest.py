"""
The real bot against the local Discord: one stand-in, one database and one bot per test module.

A test drives the bot only through the stand-in (``await world.discord.invoke("/ballot")``) and asserts on what
Discord received. Any request that breaks Discord's contract (spec or limits) fails the test that caused it.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from pydantic import SecretStr

from bot.app import SlateBot
from bot.endpoint import point_discord_at, reset_discord_endpoints
from bot.scheduling.scheduler import ReminderScheduler
from bot.services.container import Services
from bot.settings import Settings
from standin import StandIn
from storage.database import Database
from tests.conftest import BACKENDS
from tests.fakes import FakeClock
from tests.postgres_fixtures import drop_test_database, fresh_database_url

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "nec_2025.yaml"
#: The stand-in's default guild and its members.
GUILD = 1000
ACTIVIST = 2001
ORGANISER = 2002
#: Inside the NEC 2025 ballot window (21 April to 21 May 2025).
IN_WINDOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


@dataclass
class World:
    """Everything a test module drives and inspects."""

    discord: StandIn
    bot: SlateBot
    services: Services
    db: Database
    clock: FakeClock

    async def dump(self) -> list[str]:
        """The whole database as SQL, to prove a refused command changed nothing."""
        return await self.db.dump()

    async def settled_dump(self) -> list[str]:
        """:meth:`dump` once the bot's background work (scheduled events, notices, resyncs) has stopped writing."""
        last = await self.dump()
        while True:
            await asyncio.sleep(0.1)
            now = await self.dump()
            if now == last:
                return now
            last = now


#: A second server the bot is in, with no campaign data at all.
EMPTY_GUILD = 3000


async def start_world(
    path: Path | str, *, sample: bool = True, clock: FakeClock | None = None, dev_guild: int | None = None
) -> tuple[World, asyncio.Task[None]]:
    """
    Start a stand-in, a database (with the sample imported into GUILD) and the real bot connected to it.

    Commands sync globally unless ``dev_guild`` is given, so both servers have them.
    """
    standin = StandIn()
    standin.add_guild(EMPTY_GUILD, "Empty Branch", members=["newcomer"])
    await standin.start()
    point_discord_at(standin.api_base)
    db = await Database.open(path)
    clock = clock or FakeClock(IN_WINDOW)
    services = Services.build(db, clock)
    if sample:
        await services.transfer.import_text(GUILD, 0, SAMPLE.read_text(encoding="utf-8"), filename=SAMPLE.name)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=SecretStr(standin.token),
        discord_api_base=standin.api_base,
        dev_guild_id=dev_guild,
    )
    bot = SlateBot(settings, services, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start(standin.token))
    await asyncio.wait_for(bot.wait_until_ready(), 15)
    await standin.wait_until_ready(15)
    return World(standin, bot, services, db, clock), task


async def stop_world(world: World, task: asyncio.Task[None]) -> None:
    """Close the bot, the database and the stand-in."""
    await world.bot.close()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    await world.db.close()
    await world.discord.stop()
    reset_discord_endpoints()


@pytest_asyncio.fixture(loop_scope="module", scope="module", params=BACKENDS)
async def module_target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Path | str]:
    """A new database for the module, on each engine in turn: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        yield tmp_path_factory.mktemp("e2e") / "slatebot.db"
        return
    base = request.getfixturevalue("postgres_base_url")
    url = await fresh_database_url(base, migrated=True)
    try:
        yield url
    finally:
        await drop_test_database(base, url)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def module_world(module_target: Path | str) -> AsyncIterator[World]:
    """One bot on the NEC 2025 sample for the whole module (once on each engine)."""
    world, task = await start_world(module_target)
    yield world
    await stop_world(world, task)


@pytest.fixture
def world(module_world: World) -> Iterator[World]:
    """The module's world, with its clock reset and its contract checked after each test."""
    module_world.clock.set(IN_WINDOW)
    module_world.discord.clear_violations()
    yield module_world
    found = module_world.discord.clear_violations()
    if found:
        pytest.fail("Discord contract violations:\n  " + "\n  ".join(str(v) for v in found), pytrace=False)


async def restart_bot(world: World, task: asyncio.Task[None]) -> asyncio.Task[None]:
    """
    Stop the bot and start a new one on the same database and the same local Discord (a process restart).

    The new bot gets new services over the same file, with a clock at the same time as the old one.
    """
    await world.bot.close()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    await world.db.close()
    world.db = await Database.open(world.db.target)
    world.services = Services.build(world.db, world.clock)
    world.bot = SlateBot(world.bot.settings, world.services, guild_ready_timeout=0.05)
    new_task = asyncio.create_task(world.bot.start(world.discord.token))
    await asyncio.wait_for(world.bot.wait_until_ready(), 15)
    return new_task


def reminder_scheduler(world: World) -> ReminderScheduler:
    """The running bot's reminder scheduler."""
    cog = world.bot.get_cog("Reminders")
    assert cog is not None
    return cog.scheduler  # type: ignore[attr-defined, no-any-return]
