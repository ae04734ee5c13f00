"""Small helpers every cog uses: reaching the services and the guild an interaction came from."""

from typing import TYPE_CHECKING, cast

import discord

from bot.errors import UserError
from bot.services.container import Services

if TYPE_CHECKING:
    from bot.app import SlateBot


def services(interaction: discord.Interaction) -> Services:
    """The services of the bot that received ``interaction``."""
    bot = cast("SlateBot", interaction.client)
    return bot.services


def guild_id(interaction: discord.Interaction) -> int:
    """The guild the interaction came from; commands are guild-only, so this is a safety net."""
    if interaction.guild_id is None:
        msg = "This command works only inside a server."
        raise UserError(msg)
    return interaction.guild_id


SHARE_HELP = "Post the answer in the channel for everyone (default: only you see it)"
ELECTION_HELP = "Which election (default: the one whose ballot is open, else the next)"
