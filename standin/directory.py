"""
Who and where in the local Discord: users, guilds, their channels, roles and members, and what each may do.

:class:`Directory` is the registry the rest of the stand-in looks things up in (REST handlers, the interaction
driver, the message store); tests build their world through it (``add_guild``, ``add_member``) and change it
(``set_channel_permission``, ``close_dms``), and each change reaches the bot as the gateway event Discord sends.
"""

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from standin.gateway import Intent
from standin.state import (
    DEFAULT_BOT,
    DEFAULT_EVERYONE,
    Channel,
    ChannelRef,
    Guild,
    GuildRef,
    Member,
    Overwrite,
    Role,
    RoleRef,
    User,
    UserRef,
    snowflake,
)
from standin.wire import DiscordError

if TYPE_CHECKING:
    from standin.gateway import Gateway

__all__ = ["Directory"]


class Directory:
    """
    The users, guilds, channels (DMs included) and commands of the local Discord, with lookups by any reference.

    World changes made here are sent to the bot through ``gateway`` (GUILD_CREATE, GUILD_MEMBER_ADD,
    CHANNEL_UPDATE, GUILD_ROLE_UPDATE), as Discord would.
    """

    def __init__(self, bot_user: User, owner_user: User, gateway: "Gateway") -> None:
        self.bot_user = bot_user
        self.owner_user = owner_user
        self.users: dict[int, User] = {bot_user.id: bot_user, owner_user.id: owner_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.global_commands: list[dict[str, Any]] = []
        self._gateway = gateway
        self._next_id = 10_000

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
        self._gateway.dispatch_soon("GUILD_CREATE", guild.to_create_event(), Intent.GUILDS)
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
        self._gateway.dispatch_soon(
            "GUILD_MEMBER_ADD", {**member.to_dict(), "guild_id": str(gld.id)}, Intent.GUILD_MEMBERS
        )
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
        await self._gateway.dispatch("CHANNEL_UPDATE", chan.to_dict(), intent=Intent.GUILDS)
        return overwrite

    async def set_role_permissions(self, role: RoleRef, permissions: int, *, guild: GuildRef | None = None) -> Role:
        """Change a role's permissions (``"bot"`` names the bot's own role); sends GUILD_ROLE_UPDATE."""
        gld = self.resolve_guild(guild)
        found = self.bot_role(gld) if role == "bot" else self.resolve_role(role, gld)
        found.permissions = permissions
        data = {"guild_id": str(gld.id), "role": found.to_dict()}
        await self._gateway.dispatch("GUILD_ROLE_UPDATE", data, intent=Intent.GUILDS)
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
