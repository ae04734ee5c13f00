"""Post-by days: the close minus N working days, skipping weekends and the nation's bank holidays."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.dates import MAX_WORKING_DAYS, is_working_day, post_by_day, post_by_instant
from bot.domain.enums import Nation
from bot.errors import InvalidInput

LONDON = ZoneInfo("Europe/London")
ENGLAND, WALES, SCOTLAND, NI = Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND


def close_at(day: date, hour: int = 17, minute: int = 0) -> datetime:
    """A ballot close at ``hour``:``minute`` London time on ``day``."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("day", "nation", "expected"),
    [
        (date(2025, 5, 19), ENGLAND, True),  # Monday
        (date(2025, 5, 17), ENGLAND, False),  # Saturday
        (date(2025, 5, 18), ENGLAND, False),  # Sunday
        (date(2025, 1, 1), ENGLAND, False),  # New Year's Day
        (date(2025, 1, 2), ENGLAND, True),
        (date(2025, 1, 2), SCOTLAND, False),  # 2 January, Scotland only
        (date(2025, 3, 17), NI, False),  # St Patrick's Day, Northern Ireland only
        (date(2025, 3, 17), ENGLAND, True),
        (date(2025, 4, 18), ENGLAND, False),  # Good Friday
        (date(2025, 4, 18), SCOTLAND, False),
        (date(2025, 4, 21), ENGLAND, False),  # Easter Monday
        (date(2025, 4, 21), WALES, False),
        (date(2025, 4, 21), NI, False),
        (date(2025, 4, 21), SCOTLAND, True),  # not a bank holiday in Scotland
        (date(2025, 5, 5), ENGLAND, False),  # early May bank holiday
        (date(2025, 5, 5), SCOTLAND, False),
        (date(2025, 5, 26), ENGLAND, False),  # spring bank holiday
        (date(2025, 5, 26), SCOTLAND, False),
        (date(2025, 8, 4), SCOTLAND, False),  # Scotland's summer bank holiday
        (date(2025, 8, 4), ENGLAND, True),
        (date(2025, 8, 25), ENGLAND, False),  # England's summer bank holiday
        (date(2025, 8, 25), SCOTLAND, True),
        (date(2025, 12, 1), SCOTLAND, False),  # St Andrew's Day (observed)
        (date(2025, 12, 25), ENGLAND, False),
        (date(2025, 12, 26), SCOTLAND, False),
        (date(2026, 1, 2), SCOTLAND, False),
        (date(2026, 1, 2), ENGLAND, True),
    ],
)
def test_is_working_day(day: date, nation: Nation, expected: bool) -> None:
    """Weekdays are working days unless they are a bank holiday in that nation."""
    assert is_working_day(day, nation) is expected


@pytest.mark.parametrize(
    ("close", "nation", "working_days", "expected"),
    [
        # The real NEC 2025 close: Wednesday 21 May 2025 17:00, two working days -> Monday 19 May.
        (date(2025, 5, 21), ENGLAND, 2, date(2025, 5, 19)),
        (date(2025, 5, 21), SCOTLAND, 2, date(2025, 5, 19)),
        (date(2025, 5, 21), ENGLAND, 3, date(2025, 5, 16)),  # over the weekend to Friday
        # Easter 2025: Good Friday 18 April everywhere, Easter Monday 21 April not in Scotland.
        (date(2025, 4, 22), ENGLAND, 1, date(2025, 4, 17)),
        (date(2025, 4, 22), WALES, 1, date(2025, 4, 17)),
        (date(2025, 4, 22), SCOTLAND, 1, date(2025, 4, 21)),
        (date(2025, 4, 22), ENGLAND, 2, date(2025, 4, 16)),
        (date(2025, 4, 22), SCOTLAND, 2, date(2025, 4, 17)),
        (date(2025, 4, 23), ENGLAND, 2, date(2025, 4, 17)),
        (date(2025, 4, 23), SCOTLAND, 2, date(2025, 4, 21)),
        # Early May bank holiday, Monday 5 May 2025.
        (date(2025, 5, 7), ENGLAND, 2, date(2025, 5, 2)),
        (date(2025, 5, 7), SCOTLAND, 2, date(2025, 5, 2)),
        (date(2025, 5, 6), ENGLAND, 1, date(2025, 5, 2)),
        # Spring bank holiday, Monday 26 May 2025.
        (date(2025, 5, 28), ENGLAND, 2, date(2025, 5, 23)),
        (date(2025, 5, 28), SCOTLAND, 2, date(2025, 5, 23)),
        # Christmas Day (Thursday) and Boxing Day (Friday) 2025.
        (date(2025, 12, 30), ENGLAND, 2, date(2025, 12, 24)),
        (date(2025, 12, 30), SCOTLAND, 2, date(2025, 12, 24)),
        (date(2025, 12, 29), ENGLAND, 1, date(2025, 12, 24)),
        # New Year 2026: Thursday 1 January everywhere, Friday 2 January in Scotland too.
        (date(2026, 1, 5), ENGLAND, 1, date(2026, 1, 2)),
        (date(2026, 1, 5), SCOTLAND, 1, date(2025, 12, 31)),
        (date(2026, 1, 6), ENGLAND, 3, date(2025, 12, 31)),
        (date(2026, 1, 6), SCOTLAND, 3, date(2025, 12, 30)),
        # St Patrick's Day, Monday 17 March 2025, in Northern Ireland only.
        (date(2025, 3, 19), NI, 2, date(2025, 3, 14)),
        (date(2025, 3, 19), ENGLAND, 2, date(2025, 3, 17)),
        # Zero days is the close's own date, even on a weekend or a bank holiday.
        (date(2025, 5, 21), ENGLAND, 0, date(2025, 5, 21)),
        (date(2025, 5, 17), ENGLAND, 0, date(2025, 5, 17)),
        (date(2025, 12, 25), ENGLAND, 0, date(2025, 12, 25)),
        # A close on a weekend counts back from the Friday.
        (date(2025, 5, 17), ENGLAND, 1, date(2025, 5, 16)),
    ],
)
def test_post_by_day(close: date, nation: Nation, working_days: int, expected: date) -> None:
    """The post-by day skips weekends and the nation's own bank holidays."""
    assert post_by_day(close_at(close), tz=LONDON, nation=nation, working_days=working_days) == expected


def test_post_by_day_counts_from_the_local_date_of_the_close() -> None:
    """A close at 00:30 BST on Thursday 22 May is still 21 May in UTC, but counts from the local 22 May."""
    close = datetime(2025, 5, 21, 23, 30, tzinfo=UTC)  # 00:30 BST, Thursday 22 May 2025
    assert post_by_day(close, tz=LONDON, nation=ENGLAND, working_days=2) == date(2025, 5, 20)


@pytest.mark.parametrize(
    ("close", "expected"),
    [
        # NEC 2025: post-by Monday 19 May 2025 (BST), so 09:00 BST = 08:00 UTC.
        (close_at(date(2025, 5, 21)), datetime(2025, 5, 19, 8, 0, tzinfo=UTC)),
        # Winter: post-by Wednesday 24 December 2025 (GMT), so 09:00 UTC.
        (close_at(date(2025, 12, 30)), datetime(2025, 12, 24, 9, 0, tzinfo=UTC)),
        # Across the spring change: close Tuesday 1 April 2025 (BST) -> Friday 28 March (GMT).
        (close_at(date(2025, 4, 1)), datetime(2025, 3, 28, 9, 0, tzinfo=UTC)),
        # Across the autumn change: close Tuesday 28 October 2025 (GMT) -> Friday 24 October (BST).
        (close_at(date(2025, 10, 28)), datetime(2025, 10, 24, 8, 0, tzinfo=UTC)),
    ],
)
def test_post_by_instant_is_nine_in_the_morning_local(close: datetime, expected: datetime) -> None:
    """The post-by reminder anchor is 09:00 local on the post-by day, as a UTC instant."""
    result = post_by_instant(close, tz=LONDON, nation=ENGLAND, working_days=2)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize("working_days", [-1, -10, MAX_WORKING_DAYS + 1, 10**9])
def test_post_by_day_refuses_impossible_numbers_of_days(working_days: int) -> None:
    """A negative (or absurdly large) number of working days is refused with InvalidInput."""
    with pytest.raises(InvalidInput, match=str(working_days)):
        post_by_day(close_at(date(2025, 5, 21)), tz=LONDON, nation=ENGLAND, working_days=working_days)


def test_post_by_day_allows_the_maximum() -> None:
    """The largest allowed number of working days still gives a working day well before the close."""
    day = post_by_day(close_at(date(2025, 5, 21)), tz=LONDON, nation=ENGLAND, working_days=MAX_WORKING_DAYS)
    assert is_working_day(day, ENGLAND)
    assert day < date(2025, 3, 1)


def test_post_by_day_refuses_a_naive_close() -> None:
    """A naive close is a programming error."""
    with pytest.raises(ValueError, match="naive"):
        post_by_day(datetime(2025, 5, 21, 17, 0), tz=LONDON, nation=ENGLAND, working_days=2)  # noqa: DTZ001
