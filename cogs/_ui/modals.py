"""The statement form: one paragraph field, prefilled with the current text."""

import discord

from bot.domain.text import plain
from cogs._common import guild_id, services
from cogs._ui.errors import AnsweringModal

#: Discord's limit on a text input's value.
MODAL_TEXT_LIMIT = 4000


class StatementModal(AnsweringModal):
    """Edit a candidate's statement."""

    def __init__(self, candidate_id: int, name: str, statement: str | None) -> None:
        super().__init__(title=f"Statement: {name}"[:45], custom_id=f"statement:{candidate_id}")
        self.candidate_id = candidate_id
        self.text: discord.ui.TextInput[StatementModal] = discord.ui.TextInput(
            label="Statement (leave empty to remove it)",
            style=discord.TextStyle.paragraph,
            default=statement or None,
            required=False,
            max_length=MODAL_TEXT_LIMIT,
            custom_id="statement:text",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Save the new statement and say how long it is."""
        saved = await services(interaction).candidates.set_statement(
            guild_id(interaction), interaction.user.id, self.candidate_id, self.text.value
        )
        if saved.statement:
            text = f"Saved {plain(saved.name)}'s statement ({len(saved.statement):,} characters)."
        else:
            text = f"Removed {plain(saved.name)}'s statement."
        await interaction.response.send_message(text, ephemeral=True)
