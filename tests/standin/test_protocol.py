"""The stand-in's HTTP and gateway protocol, driven by hand with aiohttp (no bot)."""

from __future__ import annotations

import json
import zlib
from typing import Any

import aiohttp
import pytest

from standin import Perm, StandIn


def auth(standin: StandIn) -> dict[str, str]:
    return {"Authorization": f"Bot {standin.token}"}


class RawGateway:
    """A hand-rolled gateway client that speaks zlib-stream like discord.py does."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.inflate = zlib.decompressobj()

    async def recv(self) -> dict[str, Any]:
        msg = await self.ws.receive(timeout=5)
        assert msg.type == aiohttp.WSMsgType.BINARY, msg
        assert msg.data.endswith(b"\x00\x00\xff\xff")
        frame: dict[str, Any] = json.loads(self.inflate.decompress(msg.data))
        return frame

    async def send(self, op: int, data: object) -> None:
        await self.ws.send_str(json.dumps({"op": op, "d": data}))


async def connect(http: aiohttp.ClientSession, standin: StandIn) -> RawGateway:
    ws = await http.ws_connect(f"{standin.gateway_url}?v=10&encoding=json&compress=zlib-stream")
    return RawGateway(ws)


async def test_json_answers_and_rate_limit_headers(standin: StandIn) -> None:
    """Answers are application/json with X-RateLimit-* headers; GET /gateway/bot hands out the ws URL."""
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{standin.api_base}/gateway/bot", headers=auth(standin)) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json"
            assert {
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset-After",
                "X-RateLimit-Bucket",
            } <= set(resp.headers)
            body = await resp.json()
        assert body["url"] == standin.gateway_url and body["shards"] == 1
        async with http.get(f"{standin.api_base}/users/@me") as resp:
            assert resp.status == 401
    assert standin.requests[-1].status == 401


async def test_unknown_route_is_a_violation(standin: StandIn) -> None:
    """An unknown route answers 404 JSON and is recorded as a route violation."""
    url = f"{standin.api_base}/guilds/1000/audit-logs"
    async with aiohttp.ClientSession() as http, http.get(url, headers=auth(standin)) as resp:
        assert resp.status == 404
        assert (await resp.json())["message"] == "404: Not Found"
    assert [v.kind for v in standin.violations] == ["route"]
    standin.clear_violations()


async def test_injected_429_has_discords_shape(standin: StandIn) -> None:
    """A 429 carries Via, Retry-After, X-RateLimit-* and a JSON body with retry_after and global."""
    standin.fail("GET", r"/users/@me$", status=429, times=1, retry_after=0.25)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{standin.api_base}/users/@me", headers=auth(standin)) as resp:
            assert resp.status == 429
            assert resp.headers["Via"] and resp.headers["Retry-After"] == "1"
            assert resp.headers["X-RateLimit-Remaining"] == "0"
            assert await resp.json() == {"message": "You are being rate limited.", "retry_after": 0.25, "global": False}
        async with http.get(f"{standin.api_base}/users/@me", headers=auth(standin)) as resp:
            assert resp.status == 200


async def test_global_rate_limit(standin: StandIn) -> None:
    """Beyond the global limit the answer is 429 with global true."""
    standin.global_rate_limit(per_second=3)
    async with aiohttp.ClientSession() as http:
        statuses = []
        for _ in range(4):
            async with http.get(f"{standin.api_base}/users/@me", headers=auth(standin)) as resp:
                statuses.append(resp.status)
                body = await resp.json()
    assert statuses == [200, 200, 200, 429]
    assert body["global"] is True and body["retry_after"] > 0


async def test_gateway_identify_heartbeat_resume(standin: StandIn) -> None:
    """HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeat ACK, and RESUME replaying missed events."""
    async with aiohttp.ClientSession() as http:
        gw = await connect(http, standin)
        hello = await gw.recv()
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
        await gw.send(2, {"token": standin.token, "intents": 513, "properties": {}})
        ready = await gw.recv()
        assert (ready["t"], ready["s"]) == ("READY", 1)
        assert ready["d"]["application"]["id"] == "100" and ready["d"]["guilds"] == [
            {"id": "1000", "unavailable": True}
        ]
        guild = await gw.recv()
        assert guild["t"] == "GUILD_CREATE" and guild["d"]["member_count"] == 3
        assert {c["name"] for c in guild["d"]["channels"]} == {"general"}
        await gw.send(1, 2)
        assert (await gw.recv())["op"] == 11
        session = ready["d"]["session_id"]

        await standin.drop_gateway()
        await standin.dispatch_event("TYPING_START", {"channel_id": "1100"})
        gw = await connect(http, standin)
        await gw.recv()
        await gw.send(6, {"token": standin.token, "session_id": session, "seq": 2})
        missed = await gw.recv()
        assert (missed["t"], missed["s"]) == ("TYPING_START", 3)
        assert (await gw.recv())["t"] == "RESUMED"

        gw = await connect(http, standin)
        await gw.recv()
        await gw.send(6, {"token": standin.token, "session_id": "nope", "seq": 1})
        assert (await gw.recv()) == {"op": 9, "d": False, "s": None, "t": None}


async def test_gateway_refuses_a_bad_token(standin: StandIn) -> None:
    """IDENTIFY with the wrong token is closed with 4004."""
    async with aiohttp.ClientSession() as http:
        gw = await connect(http, standin)
        await gw.recv()
        await gw.send(2, {"token": "wrong", "intents": 1, "properties": {}})
        msg = await gw.ws.receive(timeout=5)
        assert msg.type == aiohttp.WSMsgType.CLOSE and msg.data == 4004


async def test_scheduled_events_need_manage_events(standin: StandIn) -> None:
    """Creating an event works with Manage Events and is refused with 50013 without it."""
    event = {
        "name": "NEC 2025 ballot",
        "privacy_level": 2,
        "entity_type": 3,
        "scheduled_start_time": "2025-04-17T08:00:00+00:00",
        "scheduled_end_time": "2025-05-15T11:00:00+00:00",
        "entity_metadata": {"location": "Postal ballot"},
    }
    url = f"{standin.api_base}/guilds/1000/scheduled-events"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=event, headers=auth(standin)) as resp:
            assert resp.status == 200
            created = await resp.json()
        async with http.patch(f"{url}/{created['id']}", json={"name": "Ballot"}, headers=auth(standin)) as resp:
            assert (await resp.json())["name"] == "Ballot"
        await standin.set_role_permissions("bot", Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES)
        async with http.post(url, json=event, headers=auth(standin)) as resp:
            assert resp.status == 403
            assert (await resp.json())["code"] == 50013
        async with http.get(url, headers=auth(standin)) as resp:
            assert [e["name"] for e in await resp.json()] == ["Ballot"]


async def test_uploaded_files_are_kept_and_served(standin: StandIn) -> None:
    """Multipart uploads become attachments whose URL serves the bytes."""
    form = aiohttp.FormData(quote_fields=False)
    form.add_field(
        "payload_json", json.dumps({"content": "timetable", "attachments": [{"id": 0, "filename": "t.ics"}]})
    )
    form.add_field("files[0]", b"BEGIN:VCALENDAR", filename="t.ics", content_type="text/calendar")
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{standin.api_base}/channels/1100/messages", data=form, headers=auth(standin)) as resp:
            message = await resp.json()
        attachment = message["attachments"][0]
        assert attachment["filename"] == "t.ics" and attachment["size"] == 15
        async with http.get(attachment["url"]) as resp:
            assert await resp.read() == b"BEGIN:VCALENDAR"
    stored = standin.channel_history("general")[-1]
    assert stored.files[0].content_type == "text/calendar"


async def test_invoke_without_a_bot_says_so(standin: StandIn) -> None:
    """Invoking with no bot on the gateway is an immediate, clear error."""
    with pytest.raises(LookupError, match="did the bot sync"):
        await standin.invoke("/ballot", connect_timeout=0.1)
    standin.guild.commands.append({"id": "1", "name": "ballot", "type": 1, "description": "d", "guild_id": "1000"})
    with pytest.raises(RuntimeError, match="no bot is connected"):
        await standin.invoke("/ballot", connect_timeout=0.1)


def test_permissions_follow_roles_and_overwrites() -> None:
    """@everyone, roles, then role and member overwrites; administrator implies everything."""
    standin = StandIn(default_guild=False)
    guild = standin.add_guild(
        5,
        "Branch",
        channels=[
            {"id": 51, "name": "general"},
            {
                "id": 52,
                "name": "organisers",
                "overwrites": [
                    {"id": 5, "deny": Perm.VIEW_CHANNEL},
                    {"role": "Organiser", "allow": Perm.VIEW_CHANNEL},
                    {"user": "mole", "deny": Perm.SEND_MESSAGES},
                ],
            },
        ],
        roles=[
            {"name": "Organiser", "permissions": Perm.MANAGE_GUILD},
            {"name": "Admin", "permissions": Perm.ADMINISTRATOR},
        ],
        members=[
            "member",
            {"username": "organiser", "roles": ["Organiser"]},
            {"username": "mole", "roles": ["Organiser"]},
            {"username": "admin", "roles": ["Admin"]},
        ],
    )
    assert standin.member_permissions("member", 51, guild) & Perm.SEND_MESSAGES
    assert standin.member_permissions("member", 52, guild) == 0
    assert standin.member_permissions("organiser", 52, guild) & Perm.SEND_MESSAGES
    assert standin.member_permissions("organiser", None, guild) & Perm.MANAGE_GUILD
    mole = standin.member_permissions("mole", 52, guild)
    assert mole & Perm.VIEW_CHANNEL and not mole & Perm.SEND_MESSAGES
    assert standin.member_permissions("admin", 52, guild) == (1 << 53) - 1
