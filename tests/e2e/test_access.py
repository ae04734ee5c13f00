"""Access: servers the bot is not in are refused; one server's data never shows in another's answers."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from bot.tree import NOT_IN_GUILD
from tests.e2e.conftest import EMPTY_GUILD, GUILD, ORGANISER, World, start_world, stop_world


@pytest_asyncio.fixture
async def fresh(tmp_path: Path) -> AsyncIterator[World]:
    world, task = await start_world(tmp_path / "slatebot.db")
    yield world
    await stop_world(world, task)


async def test_an_interaction_from_a_server_the_bot_left_is_refused(fresh: World) -> None:
    """After the bot is removed from a server, its commands there are refused and autocomplete is empty."""
    await fresh.services.elections.add(EMPTY_GUILD, ORGANISER, "Left Behind 2025")
    await fresh.discord.dispatch_event("GUILD_DELETE", {"id": str(EMPTY_GUILD)})
    for _ in range(50):
        if fresh.bot.get_guild(EMPTY_GUILD) is None:
            break
        await asyncio.sleep(0.05)
    assert fresh.bot.get_guild(EMPTY_GUILD) is None
    before = await fresh.dump()
    reply = await fresh.discord.invoke("/ballot", guild=EMPTY_GUILD, user="newcomer")
    assert reply.ephemeral
    assert NOT_IN_GUILD in reply.text()
    assert "Left Behind" not in reply.text()
    choices = await fresh.discord.autocomplete("ballot", "election", "", guild=EMPTY_GUILD, user="newcomer")
    assert choices == []
    assert await fresh.dump() == before
    still = await fresh.discord.invoke("/ballot", guild=GUILD)
    assert "NEC 2025" in still.text()


async def test_export_and_audit_show_only_this_servers_data(fresh: World) -> None:
    """An organiser of the empty server exports and audits nothing of the sample server's."""
    await fresh.services.guilds.set_organiser_role(EMPTY_GUILD, 0, None)
    fresh.discord.add_member(EMPTY_GUILD, "boss", roles=[])
    guild = fresh.discord.resolve_guild(EMPTY_GUILD)
    everyone = guild.roles[EMPTY_GUILD]
    await fresh.discord.set_role_permissions(everyone, 0x20 | 0x400 | 0x800, guild=EMPTY_GUILD)
    exported = await fresh.discord.invoke("/organise export", guild=EMPTY_GUILD, user="boss", wait_for_followup=True)
    [file] = exported.files
    text = file.data.decode()
    assert "NEC 2025" not in text and "Tom Barker" not in text
    audit = await fresh.discord.invoke("/organise audit", guild=EMPTY_GUILD, user="boss")
    assert "import" not in audit.text()
    assert "settings.organiser_role" in audit.text()
