"""The command tree's hash per scope: a restart with the same commands is told it need not sync."""

from bot.services.command_sync import tree_digest
from bot.services.container import Services

TREE = [{"name": "ballot", "description": "The ballot", "options": []}]


async def test_a_recorded_tree_is_synced_only_in_its_own_scope(services: Services) -> None:
    """After record(), the same digest counts as synced for that scope and no other."""
    digest = tree_digest(TREE)
    assert not await services.command_sync.is_synced("global", digest)
    await services.command_sync.record("global", digest)
    assert await services.command_sync.is_synced("global", digest)
    assert not await services.command_sync.is_synced("guild:42", digest)


async def test_a_changed_tree_is_not_synced(services: Services) -> None:
    """A tree whose payload differs from the recorded one needs a sync."""
    await services.command_sync.record("global", tree_digest(TREE))
    changed = [{**TREE[0], "description": "Your ballot"}]
    assert not await services.command_sync.is_synced("global", tree_digest(changed))


def test_the_digest_ignores_key_order() -> None:
    """Two payloads equal but for the order of their keys have one digest."""
    reordered = [{"options": [], "description": "The ballot", "name": "ballot"}]
    assert tree_digest(TREE) == tree_digest(reordered)
    assert tree_digest(TREE) != tree_digest([])
