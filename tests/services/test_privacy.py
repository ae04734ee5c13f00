"""Reminder subscriptions and what the bot holds about a member."""

from datetime import timedelta

from bot.services.container import Services
from bot.services.privacy import ERASED_ACTOR
from tests.fakes import GUILD, ORGANISER, OTHER_GUILD, FakeClock

MEMBER = 500


async def test_subscribe_is_idempotent_and_records_when(services: Services, clock: FakeClock) -> None:
    """The first subscribe returns True and records the time; a second returns False and keeps it."""
    assert await services.privacy.subscribe(GUILD, MEMBER) is True
    subscribed_at = clock.now()
    clock.advance(timedelta(days=1))
    assert await services.privacy.subscribe(GUILD, MEMBER) is False
    assert (await services.privacy.held(GUILD, MEMBER)).subscribed_at == subscribed_at
    assert await services.repos.subscribers.subscribers(GUILD) == [MEMBER]


async def test_unsubscribe_removes_the_subscription_once(services: Services) -> None:
    """Unsubscribing returns True once and False when not subscribed."""
    await services.privacy.subscribe(GUILD, MEMBER)
    assert await services.privacy.unsubscribe(GUILD, MEMBER) is True
    assert await services.privacy.unsubscribe(GUILD, MEMBER) is False
    assert (await services.privacy.held(GUILD, MEMBER)).empty


async def test_held_reports_the_subscription_and_audit_entries(services: Services) -> None:
    """held() counts the member's own audit entries and their subscription, nothing of others'."""
    await services.privacy.subscribe(GUILD, ORGANISER)
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.add(GUILD, 7, "NEC 2027")
    held = await services.privacy.held(GUILD, ORGANISER)
    assert (held.subscribed_at is not None, held.audit_entries, held.empty) == (True, 1, False)
    assert (await services.privacy.held(GUILD, MEMBER)).empty


async def test_erase_deletes_the_subscription_and_anonymises_the_audit_actor(services: Services) -> None:
    """erase() returns what was held, removes the subscription and replaces the actor id in the audit log."""
    await services.privacy.subscribe(GUILD, ORGANISER)
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.rename(GUILD, ORGANISER, "NEC 2025", "NEC 2025 (UNISON)")
    await services.elections.add(GUILD, 7, "NEC 2027")

    was = await services.privacy.erase(GUILD, ORGANISER)
    assert (was.subscribed_at is not None, was.audit_entries) == (True, 2)
    assert (await services.privacy.held(GUILD, ORGANISER)).empty
    entries = await services.audit.recent(GUILD)
    assert [e.actor_id for e in entries] == [7, ERASED_ACTOR, ERASED_ACTOR]
    assert [e.action for e in entries] == ["election.add", "election.rename", "election.add"]


async def test_erase_in_one_guild_keeps_the_member_in_another(services: Services) -> None:
    """Erasing a member in GUILD leaves their subscription and entries in OTHER_GUILD."""
    await services.privacy.subscribe(GUILD, ORGANISER)
    await services.privacy.subscribe(OTHER_GUILD, ORGANISER)
    await services.elections.add(OTHER_GUILD, ORGANISER, "NEC 2025")
    await services.privacy.erase(GUILD, ORGANISER)
    other = await services.privacy.held(OTHER_GUILD, ORGANISER)
    assert (other.subscribed_at is not None, other.audit_entries) == (True, 1)
