"""The ballot's dates: ``/ballot`` and ``/calendar``."""

import io
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.text import plain
from cogs._autocomplete import election_autocomplete
from cogs._common import ELECTION_HELP, SHARE_HELP, guild_id, services
from cogs._ui import embeds


def _filename(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "election"
    return f"{slug[:60]}.ics"


class Ballot(commands.Cog):
    """When the ballot opens and closes, and a calendar of it."""

    @app_commands.command(name="ballot")
    @app_commands.guild_only()
    @app_commands.describe(election=ELECTION_HELP, share=SHARE_HELP)
    @app_commands.autocomplete(election=election_autocomplete)
    async def ballot(self, interaction: discord.Interaction, election: str | None = None, share: bool = False) -> None:
        """The ballot timetable, and whether the ballot is open now."""
        timetable = await services(interaction).campaign.timetable(guild_id(interaction), election)
        await interaction.response.send_message(embed=embeds.timetable_embed(timetable), ephemeral=not share)

    @app_commands.command(name="calendar")
    @app_commands.guild_only()
    @app_commands.describe(election=ELECTION_HELP, share=SHARE_HELP)
    @app_commands.autocomplete(election=election_autocomplete)
    async def calendar(
        self, interaction: discord.Interaction, election: str | None = None, share: bool = False
    ) -> None:
        """The ballot timetable as a calendar file (.ics) for your phone or computer."""
        found, data = await services(interaction).campaign.calendar(guild_id(interaction), election)
        file = discord.File(io.BytesIO(data), filename=_filename(found.name))
        await interaction.response.send_message(
            content=f"The {plain(found.name)} timetable: open the file to add it to your calendar.",
            file=file,
            ephemeral=not share,
        )


async def setup(bot: commands.Bot) -> None:
    """Load the Ballot cog."""
    await bot.add_cog(Ballot())
