"""
Dates, times, time zones, reminder offsets and post-by days: the pure rules.

Nothing here reads the clock: "today" and every instant are parameters. Instants that leave this module
are timezone-aware and in UTC; wall times are read and shown in the guild's zone (``Europe/London`` by
default), so a date typed as ``17 April`` means 17 April *in the guild*, whatever the season.

Bad input raises :class:`~bot.errors.InvalidInput` whose message quotes what was typed, says why it was
refused and shows what would be accepted. Misuse by code (a naive datetime where an aware one is needed)
raises :class:`ValueError`: that is a bug, not something a user can fix.
"""

import calendar
import difflib
import functools
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, NoReturn, get_args
from zoneinfo import ZoneInfo

import holidays

from bot.domain.enums import MilestoneKind, Nation
from bot.errors import InvalidInput

__all__ = [
    "MAX_WORKING_DAYS",
    "Offset",
    "OffsetUnit",
    "TimetableConflict",
    "WallTime",
    "common_timezones",
    "default_time",
    "format_offsets",
    "is_working_day",
    "local_to_utc",
    "parse_date",
    "parse_offsets",
    "parse_time",
    "parse_timezone",
    "post_by_day",
    "post_by_instant",
    "read_wall_time",
    "timetable_conflict",
    "timetable_conflicts",
    "utc_to_local",
]

# --------------------------------------------------------------------------------------------- dates

_DATE_FORMATS = "2025-04-17, 17 April 2025, 17 Apr 2025, 17/04/2025, or 17 April for the next 17 April"

_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9

_WEEKDAYS: dict[str, int] = {}
for _number in range(7):
    _WEEKDAYS[calendar.day_name[_number].lower()] = _number
    _WEEKDAYS[calendar.day_abbr[_number].lower()] = _number
_WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

_WEEKDAY_PREFIX = re.compile(r"^(?P<weekday>[a-z]+)\.?,?\s+(?=\d)")
_ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")
_UK_DATE = re.compile(r"^(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})$")
_WORDY_DATE = re.compile(
    r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?\s*(?:of\s+)?(?P<month>[a-z]+)\.?(?:,?\s+(?P<year>\d{4}))?$"
)


def _shown(typed: str, limit: int = 60) -> str:
    """What a refusal quotes of the typed text: enough to recognise it, never enough to overflow a reply."""
    return typed if len(typed) <= limit else typed[: limit - 1] + "…"


def parse_date(text: str, *, today: date) -> date:
    """
    Read a calendar date typed by a user, in the guild's own calendar.

    Accepted, case-insensitively and with surrounding spaces ignored: ``2025-04-17``, ``17 April 2025``,
    ``17 Apr 2025``, ``17th April 2025``, ``17/04/2025`` (UK order: day first), each optionally after a
    weekday (``Thursday 17 April 2025``, checked against the date), and ``17 April`` with no year, which
    means the next 17 April on or after ``today`` (so ``29 February`` means the next leap day).

    Raises InvalidInput quoting the text: with the reason for an impossible date (``31 June 2025``: June
    has only 30 days; ``29/02/2025``: 2025 is not a leap year), or with the accepted formats when the
    text is not a date at all.
    """
    typed = text.strip()
    normalised = " ".join(typed.lower().split())

    weekday: int | None = None
    prefix = _WEEKDAY_PREFIX.match(normalised)
    if prefix is not None and prefix["weekday"] in _WEEKDAYS:
        weekday = _WEEKDAYS[prefix["weekday"]]
        normalised = normalised[prefix.end() :]

    year: int | None
    if match := _ISO_DATE.match(normalised) or _UK_DATE.match(normalised):
        day, month, year = int(match["day"]), int(match["month"]), int(match["year"])
    elif match := _WORDY_DATE.match(normalised):
        month_word = match["month"]
        if month_word not in _MONTHS:
            raise InvalidInput(
                f"I can’t read “{_shown(typed)}” as a date: “{_shown(month_word)}” is not a month. Use {_DATE_FORMATS}."
            )
        day, month = int(match["day"]), _MONTHS[month_word]
        year = int(match["year"]) if match["year"] else None
    else:
        raise InvalidInput(f"I can’t read “{_shown(typed)}” as a date. Use {_DATE_FORMATS}.")

    reason = _impossible_because(day, month, year)
    if reason is not None:
        raise InvalidInput(f"“{_shown(typed)}” is not a real date: {reason}.")

    result = date(year, month, day) if year is not None else _next_occurrence(day, month, today)
    if weekday is not None and result.weekday() != weekday:
        raise InvalidInput(
            f"“{_shown(typed)}” doesn’t add up: {_long_date(result)} is a {calendar.day_name[result.weekday()]}, "
            f"not a {calendar.day_name[weekday]}."
        )
    return result


def _impossible_because(day: int, month: int, year: int | None) -> str | None:
    """Why ``day``/``month``/``year`` is not a date (``None`` when it is); no year means any year."""
    if year is not None and not 1 <= year <= 9999:
        return f"the year {year} is out of range (1 to 9999)"
    if not 1 <= month <= 12:
        return f"there is no month {month} (months run from 1 to 12)"
    if day < 1:
        return f"there is no day {day} in a month"
    name = calendar.month_name[month]
    if month == 2 and year is None:
        longest = 29
    elif month == 2 and year is not None and day == 29 and not calendar.isleap(year):
        return f"{year} is not a leap year, so February {year} has only 28 days"
    else:
        longest = calendar.monthrange(year if year is not None else 2000, month)[1]
    if day > longest:
        return f"{name} has only {longest} days"
    return None


def _next_occurrence(day: int, month: int, today: date) -> date:
    """Return the first ``day`` ``month`` on or after ``today`` (a valid day of that month in some year)."""
    year = today.year
    while True:
        if month != 2 or day != 29 or calendar.isleap(year):
            candidate = date(year, month, day)
            if candidate >= today:
                return candidate
        year += 1


def _long_date(day: date) -> str:
    """``17 April 2025``: the unambiguous way to show a date back to the user."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


# --------------------------------------------------------------------------------------------- times

_TIME_FORMATS = "Use 24-hour HH:MM (17:00, 9:30) or 5pm, 5:30pm, 12am, noon"
_CLOCK_24 = re.compile(r"^(?P<hour>\d{1,2})[:.](?P<minute>\d{2})$")
_CLOCK_12 = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?(?P<half>am|pm)$")


def parse_time(text: str) -> time:
    """
    Read a wall-clock time typed by a user.

    Accepted, case-insensitively: ``HH:MM`` on the 24-hour clock (``17:00``, ``9:30``; ``17.00`` too),
    the 12-hour clock with am/pm (``5pm``, ``5:30pm``, ``5 p.m.``; ``12am`` is 00:00 and ``12pm`` is
    12:00), and ``noon`` or ``midday``. Raises InvalidInput quoting the text, with the reason (``25:00``,
    ``17:60``, ``13pm``) and the accepted forms.
    """
    typed = text.strip()
    normalised = "".join(typed.lower().split()).replace("a.m.", "am").replace("p.m.", "pm")
    if normalised in {"noon", "midday", "12noon"}:
        return time(12, 0)

    if match := _CLOCK_24.match(normalised):
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour > 23:
            _refuse_time(typed, f"there is no hour {hour} on the 24-hour clock (00:00 to 23:59)")
        if minute > 59:
            _refuse_time(typed, "an hour has only 60 minutes (:00 to :59)")
        return time(hour, minute)

    if match := _CLOCK_12.match(normalised):
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        if not 1 <= hour <= 12:
            _refuse_time(typed, f"with am or pm the hour runs from 1 to 12, not {hour}")
        if minute > 59:
            _refuse_time(typed, "an hour has only 60 minutes (:00 to :59)")
        return time(hour % 12 + (12 if match["half"] == "pm" else 0), minute)

    raise InvalidInput(f"I can’t read “{_shown(typed)}” as a time. {_TIME_FORMATS}.")


def _refuse_time(typed: str, reason: str) -> NoReturn:
    """Raise InvalidInput for an impossible time."""
    raise InvalidInput(f"“{_shown(typed)}” is not a real time: {reason}. {_TIME_FORMATS}.")


def default_time(kind: MilestoneKind) -> time:
    """Return the local time of a milestone dated with no time: 09:00; 17:00 for a close; 12:00 for replacements."""
    if kind is MilestoneKind.BALLOT_CLOSE:
        return time(17, 0)
    if kind is MilestoneKind.REPLACEMENT_DEADLINE:
        return time(12, 0)
    return time(9, 0)


# ----------------------------------------------------------------------------------------- time zones


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """
    Return the UTC instant at which the wall clocks of ``tz`` show ``at`` on ``day``.

    Clock changes: a wall time that does not exist (the spring-forward gap, e.g. 01:30 on 30 March 2025
    in Europe/London) moves forward by the length of the gap (to 02:30 BST, i.e. 01:30 UTC); a wall time
    that happens twice (the autumn fold, e.g. 01:30 on 26 October 2025) means the first occurrence
    (01:30 BST, i.e. 00:30 UTC). Both follow from reading the wall time with ``fold=0`` (PEP 495).
    ``at`` must be a naive wall time; its ``fold`` is ignored.
    """
    if at.tzinfo is not None:
        raise ValueError(f"local_to_utc wants a naive wall time, got {at!r}")
    wall = datetime.combine(day, at.replace(fold=0), tzinfo=tz)
    return wall.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class WallTime:
    """What a wall time typed by a user means: the UTC ``instant``, and a ``note`` when the clocks made it ambiguous."""

    instant: datetime
    note: str | None = None


def read_wall_time(day: date, at: time, tz: ZoneInfo) -> WallTime:
    """
    Read a wall time a *user* gave for ``day`` in ``tz``: like :func:`local_to_utc`, but nothing silently.

    1. A wall time the clocks skip (01:30 on 30 March 2025 in Europe/London, where 01:00 GMT becomes
       02:00 BST) raises InvalidInput naming the gap and the first time that exists. Refused rather than
       moved: a date an organiser typed drives reminders to thousands of members, so the bot stores only
       a moment they can see they chose; the fix is one retype.
    2. A wall time the clocks repeat (01:30 on 26 October 2025) means the first pass (01:30 BST), as in
       :func:`local_to_utc`, and ``note`` says so and when the second pass is.
    3. Any other wall time converts plainly, with no note.

    Reminder offsets and the post-by day keep using :func:`local_to_utc`: a derived time that lands in a
    gap is moved forward, since nobody typed it.
    """
    if at.tzinfo is not None:
        raise ValueError(f"read_wall_time wants a naive wall time, got {at!r}")
    wall = datetime.combine(day, at.replace(fold=0))
    first, second = wall.replace(tzinfo=tz), wall.replace(tzinfo=tz, fold=1)
    instant = first.astimezone(UTC)
    if first.utcoffset() == second.utcoffset():
        return WallTime(instant)
    earlier, later = sorted((instant, second.astimezone(UTC)))
    change = _clock_change(earlier, later, tz)
    shown = f"{at:%H:%M} on {_long_date(day)}"
    clocks_from, clocks_to = _wall_text(change, tz, earlier, day), _wall_text(change, tz, later, day)
    if instant.astimezone(tz).replace(tzinfo=None) != wall:
        raise InvalidInput(
            f"{shown} does not exist in {tz.key}: the clocks go forward from {clocks_from} to {clocks_to}. "
            f"Use {clocks_to} or later, or a time before {clocks_from}."
        )
    repeat = (later - earlier).total_seconds() // 60
    return WallTime(
        instant,
        f"{shown} happens twice in {tz.key} (the clocks go back from {clocks_from} to {clocks_to}): this is "
        f"{at:%H:%M} {first.tzname()}, the first of the two; the second, {at:%H:%M} {second.tzname()}, is "
        f"{_minutes_text(int(repeat))} later.",
    )


def _clock_change(earlier: datetime, later: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant, to the second, between ``earlier`` and ``later`` at which ``tz``'s offset changes."""
    target = later.astimezone(tz).utcoffset()
    low, high = int(earlier.timestamp()), int(later.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(tz).utcoffset() == target:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _wall_text(change: datetime, tz: ZoneInfo, side: datetime, day: date) -> str:
    """The wall clock at ``change`` read with the offset in force at ``side``: ``01:00``, dated if not on ``day``."""
    offset = side.astimezone(tz).utcoffset() or timedelta(0)  # never None: ZoneInfo always gives an offset
    wall = change.replace(tzinfo=None) + offset
    return f"{wall:%H:%M}" if wall.date() == day else f"{wall:%H:%M} on {_long_date(wall.date())}"


def _minutes_text(minutes: int) -> str:
    """``1 hour``, ``30 minutes``, ``1 hour 30 minutes``: how long a clock change repeats."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if rest or not parts:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def utc_to_local(instant: datetime, tz: ZoneInfo) -> datetime:
    """Return the aware wall-clock datetime in ``tz`` for an aware ``instant`` (in any zone)."""
    _require_aware(instant)
    return instant.astimezone(tz)


def _require_aware(instant: datetime) -> None:
    """Refuse a naive datetime: instants in this project are always aware."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {instant!r}")


_ZONE_REGIONS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
)
_UNUSABLE_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@functools.cache
def _zone_names_by_folded_name() -> dict[str, str]:
    """Every usable IANA name, keyed by its case-folded form."""
    return {
        name.casefold(): name
        for name in zoneinfo.available_timezones()
        if name not in _UNUSABLE_ZONES and not name.startswith(("posix/", "right/"))
    }


@functools.cache
def _common_timezones() -> tuple[str, ...]:
    """Return the current, geographic IANA names (``Europe/London``) plus ``UTC``, sorted."""
    names = _zone_names_by_folded_name().values()
    return tuple(sorted(name for name in names if name == "UTC" or name.split("/", 1)[0] in _ZONE_REGIONS))


def common_timezones() -> list[str]:
    """
    Return the IANA zone names worth offering in autocomplete, sorted.

    That is ``zoneinfo.available_timezones()`` without the ``posix/`` and ``right/`` trees and without
    legacy aliases (``GB``, ``US/Eastern``, ``Etc/GMT+5``, ``EST5EDT``...), keeping ``UTC``. Those aliases
    are still accepted by :func:`parse_timezone`. A new list each call, safe to change.
    """
    return list(_common_timezones())


def parse_timezone(name: str) -> ZoneInfo:
    """
    Return the zone for an IANA name such as ``Europe/London`` (case-insensitive, spaces around ignored).

    Raises InvalidInput naming the unknown zone, with an example and the closest known names if any.
    """
    typed = name.strip()
    canonical = _zone_names_by_folded_name().get(typed.casefold())
    if canonical is None:
        close = difflib.get_close_matches(typed, _common_timezones(), n=3, cutoff=0.7)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise InvalidInput(
            f"I don’t know the time zone “{_shown(typed)}”. Use an IANA name such as Europe/London "
            f"(the autocomplete lists them).{hint}"
        )
    return ZoneInfo(canonical)


# ------------------------------------------------------------------------------------------- offsets

OffsetUnit = Literal["w", "d", "h", "m"]

_UNIT_MINUTES: dict[OffsetUnit, int] = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}
_UNIT_RANK: dict[OffsetUnit, int] = {"w": 0, "d": 1, "h": 2, "m": 3}
_UNIT_BY_LETTER: dict[str, OffsetUnit] = {"w": "w", "d": "d", "h": "h", "m": "m"}
_OFFSET_EXAMPLE = "7d,1d,3h,0"
_OFFSET_HELP = f"Use Nw, Nd, Nh, Nm or 0, separated by commas, e.g. {_OFFSET_EXAMPLE}"
_MAX_OFFSET_MINUTES = 52 * _UNIT_MINUTES["w"]
_OFFSET_TOKEN = re.compile(r"^(?P<sign>[+-]?)(?P<amount>\d+)(?P<unit>[a-z]*)$")


@dataclass(frozen=True, slots=True)
class Offset:
    """
    How long before a milestone a reminder fires: ``amount`` weeks, days, hours or minutes.

    ``str()`` is the canonical text (``7d``, ``3h``; any zero is ``0``), which :func:`parse_offsets`
    reads back. Weeks and days are calendar steps in the guild's clock; hours and minutes are elapsed
    time (see :meth:`before`).
    """

    amount: int
    unit: OffsetUnit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(f"an Offset counts back, so its amount must not be negative: {self.amount}")
        if self.unit not in _UNIT_MINUTES:
            raise ValueError(f"unknown Offset unit {self.unit!r}; expected one of {get_args(OffsetUnit)}")

    def __str__(self) -> str:
        return "0" if self.amount == 0 else f"{self.amount}{self.unit}"

    @property
    def nominal_minutes(self) -> int:
        """Length in minutes, counting a day as 24 hours: for ordering and limits, not for scheduling."""
        return self.amount * _UNIT_MINUTES[self.unit]

    def before(self, milestone: datetime, tz: ZoneInfo) -> datetime:
        """
        Return the UTC instant this reminder fires for an aware ``milestone``, in a guild whose zone is ``tz``.

        Weeks and days step back in the guild's *local calendar* and keep the local wall time: ``1d``
        before 09:00 on a Monday is 09:00 on the Sunday, even when the clocks changed in between (so
        that interval is 23 or 25 hours of real time). If that wall time does not exist or happens twice
        on the earlier day, :func:`local_to_utc` decides (forward by the gap; first occurrence).
        Hours and minutes are *elapsed* time, subtracted in UTC: ``3h`` is always three real hours
        before, whatever the clocks do. ``0`` is the milestone itself.
        """
        _require_aware(milestone)
        if self.amount == 0:
            return milestone.astimezone(UTC)
        if self.unit in ("w", "d"):
            local = milestone.astimezone(tz)
            days = self.amount * (7 if self.unit == "w" else 1)
            return local_to_utc(local.date() - timedelta(days=days), local.time(), tz)
        return milestone.astimezone(UTC) - timedelta(minutes=self.nominal_minutes)


_ZERO = Offset(0, "d")


def _same_reminder_key(offset: Offset) -> tuple[str, int]:
    """Offsets with equal keys fire at the same instant for every milestone (``7d`` and ``1w``; any zero)."""
    if offset.amount == 0:
        return ("zero", 0)
    return ("calendar" if offset.unit in ("w", "d") else "elapsed", offset.nominal_minutes)


def parse_offsets(text: str) -> tuple[Offset, ...]:
    """
    Read reminder offsets such as ``7d,1d,3h,0``: ``Nw``, ``Nd``, ``Nh``, ``Nm`` or ``0``.

    Separated by commas and/or spaces, case-insensitive. The result has no duplicates and is sorted from
    the furthest before the milestone down to ``0``. Offsets that always fire at the same instant count
    as duplicates (``1w`` and ``7d``; ``1h`` and ``60m``; ``0`` and ``0h``) and the larger unit is kept;
    ``1d`` and ``24h`` are different (see :meth:`Offset.before`), and ``1d`` sorts first. Raises
    InvalidInput, with the reason and an example, for no offsets, a negative one, an unknown unit
    (naming the offending piece, e.g. ``1x``), a number with no unit, or one over 52 weeks.
    """
    tokens = [token for token in re.split(r"[\s,]+", text.strip()) if token]
    if not tokens:
        raise InvalidInput(f"Give at least one reminder offset. {_OFFSET_HELP}.")

    chosen: dict[tuple[str, int], Offset] = {}
    for token in tokens:
        offset = _parse_offset_token(token)
        key = _same_reminder_key(offset)
        kept = chosen.get(key)
        if kept is None or _UNIT_RANK[offset.unit] < _UNIT_RANK[kept.unit]:
            chosen[key] = offset
    return tuple(sorted(chosen.values(), key=lambda o: (-o.nominal_minutes, _UNIT_RANK[o.unit])))


def _parse_offset_token(token: str) -> Offset:
    """Read one offset such as ``7d`` (any case); InvalidInput naming the token as typed if it is not one."""
    match = _OFFSET_TOKEN.match(token.lower())
    if match is None:
        raise InvalidInput(f"I can’t read “{_shown(token)}” as a reminder offset. {_OFFSET_HELP}.")
    digits, unit = match["amount"], match["unit"]
    if unit and unit not in _UNIT_BY_LETTER:
        raise InvalidInput(
            f"“{_shown(token)}” has an unknown unit “{unit}”: use w (weeks), d (days), h (hours) or m (minutes), "
            f"e.g. {_OFFSET_EXAMPLE}."
        )
    if len(digits.lstrip("0")) > 9:
        raise InvalidInput(f"“{_shown(token)}” is too far before the date: at most 52 weeks (52w). {_OFFSET_HELP}.")
    amount = int(digits)
    if amount == 0:
        return _ZERO
    if match["sign"] == "-":
        raise InvalidInput(
            f"“{_shown(token)}” is negative: offsets count back before the date, so write {amount}{unit or 'd'}. "
            f"{_OFFSET_HELP}."
        )
    if not unit:
        raise InvalidInput(
            f"“{_shown(token)}” needs a unit: {amount}w, {amount}d, {amount}h or {amount}m. {_OFFSET_HELP}."
        )
    offset = Offset(amount, _UNIT_BY_LETTER[unit])
    if offset.nominal_minutes > _MAX_OFFSET_MINUTES:
        raise InvalidInput(f"“{_shown(token)}” is too far before the date: at most 52 weeks (52w). {_OFFSET_HELP}.")
    return offset


def format_offsets(offsets: Iterable[Offset]) -> str:
    """
    Join the canonical texts of ``offsets``, in the order given, with commas: ``7d,1d,3h,0``.

    :func:`parse_offsets` reads the result back to the same offsets (once they are sorted and unique).
    """
    return ",".join(str(offset) for offset in offsets)


# ---------------------------------------------------------------------------------- post-by (working days)

#: The most working days a ballot paper may be allowed in the post; more is surely a typo.
MAX_WORKING_DAYS = 60

_SUBDIVISIONS: dict[Nation, str] = {
    Nation.ENGLAND: "ENG",
    Nation.WALES: "WLS",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}


@functools.lru_cache(maxsize=64)
def _bank_holidays(nation: Nation, year: int) -> frozenset[date]:
    """Return the bank holidays of ``nation`` in ``year``, from the ``holidays`` library's UK calendar."""
    calendar_ = holidays.country_holidays("GB", subdiv=_SUBDIVISIONS[nation], years=year)
    return frozenset(day for day in calendar_ if day.year == year)


def is_working_day(day: date, nation: Nation) -> bool:
    """Monday to Friday and not a bank holiday in ``nation`` (Scotland has 2 January, not Easter Monday)."""
    return day.weekday() < 5 and day not in _bank_holidays(nation, day.year)


def post_by_day(close: datetime, *, tz: ZoneInfo, nation: Nation, working_days: int) -> date:
    """
    Return the last day to post a ballot paper so that it arrives by ``close``.

    That is the close's local date in ``tz`` minus ``working_days`` working days, skipping Saturdays,
    Sundays and the bank holidays of ``nation``. With 0 it is the close's own date (working day or not).
    The close's own date never counts as one of the days: a close at 17:00 on Wednesday 21 May 2025 with
    2 working days gives Monday 19 May 2025. Raises InvalidInput for a negative number of days or more
    than :data:`MAX_WORKING_DAYS`.
    """
    if working_days < 0:
        raise InvalidInput(
            f"The days a ballot paper needs in the post can’t be negative ({working_days}); use 0 or more, e.g. 2."
        )
    if working_days > MAX_WORKING_DAYS:
        raise InvalidInput(
            f"{working_days} working days in the post is too many; use at most {MAX_WORKING_DAYS}, e.g. 2."
        )
    _require_aware(close)
    day = close.astimezone(tz).date()
    remaining = working_days
    while remaining:
        day -= timedelta(days=1)
        if is_working_day(day, nation):
            remaining -= 1
    return day


def post_by_instant(close: datetime, *, tz: ZoneInfo, nation: Nation, working_days: int) -> datetime:
    """Return the reminder anchor for the post-by day: 09:00 local on :func:`post_by_day`, as a UTC instant."""
    day = post_by_day(close, tz=tz, nation=nation, working_days=working_days)
    return local_to_utc(day, time(9, 0), tz)


# ------------------------------------------------------------------------------------------ timetable order

#: The timetable in order: each milestone may fall at the same moment as a later one, except across the ballot.
_SEQUENCE: tuple[MilestoneKind, ...] = (
    MilestoneKind.NOMINATIONS_OPEN,
    MilestoneKind.NOMINATIONS_CLOSE,
    MilestoneKind.BALLOT_OPEN,
    MilestoneKind.REPLACEMENT_DEADLINE,
    MilestoneKind.BALLOT_CLOSE,
    MilestoneKind.RESULTS,
)
_RANK = {kind: rank for rank, kind in enumerate(_SEQUENCE)}
#: Milestones up to the open and from the close on: one of each may never share an instant (the ballot lasts).
_UP_TO_OPEN = frozenset(_SEQUENCE[: _RANK[MilestoneKind.BALLOT_OPEN] + 1])
_FROM_CLOSE = frozenset(_SEQUENCE[_RANK[MilestoneKind.BALLOT_CLOSE] :])

#: How a refusal says "<kind> can't ..." and how it names the other milestone.
_SUBJECT = {
    MilestoneKind.NOMINATIONS_OPEN: "Nominations can’t open",
    MilestoneKind.NOMINATIONS_CLOSE: "Nominations can’t close",
    MilestoneKind.BALLOT_OPEN: "The ballot can’t open",
    MilestoneKind.REPLACEMENT_DEADLINE: "The replacement deadline can’t be",
    MilestoneKind.BALLOT_CLOSE: "The ballot can’t close",
    MilestoneKind.RESULTS: "Results can’t be",
}
_OBJECT = {
    MilestoneKind.NOMINATIONS_OPEN: "nominations open",
    MilestoneKind.NOMINATIONS_CLOSE: "nominations close",
    MilestoneKind.BALLOT_OPEN: "the ballot opens",
    MilestoneKind.REPLACEMENT_DEADLINE: "the replacement deadline",
    MilestoneKind.BALLOT_CLOSE: "the ballot closes",
    MilestoneKind.RESULTS: "the results",
}


def _in_order(earlier: MilestoneKind, earlier_at: datetime, later: MilestoneKind, later_at: datetime) -> bool:
    """Whether two milestones, ``earlier`` ranking before ``later`` in the timetable, are dated in order."""
    if earlier in _UP_TO_OPEN and later in _FROM_CLOSE:
        return earlier_at < later_at
    return earlier_at <= later_at


@dataclass(frozen=True, slots=True)
class TimetableConflict:
    """``kind`` dated ``at`` is out of order with ``other``, already dated ``other_at``."""

    kind: MilestoneKind
    at: datetime
    other: MilestoneKind
    other_at: datetime

    @property
    def must_be_later(self) -> bool:
        """Whether ``kind`` ranks after ``other`` (so it needs a later date), rather than before it."""
        return _RANK[self.kind] > _RANK[self.other]

    def sentence(self, tz: ZoneInfo) -> str:
        """``Results can’t be before the ballot opens (21 April 2025 09:00).``, the other date in ``tz``."""
        when = f"{utc_to_local(self.other_at, tz):%H:%M}"
        other = f"{_OBJECT[self.other]} ({_long_date(utc_to_local(self.other_at, tz).date())} {when})"
        if self.at == self.other_at:
            empty = {self.kind, self.other} == {MilestoneKind.BALLOT_OPEN, MilestoneKind.BALLOT_CLOSE}
            why = ": the ballot window would be empty" if empty else ""
            return f"{_SUBJECT[self.kind]} at the same moment {other}{why}."
        relation = "before" if self.must_be_later else "after"
        return f"{_SUBJECT[self.kind]} {relation} {other}."

    def refusal(self, tz: ZoneInfo) -> str:
        """:meth:`sentence` and what to do about it, for someone who has just typed ``at``."""
        direction = "a later" if self.must_be_later else "an earlier"
        return f"{self.sentence(tz)} Change {self.other.value} first, or choose {direction} date."


def timetable_conflict(
    timetable: Mapping[MilestoneKind, datetime], kind: MilestoneKind, at: datetime
) -> TimetableConflict | None:
    """
    Whether dating ``kind`` at ``at`` breaks the order of the other dated milestones of ``timetable``.

    The order, checked between *every* pair of dated milestones (so an undated one in between changes
    nothing) and whichever was dated first:

    1. nominations_open ≤ nominations_close ≤ ballot_open;
    2. ballot_open < ballot_close (a ballot lasts some time), and so anything up to the open is strictly
       before anything from the close on;
    3. ballot_open ≤ replacement_deadline ≤ ballot_close (the deadline falls within the window);
    4. ballot_close ≤ results.

    ``timetable``'s own date for ``kind`` is ignored (it is being replaced). When ``at`` clashes with several
    milestones, the one nearest ``kind`` in the order is named (the earlier of two equally near).
    """
    others = sorted(
        (other for other in timetable if other is not kind),
        key=lambda other: (abs(_RANK[other] - _RANK[kind]), _RANK[other]),
    )
    for other in others:
        other_at = timetable[other]
        if _RANK[other] < _RANK[kind]:
            ok = _in_order(other, other_at, kind, at)
        else:
            ok = _in_order(kind, at, other, other_at)
        if not ok:
            return TimetableConflict(kind, at, other, other_at)
    return None


def timetable_conflicts(timetable: Mapping[MilestoneKind, datetime]) -> list[TimetableConflict]:
    """
    Every milestone of a whole ``timetable`` that is out of order, for a file imported at once.

    Each milestone is checked against those ranking before it (rules of :func:`timetable_conflict`), so a
    clash is reported once, by the later milestone, naming the nearest earlier one it clashes with.
    """
    conflicts: list[TimetableConflict] = []
    for kind in _SEQUENCE:
        if kind not in timetable:
            continue
        earlier = {other: at for other, at in timetable.items() if _RANK[other] < _RANK[kind]}
        conflict = timetable_conflict(earlier, kind, timetable[kind])
        if conflict is not None:
            conflicts.append(conflict)
    return conflicts
