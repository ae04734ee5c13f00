"""
``/reminders subscribe|unsubscribe``, and the listeners that keep reminders and the ballot event in step.

The cog owns the scheduler for as long as it is loaded: ``bot/scheduling/`` decides when each reminder is due,
``_poster.py`` posts it, ``_events.py`` mirrors the ballot window as a Discord event.
"""

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.reminders import announces_move
from bot.scheduling.scheduler import ReminderScheduler
from bot.services.changes import TimetableChanged
from cogs._common import guild_id, services
from cogs.reminders._buttons import ReminderButton
from cogs.reminders._events import BallotEvents
from cogs.reminders._poster import DiscordReminderPoster

if TYPE_CHECKING:
    from bot.app import SlateBot

log = logging.getLogger(__name__)


class Reminders(commands.Cog):
    """Posts ballot reminders and keeps Discord in step with the timetable."""

    reminders = app_commands.Group(name="reminders", description="Reminder DMs before ballot dates", guild_only=True)

    def __init__(self, bot: "SlateBot") -> None:
        self.bot = bot
        self.poster = DiscordReminderPoster(bot)
        self.scheduler = ReminderScheduler(bot.services.reminders, self.poster, bot.services.clock)
        self.events = BallotEvents(bot)

    async def cog_load(self) -> None:
        """Rebuild the schedule from the database and follow every later change."""
        self.bot.add_dynamic_items(ReminderButton)
        self.bot.services.changes.subscribe(self.scheduler.on_change)
        self.bot.services.changes.subscribe(self.on_timetable_change)
        await self.scheduler.start()

    async def cog_unload(self) -> None:
        """Stop posting."""
        self.bot.services.changes.unsubscribe(self.scheduler.on_change)
        self.bot.services.changes.unsubscribe(self.on_timetable_change)
        await self.scheduler.stop()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Bring every guild's ballot-window event in step once the bot can see its guilds."""
        for guild in self.bot.guilds:
            try:
                await self.events.sync(guild.id)
            except Exception:
                if self.bot.is_closed():
                    return  # shutting down while this ran: the next start syncs again
                log.exception("Could not bring the ballot events of guild %s in step", guild.id)

    async def on_timetable_change(self, change: TimetableChanged) -> None:
        """Post a "date changed" notice for a moved ballot date, and move the Discord event."""
        if change.election_id is not None and announces_move(change.kind, change.before, change.after):
            await self.poster.date_changed(change)
        await self.events.sync(change.guild_id)

    @reminders.command(name="subscribe")
    async def reminders_subscribe(self, interaction: discord.Interaction) -> None:
        """Get ballot reminders by direct message too."""
        added = await services(interaction).privacy.subscribe(guild_id(interaction), interaction.user.id)
        text = (
            "You will get ballot reminders by direct message. `/reminders unsubscribe` stops them."
            if added
            else "You are already subscribed to reminder DMs."
        )
        await interaction.response.send_message(
            f"{text}\nThe bot stores only your user id for this; `/privacy` shows it.", ephemeral=True
        )

    @reminders.command(name="unsubscribe")
    async def reminders_unsubscribe(self, interaction: discord.Interaction) -> None:
        """Stop reminder direct messages."""
        removed = await services(interaction).privacy.unsubscribe(guild_id(interaction), interaction.user.id)
        text = "Done: no more reminder DMs; your subscription is deleted." if removed else "You were not subscribed."
        await interaction.response.send_message(text, ephemeral=True)
