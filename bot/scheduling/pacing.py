"""
Spacing reminder traffic under Discord's global rate limit.

Discord lets a bot make 50 requests a second across all routes. When 1,000 guilds' reminders fall due in the same
minute, APScheduler starts all 1,000 jobs at once; left alone they would all hit Discord together, most would be
refused with a global 429, and discord.py's five tries would run out long before the queue drains. The
:class:`Pacer` hands out *turns* instead: requests start one after another, ``1 / per_second`` apart, with at most
``in_flight`` of them outstanding at once (so a slow Discord cannot pile up thousands of open requests).

Two guarantees hold however late the event loop wakes, measured at the moments turns are granted: no more than
``per_second`` (rounded down) requests start in any one second, as Discord counts, and no two turns are less than
three quarters of an interval apart, so a stalled loop cannot release a burst. Within those, the next turn is
counted from when the last one was due rather than from when the loop got round to it, so sleep's overshoot
does not add up over a long queue.

It paces only what the scheduler sends; a 429 that still comes (other traffic, a smaller limit) is handled by
discord.py's own retry as before.
"""

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

#: Just under Discord's 50 a second, leaving room for the rest of the bot's traffic.
DEFAULT_PER_SECOND = 48.0
#: Enough to keep ``per_second`` going against Discord's usual 100-200 ms a request.
DEFAULT_IN_FLIGHT = 10
#: Discord's window, and a microsecond so that rounding cannot squeeze one request too many into it.
_SECOND = 1.0 + 1e-6


class PacerClosed(Exception):
    """The pacer was closed (the bot is stopping) before this request's turn came."""


class Pacer:
    """Turns for outgoing requests: no faster than ``per_second`` and at most ``in_flight`` at a time."""

    def __init__(
        self,
        per_second: float = DEFAULT_PER_SECOND,
        in_flight: int = DEFAULT_IN_FLIGHT,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] | None = None,
    ) -> None:
        if per_second <= 0 or in_flight < 1:
            msg = f"a pacer needs a positive rate and at least one request in flight (got {per_second}, {in_flight})"
            raise ValueError(msg)
        self.interval = 1.0 / per_second
        self.per_window = max(1, math.floor(per_second))
        #: When each of the last ``per_window`` requests was allowed to start.
        self._recent: deque[float] = deque(maxlen=self.per_window)
        self.in_flight = in_flight
        self._clock = clock
        self._sleep = sleep or self._sleep_unless_closed
        self._closing = asyncio.Event()
        self._gate = asyncio.Semaphore(in_flight)
        self._turns = asyncio.Lock()
        self._free_at: float | None = None
        self._closed = False
        self.granted = 0

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def close(self) -> None:
        """Refuse every turn not yet granted (those waiting raise :class:`PacerClosed`); requests under way finish."""
        self._closed = True
        self._closing.set()

    @asynccontextmanager
    async def slot(self, cost: int = 1) -> AsyncIterator[None]:
        """
        Hold one of the ``in_flight`` places and wait for a turn worth ``cost`` requests.

        ``cost`` is how many requests the body is expected to make: the next turn comes ``cost`` intervals after
        this one, and all of them count towards the one-second limit.
        """
        async with self._gate:
            await self.turn(cost)
            yield

    @asynccontextmanager
    async def place(self) -> AsyncIterator[None]:
        """
        Hold one of the ``in_flight`` places only; take each request's :meth:`turn` right before it leaves.

        For work that reads or writes the database before its request: a turn taken early would be spent waiting
        on the database, and the requests of several such tasks would then leave bunched together.
        """
        async with self._gate:
            yield

    async def turn(self, cost: int = 1) -> None:
        """Wait until ``cost`` requests may start (first come, first served); raise :class:`PacerClosed` once closed."""
        async with self._turns:
            self._refuse_if_closed()
            cost = min(max(1, cost), self.per_window)
            now = self._clock()
            due = now if self._free_at is None else max(now, self._free_at)
            # Of the last per_window starts, the one that would make this turn's last request one too many in a
            # second must be a full second back.
            excess = len(self._recent) + cost - self.per_window
            if excess > 0:
                due = max(due, self._recent[excess - 1] + _SECOND)
            while due > now:  # a timer may fire a hair early
                await self._sleep(due - now)
                self._refuse_if_closed()
                now = self._clock()
            base = now if self._free_at is None else max(self._free_at, now - self.interval / 4)
            self._free_at = base + cost * self.interval
            self._recent.extend([now] * cost)
            self.granted += 1

    async def _sleep_unless_closed(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    def _refuse_if_closed(self) -> None:
        if self._closed:
            msg = "the reminder scheduler is stopping"
            raise PacerClosed(msg)
