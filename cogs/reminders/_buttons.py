"""
The buttons under every reminder: one dynamic item whose custom id names the action, so they work after a restart.

A custom id reads ``reminder:<action>:<election>``, optionally followed by ``:<reference>``; the reminder's
first button carries its reference (see :attr:`bot.domain.reminders.Occurrence.reference`), so a restarted bot
can find a post its ledger missed. Reminders already in channels carry exactly these ids, and Discord hands a
clicked button's id back unchanged: an action's name in an id must therefore never change, and a new button is
a new :class:`ReminderAction` with its face and answer below.
"""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import discord

from bot.domain.enums import ElectorateType
from bot.domain.text import truncate
from bot.errors import NotFound
from cogs._common import guild_id, services
from cogs._ui import campaign_embeds, embeds
from cogs._ui.errors import AnsweringView, answers_errors
from cogs._ui.pages import Pages
from cogs._ui.slate_pages import SlatePages


class ReminderAction(StrEnum):
    """What a reminder button does; the value is written into the button's custom id."""

    STATEMENTS = "statements"
    HOW_TO_VOTE = "howtovote"
    VOTED = "voted"
    NO_PAPER = "nopaper"


#: The prefix of every reminder button's custom id.
PREFIX = "reminder"
#: A reminder's reference as :attr:`Occurrence.reference` writes it: ``ballot_open:1745222400:1d``.
_REFERENCE = r"[a-z_]+:\d+:\w+"
_TEMPLATE = (
    rf"{PREFIX}:(?P<action>{'|'.join(re.escape(a.value) for a in ReminderAction)}):(?P<e>\d+)"
    rf"(?::(?P<ref>{_REFERENCE}))?"
)


def custom_id(action: ReminderAction, election_id: int, ref: str | None = None) -> str:
    """A reminder button's custom id, with the reminder's reference when the button carries it."""
    return f"{PREFIX}:{action.value}:{election_id}" + (f":{ref}" if ref else "")


@dataclass(frozen=True, slots=True)
class _Face:
    """What a member sees of a button."""

    label: str
    style: discord.ButtonStyle


#: How each action's button looks.
FACES = {
    ReminderAction.STATEMENTS: _Face("Read candidate statements", discord.ButtonStyle.primary),
    ReminderAction.HOW_TO_VOTE: _Face("How to vote", discord.ButtonStyle.secondary),
    ReminderAction.VOTED: _Face("I've posted my ballot", discord.ButtonStyle.success),
    ReminderAction.NO_PAPER: _Face("No ballot paper?", discord.ButtonStyle.secondary),
}


class ReminderButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_TEMPLATE):
    """A button under a reminder; its custom id says what it does, so it works after a restart too."""

    def __init__(self, action: ReminderAction, election_id: int, ref: str | None = None) -> None:
        face = FACES[action]
        super().__init__(
            discord.ui.Button(label=face.label, style=face.style, custom_id=custom_id(action, election_id, ref))
        )
        self.action = action
        self.election_id = election_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> "ReminderButton":
        """Rebuild the button from its custom id (after a restart too)."""
        return cls(ReminderAction(match["action"]), int(match["e"]), match["ref"])

    @answers_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        """Answer the clicker privately, as the button's action says."""
        if self.action is ReminderAction.VOTED:
            await _voted(interaction, self.election_id)
            return
        name = await _election_name(interaction, self.election_id)
        await _ANSWERS[self.action](interaction, name)


def reminder_view(election_id: int, ref: str | None = None, *, ballot_open: bool = False) -> discord.ui.View:
    """
    A reminder's buttons, in order; the first carries the reminder's reference, when given.

    While the ballot is open, "I've posted my ballot" and "No ballot paper?" follow.
    """
    view = AnsweringView(timeout=None)
    view.add_item(ReminderButton(ReminderAction.STATEMENTS, election_id, ref))
    view.add_item(ReminderButton(ReminderAction.HOW_TO_VOTE, election_id))
    if ballot_open:
        view.add_item(ReminderButton(ReminderAction.VOTED, election_id))
        view.add_item(ReminderButton(ReminderAction.NO_PAPER, election_id))
    return view


async def _voted(interaction: discord.Interaction, election_id: int) -> None:
    """Count the clicker's "I've posted my ballot" once (the same as /voted); answered at once, privately."""
    answer = await services(interaction).turnout.voted_by_id(guild_id(interaction), interaction.user.id, election_id)
    await interaction.response.send_message(campaign_embeds.voted_text(answer), ephemeral=True)


class NoPaperRegionSelect(discord.ui.Select["AnsweringView"]):
    """Pick your region to count your missing paper, anonymously (the same as /replacement region:)."""

    def __init__(self, election: str, regions: list[str]) -> None:
        super().__init__(
            placeholder="Count my missing paper in my region…",
            options=[discord.SelectOption(label=truncate(r, 100), value=truncate(r, 100)) for r in regions[:25]],
        )
        self.election = election

    @answers_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        """Count the report once and say so."""
        answer = await services(interaction).turnout.replacement(
            guild_id(interaction), interaction.user.id, self.election, self.values[0]
        )
        await interaction.response.send_message(embed=campaign_embeds.replacement_embed(answer), ephemeral=True)


async def _no_paper(interaction: discord.Interaction, election: str) -> None:
    """How and by when to ask for a replacement, and a region menu to count the missing paper."""
    answer = await services(interaction).turnout.replacement(guild_id(interaction), interaction.user.id, election)
    regions = await services(interaction).campaign.electorates(guild_id(interaction), ElectorateType.REGION, election)
    view = AnsweringView(timeout=600)
    if regions and not answer.deadline_passed:
        view.add_item(NoPaperRegionSelect(election, regions))
    embed = campaign_embeds.replacement_embed(answer)
    if view.children:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
    else:
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def _election_name(interaction: discord.Interaction, election_id: int) -> str:
    """The name of the button's election, or a sentence for the clicker when it has been deleted since."""
    election = await services(interaction).reminders.election(guild_id(interaction), election_id)
    if election is None:
        msg = "That election is no longer in the bot: ask an organiser."
        raise NotFound(msg)
    return election.name


async def _statements(interaction: discord.Interaction, election: str) -> None:
    """The slate's candidates in the election, with their statements a menu away."""
    overview = await services(interaction).campaign.overview(guild_id(interaction), election)
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


async def _how_to_vote(interaction: discord.Interaction, election: str) -> None:
    """The ballot window and post-by day, and a region picker for the member's own papers."""
    campaign = services(interaction).campaign
    timetable = await campaign.timetable(guild_id(interaction), election)
    regions = await campaign.electorates(guild_id(interaction), ElectorateType.REGION, election)
    view = Pages([embeds.timetable_embed(timetable)], owner_id=interaction.user.id)
    if regions:
        view.add_item(RegionSelect(election, regions))
    await view.send(interaction, ephemeral=True)


#: What each action answers, given the election's name.
_ANSWERS: dict[ReminderAction, Callable[[discord.Interaction, str], Awaitable[None]]] = {
    ReminderAction.STATEMENTS: _statements,
    ReminderAction.HOW_TO_VOTE: _how_to_vote,
    ReminderAction.NO_PAPER: _no_paper,
}
