"""Who may use the organiser commands: Manage Server, or the guild's organiser role, checked on every call."""

import discord
from discord import app_commands

from cogs._common import services

REFUSAL = (
    "Only organisers can use `/organise`: members with the Manage Server permission or the organiser role "
    "(set with `/organise settings organiser-role`). Nothing was changed."
)


class NotOrganiserFailure(app_commands.CheckFailure):
    """The member is not an organiser; the message is shown to them."""

    def __init__(self, message: str = REFUSAL) -> None:
        super().__init__(message)


async def is_organiser(interaction: discord.Interaction) -> bool:
    """
    Manage Server (or Administrator) in this guild, or the configured organiser role.

    Discord's default member permission on ``/organise`` only hides the command; server admins can override
    it, so the bot decides for itself on every call.
    """
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    permissions = interaction.permissions
    if permissions.manage_guild or permissions.administrator:
        return True
    config = await services(interaction).guilds.get(interaction.guild_id)
    if config.organiser_role_id is None:
        return False
    return any(role.id == config.organiser_role_id for role in interaction.user.roles)


async def require_organiser(interaction: discord.Interaction) -> bool:
    """An ``app_commands`` check that raises :class:`NotOrganiserFailure` for anyone else."""
    if not await is_organiser(interaction):
        raise NotOrganiserFailure
    return True
