"""
Views, forms and buttons that fail answer the way a failed command does: through ``bot.tree.answer_error``.

discord.py sends a view's or modal's errors to its own ``on_error``, which by default only logs, so the click
would go unanswered; a dynamic item's errors reach no ``on_error`` that answers at all. Every view and form in
``cogs`` derives from these bases (``tests/cogs/test_one_error_path.py`` checks it), and every dynamic item's
callback is wrapped with ``answers_errors``.
"""

import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import discord

from bot.tree import answer_error

T = TypeVar("T")


class AnsweringView(discord.ui.View):
    """A view whose failures are answered through the one error path."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /) -> None:
        """Show the clicker a user error's sentence, or the apology for a bug (logged); always ephemerally."""
        await answer_error(interaction, error)


class AnsweringModal(discord.ui.Modal):
    """A form whose failures are answered through the one error path."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        """Show the submitter a user error's sentence, or the apology for a bug (logged); always ephemerally."""
        await answer_error(interaction, error)


def answers_errors(
    callback: Callable[[T, discord.Interaction], Coroutine[Any, Any, None]],
) -> Callable[[T, discord.Interaction], Coroutine[Any, Any, None]]:
    """
    Make a component callback answer every failure through the one error path.

    For items whose errors would otherwise reach no ``on_error`` that answers (dynamic items, for instance).
    """

    @functools.wraps(callback)
    async def wrapper(self: T, interaction: discord.Interaction) -> None:
        try:
            await callback(self, interaction)
        except Exception as error:
            await answer_error(interaction, error)

    return wrapper
