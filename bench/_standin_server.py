"""
The local Discord (``standin.StandIn``) in a process of its own, driven over a pipe: one JSON object a line.

``bench.processes`` measures bot *processes*: their CPU, read from ``/proc``, and their throughput. A stand-in in
the benchmark's own process would share that process's event loop and core with the benchmark's bookkeeping, and
the driver's work (building interactions, checking answers against Discord's OpenAPI description) would be hard
to tell apart from the benchmark's. Here it runs alone, so its CPU is read from ``/proc`` like any other process's.

The stand-in's drivers (``invoke``) only work inside its own event loop, so the commands are fired *in this
process*: the benchmark sends the list of calls (``storm``), this process runs them with at most ``concurrency``
in flight and answers with each call's round trip and outcome. The round trip is measured here, on the same side
as Discord's own 3-second window.

Protocol: the parent writes ``{"op": NAME, ...}`` lines to stdin; each gets exactly one line on stdout, ``{"ok":
true, ...}`` or ``{"ok": false, "error": "..."}``, in order. Logs go to stderr (the parent sends them to a file).
Request times (``"t"``) are ``time.monotonic()`` of this process: on Linux ``CLOCK_MONOTONIC``, one clock for
every process on the machine, so the parent compares them with its own.

    python -m bench._standin_server [--shard-count 2]        (started by :class:`StandInProcess`)
"""

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from standin import StandIn

log = logging.getLogger("bench.standin_server")

#: The activist and organiser every benchmark guild has (the organiser owns it).
ACTIVIST_ID = 2001
ORGANISER_ID = 2002
#: A line of the protocol may hold thousands of timings; asyncio's default line limit is 64 KiB.
LINE_LIMIT = 64 * 1024 * 1024
#: How often the loop-lag probe wakes.
LAG_TICK = 0.05

Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


# ---------------------------------------------------------------------------------------------- the server side


class LagProbe:
    """How late this process's event loop wakes a sleeper: a busy loop is a bottleneck, whatever it runs."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start waking every :data:`LAG_TICK` seconds."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            started = time.monotonic()
            await asyncio.sleep(LAG_TICK)
            self.samples.append(max(0.0, time.monotonic() - started - LAG_TICK))

    def take(self) -> dict[str, float]:
        """The largest and the 99th-percentile lateness since the last call, in ms; starts over."""
        samples, self.samples = sorted(self.samples), []
        if not samples:
            return {"max_ms": 0.0, "p99_ms": 0.0, "samples": 0}
        p99 = samples[min(len(samples) - 1, int(0.99 * len(samples)))]
        return {"max_ms": samples[-1] * 1000, "p99_ms": p99 * 1000, "samples": len(samples)}


class Server:
    """One StandIn and the operations the benchmark asks of it."""

    def __init__(self, shard_count: int) -> None:
        self.standin = StandIn(shard_count=shard_count, default_guild=False)
        self.lag = LagProbe()
        self.handlers: dict[str, Handler] = {
            "add_guilds": self.add_guilds,
            "start": self.start,
            "global_limit": self.global_limit,
            "wait_ready": self.wait_ready,
            "mark": self.mark,
            "requests": self.requests,
            "bot_messages": self.bot_messages,
            "violations": self.violations,
            "lag": self.take_lag,
            "storm": self.storm,
            "stop": self.stop,
        }
        self.stopping = False

    async def add_guilds(self, msg: dict[str, Any]) -> dict[str, Any]:
        """``guilds``: ``[[guild_id, channel_id], ...]``; each gets that text channel, an activist and an owner."""
        started = time.perf_counter()
        for guild_id, channel_id in msg["guilds"]:
            self.standin.add_guild(
                int(guild_id),
                f"Branch {guild_id}",
                channels=[{"id": int(channel_id), "name": "reminders"}],
                members=[{"id": ACTIVIST_ID, "username": "activist"}, {"id": ORGANISER_ID, "username": "organiser"}],
                owner=ORGANISER_ID,
            )
        return {"added": len(msg["guilds"]), "seconds": time.perf_counter() - started}

    async def start(self, _msg: dict[str, Any]) -> dict[str, Any]:
        """Start serving; answers the API base and token a bot needs."""
        await self.standin.start()
        self.lag.start()
        return {"api_base": self.standin.api_base, "token": self.standin.token, "pid": os.getpid()}

    async def global_limit(self, msg: dict[str, Any]) -> dict[str, Any]:
        """Enforce Discord's global limit of ``per_second`` requests for the token (``null``: none)."""
        self.standin.global_rate_limit(per_second=msg.get("per_second"))
        return {}

    async def wait_ready(self, msg: dict[str, Any]) -> dict[str, Any]:
        """Wait until shard ``shard_id`` (or every shard) has a session that got its guilds."""
        started = time.monotonic()
        await self.standin.wait_until_ready(float(msg.get("timeout", 120)), shard_id=msg.get("shard_id"))
        return {"seconds": time.monotonic() - started}

    async def mark(self, _msg: dict[str, Any]) -> dict[str, Any]:
        """The number of requests recorded so far (a ``since`` for :meth:`requests`) and this process's clock."""
        return {"index": len(self.standin.requests), "t": time.monotonic()}

    async def requests(self, msg: dict[str, Any]) -> dict[str, Any]:
        """
        The requests answered from index ``since`` on, received at ``after`` or later and before ``before`` (times
        of this process's ``time.monotonic()``, both optional): counts by status, and by route and status
        (``"POST /channels/{channel_id}/messages 200"``).

        ``posts``: ``[time, channel_id]`` of each message accepted in a channel (``POST /channels/{id}/messages``);
        ``limited``: the time of each 429; ``accepted``: the time of every other answer.
        """
        after, before = msg.get("after"), msg.get("before")
        recorded = [
            r
            for r in self.standin.requests[int(msg.get("since", 0)) :]
            if (after is None or r.time >= after) and (before is None or r.time < before)
        ]
        statuses = Counter(str(r.status) for r in recorded)
        routes = Counter(f"{r.method} {r.route} {r.status}" for r in recorded)
        posts = [
            [r.time, int(r.path.split("/channels/", 1)[1].split("/", 1)[0])]
            for r in recorded
            if r.method == "POST" and r.route == "/channels/{channel_id}/messages" and r.status == 200
        ]
        limited = [r.time for r in recorded if r.status == 429]
        return {
            "count": len(recorded),
            "statuses": dict(statuses),
            "routes": dict(routes.most_common(20)),
            "posts": posts,
            "limited": limited,
            "accepted": [r.time for r in recorded if r.status != 429],
            "first": recorded[0].time if recorded else None,
            "last": recorded[-1].time if recorded else None,
        }

    async def bot_messages(self, msg: dict[str, Any]) -> dict[str, Any]:
        """How many messages of the bot's each channel in ``channels`` shows (no ephemeral or deleted ones)."""
        wanted = {int(c) for c in msg["channels"]}
        bot_id = str(self.standin.bot_user.id)
        counts: Counter[int] = Counter()
        for message in self.standin.messages.values():
            visible = message.channel_id in wanted and not message.ephemeral and not message.deleted
            if visible and message.data["author"]["id"] == bot_id:
                counts[message.channel_id] += 1
        return {"counts": {str(c): counts[c] for c in wanted}}

    async def violations(self, _msg: dict[str, Any]) -> dict[str, Any]:
        """Discord contract violations recorded so far (cleared), with a few examples."""
        found = self.standin.clear_violations()
        return {"count": len(found), "examples": [str(v) for v in found[:3]]}

    async def take_lag(self, _msg: dict[str, Any]) -> dict[str, Any]:
        """This event loop's lateness since the last ``lag``."""
        return self.lag.take()

    async def storm(self, msg: dict[str, Any]) -> dict[str, Any]:
        """
        Run ``calls`` (``{"command", "options", "guild", "expect"}``) with at most ``concurrency`` in flight.

        Each call is an activist's slash command, answered as Discord requires (initial answer within 3 s, then any
        follow-up); it counts as good when its text holds ``expect``. Answers the wall time, and per call its
        round trip in ms, whether it was good, and the shard that answered it.
        """
        calls: list[dict[str, Any]] = msg["calls"]
        gate = asyncio.Semaphore(int(msg.get("concurrency", 16)))
        latency = [0.0] * len(calls)
        good = [False] * len(calls)
        shards: list[int | None] = [None] * len(calls)
        problems: list[str] = []

        async def one(index: int, call: dict[str, Any]) -> None:
            async with gate:
                started = time.perf_counter()
                try:
                    reply = await self.standin.invoke(
                        call["command"],
                        call.get("options") or {},
                        guild=int(call["guild"]),
                        user="activist",
                        wait_for_followup=True,
                        raise_on_failure=False,
                    )
                except Exception as exc:  # a refused or broken call is counted and the storm goes on
                    latency[index] = (time.perf_counter() - started) * 1000
                    problems.append(f"{call['command']}: {type(exc).__name__}: {exc}")
                    return
                latency[index] = (time.perf_counter() - started) * 1000
                shards[index] = reply.shard_id
                if reply.failure:
                    problems.append(f"{call['command']} {call.get('options')}: {reply.failure}")
                elif call["expect"] not in reply.text():
                    problems.append(f"{call['command']} {call.get('options')}: {reply.text()[:100]!r}")
                else:
                    good[index] = True

        order = list(enumerate(calls))
        random.Random(int(msg.get("seed", 1))).shuffle(order)
        started = time.perf_counter()
        await asyncio.gather(*(one(i, c) for i, c in order))
        wall = time.perf_counter() - started
        return {"wall": wall, "latency_ms": latency, "good": good, "shards": shards, "problems": problems[:5]}

    async def stop(self, _msg: dict[str, Any]) -> dict[str, Any]:
        """Close the gateway and the server; the process exits after answering."""
        await self.standin.stop()
        self.stopping = True
        return {}

    async def serve(self) -> None:
        """Answer one line at a time until ``stop`` or the end of stdin."""
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=LINE_LIMIT)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while not self.stopping:
            line = await reader.readline()
            if not line:
                break
            msg = json.loads(line)
            handler = self.handlers.get(str(msg.get("op")))
            try:
                if handler is None:
                    raise ValueError(f"unknown op {msg.get('op')!r}")
                answer: dict[str, Any] = {"ok": True, **(await handler(msg))}
            except Exception as exc:
                log.exception("op %s failed", msg.get("op"))
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()
        await self.standin.stop()


async def _serve(shard_count: int) -> None:
    await Server(shard_count).serve()


def main(argv: list[str] | None = None) -> int:
    """Run the server until stopped."""
    parser = argparse.ArgumentParser(prog="python -m bench._standin_server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shard-count", type=int, default=1, help="shards the local Discord asks the bot for")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
    asyncio.run(_serve(args.shard_count))
    return 0


# ---------------------------------------------------------------------------------------------- the client side


class StandInProcess:
    """The benchmark's handle on a stand-in running in its own process: ``await call("op", ...)``."""

    def __init__(self, process: asyncio.subprocess.Process, log_path: Path) -> None:
        self.process = process
        self.log_path = log_path
        self.api_base = ""
        self.token = ""
        self._lock = asyncio.Lock()

    @property
    def pid(self) -> int:
        """The stand-in process's id (for its CPU in ``/proc``)."""
        return self.process.pid

    @classmethod
    async def start(cls, log_path: Path, *, shard_count: int, guilds: list[tuple[int, int]]) -> "StandInProcess":
        """Start the process, add ``guilds`` (``(guild_id, channel_id)`` pairs) and start serving."""
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as err:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench._standin_server",
                "--shard-count",
                str(shard_count),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=err,
                limit=LINE_LIMIT,
            )
        server = cls(process, log_path)
        await server.call("add_guilds", guilds=[list(g) for g in guilds])
        started = await server.call("start")
        server.api_base, server.token = str(started["api_base"]), str(started["token"])
        return server

    async def call(self, op: str, **args: Any) -> dict[str, Any]:
        """Send one operation and return its answer; raises RuntimeError with the error if it failed."""
        stdin, stdout = self.process.stdin, self.process.stdout
        if stdin is None or stdout is None:
            raise RuntimeError("the stand-in process has no pipes")
        async with self._lock:
            stdin.write((json.dumps({"op": op, **args}) + "\n").encode())
            await stdin.drain()
            line = await stdout.readline()
        if not line:
            tail = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
            raise RuntimeError(f"the stand-in process ended during {op!r}; its log ends:\n{tail}")
        answer: dict[str, Any] = json.loads(line)
        if not answer.get("ok"):
            raise RuntimeError(f"stand-in op {op!r} failed: {answer.get('error')}")
        return answer

    async def stop(self) -> None:
        """Stop the server and wait for the process (killed if it hangs)."""
        if self.process.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.call("stop"), 10)
            if self.process.stdin is not None:
                self.process.stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


if __name__ == "__main__":
    sys.exit(main())
