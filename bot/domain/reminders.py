"""
Which reminders a guild's timetable calls for, and what each one says. Pure: the database is the schedule.

A reminder *occurrence* is one (election, milestone, offset) pair: "7 days before the ballot opens". Its id
names the milestone's instant too, so when an organiser moves a date the old occurrence disappears and a new
one (never posted) takes its place, while an unchanged date keeps its id and a restart never repeats it.

An election's reminders stop (:func:`finished_elections`) once its ``results`` date has passed, or once every
*contested* seat (more candidates than places) has its result. Recording one result never stops them by itself:
results are typed in one candidate at a time, often while the ballot is still open. An election with no
contested seat at all (every seat unopposed, or no seats entered yet) is never finished by its results: it has
nothing whose count could end the campaign, so its reminders run to its dates (the last one is at the close).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from zoneinfo import ZoneInfo

from bot.domain.dates import Offset, parse_offsets, post_by_instant, utc_to_local
from bot.domain.enums import MilestoneKind
from bot.domain.models import Election, GuildConfig


class ReminderKind(StrEnum):
    """The dates reminders are posted for."""

    BALLOT_OPEN = "ballot_open"
    POST_BY = "post_by"
    BALLOT_CLOSE = "ballot_close"
    #: Only for an election with a nomination target: these reminders name the candidates still short of it.
    NOMINATIONS_CLOSE = "nominations_close"


#: A milestone whose date, when it changes, moves reminders (and earns a "date changed" notice).
REMINDED_MILESTONES = frozenset({MilestoneKind.BALLOT_OPEN, MilestoneKind.BALLOT_CLOSE})


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One reminder to post: when, for which date, how long before it."""

    guild_id: int
    election_id: int
    election_name: str
    kind: ReminderKind
    milestone_at: datetime
    offset: Offset
    run_at: datetime

    @property
    def reference(self) -> str:
        """
        What, besides its guild and election, tells this reminder apart: ``ballot_open:1745222400:1d``.

        A posted reminder carries it (in a button's custom id), so a restart can find a post the ledger missed.
        """
        return f"{self.kind.value}:{int(self.milestone_at.timestamp())}:{self.offset}"

    @property
    def job_id(self) -> str:
        """Stable id: guild, election, what, the milestone's instant, the offset."""
        return f"{self.guild_id}:{self.election_id}:{self.reference}"


def guild_of(job_id: str) -> int:
    """The guild a job id belongs to."""
    return int(job_id.split(":", 1)[0])


def anchors(
    election: Election, config: GuildConfig, *, nominating: bool = False
) -> list[tuple[ReminderKind, datetime]]:
    """
    The instants reminders count back from: ballot open, the post-by day, ballot close (those dated).

    With ``nominating`` (the election has a nomination target), the close of nominations too.
    """
    zone = ZoneInfo(config.timezone)
    out: list[tuple[ReminderKind, datetime]] = []
    nominations_close = election.at(MilestoneKind.NOMINATIONS_CLOSE)
    if nominating and nominations_close is not None:
        out.append((ReminderKind.NOMINATIONS_CLOSE, nominations_close))
    opens = election.at(MilestoneKind.BALLOT_OPEN)
    close = election.at(MilestoneKind.BALLOT_CLOSE)
    if opens is not None:
        out.append((ReminderKind.BALLOT_OPEN, opens))
    if close is not None:
        post_by = post_by_instant(close, tz=zone, nation=config.nation, working_days=config.post_days)
        # A post-by day that falls before the ballot even opens would only confuse members.
        if opens is None or post_by > opens:
            out.append((ReminderKind.POST_BY, post_by))
        out.append((ReminderKind.BALLOT_CLOSE, close))
    return out


@dataclass(frozen=True, slots=True)
class SeatCount:
    """How far one seat's result is recorded: what the rule for stopping an election's reminders reads."""

    election_id: int
    places: int
    #: Candidates standing.
    candidates: int
    #: Candidates with votes recorded.
    recorded: int
    #: Candidates the organiser marked elected.
    elected: int

    @property
    def contested(self) -> bool:
        """More candidates than places: there is a count to wait for."""
        return self.candidates > self.places

    @property
    def complete(self) -> bool:
        """Every candidate's votes are in, or as many are marked elected as the seat has places."""
        return self.recorded >= self.candidates or self.elected >= self.places


def finished_elections(elections: Iterable[Election], seats: Iterable[SeatCount], now: datetime) -> set[int]:
    """
    The elections whose reminders stop at ``now``: the ``results`` date has passed, or every contested seat is in.

    An election with no contested seat is finished only by its results date (see the module's notes).
    """
    contested: dict[int, list[SeatCount]] = {}
    for seat in seats:
        if seat.contested:
            contested.setdefault(seat.election_id, []).append(seat)
    finished: set[int] = set()
    for election in elections:
        declared = election.at(MilestoneKind.RESULTS)
        counted = contested.get(election.id, [])
        if (declared is not None and declared <= now) or (counted and all(s.complete for s in counted)):
            finished.add(election.id)
    return finished


def moved_date_phrase(kind: MilestoneKind) -> str:
    """How a "date changed" notice says what moved, to be followed by the new date: ``the ballot now closes``."""
    return _MOVED[kind]


def announces_move(kind: MilestoneKind | None, before: datetime | None, after: datetime | None) -> bool:
    """
    Whether a timetable change earns a "date changed" notice in the reminder channel.

    Only a reminded milestone (:data:`REMINDED_MILESTONES`) moved from one date to another does: a date set
    for the first time, or cleared, is not a change of date to announce.
    """
    return kind in REMINDED_MILESTONES and before is not None and after is not None and before != after


_MOVED = {
    MilestoneKind.NOMINATIONS_OPEN: "nominations now open",
    MilestoneKind.NOMINATIONS_CLOSE: "nominations now close",
    MilestoneKind.BALLOT_OPEN: "the ballot now opens",
    MilestoneKind.REPLACEMENT_DEADLINE: "the last day to ask for a replacement ballot paper is now",
    MilestoneKind.BALLOT_CLOSE: "the ballot now closes",
    MilestoneKind.RESULTS: "the results are now due",
}


def plan(
    config: GuildConfig,
    elections: Sequence[Election],
    *,
    finished: Iterable[int] = (),
    nominating: Iterable[int] = (),
) -> list[Occurrence]:
    """
    Every reminder the guild's timetable calls for, by time; none when reminders are off or have no channel.

    ``finished`` names elections whose reminders have stopped (:func:`finished_elections`); ``nominating`` those
    with a nomination target, reminded before nominations close too.
    """
    if not config.reminders_enabled or config.reminder_channel_id is None:
        return []
    zone = ZoneInfo(config.timezone)
    offsets = parse_offsets(config.reminder_offsets)
    done = set(finished)
    targeted = set(nominating)
    out: list[Occurrence] = []
    for election in elections:
        if election.id in done:
            continue
        for kind, at in anchors(election, config, nominating=election.id in targeted):
            for offset in offsets:
                run_at = offset.before(at, zone)
                out.append(Occurrence(config.guild_id, election.id, election.name, kind, at, offset, run_at))
    return sorted(out, key=lambda o: (o.run_at, o.job_id))


@dataclass(frozen=True, slots=True)
class Triage:
    """Pending occurrences sorted by what to do with them at a given moment."""

    future: tuple[Occurrence, ...]
    late: tuple[Occurrence, ...]
    expired: tuple[Occurrence, ...]


def triage(occurrences: Iterable[Occurrence], sent: set[str], now: datetime) -> Triage:
    """
    Split the unsent occurrences by what to do with them at ``now``.

    Still to come: schedule. Missed while the milestone is still ahead: post once, now, marked late. Missed and
    the milestone has passed: skip (and log).
    """
    future: list[Occurrence] = []
    late: list[Occurrence] = []
    expired: list[Occurrence] = []
    for occurrence in occurrences:
        if occurrence.job_id in sent:
            continue
        if occurrence.run_at > now:
            future.append(occurrence)
        elif occurrence.milestone_at > now:
            late.append(occurrence)
        else:
            expired.append(occurrence)
    return Triage(tuple(future), tuple(late), tuple(expired))


def _day(instant: datetime, zone: ZoneInfo) -> str:
    return utc_to_local(instant, zone).strftime("%A %-d %B")


def _clock(instant: datetime, zone: ZoneInfo) -> str:
    return utc_to_local(instant, zone).strftime("%H:%M")


def headline(occurrence: Occurrence, zone: ZoneInfo, posted_at: datetime | None = None) -> str:
    """
    The reminder's first line, e.g. "Ballot opens Monday 21 April" or "Ballot closes today at 17:00".

    Days are counted from ``posted_at`` (default: the reminder's own time), so a late post still tells the truth.
    """
    at = occurrence.milestone_at
    when_day = _day(at, zone)
    days_left = (utc_to_local(at, zone).date() - utc_to_local(posted_at or occurrence.run_at, zone).date()).days
    if occurrence.kind is ReminderKind.BALLOT_OPEN:
        if days_left == 0:
            return f"The ballot opens today: papers go out from {_clock(at, zone)}"
        return f"Ballot opens {when_day}"
    if occurrence.kind is ReminderKind.NOMINATIONS_CLOSE:
        if days_left == 0:
            return f"Nominations close today at {_clock(at, zone)}"
        if days_left == 1:
            return f"Nominations close tomorrow at {_clock(at, zone)}"
        return f"{days_left} days left for nominations: they close {when_day} at {_clock(at, zone)}"
    if occurrence.kind is ReminderKind.POST_BY:
        if days_left == 0:
            return "Post your ballot paper today so it arrives in time"
        return f"{days_left} day{'s' if days_left != 1 else ''} left to post your ballot paper"
    if days_left == 0:
        return f"Ballot closes today at {_clock(at, zone)}"
    if days_left == 1:
        return f"Ballot closes tomorrow at {_clock(at, zone)}"
    return f"{days_left} days left to vote: the ballot closes {when_day} at {_clock(at, zone)}"


def one_line_advice(kind: ReminderKind) -> str:
    """A one-line how-to-vote for the reminder's embed."""
    if kind is ReminderKind.BALLOT_OPEN:
        return "Your paper comes by post to your home address. No paper? Ask the union for a replacement."
    if kind is ReminderKind.POST_BY:
        return "Vote for our candidates on every paper you get, and post it today: it must arrive by the close."
    if kind is ReminderKind.NOMINATIONS_CLOSE:
        return "Ask your branch or group to nominate the slate's candidates at a quorate meeting before the close."
    return "Papers must arrive by the close: if yours is not in the post yet, it may be too late to count."


class Claim(Enum):
    """What a claim on a reminder or notice found."""

    #: Nobody had it: this process posts it.
    TAKEN = "taken"
    #: Another process held it and went quiet (crashed?): this process posts it, after looking in the channel.
    TAKEN_OVER = "taken over"
    #: Another process holds it now: this one must not post it.
    HELD_ELSEWHERE = "held elsewhere"
