"""
Point discord.py at another Discord (the local stand-in, or a REST proxy).

What discord.py 2.7.1 does by itself (read from its source):

- every REST URL is ``Route.BASE + path``, built when the ``Route`` is made (webhooks and
  interaction responses use the same ``Route``), so setting ``discord.http.Route.BASE`` before
  ``login`` moves all REST traffic;
- ``Client.connect()`` never asks ``GET /gateway/bot``: ``DiscordWebSocket.from_client`` connects to
  ``DiscordWebSocket.DEFAULT_GATEWAY`` (``wss://gateway.discord.gg/``) and, after READY, to READY's
  ``resume_gateway_url``. Only ``AutoShardedClient`` calls ``get_bot_gateway()``.

So :func:`point_discord_at` sets ``Route.BASE`` and makes ``HTTPClient.static_login`` (run by
``Client.login``) also fetch ``GET /gateway/bot`` from that base and store the URL in
``DiscordWebSocket.DEFAULT_GATEWAY``. Nothing else needs patching.
"""

import logging
import re
from collections.abc import Awaitable, Callable

import discord.http
import yarl
from discord.gateway import DiscordWebSocket
from discord.types.user import User as UserPayload

__all__ = ["point_discord_at", "reset_discord_endpoints"]

log = logging.getLogger(__name__)

_ORIGINAL_BASE: str = discord.http.Route.BASE
_ORIGINAL_GATEWAY: yarl.URL = DiscordWebSocket.DEFAULT_GATEWAY
_MARK = "_standin_fetches_gateway"
_state: dict[str, bool] = {"active": False}


def point_discord_at(api_base: str) -> None:
    """
    Send discord.py's REST calls to ``api_base`` and take the gateway URL from its ``GET /gateway/bot``.

    Call it before ``Client.login`` (e.g. ``point_discord_at("http://127.0.0.1:8080/api/v10")``).
    Process-wide: discord.py keeps both as class attributes, so every client in the process follows.
    """
    base = api_base.strip().rstrip("/")
    if not re.match(r"^https?://[^/]+", base):
        raise ValueError(
            f"DISCORD_API_BASE must be an http(s) URL such as http://127.0.0.1:8080/api/v10, not {api_base!r}"
        )
    if not re.search(r"/api/v\d+$", base):
        log.warning("DISCORD_API_BASE %s does not end in /api/v10; discord.py appends paths such as /users/@me", base)
    discord.http.Route.BASE = base
    _install_gateway_lookup()
    _state["active"] = True
    log.info("discord.py REST base set to %s; gateway URL will come from GET /gateway/bot", base)


def reset_discord_endpoints() -> None:
    """Undo :func:`point_discord_at`: Discord's own REST base and gateway again."""
    discord.http.Route.BASE = _ORIGINAL_BASE
    DiscordWebSocket.DEFAULT_GATEWAY = _ORIGINAL_GATEWAY
    _state["active"] = False


def _install_gateway_lookup() -> None:
    cls = discord.http.HTTPClient
    if getattr(cls.static_login, _MARK, False):
        return
    original: Callable[[discord.http.HTTPClient, str], Awaitable[UserPayload]] = cls.static_login

    async def static_login(self: discord.http.HTTPClient, token: str) -> UserPayload:
        data = await original(self, token)
        if _state["active"]:
            _shards, url, _limits = await self.get_bot_gateway()
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
            log.debug("gateway URL from GET /gateway/bot: %s", url)
        return data

    setattr(static_login, _MARK, True)
    cls.static_login = static_login  # type: ignore[method-assign]
