"""The one place the bot reads the time, so tests can control it."""

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable


class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """Return the current time in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the current time in UTC."""
        return datetime.now(UTC)


@runtime_checkable
class AdjustableClock(Protocol):
    """A clock that can be moved forward (the console's, a test's): the scheduler then posts what fell due."""

    def now(self) -> datetime:
        """Return the current time in UTC."""
        ...

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        ...


class OffsetClock:
    """
    A clock that runs at the real pace from a chosen instant, and jumps forward when told (``slatebot console``).

    ``now()`` is the start plus the real time elapsed since the clock was made, plus every :meth:`advance`.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            msg = "the clock's start must be an aware datetime"
            raise ValueError(msg)
        self._start = start.astimezone(UTC)
        self._began = time.monotonic()
        self._advanced = timedelta(0)

    def now(self) -> datetime:
        """The chosen instant, moved on by the real time since and by every :meth:`advance`."""
        return self._start + timedelta(seconds=time.monotonic() - self._began) + self._advanced

    def advance(self, delta: timedelta) -> None:
        """Jump forward by ``delta`` (never back)."""
        if delta < timedelta(0):
            msg = "the clock only moves forward"
            raise ValueError(msg)
        self._advanced += delta
