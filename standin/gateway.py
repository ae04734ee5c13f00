"""
The stand-in's gateway: a real websocket speaking Discord's gateway protocol (v10, JSON).

HELLO on connect; IDENTIFY is answered with READY and one GUILD_CREATE per guild; HEARTBEAT
with HEARTBEAT_ACK; RESUME replays the events the session missed, then RESUMED (or
INVALID_SESSION when the session is gone). ``compress=zlib-stream`` makes every frame binary
from one zlib stream flushed with Z_SYNC_FLUSH; ``zstd-stream`` works when ``zstandard`` is
importable.
"""

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from standin.models import Violation
from standin.wire import Signal

if TYPE_CHECKING:
    from standin.server import StandIn

__all__ = ["Gateway", "GatewaySession", "Intent"]

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41250
BUFFER_SIZE = 2000


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

    def wants(self, intent: int | None) -> bool:
        """Whether the session asked for events of this intent (``None``: always sent)."""
        return intent is None or bool(self.intents & intent)


class Gateway:
    """Serves ``/gateway`` and dispatches events to every live session."""

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

    def _notify(self) -> None:
        self._signal.notify()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate()`` holds after a gateway change; False on timeout."""
        return await self._signal.wait(predicate, timeout)

    async def wait_until_ready(self, timeout: float = 10.0) -> None:
        """Wait until a bot identified and got its guilds (raise TimeoutError otherwise)."""
        if not await self.wait_for(lambda: bool(self.live_sessions), timeout):
            raise TimeoutError(f"no bot connected to the stand-in within {timeout} s")

    def ready_payload(self, session: GatewaySession) -> dict[str, Any]:
        """The READY event for a new session."""
        standin = self._standin
        data: dict[str, Any] = {
            "v": 10,
            "user": standin.directory.bot_user_payload(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in standin.bot_guilds()],
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
        """Send a DISPATCH to every valid session (buffered for resumption); return how many got it live."""
        sent = 0
        for session in list(self.sessions.values()):
            if not session.valid or not session.wants(intent):
                continue
            session.sequence += 1
            payload = {"op": Op.DISPATCH, "t": event, "s": session.sequence, "d": data}
            session.buffer.append(payload)
            if session.conn is not None:
                await session.conn.send(payload)
                sent += 1
        return sent

    def dispatch_soon(self, event: str, data: dict[str, Any], intent: int | None) -> None:
        """``dispatch`` from code that cannot wait (building the world): fired and forgotten, when a bot listens."""
        if not self.sessions:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        loop.create_task(self.dispatch(event, data, intent=intent))  # noqa: RUF006 - fire and forget

    async def drop(self, code: int = 4000, *, resumable: bool = True) -> int:
        """Close every gateway connection; with ``resumable=False`` the sessions are invalidated."""
        closed = 0
        for session in self.sessions.values():
            if not resumable:
                session.valid = False
            conn, session.conn = session.conn, None
            if conn is not None and not conn.ws.closed:
                await conn.ws.close(code=code, message=b"stand-in dropped the connection")
                closed += 1
        for ws in list(self._connections):
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
        if raw_shard is not None:
            valid = isinstance(raw_shard, list) and len(raw_shard) == 2
            if not valid or not 0 <= int(raw_shard[0]) < int(raw_shard[1]):
                await conn.ws.close(code=4010, message=b"Invalid shard.")
                return None
            shard = [int(raw_shard[0]), int(raw_shard[1])]
        # Sessions no longer connected are superseded by a new IDENTIFY.
        for key in [k for k, s in self.sessions.items() if s.conn is None]:
            del self.sessions[key]
        session = GatewaySession(secrets.token_hex(16), intents, shard)
        self.sessions[session.session_id] = session
        self.identify_count += 1
        session.conn = conn
        ready = self.ready_payload(session)
        await self._send_to(session, "READY", ready)
        for guild in self._standin.bot_guilds():
            if shard is not None and (guild.id >> 22) % shard[1] != shard[0]:
                continue
            await self._send_to(session, "GUILD_CREATE", guild.to_create_event())
        session.ready = True
        log.info("gateway session %s identified (intents %d)", session.session_id, intents)
        self._notify()
        return session

    async def _send_to(self, session: GatewaySession, event: str, data: dict[str, Any]) -> None:
        session.sequence += 1
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
        if guild is None:
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
        await self._send_to(session, "GUILD_MEMBERS_CHUNK", chunk)
