"""After the election: ``/record``, how the slate's elected members voted at the body's meetings."""

import discord
from discord import app_commands
from discord.ext import commands

from cogs._autocomplete import meeting_autocomplete, recorded_member_autocomplete
from cogs._common import SHARE_HELP, guild_id, services
from cogs._ui import embeds
from cogs._ui.pages import Pages


class Record(commands.Cog):
    """The record our members answer for: their votes, motion by motion."""

    @app_commands.command(name="record")
    @app_commands.guild_only()
    @app_commands.describe(
        member="One of our members: their votes on every recorded motion",
        meeting="One meeting: its motions, the figures and how our members voted",
        share=SHARE_HELP,
    )
    @app_commands.autocomplete(member=recorded_member_autocomplete, meeting=meeting_autocomplete)
    async def record(
        self,
        interaction: discord.Interaction,
        member: str | None = None,
        meeting: str | None = None,
        share: bool = False,
    ) -> None:
        """How our elected members voted at the body's meetings (with no option: the latest meetings)."""
        found = await services(interaction).record.view(guild_id(interaction), member, meeting)
        pages = embeds.record_pages(found)
        await Pages(pages, owner_id=interaction.user.id).send(interaction, ephemeral=not share)


async def setup(bot: commands.Bot) -> None:
    """Load the Record cog."""
    await bot.add_cog(Record())
