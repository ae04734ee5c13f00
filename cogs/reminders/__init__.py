"""Ballot reminders on Discord: the poster, the buttons, the ballot event and ``/reminders``."""

from typing import TYPE_CHECKING

from cogs.reminders._cog import Reminders

if TYPE_CHECKING:
    from bot.app import SlateBot


async def setup(bot: "SlateBot") -> None:
    """Load the Reminders cog."""
    await bot.add_cog(Reminders(bot))
