"""Election results: ``/results``, with who was elected, the slate's tally and a chart."""

import asyncio
import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.enums import MilestoneKind
from bot.domain.text import counted, plain
from bot.services.results import RecordedResult
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


def recorded_text(recorded: RecordedResult) -> str:
    """
    The ``/organise result set`` reply: who, in which seat and election, and the outcome, agreeing in number.

    E.g. "Recorded 5,000 votes for **Tom Barker** (East Midlands Regional (Male), NEC 2025): elected.", with a
    note when the ballot is still open or when this result stops the election's reminders.
    """
    result = recorded.result
    outcome = "" if result.elected is None else (": elected" if result.elected else ": not elected")
    election = plain(recorded.election.name)
    who = f"**{plain(recorded.candidate.name)}** ({plain(recorded.seat.name)}, {election})"
    lines = [f"Recorded {counted(result.votes, 'vote')} for {who}{outcome}."]
    close = recorded.election.at(MilestoneKind.BALLOT_CLOSE)
    still_open = (
        f"the {election} ballot is still open until {discord.utils.format_dt(close, 'F')}"
        if recorded.ballot_open and close is not None
        else None
    )
    if recorded.reminders_stop:
        lines.append(
            f"Every contested seat of {election} now has its result, so no more reminders go out for it"
            + (f", although {still_open}." if still_open else ".")
        )
    elif still_open:
        lines.append(
            f"Note: {still_open}, so its reminders go on until every contested seat has its result "
            "(or the results date passes)."
        )
    return "\n".join(lines)


async def setup(bot: commands.Bot) -> None:
    """Load the Results cog."""
    await bot.add_cog(Results())
