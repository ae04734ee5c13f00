"""Shared benchmark plumbing: a settable clock, per-bot Discord endpoints, starting the bot, statistics, tables."""

import asyncio
import contextlib
import contextvars
import logging
import math
import os
import platform
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord.http
from pydantic import SecretStr

from bot.app import SlateBot
from bot.endpoint import point_discord_at, reset_discord_endpoints
from bot.services.container import Services
from bot.settings import Settings
from standin import StandIn
from storage.database import Database


class BenchClock:
    """
    A clock the benchmark sets by hand (a copy of the tests' FakeClock), which can also tick.

    ``set(instant)`` freezes it at ``instant``; ``run_from(instant)`` makes it read ``instant`` now and move on with
    the real clock from there.
    """

    def __init__(self, start: datetime) -> None:
        self._at = _utc(start)
        self._ticking_since: float | None = None

    def now(self) -> datetime:
        if self._ticking_since is None:
            return self._at
        return self._at + timedelta(seconds=time.monotonic() - self._ticking_since)

    def set(self, instant: datetime) -> None:
        self._at = _utc(instant)
        self._ticking_since = None

    def run_from(self, instant: datetime) -> None:
        self._at = _utc(instant)
        self._ticking_since = time.monotonic()


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        msg = f"BenchClock wants an aware datetime, got {instant!r}"
        raise ValueError(msg)
    return instant.astimezone(UTC)


# ---------------------------------------------------------------------------------------------- two Discords

#: The REST base of the bot whose task is running (discord.py keeps one process-wide ``Route.BASE``).
_api_base: contextvars.ContextVar[str] = contextvars.ContextVar("bench_api_base")


class _BasePerTask:
    """A class attribute that reads ``Route.BASE`` from the running task's context (each bot runs in its own)."""

    def __init__(self, default: str) -> None:
        self.default = default

    def __get__(self, instance: object, owner: type | None = None) -> str:
        return _api_base.get(self.default)


def two_discords() -> None:
    """
    Let two bots in one process each talk to their own stand-in.

    discord.py builds every REST URL from the class attribute ``Route.BASE``; this makes it per asyncio task
    context, so everything a bot does (started with :func:`start_in_context`) goes to its own stand-in. The
    gateway URL is taken from ``GET /gateway/bot`` at login, so bots must log in one after the other.
    """
    point_discord_at("http://127.0.0.1:1/api/v10")  # installs the gateway lookup; the base itself is replaced
    discord.http.Route.BASE = _BasePerTask("http://127.0.0.1:1/api/v10")  # type: ignore[assignment]


def start_in_context(api_base: str, coro: Any) -> asyncio.Task[Any]:
    """Run ``coro`` (a bot's ``start``) in a task whose REST calls go to ``api_base``."""
    ctx = contextvars.copy_context()
    ctx.run(_api_base.set, api_base)
    return asyncio.get_running_loop().create_task(coro, context=ctx)


def reset_endpoints() -> None:
    reset_discord_endpoints()


# ---------------------------------------------------------------------------------------------- the bot


async def start_slatebot(
    standin: StandIn, db: Database, clock: Any, *, in_context: bool = False
) -> tuple[SlateBot, asyncio.Task[None], float]:
    """Start the real bot against ``standin``; returns it, its task and the seconds until it was ready."""
    if not in_context:
        point_discord_at(standin.api_base)
    services = Services.build(db, clock)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=SecretStr(standin.token),
        discord_api_base=standin.api_base,
    )
    bot = SlateBot(settings, services, guild_ready_timeout=0.5)
    started = time.perf_counter()
    coro = bot.start(standin.token)
    task = start_in_context(standin.api_base, coro) if in_context else asyncio.create_task(coro)
    await wait_ready(bot, standin, task)
    return bot, task, time.perf_counter() - started


async def wait_ready(bot: discord.Client, standin: StandIn, task: asyncio.Task[Any], timeout: float = 300) -> None:
    ready = asyncio.ensure_future(bot.wait_until_ready())
    done, _ = await asyncio.wait({ready, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task in done:
            task.result()
        raise TimeoutError("the bot did not become ready")
    await standin.wait_until_ready(timeout)


async def stop_bot(bot: discord.Client, task: asyncio.Task[Any]) -> None:
    await bot.close()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


async def quiesce(standin: StandIn, quiet_for: float = 1.0, timeout: float = 300) -> float:
    """Wait until the stand-in has received no request for ``quiet_for`` seconds; returns the seconds waited."""
    started = time.perf_counter()
    seen, since = len(standin.requests), time.perf_counter()
    while time.perf_counter() - started < timeout:
        await asyncio.sleep(0.1)
        if len(standin.requests) != seen:
            seen, since = len(standin.requests), time.perf_counter()
        elif time.perf_counter() - since >= quiet_for:
            break
    return time.perf_counter() - started


def quiet_logging() -> None:
    """Only errors: discord.py logs every 429 as a warning, the bot logs its progress at INFO."""
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    for name in ("discord", "bot", "cogs", "storage", "apscheduler", "aiohttp"):
        logging.getLogger(name).setLevel(logging.ERROR)


# ---------------------------------------------------------------------------------------------- figures


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100), nearest-rank on the sorted values (p99 of 200 is the 198th)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{usable} usable core(s) of {os.cpu_count()} ({cpu}); Python {platform.python_version()} "
        f"on {platform.system()} {platform.release()}; discord.py {discord.__version__}"
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str | None = None) -> str:
    """A plain-text table; ``align`` is one letter per column, ``l`` or ``r`` (default: first left, rest right)."""
    align = align or "l" + "r" * (len(headers) - 1)
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if a == "l" else str(c).rjust(w) for c, w, a in zip(cells, widths, align, strict=True)
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def timed(func: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = func()
    return result, time.perf_counter() - started
