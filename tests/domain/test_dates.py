"""Dates, times, zones and reminder offsets: pure, no clock, no I/O."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.dates import (
    Offset,
    TimetableConflict,
    WallTime,
    common_timezones,
    default_time,
    format_offsets,
    local_to_utc,
    parse_date,
    parse_offsets,
    parse_time,
    parse_timezone,
    read_wall_time,
    timetable_conflict,
    timetable_conflicts,
    utc_to_local,
)
from bot.domain.enums import MilestoneKind
from bot.errors import InvalidInput

LONDON = ZoneInfo("Europe/London")
TODAY = date(2025, 3, 1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0) -> datetime:
    """An aware London wall time (``fold=1`` for the second pass through a repeated hour)."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON, fold=fold)


# ---------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text",
    [
        "2025-04-17",
        "2025-4-17",
        "17 April 2025",
        "17 Apr 2025",
        "17 apr. 2025",
        "17 April, 2025",
        "17/04/2025",
        "17/4/2025",
        "17th April 2025",
        "17th of April 2025",
        "17 APRIL 2025",
        "  17 april 2025  ",
        "Thursday 17 April 2025",
        "thu 17 apr 2025",
        "Thurs, 17th April 2025",
        "Thursday 17/04/2025",
        "Thursday 2025-04-17",
        "17 April",
        "17th April",
        "17 apr",
        "thursday 17 april",
    ],
)
def test_every_accepted_date_format_reads_17_april_2025(text: str) -> None:
    """Each accepted spelling of 17 April 2025 reads as that date."""
    assert parse_date(text, today=TODAY) == date(2025, 4, 17)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 Jan 2026", date(2026, 1, 1)),
        ("2 Feb 2026", date(2026, 2, 2)),
        ("3 Mar 2026", date(2026, 3, 3)),
        ("4 May 2026", date(2026, 5, 4)),
        ("5 Jun 2026", date(2026, 6, 5)),
        ("6 Jul 2026", date(2026, 7, 6)),
        ("7 Aug 2026", date(2026, 8, 7)),
        ("8 Sep 2026", date(2026, 9, 8)),
        ("8 Sept 2026", date(2026, 9, 8)),
        ("9 Oct 2026", date(2026, 10, 9)),
        ("10 Nov 2026", date(2026, 11, 10)),
        ("11 Dec 2026", date(2026, 12, 11)),
        ("21st May 2025", date(2025, 5, 21)),
        ("22nd May 2025", date(2025, 5, 22)),
        ("23rd May 2025", date(2025, 5, 23)),
        ("01/02/2025", date(2025, 2, 1)),
        ("29/02/2028", date(2028, 2, 29)),
        ("29 February 2024", date(2024, 2, 29)),
        ("29 Feb 2000", date(2000, 2, 29)),
    ],
)
def test_month_names_abbreviations_ordinals_and_day_first(text: str, expected: date) -> None:
    """Every month name and abbreviation, ordinal suffixes and UK day-first slashes read correctly."""
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("17 April", date(2025, 4, 16), date(2025, 4, 17)),
        ("17 April", date(2025, 4, 17), date(2025, 4, 17)),
        ("17 April", date(2025, 4, 18), date(2026, 4, 17)),
        ("17 April", date(2025, 12, 31), date(2026, 4, 17)),
        ("1 January", date(2025, 12, 31), date(2026, 1, 1)),
        ("31 December", date(2025, 12, 31), date(2025, 12, 31)),
        ("29 February", date(2025, 3, 1), date(2028, 2, 29)),
        ("29 February", date(2024, 2, 29), date(2024, 2, 29)),
        ("29 February", date(2024, 3, 1), date(2028, 2, 29)),
        ("29 February", date(2099, 3, 1), date(2104, 2, 29)),
        ("Thursday 17 April", date(2025, 3, 1), date(2025, 4, 17)),
    ],
)
def test_a_date_without_a_year_is_the_next_one_on_or_after_today(text: str, today: date, expected: date) -> None:
    """No year means the next such date: this year up to and including the day, then next year."""
    assert parse_date(text, today=today) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31 June 2025", "June has only 30 days"),
        ("31 June", "June has only 30 days"),
        ("31/04/2025", "April has only 30 days"),
        ("32 January 2025", "January has only 31 days"),
        ("29/02/2025", "2025 is not a leap year"),
        ("29 February 2100", "2100 is not a leap year"),
        ("2025-02-30", "February has only 28 days"),
        ("30 February", "February has only 29 days"),
        ("2025-13-01", "there is no month 13"),
        ("17/13/2025", "there is no month 13"),
        ("04/17/2025", "there is no month 17"),
        ("2025-00-10", "there is no month 0"),
        ("0 May 2025", "there is no day 0"),
        ("0000-01-01", "year 0 is out of range"),
    ],
)
def test_impossible_dates_are_refused_with_the_text_and_the_reason(text: str, reason: str) -> None:
    """An impossible calendar date raises InvalidInput quoting the text and saying why."""
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, today=TODAY)
    assert text in caught.value.message
    assert reason in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "tomorrow",
        "next Thursday",
        "17",
        "April 17 2025",
        "2025/04/17",
        "17-04-2025",
        "",
        "17 Apirl 2025",
        "Someday 17 April",
    ],
)
def test_unrecognised_dates_list_the_accepted_formats(text: str) -> None:
    """Text that is not a date at all is refused, quoting it and listing the accepted formats."""
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, today=TODAY)
    message = caught.value.message
    assert f"“{text}”" in message
    for example in ("2025-04-17", "17 April 2025", "17 Apr 2025", "17/04/2025", "17 April"):
        assert example in message


def test_a_misspelt_month_is_named() -> None:
    """A word in the month's place that is not a month is named in the message."""
    with pytest.raises(InvalidInput, match="“apirl” is not a month"):
        parse_date("17 Apirl 2025", today=TODAY)


@pytest.mark.parametrize("text", ["Friday 17 April 2025", "Fri 17 April", "Monday 2025-04-17"])
def test_a_weekday_that_does_not_match_the_date_is_refused(text: str) -> None:
    """A weekday prefix is checked: the wrong one is refused, saying which day the date really is."""
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, today=TODAY)
    assert text in caught.value.message
    assert "17 April 2025 is a Thursday" in caught.value.message


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_every_date_reads_back_from_every_format(day: date) -> None:
    """Any date written in any accepted format reads back as itself."""
    spellings = [
        day.isoformat(),
        day.strftime("%d/%m/%Y"),
        f"{day.day} {day.strftime('%B')} {day.year}",
        f"{day.day} {day.strftime('%b')} {day.year}",
        f"{day.strftime('%A')} {day.day} {day.strftime('%B')} {day.year}",
    ]
    for text in spellings:
        assert parse_date(text, today=TODAY) == day, text


# ---------------------------------------------------------------------------------------------- times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17:00", time(17, 0)),
        ("9:30", time(9, 30)),
        ("09:30", time(9, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("17.00", time(17, 0)),
        (" 17:00 ", time(17, 0)),
        ("5pm", time(17, 0)),
        ("5PM", time(17, 0)),
        ("5 pm", time(17, 0)),
        ("5 p.m.", time(17, 0)),
        ("5:30pm", time(17, 30)),
        ("9am", time(9, 0)),
        ("9:15am", time(9, 15)),
        ("12am", time(0, 0)),
        ("12:30am", time(0, 30)),
        ("12pm", time(12, 0)),
        ("12:45pm", time(12, 45)),
        ("noon", time(12, 0)),
        ("Noon", time(12, 0)),
        ("midday", time(12, 0)),
    ],
)
def test_accepted_times(text: str, expected: time) -> None:
    """24-hour HH:MM, am/pm (12am is midnight, 12pm is noon), noon and midday all read correctly."""
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("25:00", "no hour 25"),
        ("24:00", "no hour 24"),
        ("17:60", "only 60 minutes"),
        ("13pm", "from 1 to 12"),
        ("0am", "from 1 to 12"),
        ("5:75pm", "only 60 minutes"),
        ("abc", "can’t read"),
        ("17", "can’t read"),
        ("1700", "can’t read"),
        ("", "can’t read"),
    ],
)
def test_bad_times_are_refused_with_the_reason_and_the_accepted_forms(text: str, reason: str) -> None:
    """A bad time raises InvalidInput quoting it, with the reason and the accepted forms."""
    with pytest.raises(InvalidInput) as caught:
        parse_time(text)
    message = caught.value.message
    assert f"“{text}”" in message
    assert reason in message
    assert "HH:MM" in message
    assert "5pm" in message


# ------------------------------------------------------------------------------------ default times


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (MilestoneKind.NOMINATIONS_OPEN, time(9, 0)),
        (MilestoneKind.NOMINATIONS_CLOSE, time(9, 0)),
        (MilestoneKind.BALLOT_OPEN, time(9, 0)),
        (MilestoneKind.REPLACEMENT_DEADLINE, time(12, 0)),
        (MilestoneKind.BALLOT_CLOSE, time(17, 0)),
        (MilestoneKind.RESULTS, time(9, 0)),
    ],
)
def test_default_times(kind: MilestoneKind, expected: time) -> None:
    """A date with no time means 09:00, except a ballot close (17:00) and the replacement deadline (12:00)."""
    assert default_time(kind) == expected


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        # Winter: GMT, so local time is UTC.
        (MilestoneKind.NOMINATIONS_OPEN, date(2025, 1, 13), utc(2025, 1, 13, 9, 0)),
        (MilestoneKind.REPLACEMENT_DEADLINE, date(2025, 2, 10), utc(2025, 2, 10, 12, 0)),
        (MilestoneKind.BALLOT_CLOSE, date(2025, 2, 14), utc(2025, 2, 14, 17, 0)),
        (MilestoneKind.BALLOT_CLOSE, date(2025, 12, 1), utc(2025, 12, 1, 17, 0)),
        # Summer: BST, one hour ahead of UTC.
        (MilestoneKind.BALLOT_OPEN, date(2025, 4, 21), utc(2025, 4, 21, 8, 0)),
        (MilestoneKind.REPLACEMENT_DEADLINE, date(2025, 5, 14), utc(2025, 5, 14, 11, 0)),
        (MilestoneKind.BALLOT_CLOSE, date(2025, 5, 21), utc(2025, 5, 21, 16, 0)),
        (MilestoneKind.RESULTS, date(2025, 6, 11), utc(2025, 6, 11, 8, 0)),
        # The clock-change days themselves: 09:00 is already past the change.
        (MilestoneKind.BALLOT_OPEN, date(2025, 3, 30), utc(2025, 3, 30, 8, 0)),
        (MilestoneKind.BALLOT_OPEN, date(2025, 10, 26), utc(2025, 10, 26, 9, 0)),
    ],
)
def test_default_times_land_at_the_right_utc_instant(kind: MilestoneKind, day: date, expected: datetime) -> None:
    """The default local time becomes the right UTC instant in GMT and in BST."""
    assert local_to_utc(day, default_time(kind), LONDON) == expected


# ----------------------------------------------------------------------------------- local <-> UTC


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        # Spring forward, Sunday 30 March 2025: 01:00 GMT becomes 02:00 BST.
        (date(2025, 3, 29), time(9, 0), utc(2025, 3, 29, 9, 0)),
        (date(2025, 3, 30), time(0, 30), utc(2025, 3, 30, 0, 30)),
        (date(2025, 3, 30), time(0, 59), utc(2025, 3, 30, 0, 59)),
        (date(2025, 3, 30), time(1, 0), utc(2025, 3, 30, 1, 0)),  # in the gap: 02:00 BST
        (date(2025, 3, 30), time(1, 30), utc(2025, 3, 30, 1, 30)),  # in the gap: 02:30 BST
        (date(2025, 3, 30), time(1, 59), utc(2025, 3, 30, 1, 59)),  # in the gap: 02:59 BST
        (date(2025, 3, 30), time(2, 0), utc(2025, 3, 30, 1, 0)),
        (date(2025, 3, 30), time(9, 0), utc(2025, 3, 30, 8, 0)),
        (date(2025, 3, 31), time(9, 0), utc(2025, 3, 31, 8, 0)),
        # Fall back, Sunday 26 October 2025: 02:00 BST becomes 01:00 GMT.
        (date(2025, 10, 25), time(9, 0), utc(2025, 10, 25, 8, 0)),
        (date(2025, 10, 26), time(0, 30), utc(2025, 10, 25, 23, 30)),
        (date(2025, 10, 26), time(1, 0), utc(2025, 10, 26, 0, 0)),  # twice: the first, BST
        (date(2025, 10, 26), time(1, 30), utc(2025, 10, 26, 0, 30)),  # twice: the first, BST
        (date(2025, 10, 26), time(1, 30, fold=1), utc(2025, 10, 26, 0, 30)),  # fold is ignored
        (date(2025, 10, 26), time(2, 0), utc(2025, 10, 26, 2, 0)),
        (date(2025, 10, 26), time(9, 0), utc(2025, 10, 26, 9, 0)),
        (date(2025, 10, 27), time(9, 0), utc(2025, 10, 27, 9, 0)),
    ],
)
def test_local_to_utc_across_both_clock_changes(day: date, at: time, expected: datetime) -> None:
    """Wall time to UTC: a gap moves forward by the gap, a fold takes the first occurrence."""
    result = local_to_utc(day, at, LONDON)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("instant", "wall", "offset_hours"),
    [
        (utc(2025, 3, 30, 0, 59), datetime(2025, 3, 30, 0, 59), 0),  # noqa: DTZ001
        (utc(2025, 3, 30, 1, 0), datetime(2025, 3, 30, 2, 0), 1),  # noqa: DTZ001
        (utc(2025, 10, 26, 0, 30), datetime(2025, 10, 26, 1, 30), 1),  # noqa: DTZ001
        (utc(2025, 10, 26, 1, 30), datetime(2025, 10, 26, 1, 30), 0),  # noqa: DTZ001
        (utc(2025, 5, 21, 16, 0), datetime(2025, 5, 21, 17, 0), 1),  # noqa: DTZ001
        (utc(2025, 12, 25, 9, 0), datetime(2025, 12, 25, 9, 0), 0),  # noqa: DTZ001
    ],
)
def test_utc_to_local_across_both_clock_changes(instant: datetime, wall: datetime, offset_hours: int) -> None:
    """UTC to the guild's wall clock shows GMT or BST as the date requires."""
    local = utc_to_local(instant, LONDON)
    assert local.replace(tzinfo=None) == wall
    assert local.utcoffset() == timedelta(hours=offset_hours)
    # Compare timestamps: Python never calls a datetime in a fold equal to one in another zone.
    assert local.timestamp() == instant.timestamp()


@given(st.integers(min_value=0, max_value=365 * 24 * 60 - 1))
def test_local_round_trip_through_2025(minute: int) -> None:
    """Every minute of 2025 survives UTC -> local -> UTC, except the repeated hour's second pass."""
    instant = utc(2025, 1, 1) + timedelta(minutes=minute)
    local = utc_to_local(instant, LONDON)
    back = local_to_utc(local.date(), local.time(), LONDON)
    if local.fold:
        assert back == instant - timedelta(hours=1)
    else:
        assert back == instant


def test_naive_datetimes_and_aware_times_are_programming_errors() -> None:
    """A naive instant or an aware wall time is a bug, refused with ValueError (not a user error)."""
    with pytest.raises(ValueError, match="naive"):
        utc_to_local(datetime(2025, 5, 21, 16, 0), LONDON)  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive wall time"):
        local_to_utc(date(2025, 5, 21), time(17, 0, tzinfo=UTC), LONDON)


# ------------------------------------------------------------------------------------------- zones


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Europe/London", "Europe/London"),
        ("  europe/london ", "Europe/London"),
        ("EUROPE/LONDON", "Europe/London"),
        ("America/New_York", "America/New_York"),
        ("UTC", "UTC"),
        ("GB", "GB"),
    ],
)
def test_parse_timezone_accepts_iana_names_in_any_case(name: str, key: str) -> None:
    """An IANA name is accepted whatever its case, legacy aliases included."""
    assert parse_timezone(name).key == key


@pytest.mark.parametrize(
    "name",
    [
        "Europe/Londn",
        "Mars/Olympus_Mons",
        "London",
        "",
        "posix/Europe/London",
        "../etc/passwd",
        "/etc/passwd",
        "localtime",
    ],
)
def test_parse_timezone_refuses_unknown_names_with_an_example(name: str) -> None:
    """An unknown zone is refused, naming it and giving Europe/London as an example."""
    with pytest.raises(InvalidInput) as caught:
        parse_timezone(name)
    assert f"“{name}”" in caught.value.message
    assert "Europe/London" in caught.value.message


def test_parse_timezone_suggests_close_names() -> None:
    """A misspelt zone gets the nearest real names as suggestions."""
    with pytest.raises(InvalidInput, match=re.escape("Did you mean Europe/London")):
        parse_timezone("Europe/Londn")


def test_common_timezones_are_sorted_current_and_geographic() -> None:
    """Autocomplete names are sorted, include Europe/London and UTC, and leave out legacy aliases."""
    names = common_timezones()
    assert names == sorted(names)
    assert len(names) == len(set(names))
    assert {"Europe/London", "Europe/Dublin", "America/New_York", "Asia/Kolkata", "UTC"} <= set(names)
    assert not {"GB", "US/Eastern", "Etc/GMT+5", "EST5EDT", "localtime", "Factory"} & set(names)
    assert not [name for name in names if name.startswith(("posix/", "right/"))]
    for name in names:
        parse_timezone(name)


def test_common_timezones_returns_a_fresh_list() -> None:
    """Changing the returned list does not change the next one."""
    common_timezones().clear()
    assert common_timezones()


# ----------------------------------------------------------------------------------------- offsets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d,1d,3h,0", "7d,1d,3h,0"),
        ("7d", "7d"),
        ("0", "0"),
        ("0d", "0"),
        ("0, 0h, 0m, 00", "0"),
        ("0 1d 7d", "7d,1d,0"),
        ("3h,7d,0,1d", "7d,1d,3h,0"),
        ("7D,1D,3H", "7d,1d,3h"),
        ("  7d ,  1d  ", "7d,1d"),
        ("7d\n1d", "7d,1d"),
        ("1d,1d,1d", "1d"),
        ("1w,7d", "1w"),
        ("7d,1w", "1w"),
        ("2w,14d,10d", "2w,10d"),
        ("60m,1h", "1h"),
        ("90m,2h", "2h,90m"),
        ("1d,24h", "1d,24h"),
        ("24h,1d", "1d,24h"),
        ("2w 10d 1d 12h 30m 0", "2w,10d,1d,12h,30m,0"),
        ("+1d", "1d"),
        ("007d", "7d"),
        ("52w", "52w"),
        ("364d", "364d"),
        ("8736h", "8736h"),
        ("524160m", "524160m"),
    ],
)
def test_parse_offsets_sorts_dedupes_and_formats_canonically(text: str, expected: str) -> None:
    """Offsets are read in any case, duplicates dropped, sorted furthest first, and formatted canonically."""
    offsets = parse_offsets(text)
    assert format_offsets(offsets) == expected
    assert parse_offsets(format_offsets(offsets)) == offsets


def test_parse_offsets_gives_offset_values() -> None:
    """The parsed value is a tuple of Offset(amount, unit), zero included."""
    assert parse_offsets("7d,1d,3h,0") == (Offset(7, "d"), Offset(1, "d"), Offset(3, "h"), Offset(0, "d"))


@pytest.mark.parametrize(
    ("offset", "text"),
    [(Offset(7, "d"), "7d"), (Offset(3, "h"), "3h"), (Offset(2, "w"), "2w"), (Offset(45, "m"), "45m")]
    + [(Offset(0, unit), "0") for unit in ("w", "d", "h", "m")],
)
def test_offset_str_is_canonical(offset: Offset, text: str) -> None:
    """str(Offset) is the canonical text, and any zero prints as 0."""
    assert str(offset) == text


def test_offset_refuses_nonsense_values() -> None:
    """A negative amount or unknown unit in code is a ValueError."""
    with pytest.raises(ValueError, match="negative"):
        Offset(-1, "d")
    with pytest.raises(ValueError, match="unit"):
        Offset(1, "y")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "named", "reason"),
    [
        ("", None, "at least one"),
        (" , ,", None, "at least one"),
        ("7d,1x", "1x", "unknown unit"),
        ("7d,1X", "1X", "unknown unit"),
        ("1y", "1y", "unknown unit"),
        ("3days", "3days", "unknown unit"),
        ("-1d", "-1d", "negative"),
        ("7d,-3h", "-3h", "negative"),
        ("53w", "53w", "at most 52 weeks"),
        ("365d", "365d", "at most 52 weeks"),
        ("8737h", "8737h", "at most 52 weeks"),
        ("524161m", "524161m", "at most 52 weeks"),
        ("99999999999999999999999d", "99999999999999999999999d", "at most 52 weeks"),
        ("7", "7", "needs a unit"),
        ("1.5d", "1.5d", "can’t read"),
        ("d", "d", "can’t read"),
        ("abc", "abc", "can’t read"),
        ("7d;1d", "7d;1d", "can’t read"),
    ],
)
def test_bad_offsets_are_refused_with_the_reason_and_an_example(text: str, named: str | None, reason: str) -> None:
    """A bad offset list raises InvalidInput naming the bad piece, with the reason and an example."""
    with pytest.raises(InvalidInput) as caught:
        parse_offsets(text)
    message = caught.value.message
    if named is not None:
        assert f"“{named}”" in message
    assert reason in message
    assert "7d,1d,3h,0" in message


_offsets = st.one_of(
    st.builds(Offset, st.integers(0, 52), st.just("w")),
    st.builds(Offset, st.integers(0, 364), st.just("d")),
    st.builds(Offset, st.integers(0, 8736), st.just("h")),
    st.builds(Offset, st.integers(0, 524160), st.just("m")),
)


@given(st.lists(_offsets, min_size=1, max_size=12), st.sampled_from([",", " ", ", ", " , "]), st.booleans())
def test_format_parse_round_trip_is_stable(offsets: list[Offset], separator: str, upper: bool) -> None:
    """format(parse(format(x))) is stable, and parsing keeps one offset per distinct firing rule, sorted."""
    text = separator.join(str(offset) for offset in offsets)
    parsed = parse_offsets(text.upper() if upper else text)
    canonical = format_offsets(parsed)
    assert format_offsets(parse_offsets(canonical)) == canonical
    assert parse_offsets(canonical) == parsed
    minutes = [offset.nominal_minutes for offset in parsed]
    assert minutes == sorted(minutes, reverse=True)
    assert len(set(parsed)) == len(parsed)
    distinct = {("zero", 0) if o.amount == 0 else (o.unit in "wd", o.nominal_minutes) for o in offsets}
    assert len(parsed) == len(distinct)


# --------------------------------------------------------------------------------- Offset.before


@pytest.mark.parametrize(
    ("offset", "milestone", "expected"),
    [
        # Spring forward, Sunday 30 March 2025.
        # 1d before 09:00 BST Sunday 30 March is 09:00 GMT Saturday 29 March: 25 real hours.
        (Offset(1, "d"), london(2025, 3, 30, 9, 0), utc(2025, 3, 29, 9, 0)),
        # 1d before 09:00 BST Monday 31 March is 09:00 BST Sunday 30 March (already past the change).
        (Offset(1, "d"), london(2025, 3, 31, 9, 0), utc(2025, 3, 30, 8, 0)),
        # 7d and 1w before 09:00 BST Monday 31 March are 09:00 GMT Monday 24 March.
        (Offset(7, "d"), london(2025, 3, 31, 9, 0), utc(2025, 3, 24, 9, 0)),
        (Offset(1, "w"), london(2025, 3, 31, 9, 0), utc(2025, 3, 24, 9, 0)),
        # 1d before 01:30 BST Monday 31 March: 01:30 on the 30th does not exist, so 02:30 BST.
        (Offset(1, "d"), london(2025, 3, 31, 1, 30), utc(2025, 3, 30, 1, 30)),
        # Hours and minutes are elapsed time.
        (Offset(24, "h"), london(2025, 3, 30, 9, 0), utc(2025, 3, 29, 8, 0)),
        (Offset(3, "h"), london(2025, 3, 30, 3, 0), utc(2025, 3, 29, 23, 0)),
        (Offset(90, "m"), london(2025, 3, 30, 2, 30), utc(2025, 3, 30, 0, 0)),
        # Fall back, Sunday 26 October 2025.
        # 1d before 09:00 GMT Sunday 26 October is 09:00 BST Saturday 25 October: 23 real hours.
        (Offset(1, "d"), london(2025, 10, 26, 9, 0), utc(2025, 10, 25, 8, 0)),
        # 1d before 09:00 GMT Monday 27 October is 09:00 GMT Sunday 26 October.
        (Offset(1, "d"), london(2025, 10, 27, 9, 0), utc(2025, 10, 26, 9, 0)),
        # 7d before 17:00 GMT Friday 31 October is 17:00 BST Friday 24 October.
        (Offset(7, "d"), london(2025, 10, 31, 17, 0), utc(2025, 10, 24, 16, 0)),
        # 1d before 01:30 GMT Monday 27 October: 01:30 on the 26th happens twice; the first (BST).
        (Offset(1, "d"), london(2025, 10, 27, 1, 30), utc(2025, 10, 26, 0, 30)),
        (Offset(24, "h"), london(2025, 10, 26, 9, 0), utc(2025, 10, 25, 9, 0)),
        (Offset(2, "h"), london(2025, 10, 26, 1, 30, fold=1), utc(2025, 10, 25, 23, 30)),
        # Zero is the milestone itself.
        (Offset(0, "d"), london(2025, 5, 21, 17, 0), utc(2025, 5, 21, 16, 0)),
        (Offset(0, "h"), london(2025, 10, 26, 1, 30, fold=1), utc(2025, 10, 26, 1, 30)),
        # A milestone given in UTC is read in the guild's zone for calendar steps.
        (Offset(1, "d"), utc(2025, 3, 31, 8, 0), utc(2025, 3, 30, 8, 0)),
        (Offset(2, "w"), utc(2025, 4, 7, 8, 0), utc(2025, 3, 24, 9, 0)),
    ],
)
def test_offset_before_across_both_clock_changes(offset: Offset, milestone: datetime, expected: datetime) -> None:
    """Days and weeks keep the local wall time across a clock change; hours and minutes are elapsed."""
    result = offset.before(milestone, LONDON)
    assert result == expected
    assert result.tzinfo is UTC


def test_offset_before_parsed_defaults_for_nec_2025_close() -> None:
    """The default 7d,1d,0 before the NEC 2025 close (17:00 BST 21 May 2025) fire at 17:00 BST each day."""
    close = local_to_utc(date(2025, 5, 21), default_time(MilestoneKind.BALLOT_CLOSE), LONDON)
    fires = [offset.before(close, LONDON) for offset in parse_offsets("7d,1d,0")]
    assert fires == [utc(2025, 5, 14, 16, 0), utc(2025, 5, 20, 16, 0), utc(2025, 5, 21, 16, 0)]


def test_offset_before_refuses_a_naive_milestone() -> None:
    """A naive milestone is a programming error."""
    with pytest.raises(ValueError, match="naive"):
        Offset(1, "d").before(datetime(2025, 5, 21, 17, 0), LONDON)  # noqa: DTZ001


# ------------------------------------------------------------------------- wall times the clocks skip or repeat


@pytest.mark.parametrize(
    ("zone", "day", "at", "reason"),
    [
        (
            "Europe/London",
            date(2025, 3, 30),
            time(1, 30),
            (
                "01:30 on 30 March 2025 does not exist in Europe/London: the clocks go forward from 01:00 to 02:00. "
                "Use 02:00 or later, or a time before 01:00."
            ),
        ),
        (
            "Europe/London",
            date(2025, 3, 30),
            time(1, 0),
            "01:00 on 30 March 2025 does not exist in Europe/London: the clocks go forward from 01:00 to 02:00.",
        ),
        (
            "America/New_York",
            date(2025, 3, 9),
            time(2, 15),
            "02:15 on 9 March 2025 does not exist in America/New_York: the clocks go forward from 02:00 to 03:00.",
        ),
    ],
)
def test_a_wall_time_the_clocks_skip_is_refused_saying_why(zone: str, day: date, at: time, reason: str) -> None:
    """A local time inside the spring-forward gap raises InvalidInput naming the gap and the first valid time."""
    with pytest.raises(InvalidInput) as caught:
        read_wall_time(day, at, ZoneInfo(zone))
    assert reason in caught.value.message


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected", "note"),
    [
        (
            "Europe/London",
            date(2025, 10, 26),
            time(1, 30),
            utc(2025, 10, 26, 0, 30),
            (
                "01:30 on 26 October 2025 happens twice in Europe/London (the clocks go back from 02:00 to 01:00): "
                "this is 01:30 BST, the first of the two; the second, 01:30 GMT, is 1 hour later."
            ),
        ),
        (
            "America/New_York",
            date(2025, 11, 2),
            time(1, 0),
            datetime(2025, 11, 2, 5, 0, tzinfo=UTC),
            (
                "01:00 on 2 November 2025 happens twice in America/New_York (the clocks go back from 02:00 to 01:00): "
                "this is 01:00 EDT, the first of the two"
            ),
        ),
    ],
)
def test_a_wall_time_the_clocks_repeat_takes_the_first_and_says_so(
    zone: str, day: date, at: time, expected: datetime, note: str
) -> None:
    """A local time in the autumn's repeated hour means the first pass, with a note saying which was taken."""
    wall = read_wall_time(day, at, ZoneInfo(zone))
    assert wall.instant == expected
    assert wall.instant.tzinfo is UTC
    assert wall.note is not None and note in wall.note


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        (date(2025, 3, 30), time(0, 59), utc(2025, 3, 30, 0, 59)),
        (date(2025, 3, 30), time(2, 0), utc(2025, 3, 30, 1, 0)),
        (date(2025, 10, 26), time(0, 59), utc(2025, 10, 25, 23, 59)),
        (date(2025, 10, 26), time(2, 0), utc(2025, 10, 26, 2, 0)),
        (date(2025, 4, 21), time(9, 0), utc(2025, 4, 21, 8, 0)),
        (date(2025, 12, 3), time(17, 0), utc(2025, 12, 3, 17, 0)),
    ],
)
def test_an_ordinary_wall_time_is_read_without_a_note(day: date, at: time, expected: datetime) -> None:
    """Times on either side of a change (and far from one) convert plainly, with no note."""
    assert read_wall_time(day, at, LONDON) == WallTime(expected, None)


# ------------------------------------------------------------------------------------------ timetable order

#: Every milestone in timetable order: each may equal the next, except that the ballot must last some time.
SEQUENCE = list(MilestoneKind)
#: (earlier, later) pairs that may not fall at the same instant: they straddle the ballot window.
STRICT = {
    (earlier, later)
    for earlier in (MilestoneKind.NOMINATIONS_OPEN, MilestoneKind.NOMINATIONS_CLOSE, MilestoneKind.BALLOT_OPEN)
    for later in (MilestoneKind.BALLOT_CLOSE, MilestoneKind.RESULTS)
}
PAIRS = [(a, b) for i, a in enumerate(SEQUENCE) for b in SEQUENCE[i + 1 :]]
T0 = utc(2025, 4, 21, 8, 0)


@pytest.mark.parametrize(("earlier", "later"), PAIRS, ids=lambda k: k.value)
@pytest.mark.parametrize("gap", [timedelta(days=-214), timedelta(minutes=-1), timedelta(0), timedelta(minutes=1)])
@pytest.mark.parametrize("entered_first", ["earlier", "later"])
def test_every_pair_of_milestones_keeps_the_timetable_order(
    earlier: MilestoneKind, later: MilestoneKind, gap: timedelta, entered_first: str
) -> None:
    """In any entry order, a later milestone may not precede an earlier one (nor meet it across the ballot)."""
    later_at = T0 + gap
    wrong = gap < timedelta(0) or (gap == timedelta(0) and (earlier, later) in STRICT)
    if entered_first == "earlier":
        conflict = timetable_conflict({earlier: T0}, later, later_at)
        expected = TimetableConflict(later, later_at, earlier, T0)
    else:
        conflict = timetable_conflict({later: later_at}, earlier, T0)
        expected = TimetableConflict(earlier, T0, later, later_at)
    assert conflict == (expected if wrong else None)
    assert timetable_conflicts({earlier: T0, later: later_at}) == (
        [TimetableConflict(later, later_at, earlier, T0)] if wrong else []
    )


def test_a_whole_timetable_in_order_has_no_conflict() -> None:
    """The NEC 2025 timetable, in any insertion order, is in order."""
    table = {
        MilestoneKind.RESULTS: utc(2025, 6, 11, 8),
        MilestoneKind.NOMINATIONS_OPEN: utc(2025, 1, 13, 9),
        MilestoneKind.BALLOT_CLOSE: utc(2025, 5, 21, 16),
        MilestoneKind.REPLACEMENT_DEADLINE: utc(2025, 5, 14, 11),
        MilestoneKind.BALLOT_OPEN: utc(2025, 4, 21, 8),
        MilestoneKind.NOMINATIONS_CLOSE: utc(2025, 2, 14, 17),
    }
    assert timetable_conflicts(table) == []
    for kind, at in table.items():
        assert timetable_conflict(table, kind, at) is None


def test_results_seven_months_before_the_ballot_opens_is_named_with_its_date() -> None:
    """With no close dated, results before the open are still refused, naming the open and its local date."""
    conflict = timetable_conflict({MilestoneKind.BALLOT_OPEN: T0}, MilestoneKind.RESULTS, utc(2024, 9, 21, 8))
    assert conflict is not None
    assert conflict.sentence(LONDON) == "Results can’t be before the ballot opens (21 April 2025 09:00)."
    assert conflict.refusal(LONDON) == (
        "Results can’t be before the ballot opens (21 April 2025 09:00). "
        "Change ballot_open first, or choose a later date."
    )


def test_the_nearest_milestone_in_the_order_is_the_one_named() -> None:
    """When a date clashes with several milestones, the refusal names the nearest one in the timetable."""
    table = {MilestoneKind.NOMINATIONS_OPEN: utc(2025, 1, 13, 9), MilestoneKind.BALLOT_CLOSE: utc(2025, 5, 21, 16)}
    conflict = timetable_conflict(table, MilestoneKind.RESULTS, utc(2025, 1, 1, 9))
    assert conflict is not None and conflict.other is MilestoneKind.BALLOT_CLOSE
    assert conflict.sentence(LONDON) == "Results can’t be before the ballot closes (21 May 2025 17:00)."
    early = timetable_conflict(table, MilestoneKind.NOMINATIONS_CLOSE, utc(2025, 6, 1, 9))
    assert early is not None and early.other is MilestoneKind.BALLOT_CLOSE
    assert early.refusal(LONDON) == (
        "Nominations can’t close after the ballot closes (21 May 2025 17:00). "
        "Change ballot_close first, or choose an earlier date."
    )


def test_a_ballot_that_closes_as_it_opens_is_refused() -> None:
    """A zero-length ballot window is refused, saying the window would be empty."""
    conflict = timetable_conflict({MilestoneKind.BALLOT_OPEN: T0}, MilestoneKind.BALLOT_CLOSE, T0)
    assert conflict is not None
    assert conflict.sentence(LONDON) == (
        "The ballot can’t close at the same moment the ballot opens (21 April 2025 09:00): "
        "the ballot window would be empty."
    )


def test_the_replacement_deadline_may_fall_on_either_end_of_the_window() -> None:
    """The replacement deadline may equal the open or the close, but not fall outside the window."""
    table = {MilestoneKind.BALLOT_OPEN: T0, MilestoneKind.BALLOT_CLOSE: utc(2025, 5, 21, 16)}
    deadline = MilestoneKind.REPLACEMENT_DEADLINE
    assert timetable_conflict(table, deadline, T0) is None
    assert timetable_conflict(table, deadline, utc(2025, 5, 21, 16)) is None
    late = timetable_conflict(table, deadline, utc(2025, 5, 22, 11))
    assert late is not None
    assert late.sentence(LONDON) == "The replacement deadline can’t be after the ballot closes (21 May 2025 17:00)."
