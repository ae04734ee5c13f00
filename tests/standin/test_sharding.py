"""Sharding in the stand-in: GET /gateway/bot's count, IDENTIFY's shard, and each guild's events on its shard."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio
from discord import app_commands

from bot.endpoint import point_discord_at, reset_discord_endpoints
from standin import ShardError, StandIn, guild_id_on_shard, shard_of

SHARDS = 2
EAST = guild_id_on_shard(0, SHARDS)
WEST = guild_id_on_shard(1, SHARDS)
NORTH = guild_id_on_shard(1, SHARDS, seed=1)
EAST_CHANNEL, WEST_CHANNEL, NORTH_CHANNEL = 7100, 7200, 7300


def build_world(standin: StandIn) -> None:
    """Three guilds: East on shard 0, West and North on shard 1; activist is in all of them."""
    places = ((EAST, "East", EAST_CHANNEL), (WEST, "West", WEST_CHANNEL), (NORTH, "North", NORTH_CHANNEL))
    for gid, name, channel in places:
        standin.add_guild(
            gid,
            name,
            channels=[{"id": channel, "name": f"{name.lower()}-general"}],
            roles=[{"name": "Organiser"}],
            members=[{"id": 2001, "username": "activist"}, {"username": f"{name.lower()}-organiser"}],
        )


@pytest_asyncio.fixture
async def sharded() -> AsyncIterator[StandIn]:
    """A stand-in that asks for two shards, with guilds on each; the test fails on any contract violation."""
    async with StandIn(shard_count=SHARDS, default_guild=False) as server:
        build_world(server)
        yield server
        found = server.clear_violations()
        assert not found, "\n".join(str(v) for v in found)
    reset_discord_endpoints()


# ------------------------------------------------------------------ discord.py clients


class ShardClient(discord.Client):
    """A discord.Client with a command tree that notes every guild event and interaction it handles."""

    def __init__(self, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(intents=intents, guild_ready_timeout=0.05, **options)
        self.tree = app_commands.CommandTree(self)
        self.handled: list[tuple[int | None, int]] = []
        self.messages: list[tuple[int | None, str]] = []
        self.joins: list[tuple[int, int]] = []
        self.role_updates: list[int] = []

        @self.tree.command(name="where", description="Says who answered")
        async def where(interaction: discord.Interaction) -> None:
            self.handled.append((interaction.guild_id, interaction.id))
            place = interaction.guild.name if interaction.guild else "DM"
            await interaction.response.send_message(f"{self.label} in {place}", ephemeral=True)

    @property
    def label(self) -> str:
        """Which client this is, for answers."""
        return f"shard {self.shard_id}" if self.shard_id is not None else "unsharded"

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s before each non-initial IDENTIFY; the stand-in does not need it."""

    async def on_message(self, message: discord.Message) -> None:
        self.messages.append((message.guild.id if message.guild else None, message.content))

    async def on_member_join(self, member: discord.Member) -> None:
        self.joins.append((member.guild.id, member.id))

    async def on_guild_role_update(self, _before: discord.Role, after: discord.Role) -> None:
        self.role_updates.append(after.guild.id)


class AutoShardClient(discord.AutoShardedClient):
    """An AutoShardedClient (one process, one websocket per shard) with the same command."""

    def __init__(self, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(intents=intents, guild_ready_timeout=0.05, **options)
        self.tree = app_commands.CommandTree(self)
        self.handled: list[tuple[int | None, int]] = []

        @self.tree.command(name="where", description="Says who answered")
        async def where(interaction: discord.Interaction) -> None:
            self.handled.append((interaction.guild_id, interaction.id))
            place = interaction.guild.name if interaction.guild else "DM"
            await interaction.response.send_message(f"auto in {place}", ephemeral=True)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5 s pause between shards."""


async def start(client: discord.Client, standin: StandIn, *, timeout: float = 10.0) -> asyncio.Task[None]:
    """Point discord.py at the stand-in, log in, connect, and wait for the client's READY."""
    point_discord_at(standin.api_base)
    await client.login(standin.token)
    task = asyncio.create_task(client.connect(reconnect=True))
    await asyncio.wait_for(client.wait_until_ready(), timeout)
    return task


async def stop(client: discord.Client, task: asyncio.Task[None]) -> None:
    """Close a client and its connect loop."""
    await client.close()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


async def eventually(check: Any, timeout: float = 5.0) -> None:
    """Poll ``check()`` until it is true (the clients read their websockets concurrently)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


# ------------------------------------------------------------------ raw gateway


class RawGateway:
    """A bare gateway client (plain JSON frames) to send IDENTIFYs discord.py would not."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    async def recv(self) -> dict[str, Any]:
        msg = await self.ws.receive(timeout=5)
        assert msg.type == aiohttp.WSMsgType.TEXT, msg
        frame: dict[str, Any] = json.loads(msg.data)
        return frame

    async def identify(self, standin: StandIn, shard: object = None) -> None:
        data: dict[str, Any] = {"token": standin.token, "intents": 513, "properties": {}}
        if shard is not None:
            data["shard"] = shard
        await self.ws.send_str(json.dumps({"op": 2, "d": data}))

    async def close_code(self) -> int:
        msg = await self.ws.receive(timeout=5)
        assert msg.type == aiohttp.WSMsgType.CLOSE, msg
        return int(msg.data)


@contextlib.asynccontextmanager
async def raw_gateway(standin: StandIn) -> AsyncIterator[RawGateway]:
    async with aiohttp.ClientSession() as http, http.ws_connect(f"{standin.gateway_url}?v=10&encoding=json") as ws:
        gw = RawGateway(ws)
        assert (await gw.recv())["op"] == 10
        yield gw


# ------------------------------------------------------------------ helpers


def test_shard_of_and_guild_ids_on_a_shard() -> None:
    """Discord's formula picks the shard from the id's timestamp; made-up ids land where asked, each distinct."""
    assert shard_of(1000, 2) == shard_of(3000, 2) == 0  # small ids have no timestamp: all on shard 0
    assert shard_of(None, 4) == 0  # DMs
    assert shard_of(81384788765712384, 2) == (81384788765712384 >> 22) % 2
    made = {(shard, seed): guild_id_on_shard(shard, 4, seed) for shard in range(4) for seed in range(5)}
    assert all(shard_of(gid, 4) == shard for (shard, _seed), gid in made.items())
    assert len(set(made.values())) == len(made)
    assert all(gid > 10**18 for gid in made.values())  # as large as real 2023 snowflakes
    assert guild_id_on_shard(1, 2) == WEST  # deterministic
    with pytest.raises(ShardError):
        guild_id_on_shard(2, 2)
    with pytest.raises(ShardError):
        shard_of(1, 0)
    with pytest.raises(ShardError):
        StandIn(shard_count=0)


async def test_gateway_bot_reports_the_shard_count(sharded: StandIn) -> None:
    """GET /gateway/bot asks for the configured shards, with a session start limit as Discord's."""
    headers = {"Authorization": f"Bot {sharded.token}"}
    async with aiohttp.ClientSession() as http, http.get(f"{sharded.api_base}/gateway/bot", headers=headers) as resp:
        body = await resp.json()
    assert body["shards"] == SHARDS and body["url"] == sharded.gateway_url
    limit = body["session_start_limit"]
    assert limit == {"total": 1000, "remaining": 1000, "reset_after": 86_400_000, "max_concurrency": 1}
    assert sharded.guilds_on_shard(0) == [sharded.guilds[EAST]]
    assert [g.id for g in sharded.guilds_on_shard(1)] == [WEST, NORTH]
    assert sharded.shard_for("West") == 1


async def test_identify_validates_the_shard(sharded: StandIn) -> None:
    """Out-of-range shards and other counts get 4010; no shard at all when sharding is required gets 4011."""
    for bad in ([2, 2], [-1, 2], [0, 3], [0, 1], [0], "0,2", [True, 2]):
        async with raw_gateway(sharded) as gw:
            await gw.identify(sharded, bad)
            assert await gw.close_code() == 4010, bad
    async with raw_gateway(sharded) as gw:
        await gw.identify(sharded)
        assert await gw.close_code() == 4011
    assert sharded.gateway.identify_count == 0


async def test_ready_lists_only_the_shards_guilds(sharded: StandIn) -> None:
    """READY carries the session's shard and its guilds only; GUILD_CREATE follows for those alone."""
    async with raw_gateway(sharded) as gw:
        await gw.identify(sharded, [1, SHARDS])
        ready = await gw.recv()
        assert ready["t"] == "READY" and ready["d"]["shard"] == [1, SHARDS]
        assert ready["d"]["guilds"] == [{"id": str(WEST), "unavailable": True}, {"id": str(NORTH), "unavailable": True}]
        created = [await gw.recv(), await gw.recv()]
        assert [(f["t"], f["d"]["id"]) for f in created] == [("GUILD_CREATE", str(WEST)), ("GUILD_CREATE", str(NORTH))]
        await sharded.wait_until_ready(timeout=5, shard_id=1)
        with pytest.raises(TimeoutError, match=r"shard\(s\) \[0\] of 2"):
            await sharded.wait_until_ready(timeout=0.2)
        # A new guild on the other shard is not announced to this session; one on its shard is.
        sharded.add_guild(guild_id_on_shard(0, SHARDS, seed=7), "Elsewhere")
        sharded.add_guild(guild_id_on_shard(1, SHARDS, seed=7), "Here")
        frame = await gw.recv()
        assert (frame["t"], frame["d"]["name"]) == ("GUILD_CREATE", "Here")


async def test_unsharded_stand_in_accepts_optional_sharding() -> None:
    """With one shard asked for, a bot may still shard (Discord allows it): its guilds follow its own count."""
    async with StandIn(default_guild=False) as standin:
        build_world(standin)
        async with raw_gateway(standin) as gw:
            await gw.identify(standin, [0, SHARDS])
            ready = await gw.recv()
            assert ready["d"]["shard"] == [0, SHARDS]
            assert ready["d"]["guilds"] == [{"id": str(EAST), "unavailable": True}]
        async with raw_gateway(standin) as gw:
            await gw.identify(standin)
            ready = await gw.recv()
            assert "shard" not in ready["d"] and len(ready["d"]["guilds"]) == 3
    reset_discord_endpoints()


# ------------------------------------------------------------------ real discord.py clients


async def test_two_processes_each_get_their_shards_guilds_and_events(sharded: StandIn) -> None:
    """Two Clients (shard 0 and shard 1 of 2) see only their guilds, events and interactions."""
    zero, one = ShardClient(shard_id=0, shard_count=SHARDS), ShardClient(shard_id=1, shard_count=SHARDS)
    task_zero = await start(zero, sharded)
    with pytest.raises(TimeoutError):
        await sharded.wait_until_ready(timeout=0.2)  # shard 1 has no session yet
    task_one = await start(one, sharded)
    try:
        await sharded.wait_until_ready(timeout=5)
        await zero.tree.sync()
        assert {g.id for g in zero.guilds} == {EAST}
        assert {g.id for g in one.guilds} == {WEST, NORTH}
        assert [s.shard for s in sharded.sessions_on_shard(1)] == [[1, SHARDS]]

        # Interactions: each guild's command reaches its shard's process only, answered once.
        replies = {gid: await sharded.invoke("/where", guild=gid) for gid in (EAST, WEST, NORTH)}
        assert replies[EAST].content == "shard 0 in East"
        assert replies[WEST].content == "shard 1 in West" and replies[NORTH].content == "shard 1 in North"
        assert {gid: r.shard_id for gid, r in replies.items()} == {EAST: 0, WEST: 1, NORTH: 1}
        assert [gid for gid, _ in zero.handled] == [EAST]
        assert [gid for gid, _ in one.handled] == [WEST, NORTH]
        for reply in replies.values():
            assert not reply.errors and len(reply.session_ids) == 1
            callbacks = [r for r in reply.pending.answers if r.route.endswith("/callback")]
            assert [(r.status < 300, r.shard_id) for r in callbacks] == [(True, reply.shard_id)]
        by_shard = sharded.interactions_by_shard()
        assert {s: sorted(p.guild_id or 0 for p in found) for s, found in by_shard.items()} == {
            0: [EAST],
            1: sorted([WEST, NORTH]),
        }

        # A DM interaction goes to shard 0, as on Discord.
        dm = await sharded.invoke("/where", channel=sharded.dm_channel(sharded.resolve_user("activist")))
        assert dm.content == "shard 0 in DM" and dm.shard_id == 0
        assert zero.handled[-1][0] is None and len(one.handled) == 2

        # Messages, member joins and role updates of West reach shard 1 only.
        await sharded.user_says("hello west", user="activist", channel=WEST_CHANNEL)
        sharded.add_member(WEST, "newcomer")
        await sharded.set_role_permissions("Organiser", 0, guild=WEST)
        await eventually(lambda: one.messages and one.joins and one.role_updates)
        await sharded.user_says("hello east", user="activist", channel=EAST_CHANNEL)
        await eventually(lambda: zero.messages)
        assert one.messages == [(WEST, "hello west")] and zero.messages == [(EAST, "hello east")]
        assert [gid for gid, _ in one.joins] == [WEST] and one.role_updates == [WEST]
        assert not zero.joins and not zero.role_updates
        shard_zero = sharded.sessions_on_shard(0)[0]
        assert {gid for (_event, gid) in shard_zero.received} == {EAST, None}  # None: READY and the DM
        shard_one = sharded.sessions_on_shard(1)[0]
        assert shard_one.received[("MESSAGE_CREATE", WEST)] == 1
        assert shard_one.received[("INTERACTION_CREATE", WEST)] == 1
        assert {gid for (event, gid) in shard_one.received if event != "READY"} == {WEST, NORTH}
    finally:
        await stop(zero, task_zero)
        await stop(one, task_one)


async def test_auto_sharded_client_runs_every_shard(sharded: StandIn) -> None:
    """One AutoShardedClient with shard_count=2: one websocket per shard, each guild on its own."""
    client = AutoShardClient(shard_count=SHARDS)
    task = await start(client, sharded)
    try:
        await sharded.wait_until_ready(timeout=5)
        await client.tree.sync()
        assert {g.id for g in client.guilds} == {EAST, WEST, NORTH}
        assert {g.id: g.shard_id for g in client.guilds} == {EAST: 0, WEST: 1, NORTH: 1}
        assert sorted(client.shards) == [0, 1]
        assert sorted(s.shard_id for s in sharded.gateway.live_sessions) == [0, 1]
        for gid, shard in ((EAST, 0), (WEST, 1), (NORTH, 1)):
            reply = await sharded.invoke("/where", guild=gid)
            assert reply.ok and reply.shard_id == shard and not reply.errors
            session = sharded.sessions_on_shard(shard)[0]
            assert reply.session_ids == [session.session_id]
        assert [gid for gid, _ in client.handled] == [EAST, WEST, NORTH]

        # Dropping shard 1 alone: it resumes, shard 0 is untouched, West still answers.
        resumed = sharded.gateway.resume_count
        assert await sharded.drop_gateway(shard_id=1) == 1
        await sharded.user_says("while away", user="activist", channel=WEST_CHANNEL)
        assert await sharded.gateway.wait_for(lambda: sharded.gateway.resume_count > resumed, 10)
        assert (await sharded.invoke("/where", guild=WEST)).shard_id == 1
    finally:
        await stop(client, task)


async def test_auto_sharded_client_takes_the_count_from_gateway_bot(sharded: StandIn) -> None:
    """Without a shard_count, AutoShardedClient asks GET /gateway/bot and launches that many shards."""
    client = AutoShardClient()
    task = await start(client, sharded)
    try:
        await sharded.wait_until_ready(timeout=5)
        assert client.shard_count == SHARDS and sorted(client.shards) == [0, 1]
    finally:
        await stop(client, task)


async def test_bad_shards_are_closed_by_discord_py_clients(sharded: StandIn) -> None:
    """discord.py surfaces 4010 for a shard the stand-in refuses, and 4011 for a bot that does not shard."""
    point_discord_at(sharded.api_base)
    for options, code in (
        ({"shard_id": 2, "shard_count": SHARDS}, 4010),
        ({"shard_id": 0, "shard_count": 3}, 4010),
        ({}, 4011),
    ):
        client = ShardClient(**options)
        await client.login(sharded.token)
        with pytest.raises(discord.ConnectionClosed) as closed:
            await asyncio.wait_for(client.connect(reconnect=True), 10)
        assert closed.value.code == code, options
        await client.close()
    assert not sharded.gateway.live_sessions
