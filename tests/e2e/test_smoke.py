"""The real bot connects to the local Discord, syncs its tree, and answers within Discord's deadline."""

from pathlib import Path

import pytest

from tests.e2e.conftest import World, restart_bot, start_world, stop_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

TOP_LEVEL = {
    "slate",
    "candidate",
    "seat",
    "howtovote",
    "ballot",
    "platform",
    "calendar",
    "privacy",
    "reminders",
    "organise",
}


async def test_tree_syncs_and_passes_the_spec_and_naming_checks(world: World) -> None:
    """Every command is registered; the stand-in checked the sync against the spec and Discord's limits."""
    names = {c["name"] for c in world.discord.commands(global_=True)}
    assert names >= TOP_LEVEL
    syncs = world.discord.requests_matching("PUT", r"/applications/\d+/commands$")
    assert syncs and syncs[-1].status == 200


async def test_ballot_answers_in_time(world: World) -> None:
    """/ballot answers with an ephemeral embed inside the window."""
    reply = await world.discord.invoke("/ballot")
    assert reply.ok
    assert reply.ephemeral
    assert "Ballot open now" in reply.text()


async def test_commands_are_synced_only_when_the_tree_changed(tmp_path: Path) -> None:
    """A restart with the same commands sends no sync; the hash of what was synced is kept in the database."""
    world, task = await start_world(tmp_path / "sync.db")
    try:
        syncs = world.discord.requests_matching("PUT", r"/applications/\d+/commands$")
        assert len(syncs) == 1
        task = await restart_bot(world, task)
        assert len(world.discord.requests_matching("PUT", r"/applications/\d+/commands$")) == 1
    finally:
        await stop_world(world, task)
