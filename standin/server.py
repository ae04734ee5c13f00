"""
``StandIn``: a local Discord (REST + gateway) that a real discord.py client talks to over real HTTP.

Usage::

    async with StandIn() as discord_:
        point_discord_at(discord_.api_base)
        ...  # start the bot with discord_.token, then:
        reply = await discord_.invoke("/ballot")

Every REST call is recorded (:attr:`StandIn.requests`) and its body checked against Discord's
OpenAPI description and documented limits; broken rules land in :attr:`StandIn.violations`
(and, by default, are refused with Discord's 400 / 50035 "Invalid Form Body").

``StandIn`` composes the parts, each modelling one thing and living in its own module, and gives tests
one object to hold:

- :class:`~standin.directory.Directory` (``directory``): users, guilds, channels, roles, members, permissions;
- :class:`~standin.messages.MessageStore` (``message_store``): messages and uploaded files;
- :class:`~standin.interactions.InteractionDriver` (``interactions``): slash commands, clicks, forms, autocomplete;
- :class:`~standin.gateway.Gateway` (``gateway``): the websocket, its sessions and the events sent on it;
- :class:`~standin.rest.RestApi` (``rest``): the routes and their handlers;
- :class:`~standin.front.HttpFront`, :class:`~standin.ratelimits.RateLimiter` and
  :class:`~standin.recorder.Recorder`: each request gated, checked, answered and recorded.

The verbs tests use (``add_guild``, ``invoke``, ``wait_for_request``, ...) stay on ``StandIn``, handed on to
the part that does the work.

Sharding: ``StandIn(shard_count=2)`` (or ``standin.shard_count = 2`` before the bot connects) makes
``GET /gateway/bot`` ask for two shards and the gateway require them; each guild's events, interactions
included, then reach only the session(s) of shard ``(guild_id >> 22) % 2`` (see :mod:`standin.sharding`,
whose ``guild_id_on_shard`` makes guild ids for each shard). :attr:`Reply.shard_id` and
:attr:`RecordedRequest.shard_id` say which shard an interaction was dispatched to.
"""

import logging
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self, Unpack

from aiohttp import web

from standin.directory import Directory
from standin.front import HttpFront
from standin.gateway import Gateway, Intent
from standin.interactions import InteractionDriver, MessageRef, PendingInteraction, Reply, RunOptions
from standin.messages import MessageStore
from standin.models import RecordedRequest, Violation
from standin.ratelimits import Fault, RateLimiter
from standin.recorder import Recorder
from standin.rest import RestApi
from standin.sharding import ShardError, shard_of
from standin.spec import SpecChecker
from standin.state import ChannelRef, Guild, GuildRef, Perm, User, UserRef

__all__ = ["Fault", "StandIn"]

log = logging.getLogger(__name__)

DEFAULT_GUILD_ID = 1000
DEFAULT_ORGANISER_ROLE_ID = 1001
DEFAULT_CHANNEL_ID = 1100
ACTIVIST_ID = 2001
ORGANISER_ID = 2002


class StandIn:
    """
    A local Discord: REST under ``/api/v10``, a gateway at ``/gateway``, and test drivers.

    ``default_guild`` creates guild 1000 "Slate HQ" with @everyone, an "Organiser" role
    holding Manage Server (0x20), a text channel ``general`` and members ``activist`` and
    ``organiser``. ``reject_invalid`` answers bodies that break the spec or Discord's limits with
    400 / 50035, as Discord would (they are recorded as violations either way).

    ``shard_count`` is the number of shards Discord asks the bot to use (``GET /gateway/bot``'s ``shards``);
    above 1 the gateway requires IDENTIFY to carry ``shard: [id, shard_count]`` and sends each session only
    its shard's guilds. ``max_concurrency`` is ``session_start_limit.max_concurrency`` (1 for most bots, 16
    and up for very large ones): how many shards may IDENTIFY at once, which discord.py reads to pace shards.
    """

    def __init__(
        self,
        *,
        token: str = "standin-bot-token",  # noqa: S107 - a fake token for a fake Discord
        application_id: int = 100,
        bot_name: str = "Slatebot",
        default_guild: bool = True,
        spec: SpecChecker | str | None = None,
        reject_invalid: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        bucket_limit: int = 50,
        bucket_window: float = 1.0,
        privileged_intents: int = Intent.PRIVILEGED,
        shard_count: int = 1,
        max_concurrency: int = 1,
    ) -> None:
        self.token = token
        self.shard_count = shard_count
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, not {max_concurrency}")
        self.max_concurrency = max_concurrency
        self.application_id = application_id
        self.host = host
        self.port = port
        self.reject_invalid = reject_invalid
        self.privileged_intents = privileged_intents
        self.spec = spec if isinstance(spec, SpecChecker) else SpecChecker(spec)
        self._runner: web.AppRunner | None = None
        self.gateway = Gateway(self)
        bot_user = User(application_id, bot_name.lower(), global_name=None, bot=True)
        self.directory = Directory(bot_user, User(99, "app-owner"), self.gateway)
        self.message_store = MessageStore(self.directory, self.gateway, application_id, lambda: self.http_base)
        self.limiter = RateLimiter(bucket_limit, bucket_window)
        self.recorder = Recorder()
        self.interactions = InteractionDriver(self)
        self.rest = RestApi(self)
        self.front = HttpFront(self, self.limiter, self.recorder)
        self._hand_on()
        if default_guild:
            self.add_guild(
                DEFAULT_GUILD_ID,
                "Slate HQ",
                channels=[{"id": DEFAULT_CHANNEL_ID, "name": "general"}],
                roles=[{"id": DEFAULT_ORGANISER_ROLE_ID, "name": "Organiser", "permissions": Perm.MANAGE_GUILD}],
                members=[
                    {"id": ACTIVIST_ID, "username": "activist"},
                    {"id": ORGANISER_ID, "username": "organiser", "roles": ["Organiser"]},
                ],
            )

    def _hand_on(self) -> None:
        """Give ``StandIn`` the verbs of its parts, so tests (and the parts) reach each through one object."""
        world, store, gateway, limiter, recorder = (
            self.directory,
            self.message_store,
            self.gateway,
            self.limiter,
            self.recorder,
        )
        # guilds, channels, roles, members and what they may do
        self.bot_user = world.bot_user
        self.owner_user = world.owner_user
        self.users = world.users
        self.guilds = world.guilds
        self.channels = world.channels
        self.dm_channels = world.dm_channels
        self.global_commands = world.global_commands
        self.add_user = world.add_user
        self.add_guild = world.add_guild
        self.add_member = world.add_member
        self.resolve_guild = world.resolve_guild
        self.resolve_channel = world.resolve_channel
        self.resolve_user = world.resolve_user
        self.resolve_role = world.resolve_role
        self.default_channel = world.default_channel
        self.default_user = world.default_user
        self.bot_guilds = world.bot_guilds
        self.bot_role = world.bot_role
        self.commands = world.commands
        self.member_permissions = world.member_permissions
        self.set_channel_permission = world.set_channel_permission
        self.set_role_permissions = world.set_role_permissions
        self.close_dms = world.close_dms
        self.open_dms = world.open_dms
        self.dm_channel = world.dm_channel
        self.check_dm_allowed = world.check_dm_allowed
        self.bot_user_payload = world.bot_user_payload
        # messages and files
        self.messages = store.messages
        self.uploads = store.uploads
        self.channel_history = store.channel_history
        self.dms = store.dms
        self.store_upload = store.store_upload
        self.create_message = store.create_message
        self.edit_message = store.edit_message
        self.delete_message = store.delete_message
        self.user_says = store.user_says
        # the gateway
        self.ready_payload = gateway.ready_payload
        self.dispatch_event = gateway.dispatch
        self.wait_until_ready = gateway.wait_until_ready
        self.drop_gateway = gateway.drop
        self.sessions_on_shard = gateway.sessions_on_shard
        # faults and rate limits
        self.faults = limiter.faults
        self.fail = limiter.fail
        self.global_rate_limit = limiter.global_rate_limit
        # what was recorded
        self.record_violation = recorder.record_violation
        self.clear_violations = recorder.clear_violations
        self.assert_clean = recorder.assert_clean
        self.requests_matching = recorder.requests_matching
        self.wait_for_request = recorder.wait_for_request

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> Self:
        """Start serving on ``host`` and a free port (or the given one)."""
        if self._runner is not None:
            return self
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/gateway", self.gateway.handle)
        app.router.add_route("GET", "/gateway/", self.gateway.handle)
        attachments = "/attachments/{channel_id}/{attachment_id}/{filename}"
        app.router.add_route("GET", attachments, self.message_store.serve_attachment)
        app.router.add_route("*", "/{tail:.*}", self.front.handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        addresses = self._runner.addresses
        if addresses:
            self.port = int(addresses[0][1])
        log.info("Discord stand-in listening on %s", self.api_base)
        return self

    async def stop(self) -> None:
        """Close the gateway connections and stop the server."""
        if self._runner is None:
            return
        await self.gateway.close()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def http_base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        """The REST base URL to give discord.py (``http://127.0.0.1:PORT/api/v10``)."""
        return f"{self.http_base}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The gateway URL ``GET /gateway/bot`` hands out."""
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def guild(self) -> Guild:
        """The first (default) guild."""
        return self.directory.guild

    # ------------------------------------------------------------ sharding (see sharding.py)

    @property
    def shard_count(self) -> int:
        """How many shards the bot must use; settable before the bot connects (1: unsharded, as by default)."""
        return self._shard_count

    @shard_count.setter
    def shard_count(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ShardError(f"shard_count must be a whole number of at least 1, not {value!r}")
        self._shard_count = value

    def shard_for(self, guild: GuildRef | None) -> int:
        """The shard (of :attr:`shard_count`) that gets a guild's events; ``None`` resolves to the default guild."""
        return shard_of(self.resolve_guild(guild).id, self.shard_count)

    def guilds_on_shard(self, shard_id: int) -> list[Guild]:
        """The bot's guilds whose events go to shard ``shard_id`` of :attr:`shard_count`."""
        return [g for g in self.bot_guilds() if shard_of(g.id, self.shard_count) == shard_id]

    def interactions_by_shard(self) -> dict[int, list[PendingInteraction]]:
        """
        Every interaction dispatched so far, grouped by the shard of the session(s) it was dispatched to.

        Each :class:`~standin.interactions.PendingInteraction` says who answered how (``callback_type``,
        ``rejected`` for refused second answers); interactions no session got are under ``-1``.
        """
        grouped: dict[int, list[PendingInteraction]] = {}
        for pending in self.interactions.pending.values():
            key = pending.shard_id if pending.shard_id is not None else -1
            grouped.setdefault(key, []).append(pending)
        return grouped

    # ------------------------------------------------------------ what was recorded (see recorder.py)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST request answered so far, in order."""
        return self.recorder.requests

    @property
    def violations(self) -> list[Violation]:
        """Broken rules of Discord's (spec, limits, routes, gateway protocol) recorded so far."""
        return self.recorder.violations

    @property
    def warnings(self) -> list[Violation]:
        """Mere warnings (keys the spec does not list) recorded so far."""
        return self.recorder.warnings

    # ------------------------------------------------------------ interactions (see interactions.py)

    async def invoke(
        self,
        command: str | Sequence[str],
        options: Mapping[str, Any] | None = None,
        *,
        user: UserRef | None = None,
        guild: GuildRef | None = None,
        channel: ChannelRef | None = None,
        locale: str = "en-GB",
        wait_for_followup: bool = False,
        response_timeout: float = 3.0,
        followup_timeout: float = 10.0,
        raise_on_failure: bool = True,
        connect_timeout: float = 10.0,
    ) -> Reply:
        """
        Run a slash command as a user and return the bot's :class:`Reply`.

        ``command`` is a line as typed in Discord (``"/organise election add name: NEC 2025"``) or its
        parts (``["organise", "election", "add"]`` with ``options={"name": "NEC 2025"}``). Option values
        are typed by the registered command (int, bool, float; users, channels, roles by name, id or
        mention, with ``resolved`` data; attachments as ``(filename, bytes)``). Waits for the initial
        response (Discord's 3 s window), and after a deferral for a follow-up or edit when
        ``wait_for_followup``. On failure raises :class:`InteractionFailed` (or, with
        ``raise_on_failure=False``, returns a Reply whose ``failure`` says why).
        """
        return await self.interactions.invoke(
            command,
            options,
            user=user,
            guild=guild,
            channel=channel,
            locale=locale,
            wait_for_followup=wait_for_followup,
            response_timeout=response_timeout,
            followup_timeout=followup_timeout,
            raise_on_failure=raise_on_failure,
            connect_timeout=connect_timeout,
        )

    async def slash(
        self,
        *parts: str,
        options: Mapping[str, Any] | None = None,
        user: UserRef | None = None,
        guild: GuildRef | None = None,
        channel: ChannelRef | None = None,
        locale: str = "en-GB",
        **run: Unpack[RunOptions],
    ) -> Reply:
        """``invoke`` with the command given as parts: ``slash("organise", "election", "add", options={...})``."""
        return await self.interactions.invoke(
            list(parts), options, user=user, guild=guild, channel=channel, locale=locale, **run
        )

    async def autocomplete(
        self,
        command: str | Sequence[str],
        focused: str,
        value: str = "",
        options: Mapping[str, Any] | None = None,
        *,
        user: UserRef | None = None,
        guild: GuildRef | None = None,
        channel: ChannelRef | None = None,
        response_timeout: float = 3.0,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into option ``focused`` of a command; return the choices the bot offered."""
        return await self.interactions.autocomplete(
            command,
            focused,
            value,
            options,
            user=user,
            guild=guild,
            channel=channel,
            response_timeout=response_timeout,
        )

    async def click(
        self, message: MessageRef, custom_id: str, *, user: UserRef | None = None, **run: Unpack[RunOptions]
    ) -> Reply:
        """Click a button on a message (a Reply, message dict, StoredMessage or id); same waits as invoke."""
        return await self.interactions.click(message, custom_id, user=user, **run)

    async def select(
        self,
        message: MessageRef,
        custom_id: str,
        values: Sequence[object],
        *,
        user: UserRef | None = None,
        **run: Unpack[RunOptions],
    ) -> Reply:
        """Choose ``values`` in a select menu on a message; same waits as invoke."""
        return await self.interactions.select(message, custom_id, values, user=user, **run)

    async def submit_modal(
        self, custom_id: str, values: Mapping[str, object], *, user: UserRef | None = None, **run: Unpack[RunOptions]
    ) -> Reply:
        """Submit the modal the bot opened, with text-input values by custom_id; same waits as invoke."""
        return await self.interactions.submit_modal(custom_id, values, user=user, **run)
