"""During the ballot: ``/voted`` ("I've posted my ballot paper") and ``/replacement`` ("No ballot paper?")."""

import discord
from discord import app_commands
from discord.ext import commands

from cogs._autocomplete import election_autocomplete, region_autocomplete
from cogs._common import ELECTION_HELP, guild_id, services
from cogs._ui import campaign_embeds


class Voting(commands.Cog):
    """What a member says about their own ballot paper; counted, never shown by name."""

    @app_commands.command(name="voted")
    @app_commands.guild_only()
    @app_commands.describe(election=ELECTION_HELP, undo="Take it back (if you said so by mistake)")
    @app_commands.autocomplete(election=election_autocomplete)
    async def voted(self, interaction: discord.Interaction, election: str | None = None, undo: bool = False) -> None:
        """Say you've posted your ballot paper: reminder DMs for this election stop."""
        answer = await services(interaction).turnout.voted(
            guild_id(interaction), interaction.user.id, election, undo=undo
        )
        await interaction.response.send_message(campaign_embeds.voted_text(answer), ephemeral=True)

    @app_commands.command(name="replacement")
    @app_commands.guild_only()
    @app_commands.describe(
        election=ELECTION_HELP, region="Your region: counts your missing paper (anonymously) for the organisers"
    )
    @app_commands.autocomplete(election=election_autocomplete, region=region_autocomplete)
    async def replacement(
        self, interaction: discord.Interaction, election: str | None = None, region: str | None = None
    ) -> None:
        """Your ballot paper has not come? How and by when to ask for a replacement."""
        answer = await services(interaction).turnout.replacement(
            guild_id(interaction), interaction.user.id, election, region
        )
        await interaction.response.send_message(embed=campaign_embeds.replacement_embed(answer), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    """Load the Voting cog."""
    await bot.add_cog(Voting())
