"""What the bot holds about a member, and reminder DMs: ``/privacy``, ``/reminders subscribe|unsubscribe``."""

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.text import plain
from bot.services.privacy import MemberData
from cogs._common import guild_id, services
from cogs._ui.errors import AnsweringView

log = logging.getLogger(__name__)


def describe_held(data: MemberData) -> str:
    """The member's data in words."""
    if data.empty:
        return (
            "**What Slatebot stores about you in this server**\n"
            "Nothing: Slatebot stores nothing about you in this server, so there is nothing to erase. "
            "Reading the slate, statements or your ballot papers stores nothing; only `/reminders subscribe`, "
            "`/voted` and `/replacement region:` would store your Discord user id."
        )
    lines = ["**What Slatebot stores about you in this server**"]
    if data.subscribed_at is not None:
        stamp = discord.utils.format_dt(data.subscribed_at, "D")
        lines.append(f"• Your reminder subscription (your Discord user id, subscribed {stamp}).")
    for pledge in data.pledges:
        stamp = discord.utils.format_dt(pledge.at, "D")
        lines.append(
            f"• That you posted your {plain(pledge.election)} ballot paper (said {stamp}; counted, never shown)."
        )
    for report in data.reports:
        stamp = discord.utils.format_dt(report.at, "D")
        lines.append(
            f"• That your {plain(report.election)} paper had not come, in {plain(report.region)} (said {stamp}; "
            "counted, never shown)."
        )
    if data.audit_entries:
        lines.append(
            f"• Your user id on {data.audit_entries} audit log entries recording changes you made as an organiser."
        )
    lines.append(
        "Reading commands store nothing. Erasing removes your subscription, what you said about your ballot paper, "
        "and replaces your id in the audit log with an anonymous marker (the record of what changed is kept)."
    )
    return "\n".join(lines)


class EraseView(AnsweringView):
    """One button that erases the member's data; only they can press it."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(timeout=300)
        self.owner_id = owner_id
        self.interaction: discord.Interaction | None = None

    @discord.ui.button(label="Erase my data", style=discord.ButtonStyle.danger, custom_id="privacy:erase")
    async def erase(self, interaction: discord.Interaction, button: discord.ui.Button["EraseView"]) -> None:
        """Erase and say what was erased."""
        held = await services(interaction).privacy.erase(guild_id(interaction), interaction.user.id)
        button.disabled = True
        text = "Done: nothing was stored about you." if held.empty else "Done: your data in this server is erased."
        await interaction.response.edit_message(content=text, view=self)
        self.stop()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only the member the answer is about may erase."""
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("This button is for someone else's data.", ephemeral=True)
            return False
        return True

    async def on_timeout(self) -> None:
        """Disable the button once it expires."""
        self.erase.disabled = True
        if self.interaction is not None:
            try:
                await self.interaction.edit_original_response(view=self)
            except discord.HTTPException:
                log.debug("Could not disable an expired erase button", exc_info=True)


class Privacy(commands.Cog):
    """A member's own data."""

    @app_commands.command(name="privacy")
    @app_commands.guild_only()
    async def privacy(self, interaction: discord.Interaction) -> None:
        """Exactly what the bot stores about you, with a button to erase it."""
        held = await services(interaction).privacy.held(guild_id(interaction), interaction.user.id)
        if held.empty:
            # Nothing to erase: no button to press.
            await interaction.response.send_message(describe_held(held), ephemeral=True)
            return
        view = EraseView(interaction.user.id)
        view.interaction = interaction
        await interaction.response.send_message(describe_held(held), view=view, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    """Load the Privacy cog."""
    await bot.add_cog(Privacy())
