"""``/organise``: the organisers' commands."""

from discord.ext import commands

from cogs.organise._cog import Organise


async def setup(bot: commands.Bot) -> None:
    """Load the Organise cog."""
    await bot.add_cog(Organise())
