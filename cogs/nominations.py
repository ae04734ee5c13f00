"""Before the ballot: ``/nominations``, where the slate stands and what a branch can still do."""

import discord
from discord import app_commands
from discord.ext import commands

from cogs._autocomplete import branch_autocomplete, candidate_autocomplete, election_autocomplete
from cogs._common import ELECTION_HELP, SHARE_HELP, guild_id, services
from cogs._ui import campaign_embeds
from cogs._ui.pages import Pages


class Nominations(commands.Cog):
    """Nominations from branches and self-organised groups, against the target."""

    @app_commands.command(name="nominations")
    @app_commands.guild_only()
    @app_commands.describe(
        candidate="One candidate: the branches and groups that nominated them",
        branch="Your branch or group: which slate candidates it has nominated, and which not yet",
        election=ELECTION_HELP,
        share=SHARE_HELP,
    )
    @app_commands.autocomplete(
        candidate=candidate_autocomplete, branch=branch_autocomplete, election=election_autocomplete
    )
    async def nominations(
        self,
        interaction: discord.Interaction,
        candidate: str | None = None,
        branch: str | None = None,
        election: str | None = None,
        share: bool = False,
    ) -> None:
        """Each slate candidate's nominations so far, against the target."""
        service = services(interaction).nominations
        guild = guild_id(interaction)
        if candidate and candidate.strip():
            row, target = await service.of_candidate(guild, candidate, election)
            await interaction.response.send_message(
                embed=campaign_embeds.candidate_embed(row, target), ephemeral=not share
            )
            return
        if branch and branch.strip():
            body = await service.resolve_body(guild, branch)
            found = await service.of_branch(guild, body, election)
            target = (await service.standings(guild, election)).target
            await interaction.response.send_message(
                embed=campaign_embeds.branch_embed(found, target), ephemeral=not share
            )
            return
        standings = await service.standings(guild, election)
        pages = campaign_embeds.standings_pages(standings)
        await Pages(pages, owner_id=interaction.user.id).send(interaction, ephemeral=not share)


async def setup(bot: commands.Bot) -> None:
    """Load the Nominations cog."""
    await bot.add_cog(Nominations())
