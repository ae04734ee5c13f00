"""When an election's reminders stop, how a reminder is told apart, and how a moved date is announced: pure rules."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.dates import Offset
from bot.domain.enums import MilestoneKind
from bot.domain.models import Election, Milestone
from bot.domain.reminders import (
    Occurrence,
    ReminderKind,
    SeatCount,
    announces_move,
    finished_elections,
    moved_date_phrase,
)

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
ELECTION = 7


def election(results_at: datetime | None = None) -> Election:
    timetable = () if results_at is None else (Milestone(MilestoneKind.RESULTS, results_at),)
    return Election(id=ELECTION, guild_id=1, name="NEC 2025", timetable=timetable)


def seat(candidates: int, recorded: int = 0, elected: int = 0, places: int = 1) -> SeatCount:
    return SeatCount(election_id=ELECTION, places=places, candidates=candidates, recorded=recorded, elected=elected)


def test_one_result_in_a_contested_seat_does_not_finish_the_election() -> None:
    """Two candidates for one place, one result recorded: reminders go on."""
    assert finished_elections([election()], [seat(2, recorded=1)], NOW) == set()


def test_every_candidate_of_every_contested_seat_recorded_finishes_it() -> None:
    """Every contested seat with all its votes in: the election's reminders stop."""
    seats = [seat(2, recorded=2), seat(3, recorded=3, places=2)]
    assert finished_elections([election()], seats, NOW) == {ELECTION}


def test_one_contested_seat_still_counting_keeps_reminders() -> None:
    """A second contested seat still waiting for votes keeps the reminders going."""
    assert finished_elections([election()], [seat(2, recorded=2), seat(2, recorded=1)], NOW) == set()


def test_a_contested_seat_whose_places_are_all_marked_elected_has_its_result() -> None:
    """The organiser marked as many elected as the seat has places: its result is in, even without every vote."""
    assert finished_elections([election()], [seat(4, recorded=2, elected=2, places=2)], NOW) == {ELECTION}


def test_unopposed_seats_never_finish_an_election_by_themselves() -> None:
    """With no contested seat (all unopposed, or no seats) results never stop reminders: only the results date does."""
    assert finished_elections([election()], [seat(1, recorded=1, elected=1)], NOW) == set()
    assert finished_elections([election()], [], NOW) == set()


def test_unopposed_seats_are_ignored_beside_contested_ones() -> None:
    """An unopposed seat with no result does not hold back an election whose contested seats are all in."""
    assert finished_elections([election()], [seat(1), seat(2, recorded=2)], NOW) == {ELECTION}


def test_the_results_date_passing_finishes_the_election() -> None:
    """Once the results milestone has passed, reminders stop whatever is recorded; before it, they go on."""
    assert finished_elections([election(NOW - timedelta(minutes=1))], [], NOW) == {ELECTION}
    assert finished_elections([election(NOW)], [], NOW) == {ELECTION}
    assert finished_elections([election(NOW + timedelta(days=1))], [seat(2)], NOW) == set()


def test_seats_of_other_elections_do_not_count() -> None:
    """A finished seat of another election does not finish this one."""
    other = SeatCount(election_id=ELECTION + 1, places=1, candidates=2, recorded=2, elected=1)
    assert finished_elections([election()], [other, seat(2)], NOW) == set()


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        (MilestoneKind.NOMINATIONS_OPEN, "nominations now open"),
        (MilestoneKind.NOMINATIONS_CLOSE, "nominations now close"),
        (MilestoneKind.BALLOT_OPEN, "the ballot now opens"),
        (MilestoneKind.REPLACEMENT_DEADLINE, "the last day to ask for a replacement ballot paper is now"),
        (MilestoneKind.BALLOT_CLOSE, "the ballot now closes"),
        (MilestoneKind.RESULTS, "the results are now due"),
    ],
)
def test_every_kind_of_moved_date_reads_as_a_sentence(kind: MilestoneKind, phrase: str) -> None:
    """'NEC 2025: the ballot now closes <date>', never 'ballot closes is now <date>', for every kind."""
    assert moved_date_phrase(kind) == phrase


def test_a_reminders_reference_names_what_when_and_how_long_before() -> None:
    """The reference is kind, milestone instant and offset; the job id is guild and election before it."""
    occurrence = Occurrence(
        guild_id=1,
        election_id=ELECTION,
        election_name="NEC 2025",
        kind=ReminderKind.BALLOT_OPEN,
        milestone_at=datetime(2025, 4, 21, 8, 0, tzinfo=UTC),
        offset=Offset(1, "d"),
        run_at=datetime(2025, 4, 20, 8, 0, tzinfo=UTC),
    )
    assert occurrence.reference == "ballot_open:1745222400:1d"
    assert occurrence.job_id == f"1:{ELECTION}:ballot_open:1745222400:1d"


@pytest.mark.parametrize(
    ("kind", "before", "after", "announced"),
    [
        (MilestoneKind.BALLOT_CLOSE, NOW, NOW + timedelta(days=7), True),
        (MilestoneKind.BALLOT_OPEN, NOW, NOW - timedelta(days=1), True),
        (MilestoneKind.BALLOT_CLOSE, NOW, NOW, False),
        (MilestoneKind.BALLOT_CLOSE, None, NOW, False),
        (MilestoneKind.BALLOT_CLOSE, NOW, None, False),
        (MilestoneKind.RESULTS, NOW, NOW + timedelta(days=7), False),
        (None, NOW, NOW + timedelta(days=7), False),
    ],
    ids=["close moved", "opening moved", "unchanged", "first dated", "cleared", "not reminded", "not a date"],
)
def test_only_a_reminded_date_moving_is_announced(
    kind: MilestoneKind | None, before: datetime | None, after: datetime | None, announced: bool
) -> None:
    """A "date changed" notice is posted only when a ballot opening or close moves from one date to another."""
    assert announces_move(kind, before, after) is announced


@pytest.mark.parametrize(
    ("days_before", "expected"),
    [
        (0, "Nominations close today at 17:00"),
        (1, "Nominations close tomorrow at 17:00"),
        (7, "7 days left for nominations: they close Friday 14 February at 17:00"),
    ],
)
def test_a_nominations_close_reminder_says_how_long_is_left(days_before: int, expected: str) -> None:
    """The reminder before nominations close counts the days to it, in London time."""
    from zoneinfo import ZoneInfo

    from bot.domain.reminders import headline

    close = datetime(2025, 2, 14, 17, 0, tzinfo=UTC)
    occurrence = Occurrence(
        1, ELECTION, "NEC 2025", ReminderKind.NOMINATIONS_CLOSE, close, Offset(7, "d"), close - timedelta(days=7)
    )
    assert headline(occurrence, ZoneInfo("Europe/London"), close - timedelta(days=days_before)) == expected
