"""``/organise nomination add|remove|target`` and ``/organise turnout``: a mixin of the Organise cog."""

import asyncio
import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.text import counted, plain
from cogs._autocomplete import branch_autocomplete, candidate_autocomplete, election_autocomplete
from cogs._common import guild_id, services
from cogs._ui import campaign_embeds, charts


class CampaignCommands(commands.Cog):
    """Nominations and turnout, for organisers (the Organise cog's check applies: Manage Server or the role)."""

    nomination = app_commands.Group(name="nomination", description="Nominations from branches and groups")

    @nomination.command(name="add")
    @app_commands.describe(
        candidate="Who was nominated",
        body="The branch or group that nominated, e.g. Leicester City",
        date="The day it nominated (e.g. 2025-01-28); default: not recorded",
    )
    @app_commands.autocomplete(candidate=candidate_autocomplete, body=branch_autocomplete)
    async def nomination_add(
        self, interaction: discord.Interaction, candidate: str, body: str, date: str | None = None
    ) -> None:
        """Record that a branch or group nominated a candidate."""
        found, nomination, new = await services(interaction).nominations.add(
            guild_id(interaction), interaction.user.id, candidate, body, date
        )
        standing, target = await services(interaction).nominations.of_candidate(guild_id(interaction), found.name)
        day = f" on {nomination.on:%-d %B %Y}" if nomination.on else ""
        what = "Recorded" if new else "Already recorded; updated"
        goal = f" of {target}" if target else ""
        await interaction.response.send_message(
            f"{what}: **{plain(nomination.body)}** nominated **{plain(found.name)}**{day}. "
            f"{plain(found.name)} has {standing.count}{goal} nomination(s) now.",
            ephemeral=True,
        )

    @nomination.command(name="remove")
    @app_commands.describe(candidate="Whose nomination", body="The branch or group whose nomination to remove")
    @app_commands.autocomplete(candidate=candidate_autocomplete, body=branch_autocomplete)
    async def nomination_remove(self, interaction: discord.Interaction, candidate: str, body: str) -> None:
        """Remove a nomination recorded by mistake."""
        found, nomination = await services(interaction).nominations.remove(
            guild_id(interaction), interaction.user.id, candidate, body
        )
        await interaction.response.send_message(
            f"Removed {plain(nomination.body)}'s nomination of **{plain(found.name)}**.", ephemeral=True
        )

    @nomination.command(name="target")
    @app_commands.describe(count="Nominations each candidate needs (0 clears the target)", election="Which election")
    @app_commands.autocomplete(election=election_autocomplete)
    async def nomination_target(
        self, interaction: discord.Interaction, count: int, election: str | None = None
    ) -> None:
        """Set how many nominations each candidate needs."""
        found = await services(interaction).nominations.set_target(
            guild_id(interaction), interaction.user.id, count, election
        )
        text = (
            f"Target for **{plain(found.name)}**: {counted(count, 'nomination')} per candidate. Reminders before "
            "nominations close will name the slate candidates still short of it."
            if count
            else f"No nomination target for **{plain(found.name)}** now."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="turnout")
    @app_commands.describe(election="Which election")
    @app_commands.autocomplete(election=election_autocomplete)
    async def turnout(self, interaction: discord.Interaction, election: str | None = None) -> None:
        """Members who said they have posted their paper, and missing papers by region, by day, with a chart."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await services(interaction).turnout.turnout(guild_id(interaction), election)
        chart = await asyncio.to_thread(charts.turnout_chart, found)
        file = discord.File(io.BytesIO(chart), filename="turnout.png")
        embed = campaign_embeds.turnout_embed(found)
        embed.set_image(url="attachment://turnout.png")
        await interaction.followup.send(embed=embed, file=file, ephemeral=True)
