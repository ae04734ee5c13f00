"""The Discord event that mirrors a ballot window: which events a guild keeps, and how one must move. Pure."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.enums import MilestoneKind
from bot.domain.events import START_MARGIN, EventEdit, WantedEvent, ballot_window, event_edit, plan_events
from bot.domain.models import Election, Milestone

NOW = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)
OPEN = datetime(2025, 4, 21, 8, 0, tzinfo=UTC)
CLOSE = datetime(2025, 5, 21, 16, 0, tzinfo=UTC)


def election(
    election_id: int = 7, *, opens: datetime | None = OPEN, close: datetime | None = CLOSE, name: str = "NEC 2025"
) -> Election:
    timetable = tuple(
        Milestone(kind, at)
        for kind, at in ((MilestoneKind.BALLOT_OPEN, opens), (MilestoneKind.BALLOT_CLOSE, close))
        if at is not None
    )
    return Election(id=election_id, guild_id=1, name=name, timetable=timetable)


def test_a_dated_window_ahead_is_mirrored_as_it_stands() -> None:
    """Both ends dated and still ahead: the event runs from the opening to the close."""
    assert ballot_window(election(), NOW) == (OPEN, CLOSE)


@pytest.mark.parametrize(
    ("opens", "close"),
    [(None, CLOSE), (OPEN, None), (None, None)],
    ids=["no opening", "no close", "undated"],
)
def test_a_window_missing_either_end_has_no_event(opens: datetime | None, close: datetime | None) -> None:
    """An election without both ends of its ballot dated has no event."""
    assert ballot_window(election(opens=opens, close=close), NOW) is None


def test_a_closed_window_has_no_event() -> None:
    """Once the close has passed (or is now), the event goes."""
    assert ballot_window(election(), CLOSE) is None
    assert ballot_window(election(), CLOSE + timedelta(days=1)) is None


def test_an_open_window_starts_a_minute_from_now() -> None:
    """Discord refuses a start in the past, so a window already open starts just ahead of now."""
    now = OPEN + timedelta(days=3)
    assert ballot_window(election(), now) == (now + START_MARGIN, CLOSE)


def test_the_plan_deletes_events_of_gone_or_undated_elections_and_keeps_the_rest() -> None:
    """Linked events of a deleted or undated election are deleted; dated ones keep their event, new ones get one."""
    kept, undated, new = election(1), election(2, opens=None), election(3, name="Regions 2025")
    plan = plan_events([kept, undated, new], {1: 101, 2: 102, 9: 109}, NOW)
    assert plan.delete == (102, 109)
    assert plan.keep == (
        WantedEvent(kept, "NEC 2025: ballot open", OPEN, CLOSE, 101),
        WantedEvent(new, "Regions 2025: ballot open", OPEN, CLOSE, None),
    )


def test_a_long_election_name_is_cut_to_discords_limit() -> None:
    """An event name never exceeds Discord's 100 characters."""
    [wanted] = plan_events([election(name="N" * 200)], {}, NOW).keep
    assert len(wanted.name) == 100 and wanted.name.endswith("…")


def wanted(start: datetime = OPEN, end: datetime = CLOSE, name: str = "NEC 2025: ballot open") -> WantedEvent:
    return WantedEvent(election(), name, start, end, 101)


def test_an_event_already_in_step_is_left_alone() -> None:
    """Same start, end and name: nothing is sent to Discord."""
    assert event_edit(OPEN, CLOSE, "NEC 2025: ballot open", wanted(), NOW) is None


def test_an_event_not_yet_started_moves_all_of_it() -> None:
    """Before it starts, a moved window moves the event's start, end and name together."""
    later = CLOSE + timedelta(days=7)
    assert event_edit(OPEN, CLOSE, "old", wanted(OPEN - timedelta(days=1), later), NOW) == EventEdit(
        name="NEC 2025: ballot open", end=later, start=OPEN - timedelta(days=1)
    )


def test_a_started_event_keeps_its_start_and_moves_only_its_end_and_name() -> None:
    """Discord refuses to move an active event's start, so only the end and name are compared and sent."""
    now = OPEN + timedelta(days=2)
    assert event_edit(OPEN, CLOSE, "NEC 2025: ballot open", wanted(now + START_MARGIN), now) is None
    later = CLOSE + timedelta(days=7)
    assert event_edit(OPEN, CLOSE, "NEC 2025: ballot open", wanted(now + START_MARGIN, later), now) == EventEdit(
        name="NEC 2025: ballot open", end=later, start=None
    )


def test_an_event_without_an_end_is_given_one() -> None:
    """An event Discord returns without an end time is moved to the window's close."""
    assert event_edit(OPEN, None, "NEC 2025: ballot open", wanted(), NOW) == EventEdit(
        name="NEC 2025: ballot open", end=CLOSE, start=OPEN
    )
