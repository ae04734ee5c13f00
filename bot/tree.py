"""The command tree and the one error path every command, view, form and button answers through, ephemerally."""

import logging
from typing import Any, cast

import discord
from discord import app_commands

from bot.errors import UserError

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 2000

#: The one answer to a bug, whether a command, a button or a form failed: the user cannot fix it, and the
#: details belong in the log, not in front of them.
APOLOGY = (
    "Sorry, something went wrong on our side and nothing was changed. "
    "The organisers can find the details in the bot's log."
)


async def send_ephemeral(interaction: discord.Interaction, content: str) -> None:
    """Answer ephemerally whether or not the interaction was already answered or deferred."""
    allowed = discord.AllowedMentions.none()
    # A refusal may quote what was typed; never let it pass Discord's 2,000 characters (it would go unanswered).
    if len(content) > MESSAGE_LIMIT:
        content = content[: MESSAGE_LIMIT - 1] + "…"
    try:
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=True, allowed_mentions=allowed)
        else:
            await interaction.response.send_message(content, ephemeral=True, allowed_mentions=allowed)
    except discord.HTTPException:
        log.warning("Could not tell the user about an error (interaction %s)", interaction.id, exc_info=True)


def user_message(error: BaseException) -> str | None:
    """The sentence to show for an error a user can fix, or ``None`` for a bug."""
    original = getattr(error, "original", error)
    if isinstance(original, UserError):
        return original.message
    if isinstance(error, app_commands.TransformerError):
        inner = error.__cause__
        if isinstance(inner, UserError):
            return inner.message
        return f"“{error.value}” is not a valid value for that option."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works only inside a server."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You may not use this command here."
    return None


def _what_failed(interaction: discord.Interaction) -> str:
    """Name what failed, for the log: ``Command /organise audit``, ``Component pages:next``, ``Form statement:7``."""
    if interaction.type is discord.InteractionType.application_command:
        return f"Command /{interaction.command.qualified_name if interaction.command else '?'}"
    custom_id = cast("dict[str, Any]", interaction.data or {}).get("custom_id")
    kind = "Form" if interaction.type is discord.InteractionType.modal_submit else "Component"
    return f"{kind} {custom_id or '?'}"


async def answer_error(interaction: discord.Interaction, error: BaseException) -> None:
    """
    The one error path, for commands, views, forms and buttons alike: always answer, always ephemerally.

    1. An error the user can fix (a ``UserError``, wrapped or not, or a failed check) shows its sentence.
    2. Anything else is a bug: it is logged with its traceback (the original one, unwrapped from discord.py's
       ``CommandInvokeError``) and the user sees ``APOLOGY``, never the details.
    """
    message = user_message(error)
    if message is None:
        log.error("%s failed", _what_failed(interaction), exc_info=getattr(error, "original", error))
        message = APOLOGY
    await send_ephemeral(interaction, message)


NOT_IN_GUILD = "Slatebot is not a member of this server, so it cannot answer here. An admin can invite it again."


class SlateTree(app_commands.CommandTree["discord.Client"]):
    """A command tree whose ``on_error`` shows user errors and logs bugs behind an apology."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """
        Refuse interactions from a server the bot is not in (removed, or never added); answer nothing else here.

        Data is keyed by server, so a stray server id must never reach a service.
        """
        if interaction.guild_id is not None and self.client.get_guild(interaction.guild_id) is None:
            log.warning("Refused an interaction from guild %s, which the bot is not in", interaction.guild_id)
            if interaction.type is discord.InteractionType.autocomplete:
                await interaction.response.autocomplete([])
            else:
                await send_ephemeral(interaction, NOT_IN_GUILD)
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Answer every failed command ephemerally; log anything that is not the user's to fix."""
        await answer_error(interaction, error)
