"""
``/organise meeting add|post`` and ``/organise motion add|vote``: the record after the election, a mixin of Organise.

The Organise cog's check applies to every command here (Manage Server or the organiser role), and every reply
is ephemeral. A posted report pings nobody: the bot's default allowed mentions are none, and the post says so
again, so a name or a motion's wording can never mention anyone.
"""

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.models import VoteCast
from bot.domain.record import long_date, meeting_label, outcome_sentence
from bot.domain.text import counted, plain, truncate
from bot.errors import InvalidInput
from bot.services.record import AddedMotion, RecordedVote
from cogs._autocomplete import meeting_autocomplete, member_autocomplete, motion_autocomplete
from cogs._common import guild_id, services
from cogs._ui import embeds

VOTE_CHOICES = [app_commands.Choice(name=v.value, value=v.value) for v in VoteCast]
#: What the bot needs in a channel to post a meeting's report there (in a thread, Send Messages in Threads).
_POST_NEEDS = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
)
_THREAD_NEEDS = (
    ("view_channel", "View Channel"),
    ("send_messages_in_threads", "Send Messages in Threads"),
    ("embed_links", "Embed Links"),
)

#: How the reply to a vote reads: "**Zoë Hartley** voted **against** motion 1 of …".
_VOTED = {
    VoteCast.FOR: "voted **for**",
    VoteCast.AGAINST: "voted **against**",
    VoteCast.ABSTAIN: "**abstained** on",
    VoteCast.ABSENT: "was **absent** for",
}


def _motion_added_text(added: AddedMotion) -> str:
    """The reply to ``/organise motion add``: which motion of which meeting, and how it went."""
    motion = added.motion
    wording = plain(truncate(" ".join(motion.text.split()), 200))
    lines = [
        f"Recorded motion {added.number} of **{plain(meeting_label(added.meeting))}**: “{wording}”.",
        f"**{outcome_sentence(motion)}**",
    ]
    if motion.carried_flag is not None and motion.carried_flag != (motion.votes_for > motion.votes_against):
        lines.append(f"(Recorded as {'carried' if motion.carried else 'defeated'} on your word, not by the figures.)")
    lines.append("Next: `/organise motion vote` records how each of our members voted on it.")
    return "\n".join(lines)


def _vote_text(recorded: RecordedVote) -> str:
    """The reply to ``/organise motion vote``: who voted how on which motion (and a note for a new name)."""
    name = plain(recorded.vote.member)
    wording = plain(truncate(" ".join(recorded.motion.text.split()), 120))
    where = f"motion {recorded.number} of **{plain(meeting_label(recorded.meeting))}** (“{wording}”)"
    lines = [f"Recorded: **{name}** {_VOTED[recorded.vote.vote]} {where}."]
    if not recorded.known:
        lines.append(
            f"Note: {name} is not among our elected members in the results, nor anyone whose vote was recorded "
            "before; check the spelling if that is not a new name."
        )
    return "\n".join(lines)


class RecordCommands(commands.Cog):
    """Meetings, motions and how our members voted, for organisers (the Organise cog's check applies)."""

    meeting = app_commands.Group(name="meeting", description="Meetings of the body our members sit on")
    motion = app_commands.Group(name="motion", description="Motions put to a meeting, and our members' votes")

    @meeting.command(name="add")
    @app_commands.describe(
        title="e.g. NEC meeting",
        date="The day it met, e.g. 2024-05-23 or 23 May 2024",
        body="Which body met (default: NEC)",
    )
    async def meeting_add(
        self, interaction: discord.Interaction, title: str, date: str, body: str | None = None
    ) -> None:
        """Record a meeting of the body our members were elected to."""
        added = await services(interaction).record.add_meeting(
            guild_id(interaction), interaction.user.id, title, date, body
        )
        await interaction.response.send_message(
            f"Recorded the meeting **{plain(added.title)}** of the {plain(added.body)} on {long_date(added.held_on)}. "
            "Next: its motions with `/organise motion add`.",
            ephemeral=True,
        )

    @meeting.command(name="post")
    @app_commands.describe(meeting="Which meeting", channel="Where to post it (default: this channel)")
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    async def meeting_post(
        self, interaction: discord.Interaction, meeting: str, channel: discord.TextChannel | None = None
    ) -> None:
        """Post a meeting's report in a channel: motions, figures, outcomes and our members' votes."""
        report = await services(interaction).record.meeting_report(guild_id(interaction), meeting)
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel | discord.Thread):
            msg = "Name a text channel to post the report in (`channel:`)."
            raise InvalidInput(msg)
        needs = _THREAD_NEEDS if isinstance(target, discord.Thread) else _POST_NEEDS
        allowed = target.permissions_for(target.guild.me)
        missing = [label for flag, label in needs if not getattr(allowed, flag)]
        if missing:
            msg = (
                f"The bot cannot post in {target.mention}: it lacks {', '.join(missing)} there. Nothing was posted; "
                "give it those permissions there, or choose another channel."
            )
            raise InvalidInput(msg)
        await interaction.response.defer(ephemeral=True, thinking=True)
        pages = embeds.meeting_report_pages(report)
        for page in pages:
            await target.send(embed=page, allowed_mentions=discord.AllowedMentions.none())
        await interaction.followup.send(
            f"Posted the report of **{plain(meeting_label(report.meeting))}** in {target.mention} "
            f"({counted(len(pages), 'message')}). It mentions nobody.",
            ephemeral=True,
        )

    @motion.command(name="add")
    @app_commands.rename(votes_for="for")
    @app_commands.describe(
        meeting="The meeting it was put to",
        text="What was put to the vote",
        votes_for="Votes for",
        against="Votes against",
        abstain="Abstentions (default 0)",
        carried="Carried? (default: carried when more voted for than against)",
    )
    @app_commands.autocomplete(meeting=meeting_autocomplete)
    async def motion_add(
        self,
        interaction: discord.Interaction,
        meeting: str,
        text: str,
        votes_for: int,
        against: int,
        abstain: int = 0,
        carried: bool | None = None,
    ) -> None:
        """Record a motion put to a meeting, with the votes for and against."""
        added = await services(interaction).record.add_motion(
            guild_id(interaction), interaction.user.id, meeting, text, votes_for, against, abstain, carried
        )
        await interaction.response.send_message(_motion_added_text(added), ephemeral=True)

    @motion.command(name="vote")
    @app_commands.describe(
        motion="The motion (its meeting's date and number)",
        member="One of our members, named as in the results",
        vote="How they voted",
    )
    @app_commands.choices(vote=VOTE_CHOICES)
    @app_commands.autocomplete(motion=motion_autocomplete, member=member_autocomplete)
    async def motion_vote(self, interaction: discord.Interaction, motion: str, member: str, vote: str) -> None:
        """Record how one of our members voted on a motion."""
        recorded = await services(interaction).record.vote(
            guild_id(interaction), interaction.user.id, motion, member, vote
        )
        await interaction.response.send_message(_vote_text(recorded), ephemeral=True)
