"""
Messages in the local Discord: what the bot and the humans posted, edited and deleted, and the files attached.

:class:`MessageStore` builds message objects the way Discord does (mentions resolved against who may ping whom,
replies, attachments kept and served, interaction metadata), refuses what Discord refuses (empty messages,
uploads over the size limit, replies to unknown messages) and sends MESSAGE_CREATE / UPDATE / DELETE to the bot.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from standin.gateway import Intent
from standin.interactions import PendingInteraction
from standin.models import StoredFile
from standin.state import Channel, ChannelRef, Perm, StoredMessage, User, UserRef, iso_now, resolve_mentions, snowflake
from standin.wire import DiscordError

if TYPE_CHECKING:
    from standin.directory import Directory
    from standin.gateway import Gateway

__all__ = ["EPHEMERAL", "LOADING", "MAX_UPLOAD", "MessageStore"]

SUPPRESS_EMBEDS = 1 << 2
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15
_EDITABLE_FLAGS = SUPPRESS_EMBEDS | IS_COMPONENTS_V2
_SENDABLE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
MAX_UPLOAD = 10 * 1024 * 1024


def _text_of(value: object) -> str:
    return value if isinstance(value, str) else ""


class MessageStore:
    """
    Every message and uploaded file, by id; the channel history and DMs tests read.

    ``link_base`` gives the server's ``http://host:port`` (known once it listens), for attachment URLs.
    """

    def __init__(
        self, directory: "Directory", gateway: "Gateway", application_id: int, link_base: Callable[[], str]
    ) -> None:
        self.messages: dict[int, StoredMessage] = {}
        self.uploads: dict[int, StoredFile] = {}
        self._directory = directory
        self._gateway = gateway
        self._application_id = application_id
        self._link_base = link_base
        #: Called with each message as it is created (what a console prints as it arrives).
        self.observers: list[Callable[[StoredMessage, Channel], None]] = []

    async def serve_attachment(self, request: web.Request) -> web.StreamResponse:
        """``GET /attachments/{channel_id}/{attachment_id}/{filename}``: an uploaded file, as the CDN serves it."""
        raw = request.match_info["attachment_id"]
        file = self.uploads.get(int(raw)) if raw.isdigit() else None
        if file is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=file.data, headers={"Content-Type": file.content_type})

    def channel_history(self, channel: ChannelRef) -> list[StoredMessage]:
        """Messages visible in a channel (no ephemeral or deleted ones), oldest first."""
        chan = self._directory.resolve_channel(channel)
        return [m for m in self.messages.values() if m.channel_id == chan.id and not m.ephemeral and not m.deleted]

    def dms(self, user: UserRef) -> list[StoredMessage]:
        """Messages the bot sent to a user by DM, oldest first."""
        found = self._directory.resolve_user(user)
        channel = self._directory.dm_channels.get(found.id)
        return self.channel_history(channel) if channel else []

    def store_upload(self, channel_id: int, file: StoredFile, *, ephemeral: bool = False) -> dict[str, Any]:
        """Keep a file and return its attachment object (its URL is served by the stand-in)."""
        attachment_id = snowflake()
        self.uploads[attachment_id] = file
        attachment: dict[str, Any] = {
            "id": str(attachment_id),
            "filename": file.filename,
            "size": file.size,
            "url": f"{self._link_base()}/attachments/{channel_id}/{attachment_id}/{quote(file.filename)}",
            "proxy_url": f"{self._link_base()}/attachments/{channel_id}/{attachment_id}/{quote(file.filename)}",
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
        guild = self._directory.guilds.get(channel.guild_id or 0)
        can_everyone = bool(guild and guild.permissions_in(author.id, channel) & Perm.MENTION_EVERYONE)
        found = resolve_mentions(content, allowed, can_mention_everyone=can_everyone, guild=guild)
        users = [self._directory.users[u].to_dict() for u in found.users if u in self._directory.users]
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
        author = author or self._directory.bot_user
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
            data["webhook_id"] = str(self._application_id)
        if interaction is not None:
            data["application_id"] = str(self._application_id)
            user = self._directory.users[interaction.user_id]
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
        for observe in list(self.observers):
            observe(stored, channel)
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
        channel = self._directory.channels[message.channel_id]
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
        author = self._directory.users.get(int(data["author"]["id"])) or self._directory.bot_user
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
        channel = self._directory.channels[message.channel_id]
        data: dict[str, Any] = {"id": str(message.id), "channel_id": str(channel.id)}
        intent = Intent.DIRECT_MESSAGES if channel.type == 1 else Intent.GUILD_MESSAGES
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        await self._gateway.dispatch("MESSAGE_DELETE", data, intent=intent)

    async def _message_event(self, event: str, channel: Channel, data: dict[str, Any], author: User) -> None:
        payload = dict(data)
        if channel.guild_id:
            guild = self._directory.guilds[channel.guild_id]
            payload["guild_id"] = str(guild.id)
            member = guild.members.get(author.id)
            if member is not None and "webhook_id" not in data:
                payload["member"] = member.to_dict(with_user=False)
            intent = Intent.GUILD_MESSAGES
        else:
            intent = Intent.DIRECT_MESSAGES
        await self._gateway.dispatch(event, payload, intent=intent)

    async def user_says(
        self, content: str, *, user: UserRef | None = None, channel: ChannelRef | None = None
    ) -> StoredMessage:
        """A human posts a message (sends MESSAGE_CREATE to the bot)."""
        world = self._directory
        guild = world.guild if channel is None else None
        chan = world.resolve_channel(channel) if channel is not None else world.default_channel(world.guild)
        gld = world.guilds.get(chan.guild_id or 0) or guild
        author = world.resolve_user(user, gld) if user is not None else world.default_user(gld or world.guild)
        return await self.create_message(chan, body={"content": content}, author=author)
