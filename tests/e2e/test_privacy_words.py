"""/privacy through the local Discord: what it says, and when it offers to erase."""

import pytest

from tests.e2e.conftest import ACTIVIST, EMPTY_GUILD, GUILD, World

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _erase_buttons(components: list[dict[str, object]]) -> list[dict[str, object]]:
    """The erase buttons among a message's components."""
    found: list[dict[str, object]] = []
    for row in components:
        inner = row.get("components")
        if isinstance(inner, list):
            found += [c for c in inner if isinstance(c, dict) and c.get("custom_id") == "privacy:erase"]
    return found


async def test_privacy_with_nothing_stored_says_so_and_offers_no_enabled_erase_button(world: World) -> None:
    """A member with nothing stored is told plainly that nothing is stored, with no enabled erase button."""
    assert (await world.services.privacy.held(EMPTY_GUILD, world.discord.resolve_user("newcomer").id)).empty
    before = await world.settled_dump()
    reply = await world.discord.invoke("/privacy", guild=EMPTY_GUILD, user="newcomer")
    assert reply.ephemeral
    text = reply.text()
    assert "stores nothing about you" in text
    assert "Erasing removes" not in text
    assert all(button.get("disabled") for button in _erase_buttons(reply.components))
    assert await world.settled_dump() == before


async def test_privacy_with_a_subscription_still_offers_the_erase_button(world: World) -> None:
    """A subscribed member sees what is stored and an enabled erase button, which erases it."""
    await world.discord.invoke("/reminders subscribe", user=ACTIVIST)
    reply = await world.discord.invoke("/privacy", user=ACTIVIST)
    text = reply.text()
    assert "reminder subscription" in text
    assert "stores nothing about you" not in text
    [button] = _erase_buttons(reply.components)
    assert not button.get("disabled")
    erased = await world.discord.click(reply, "privacy:erase", user=ACTIVIST)
    assert "erased" in erased.text()
    assert (await world.services.privacy.held(GUILD, ACTIVIST)).empty
    again = await world.discord.invoke("/privacy", user=ACTIVIST)
    assert "stores nothing about you" in again.text()
    assert all(button.get("disabled") for button in _erase_buttons(again.components))
