"""The slate's programme: ``/platform``."""

import discord
from discord import app_commands
from discord.ext import commands

from cogs._autocomplete import slate_autocomplete
from cogs._common import SHARE_HELP, guild_id, services
from cogs._ui import embeds
from cogs._ui.pages import Pages


class Platform(commands.Cog):
    """What the slate stands for."""

    @app_commands.command(name="platform")
    @app_commands.guild_only()
    @app_commands.describe(slate="Which slate (default: ours)", share=SHARE_HELP)
    @app_commands.autocomplete(slate=slate_autocomplete)
    async def platform(self, interaction: discord.Interaction, slate: str | None = None, share: bool = False) -> None:
        """The slate's platform, point by point."""
        found = await services(interaction).platform.platform(guild_id(interaction), slate)
        await Pages(embeds.platform_pages(found), owner_id=interaction.user.id).send(interaction, ephemeral=not share)


async def setup(bot: commands.Bot) -> None:
    """Load the Platform cog."""
    await bot.add_cog(Platform())
