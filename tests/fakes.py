"""Fakes and constants shared by the storage, services and CLI tests."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

#: The guild the tests work in, another one that must never see its data, and the organiser making changes.
GUILD = 1
OTHER_GUILD = 2
ORGANISER = 42

#: The sample campaign: UNISON's NEC 2025 election, in the organisers' file format.
NEC_2025 = Path(__file__).resolve().parent.parent / "examples" / "nec_2025.yaml"

#: Where a fresh ``FakeClock`` starts: before the sample NEC 2025 ballot opens (21 April 2025).
START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test sets by hand: ``now()`` is always an aware UTC datetime."""

    def __init__(self, start: datetime = START) -> None:
        self._now = _utc(start)

    def now(self) -> datetime:
        """The time the test last set."""
        return self._now

    def set(self, instant: datetime) -> None:
        """Jump to ``instant`` (any aware datetime; kept in UTC)."""
        self._now = _utc(instant)

    def advance(self, delta: timedelta) -> datetime:
        """Move forward (or back, with a negative delta) and return the new time."""
        self._now = self._now + delta
        return self._now


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        msg = f"FakeClock wants an aware datetime, got {instant!r}"
        raise ValueError(msg)
    return instant.astimezone(UTC)
