"""The stand-in's REST routes (everything under ``/api/v10``) and their handlers."""

import hashlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from standin.state import Channel, Guild, Perm, snowflake
from standin.wire import Answer, Call, DiscordError

if TYPE_CHECKING:
    from standin.server import StandIn

__all__ = ["RestApi", "Route"]

Handler = Callable[[Call], Awaitable[Answer]]
APPLICATION_FLAGS = (1 << 15) | (1 << 19) | (1 << 23)
SESSION_STARTS_PER_DAY = 1000
DAY_MS = 86_400_000


@dataclass(frozen=True)
class Route:
    """One REST route: method, templated path, handler, and the limits kind its body is checked with."""

    method: str
    template: str
    handler: Handler
    limits: str | None = None
    auth: bool = True

    @property
    def pattern(self) -> re.Pattern[str]:
        """The template compiled to a regex with named groups."""
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        return re.compile(f"^{regex}$")

    @property
    def specificity(self) -> int:
        """Literal segments count, so ``/users/@me`` wins over ``/users/{user_id}``."""
        return sum(1 for seg in self.template.split("/") if seg and not seg.startswith("{"))

    @property
    def bucket(self) -> str:
        """A stable rate-limit bucket hash for this route."""
        return hashlib.sha1(f"{self.method} {self.template}".encode(), usedforsecurity=False).hexdigest()[:16]


def _permission_error(view: bool) -> DiscordError:
    if not view:
        return DiscordError(403, 50001, "Missing Access")
    return DiscordError(403, 50013, "Missing Permissions")


def _parse_time(value: object, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise _form_error(field, "DATE_TIME_TYPE_INVALID", "Could not interpret value as a timestamp.") from None
    if parsed.tzinfo is None:
        raise _form_error(field, "DATE_TIME_TYPE_INVALID", "Timestamps need a UTC offset.")
    return parsed


def _form_error(field: str, code: str, message: str) -> DiscordError:
    node: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for token in reversed(field.split(".")):
        node = {token: node}
    return DiscordError(400, 50035, "Invalid Form Body", node)


class RestApi:
    """Route table and handlers; world changes go through the :class:`StandIn`."""

    def __init__(self, standin: "StandIn") -> None:
        self.s = standin
        drv = standin.interactions
        routes = [
            Route("GET", "/gateway", self.gateway, auth=False),
            Route("GET", "/gateway/bot", self.gateway_bot),
            Route("GET", "/users/@me", self.me),
            Route("GET", "/users/{user_id}", self.get_user),
            Route("POST", "/users/@me/channels", self.create_dm),
            Route("GET", "/applications/@me", self.application),
            Route("GET", "/oauth2/applications/@me", self.application),
            Route("GET", "/applications/{application_id}/commands", self.list_commands),
            Route("PUT", "/applications/{application_id}/commands", self.put_commands, "commands"),
            Route("POST", "/applications/{application_id}/commands", self.post_command, "command"),
            Route("GET", "/applications/{application_id}/commands/{command_id}", self.one_command),
            Route("PATCH", "/applications/{application_id}/commands/{command_id}", self.one_command, "command"),
            Route("DELETE", "/applications/{application_id}/commands/{command_id}", self.one_command),
            Route("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.list_commands),
            Route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.put_commands, "commands"),
            Route("POST", "/applications/{application_id}/guilds/{guild_id}/commands", self.post_command, "command"),
            Route("GET", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", self.one_command),
            Route(
                "PATCH",
                "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
                self.one_command,
                "command",
            ),
            Route("DELETE", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", self.one_command),
            Route(
                "POST",
                "/interactions/{interaction_id}/{interaction_token}/callback",
                drv.callback,
                "callback",
                auth=False,
            ),
            Route("POST", "/webhooks/{webhook_id}/{webhook_token}", drv.followup, "message", auth=False),
            Route(
                "GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", drv.webhook_message, auth=False
            ),
            Route(
                "PATCH",
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                drv.webhook_message,
                "message",
                auth=False,
            ),
            Route(
                "DELETE",
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                drv.webhook_message,
                auth=False,
            ),
            Route("GET", "/channels/{channel_id}", self.get_channel),
            Route("GET", "/channels/{channel_id}/messages", self.list_messages),
            Route("POST", "/channels/{channel_id}/messages", self.post_message, "message"),
            Route("GET", "/channels/{channel_id}/messages/{message_id}", self.one_message),
            Route("PATCH", "/channels/{channel_id}/messages/{message_id}", self.one_message, "message"),
            Route("DELETE", "/channels/{channel_id}/messages/{message_id}", self.one_message),
            Route("POST", "/channels/{channel_id}/typing", self.typing),
            Route("GET", "/guilds/{guild_id}", self.get_guild),
            Route("GET", "/guilds/{guild_id}/channels", self.guild_channels),
            Route("GET", "/guilds/{guild_id}/roles", self.guild_roles),
            Route("GET", "/guilds/{guild_id}/members", self.guild_members),
            Route("GET", "/guilds/{guild_id}/members/{user_id}", self.guild_member),
            Route("GET", "/guilds/{guild_id}/scheduled-events", self.list_events),
            Route("POST", "/guilds/{guild_id}/scheduled-events", self.create_event),
            Route("GET", "/guilds/{guild_id}/scheduled-events/{event_id}", self.one_event),
            Route("PATCH", "/guilds/{guild_id}/scheduled-events/{event_id}", self.one_event),
            Route("DELETE", "/guilds/{guild_id}/scheduled-events/{event_id}", self.one_event),
        ]
        self.routes = sorted(routes, key=lambda r: -r.specificity)
        self._compiled = [(r, r.pattern) for r in self.routes]

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """Find the route for a path: (route, params, path_known_for_another_method)."""
        other = False
        for route, pattern in self._compiled:
            found = pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return route, found.groupdict(), True
            other = True
        return None, {}, other

    # ------------------------------------------------------------ helpers

    def _guild(self, call: Call) -> Guild:
        guild = self.s.guilds.get(call.int_param("guild_id"))
        if guild is None:
            raise DiscordError(404, 10004, "Unknown Guild")
        return guild

    def _channel(self, call: Call) -> Channel:
        channel = self.s.channels.get(call.int_param("channel_id"))
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        return channel

    def _require(self, channel: Channel, *bits: int) -> None:
        """Raise 403 unless the bot holds every permission bit in the channel."""
        if channel.type == 1:
            return
        guild = self.s.guilds[channel.guild_id or 0]
        perms = guild.permissions_in(self.s.bot_user.id, channel)
        if not perms & Perm.VIEW_CHANNEL:
            raise _permission_error(view=False)
        for bit in bits:
            if not perms & bit:
                raise _permission_error(view=True)

    def _app(self, call: Call) -> None:
        if call.params.get("application_id") != str(self.s.application_id):
            raise DiscordError(403, 20012, "You are not authorized to perform this action on this application")

    # ------------------------------------------------------------ gateway, users, application

    async def gateway(self, _call: Call) -> Answer:
        """``GET /gateway``."""
        return Answer(200, {"url": self.s.gateway_url})

    async def gateway_bot(self, _call: Call) -> Answer:
        """
        ``GET /gateway/bot``: the URL, the shard count to use and the session start limit.

        As Discord's: 1000 IDENTIFYs a day (``remaining`` counts down with each), ``reset_after`` in ms, and
        ``max_concurrency`` shards that may IDENTIFY together.
        """
        limit = {
            "total": SESSION_STARTS_PER_DAY,
            "remaining": max(0, SESSION_STARTS_PER_DAY - self.s.gateway.identify_count),
            "reset_after": DAY_MS,
            "max_concurrency": self.s.max_concurrency,
        }
        return Answer(200, {"url": self.s.gateway_url, "shards": self.s.shard_count, "session_start_limit": limit})

    async def me(self, _call: Call) -> Answer:
        """``GET /users/@me``."""
        return Answer(200, self.s.bot_user_payload())

    async def get_user(self, call: Call) -> Answer:
        """``GET /users/{id}``."""
        user = self.s.users.get(call.int_param("user_id"))
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        return Answer(200, user.to_dict())

    async def application(self, _call: Call) -> Answer:
        """``GET /applications/@me`` and ``GET /oauth2/applications/@me``."""
        s = self.s
        return Answer(
            200,
            {
                "id": str(s.application_id),
                "name": s.bot_user.username,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "hook": True,
                "rpc_origins": [],
                "bot_public": False,
                "bot_require_code_grant": False,
                "bot": s.bot_user.to_dict(),
                "owner": s.owner_user.to_dict(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": APPLICATION_FLAGS,
                "tags": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "role_connections_verification_url": None,
                "approximate_guild_count": len(s.guilds),
                "integration_types_config": {"0": {}},
                "install_params": None,
            },
        )

    async def create_dm(self, call: Call) -> Answer:
        """``POST /users/@me/channels``."""
        raw = call.json.get("recipient_id")
        if raw is None or not str(raw).isdigit():
            raise _form_error("recipient_id", "BASE_TYPE_REQUIRED", "This field is required")
        user = self.s.users.get(int(raw))
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        channel = self.s.dm_channel(user)
        return Answer(200, channel.to_dict([user]))

    # ------------------------------------------------------------ commands

    def _pool(self, call: Call) -> tuple[list[dict[str, Any]], Guild | None]:
        self._app(call)
        if "guild_id" not in call.params:
            return self.s.global_commands, None
        guild = self.s.guilds.get(call.int_param("guild_id"))
        if guild is None:
            raise DiscordError(403, 50001, "Missing Access")
        return guild.commands, guild

    def _stored_command(self, entry: dict[str, Any], guild: Guild | None, old: dict[str, Any] | None) -> dict[str, Any]:
        perms = entry.get("default_member_permissions")
        stored: dict[str, Any] = {
            "id": old["id"] if old else str(snowflake()),
            "application_id": str(self.s.application_id),
            "version": str(snowflake()),
            "type": int(entry.get("type") or 1),
            "name": entry.get("name"),
            "name_localizations": entry.get("name_localizations"),
            "description": entry.get("description") or "",
            "description_localizations": entry.get("description_localizations"),
            "default_member_permissions": None if perms is None else str(perms),
            "contexts": entry.get("contexts"),
            "integration_types": entry.get("integration_types") or [0],
            "nsfw": bool(entry.get("nsfw", False)),
        }
        if entry.get("options"):
            stored["options"] = entry["options"]
        if guild is not None:
            stored["guild_id"] = str(guild.id)
        else:
            stored["dm_permission"] = entry.get("dm_permission", True) is not False
        return stored

    async def list_commands(self, call: Call) -> Answer:
        """``GET`` global or guild commands."""
        pool, _ = self._pool(call)
        return Answer(200, list(pool))

    async def put_commands(self, call: Call) -> Answer:
        """``PUT`` (bulk overwrite) global or guild commands."""
        pool, guild = self._pool(call)
        body = call.body if isinstance(call.body, list) else []
        old = {(c["name"], c["type"]): c for c in pool}
        fresh = [
            self._stored_command(e, guild, old.get((e.get("name"), int(e.get("type") or 1))))
            for e in body
            if isinstance(e, dict)
        ]
        pool[:] = fresh
        return Answer(200, list(pool))

    async def post_command(self, call: Call) -> Answer:
        """``POST`` (upsert) one command."""
        pool, guild = self._pool(call)
        entry = call.json
        key = (entry.get("name"), int(entry.get("type") or 1))
        for index, cmd in enumerate(pool):
            if (cmd["name"], cmd["type"]) == key:
                pool[index] = self._stored_command(entry, guild, cmd)
                return Answer(200, pool[index])
        stored = self._stored_command(entry, guild, None)
        pool.append(stored)
        return Answer(201, stored)

    async def one_command(self, call: Call) -> Answer:
        """``GET/PATCH/DELETE`` one command."""
        pool, guild = self._pool(call)
        for index, cmd in enumerate(pool):
            if cmd["id"] == call.params["command_id"]:
                if call.method == "GET":
                    return Answer(200, cmd)
                if call.method == "DELETE":
                    del pool[index]
                    return Answer(204)
                pool[index] = self._stored_command({**cmd, **call.json}, guild, cmd)
                return Answer(200, pool[index])
        raise DiscordError(404, 10063, "Unknown application command")

    # ------------------------------------------------------------ channels and messages

    async def get_channel(self, call: Call) -> Answer:
        """``GET /channels/{id}``."""
        channel = self._channel(call)
        self._require(channel)
        recipients = [self.s.users[channel.recipient_id]] if channel.recipient_id in self.s.users else []
        return Answer(200, channel.to_dict(recipients))

    async def post_message(self, call: Call) -> Answer:
        """``POST /channels/{id}/messages``."""
        channel = self._channel(call)
        if channel.type == 1:
            self.s.check_dm_allowed(channel)
        else:
            bits = [Perm.SEND_MESSAGES]
            if call.files:
                bits.append(Perm.ATTACH_FILES)
            if call.json.get("message_reference"):
                bits.append(Perm.READ_MESSAGE_HISTORY)
            self._require(channel, *bits)
        message = await self.s.create_message(channel, body=call.json, files=call.files)
        return Answer(200, message.data)

    async def list_messages(self, call: Call) -> Answer:
        """``GET /channels/{id}/messages`` (newest first; ``limit``, ``before``, ``after``, ``around``)."""
        channel = self._channel(call)
        self._require(channel, Perm.READ_MESSAGE_HISTORY)
        limit = int(call.query.get("limit") or 50)
        if not 1 <= limit <= 100:
            raise _form_error("limit", "NUMBER_TYPE_MAX", "Must be between 1 and 100.")
        history = self.s.channel_history(channel.id)
        if "before" in call.query:
            history = [m for m in history if m.id < int(call.query["before"])]
        if "after" in call.query:
            history = [m for m in history if m.id > int(call.query["after"])]
            history = history[:limit]
        if "around" in call.query:
            pivot = int(call.query["around"])
            older = [m for m in history if m.id <= pivot][-((limit + 1) // 2) :]
            newer = [m for m in history if m.id > pivot][: limit // 2]
            history = older + newer
        history = history[-limit:]
        return Answer(200, [m.data for m in reversed(history)])

    async def one_message(self, call: Call) -> Answer:
        """``GET/PATCH/DELETE /channels/{id}/messages/{message_id}``."""
        channel = self._channel(call)
        self._require(channel, Perm.READ_MESSAGE_HISTORY) if call.method == "GET" else self._require(channel)
        msg = self.s.messages.get(call.int_param("message_id"))
        if msg is None or msg.deleted or msg.ephemeral or msg.channel_id != channel.id:
            raise DiscordError(404, 10008, "Unknown Message")
        mine = msg.data["author"]["id"] == str(self.s.bot_user.id)
        if call.method == "GET":
            return Answer(200, msg.data)
        if call.method == "DELETE":
            if not mine:
                self._require(channel, Perm.MANAGE_MESSAGES)
            await self.s.delete_message(msg)
            return Answer(204)
        if not mine:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        edited = await self.s.edit_message(msg, call.json, call.files)
        return Answer(200, edited.data)

    async def typing(self, call: Call) -> Answer:
        """``POST /channels/{id}/typing``."""
        channel = self._channel(call)
        if channel.type == 1:
            self.s.check_dm_allowed(channel)
        else:
            self._require(channel, Perm.SEND_MESSAGES)
        return Answer(204)

    # ------------------------------------------------------------ guilds

    async def get_guild(self, call: Call) -> Answer:
        """``GET /guilds/{id}``."""
        guild = self._guild(call)
        data = guild.to_dict()
        if call.flag("with_counts"):
            data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return Answer(200, data)

    async def guild_channels(self, call: Call) -> Answer:
        """``GET /guilds/{id}/channels``."""
        guild = self._guild(call)
        return Answer(200, [c.to_dict() for c in guild.channels.values()])

    async def guild_roles(self, call: Call) -> Answer:
        """``GET /guilds/{id}/roles``."""
        guild = self._guild(call)
        return Answer(200, [r.to_dict() for r in sorted(guild.roles.values(), key=lambda r: r.position)])

    async def guild_members(self, call: Call) -> Answer:
        """``GET /guilds/{id}/members`` (``limit``, ``after``)."""
        guild = self._guild(call)
        after = int(call.query.get("after") or 0)
        limit = int(call.query.get("limit") or 1)
        members = sorted((m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id)
        return Answer(200, [m.to_dict() for m in members[:limit]])

    async def guild_member(self, call: Call) -> Answer:
        """``GET /guilds/{id}/members/{user_id}``."""
        guild = self._guild(call)
        member = guild.members.get(call.int_param("user_id"))
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        return Answer(200, member.to_dict())

    # ------------------------------------------------------------ scheduled events

    def _require_events(self, guild: Guild) -> None:
        if not guild.base_permissions(self.s.bot_user.id) & Perm.MANAGE_EVENTS:
            raise DiscordError(403, 50013, "Missing Permissions")

    def _event_fields(self, guild: Guild, body: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        merged = {**(old or {}), **body}
        name = merged.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            raise _form_error("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        if len(str(merged.get("description") or "")) > 1000:
            raise _form_error("description", "BASE_TYPE_MAX_LENGTH", "Must be 1000 or fewer in length.")
        if merged.get("privacy_level") != 2:
            raise _form_error("privacy_level", "BASE_TYPE_CHOICES", "Value must be one of {2}.")
        kind = merged.get("entity_type")
        start = _parse_time(merged.get("scheduled_start_time"), "scheduled_start_time")
        end_raw = merged.get("scheduled_end_time")
        end = _parse_time(end_raw, "scheduled_end_time") if end_raw else None
        if end is not None and end <= start:
            raise _form_error("scheduled_end_time", "GUILD_SCHEDULED_EVENT_END_BEFORE_START", "End before start.")
        channel_id = merged.get("channel_id")
        metadata = merged.get("entity_metadata") or {}
        if kind == 3:
            location = metadata.get("location") if isinstance(metadata, dict) else None
            if not isinstance(location, str) or not 1 <= len(location) <= 100:
                raise _form_error("entity_metadata.location", "BASE_TYPE_REQUIRED", "This field is required")
            if end is None:
                raise _form_error("scheduled_end_time", "BASE_TYPE_REQUIRED", "This field is required")
            channel_id = None
        elif kind in (1, 2):
            channel = self.s.channels.get(int(channel_id or 0))
            if channel is None or channel.guild_id != guild.id:
                raise _form_error("channel_id", "CHANNEL_TYPE_INVALID", "Unknown channel")
        else:
            raise _form_error("entity_type", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
        return {
            "name": name,
            "description": merged.get("description"),
            "scheduled_start_time": start.isoformat(),
            "scheduled_end_time": end.isoformat() if end else None,
            "privacy_level": 2,
            "entity_type": kind,
            "channel_id": str(channel_id) if channel_id else None,
            "entity_metadata": metadata if kind == 3 else None,
            "status": int(merged.get("status") or 1),
            "image": None,
            "recurrence_rule": merged.get("recurrence_rule"),
        }

    async def list_events(self, call: Call) -> Answer:
        """``GET /guilds/{id}/scheduled-events``."""
        guild = self._guild(call)
        events = list(guild.scheduled_events.values())
        if call.flag("with_user_count"):
            events = [{**e, "user_count": 0} for e in events]
        return Answer(200, events)

    async def create_event(self, call: Call) -> Answer:
        """``POST /guilds/{id}/scheduled-events`` (needs Manage Events)."""
        guild = self._guild(call)
        self._require_events(guild)
        fields = self._event_fields(guild, call.json, None)
        event_id = snowflake()
        event = {
            "id": str(event_id),
            "guild_id": str(guild.id),
            "creator_id": str(self.s.bot_user.id),
            "creator": self.s.bot_user.to_dict(),
            "entity_id": None,
            "user_count": 0,
            **fields,
        }
        guild.scheduled_events[event_id] = event
        await self.s.dispatch_event("GUILD_SCHEDULED_EVENT_CREATE", event, intent=1 << 16)
        return Answer(200, event)

    async def one_event(self, call: Call) -> Answer:
        """``GET/PATCH/DELETE /guilds/{id}/scheduled-events/{event_id}``."""
        guild = self._guild(call)
        event_id = call.int_param("event_id")
        event = guild.scheduled_events.get(event_id)
        if event is None:
            raise DiscordError(404, 10070, "Unknown Guild Scheduled Event")
        if call.method == "GET":
            return Answer(200, event)
        self._require_events(guild)
        if call.method == "DELETE":
            del guild.scheduled_events[event_id]
            await self.s.dispatch_event("GUILD_SCHEDULED_EVENT_DELETE", event, intent=1 << 16)
            return Answer(204)
        event.update(self._event_fields(guild, call.json, event))
        await self.s.dispatch_event("GUILD_SCHEDULED_EVENT_UPDATE", event, intent=1 << 16)
        return Answer(200, event)
