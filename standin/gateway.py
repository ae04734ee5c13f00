"""
The stand-in's gateway: a real websocket speaking Discord's gateway protocol (v10, JSON).

HELLO on connect; IDENTIFY is answered with READY and one GUILD_CREATE per guild; HEARTBEAT
with HEARTBEAT_ACK; RESUME replays the events the session missed, then RESUMED (or
INVALID_SESSION when the session is gone). ``compress=zlib-stream`` makes every frame binary
from one zlib stream flushed with Z_SYNC_FLUSH; ``zstd-stream`` works when ``zstandard`` is
importable.

Sharding is Discord's: IDENTIFY may carry ``shard: [shard_id, shard_count]`` (none means ``[0, 1]``); a
session gets READY and GUILD_CREATE for the guilds of its shard only (``(guild_id >> 22) % shard_count``),
and every event of a guild goes only to the sessions whose shard owns that guild; events of no guild (DMs)
go to shard 0. With ``StandIn.shard_count`` above 1, an IDENTIFY without a shard is closed with 4011
"Sharding required", and one whose shard is out of range or of another count with 4010 "Invalid shard".
"""

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from standin.models import Violation
from standin.sharding import DM_SHARD, shard_of
from standin.wire import Signal

if TYPE_CHECKING:
    from standin.server import StandIn

__all__ = ["Gateway", "GatewaySession", "Intent"]

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41250
BUFFER_SIZE = 2000
_GUILD_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})
"""Events whose ``d.id`` (not ``d.guild_id``) is the guild they are about."""


class Op:
    """Gateway opcodes."""

    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE = 3
    VOICE_STATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


class Intent:
    """Gateway intent bits the stand-in filters events by."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15
    GUILD_SCHEDULED_EVENTS = 1 << 16
    PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT


class _Compressor:
    """One compression context per connection (``None`` for plain text frames)."""

    def __init__(self, mode: str | None) -> None:
        self.mode = mode
        self._zlib: Any = zlib.compressobj() if mode == "zlib-stream" else None
        self._zstd: Any = None
        self._zstd_flush: Any = None
        if mode == "zstd-stream":
            import zstandard

            self._zstd = zstandard.ZstdCompressor().compressobj()
            self._zstd_flush = zstandard.COMPRESSOBJ_FLUSH_BLOCK

    def encode(self, text: str) -> bytes | None:
        if self._zlib is not None:
            data: bytes = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
        elif self._zstd is not None:
            data = self._zstd.compress(text.encode()) + self._zstd.flush(self._zstd_flush)
        else:
            return None
        return data


def zstd_available() -> bool:
    """Whether the optional ``zstandard`` module can be imported."""
    try:
        import zstandard  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class _Connection:
    ws: web.WebSocketResponse
    compressor: _Compressor
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def send(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        async with self.lock:
            if self.ws.closed:
                return
            data = self.compressor.encode(text)
            try:
                if data is None:
                    await self.ws.send_str(text)
                else:
                    await self.ws.send_bytes(data)
            except (ConnectionError, RuntimeError) as exc:
                log.debug("gateway send failed: %s", exc)


@dataclass
class GatewaySession:
    """One identified gateway session; outlives its connection so it can be resumed."""

    session_id: str
    intents: int
    shard: list[int] | None
    sequence: int = 0
    buffer: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=BUFFER_SIZE))
    conn: _Connection | None = None
    valid: bool = True
    ready: bool = False
    received: Counter[tuple[str, int | None]] = field(default_factory=Counter)
    """How many of each event were dispatched to this session, by ``(event name, guild id or None)``."""

    def wants(self, intent: int | None) -> bool:
        """Whether the session asked for events of this intent (``None``: always sent)."""
        return intent is None or bool(self.intents & intent)

    @property
    def shard_id(self) -> int:
        """The shard this session identified as (0 when its IDENTIFY carried no shard)."""
        return self.shard[0] if self.shard is not None else 0

    @property
    def shard_count(self) -> int:
        """The shard count this session identified with (1 when its IDENTIFY carried no shard)."""
        return self.shard[1] if self.shard is not None else 1

    def owns(self, guild_id: int | None) -> bool:
        """Whether this session's shard gets the events of ``guild_id`` (``None``, a DM: shard 0)."""
        if guild_id is None:
            return self.shard_id == DM_SHARD
        return shard_of(guild_id, self.shard_count) == self.shard_id


class Gateway:
    """Serves ``/gateway`` and dispatches each event to the sessions whose shard owns its guild."""

    def __init__(self, standin: "StandIn") -> None:
        self._standin = standin
        self.sessions: dict[str, GatewaySession] = {}
        self.identify_count = 0
        self.resume_count = 0
        self.connection_count = 0
        self._connections: set[web.WebSocketResponse] = set()
        self._signal = Signal()

    # ------------------------------------------------------------ state queries

    @property
    def live_sessions(self) -> list[GatewaySession]:
        """Sessions that are identified, valid and connected right now."""
        return [s for s in self.sessions.values() if s.valid and s.ready and s.conn is not None]

    @property
    def shard_count(self) -> int:
        """The shard count the stand-in asks for (``GET /gateway/bot``'s ``shards``)."""
        return self._standin.shard_count

    def sessions_on_shard(self, shard_id: int, *, live: bool = True) -> list[GatewaySession]:
        """Sessions identified as ``shard_id`` (of any count); only the connected ones unless ``live=False``."""
        pool = self.live_sessions if live else [s for s in self.sessions.values() if s.valid]
        return [s for s in pool if s.shard_id == shard_id]

    def owners(self, guild_id: int | None, *, live: bool = True) -> list[GatewaySession]:
        """The sessions whose shard gets the events of ``guild_id`` (connected ones unless ``live=False``)."""
        pool = self.live_sessions if live else [s for s in self.sessions.values() if s.valid]
        return [s for s in pool if s.owns(guild_id)]

    def ready_shards(self) -> set[int]:
        """The shards (of the configured count) that have an identified, connected session."""
        count = self.shard_count
        return {s.shard_id for s in self.live_sessions if s.shard_count == count}

    def all_shards_ready(self) -> bool:
        """Whether every shard of the configured count has a live session (any live session when unsharded)."""
        if self.shard_count == 1:
            return bool(self.live_sessions)
        return self.ready_shards() >= set(range(self.shard_count))

    def guild_of(self, event: str, data: dict[str, Any]) -> int | None:
        """
        The guild an event is about, as its payload says (``None``: a DM or no guild at all).

        ``GUILD_CREATE`` / ``UPDATE`` / ``DELETE`` name it in ``id``, the others in ``guild_id``; an event that
        names only a ``channel_id`` belongs to that channel's guild.
        """
        raw = data.get("id") if event in _GUILD_EVENTS else data.get("guild_id")
        if raw is not None and str(raw).isdigit():
            return int(raw)
        channel_id = data.get("channel_id")
        if channel_id is not None and str(channel_id).isdigit():
            channel = self._standin.channels.get(int(channel_id))
            if channel is not None:
                return channel.guild_id
        return None

    def _notify(self) -> None:
        self._signal.notify()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate()`` holds after a gateway change; False on timeout."""
        return await self._signal.wait(predicate, timeout)

    async def wait_until_ready(self, timeout: float = 10.0, *, shard_id: int | None = None) -> None:
        """
        Wait until the bot identified and got its guilds (raise TimeoutError otherwise).

        Unsharded (``shard_count`` 1) any live session will do; sharded, every shard of the count needs one,
        whether they come from one AutoShardedClient or several processes. ``shard_id`` waits for one shard only.
        """
        if shard_id is not None:
            if not await self.wait_for(lambda: bool(self.sessions_on_shard(shard_id)), timeout):
                raise TimeoutError(f"no session identified as shard {shard_id} within {timeout} s")
            return
        if not await self.wait_for(self.all_shards_ready, timeout):
            if self.shard_count == 1:
                raise TimeoutError(f"no bot connected to the stand-in within {timeout} s")
            missing = sorted(set(range(self.shard_count)) - self.ready_shards())
            raise TimeoutError(f"shard(s) {missing} of {self.shard_count} had no session within {timeout} s")

    def ready_payload(self, session: GatewaySession) -> dict[str, Any]:
        """The READY event for a new session."""
        standin = self._standin
        data: dict[str, Any] = {
            "v": 10,
            "user": standin.directory.bot_user_payload(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in standin.bot_guilds() if session.owns(g.id)],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": standin.gateway_url,
            "application": {"id": str(standin.application_id), "flags": (1 << 15) | (1 << 19) | (1 << 23)},
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

    # ------------------------------------------------------------ dispatch

    async def dispatch(self, event: str, data: dict[str, Any], *, intent: int | None = None) -> int:
        """
        Send a DISPATCH to every valid session whose shard owns the event's guild; return how many got it live.

        Sessions that are not connected get it buffered, for their RESUME. The guild is read from the payload
        (see :meth:`guild_of`); events of no guild go to shard 0.
        """
        return sum(1 for session in await self.deliver(event, data, intent=intent) if session.conn is not None)

    async def deliver(self, event: str, data: dict[str, Any], *, intent: int | None = None) -> list[GatewaySession]:
        """:meth:`dispatch`, returning the sessions the event went to (connected or buffered for RESUME)."""
        guild_id = self.guild_of(event, data)
        recipients: list[GatewaySession] = []
        for session in list(self.sessions.values()):
            if not session.valid or not session.wants(intent) or not session.owns(guild_id):
                continue
            recipients.append(session)
            await self._send_to(session, event, data, guild_id)
        return recipients

    def dispatch_soon(self, event: str, data: dict[str, Any], intent: int | None) -> None:
        """``dispatch`` from code that cannot wait (building the world): fired and forgotten, when a bot listens."""
        if not self.sessions:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        loop.create_task(self.dispatch(event, data, intent=intent))  # noqa: RUF006 - fire and forget

    async def drop(self, code: int = 4000, *, resumable: bool = True, shard_id: int | None = None) -> int:
        """
        Close every gateway connection; with ``resumable=False`` the sessions are invalidated.

        With ``shard_id`` only that shard's sessions are dropped (the other shards stay connected).
        """
        closed = 0
        for session in self.sessions.values():
            if shard_id is not None and session.shard_id != shard_id:
                continue
            if not resumable:
                session.valid = False
            conn, session.conn = session.conn, None
            if conn is not None and not conn.ws.closed:
                await conn.ws.close(code=code, message=b"stand-in dropped the connection")
                closed += 1
        for ws in list(self._connections) if shard_id is None else []:
            if not ws.closed:
                await ws.close(code=code, message=b"stand-in dropped the connection")
        self._notify()
        return closed

    async def close(self) -> None:
        """Close all connections when the server stops."""
        for ws in list(self._connections):
            with contextlib.suppress(Exception):
                await ws.close(code=1001, message=b"stand-in stopping")

    # ------------------------------------------------------------ websocket handler

    def _protocol_violation(self, message: str) -> None:
        self._standin.record_violation(Violation("protocol", message, method="WS", path="/gateway"))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The aiohttp handler for ``GET /gateway`` (upgrades to a websocket)."""
        ws = web.WebSocketResponse(max_msg_size=4 * 1024 * 1024, autoping=True)
        await ws.prepare(request)
        self.connection_count += 1
        self._connections.add(ws)
        mode = request.query.get("compress")
        encoding = request.query.get("encoding", "json")
        version = request.query.get("v")
        if version not in (None, "10"):
            self._protocol_violation(f"gateway version v={version}; the stand-in speaks v10")
        if encoding != "json":
            self._protocol_violation(f"gateway encoding {encoding!r} is not supported (json only)")
            await ws.close(code=4002, message=b"Error while decoding payload.")
            self._connections.discard(ws)
            return ws
        if mode not in (None, "zlib-stream", "zstd-stream") or (mode == "zstd-stream" and not zstd_available()):
            self._protocol_violation(f"gateway compress={mode!r} cannot be served")
            await ws.close(code=4000, message=b"Unsupported compression.")
            self._connections.discard(ws)
            return ws
        conn = _Connection(ws, _Compressor(mode))
        session: GatewaySession | None = None
        try:
            await conn.send({"op": Op.HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None})
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    raw = msg.data
                elif msg.type == WSMsgType.BINARY:
                    raw = msg.data.decode()
                else:
                    break
                try:
                    payload = json.loads(raw)
                except ValueError:
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                session = await self._on_payload(conn, session, payload)
                if ws.closed:
                    break
        finally:
            self._connections.discard(ws)
            if session is not None and session.conn is conn:
                session.conn = None
            self._notify()
        return ws

    async def _on_payload(
        self, conn: _Connection, session: GatewaySession | None, payload: object
    ) -> GatewaySession | None:
        op = payload.get("op") if isinstance(payload, dict) else None
        data = payload.get("d") if isinstance(payload, dict) else None
        if op == Op.HEARTBEAT:
            await conn.send({"op": Op.HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            return session
        if op == Op.IDENTIFY:
            if session is not None:
                await conn.ws.close(code=4005, message=b"Already authenticated.")
                return session
            return await self._identify(conn, data if isinstance(data, dict) else {})
        if op == Op.RESUME:
            if session is not None:
                await conn.ws.close(code=4005, message=b"Already authenticated.")
                return session
            return await self._resume(conn, data if isinstance(data, dict) else {})
        if session is None:
            await conn.ws.close(code=4003, message=b"Not authenticated.")
            return None
        if op == Op.REQUEST_MEMBERS:
            await self._request_members(conn, session, data if isinstance(data, dict) else {})
        elif op in (Op.PRESENCE, Op.VOICE_STATE):
            pass
        else:
            await conn.ws.close(code=4001, message=b"Unknown opcode.")
        return session

    def _token_ok(self, token: object) -> bool:
        if not isinstance(token, str):
            return False
        token = token.removeprefix("Bot ")
        return secrets.compare_digest(token, self._standin.token)

    async def _identify(self, conn: _Connection, data: dict[str, Any]) -> GatewaySession | None:
        if not self._token_ok(data.get("token")):
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return None
        intents = data.get("intents")
        if not isinstance(intents, int):
            self._protocol_violation("IDENTIFY without intents")
            await conn.ws.close(code=4013, message=b"Invalid intent(s).")
            return None
        if intents & Intent.PRIVILEGED & ~self._standin.privileged_intents:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        raw_shard = data.get("shard")
        shard: list[int] | None = None
        if raw_shard is None:
            if self.shard_count > 1:
                await conn.ws.close(code=4011, message=b"Sharding required.")
                return None
        else:
            shard = self._valid_shard(raw_shard)
            if shard is None:
                await conn.ws.close(code=4010, message=b"Invalid shard.")
                return None
        session = GatewaySession(secrets.token_hex(16), intents, shard)
        # Sessions of the same shard no longer connected are superseded by a new IDENTIFY.
        superseded = [
            key
            for key, old in self.sessions.items()
            if old.conn is None and (old.shard_id, old.shard_count) == (session.shard_id, session.shard_count)
        ]
        for key in superseded:
            del self.sessions[key]
        self.sessions[session.session_id] = session
        self.identify_count += 1
        session.conn = conn
        ready = self.ready_payload(session)
        await self._send_to(session, "READY", ready)
        for guild in self._standin.bot_guilds():
            if session.owns(guild.id):
                await self._send_to(session, "GUILD_CREATE", guild.to_create_event(), guild.id)
        session.ready = True
        log.info(
            "gateway session %s identified (intents %d, shard %d/%d)",
            session.session_id,
            intents,
            session.shard_id,
            session.shard_count,
        )
        self._notify()
        return session

    def _valid_shard(self, raw: object) -> list[int] | None:
        """``[shard_id, shard_count]`` when Discord would take it, else ``None`` (4010 "Invalid shard")."""
        if not isinstance(raw, list) or len(raw) != 2:
            return None
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in raw):
            return None
        shard_id, shard_count = int(raw[0]), int(raw[1])
        if not 0 <= shard_id < shard_count:
            return None
        # When the stand-in requires sharding, the bot must use its count (as GET /gateway/bot said).
        if self.shard_count > 1 and shard_count != self.shard_count:
            return None
        return [shard_id, shard_count]

    async def _send_to(
        self, session: GatewaySession, event: str, data: dict[str, Any], guild_id: int | None = None
    ) -> None:
        session.sequence += 1
        session.received[(event, guild_id)] += 1
        payload = {"op": Op.DISPATCH, "t": event, "s": session.sequence, "d": data}
        session.buffer.append(payload)
        if session.conn is not None:
            await session.conn.send(payload)

    async def _resume(self, conn: _Connection, data: dict[str, Any]) -> GatewaySession | None:
        if not self._token_ok(data.get("token")):
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return None
        session = self.sessions.get(str(data.get("session_id")))
        seq = data.get("seq")
        if session is None or not session.valid or not isinstance(seq, int):
            await conn.send({"op": Op.INVALID_SESSION, "d": False, "s": None, "t": None})
            return None
        if seq > session.sequence:
            await conn.ws.close(code=4007, message=b"Invalid seq.")
            return None
        missed = [p for p in session.buffer if p["s"] > seq]
        if missed and missed[0]["s"] != seq + 1:
            await conn.send({"op": Op.INVALID_SESSION, "d": False, "s": None, "t": None})
            return None
        old, session.conn = session.conn, conn
        if old is not None and old is not conn and not old.ws.closed:
            await old.ws.close(code=4000, message=b"Session resumed elsewhere.")
        for payload in missed:
            await conn.send(payload)
        session.sequence += 1
        resumed = {"op": Op.DISPATCH, "t": "RESUMED", "s": session.sequence, "d": {}}
        session.buffer.append(resumed)
        await conn.send(resumed)
        self.resume_count += 1
        log.info("gateway session %s resumed, %d events replayed", session.session_id, len(missed))
        self._notify()
        return session

    async def _request_members(self, conn: _Connection, session: GatewaySession, data: dict[str, Any]) -> None:
        guild = self._standin.guilds.get(int(data.get("guild_id") or 0))
        if guild is None or not session.owns(guild.id):
            # Discord answers only for the guilds of the session's shard.
            return
        members = list(guild.members.values())
        user_ids = data.get("user_ids")
        not_found: list[str] = []
        if user_ids is not None:
            wanted = {int(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])}
            not_found = [str(u) for u in wanted if u not in guild.members]
            members = [m for m in members if m.user.id in wanted]
        else:
            query = str(data.get("query") or "").lower()
            members = [m for m in members if m.user.username.lower().startswith(query)]
            limit = int(data.get("limit") or 0)
            if limit:
                members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.to_dict() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": not_found,
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        if data.get("presences"):
            chunk["presences"] = []
        await self._send_to(session, "GUILD_MEMBERS_CHUNK", chunk, guild.id)
