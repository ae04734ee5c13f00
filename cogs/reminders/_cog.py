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

from bot.domain.reminders import Claim, announces_move
from bot.scheduling.pacing import DEFAULT_PER_SECOND
from bot.scheduling.scheduler import ReminderScheduler
from bot.services.changes import TimetableChanged
from cogs._common import guild_id, services
from cogs.reminders._buttons import ReminderButton
from cogs.reminders._events import BallotEvents
from cogs.reminders._poster import DiscordReminderPoster

if TYPE_CHECKING:
    from bot.app import SlateBot

log = logging.getLogger(__name__)


#: Several processes' pacers run independently and drift in and out of step, and a post's trip to Discord takes a
#: little longer or shorter each time: when the token is shared, each process keeps a little more room.
SHARED_MARGIN = 0.96


def paced_share(share: float) -> float:
    """Requests a second this process's reminders may make: its share of the pacer's rate, less a margin if shared."""
    return DEFAULT_PER_SECOND * share * (1.0 if share >= 1.0 else SHARED_MARGIN)


class Reminders(commands.Cog):
    """Posts ballot reminders and keeps Discord in step with the timetable."""

    reminders = app_commands.Group(name="reminders", description="Reminder DMs before ballot dates", guild_only=True)

    def __init__(self, bot: "SlateBot") -> None:
        self.bot = bot
        self.poster = DiscordReminderPoster(bot)
        # Discord's global limit is per token, shared by every process: each paces at its shards' share of it.
        self.scheduler = ReminderScheduler(
            bot.services.reminders,
            self.poster,
            bot.services.clock,
            per_second=paced_share(bot.settings.shards.share),
            owns=bot.owns,
        )
        self.events = BallotEvents(bot, turn=self._event_turn)

    async def _event_turn(self) -> None:
        """A turn at the reminders' pacer for one scheduled-event request (the pacer is new at each start)."""
        await self.scheduler.pacer.turn()

    async def cog_load(self) -> None:
        """Rebuild the schedule from the database and follow every later change."""
        self.bot.add_dynamic_items(ReminderButton)
        changes = self.bot.services.changes
        changes.subscribe(self.scheduler.on_change)
        changes.subscribe(self.on_timetable_change)
        # Follow the outbox from before the rebuild, so a change another process commits meanwhile is not missed.
        await changes.start()
        await self.scheduler.start()

    async def cog_unload(self) -> None:
        """Stop posting."""
        changes = self.bot.services.changes
        await changes.stop()
        changes.unsubscribe(self.scheduler.on_change)
        changes.unsubscribe(self.on_timetable_change)
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
        """
        Post a "date changed" notice for a moved ballot date, and move the Discord event.

        Only in the guild's own process, and the notice once (claimed first), however many processes read it.
        """
        if not self.bot.owns(change.guild_id):
            return
        if change.election_id is not None and announces_move(change.kind, change.before, change.after):
            claim = await self.bot.services.reminders.claim(change.guild_id, f"notice:{change.change_id}")
            if claim is Claim.TAKEN:
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
