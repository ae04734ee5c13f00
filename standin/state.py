"""The stand-in's world: users, guilds, roles, channels, members, messages, and Discord's payload shapes."""

import itertools
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from standin.models import StoredFile

__all__ = [
    "ALL_PERMISSIONS",
    "Channel",
    "ChannelRef",
    "Guild",
    "GuildRef",
    "Member",
    "Overwrite",
    "Perm",
    "Role",
    "RoleRef",
    "StoredMessage",
    "User",
    "UserRef",
    "iso_now",
    "snowflake",
]

DISCORD_EPOCH_MS = 1_420_070_400_000


class Perm:
    """Permission bits (Discord's documented values)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    STREAM = 1 << 9
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    CHANGE_NICKNAME = 1 << 26
    MANAGE_ROLES = 1 << 28
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_EVENTS = 1 << 33
    SEND_MESSAGES_IN_THREADS = 1 << 38
    CREATE_EVENTS = 1 << 44


ALL_PERMISSIONS = (1 << 53) - 1
DEFAULT_EVERYONE = (
    Perm.CREATE_INSTANT_INVITE
    | Perm.ADD_REACTIONS
    | Perm.STREAM
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.CONNECT
    | Perm.SPEAK
    | Perm.CHANGE_NICKNAME
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.SEND_MESSAGES_IN_THREADS
)
DEFAULT_BOT = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.MENTION_EVERYONE
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.MANAGE_EVENTS
    | Perm.CREATE_EVENTS
)

_counter = itertools.count()
_counter_lock = threading.Lock()


def snowflake() -> int:
    """A fresh, time-ordered snowflake (Discord's layout: ms since 2015 << 22 | increment)."""
    with _counter_lock:
        increment = next(_counter) & 0xFFF
    millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (millis << 22) | (1 << 17) | increment


def iso_now() -> str:
    """The current time as Discord writes it."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass
class User:
    """A Discord user."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    dms_open: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The public user object."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name if self.global_name is not None else self.username.title(),
            "discriminator": "0",
            "avatar": None,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "public_flags": 0,
            "flags": 0,
            "primary_guild": None,
            "collectibles": None,
        }
        if self.bot:
            data["bot"] = True
            data["global_name"] = None
        return data


@dataclass
class Role:
    """A guild role."""

    id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The role object."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class Overwrite:
    """A channel permission overwrite; ``type`` 0 is a role, 1 a member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The overwrite object."""
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass
class Channel:
    """A guild channel or a DM channel (type 1)."""

    id: int
    name: str
    type: int = 0
    guild_id: int | None = None
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    nsfw: bool = False
    overwrites: list[Overwrite] = field(default_factory=list)
    recipient_id: int | None = None
    last_message_id: int | None = None

    def to_dict(self, recipients: Iterable[User] = ()) -> dict[str, Any]:
        """The channel object."""
        if self.type == 1:
            return {
                "id": str(self.id),
                "type": 1,
                "last_message_id": str(self.last_message_id) if self.last_message_id else None,
                "flags": 0,
                "recipients": [user.to_dict() for user in recipients],
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [o.to_dict() for o in self.overwrites],
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "nsfw": self.nsfw,
            "flags": 0,
        }
        if self.type in (0, 5):
            data.update(
                topic=self.topic,
                rate_limit_per_user=0,
                last_message_id=str(self.last_message_id) if self.last_message_id else None,
                default_auto_archive_duration=1440,
            )
        elif self.type in (2, 13):
            data.update(bitrate=64000, user_limit=0, rtc_region=None, rate_limit_per_user=0, video_quality_mode=1)
        return data


@dataclass
class Member:
    """A user's membership of a guild."""

    user: User
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    def to_dict(self, *, with_user: bool = True) -> dict[str, Any]:
        """The guild member object."""
        data: dict[str, Any] = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_dict()
        return data


@dataclass
class Guild:
    """A guild with its roles, channels, members, scheduled events and commands."""

    id: int
    name: str
    owner_id: int = 0
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    scheduled_events: dict[int, dict[str, Any]] = field(default_factory=dict)
    commands: list[dict[str, Any]] = field(default_factory=list)
    locale: str = "en-GB"
    joined_at: str = field(default_factory=iso_now)

    @property
    def everyone(self) -> Role:
        """The @everyone role (its id is the guild's)."""
        return self.roles[self.id]

    def base_permissions(self, user_id: int) -> int:
        """Guild-wide permissions of a member (roles, ownership, administrator)."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members.get(user_id)
        perms = self.everyone.permissions
        if member is not None:
            for role_id in member.roles:
                role = self.roles.get(role_id)
                if role is not None:
                    perms |= role.permissions
        if perms & Perm.ADMINISTRATOR:
            return ALL_PERMISSIONS
        return perms

    def permissions_in(self, user_id: int, channel: Channel | None) -> int:
        """A member's permissions in a channel, after overwrites (Discord's documented order)."""
        perms = self.base_permissions(user_id)
        if perms == ALL_PERMISSIONS or channel is None:
            return perms
        member = self.members.get(user_id)
        roles = set(member.roles) if member else set()
        by_id = {(o.type, o.id): o for o in channel.overwrites}
        everyone = by_id.get((0, self.id))
        if everyone:
            perms = (perms & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for overwrite in channel.overwrites:
            if overwrite.type == 0 and overwrite.id in roles:
                allow |= overwrite.allow
                deny |= overwrite.deny
        perms = (perms & ~deny) | allow
        own = by_id.get((1, user_id))
        if own:
            perms = (perms & ~own.deny) | own.allow
        if not perms & Perm.VIEW_CHANNEL:
            return 0
        if not perms & Perm.SEND_MESSAGES:
            perms &= ~(Perm.MENTION_EVERYONE | Perm.EMBED_LINKS | Perm.ATTACH_FILES)
        return perms

    def to_dict(self) -> dict[str, Any]:
        """The REST guild object (no channels or members)."""
        system = next((c.id for c in self.channels.values() if c.type == 0), None)
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.to_dict() for r in sorted(self.roles.values(), key=lambda r: r.position)],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(system) if system else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_presences": None,
            "max_members": 500000,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.locale,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
        }

    def to_create_event(self) -> dict[str, Any]:
        """The GUILD_CREATE payload: the guild with channels, members and events."""
        data = self.to_dict()
        data.update(
            joined_at=self.joined_at,
            large=False,
            unavailable=False,
            member_count=len(self.members),
            voice_states=[],
            members=[m.to_dict() for m in self.members.values()],
            channels=[c.to_dict() for c in self.channels.values()],
            threads=[],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=list(self.scheduled_events.values()),
            soundboard_sounds=[],
            embedded_activities=[],
            lazy=True,
        )
        return data


@dataclass
class StoredMessage:
    """A message the stand-in holds: Discord's message object, the uploaded files, its history."""

    data: dict[str, Any]
    files: list[StoredFile] = field(default_factory=list)
    ephemeral: bool = False
    deleted: bool = False
    interaction_id: int | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> int:
        """The message id."""
        return int(self.data["id"])

    @property
    def channel_id(self) -> int:
        """The channel it was sent in."""
        return int(self.data["channel_id"])

    @property
    def content(self) -> str:
        """The message text."""
        return str(self.data.get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """The embeds (dicts in Discord's shape)."""
        return list(self.data.get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        """The components (action rows and their children)."""
        return list(self.data.get("components") or [])

    @property
    def flags(self) -> int:
        """Message flags (64 is ephemeral, 128 is loading)."""
        return int(self.data.get("flags") or 0)

    def text(self) -> str:
        """Everything a reader sees as text: content, embeds and component labels."""
        return message_text(self.data)


def message_text(data: Mapping[str, Any]) -> str:
    """All visible text of a message object, one piece a line."""
    parts: list[str] = []
    if data.get("content"):
        parts.append(str(data["content"]))
    for embed in data.get("embeds") or []:
        author = embed.get("author") or {}
        for value in (author.get("name"), embed.get("title"), embed.get("description")):
            if value:
                parts.append(str(value))
        for fld in embed.get("fields") or []:
            parts.append(f"{fld.get('name', '')}\n{fld.get('value', '')}")
        footer = embed.get("footer") or {}
        if footer.get("text"):
            parts.append(str(footer["text"]))
    parts.extend(component_texts(data.get("components") or []))
    return "\n".join(parts)


def component_texts(components: Iterable[Any]) -> list[str]:
    """Labels, placeholders, option labels and text displays of components, depth first."""
    out: list[str] = []
    for comp in components:
        if not isinstance(comp, dict):
            continue
        for key in ("label", "content", "placeholder"):
            if isinstance(comp.get(key), str) and comp[key]:
                out.append(comp[key])
        for option in comp.get("options") or []:
            if isinstance(option, dict) and option.get("label"):
                out.append(str(option["label"]))
        out.extend(component_texts(comp.get("components") or []))
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                out.extend(component_texts([comp[key]]))
    return out


def walk_components(components: Iterable[Any]) -> Iterable[dict[str, Any]]:
    """Every component, nested ones included."""
    for comp in components:
        if not isinstance(comp, dict):
            continue
        yield comp
        yield from walk_components(comp.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from walk_components([comp[key]])


UserRef = User | Member | int | str
"""A user by object, id, ``<@id>`` mention or name."""
GuildRef = Guild | int | str
"""A guild by object, id or name."""
ChannelRef = Channel | int | str
"""A channel by object, id, ``<#id>`` mention, ``#name`` or name."""
RoleRef = Role | int | str
"""A role by object, id, ``<@&id>`` mention or name."""

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_EVERYONE = re.compile(r"@(everyone|here)\b")


@dataclass(frozen=True)
class Mentions:
    """Who a message pings once allowed_mentions is applied."""

    users: list[int]
    roles: list[int]
    everyone: bool


def resolve_mentions(content: str, allowed: object, *, can_mention_everyone: bool, guild: Guild | None) -> Mentions:
    """Apply Discord's allowed_mentions rules (absent means parse everything) to the content."""
    if isinstance(allowed, dict):
        parse = set(allowed.get("parse") or [])
        user_ids = {int(x) for x in allowed.get("users") or []}
        role_ids = {int(x) for x in allowed.get("roles") or []}
    else:
        parse, user_ids, role_ids = {"users", "roles", "everyone"}, set(), set()
    users: list[int] = []
    for match in _USER_MENTION.finditer(content):
        uid = int(match.group(1))
        if ("users" in parse or uid in user_ids) and uid not in users:
            users.append(uid)
    roles: list[int] = []
    for match in _ROLE_MENTION.finditer(content):
        rid = int(match.group(1))
        role = guild.roles.get(rid) if guild else None
        if role is None or rid in roles:
            continue
        if ("roles" in parse or rid in role_ids) and (role.mentionable or can_mention_everyone):
            roles.append(rid)
    everyone = bool(_EVERYONE.search(content)) and "everyone" in parse and can_mention_everyone
    return Mentions(users, roles, everyone)
