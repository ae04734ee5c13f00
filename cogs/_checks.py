"""
What a guild lets happen: who may use the organiser commands, and what stops the bot's reminders there.

Organisers are members with Manage Server or the guild's organiser role, checked on every call.
"""

import discord
from discord import app_commands

from bot.domain.models import GuildConfig
from bot.invite import NEEDS
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


def channel_problems(bot: discord.Client, config: GuildConfig) -> list[str]:
    """What stops reminders (or the scheduled event) in this guild, in words, for the preview."""
    problems: list[str] = []
    if config.reminder_channel_id is None:
        problems.append("No reminder channel is set: use `/organise reminders channel`.")
    elif not config.reminders_enabled:
        problems.append("Reminders are off: `/organise reminders channel` turns them on again.")
    guild = bot.get_guild(config.guild_id)
    if guild is None:
        problems.append("The bot cannot see this server right now.")
        return problems
    me = guild.me
    if config.reminder_channel_id is not None:
        channel = guild.get_channel(config.reminder_channel_id)
        if channel is None:
            problems.append("The reminder channel no longer exists or the bot cannot see it.")
        elif me is not None:
            perms = channel.permissions_for(me)
            missing = [need.label for need in NEEDS if need.in_channel and not getattr(perms, need.attribute)]
            if missing:
                problems.append(f"In <#{channel.id}> the bot lacks: {', '.join(missing)}.")
    if me is not None and not me.guild_permissions.manage_events:
        problems.append("The bot lacks Manage Events, so it cannot keep a Discord event for the ballot window.")
    return problems
