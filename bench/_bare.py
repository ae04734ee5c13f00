"""
The bare discord.py bot Slatebot is measured against, and the guilds both stand-ins hold.

Kept apart from ``bench.commands`` (which imports all of Slatebot) so that the memory benchmark's bare-bot process
imports only discord.py and the local Discord: its resident memory is then the bare bot's, not Slatebot's.
"""

import time

import discord
from discord.ext import commands

from standin import StandIn

FIRST_GUILD = 1_000_000_000
ORGANISER_ROLE = "Organiser"
BARE_TEXT = "Vote for the slate: papers are out now."


def bare_intents() -> discord.Intents:
    """The same intents as Slatebot's (``bot.app.intents``: guilds only), so both receive the same gateway events."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


class BareBot(commands.Bot):
    """A minimal discord.py bot: one slash command answering a fixed text, nothing else."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=bare_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.5,
        )

        @self.tree.command(name="ping", description="A fixed answer")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(BARE_TEXT, ephemeral=True)

    async def setup_hook(self) -> None:
        await self.tree.sync()


def add_guilds(standin: StandIn, guild_ids: list[int]) -> float:
    """Give the stand-in each guild with a channel, an organiser role and two members; returns the seconds taken."""
    started = time.perf_counter()
    for gid in guild_ids:
        standin.add_guild(
            gid,
            f"Branch {gid - FIRST_GUILD + 1}",
            channels=[{"id": gid + 500_000_000, "name": "general"}],
            roles=[{"name": ORGANISER_ROLE, "permissions": 0x20}],
            members=["activist", {"username": "organiser", "roles": [ORGANISER_ROLE]}],
        )
    return time.perf_counter() - started
