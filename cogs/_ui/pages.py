"""
Paging over embeds: ``line_pages`` lays a list out as pages, ``Pages`` shows them with Previous/Next.

Only the person who asked turns the pages, and the buttons die on timeout.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import discord

from bot.domain.text import pack_lines, truncate
from cogs._ui.errors import AnsweringView

log = logging.getLogger(__name__)

NOT_YOURS = "Only the person who asked can turn these pages. Run the command yourself for your own copy."
#: Discord's limits on an embed's description and footer.
DESCRIPTION_LIMIT = 4096
FOOTER_LIMIT = 2048


@dataclass(frozen=True, slots=True)
class PageSpan:
    """Where a page sits: page ``number`` of ``pages``, showing lines ``first`` to ``last`` of ``total`` (from 1)."""

    number: int
    pages: int
    first: int
    last: int
    total: int


def page_label(number: int, pages: int) -> str | None:
    """The usual footer, ``Page 2 of 3``; none when everything fits on one page."""
    return f"Page {number} of {pages}" if pages > 1 else None


def page_of(span: PageSpan) -> str | None:
    """``page_label`` for a page of ``line_pages``: its default footer."""
    return page_label(span.number, span.pages)


def number_pages(pages: Sequence[discord.Embed]) -> None:
    """Give each of several pages built elsewhere the usual ``Page i of n`` footer (one page gets none)."""
    for number, page in enumerate(pages, start=1):
        label = page_label(number, len(pages))
        if label:
            page.set_footer(text=label)


def line_pages(
    title: str,
    lines: Sequence[str],
    *,
    limit: int = DESCRIPTION_LIMIT,
    max_lines: int | None = None,
    colour: discord.Colour | None = None,
    footer: Callable[[PageSpan], str | None] | None = page_of,
) -> list[discord.Embed]:
    """
    The one pager for a list: ``lines`` as embed descriptions of at most ``limit`` characters, for ``Pages``.

    Lines are packed whole (``pack_lines``): a line is never cut unless it alone is over ``limit``. Every page
    has ``title`` (already safe for a title) and ``footer(span)`` as its footer when that says anything
    (``Page 2 of 3`` by default; ``None`` for no footer). There is always at least one page; with no lines it
    has no description.
    """
    packed = pack_lines(lines, min(limit, DESCRIPTION_LIMIT), max_lines=max_lines) or [[]]
    total = sum(len(page_lines) for page_lines in packed)
    pages: list[discord.Embed] = []
    first = 1
    for number, page_lines in enumerate(packed, start=1):
        embed = discord.Embed(title=title, description="\n".join(page_lines) or None, colour=colour)
        last = first + len(page_lines) - 1
        text = footer(PageSpan(number, len(packed), first, last, total)) if footer else None
        if text:
            embed.set_footer(text=truncate(text, FOOTER_LIMIT))
        pages.append(embed)
        first = last + 1
    return pages


class Pages(AnsweringView):
    """
    Shows ``pages`` one at a time with Previous/Next buttons.

    Subclasses may add items anyone can use (such as a select menu); only the page buttons are kept to the
    owner (``OWNER_ONLY``). On timeout every item is disabled, so a dead button never sits there clickable.
    """

    OWNER_ONLY = frozenset({"pages:previous", "pages:next"})

    def __init__(self, pages: Sequence[discord.Embed], *, owner_id: int, timeout: float = 600) -> None:
        super().__init__(timeout=timeout)
        if not pages:
            msg = "Pages needs at least one page"
            raise ValueError(msg)
        self.pages = list(pages)
        self.owner_id = owner_id
        self.index = 0
        self.message_interaction: discord.Interaction | None = None
        self._update_buttons()

    @property
    def paged(self) -> bool:
        """Whether there is more than one page (else no buttons are shown)."""
        return len(self.pages) > 1

    def _update_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        if not self.paged:
            self.remove_item(self.previous)
            self.remove_item(self.next)

    def current(self) -> discord.Embed:
        """The page being shown."""
        return self.pages[self.index]

    def has_items(self) -> bool:
        """Whether the view has anything to click (else it is not attached at all)."""
        return bool(self.children)

    async def send(
        self, interaction: discord.Interaction, *, ephemeral: bool, file: discord.File | None = None
    ) -> None:
        """Answer ``interaction`` with the first page (and the view, if it has anything to click, and a file)."""
        self.message_interaction = interaction
        if not self.has_items():
            self.stop()
        view = self if self.has_items() else discord.utils.MISSING
        attach = discord.utils.MISSING if file is None else file
        if interaction.response.is_done():
            await interaction.followup.send(embed=self.current(), ephemeral=ephemeral, view=view, file=attach)
        else:
            await interaction.response.send_message(embed=self.current(), ephemeral=ephemeral, view=view, file=attach)

    async def show(self, interaction: discord.Interaction) -> None:
        """Re-draw the message on the current page, answering a button click."""
        self._update_buttons()
        await interaction.response.edit_message(embed=self.current(), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary, custom_id="pages:previous", row=4)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button["Pages"]) -> None:
        """Go back a page."""
        self.index = max(0, self.index - 1)
        await self.show(interaction)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary, custom_id="pages:next", row=4)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button["Pages"]) -> None:
        """Go forward a page."""
        self.index = min(len(self.pages) - 1, self.index + 1)
        await self.show(interaction)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Keep the page buttons to the owner; anything else in the view is for everyone."""
        custom_id = cast("dict[str, Any]", interaction.data or {}).get("custom_id")
        if custom_id in self.OWNER_ONLY and interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return False
        return True

    async def on_timeout(self) -> None:
        """Disable every item so the message shows the buttons are dead."""
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True
        if self.message_interaction is not None:
            try:
                await self.message_interaction.edit_original_response(view=self)
            except discord.HTTPException:
                log.debug("Could not disable an expired view", exc_info=True)
