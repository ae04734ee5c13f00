"""
The Discord scheduled event of each ballot window: carries out :func:`bot.domain.events.plan_events`.

The rules (which events a guild should have, and how an existing one must change) are pure and live in
``bot/domain/events.py``; this module only talks to Discord and keeps the election-to-event links.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.events import DESCRIPTION, DESCRIPTION_LIMIT, LOCATION, WantedEvent, event_edit, plan_events
from bot.domain.text import truncate

if TYPE_CHECKING:
    from bot.app import SlateBot

log = logging.getLogger(__name__)


class BallotEvents:
    """Keeps each guild's Discord scheduled events in step with its ballot windows."""

    def __init__(self, bot: "SlateBot", turn: Callable[[], Awaitable[None]] | None = None) -> None:
        self.bot = bot
        # A listener and on_ready may sync the same guild at once; without the lock both would create its event.
        self._lock = asyncio.Lock()
        #: Waits for a turn at the reminders' pacer before each request: a thousand guilds' events at start-up
        #: must stay under Discord's global limit with the reminders (and the other processes) on the same token.
        self._turn = turn

    async def sync(self, guild_id: int) -> None:
        """Create, move or delete the Discord scheduled event of each election's ballot window."""
        if self.bot.is_closed():
            return
        guild = self.bot.get_guild(guild_id)
        if guild is None or guild.me is None or not guild.me.guild_permissions.manage_events:
            return
        async with self._lock:
            reminders = self.bot.services.reminders
            links = await reminders.event_links(guild_id)
            plan = plan_events(await reminders.elections(guild_id), links, reminders.now())
            for event_id in plan.delete:
                await self._delete(guild, event_id)
            for wanted in plan.keep:
                await self._keep(guild, wanted)

    async def _paced(self) -> None:
        """Wait for a turn to send a request, when the events are paced."""
        if self._turn is not None:
            await self._turn()

    async def _delete(self, guild: discord.Guild, event_id: int) -> None:
        """Delete the event (already gone is fine) and forget its link; keep the link if Discord failed."""
        try:
            event = guild.get_scheduled_event(event_id) or await guild.fetch_scheduled_event(event_id)
            await self._paced()
            await event.delete()
        except discord.NotFound:
            pass
        except discord.HTTPException:
            log.warning("Could not delete scheduled event %s", event_id, exc_info=True)
            return
        await self.bot.services.reminders.unlink_event(guild.id, event_id)

    async def _keep(self, guild: discord.Guild, wanted: WantedEvent) -> None:
        """Move the linked event to match ``wanted``; create (and link) one when there is none or it was deleted."""
        reminders = self.bot.services.reminders
        try:
            if wanted.event_id is not None:
                try:
                    event = guild.get_scheduled_event(wanted.event_id) or await guild.fetch_scheduled_event(
                        wanted.event_id
                    )
                except discord.NotFound:
                    await reminders.unlink_event(guild.id, wanted.event_id)
                else:
                    edit = event_edit(event.start_time, event.end_time, event.name, wanted, reminders.now())
                    if edit is not None:
                        changes: dict[str, Any] = {"name": edit.name, "end_time": edit.end}
                        if edit.start is not None:
                            changes["start_time"] = edit.start
                        await self._paced()
                        await event.edit(**changes)
                    return
            await self._paced()
            event = await guild.create_scheduled_event(
                name=wanted.name,
                start_time=wanted.start,
                end_time=wanted.end,
                entity_type=discord.EntityType.external,
                privacy_level=discord.PrivacyLevel.guild_only,
                location=LOCATION,
                description=truncate(DESCRIPTION, DESCRIPTION_LIMIT),
            )
            await reminders.link_event(guild.id, wanted.election.id, event.id)
        except discord.HTTPException:
            log.warning("Could not create or move the ballot event for %s", wanted.election.name, exc_info=True)
