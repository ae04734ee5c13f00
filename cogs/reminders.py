"""
Ballot reminders on Discord.

The poster the scheduler uses, the persistent buttons on every reminder, the "date changed" notice, the
scheduled event mirroring each ballot window, and ``/reminders subscribe|unsubscribe``.
"""

import asyncio
import logging
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.dates import utc_to_local
from bot.domain.enums import ElectorateType, MilestoneKind
from bot.domain.models import Election, GuildConfig
from bot.domain.reminders import REMINDED_MILESTONES, Occurrence, headline, moved_date_phrase, one_line_advice
from bot.domain.text import plain, truncate
from bot.errors import NotFound
from bot.scheduling.poster import DmOutcome, DmSender, PostFailed
from bot.scheduling.scheduler import ReminderScheduler
from bot.services.changes import TimetableChanged
from cogs._common import guild_id, services
from cogs._ui import embeds
from cogs._ui.pages import Pages, answers_errors
from cogs.slate import SlatePages

if TYPE_CHECKING:
    from bot.app import SlateBot

log = logging.getLogger(__name__)

STATEMENTS_LABEL = "Read candidate statements"
HOW_TO_VOTE_LABEL = "How to vote"
#: Reminders posted before the reference moved into the button carried it in their embed footer, after this.
LEGACY_REF = "ref "
STATEMENTS_ID = "reminder:statements:"
HISTORY_LOOKBACK = 50
EVENT_LOCATION = "Postal ballot: papers go to members' home addresses"


def reference(occurrence: Occurrence) -> str:
    """
    What, besides its election, tells this reminder apart in its channel: ``ballot_open:1745222400:1d``.

    It rides in the custom id of the reminder's "Read candidate statements" button
    (``reminder:statements:<election>:<reference>``). Discord keeps a component's custom id with the message
    and returns it in the channel's history, but never shows it to members: so after a crash between Discord
    accepting a post and the ledger recording it, the restarted bot finds the post instead of repeating it,
    and members never read an internal id. (A message nonce is not returned when history is read back, and
    Discord only de-duplicates nonces for a few minutes, so it could not do this job.)
    """
    return f"{occurrence.kind.value}:{int(occurrence.milestone_at.timestamp())}:{occurrence.offset}"


def statements_custom_id(election_id: int, ref: str | None = None) -> str:
    """The statements button's custom id, with the reminder's reference when it is on a channel reminder."""
    return f"{STATEMENTS_ID}{election_id}" + (f":{ref}" if ref else "")


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


class StatementsButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"reminder:statements:(?P<e>\d+)(?::(?P<ref>[a-z_]+:\d+:\w+))?",
):
    """Opens the slate's statements for the reminder's election; works after a restart; carries its reference."""

    def __init__(self, election_id: int, ref: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=STATEMENTS_LABEL,
                style=discord.ButtonStyle.primary,
                custom_id=statements_custom_id(election_id, ref),
            )
        )
        self.election_id = election_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> "StatementsButton":
        """Rebuild the button from its custom id (after a restart too)."""
        return cls(int(match["e"]), match["ref"])

    @answers_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        """Answer the clicker, privately, with the slate's candidates and their statements."""
        name = await _election_name(interaction, self.election_id)
        overview = await services(interaction).campaign.overview(guild_id(interaction), name)
        if not overview.slate_candidate_list:
            await interaction.response.send_message("No slate candidates are listed yet.", ephemeral=True)
            return
        seat_names = {s.seat.id: s.seat.name for s in overview.seats}
        view = SlatePages(embeds.slate_pages(overview), seat_names, owner_id=interaction.user.id)
        await view.send(interaction, ephemeral=True)


class RegionSelect(discord.ui.Select["Pages"]):
    """Pick your region to see your own ballot papers."""

    def __init__(self, election: str, regions: list[str]) -> None:
        super().__init__(
            placeholder="Your region…",
            options=[discord.SelectOption(label=truncate(r, 100), value=truncate(r, 100)) for r in regions[:25]],
            custom_id="reminder:region",
        )
        self.election = election

    @answers_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the member's papers for that region (service group and groups: use /howtovote)."""
        how = await services(interaction).campaign.how_to_vote(
            guild_id(interaction), region=self.values[0], election=self.election
        )
        pages = embeds.how_to_vote_pages(how)
        pages[-1].add_field(
            name="Your service group and groups",
            value="`/howtovote` with your service group (and groups such as Young members) adds those papers.",
            inline=False,
        )
        await Pages(pages, owner_id=interaction.user.id).send(interaction, ephemeral=True)


class HowToVoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"reminder:howtovote:(?P<e>\d+)"):
    """Explains how to vote, with a region picker; works after a restart."""

    def __init__(self, election_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=HOW_TO_VOTE_LABEL,
                style=discord.ButtonStyle.secondary,
                custom_id=f"reminder:howtovote:{election_id}",
            )
        )
        self.election_id = election_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> "HowToVoteButton":
        """Rebuild the button from its custom id (after a restart too)."""
        return cls(int(match["e"]))

    @answers_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        """The ballot window and post-by day, and a region picker for the member's own papers."""
        name = await _election_name(interaction, self.election_id)
        campaign = services(interaction).campaign
        timetable = await campaign.timetable(guild_id(interaction), name)
        regions = await campaign.electorates(guild_id(interaction), ElectorateType.REGION, name)
        view = Pages([embeds.timetable_embed(timetable)], owner_id=interaction.user.id)
        if regions:
            view.add_item(RegionSelect(name, regions))
        await view.send(interaction, ephemeral=True)


async def _election_name(interaction: discord.Interaction, election_id: int) -> str:
    election = await services(interaction).reminders.election(guild_id(interaction), election_id)
    if election is None:
        msg = "That election is no longer in the bot: ask an organiser."
        raise NotFound(msg)
    return election.name


def reminder_view(election_id: int, ref: str | None = None) -> discord.ui.View:
    """The two persistent buttons of a reminder (the first carrying the reminder's reference, when given)."""
    view = discord.ui.View(timeout=None)
    view.add_item(StatementsButton(election_id, ref))
    view.add_item(HowToVoteButton(election_id))
    return view


def channel_problems(bot: discord.Client, config: GuildConfig) -> list[str]:
    """What stops reminders (or the scheduled event) in this guild, in words, for the preview."""
    problems: list[str] = []
    if config.reminder_channel_id is None:
        problems.append("No reminder channel is set: use `/organise reminders channel`.")
    elif not config.reminders_enabled:
        problems.append("Reminders are off: `/organise reminders channel` turns them on again.")
    guild = bot.get_guild(config.guild_id)
    if guild is None:
        problems.append("The bot cannot see this server right now.")
        return problems
    me = guild.me
    if config.reminder_channel_id is not None:
        channel = guild.get_channel(config.reminder_channel_id)
        if channel is None:
            problems.append("The reminder channel no longer exists or the bot cannot see it.")
        elif me is not None:
            perms = channel.permissions_for(me)
            missing = [
                label
                for label, ok in (
                    ("View Channel", perms.view_channel),
                    ("Send Messages", perms.send_messages),
                    ("Embed Links", perms.embed_links),
                    ("Read Message History", perms.read_message_history),
                )
                if not ok
            ]
            if missing:
                problems.append(f"In <#{channel.id}> the bot lacks: {', '.join(missing)}.")
    if me is not None and not me.guild_permissions.manage_events:
        problems.append("The bot lacks Manage Events, so it cannot keep a Discord event for the ballot window.")
    return problems


class DiscordReminderPoster:
    """Posts reminders with discord.py (which itself retries 429s and 5xx) and DMs subscribers."""

    def __init__(self, bot: "SlateBot") -> None:
        self.bot = bot

    async def _channel(self, occurrence: Occurrence) -> tuple[discord.abc.Messageable, GuildConfig]:
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
        try:
            message = await channel.send(
                content=content,
                embed=reminder_embed(occurrence, zone, late=late, posted_at=posted_at),
                view=reminder_view(occurrence.election_id, reference(occurrence)),
                allowed_mentions=mentions,
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            raise PostFailed(f"Discord refused the post: {exc}", permanent=True) from exc
        except discord.HTTPException as exc:
            raise PostFailed(f"Discord error: {exc}", permanent=False) from exc
        except (TimeoutError, OSError) as exc:
            raise PostFailed(f"network error: {exc}", permanent=False) from exc
        return message.id

    async def already_posted(self, occurrence: Occurrence) -> int | None:
        """Look through the channel's recent messages for this reminder's reference (in its button's custom id)."""
        try:
            channel, _ = await self._channel(occurrence)
            wanted = statements_custom_id(occurrence.election_id, reference(occurrence))
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


class Reminders(commands.Cog):
    """Posts ballot reminders and keeps Discord in step with the timetable."""

    reminders = app_commands.Group(name="reminders", description="Reminder DMs before ballot dates", guild_only=True)

    def __init__(self, bot: "SlateBot") -> None:
        self.bot = bot
        self.scheduler = ReminderScheduler(bot.services.reminders, DiscordReminderPoster(bot), bot.services.clock)
        self._event_lock = asyncio.Lock()

    async def cog_load(self) -> None:
        """Rebuild the schedule from the database and follow every later change."""
        self.bot.add_dynamic_items(StatementsButton, HowToVoteButton)
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
                await self.sync_events(guild.id)
            except Exception:
                if self.bot.is_closed():
                    return  # shutting down while this ran: the next start syncs again
                log.exception("Could not bring the ballot events of guild %s in step", guild.id)

    async def on_timetable_change(self, change: TimetableChanged) -> None:
        """Post a "date changed" notice for a moved ballot date, and move the Discord event."""
        if (
            change.kind in REMINDED_MILESTONES
            and change.before is not None
            and change.after is not None
            and change.before != change.after
            and change.election_id is not None
        ):
            await self._notice(change)
        await self.sync_events(change.guild_id)

    async def _notice(self, change: TimetableChanged) -> None:
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

    async def sync_events(self, guild_id_: int) -> None:
        """Create, move or delete the Discord scheduled event of each election's ballot window."""
        if self.bot.is_closed():
            return
        guild = self.bot.get_guild(guild_id_)
        if guild is None or guild.me is None or not guild.me.guild_permissions.manage_events:
            return
        async with self._event_lock:
            reminders = self.bot.services.reminders
            links = await reminders.event_links(guild_id_)
            elections = {e.id: e for e in await reminders.elections(guild_id_)}
            for election_id, event_id in links.items():
                if election_id not in elections or _window(elections[election_id], reminders.now()) is None:
                    await self._delete_event(guild, event_id)
            for election in elections.values():
                window = _window(election, reminders.now())
                if window is not None:
                    await self._upsert_event(guild, election, window, links.get(election.id))

    async def _delete_event(self, guild: discord.Guild, event_id: int) -> None:
        try:
            event = guild.get_scheduled_event(event_id) or await guild.fetch_scheduled_event(event_id)
            await event.delete()
        except discord.NotFound:
            pass
        except discord.HTTPException:
            log.warning("Could not delete scheduled event %s", event_id, exc_info=True)
            return
        await self.bot.services.reminders.unlink_event(guild.id, event_id)

    async def _upsert_event(
        self, guild: discord.Guild, election: Election, window: tuple[datetime, datetime], event_id: int | None
    ) -> None:
        start, end = window
        name = truncate(f"{election.name}: ballot open", 100)
        description = truncate(
            "The postal ballot is open. Papers must arrive by the close; use /howtovote to see your own papers.",
            1000,
        )
        try:
            if event_id is not None:
                try:
                    event = guild.get_scheduled_event(event_id) or await guild.fetch_scheduled_event(event_id)
                except discord.NotFound:
                    await self.bot.services.reminders.unlink_event(guild.id, event_id)
                else:
                    # An event that has started keeps its start; Discord refuses to move it.
                    started = event.start_time <= self.bot.services.reminders.now()
                    wanted_start = event.start_time if started else start
                    if (event.start_time, event.end_time, event.name) != (wanted_start, end, name):
                        changes: dict[str, Any] = {"name": name, "end_time": end}
                        if not started:
                            changes["start_time"] = start
                        await event.edit(**changes)
                    return
            event = await guild.create_scheduled_event(
                name=name,
                start_time=start,
                end_time=end,
                entity_type=discord.EntityType.external,
                privacy_level=discord.PrivacyLevel.guild_only,
                location=EVENT_LOCATION,
                description=description,
            )
            await self.bot.services.reminders.link_event(guild.id, election.id, event.id)
        except discord.HTTPException:
            log.warning("Could not create or move the ballot event for %s", election.name, exc_info=True)

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


def _custom_ids(message: discord.Message) -> set[str]:
    """The custom ids of a message's buttons and menus (in action rows or on their own)."""
    found: set[str] = set()
    for component in message.components:
        children = component.children if isinstance(component, discord.ActionRow) else [component]
        for child in children:
            custom_id = getattr(child, "custom_id", None)
            if isinstance(custom_id, str):
                found.add(custom_id)
    return found


def _window(election: Election, now: datetime) -> tuple[datetime, datetime] | None:
    """The ballot window to mirror as an event: both ends dated and the close still ahead."""
    opens = election.at(MilestoneKind.BALLOT_OPEN)
    close = election.at(MilestoneKind.BALLOT_CLOSE)
    if opens is None or close is None or close <= now:
        return None
    # Discord refuses an event that starts in the past: an open window's event starts in a minute.
    return max(opens, now + timedelta(minutes=1)), close


async def setup(bot: "SlateBot") -> None:
    """Load the Reminders cog."""
    await bot.add_cog(Reminders(bot))
