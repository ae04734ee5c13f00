"""
The slate's pages with a menu of the candidates each lists: shown by ``/slate`` and by a reminder's button.

It lives in the shared UI package so that both cogs use it without one cog importing the other.
"""

from collections.abc import Sequence

import discord

from bot.domain.models import Candidate
from bot.domain.text import truncate
from cogs._common import guild_id, services
from cogs._ui import embeds
from cogs._ui.pages import Pages


class CandidateSelect(discord.ui.Select["SlatePages"]):
    """Pick a candidate on the current page to read their statement (anyone may use it)."""

    def __init__(self) -> None:
        super().__init__(placeholder="Read a candidate's statement…", custom_id="slate:candidate", row=0)

    def show(self, candidates: Sequence[Candidate], seat_names: dict[int, str]) -> None:
        """List the page's candidates."""
        self.options = [
            discord.SelectOption(
                label=truncate(c.name, 100),
                value=str(c.id),
                description=truncate(seat_names.get(c.seat_id, ""), 100) or None,
            )
            for c in candidates[:25]
        ]
        self.disabled = not self.options
        if not self.options:
            self.options = [discord.SelectOption(label="No candidates", value="0")]

    async def callback(self, interaction: discord.Interaction) -> None:
        """Open the chosen statement ephemerally, for whoever picked it."""
        view = await services(interaction).campaign.candidate_by_id(guild_id(interaction), int(self.values[0]))
        await Pages(embeds.candidate_pages(view), owner_id=interaction.user.id).send(interaction, ephemeral=True)


class SlatePages(Pages):
    """The slate's pages, each with a select menu of the candidates it lists."""

    def __init__(
        self,
        pages: list[tuple[discord.Embed, list[Candidate]]],
        seat_names: dict[int, str],
        *,
        owner_id: int,
    ) -> None:
        super().__init__([embed for embed, _ in pages], owner_id=owner_id)
        self.listed = [candidates for _, candidates in pages]
        self.seat_names = seat_names
        self.select = CandidateSelect()
        self.add_item(self.select)
        self.select.show(self.listed[0], seat_names)

    async def show(self, interaction: discord.Interaction) -> None:
        """Turn the page and refill the select with that page's candidates."""
        self.select.show(self.listed[self.index], self.seat_names)
        await super().show(interaction)
