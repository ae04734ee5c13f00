"""The bot object: resources are opened by the caller and injected; work starts in ``setup_hook``."""

import logging
from collections.abc import Sequence
from typing import Any

import discord
from discord.ext import commands

from bot.services.command_sync import tree_digest
from bot.services.container import Services
from bot.settings import Settings
from bot.tree import SlateTree
from cogs import EXTENSIONS

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """The least the bot needs: guild create/update events for channels and roles. No member or message content."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


class SlateBot(commands.AutoShardedBot):
    """
    Slatebot: the Discord client with its settings and services injected.

    Always discord.py's sharded client: with no ``SHARD_COUNT`` it runs as many shards as Discord recommends, all in
    this process; with ``SHARD_COUNT`` (and ``SHARD_IDS``) it runs the given shards, and answers and reminds only
    their guilds, other processes running the rest.
    """

    def __init__(
        self,
        settings: Settings,
        services: Services,
        *,
        extensions: Sequence[str] = EXTENSIONS,
        **options: Any,  # noqa: ANN401 - passed through to discord.Client (e.g. guild_ready_timeout in tests)
    ) -> None:
        shards = settings.shards
        if shards.count is not None:
            options.setdefault("shard_count", shards.count)
            options.setdefault("shard_ids", list(shards.running))
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=SlateTree,
            **options,
        )
        self.settings = settings
        self.services = services
        self._extensions = tuple(extensions)

    def owns(self, guild_id: int) -> bool:
        """Whether this process runs the guild's shard (so answers it and posts its reminders and notices)."""
        return self.settings.shards.owns(guild_id)

    async def setup_hook(self) -> None:
        """Load the cogs and sync the commands (only when they changed since the last sync)."""
        log.info("Starting as %s", self.settings.shards.describe())
        for extension in self._extensions:
            await self.load_extension(extension)
        await self.sync_commands()

    def _tree_payload(self, guild: discord.abc.Snowflake | None) -> list[dict[str, object]]:
        return [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]

    async def sync_commands(self) -> bool:
        """
        Sync the command tree to ``DEV_GUILD_ID`` (instant) or globally, if it changed since the last sync.

        Returns whether a sync was sent. The hash of what was synced is kept in the database per scope.
        """
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        scope = f"guild:{guild.id}" if guild is not None else "global"
        digest = tree_digest(self._tree_payload(guild))
        if await self.services.command_sync.is_synced(scope, digest):
            log.info("Commands unchanged since the last sync (%s); not syncing", scope)
            return False
        synced = await self.tree.sync(guild=guild)
        await self.services.command_sync.record(scope, digest)
        log.info("Synced %d commands (%s)", len(synced), scope)
        return True

    async def on_ready(self) -> None:
        """Log who we are and where."""
        log.info("Connected as %s to %d server(s)", self.user, len(self.guilds))
