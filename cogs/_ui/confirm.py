"""Yes/No confirmation: only the invoker answers; no answer in time means no."""

from collections.abc import Awaitable, Callable

import discord

from bot.domain.text import truncate
from bot.errors import UserError
from cogs._ui.errors import AnsweringView
from cogs._ui.pages import NOT_YOURS


class ConfirmView(AnsweringView):
    """Two buttons; ``value`` is True (confirmed), False (cancelled) or None (timed out, treated as cancelled)."""

    def __init__(
        self,
        owner_id: int,
        *,
        confirm_label: str = "Remove",
        timeout: float = 60,
        cancel_label: str = "Cancel",
        confirm_style: discord.ButtonStyle = discord.ButtonStyle.danger,
    ) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.value: bool | None = None
        self.answer: discord.Interaction | None = None
        self.confirm.label = confirm_label
        self.confirm.style = confirm_style
        self.cancel.label = cancel_label

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only the member who asked may answer."""
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS.replace("turn these pages", "answer"), ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Remove", style=discord.ButtonStyle.danger, custom_id="confirm:yes")
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button["ConfirmView"]) -> None:
        """Go ahead."""
        self.value, self.answer = True, interaction
        self.stop()

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="confirm:no")
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button["ConfirmView"]) -> None:
        """Keep everything as it is."""
        self.value, self.answer = False, interaction
        self.stop()

    def disable(self) -> None:
        """Grey out both buttons once answered or expired."""
        self.confirm.disabled = True
        self.cancel.disabled = True


async def ask_to_confirm(interaction: discord.Interaction, question: str, *, label: str) -> discord.Interaction | None:
    """
    Ask ``question`` with Remove/Cancel buttons and wait for the invoker.

    Returns the button interaction to answer when confirmed; on Cancel or timeout it says nothing was changed
    and returns ``None``.
    """
    view = ConfirmView(interaction.user.id, confirm_label=label)
    await interaction.response.send_message(question, view=view, ephemeral=True)
    await view.wait()
    view.disable()
    if view.value and view.answer is not None:
        return view.answer
    if view.answer is not None:
        await view.answer.response.edit_message(content="Cancelled: nothing was changed.", view=view)
    else:
        await interaction.edit_original_response(content="No answer in time, so nothing was changed.", view=view)
    return None


async def confirm_then(
    interaction: discord.Interaction, question: str, *, label: str, action: Callable[[], Awaitable[str]]
) -> None:
    """
    Ask to confirm; if confirmed, run ``action`` and show what it returns in place of the question.

    A refusal from ``action`` (the thing was removed meanwhile, say) answers the button the same way, so the
    click never goes unanswered.
    """
    answer = await ask_to_confirm(interaction, question, label=label)
    if answer is None:
        return
    try:
        text = await action()
    except UserError as exc:
        text = exc.message
    await answer.response.edit_message(content=text, view=None)


#: Discord's longest button label.
LABEL_LIMIT = 80


async def choose_then(
    interaction: discord.Interaction,
    question: str,
    *,
    first: tuple[str, Callable[[], Awaitable[str]]],
    second: tuple[str, Callable[[], Awaitable[str]]],
) -> None:
    """
    Ask ``question`` with two buttons, each ``(label, action)``, and run the one the invoker picks.

    What the action returns (or the refusal it raises) replaces the question. No answer in time changes nothing.
    """
    view = ConfirmView(
        interaction.user.id,
        confirm_label=truncate(first[0], LABEL_LIMIT),
        cancel_label=truncate(second[0], LABEL_LIMIT),
        confirm_style=discord.ButtonStyle.primary,
    )
    await interaction.response.send_message(question, view=view, ephemeral=True)
    await view.wait()
    view.disable()
    if view.answer is None:
        await interaction.edit_original_response(content="No answer in time, so nothing was changed.", view=view)
        return
    action = first[1] if view.value else second[1]
    try:
        text = await action()
    except UserError as exc:
        text = exc.message
    await view.answer.response.edit_message(content=text, view=None)
