"""The console's clock: the real pace from a chosen instant, and jumps forward."""

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import AdjustableClock, OffsetClock, SystemClock
from standin.console import Renderer, parse_duration, parse_start

LONDON = ZoneInfo("Europe/London")


def test_the_clock_runs_from_its_start_and_jumps_when_advanced() -> None:
    """now() begins at the start, moves with real time, and jumps by each advance; never backwards."""
    start = datetime(2025, 4, 14, 9, 0, tzinfo=LONDON)
    clock = OffsetClock(start)
    first = clock.now()
    assert timedelta(0) <= first - start < timedelta(seconds=5)
    time.sleep(0.01)
    assert clock.now() > first
    clock.advance(timedelta(days=7))
    assert clock.now() - start >= timedelta(days=7)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(timedelta(seconds=-1))
    assert isinstance(clock, AdjustableClock)
    assert not isinstance(SystemClock(), AdjustableClock)


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1w", timedelta(7)),
        ("1d12h", timedelta(days=1, hours=12)),
        (" 2 H ", timedelta(hours=2)),
    ],
)
def test_durations_read_as_a_user_types_them(text: str, delta: timedelta) -> None:
    """30m, 2h, 1d, 1w and their combinations."""
    assert parse_duration(text) == delta


@pytest.mark.parametrize("text", ["", "soon", "90s", "1y", "-1d", "d1", "0m", "400d"])
def test_durations_that_do_not_read_are_refused(text: str) -> None:
    """Anything else is a ValueError saying what to type."""
    with pytest.raises(ValueError, match="wait"):
        parse_duration(text)


def test_the_start_is_a_london_wall_time() -> None:
    """--at "2025-05-19 08:00" is 08:00 BST, 07:00 UTC."""
    assert parse_start("2025-05-19 08:00", LONDON).astimezone(UTC) == datetime(2025, 5, 19, 7, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="YYYY-MM-DD HH:MM"):
        parse_start("19/05/2025", LONDON)


def test_the_renderer_shows_mentions_as_names_escapes_as_plain_and_times_against_its_clock() -> None:
    """<@&1002> is @Members, <#1101> #reminders, reminder\\_offsets reminder_offsets; <t:..:R> from the clock."""
    names = {("role", 1002): "Members", ("channel", 1101): "reminders", ("user", 2001): "activist"}
    now = datetime(2025, 4, 14, 8, 0, tzinfo=UTC)
    renderer = Renderer(LONDON, now=lambda: now, names=lambda kind, snowflake: names.get((kind, snowflake)))
    opens = int(datetime(2025, 4, 21, 8, 0, tzinfo=UTC).timestamp())
    text = f"<@&1002> see <#1101>, <@2001> and <@9999>: reminder\\_offsets \\*7d\\* <t:{opens}:R>"
    assert renderer.text(text) == "@Members see #reminders, @activist and <@9999>: reminder_offsets *7d* in 7 days"
