"""Start and stop a real discord.py bot against a StandIn (shared by the stand-in's tests)."""

from __future__ import annotations

import asyncio
import contextlib

import discord
from discord.ext import commands

from bot.endpoint import point_discord_at
from standin import StandIn


def make_bot(cls: type[commands.Bot] = commands.Bot) -> commands.Bot:
    """A commands.Bot with the intents a guild bot uses (members is privileged)."""
    intents = discord.Intents.default()
    intents.members = True
    return cls(command_prefix="!", intents=intents, guild_ready_timeout=0.05)


async def start_bot(bot: commands.Bot, standin: StandIn, *, timeout: float = 10.0) -> asyncio.Task[None]:
    """Point discord.py at the stand-in, log in, connect, and wait for READY."""
    point_discord_at(standin.api_base)
    await bot.login(standin.token)
    task = asyncio.create_task(bot.connect(reconnect=True))
    await asyncio.wait_for(bot.wait_until_ready(), timeout)
    await standin.wait_until_ready(timeout)
    return task


async def stop_bot(bot: commands.Bot, task: asyncio.Task[None]) -> None:
    """Close the bot and its connect loop."""
    await bot.close()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
