"""
Where a reminder is posted: the Discord side of the scheduler, and the "date changed" notice.

``bot/scheduling/`` decides when a reminder goes out and records it once Discord accepts it; this module posts
it in the guild's reminder channel (mentioning only the configured role), looks for one already there after a
crash, and DMs the subscribers. Nothing else in the bot writes in the reminder channel.
"""

import logging
from datetime import datetime
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

import discord

from bot.domain.ballot import ballot_is_open
from bot.domain.dates import utc_to_local
from bot.domain.enums import MilestoneKind
from bot.domain.models import GuildConfig
from bot.domain.reminders import Occurrence, ReminderKind, headline, moved_date_phrase, one_line_advice
from bot.domain.text import counted, plain, truncate
from bot.scheduling.poster import DmOutcome, DmSender, PostFailed
from bot.services.changes import TimetableChanged
from cogs._ui import embeds
from cogs.reminders._buttons import ReminderAction, custom_id, reminder_view

if TYPE_CHECKING:
    from bot.app import SlateBot

log = logging.getLogger(__name__)

#: Reminders posted before the reference moved into a button carried it in their embed footer, after this.
LEGACY_REF = "ref "
#: Discord's limit on an embed field's value.
FIELD_LIMIT = 1024
#: How far back in the channel a restarted bot looks for a reminder it may have posted just before a crash.
HISTORY_LOOKBACK = 50


def reminder_embed(occurrence: Occurrence, zone: ZoneInfo, *, late: bool, posted_at: datetime) -> discord.Embed:
    """The reminder's embed: the date as Discord timestamps and a one-line how-to-vote."""
    embed = discord.Embed(
        title=truncate(f"{plain(occurrence.election_name)}: {headline(occurrence, zone, posted_at)}", 256),
        colour=embeds.COLOUR,
    )
    at = occurrence.milestone_at
    embed.description = (
        f"{discord.utils.format_dt(at, 'F')} ({discord.utils.format_dt(at, 'R')})\n{one_line_advice(occurrence.kind)}"
    )
    if late:
        embed.description += "\n*(Posted late: the bot was offline when this reminder was due.)*"
    embed.set_footer(text="Slatebot reminder")
    return embed


class DiscordReminderPoster:
    """Posts reminders with discord.py (which itself retries 429s and 5xx) and DMs subscribers."""

    def __init__(self, bot: "SlateBot") -> None:
        self.bot = bot

    async def _channel(self, occurrence: Occurrence) -> tuple[discord.abc.Messageable, GuildConfig]:
        """The guild's reminder channel and settings, or :class:`PostFailed` saying why it cannot be used."""
        await self.bot.wait_until_ready()
        config = await self.bot.services.reminders.config(occurrence.guild_id)
        if config.reminder_channel_id is None:
            msg = "no reminder channel is set"
            raise PostFailed(msg, permanent=True)
        channel = self.bot.get_channel(config.reminder_channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(config.reminder_channel_id)
            except (discord.NotFound, discord.Forbidden) as exc:
                msg = f"the reminder channel {config.reminder_channel_id} cannot be reached ({exc})"
                raise PostFailed(msg, permanent=True) from exc
            except discord.HTTPException as exc:
                raise PostFailed(str(exc), permanent=False) from exc
        if not isinstance(channel, discord.abc.Messageable):
            msg = f"the reminder channel {config.reminder_channel_id} is not a text channel"
            raise PostFailed(msg, permanent=True)
        return channel, config

    async def post(self, occurrence: Occurrence, *, late: bool) -> int:
        """Post the reminder; only the configured role is mentioned, in the content, never in the embed."""
        channel, config = await self._channel(occurrence)
        zone = ZoneInfo(config.timezone)
        posted_at = self.bot.services.clock.now() if late else occurrence.run_at
        line = headline(occurrence, zone, posted_at)
        role = config.reminder_role_id
        content = f"<@&{role}> {line}" if role else line
        mentions = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(role)] if role else False)
        embed = reminder_embed(occurrence, zone, late=late, posted_at=posted_at)
        is_open = await self._ballot_open(occurrence, posted_at)
        if occurrence.kind is ReminderKind.NOMINATIONS_CLOSE:
            await self._add_short_of_target(embed, occurrence)
        if is_open:
            count = await self.bot.services.turnout.pledge_count(occurrence.guild_id, occurrence.election_id)
            said = counted(count, "member has", "members have")
            embed.add_field(name="Posted yours?", value=f"{said} said they've posted their ballot paper.")
        try:
            message = await channel.send(
                content=content,
                embed=embed,
                view=reminder_view(occurrence.election_id, occurrence.reference, ballot_open=is_open),
                allowed_mentions=mentions,
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            raise PostFailed(f"Discord refused the post: {exc}", permanent=True) from exc
        except discord.HTTPException as exc:
            raise PostFailed(f"Discord error: {exc}", permanent=False) from exc
        except (TimeoutError, OSError) as exc:
            raise PostFailed(f"network error: {exc}", permanent=False) from exc
        return message.id

    async def _add_short_of_target(self, embed: discord.Embed, occurrence: Occurrence) -> None:
        """Name the slate candidates still short of the nomination target, and the branches yet to nominate them."""
        services = self.bot.services
        election = await services.reminders.election(occurrence.guild_id, occurrence.election_id)
        if election is None:
            return
        standings = await services.nominations.standings_of(occurrence.guild_id, election)
        short = standings.short()
        if standings.target is None:
            return
        if not short:
            embed.add_field(name="Nominations", value="Every slate candidate has reached the target.", inline=False)
            return
        bodies = await services.nominations.bodies(occurrence.guild_id)
        lines = []
        for row in short:
            have = {b.body.casefold() for b in row.bodies}
            missing = [plain(b) for b in bodies if b.casefold() not in have]
            hint = f"; not yet from {', '.join(missing[:6])}{', …' if len(missing) > 6 else ''}" if missing else ""
            lines.append(f"**{plain(row.candidate.name)}**: {row.count} of {standings.target}{hint}")
        more = "\n… and more: `/nominations`"
        kept: list[str] = []
        for line in lines:
            if len("\n".join([*kept, line])) + len(more) > FIELD_LIMIT:
                break
            kept.append(line)
        value = "\n".join(kept) + (more if len(kept) < len(lines) else "")
        embed.add_field(name=f"Still short of {standings.target} nominations", value=value, inline=False)

    async def _ballot_open(self, occurrence: Occurrence, at: datetime) -> bool:
        """Whether the reminder's election has its ballot open at ``at`` (then the pledge buttons show)."""
        election = await self.bot.services.reminders.election(occurrence.guild_id, occurrence.election_id)
        return election is not None and ballot_is_open(election, at)

    async def already_posted(self, occurrence: Occurrence) -> int | None:
        """
        Look through the channel's recent messages for this reminder's reference.

        The reference rides in the custom id of the reminder's first button: Discord keeps a component's custom
        id with the message and returns it when history is read, but never shows it to members. (A message
        nonce is not returned with history, and Discord de-duplicates nonces for a few minutes only, so it
        could not do this job.) Reminders posted by earlier releases carry it in their embed footer instead.
        """
        try:
            channel, _ = await self._channel(occurrence)
            wanted = custom_id(ReminderAction.STATEMENTS, occurrence.election_id, occurrence.reference)
            legacy = f"{LEGACY_REF}{occurrence.job_id}"
            async for message in channel.history(limit=HISTORY_LOOKBACK):
                if self.bot.user and message.author.id != self.bot.user.id:
                    continue
                if wanted in _custom_ids(message) or any(legacy in (e.footer.text or "") for e in message.embeds):
                    return message.id
        except (PostFailed, discord.HTTPException):
            log.warning("Could not read the reminder channel's history for %s", occurrence.job_id, exc_info=True)
        return None

    async def dm_sender(self, occurrence: Occurrence) -> DmSender:
        """The reminder's DM, built once; each call sends it to one subscriber."""
        config = await self.bot.services.reminders.config(occurrence.guild_id)
        zone = ZoneInfo(config.timezone)
        posted_at = self.bot.services.clock.now()
        content = headline(occurrence, zone, posted_at)
        embed = reminder_embed(occurrence, zone, late=False, posted_at=posted_at)

        async def send(user_id: int) -> DmOutcome:
            try:
                # Open (or reuse) the DM channel by id: no user lookup, so a DM is two requests at most (DM_COST).
                channel = await self.bot.create_dm(discord.Object(user_id))
                await channel.send(content=content, embed=embed, allowed_mentions=discord.AllowedMentions.none())
            except discord.Forbidden:
                log.info("Subscriber %s has DMs closed; skipped", user_id)
                return DmOutcome.CLOSED
            except (discord.HTTPException, TimeoutError, OSError):
                log.warning("Could not DM subscriber %s", user_id, exc_info=True)
                return DmOutcome.FAILED
            return DmOutcome.SENT

        return send

    async def date_changed(self, change: TimetableChanged) -> None:
        """
        Tell the reminder channel that a reminded date moved (see :func:`bot.domain.reminders.announces_move`).

        Best effort and without a ping: the reminders themselves move with the date whether or not this is read.
        """
        reminders = self.bot.services.reminders
        config = await reminders.config(change.guild_id)
        election = await reminders.election(change.guild_id, cast(int, change.election_id))
        if election is None or not config.reminders_enabled or config.reminder_channel_id is None:
            return
        channel = self.bot.get_channel(config.reminder_channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return
        zone = ZoneInfo(config.timezone)
        kind = cast(MilestoneKind, change.kind)
        after = cast(datetime, change.after)
        before = cast(datetime, change.before)
        fmt = "%A %-d %B at %H:%M"
        text = (
            f"**Date changed:** {plain(election.name)}: {moved_date_phrase(kind)} "
            f"{discord.utils.format_dt(after, 'F')} (it was {utc_to_local(before, zone).strftime(fmt)}). "
            "Reminders have moved with it."
        )
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            log.warning("Could not post the date-changed notice in guild %s", change.guild_id, exc_info=True)


def _custom_ids(message: discord.Message) -> set[str]:
    """The custom ids of a message's buttons and menus (in action rows or on their own)."""
    found: set[str] = set()
    for component in message.components:
        children = component.children if isinstance(component, discord.ActionRow) else [component]
        for child in children:
            child_id = getattr(child, "custom_id", None)
            if isinstance(child_id, str):
                found.add(child_id)
    return found
