"""Previous/Next paging over embeds: only the person who asked turns the pages; the buttons die on timeout."""

import functools
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar, cast

import discord

from bot.tree import send_ephemeral, user_message

log = logging.getLogger(__name__)

NOT_YOURS = "Only the person who asked can turn these pages. Run the command yourself for your own copy."
APOLOGY = "Sorry, something went wrong with that button. Nothing was changed."
T = TypeVar("T")


def answers_errors(
    callback: Callable[[T, discord.Interaction], Coroutine[Any, Any, None]],
) -> Callable[[T, discord.Interaction], Coroutine[Any, Any, None]]:
    """
    Make a component callback answer every failure ephemerally, like the command tree does.

    For items whose errors would otherwise reach no ``on_error`` that answers (dynamic items, for instance).
    """

    @functools.wraps(callback)
    async def wrapper(self: T, interaction: discord.Interaction) -> None:
        try:
            await callback(self, interaction)
        except Exception as error:
            message = user_message(error)
            if message is None:
                log.error("A component callback failed", exc_info=error)
                message = APOLOGY
            await send_ephemeral(interaction, message)

    return wrapper


class Pages(discord.ui.View):
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

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item["Pages"]
    ) -> None:
        """Tell the clicker what went wrong, ephemerally; log anything that is not theirs to fix."""
        message = user_message(error)
        if message is None:
            log.error("A view item failed (%s)", type(item).__name__, exc_info=error)
            message = APOLOGY
        await send_ephemeral(interaction, message)
