"""Election results: ``/results``, with who was elected, the slate's tally and a chart."""

import asyncio
import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from cogs._autocomplete import election_autocomplete, seat_autocomplete
from cogs._common import ELECTION_HELP, SHARE_HELP, guild_id, services
from cogs._ui import charts, embeds
from cogs._ui.pages import Pages

log = logging.getLogger(__name__)

CHART_NAME = "results.png"


class Results(commands.Cog):
    """Who was elected, by how many votes, and how our slate did."""

    @app_commands.command(name="results")
    @app_commands.guild_only()
    @app_commands.describe(election=ELECTION_HELP, seat="Just this seat (default: every seat)", share=SHARE_HELP)
    @app_commands.autocomplete(election=election_autocomplete, seat=seat_autocomplete)
    async def results(
        self,
        interaction: discord.Interaction,
        election: str | None = None,
        seat: str | None = None,
        share: bool = False,
    ) -> None:
        """Votes, who was elected, our slate's tally, and a chart."""
        # Reading the results is quick; a mistake (no such seat, no results yet) is answered ephemerally before
        # the deferral, which would otherwise make the error public when ``share`` is on.
        found = await services(interaction).results.view(guild_id(interaction), election, seat)
        await interaction.response.defer(ephemeral=not share, thinking=True)
        chart: bytes | None
        try:
            # Drawing is slow and CPU-bound: a worker thread keeps the bot answering everyone else meanwhile.
            chart = await asyncio.to_thread(charts.results_chart, found.results, found.seat)
        except Exception:
            log.exception("Could not draw the results chart")
            chart = None
        pages = embeds.results_pages(
            found.results, found.seat, image=None if chart is None else f"attachment://{CHART_NAME}"
        )
        # The chart is attached once; every page shows it through ``attachment://results.png``.
        file = None if chart is None else discord.File(io.BytesIO(chart), CHART_NAME)
        await Pages(pages, owner_id=interaction.user.id).send(interaction, ephemeral=not share, file=file)


async def setup(bot: commands.Bot) -> None:
    """Load the Results cog."""
    await bot.add_cog(Results())
