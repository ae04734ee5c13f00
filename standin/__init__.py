"""
A local stand-in for Discord: real HTTP REST under ``/api/v10`` and a real gateway websocket.

How a discord.py 2.7 bot reaches it (or any other Discord, e.g. a REST proxy) without patches in
tests: when ``DISCORD_API_BASE`` is set, call ``bot.endpoint.point_discord_at(api_base)``
once, before ``bot.login(token)``. It sets ``discord.http.Route.BASE`` (all REST, webhooks and
interaction responses included) and makes login also read ``GET /gateway/bot`` and use its URL
as ``DiscordWebSocket.DEFAULT_GATEWAY`` (discord.py's own ``connect()`` never asks for it; it
would dial ``wss://gateway.discord.gg``). Then ``login`` and ``connect``/``start`` as usual, with
the stand-in's ``token``.

Tests: ``async with StandIn() as discord_: bot.endpoint.point_discord_at(discord_.api_base)``, start the bot,
``await discord_.wait_until_ready()``, then ``reply = await discord_.invoke("/ballot")`` and
``discord_.assert_clean()``.

Sharding: ``StandIn(shard_count=2)`` asks the bot for two shards (``GET /gateway/bot``) and routes each guild's
events to shard ``shard_of(guild_id, 2)``; ``guild_id_on_shard(1, 2)`` makes a guild id that lands on shard 1,
and ``reply.shard_id`` says which shard an interaction went to.
"""

from standin.interactions import InteractionFailed, Reply
from standin.limits import check_limits
from standin.models import RecordedRequest, StoredFile, Violation
from standin.server import Fault, StandIn
from standin.sharding import ShardError, guild_id_on_shard, shard_of
from standin.spec import SpecChecker, SpecReport
from standin.state import Perm, StoredMessage

__all__ = [
    "Fault",
    "InteractionFailed",
    "Perm",
    "RecordedRequest",
    "Reply",
    "ShardError",
    "SpecChecker",
    "SpecReport",
    "StandIn",
    "StoredFile",
    "StoredMessage",
    "Violation",
    "check_limits",
    "guild_id_on_shard",
    "shard_of",
]
