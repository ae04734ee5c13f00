"""The slate, candidates, seats and a member's own ballot: ``/slate``, ``/candidate``, ``/seat``, ``/howtovote``."""

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.text import plain
from bot.errors import NotFound
from cogs._autocomplete import (
    candidate_autocomplete,
    election_autocomplete,
    groups_autocomplete,
    region_autocomplete,
    seat_autocomplete,
    service_group_autocomplete,
)
from cogs._common import ELECTION_HELP, SHARE_HELP, guild_id, services
from cogs._ui import embeds
from cogs._ui.pages import Pages
from cogs._ui.slate_pages import SlatePages


class Slate(commands.Cog):
    """What activists read: the slate, candidates, seats, and how to vote."""

    @app_commands.command(name="slate")
    @app_commands.guild_only()
    @app_commands.describe(election=ELECTION_HELP, share=SHARE_HELP)
    @app_commands.autocomplete(election=election_autocomplete)
    async def slate(self, interaction: discord.Interaction, election: str | None = None, share: bool = False) -> None:
        """Our slate's candidates, seat by seat, with their statements a click away."""
        overview = await services(interaction).campaign.overview(guild_id(interaction), election)
        if overview.slate is None:
            msg = "This server has no slate set yet. An organiser can set it with `/organise settings slate`."
            raise NotFound(msg)
        if not overview.seats:
            msg = (
                f"{plain(overview.election.name)} has no seats yet. "
                "An organiser can add them with `/organise seat add`."
            )
            raise NotFound(msg)
        if not overview.slate_candidate_list:
            msg = (
                f"{plain(overview.slate)} has no candidates in {plain(overview.election.name)} yet. "
                "An organiser can add them with `/organise candidate add`."
            )
            raise NotFound(msg)
        seat_names = {s.seat.id: s.seat.name for s in overview.seats}
        view = SlatePages(embeds.slate_pages(overview), seat_names, owner_id=interaction.user.id)
        await view.send(interaction, ephemeral=not share)

    @app_commands.command(name="candidate")
    @app_commands.guild_only()
    @app_commands.describe(name="The candidate's name", election=ELECTION_HELP, share=SHARE_HELP)
    @app_commands.autocomplete(name=candidate_autocomplete, election=election_autocomplete)
    async def candidate(
        self, interaction: discord.Interaction, name: str, election: str | None = None, share: bool = False
    ) -> None:
        """A candidate's card and statement."""
        view = await services(interaction).campaign.candidate(guild_id(interaction), name, election)
        await Pages(embeds.candidate_pages(view), owner_id=interaction.user.id).send(interaction, ephemeral=not share)

    @app_commands.command(name="seat")
    @app_commands.guild_only()
    @app_commands.describe(name="The seat's name", election=ELECTION_HELP, share=SHARE_HELP)
    @app_commands.autocomplete(name=seat_autocomplete, election=election_autocomplete)
    async def seat(
        self, interaction: discord.Interaction, name: str, election: str | None = None, share: bool = False
    ) -> None:
        """A seat: who votes for it, how many places, and every candidate standing."""
        campaign = services(interaction).campaign
        found_election, seat = await campaign.seat(guild_id(interaction), name, election)
        config = await campaign.config(guild_id(interaction))
        embed = embeds.seat_embed(seat, election=found_election.name, slate=config.slate)
        await interaction.response.send_message(embed=embed, ephemeral=not share)

    @app_commands.command(name="howtovote")
    @app_commands.guild_only()
    @app_commands.describe(
        region="Your UNISON region",
        service_group="Your service group, if you know it",
        groups="Self-organised groups you belong to with their own seats, comma-separated (e.g. Young members)",
        election=ELECTION_HELP,
        share=SHARE_HELP,
    )
    @app_commands.autocomplete(
        region=region_autocomplete,
        service_group=service_group_autocomplete,
        groups=groups_autocomplete,
        election=election_autocomplete,
    )
    async def howtovote(
        self,
        interaction: discord.Interaction,
        region: str,
        service_group: str | None = None,
        groups: str | None = None,
        election: str | None = None,
        share: bool = False,
    ) -> None:
        """
        Your own ballot papers: every seat you vote in and our candidates for each.

        Nothing about the member is stored: the answer is worked out and forgotten.
        """
        how = await services(interaction).campaign.how_to_vote(
            guild_id(interaction), region=region, service_group=service_group, groups=groups, election=election
        )
        await Pages(embeds.how_to_vote_pages(how), owner_id=interaction.user.id).send(interaction, ephemeral=not share)


async def setup(bot: commands.Bot) -> None:
    """Load the Slate cog."""
    await bot.add_cog(Slate())
