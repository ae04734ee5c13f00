"""
Interactions: building INTERACTION_CREATE payloads like Discord's client would, and serving the answers.

A test drives the bot with :meth:`InteractionDriver.invoke` (slash commands), ``autocomplete``,
``click``, ``select`` and ``submit_modal``; each returns a :class:`Reply` (a live view of what the
bot answered) once the interaction got its initial response. Discord's rules are enforced: the
initial response must come within 3 s of the interaction (else 404 / 10062 "Unknown
interaction"), only once (else 400 / 40060), with a callback type that fits the interaction.
"""

import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from standin.models import RecordedRequest, StoredFile, Violation
from standin.sharding import shard_of
from standin.state import (
    Channel,
    ChannelRef,
    Guild,
    GuildRef,
    Member,
    Perm,
    Role,
    StoredMessage,
    User,
    UserRef,
    component_texts,
    message_text,
    snowflake,
    walk_components,
)
from standin.wire import Answer, Call, DiscordError, Signal

if TYPE_CHECKING:
    from standin.server import StandIn

__all__ = ["InteractionDriver", "InteractionFailed", "MessageRef", "PendingInteraction", "Reply", "RunOptions"]

RESPONSE_WINDOW = 3.0
TOKEN_LIFETIME = 15 * 60.0
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
EPHEMERAL = 1 << 6
LOADING = 1 << 7

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
_ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    PING: frozenset({1}),
    APPLICATION_COMMAND: frozenset({4, 5, 9}),
    MESSAGE_COMPONENT: frozenset({4, 5, 6, 7, 9}),
    AUTOCOMPLETE: frozenset({8}),
    MODAL_SUBMIT: frozenset({4, 5, 6, 7}),
}
_SELECTS = {3: "string", 5: "user", 6: "role", 7: "mentionable", 8: "channel"}
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


class RunOptions(TypedDict, total=False):
    """How long to wait for the bot, and what counts as done (see :meth:`StandIn.invoke`)."""

    response_timeout: float
    wait_for_followup: bool
    followup_timeout: float
    raise_on_failure: bool
    connect_timeout: float


class InteractionFailed(AssertionError):
    """The bot did not answer an interaction the way Discord requires (see ``reply.failure``)."""

    def __init__(self, reply: "Reply") -> None:
        super().__init__(reply.failure or "interaction failed")
        self.reply = reply


@dataclass
class PendingInteraction:
    """The stand-in's record of one interaction and everything answered to it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    user_id: int
    guild_id: int | None
    channel_id: int
    message_id: int | None = None
    created: float = field(default_factory=time.monotonic)
    callback_type: int | None = None
    callback: dict[str, Any] | None = None
    callback_time: float | None = None
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    rejected: list[RecordedRequest] = field(default_factory=list)
    late: bool = False
    session_ids: list[str] = field(default_factory=list)
    """The gateway sessions INTERACTION_CREATE was dispatched to (those of the shard owning the guild)."""
    shard_id: int | None = None
    """The shard of the session(s) it was dispatched to (``None`` until dispatched, or when none got it)."""
    answers: list[RecordedRequest] = field(default_factory=list)
    """Every REST call made for this interaction (callback, follow-ups, edits), accepted or refused, in order."""
    _signal: Signal = field(default_factory=Signal, repr=False)

    def notify(self) -> None:
        """Wake everyone waiting on this interaction."""
        self._signal.notify()

    async def wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate()`` holds; False on timeout."""
        return await self._signal.wait(predicate, timeout)


class Reply:
    """What the bot answered to one interaction; a live view (later follow-ups show up too)."""

    def __init__(self, standin: "StandIn", pending: PendingInteraction) -> None:
        self._standin = standin
        self.pending = pending
        self.failure: str | None = None

    def __repr__(self) -> str:
        state = f"failed: {self.failure}" if self.failure else f"callback {self.callback_type}"
        return f"<Reply interaction={self.pending.id} {state} content={self.content[:60]!r}>"

    # -------------------------------------------------------------- status

    @property
    def ok(self) -> bool:
        """Whether the interaction was answered in time (and followed up, when that was awaited)."""
        return self.failure is None

    def raise_for_failure(self) -> "Reply":
        """Raise :class:`InteractionFailed` if the interaction failed; else return self."""
        if self.failure:
            raise InteractionFailed(self)
        return self

    @property
    def interaction_id(self) -> int:
        """The interaction's id."""
        return self.pending.id

    @property
    def payload(self) -> dict[str, Any]:
        """The INTERACTION_CREATE payload the bot received."""
        return self.pending.payload

    @property
    def shard_id(self) -> int | None:
        """The shard whose session(s) got the interaction (and so answered it): the one owning its guild."""
        return self.pending.shard_id

    @property
    def session_ids(self) -> list[str]:
        """The gateway session(s) the interaction was dispatched to."""
        return list(self.pending.session_ids)

    @property
    def callback_type(self) -> int | None:
        """The initial response type (4 message, 5 deferred, 6 deferred update, 7 update, 8, 9)."""
        return self.pending.callback_type

    @property
    def callback(self) -> dict[str, Any] | None:
        """The initial response body as the bot sent it."""
        return self.pending.callback

    @property
    def data(self) -> dict[str, Any]:
        """The initial response's ``data`` ({} when there was none)."""
        data = (self.pending.callback or {}).get("data")
        return data if isinstance(data, dict) else {}

    @property
    def deferred(self) -> bool:
        """Whether the bot deferred (type 5 or 6)."""
        return self.pending.callback_type in (5, 6)

    @property
    def errors(self) -> list[RecordedRequest]:
        """Answers refused by the stand-in for this interaction (late, twice, invalid...)."""
        return list(self.pending.rejected)

    # -------------------------------------------------------------- messages

    def _stored(self, message_id: int | None) -> StoredMessage | None:
        if message_id is None:
            return None
        msg = self._standin.messages.get(message_id)
        return None if msg is None or msg.deleted else msg

    @property
    def stored_messages(self) -> list[StoredMessage]:
        """The original response (or the updated component message) and the follow-ups, as stored."""
        out: list[StoredMessage] = []
        seen: set[int] = set()
        for mid in [self.pending.original_id, *self.pending.followup_ids]:
            msg = self._stored(mid)
            if msg is not None and msg.id not in seen:
                seen.add(msg.id)
                out.append(msg)
        return out

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Message objects: the primary one first, then the other follow-ups."""
        return [m.data for m in self.stored_messages]

    @property
    def message(self) -> dict[str, Any] | None:
        """The primary message: the original response (after edits), else the first follow-up."""
        stored = self.stored_messages
        return stored[0].data if stored else None

    @property
    def followups(self) -> list[dict[str, Any]]:
        """Follow-up messages (the first one after a deferral replaces the 'thinking' message)."""
        return [m.data for m in (self._stored(mid) for mid in self.pending.followup_ids) if m is not None]

    @property
    def edits(self) -> list[dict[str, Any]]:
        """Bodies of the edits made to the original response, in order."""
        return list(self.pending.edits)

    @property
    def flags(self) -> int:
        """Flags of the primary message (or of the response data when there is none)."""
        message = self.message
        if message is not None:
            return int(message.get("flags") or 0)
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        """Whether the answer is only visible to the user (flag 64)."""
        return bool(self.flags & EPHEMERAL)

    @property
    def content(self) -> str:
        """Content of the primary message."""
        message = self.message
        return str(message.get("content") or "") if message else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """Embeds of the primary message."""
        message = self.message
        return list(message.get("embeds") or []) if message else []

    @property
    def components(self) -> list[dict[str, Any]]:
        """Components of the primary message."""
        message = self.message
        return list(message.get("components") or []) if message else []

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        """The allowed_mentions the bot sent with its initial response."""
        value = self.data.get("allowed_mentions")
        return value if isinstance(value, dict) else None

    @property
    def mentions(self) -> list[int]:
        """Ids of users any answer message actually pinged."""
        return [int(u["id"]) for m in self.messages for u in m.get("mentions") or []]

    @property
    def mention_roles(self) -> list[int]:
        """Ids of roles any answer message actually pinged."""
        return [int(r) for m in self.messages for r in m.get("mention_roles") or []]

    @property
    def files(self) -> list[StoredFile]:
        """Files attached to any of the answer messages."""
        return [f for m in self.stored_messages for f in m.files]

    @property
    def choices(self) -> list[dict[str, Any]]:
        """Autocomplete choices (type 8 answers)."""
        return list(self.pending.choices or [])

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal the bot opened (type 9 answers): ``custom_id``, ``title``, ``components``."""
        return self.pending.modal

    def custom_ids(self) -> list[str]:
        """custom_ids of every component of the primary message (and of the modal, if any)."""
        comps = self.components + list((self.modal or {}).get("components") or [])
        return [c["custom_id"] for c in walk_components(comps) if isinstance(c.get("custom_id"), str)]

    def text(self) -> str:
        """All text a user would read: contents, embed titles/fields/footers, labels, modal, choices."""
        parts = [message_text(m) for m in self.messages]
        if self.modal:
            parts.append(str(self.modal.get("title") or ""))
            parts.extend(component_texts(self.modal.get("components") or []))
        parts.extend(str(c.get("name", "")) for c in self.choices)
        return "\n".join(p for p in parts if p)

    # -------------------------------------------------------------- waiting

    async def wait_for_followup(self, count: int = 1, timeout: float = 10.0) -> "Reply":
        """Wait until at least ``count`` follow-ups arrived; raise TimeoutError otherwise."""
        if not await self.pending.wait(lambda: len(self.pending.followup_ids) >= count, timeout):
            raise TimeoutError(f"{len(self.pending.followup_ids)} follow-up(s) after {timeout} s, wanted {count}")
        return self

    async def wait_for_edit(self, count: int = 1, timeout: float = 10.0) -> "Reply":
        """Wait until the original response was edited ``count`` times; raise TimeoutError otherwise."""
        if not await self.pending.wait(lambda: len(self.pending.edits) >= count, timeout):
            raise TimeoutError(f"{len(self.pending.edits)} edit(s) after {timeout} s, wanted {count}")
        return self


MessageRef = Reply | StoredMessage | Mapping[str, Any] | int
"""A message by Reply (its primary message), StoredMessage, message dict or id."""


@dataclass
class _Context:
    user: User
    guild: Guild | None
    channel: Channel


class InteractionDriver:
    """Builds interactions for tests and serves the bot's answers to them."""

    def __init__(self, standin: "StandIn") -> None:
        self._standin = standin
        self.pending: dict[int, PendingInteraction] = {}
        self._by_token: dict[str, PendingInteraction] = {}

    # ============================================================== building

    def _context(self, user: UserRef | None, guild: GuildRef | None, channel: ChannelRef | None) -> _Context:
        s = self._standin
        if channel is not None:
            chan = s.resolve_channel(channel, s.resolve_guild(guild) if guild is not None else None)
            if chan.type == 1:
                owner = s.users.get(chan.recipient_id or 0)
                found = s.resolve_user(user) if user is not None else owner
                if found is None:
                    raise ValueError(f"DM channel {chan.id} has no recipient")
                return _Context(found, None, chan)
            gld = s.guilds[chan.guild_id or 0]
        else:
            gld = s.resolve_guild(guild)
            chan = s.default_channel(gld)
        usr = s.resolve_user(user) if user is not None else s.default_user(gld)
        if usr.id not in gld.members:
            raise ValueError(f"user {usr.username!r} is not a member of guild {gld.name!r}")
        return _Context(usr, gld, chan)

    def _base(
        self, itype: int, data: dict[str, Any], ctx: _Context, *, message: StoredMessage | None, locale: str
    ) -> PendingInteraction:
        s = self._standin
        iid = snowflake()
        token = f"standin.{iid}.{secrets.token_urlsafe(48)}"
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(s.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "channel_id": str(ctx.channel.id),
        }
        if ctx.guild is not None:
            guild = ctx.guild
            member = guild.members[ctx.user.id].to_dict()
            member["permissions"] = str(guild.permissions_in(ctx.user.id, ctx.channel))
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.locale, "features": []},
                guild_locale=guild.locale,
                member=member,
                channel=ctx.channel.to_dict(),
                app_permissions=str(guild.permissions_in(s.bot_user.id, ctx.channel)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=ctx.user.to_dict(),
                channel=ctx.channel.to_dict([ctx.user]),
                app_permissions=str(Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.EMBED_LINKS | Perm.ATTACH_FILES),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        if message is not None:
            payload["message"] = dict(message.data)
        return PendingInteraction(
            id=iid,
            token=token,
            type=itype,
            payload=payload,
            user_id=ctx.user.id,
            guild_id=ctx.guild.id if ctx.guild else None,
            channel_id=ctx.channel.id,
            message_id=message.id if message else None,
        )

    # -------------------------------------------------------------- commands

    def find_command(self, name: str, guild: Guild | None, kind: int = 1) -> dict[str, Any]:
        """The registered command a user could run here (guild commands before global ones)."""
        pools = ([guild.commands] if guild else []) + [self._standin.global_commands]
        for pool in pools:
            for cmd in pool:
                if cmd.get("name") == name and int(cmd.get("type") or 1) == kind:
                    return cmd
        where = f"guild {guild.name!r}" if guild else "DMs"
        known = sorted({str(c.get("name")) for pool in pools for c in pool})
        raise LookupError(f"no command /{name} is registered for {where} (registered: {known}); did the bot sync?")

    def _descend(self, cmd: dict[str, Any], words: Sequence[str]) -> tuple[list[dict[str, Any]], int]:
        """Follow subcommand group/subcommand names; return the chain of nodes and words used."""
        chain: list[dict[str, Any]] = []
        node = cmd
        used = 0
        while True:
            subs = [o for o in node.get("options") or [] if o.get("type") in (1, 2)]
            if not subs:
                return chain, used
            names = {str(o["name"]): o for o in subs}
            if used < len(words) and words[used] in names:
                node = names[words[used]]
                chain.append(node)
                used += 1
                continue
            path = " ".join([str(cmd["name"]), *(str(c["name"]) for c in chain)])
            raise ValueError(f"/{path} needs one of: {', '.join(sorted(names))}")

    def _parse(
        self, command: str | Sequence[str], options: Mapping[str, Any] | None, guild: Guild | None
    ) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
        """Split a command line or parts into (command, subcommand chain, raw option values)."""
        values: dict[str, Any] = dict(options or {})
        if isinstance(command, str):
            text = command.strip().removeprefix("/").strip()
            words = text.split()
        else:
            words = [str(w) for w in command]
            if words:
                words[0] = words[0].removeprefix("/")
            text = ""
        if not words:
            raise ValueError("empty command")
        cmd = self.find_command(words[0], guild)
        chain, used = self._descend(cmd, words[1:])
        leaf = chain[-1] if chain else cmd
        if isinstance(command, str):
            match = re.match(r"\s*" + r"\S+\s*" * (used + 1), text)
            rest = text[match.end() :] if match else ""
            values = {**self._parse_pairs(rest, leaf), **values}
        elif len(words) > used + 1:
            raise ValueError(f"unexpected words {words[used + 1 :]} after /{' '.join(words[: used + 1])}")
        return cmd, chain, values

    def parse_line(self, line: str, guild: Guild | None) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
        """Split a typed command line into its path (``["organise", "import"]``), leaf command and raw options."""
        cmd, chain, values = self._parse(line, None, guild)
        leaf = chain[-1] if chain else cmd
        return [str(cmd["name"]), *(str(c["name"]) for c in chain)], leaf, values

    @staticmethod
    def _parse_pairs(rest: str, leaf: Mapping[str, Any]) -> dict[str, str]:
        rest = rest.strip()
        if not rest:
            return {}
        names = sorted((str(o["name"]) for o in leaf.get("options") or []), key=len, reverse=True)
        if not names:
            raise ValueError(f"/{leaf.get('name')} takes no options, got {rest!r}")
        pattern = re.compile(r"(?:^|(?<=\s))(" + "|".join(re.escape(n) for n in names) + r"):")
        found = list(pattern.finditer(rest))
        if not found or found[0].start() != 0:
            raise ValueError(f"cannot read options from {rest!r}; write them as 'name: value' ({', '.join(names)})")
        out: dict[str, str] = {}
        for index, match in enumerate(found):
            end = found[index + 1].start() if index + 1 < len(found) else len(rest)
            out[match.group(1)] = rest[match.end() : end].strip()
        return out

    def _lookup_user(self, raw: object, ctx: _Context) -> User:
        if isinstance(raw, User):
            return raw
        if isinstance(raw, str):
            raw = re.sub(r"^<@!?(\d+)>$", r"\1", raw.strip()).removeprefix("@")
        if not isinstance(raw, Member | int | str):
            raise ValueError(f"cannot read a user from {raw!r}")
        return self._standin.resolve_user(raw, ctx.guild)

    def _coerce(
        self, opt: Mapping[str, Any], raw: object, ctx: _Context, resolved: dict[str, dict[str, Any]] | None
    ) -> object:
        kind = int(opt["type"])
        name = opt["name"]
        value: Any
        if kind == 3:
            value = str(raw)
            low, high = opt.get("min_length"), opt.get("max_length")
            if (low is not None and len(value) < int(low)) or (high is not None and len(value) > int(high)):
                raise ValueError(f"option {name!r} must be {low or 0}..{high or 6000} characters")
        elif kind == 4:
            if isinstance(raw, bool) or not re.fullmatch(r"-?\d+", str(raw).strip()):
                raise ValueError(f"option {name!r} needs a whole number, got {raw!r}")
            value = int(str(raw).strip())
        elif kind == 10:
            try:
                value = float(raw) if isinstance(raw, int | float) else float(str(raw))
            except ValueError:
                raise ValueError(f"option {name!r} needs a number, got {raw!r}") from None
        elif kind == 5:
            if isinstance(raw, bool):
                value = raw
            elif str(raw).strip().lower() in _TRUE:
                value = True
            elif str(raw).strip().lower() in _FALSE:
                value = False
            else:
                raise ValueError(f"option {name!r} needs true or false, got {raw!r}")
        elif kind in (6, 7, 8, 9, 11):
            return self._coerce_entity(kind, name, raw, ctx, resolved)
        else:
            raise ValueError(f"option {name!r} has unsupported type {kind}")
        if kind in (4, 10):
            low, high = opt.get("min_value"), opt.get("max_value")
            if (low is not None and value < low) or (high is not None and value > high):
                raise ValueError(f"option {name!r} must be between {low} and {high}")
        choices = opt.get("choices")
        if choices:
            allowed = [c.get("value") for c in choices]
            if value not in allowed:
                by_name = {str(c.get("name")).lower(): c.get("value") for c in choices}
                if str(raw).lower() in by_name:
                    value = by_name[str(raw).lower()]
                else:
                    raise ValueError(f"option {name!r} must be one of {[c.get('name') for c in choices]}")
        return value

    def _coerce_entity(
        self, kind: int, name: str, raw: object, ctx: _Context, resolved: dict[str, dict[str, Any]] | None
    ) -> str:
        s = self._standin
        guild = ctx.guild
        if kind == 11:
            stored = _as_file(raw)
            attachment = s.store_upload(ctx.channel.id, stored, ephemeral=True)
            if resolved is not None:
                resolved.setdefault("attachments", {})[attachment["id"]] = attachment
            return str(attachment["id"])
        if kind == 8 or (kind == 9 and _looks_like_role(raw, guild)):
            if guild is None:
                raise ValueError(f"option {name!r}: roles only exist in guilds")
            if not isinstance(raw, Role | int | str):
                raise ValueError(f"option {name!r}: cannot read a role from {raw!r}")
            role = s.resolve_role(raw, guild)
            if resolved is not None:
                resolved.setdefault("roles", {})[str(role.id)] = role.to_dict()
            return str(role.id)
        if kind == 7:
            if not isinstance(raw, Channel | int | str):
                raise ValueError(f"option {name!r}: cannot read a channel from {raw!r}")
            chan = s.resolve_channel(raw, guild)
            if resolved is not None:
                entry = chan.to_dict()
                perms = guild.permissions_in(ctx.user.id, chan) if guild else 0
                entry["permissions"] = str(perms)
                resolved.setdefault("channels", {})[str(chan.id)] = entry
            return str(chan.id)
        user = self._lookup_user(raw, ctx)
        if resolved is not None:
            resolved.setdefault("users", {})[str(user.id)] = user.to_dict()
            if guild is not None and user.id in guild.members:
                member = guild.members[user.id].to_dict(with_user=False)
                member["permissions"] = str(guild.permissions_in(user.id, ctx.channel))
                resolved.setdefault("members", {})[str(user.id)] = member
        return str(user.id)

    def _options(
        self,
        defs: Sequence[Mapping[str, Any]],
        values: Mapping[str, Any],
        ctx: _Context,
        resolved: dict[str, dict[str, Any]] | None,
        focused: str | None,
    ) -> list[dict[str, Any]]:
        known = {str(d["name"]): d for d in defs}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown option(s) {unknown}; this command takes {sorted(known)}")
        out: list[dict[str, Any]] = []
        for name, opt in known.items():
            raw = values.get(name)
            if name == focused:
                out.append(
                    {"name": name, "type": opt["type"], "value": "" if raw is None else str(raw), "focused": True}
                )
                continue
            if raw is None:
                if opt.get("required") and focused is None:
                    raise ValueError(f"option {name!r} is required")
                continue
            value = self._coerce(opt, raw, ctx, resolved)
            out.append({"name": name, "type": opt["type"], "value": value})
        return out

    def _command_data(
        self,
        command: str | Sequence[str],
        options: Mapping[str, Any] | None,
        ctx: _Context,
        focused: str | None = None,
    ) -> dict[str, Any]:
        cmd, chain, values = self._parse(command, options, ctx.guild)
        leaf = chain[-1] if chain else cmd
        if focused is not None:
            names = {str(o["name"]) for o in leaf.get("options") or []}
            if focused not in names:
                raise ValueError(f"/{cmd['name']} has no option {focused!r} to autocomplete")
            opt = next(o for o in leaf.get("options") or [] if o["name"] == focused)
            if not opt.get("autocomplete"):
                raise ValueError(f"option {focused!r} does not have autocomplete")
        resolved: dict[str, dict[str, Any]] | None = {} if focused is None else None
        leaf_options = self._options(leaf.get("options") or [], values, ctx, resolved, focused)
        nested: list[dict[str, Any]] = leaf_options
        for node in reversed(chain):
            nested = [{"name": node["name"], "type": node["type"], "options": nested}]
        data: dict[str, Any] = {"id": str(cmd["id"]), "name": cmd["name"], "type": int(cmd.get("type") or 1)}
        if nested:
            data["options"] = nested
        if cmd.get("guild_id"):
            data["guild_id"] = str(cmd["guild_id"])
        if resolved:
            data["resolved"] = resolved
        return data

    # ============================================================== running

    async def run(
        self,
        pending: PendingInteraction,
        *,
        response_timeout: float = RESPONSE_WINDOW,
        wait_for_followup: bool = False,
        followup_timeout: float = 10.0,
        raise_on_failure: bool = True,
        connect_timeout: float = 10.0,
    ) -> Reply:
        """Send the interaction to the bot and wait for its answer; see :meth:`StandIn.invoke`."""
        s = self._standin
        gateway = s.gateway
        if not await gateway.wait_for(lambda: bool(gateway.owners(pending.guild_id)), connect_timeout):
            if not gateway.live_sessions or s.shard_count == 1:
                raise RuntimeError(f"no bot is connected to the stand-in's gateway (waited {connect_timeout} s)")
            where = f"guild {pending.guild_id}" if pending.guild_id is not None else "DMs"
            raise RuntimeError(
                f"no session of shard {shard_of(pending.guild_id, s.shard_count)} (which gets {where}) is connected "
                f"to the stand-in's gateway (waited {connect_timeout} s; connected: {sorted(gateway.ready_shards())})"
            )
        self.pending[pending.id] = pending
        self._by_token[pending.token] = pending
        pending.created = time.monotonic()
        sessions = await gateway.deliver("INTERACTION_CREATE", pending.payload)
        pending.session_ids = [session.session_id for session in sessions]
        pending.shard_id = sessions[0].shard_id if sessions else None
        reply = Reply(s, pending)
        answered = await pending.wait(lambda: pending.callback_type is not None, response_timeout)
        if not answered:
            reply.failure = (
                f"the bot sent no initial response within {response_timeout:g} s "
                "(Discord would show 'The application did not respond')"
            )
            if pending.rejected:
                reply.failure += "; refused answers: " + "; ".join(_describe(r) for r in pending.rejected)
        elif wait_for_followup and pending.callback_type in (5, 6):
            done = await pending.wait(lambda: bool(pending.followup_ids or pending.edits), followup_timeout)
            if not done:
                reply.failure = f"the bot deferred but sent no follow-up or edit within {followup_timeout:g} s"
                if pending.rejected:
                    reply.failure += "; refused answers: " + "; ".join(_describe(r) for r in pending.rejected)
        if reply.failure and raise_on_failure:
            raise InteractionFailed(reply)
        return reply

    async def invoke(
        self,
        command: str | Sequence[str],
        options: Mapping[str, Any] | None = None,
        *,
        user: UserRef | None = None,
        guild: GuildRef | None = None,
        channel: ChannelRef | None = None,
        locale: str = "en-GB",
        **run: Unpack[RunOptions],
    ) -> Reply:
        """Run a slash command; see :meth:`StandIn.invoke`."""
        ctx = self._context(user, guild, channel)
        data = self._command_data(command, options, ctx)
        pending = self._base(APPLICATION_COMMAND, data, ctx, message=None, locale=locale)
        return await self.run(pending, **run)

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
        locale: str = "en-GB",
        **run: Unpack[RunOptions],
    ) -> list[dict[str, Any]]:
        """Type into an autocomplete option; return the choices the bot sent."""
        ctx = self._context(user, guild, channel)
        data = self._command_data(command, {**(options or {}), focused: value}, ctx, focused=focused)
        pending = self._base(AUTOCOMPLETE, data, ctx, message=None, locale=locale)
        reply = await self.run(pending, **run)
        return reply.choices

    def _message_for(self, message: MessageRef) -> StoredMessage:
        s = self._standin
        if isinstance(message, Reply):
            stored = message.stored_messages
            if not stored:
                raise ValueError("that reply has no message to interact with")
            return s.messages[stored[0].id]
        if isinstance(message, StoredMessage):
            mid = message.id
        elif isinstance(message, Mapping):
            mid = int(message["id"])
        else:
            mid = int(message)
        found = s.messages.get(mid)
        if found is None or found.deleted:
            raise LookupError(f"no message {mid}")
        return found

    def _component_context(self, msg: StoredMessage, user: UserRef | None) -> _Context:
        s = self._standin
        channel = s.channels[msg.channel_id]
        if user is None and msg.interaction_id is not None and msg.interaction_id in self.pending:
            user = self.pending[msg.interaction_id].user_id
        if channel.type == 1:
            return self._context(user, None, channel)
        return self._context(user, channel.guild_id, channel)

    def _component(self, msg: StoredMessage, custom_id: str, kinds: Iterable[int]) -> dict[str, Any]:
        wanted = set(kinds)
        for comp in walk_components(msg.components):
            if comp.get("custom_id") == custom_id:
                if comp.get("type") not in wanted:
                    raise ValueError(f"component {custom_id!r} is of type {comp.get('type')}, not {sorted(wanted)}")
                if comp.get("disabled"):
                    raise ValueError(f"component {custom_id!r} is disabled")
                return comp
        ids = [c.get("custom_id") for c in walk_components(msg.components) if c.get("custom_id")]
        raise LookupError(f"message {msg.id} has no component {custom_id!r} (it has {ids})")

    async def click(
        self,
        message: MessageRef,
        custom_id: str,
        *,
        user: UserRef | None = None,
        locale: str = "en-GB",
        **run: Unpack[RunOptions],
    ) -> Reply:
        """Click a button of a message (a Reply, message dict, StoredMessage or id)."""
        msg = self._message_for(message)
        self._component(msg, custom_id, {2})
        ctx = self._component_context(msg, user)
        data = {"custom_id": custom_id, "component_type": 2}
        return await self.run(self._base(MESSAGE_COMPONENT, data, ctx, message=msg, locale=locale), **run)

    async def select(
        self,
        message: MessageRef,
        custom_id: str,
        values: Sequence[object],
        *,
        user: UserRef | None = None,
        locale: str = "en-GB",
        **run: Unpack[RunOptions],
    ) -> Reply:
        """Pick values in a select menu of a message."""
        msg = self._message_for(message)
        comp = self._component(msg, custom_id, _SELECTS)
        ctx = self._component_context(msg, user)
        low, high = int(comp.get("min_values", 1)), int(comp.get("max_values", 1))
        if not low <= len(values) <= high:
            raise ValueError(f"select {custom_id!r} takes {low}..{high} values, got {len(values)}")
        kind = int(comp["type"])
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": kind}
        if kind == 3:
            offered = [str(o.get("value")) for o in comp.get("options") or []]
            picked = [str(v) for v in values]
            bad = [v for v in picked if v not in offered]
            if bad:
                raise ValueError(f"select {custom_id!r} does not offer {bad} (it offers {offered})")
            data["values"] = picked
        else:
            resolved: dict[str, dict[str, Any]] = {}
            option_type = {5: 6, 6: 8, 7: 9, 8: 7}[kind]
            data["values"] = [self._coerce_entity(option_type, custom_id, v, ctx, resolved) for v in values]
            data["resolved"] = resolved
        return await self.run(self._base(MESSAGE_COMPONENT, data, ctx, message=msg, locale=locale), **run)

    def _find_modal(self, custom_id: str, user: UserRef | None) -> PendingInteraction:
        user_id = self._standin.resolve_user(user).id if user is not None else None
        for pending in reversed(list(self.pending.values())):
            opened = pending.modal is not None and pending.modal.get("custom_id") == custom_id
            if opened and (user_id is None or pending.user_id == user_id):
                return pending
        raise LookupError(f"the bot opened no modal {custom_id!r}" + (f" for user {user}" if user else ""))

    async def submit_modal(
        self,
        custom_id: str,
        values: Mapping[str, object],
        *,
        user: UserRef | None = None,
        locale: str = "en-GB",
        **run: Unpack[RunOptions],
    ) -> Reply:
        """Fill in and submit a modal the bot opened (values by text input custom_id)."""
        opener = self._find_modal(custom_id, user)
        modal = opener.modal or {}
        unused = set(values)
        components: list[dict[str, Any]] = []
        for comp in modal.get("components") or []:
            if comp.get("type") == 1:
                row = [self._submitted(child, values, unused) for child in comp.get("components") or []]
                components.append({"type": 1, "components": row})
            elif comp.get("type") == 18 and isinstance(comp.get("component"), dict):
                entry = {"type": 18, "component": self._submitted(comp["component"], values, unused)}
                if "id" in comp:
                    entry["id"] = comp["id"]
                components.append(entry)
            elif comp.get("type") == 10:
                components.append({"type": 10, **({"id": comp["id"]} if "id" in comp else {})})
        if unused:
            raise ValueError(f"modal {custom_id!r} has no field(s) {sorted(unused)}")
        s = self._standin
        channel = s.channels[opener.channel_id]
        ctx = self._context(opener.user_id, opener.guild_id, channel)
        message = s.messages.get(opener.message_id) if opener.message_id else None
        data = {"custom_id": custom_id, "components": components}
        return await self.run(self._base(MODAL_SUBMIT, data, ctx, message=message, locale=locale), **run)

    @staticmethod
    def _submitted(child: Mapping[str, Any], values: Mapping[str, object], unused: set[str]) -> dict[str, Any]:
        cid = str(child.get("custom_id"))
        unused.discard(cid)
        out: dict[str, Any] = {"type": child.get("type"), "custom_id": cid}
        if "id" in child:
            out["id"] = child["id"]
        if child.get("type") == 4:
            value = values.get(cid, child.get("value") or "")
            value = str(value)
            if child.get("required", True) and not value:
                raise ValueError(f"modal field {cid!r} is required")
            low, high = child.get("min_length"), child.get("max_length")
            if value and ((low is not None and len(value) < int(low)) or (high is not None and len(value) > int(high))):
                raise ValueError(f"modal field {cid!r} must be {low or 0}..{high or 4000} characters")
            out["value"] = value
        else:
            picked = values.get(cid, [])
            out["values"] = [str(v) for v in (picked if isinstance(picked, list | tuple) else [picked])]
        return out

    # ============================================================== serving the bot's answers

    def _for_callback(self, call: Call) -> PendingInteraction:
        pending = self.pending.get(call.int_param("interaction_id"))
        if pending is None or not secrets.compare_digest(pending.token, call.params["interaction_token"]):
            raise DiscordError(404, 10062, "Unknown interaction")
        return pending

    def _for_webhook(self, call: Call) -> PendingInteraction:
        if call.params.get("webhook_id") != str(self._standin.application_id):
            raise DiscordError(404, 10015, "Unknown Webhook")
        pending = self._by_token.get(call.params.get("webhook_token", ""))
        if pending is None or pending.type == AUTOCOMPLETE:
            raise DiscordError(404, 10015, "Unknown Webhook")
        if time.monotonic() - pending.created > TOKEN_LIFETIME:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        if pending.callback_type is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        return pending

    def observe(self, call: Call, record: RecordedRequest) -> None:
        """
        Tie an answer to its interaction: the record gets its id and shard, the interaction the record.

        Refused answers also go to :attr:`Reply.errors` (and failure messages).
        """
        pending: PendingInteraction | None = None
        if "interaction_id" in call.params and call.params["interaction_id"].isdigit():
            pending = self.pending.get(int(call.params["interaction_id"]))
        elif "webhook_token" in call.params:
            pending = self._by_token.get(call.params["webhook_token"])
        if pending is None:
            return
        record.interaction_id = pending.id
        record.shard_id = pending.shard_id
        pending.answers.append(record)
        if record.status >= 400:
            pending.rejected.append(record)
            pending.notify()

    async def callback(self, call: Call) -> Answer:
        """``POST /interactions/{id}/{token}/callback``."""
        s = self._standin
        pending = self._for_callback(call)
        if pending.callback_type is not None:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        now = time.monotonic()
        if now - pending.created > RESPONSE_WINDOW:
            pending.late = True
            raise DiscordError(404, 10062, "Unknown interaction")
        body = call.json
        ctype = body.get("type")
        allowed = set(_ALLOWED_CALLBACKS.get(pending.type, frozenset()))
        if pending.type == MODAL_SUBMIT and pending.message_id is None:
            allowed -= {6, 7}
        if ctype not in allowed:
            text = f"callback type {ctype!r} cannot answer an interaction of type {pending.type}"
            s.record_violation(Violation("protocol", text, "/type", call.method, call.path))
            errors = {"type": {"_errors": [{"code": "INTERACTION_CALLBACK_TYPE_INVALID", "message": text}]}}
            raise DiscordError(400, 50035, "Invalid Form Body", errors)
        raw_data = body.get("data")
        data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        channel = s.channels[pending.channel_id]
        message: StoredMessage | None = None
        if ctype == 4:
            kind = 20 if pending.type == APPLICATION_COMMAND else 0
            message = await s.create_message(
                channel, body=data, files=call.files, msg_type=kind, interaction=pending, as_webhook=True
            )
            pending.original_id = message.id
        elif ctype == 5:
            flags = (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
            message = await s.create_message(
                channel, body={"content": "", "flags": flags}, files=[], interaction=pending, as_webhook=True
            )
            pending.original_id = message.id
        elif ctype == 6:
            pending.original_id = pending.message_id
        elif ctype == 7:
            target = s.messages.get(pending.message_id or 0)
            if target is None:
                raise DiscordError(404, 10008, "Unknown Message")
            message = await s.edit_message(target, data, call.files)
            pending.original_id = target.id
        elif ctype == 8:
            choices = data.get("choices")
            pending.choices = list(choices) if isinstance(choices, list) else []
        elif ctype == 9:
            pending.modal = dict(data)
        pending.callback_type = int(ctype)
        pending.callback = body
        pending.callback_time = now
        pending.notify()
        if not call.flag("with_response"):
            return Answer(204)
        meta: dict[str, Any] = {"id": str(pending.id), "type": pending.type}
        resource: dict[str, Any] = {"type": ctype}
        if message is not None:
            meta["response_message_id"] = str(message.id)
            meta["response_message_loading"] = bool(message.flags & LOADING)
            meta["response_message_ephemeral"] = bool(message.flags & EPHEMERAL)
            resource["message"] = message.data
        return Answer(200, {"interaction": meta, "resource": resource})

    async def followup(self, call: Call) -> Answer:
        """``POST /webhooks/{application}/{token}``: a follow-up message."""
        s = self._standin
        pending = self._for_webhook(call)
        original = s.messages.get(pending.original_id or 0)
        if pending.callback_type == 5 and original is not None and original.flags & LOADING:
            message = await s.edit_message(original, call.json, call.files, finish_loading=True)
        else:
            message = await s.create_message(
                s.channels[pending.channel_id], body=call.json, files=call.files, interaction=pending, as_webhook=True
            )
        pending.followup_ids.append(message.id)
        pending.notify()
        return Answer(200, message.data) if call.flag("wait") else Answer(204)

    def _target(self, pending: PendingInteraction, ref: str) -> StoredMessage:
        if ref == "@original":
            mid = pending.original_id
        elif ref.isdigit() and (int(ref) == pending.original_id or int(ref) in pending.followup_ids):
            mid = int(ref)
        else:
            mid = None
        msg = self._standin.messages.get(mid or 0)
        if msg is None or msg.deleted:
            raise DiscordError(404, 10008, "Unknown Message")
        return msg

    async def webhook_message(self, call: Call) -> Answer:
        """``GET/PATCH/DELETE /webhooks/{application}/{token}/messages/{@original|id}``."""
        pending = self._for_webhook(call)
        msg = self._target(pending, call.params["message_id"])
        if call.method == "GET":
            return Answer(200, msg.data)
        if call.method == "DELETE":
            await self._standin.delete_message(msg)
            pending.notify()
            return Answer(204)
        edited = await self._standin.edit_message(msg, call.json, call.files, finish_loading=True)
        if msg.id == pending.original_id:
            pending.edits.append(call.json)
        pending.notify()
        return Answer(200, edited.data)


def _describe(record: RecordedRequest) -> str:
    message = record.response.get("message") if isinstance(record.response, dict) else record.response
    return f"{record.method} {record.route} -> {record.status} {message}"


def _as_file(raw: object) -> StoredFile:
    if isinstance(raw, StoredFile):
        return raw
    if isinstance(raw, tuple | list) and len(raw) in (2, 3):
        name, data = str(raw[0]), raw[1]
        data = data.encode() if isinstance(data, str) else bytes(data)
        ctype = str(raw[2]) if len(raw) == 3 else _guess_type(name)
        return StoredFile(name, data, ctype)
    raise ValueError("an attachment option takes StoredFile or (filename, bytes[, content_type])")


def _guess_type(name: str) -> str:
    import mimetypes

    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _looks_like_role(raw: object, guild: Guild | None) -> bool:
    if guild is None:
        return False
    if isinstance(raw, str) and raw.startswith("<@&"):
        return True
    if isinstance(raw, int) and raw in guild.roles:
        return True
    if isinstance(raw, str):
        name = raw.removeprefix("@").lower()
        return any(r.name.lower() == name for r in guild.roles.values()) and not any(
            m.user.username.lower() == name for m in guild.members.values()
        )
    return False
