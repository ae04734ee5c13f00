"""
The Discord scheduled event that mirrors each election's ballot window: which to make, move or delete. Pure.

Members see a postal ballot's window in their server's event list, where Discord counts it down for them. The
rules here decide what that list should hold; ``cogs/reminders/_events.py`` carries the decision out.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.enums import MilestoneKind
from bot.domain.models import Election
from bot.domain.text import truncate

#: Discord refuses an event whose start is in the past, so the event of a window already open starts this
#: long from now (a minute covers the time the request takes to reach Discord).
START_MARGIN = timedelta(minutes=1)
#: Discord's longest event name.
NAME_LIMIT = 100
#: Discord's longest event description.
DESCRIPTION_LIMIT = 1000
DESCRIPTION = "The postal ballot is open. Papers must arrive by the close; use /howtovote to see your own papers."
LOCATION = "Postal ballot: papers go to members' home addresses"


def ballot_window(election: Election, now: datetime) -> tuple[datetime, datetime] | None:
    """
    The ballot window to mirror as an event, or None when there is none to show.

    1. Both the opening and the close must be dated.
    2. A window whose close has passed is not shown.
    3. A window already open starts :data:`START_MARGIN` from now, since Discord refuses a start in the past.
    """
    opens = election.at(MilestoneKind.BALLOT_OPEN)
    close = election.at(MilestoneKind.BALLOT_CLOSE)
    if opens is None or close is None or close <= now:
        return None
    return max(opens, now + START_MARGIN), close


def event_name(election: Election) -> str:
    """The event's name as members see it in the server's event list."""
    return truncate(f"{election.name}: ballot open", NAME_LIMIT)


@dataclass(frozen=True, slots=True)
class WantedEvent:
    """The event one election's ballot window should have; ``event_id`` is the event already linked, if any."""

    election: Election
    name: str
    start: datetime
    end: datetime
    event_id: int | None


@dataclass(frozen=True, slots=True)
class EventPlan:
    """What bringing a guild's events in step takes: events to delete, then events to make or move."""

    delete: tuple[int, ...]
    keep: tuple[WantedEvent, ...]


def plan_events(elections: Iterable[Election], links: Mapping[int, int], now: datetime) -> EventPlan:
    """
    The events a guild should have, given its elections and the events already linked to them (election -> event).

    1. A linked event goes when its election is gone or has no window to show (:func:`ballot_window`).
    2. Every election with a window keeps (or gets) one event, reusing its linked event when there is one.
    """
    by_id = {election.id: election for election in elections}
    windows = {election_id: ballot_window(election, now) for election_id, election in by_id.items()}
    delete = tuple(event_id for election_id, event_id in links.items() if windows.get(election_id) is None)
    keep = tuple(
        WantedEvent(election, event_name(election), window[0], window[1], links.get(election.id))
        for election in by_id.values()
        if (window := windows[election.id]) is not None
    )
    return EventPlan(delete, keep)


@dataclass(frozen=True, slots=True)
class EventEdit:
    """The fields to send when moving an event; ``start`` is None when the event has started."""

    name: str
    end: datetime
    start: datetime | None


def event_edit(
    current_start: datetime, current_end: datetime | None, current_name: str, wanted: WantedEvent, now: datetime
) -> EventEdit | None:
    """
    How an existing event must change to match ``wanted``, or None when it already does.

    An event that has started keeps its start: Discord refuses to move the start of an active event, so only
    its name and end are compared and sent.
    """
    started = current_start <= now
    start = current_start if started else wanted.start
    if (current_start, current_end, current_name) == (start, wanted.end, wanted.name):
        return None
    return EventEdit(name=wanted.name, end=wanted.end, start=None if started else wanted.start)
