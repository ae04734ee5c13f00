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
"""

import asyncio
import json
import logging
import math
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, Unpack
from urllib.parse import quote

from aiohttp import BodyPartReader, web

from standin.gateway import Gateway, GatewaySession, Intent
from standin.interactions import InteractionDriver, MessageRef, PendingInteraction, Reply, RunOptions
from standin.limits import check_limits
from standin.models import RecordedRequest, StoredFile, Violation
from standin.rest import RestApi, Route
from standin.spec import SpecChecker
from standin.state import (
    DEFAULT_BOT,
    DEFAULT_EVERYONE,
    Channel,
    ChannelRef,
    Guild,
    GuildRef,
    Member,
    Overwrite,
    Perm,
    Role,
    RoleRef,
    StoredMessage,
    User,
    UserRef,
    iso_now,
    resolve_mentions,
    snowflake,
)
from standin.wire import Answer, Call, DiscordError, form_errors

__all__ = ["Fault", "StandIn"]

log = logging.getLogger(__name__)

_API = re.compile(r"^/api/v(\d+)(?=/)")
SUPPRESS_EMBEDS = 1 << 2
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15
_EDITABLE_FLAGS = SUPPRESS_EMBEDS | IS_COMPONENTS_V2
_SENDABLE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
MAX_UPLOAD = 10 * 1024 * 1024

DEFAULT_GUILD_ID = 1000
DEFAULT_ORGANISER_ROLE_ID = 1001
DEFAULT_CHANNEL_ID = 1100
ACTIVIST_ID = 2001
ORGANISER_ID = 2002


@dataclass
class Fault:
    """An injected failure: the next ``times`` matching requests get ``status``."""

    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    retry_after: float = 0.05
    global_: bool = False
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        """Whether a request is hit by this fault (and the fault still has uses)."""
        if self.hits >= self.times:
            return False
        return (self.method in ("*", method)) and bool(self.pattern.search(path))


@dataclass
class _Bucket:
    started: float
    count: int = 0


@dataclass
class _RateLimits:
    limit: int
    window: float
    buckets: dict[str, _Bucket] = field(default_factory=dict)
    global_per_second: int | None = None
    global_times: deque[float] = field(default_factory=deque)


def _rate_headers(limit: int, remaining: int, reset_after: float, bucket: str) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(max(remaining, 0)),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        "X-RateLimit-Bucket": bucket,
    }


def _rate_limited(retry_after: float, *, global_: bool, bucket: str, limit: int) -> Answer:
    headers = _rate_headers(limit, 0, retry_after, bucket)
    headers.update(
        {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "Via": "1.1 google",
            "X-RateLimit-Scope": "global" if global_ else "user",
        }
    )
    if global_:
        headers["X-RateLimit-Global"] = "true"
    body = {"message": "You are being rate limited.", "retry_after": round(retry_after, 3), "global": global_}
    return Answer(429, body, headers)


def _text_of(value: object) -> str:
    return value if isinstance(value, str) else ""


class StandIn:
    """
    A local Discord: REST under ``/api/v10``, a gateway at ``/gateway``, and test drivers.

    ``default_guild`` creates guild 1000 "Slate HQ" with @everyone, an "Organiser" role
    holding Manage Server (0x20), a text channel ``general`` and members ``activist`` and
    ``organiser``. ``reject_invalid`` answers bodies that break the spec or Discord's limits with
    400 / 50035, as Discord would (they are recorded as violations either way).
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
    ) -> None:
        self.token = token
        self.application_id = application_id
        self.host = host
        self.port = port
        self.reject_invalid = reject_invalid
        self.privileged_intents = privileged_intents
        self.spec = spec if isinstance(spec, SpecChecker) else SpecChecker(spec)
        self.bot_user = User(application_id, bot_name.lower(), global_name=None, bot=True)
        self.owner_user = User(99, "app-owner")
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.owner_user.id: self.owner_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.messages: dict[int, StoredMessage] = {}
        self.uploads: dict[int, StoredFile] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.warnings: list[Violation] = []
        self.faults: list[Fault] = []
        self._limits = _RateLimits(bucket_limit, bucket_window)
        self._next_id = 10_000
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._requests_changed = asyncio.Event()
        self.interactions = InteractionDriver(self)
        self.gateway = Gateway(self)
        self.rest = RestApi(self)
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

    # ================================================================ lifecycle

    async def start(self) -> Self:
        """Start serving on ``host`` and a free port (or the given one)."""
        if self._runner is not None:
            return self
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/gateway", self.gateway.handle)
        app.router.add_route("GET", "/gateway/", self.gateway.handle)
        app.router.add_route("GET", "/attachments/{channel_id}/{attachment_id}/{filename}", self._attachment)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self.host, self.port)
        await self._site.start()
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
        self._site = None

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

    # ================================================================ the world

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add_user(self, username: str, *, user_id: int | None = None, global_name: str | None = None) -> User:
        """Create a user (or return the existing one with that name or id)."""
        for user in self.users.values():
            if user.id == user_id or (user_id is None and user.username == username):
                return user
        user = User(user_id or self._new_id(), username, global_name=global_name)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        guild_id: int | None = None,
        name: str = "Guild",
        channels: Iterable[Channel | str | Mapping[str, Any]] | None = None,
        roles: Iterable[Role | str | Mapping[str, Any]] | None = None,
        members: Iterable[Member | User | str | Mapping[str, Any]] | None = None,
        *,
        owner: UserRef | None = None,
        bot_permissions: int = DEFAULT_BOT,
        everyone_permissions: int = DEFAULT_EVERYONE,
        locale: str = "en-GB",
    ) -> Guild:
        """
        Add a guild the bot is in.

        ``roles``: names or dicts ``{id?, name, permissions?, mentionable?, color?, hoist?}``.
        ``members``: usernames or dicts ``{id?, username, global_name?, nick?, roles: [names or ids]}``.
        ``channels``: names or dicts ``{id?, name, type?, topic?, parent_id?, overwrites: [{role|user|id,
        type?, allow, deny}]}``. The bot joins with a managed role holding ``bot_permissions``.
        """
        gid = guild_id or self._new_id()
        guild = Guild(gid, name, locale=locale)
        guild.roles[gid] = Role(gid, "@everyone", everyone_permissions, position=0)
        position = 1
        for role_spec in roles or []:
            role = self._role_from(role_spec, position)
            guild.roles[role.id] = role
            position += 1
        bot_role = Role(self._new_id(), self.bot_user.username, bot_permissions, position, managed=True)
        bot_role.bot_id = self.bot_user.id
        guild.roles[bot_role.id] = bot_role
        guild.members[self.bot_user.id] = Member(self.bot_user, [bot_role.id])
        for member_spec in members or []:
            member = self._member_from(member_spec, guild)
            guild.members[member.user.id] = member
        for index, channel_spec in enumerate(channels if channels is not None else ["general"]):
            channel = self._channel_from(channel_spec, guild, index)
            guild.channels[channel.id] = channel
            self.channels[channel.id] = channel
        if owner is not None:
            guild.owner_id = self.resolve_user(owner, guild).id
        self.guilds[gid] = guild
        self._dispatch_soon("GUILD_CREATE", guild.to_create_event(), Intent.GUILDS)
        return guild

    def _role_from(self, spec: Role | str | Mapping[str, Any], position: int) -> Role:
        if isinstance(spec, Role):
            return spec
        if isinstance(spec, str):
            return Role(self._new_id(), spec, 0, position)
        data = dict(spec)
        return Role(
            int(data.get("id") or self._new_id()),
            str(data["name"]),
            int(data.get("permissions") or 0),
            int(data.get("position") or position),
            color=int(data.get("color") or 0),
            hoist=bool(data.get("hoist")),
            mentionable=bool(data.get("mentionable")),
        )

    def _member_from(self, spec: Member | User | str | Mapping[str, Any], guild: Guild) -> Member:
        if isinstance(spec, Member):
            self.users.setdefault(spec.user.id, spec.user)
            return spec
        if isinstance(spec, User):
            self.users.setdefault(spec.id, spec)
            return Member(spec)
        if isinstance(spec, str):
            return Member(self.add_user(spec))
        data = dict(spec)
        username = str(data.get("username") or data.get("name"))
        user = self.add_user(username, user_id=data.get("id"), global_name=data.get("global_name"))
        roles = [self.resolve_role(r, guild).id for r in data.get("roles") or []]
        return Member(user, roles, nick=data.get("nick"))

    def _overwrite_from(self, spec: Overwrite | Mapping[str, Any], guild: Guild) -> Overwrite:
        if isinstance(spec, Overwrite):
            return spec
        data = dict(spec)
        allow, deny = int(data.get("allow") or 0), int(data.get("deny") or 0)
        if "role" in data:
            return Overwrite(self.resolve_role(data["role"], guild).id, 0, allow, deny)
        if "user" in data:
            return Overwrite(self.resolve_user(data["user"], guild).id, 1, allow, deny)
        return Overwrite(int(data["id"]), int(data.get("type") or 0), allow, deny)

    def _channel_from(self, spec: Channel | str | Mapping[str, Any], guild: Guild, index: int) -> Channel:
        if isinstance(spec, Channel):
            spec.guild_id = guild.id
            return spec
        if isinstance(spec, str):
            return Channel(self._new_id(), spec.lstrip("#"), 0, guild.id, position=index)
        data = dict(spec)
        return Channel(
            int(data.get("id") or self._new_id()),
            str(data["name"]).lstrip("#"),
            int(data.get("type") or 0),
            guild.id,
            position=int(data.get("position") or index),
            topic=data.get("topic"),
            parent_id=data.get("parent_id"),
            overwrites=[self._overwrite_from(o, guild) for o in data.get("overwrites") or []],
        )

    def add_member(
        self,
        guild: GuildRef | None,
        user: User | int | str | Mapping[str, Any],
        *,
        roles: Iterable[RoleRef] = (),
        nick: str | None = None,
    ) -> Member:
        """Add a user (name, id, User or dict) to a guild; sends GUILD_MEMBER_ADD."""
        gld = self.resolve_guild(guild)
        spec: dict[str, Any] = {"roles": list(roles), "nick": nick}
        if isinstance(user, User):
            self.users.setdefault(user.id, user)
            spec.update(id=user.id, username=user.username)
        elif isinstance(user, int):
            spec.update(id=user, username=self.users[user].username)
        elif isinstance(user, Mapping):
            spec.update(user)
        else:
            spec["username"] = str(user)
        member = self._member_from(spec, gld)
        gld.members[member.user.id] = member
        self._dispatch_soon("GUILD_MEMBER_ADD", {**member.to_dict(), "guild_id": str(gld.id)}, Intent.GUILD_MEMBERS)
        return member

    # ------------------------------------------------------------ lookups

    @property
    def guild(self) -> Guild:
        """The first (default) guild."""
        return self.resolve_guild(None)

    def resolve_guild(self, ref: GuildRef | None) -> Guild:
        """A guild by Guild, id, name, or ``None`` for the first one."""
        if isinstance(ref, Guild):
            return ref
        if ref is None:
            if not self.guilds:
                raise LookupError("the stand-in has no guilds")
            return next(iter(self.guilds.values()))
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            found = self.guilds.get(int(ref))
            if found:
                return found
        for guild in self.guilds.values():
            if isinstance(ref, str) and guild.name.lower() == ref.lower():
                return guild
        raise LookupError(f"no guild {ref!r}")

    def resolve_channel(self, ref: ChannelRef | None, guild: Guild | None = None) -> Channel:
        """A channel by Channel, id, ``<#id>``, ``#name`` or name (in ``guild``, else the default guild)."""
        if isinstance(ref, Channel):
            return ref
        if isinstance(ref, str):
            ref = re.sub(r"^<#(\d+)>$", r"\1", ref.strip())
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            found = self.channels.get(int(ref))
            if found:
                return found
        if isinstance(ref, str):
            name = ref.lstrip("#").lower()
            pools = [guild] if guild else list(self.guilds.values())
            for pool in pools:
                for channel in pool.channels.values():
                    if channel.name.lower() == name:
                        return channel
        raise LookupError(f"no channel {ref!r}")

    def resolve_user(self, ref: UserRef | None, guild: Guild | None = None) -> User:
        """A user by User, Member, id, ``<@id>`` or name (username, display name or nickname)."""
        if isinstance(ref, User):
            return ref
        if isinstance(ref, Member):
            return ref.user
        if isinstance(ref, str):
            ref = re.sub(r"^<@!?(\d+)>$", r"\1", ref.strip()).removeprefix("@")
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            found = self.users.get(int(ref))
            if found:
                return found
        if isinstance(ref, str):
            name = ref.lower()
            for user in self.users.values():
                if name in (user.username.lower(), (user.global_name or "").lower()):
                    return user
            for gld in [guild] if guild else list(self.guilds.values()):
                for member in gld.members.values():
                    if member.nick and member.nick.lower() == name:
                        return member.user
        raise LookupError(f"no user {ref!r}")

    def resolve_role(self, ref: RoleRef | None, guild: Guild | None = None) -> Role:
        """A role by Role, id, ``<@&id>`` or name."""
        gld = guild or self.guild
        if isinstance(ref, Role):
            return ref
        if isinstance(ref, str):
            ref = re.sub(r"^<@&(\d+)>$", r"\1", ref.strip())
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            found = gld.roles.get(int(ref))
            if found:
                return found
        if isinstance(ref, str):
            for role in gld.roles.values():
                if role.name.lower() in (ref.lower(), "@" + ref.lower().lstrip("@")):
                    return role
        raise LookupError(f"no role {ref!r} in guild {gld.name!r}")

    def default_channel(self, guild: Guild) -> Channel:
        """The guild's first text channel."""
        for channel in guild.channels.values():
            if channel.type == 0:
                return channel
        raise LookupError(f"guild {guild.name!r} has no text channel")

    def default_user(self, guild: Guild) -> User:
        """``activist`` if the guild has one, else its first human member."""
        humans = [m.user for m in guild.members.values() if not m.user.bot]
        for user in humans:
            if user.username == "activist":
                return user
        if not humans:
            raise LookupError(f"guild {guild.name!r} has no human members")
        return humans[0]

    def bot_guilds(self) -> list[Guild]:
        """Guilds the bot is a member of."""
        return [g for g in self.guilds.values() if self.bot_user.id in g.members]

    def commands(self, guild: GuildRef | None = None, *, global_: bool = False) -> list[dict[str, Any]]:
        """Registered commands: a guild's (default guild), or the global ones."""
        if global_:
            return list(self.global_commands)
        return list(self.resolve_guild(guild).commands)

    def member_permissions(
        self, user: UserRef, channel: ChannelRef | None = None, guild: GuildRef | None = None
    ) -> int:
        """A member's computed permissions (in a channel, after overwrites, when given)."""
        gld = self.resolve_guild(guild)
        chan = self.resolve_channel(channel, gld) if channel is not None else None
        return gld.permissions_in(self.resolve_user(user, gld).id, chan)

    # ------------------------------------------------------------ changes tests make

    async def set_channel_permission(
        self,
        channel: ChannelRef,
        allow: int = 0,
        deny: int = 0,
        *,
        target: UserRef | RoleRef | None = None,
        role: bool = False,
    ) -> Overwrite:
        """Set a channel overwrite for the bot (or ``target``: a user, or a role with ``role=True``)."""
        chan = self.resolve_channel(channel)
        guild = self.guilds[chan.guild_id or 0]
        if role:
            if isinstance(target, User | Member):
                raise TypeError("role=True needs a role as target")
            target_id, kind = self.resolve_role(target, guild).id, 0
        elif isinstance(target, Role):
            target_id, kind = target.id, 0
        else:
            target_id, kind = (self.resolve_user(target, guild).id if target is not None else self.bot_user.id), 1
        chan.overwrites = [o for o in chan.overwrites if not (o.id == target_id and o.type == kind)]
        overwrite = Overwrite(target_id, kind, allow, deny)
        chan.overwrites.append(overwrite)
        await self.dispatch_event("CHANNEL_UPDATE", chan.to_dict(), intent=Intent.GUILDS)
        return overwrite

    async def set_role_permissions(self, role: RoleRef, permissions: int, *, guild: GuildRef | None = None) -> Role:
        """Change a role's permissions (``"bot"`` names the bot's own role); sends GUILD_ROLE_UPDATE."""
        gld = self.resolve_guild(guild)
        found = self.bot_role(gld) if role == "bot" else self.resolve_role(role, gld)
        found.permissions = permissions
        data = {"guild_id": str(gld.id), "role": found.to_dict()}
        await self.dispatch_event("GUILD_ROLE_UPDATE", data, intent=Intent.GUILDS)
        return found

    def bot_role(self, guild: GuildRef | None = None) -> Role:
        """The bot's managed role in a guild."""
        gld = self.resolve_guild(guild)
        for role in gld.roles.values():
            if role.bot_id == self.bot_user.id:
                return role
        raise LookupError("the bot has no role")

    def close_dms(self, user: UserRef) -> None:
        """The user closes their DMs: the bot gets 403 / 50007 when it writes to them."""
        self.resolve_user(user).dms_open = False

    def open_dms(self, user: UserRef) -> None:
        """Open the user's DMs again."""
        self.resolve_user(user).dms_open = True

    def dm_channel(self, user: User) -> Channel:
        """The bot's DM channel with a user (created on first use)."""
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(snowflake(), "", 1, None, recipient_id=user.id)
            self.dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def check_dm_allowed(self, channel: Channel) -> None:
        """Raise Discord's 50007 when the recipient cannot get the bot's DMs."""
        user = self.users.get(channel.recipient_id or 0)
        shares_guild = any(user is not None and user.id in g.members for g in self.guilds.values())
        if user is None or user.bot or not user.dms_open or not shares_guild:
            raise DiscordError(403, 50007, "Cannot send messages to this user")

    # ------------------------------------------------------------ messages

    def channel_history(self, channel: ChannelRef) -> list[StoredMessage]:
        """Messages visible in a channel (no ephemeral or deleted ones), oldest first."""
        chan = self.resolve_channel(channel)
        return [m for m in self.messages.values() if m.channel_id == chan.id and not m.ephemeral and not m.deleted]

    def dms(self, user: UserRef) -> list[StoredMessage]:
        """Messages the bot sent to a user by DM, oldest first."""
        found = self.resolve_user(user)
        channel = self.dm_channels.get(found.id)
        return self.channel_history(channel) if channel else []

    def store_upload(self, channel_id: int, file: StoredFile, *, ephemeral: bool = False) -> dict[str, Any]:
        """Keep a file and return its attachment object (its URL is served by the stand-in)."""
        attachment_id = snowflake()
        self.uploads[attachment_id] = file
        attachment: dict[str, Any] = {
            "id": str(attachment_id),
            "filename": file.filename,
            "size": file.size,
            "url": f"{self.http_base}/attachments/{channel_id}/{attachment_id}/{quote(file.filename)}",
            "proxy_url": f"{self.http_base}/attachments/{channel_id}/{attachment_id}/{quote(file.filename)}",
            "content_type": file.content_type,
        }
        if ephemeral:
            attachment["ephemeral"] = True
        return attachment

    def _attachments(
        self, channel_id: int, body: Mapping[str, Any], files: Sequence[StoredFile], existing: StoredMessage | None
    ) -> tuple[list[dict[str, Any]], list[StoredFile]]:
        for file in files:
            if file.size > MAX_UPLOAD:
                raise DiscordError(413, 40005, "Request entity too large")
        by_index: dict[str, StoredFile] = {}
        for position, file in enumerate(files):
            found = re.search(r"\[(\d+)\]", file.field_name)
            by_index[found.group(1) if found else str(position)] = file
        old = list(zip(existing.data.get("attachments") or [], existing.files, strict=False)) if existing else []
        old_by_id = {str(a["id"]): (a, f) for a, f in old}
        out: list[tuple[dict[str, Any], StoredFile]] = []
        listed = body.get("attachments")
        used: set[str] = set()
        if isinstance(listed, list):
            for entry in listed:
                if not isinstance(entry, dict):
                    continue
                key = str(entry.get("id"))
                if key in old_by_id:
                    out.append(old_by_id[key])
                elif key in by_index:
                    used.add(key)
                    file = by_index[key]
                    name = str(entry.get("filename") or file.filename)
                    stored = StoredFile(name, file.data, file.content_type, file.field_name)
                    attachment = self.store_upload(channel_id, stored)
                    if entry.get("description"):
                        attachment["description"] = entry["description"]
                    out.append((attachment, stored))
        elif existing is not None:
            out.extend(old)
        for key, file in by_index.items():
            if key not in used:
                out.append((self.store_upload(channel_id, file), file))
        return [a for a, _ in out], [f for _, f in out]

    @staticmethod
    def _is_empty(data: Mapping[str, Any]) -> bool:
        return not (
            _text_of(data.get("content")).strip()
            or data.get("embeds")
            or data.get("components")
            or data.get("attachments")
            or data.get("sticker_items")
            or data.get("poll")
        )

    def _mentions(self, channel: Channel, content: str, allowed: object, author: User) -> dict[str, Any]:
        guild = self.guilds.get(channel.guild_id or 0)
        can_everyone = bool(guild and guild.permissions_in(author.id, channel) & Perm.MENTION_EVERYONE)
        found = resolve_mentions(content, allowed, can_mention_everyone=can_everyone, guild=guild)
        users = [self.users[u].to_dict() for u in found.users if u in self.users]
        return {
            "mentions": users,
            "mention_roles": [str(r) for r in found.roles],
            "mention_everyone": found.everyone,
        }

    async def create_message(
        self,
        channel: Channel,
        *,
        body: Mapping[str, Any],
        files: Sequence[StoredFile] = (),
        author: User | None = None,
        msg_type: int = 0,
        interaction: PendingInteraction | None = None,
        as_webhook: bool = False,
    ) -> StoredMessage:
        """Create a message from a request body (as the bot unless ``author`` is given)."""
        author = author or self.bot_user
        mid = snowflake()
        flags = int(body.get("flags") or 0) & (_SENDABLE_FLAGS | (EPHEMERAL | LOADING if interaction else 0))
        attachments, kept = self._attachments(channel.id, body, files, None)
        content = _text_of(body.get("content"))
        data: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(channel.id),
            "author": author.to_dict(),
            "content": content,
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            **self._mentions(channel, content, body.get("allowed_mentions"), author),
            "attachments": attachments,
            "embeds": [{"type": "rich", **e} for e in body.get("embeds") or [] if isinstance(e, dict)],
            "pinned": False,
            "type": msg_type,
            "flags": flags,
            "components": list(body.get("components") or []),
        }
        if body.get("nonce") is not None:
            data["nonce"] = body["nonce"]
        reference = body.get("message_reference")
        if isinstance(reference, dict) and reference.get("message_id"):
            referenced = self.messages.get(int(reference["message_id"]))
            if referenced is None and reference.get("fail_if_not_exists", True):
                unknown = {"_errors": [{"code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "message": "Unknown message"}]}
                raise DiscordError(400, 50035, "Invalid Form Body", {"message_reference": unknown})
            data["type"] = 19
            data["message_reference"] = {
                "type": 0,
                "message_id": str(reference["message_id"]),
                "channel_id": str(channel.id),
                **({"guild_id": str(channel.guild_id)} if channel.guild_id else {}),
            }
            data["referenced_message"] = referenced.data if referenced else None
        if as_webhook:
            data["webhook_id"] = str(self.application_id)
        if interaction is not None:
            data["application_id"] = str(self.application_id)
            user = self.users[interaction.user_id]
            data["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": user.to_dict(),
                "authorizing_integration_owners": interaction.payload.get("authorizing_integration_owners", {}),
            }
            if interaction.message_id:
                data["interaction_metadata"]["interacted_message_id"] = str(interaction.message_id)
            if interaction.type in (2, 4):
                data["interaction"] = {
                    "id": str(interaction.id),
                    "type": interaction.type,
                    "name": interaction.payload.get("data", {}).get("name", ""),
                    "user": user.to_dict(),
                }
        if not flags & LOADING and self._is_empty(data):
            raise DiscordError(400, 50006, "Cannot send an empty message")
        stored = StoredMessage(data, kept, ephemeral=bool(flags & EPHEMERAL))
        stored.interaction_id = interaction.id if interaction else None
        self.messages[mid] = stored
        if not stored.ephemeral:
            channel.last_message_id = mid
            await self._message_event("MESSAGE_CREATE", channel, data, author)
        return stored

    async def edit_message(
        self,
        message: StoredMessage,
        body: Mapping[str, Any],
        files: Sequence[StoredFile] = (),
        *,
        finish_loading: bool = False,
    ) -> StoredMessage:
        """Apply an edit body (content, embeds, components, attachments, allowed_mentions, flags)."""
        channel = self.channels[message.channel_id]
        data = dict(message.data)
        was_loading = bool(message.flags & LOADING)
        if "content" in body:
            data["content"] = _text_of(body.get("content"))
        if "embeds" in body:
            data["embeds"] = [{"type": "rich", **e} for e in body.get("embeds") or [] if isinstance(e, dict)]
        if "components" in body:
            data["components"] = list(body.get("components") or [])
        if "flags" in body and body.get("flags") is not None:
            keep = message.flags & ~_EDITABLE_FLAGS
            data["flags"] = keep | (int(body["flags"]) & _EDITABLE_FLAGS)
        if finish_loading:
            data["flags"] = int(data.get("flags") or 0) & ~LOADING
        attachments, kept = self._attachments(channel.id, body, files, message)
        data["attachments"] = attachments
        author = self.users.get(int(data["author"]["id"])) or self.bot_user
        data.update(self._mentions(channel, _text_of(data.get("content")), body.get("allowed_mentions"), author))
        if not was_loading:
            data["edited_timestamp"] = iso_now()
        if self._is_empty(data):
            raise DiscordError(400, 50006, "Cannot send an empty message")
        message.data = data
        message.files = kept
        message.edits.append(dict(body))
        if not message.ephemeral:
            await self._message_event("MESSAGE_UPDATE", channel, data, author)
        return message

    async def delete_message(self, message: StoredMessage) -> None:
        """Delete a message (sends MESSAGE_DELETE unless it was ephemeral)."""
        message.deleted = True
        if message.ephemeral:
            return
        channel = self.channels[message.channel_id]
        data: dict[str, Any] = {"id": str(message.id), "channel_id": str(channel.id)}
        intent = Intent.DIRECT_MESSAGES if channel.type == 1 else Intent.GUILD_MESSAGES
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        await self.dispatch_event("MESSAGE_DELETE", data, intent=intent)

    async def _message_event(self, event: str, channel: Channel, data: dict[str, Any], author: User) -> None:
        payload = dict(data)
        if channel.guild_id:
            guild = self.guilds[channel.guild_id]
            payload["guild_id"] = str(guild.id)
            member = guild.members.get(author.id)
            if member is not None and "webhook_id" not in data:
                payload["member"] = member.to_dict(with_user=False)
            intent = Intent.GUILD_MESSAGES
        else:
            intent = Intent.DIRECT_MESSAGES
        await self.dispatch_event(event, payload, intent=intent)

    async def user_says(
        self, content: str, *, user: UserRef | None = None, channel: ChannelRef | None = None
    ) -> StoredMessage:
        """A human posts a message (sends MESSAGE_CREATE to the bot)."""
        guild = self.guild if channel is None else None
        chan = self.resolve_channel(channel) if channel is not None else self.default_channel(self.guild)
        gld = self.guilds.get(chan.guild_id or 0) or guild
        author = self.resolve_user(user, gld) if user is not None else self.default_user(gld or self.guild)
        return await self.create_message(chan, body={"content": content}, author=author)

    # ================================================================ gateway

    def ready_payload(self, session: GatewaySession) -> dict[str, Any]:
        """The READY event for a new session."""
        data: dict[str, Any] = {
            "v": 10,
            "user": self.bot_user_payload(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self.bot_guilds()],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": (1 << 15) | (1 << 19) | (1 << 23)},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
            "_trace": ['["standin-gateway",{"micros":0}]'],
        }
        if session.shard is not None:
            data["shard"] = session.shard
        return data

    def bot_user_payload(self) -> dict[str, Any]:
        """The bot's own user object (``GET /users/@me``, READY)."""
        return {
            **self.bot_user.to_dict(),
            "verified": True,
            "mfa_enabled": False,
            "locale": "en-US",
            "email": None,
            "bot": True,
        }

    async def dispatch_event(self, event: str, data: dict[str, Any], *, intent: int | None = None) -> int:
        """Send a gateway DISPATCH to the bot's sessions."""
        return await self.gateway.dispatch(event, data, intent=intent)

    def _dispatch_soon(self, event: str, data: dict[str, Any], intent: int | None) -> None:
        if not self.gateway.sessions:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        loop.create_task(self.dispatch_event(event, data, intent=intent))  # noqa: RUF006 - fire and forget

    async def wait_until_ready(self, timeout: float = 10.0) -> None:
        """Wait until a bot identified and got its guilds (raise TimeoutError otherwise)."""
        if not await self.gateway.wait_for(lambda: bool(self.gateway.live_sessions), timeout):
            raise TimeoutError(f"no bot connected to the stand-in within {timeout} s")

    async def drop_gateway(self, code: int = 4000, *, resumable: bool = True) -> int:
        """Close the bot's gateway connection(s); it should RESUME (or IDENTIFY if not ``resumable``)."""
        return await self.gateway.drop(code, resumable=resumable)

    # ================================================================ faults and rate limits

    def fail(
        self,
        method: str,
        path_regex: str,
        status: int = 500,
        times: int = 1,
        retry_after: float = 0.05,
        *,
        global_: bool = False,
    ) -> Fault:
        """
        Answer the next ``times`` requests matching (method or ``*``, regex searched in the path) with ``status``.

        A 429 carries ``Via``, ``Retry-After``, ``X-RateLimit-*`` and ``{"message", "retry_after",
        "global"}`` (discord.py only retries a 429 with ``Via``); 5xx answers carry Discord's error JSON.
        """
        fault = Fault(method.upper(), re.compile(path_regex), status, times, retry_after, global_)
        self.faults.append(fault)
        return fault

    def global_rate_limit(self, per_second: int | None = 50) -> None:
        """Enforce Discord's global limit (``None`` turns it off): beyond it, 429 with ``global: true``."""
        self._limits.global_per_second = per_second
        self._limits.global_times.clear()

    def _fault_answer(self, fault: Fault, route: Route | None) -> Answer:
        fault.hits += 1
        bucket = route.bucket if route else "unknown"
        if fault.status == 429:
            return _rate_limited(fault.retry_after, global_=fault.global_, bucket=bucket, limit=self._limits.limit)
        reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
        return Answer(fault.status, {"message": f"{fault.status}: {reason.get(fault.status, 'Error')}", "code": 0})

    def _global_check(self) -> Answer | None:
        per_second = self._limits.global_per_second
        if per_second is None:
            return None
        now = time.monotonic()
        times = self._limits.global_times
        while times and now - times[0] >= 1.0:
            times.popleft()
        if len(times) >= per_second:
            retry = max(0.001, 1.0 - (now - times[0]))
            return _rate_limited(retry, global_=True, bucket="global", limit=per_second)
        times.append(now)
        return None

    def _bucket(self, route: Route, params: Mapping[str, str]) -> tuple[Answer | None, dict[str, str]]:
        keys = ("channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id")
        major = "+".join(params.get(k, "") for k in keys)
        key = f"{route.bucket}:{major}"
        now = time.monotonic()
        bucket = self._limits.buckets.get(key)
        if bucket is None or now - bucket.started >= self._limits.window:
            bucket = self._limits.buckets[key] = _Bucket(now)
        bucket.count += 1
        reset_after = max(0.0, self._limits.window - (now - bucket.started))
        if bucket.count > self._limits.limit:
            limited = _rate_limited(reset_after, global_=False, bucket=route.bucket, limit=self._limits.limit)
            return limited, {}
        return None, _rate_headers(self._limits.limit, self._limits.limit - bucket.count, reset_after, route.bucket)

    # ================================================================ recording

    def record_violation(self, violation: Violation) -> None:
        """Keep a violation (errors in :attr:`violations`, warnings in :attr:`warnings`)."""
        if violation.is_error:
            log.warning("Discord contract violation: %s", violation)
            self.violations.append(violation)
        else:
            self.warnings.append(violation)

    def clear_violations(self) -> list[Violation]:
        """Forget recorded violations and warnings; return the violations that were there."""
        found, self.violations = self.violations, []
        self.warnings = []
        return found

    def assert_clean(self) -> None:
        """Raise AssertionError listing every violation recorded so far."""
        if self.violations:
            lines = "\n  ".join(str(v) for v in self.violations)
            raise AssertionError(f"{len(self.violations)} Discord contract violation(s):\n  {lines}")

    def requests_matching(
        self, method: str | None = None, path: str | None = None, status: int | None = None, *, since: int = 0
    ) -> list[RecordedRequest]:
        """Recorded requests (from index ``since`` on) filtered by method, a regex searched in the path, status."""
        pattern = re.compile(path) if path else None
        return [
            r
            for r in self.requests[since:]
            if (method is None or r.method == method.upper())
            and (pattern is None or pattern.search(r.path))
            and (status is None or r.status == status)
        ]

    async def wait_for_request(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        *,
        timeout: float = 5.0,
        code: int | None = None,
        since: int = 0,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> RecordedRequest:
        """
        Wait for a recorded request matching (the latest one); raise TimeoutError otherwise.

        ``since`` is an index into :attr:`requests` (take ``len(standin.requests)`` before acting to
        see only new ones); ``code`` matches Discord's JSON error code.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [
                r
                for r in self.requests_matching(method, path, status, since=since)
                if (code is None or r.error_code == code) and (predicate is None or predicate(r))
            ]
            if found:
                return found[-1]
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no request {method or '*'} {path or ''} status={status} within {timeout} s")
            changed = self._requests_changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                continue

    # ================================================================ HTTP plumbing

    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        raw = request.match_info["attachment_id"]
        file = self.uploads.get(int(raw)) if raw.isdigit() else None
        if file is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=file.data, headers={"Content-Type": file.content_type})

    async def _read_body(self, request: web.Request) -> tuple[Any, list[StoredFile]]:
        ctype = request.content_type
        if ctype == "multipart/form-data":
            body: dict[str, Any] = {}
            files: list[StoredFile] = []
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader):
                    continue
                name = part.name or ""
                if name == "payload_json":
                    parsed = json.loads(await part.text() or "null")
                    body = parsed if isinstance(parsed, dict) else body
                elif part.filename is not None:
                    data = bytes(await part.read(decode=False))
                    part_type = part.headers.get("Content-Type", "application/octet-stream")
                    files.append(StoredFile(part.filename, data, part_type, name))
                else:
                    body[name] = await part.text()
            return body, files
        raw = await request.read()
        if not raw:
            return None, []
        return json.loads(raw), []

    def _checks(self, route: Route, method: str, path: str, body: object) -> list[Violation]:
        if body is None and method in ("GET", "DELETE"):
            return []
        report = self.spec.report(method, path, body)
        found = [v.located(method, path) for v in report.violations]
        if route.limits and body is not None:
            found += [v.located(method, path) for v in check_limits(route.limits, body)]
        for warning in report.warnings:
            self.record_violation(warning.located(method, path))
        for violation in found:
            self.record_violation(violation)
        return found

    async def _answer(self, request: web.Request, call: Call, route: Route | None, other: bool) -> Answer:
        full = request.path
        if route is None:
            text = "405: Method Not Allowed" if other else "404: Not Found"
            self.record_violation(
                Violation("route", f"the stand-in has no route {call.method} {call.path}", "", call.method, full)
            )
            return Answer(405 if other else 404, {"message": text, "code": 0})
        for fault in self.faults:
            if fault.matches(call.method, full):
                return self._fault_answer(fault, route)
        headers: dict[str, str] = {}
        try:
            if route.auth:
                if request.headers.get("Authorization", "") != f"Bot {self.token}":
                    raise DiscordError(401, 0, "401: Unauthorized")
                limited = self._global_check()
                if limited is not None:
                    return limited
            limited, headers = self._bucket(route, call.params)
            if limited is not None:
                return limited
            errors = self._checks(route, call.method, full, call.body)
            if errors and self.reject_invalid:
                raise DiscordError(400, 50035, "Invalid Form Body", form_errors(errors))
            answer = await route.handler(call)
        except DiscordError as exc:
            answer = Answer(exc.status, exc.to_body())
        answer.headers = {**headers, **answer.headers}
        return answer

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        method = request.method.upper()
        full = request.path
        prefix = _API.match(full)
        if prefix is None or prefix.group(1) != "10":
            self.record_violation(Violation("route", "not under /api/v10", "", method, full))
            return web.Response(status=404, text="404: Not Found")
        api_path = full[prefix.end() :]
        route, params, other = self.rest.match(method, api_path)
        files: list[StoredFile] = []
        try:
            body, files = await self._read_body(request)
        except ValueError:
            answer = Answer(400, {"message": "The request body contains invalid JSON.", "code": 50109})
            body = None
            call = Call(method, api_path, route.template if route else api_path, params, dict(request.query), None)
        else:
            call = Call(method, api_path, route.template if route else api_path, params, dict(request.query), body)
            call.files = files
            answer = await self._answer(request, call, route, other)
        record = RecordedRequest(
            method=method,
            path=full,
            route=call.route,
            query=dict(request.query),
            json=body,
            files=files,
            status=answer.status,
            time=started,
            response=answer.body,
        )
        self.requests.append(record)
        self.interactions.observe(call, record)
        self._requests_changed.set()
        self._requests_changed = asyncio.Event()
        if answer.status >= 400:
            log.info("stand-in answered %s", record)
        if answer.body is None or answer.status == 204:
            return web.Response(status=answer.status, headers=answer.headers)
        payload = json.dumps(answer.body).encode()
        return web.Response(
            status=answer.status, body=payload, headers={**answer.headers, "Content-Type": "application/json"}
        )

    # ================================================================ interactions (see interactions.py)

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
