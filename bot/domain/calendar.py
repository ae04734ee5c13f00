"""An RFC 5545 calendar of an election's timetable, made with the maintained ``icalendar`` library."""

from datetime import datetime, timedelta

import icalendar

from bot.domain.enums import MilestoneKind
from bot.domain.models import Election

PRODID = "-//Slatebot//Campaign timetable//EN"

_DESCRIPTIONS = {
    MilestoneKind.NOMINATIONS_OPEN: "Branches and self-organised groups can nominate candidates from now.",
    MilestoneKind.NOMINATIONS_CLOSE: "Last moment for nominations to arrive.",
    MilestoneKind.BALLOT_OPEN: "Ballot papers go out to members' home addresses.",
    MilestoneKind.REPLACEMENT_DEADLINE: "Last moment to ask the union for a replacement ballot paper.",
    MilestoneKind.BALLOT_CLOSE: "Ballot papers must have ARRIVED by now.",
    MilestoneKind.RESULTS: "The results are declared.",
}


def timetable_calendar(election: Election, *, post_by: datetime | None, stamp: datetime, domain: str) -> bytes:
    """
    Build one VEVENT per dated milestone, plus the post-by day, each a 30-minute event at its UTC instant.

    UIDs are stable (``<election id>-<kind>@<domain>``) so a calendar app that re-imports the file updates its
    events instead of duplicating them. ``stamp`` is the DTSTAMP (when the file was made).
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", election.name)
    entries: list[tuple[str, str, datetime, str]] = [
        (kind.value, f"{election.name}: {kind.label}", at, _DESCRIPTIONS[kind])
        for kind in MilestoneKind
        if (at := election.at(kind)) is not None
    ]
    if post_by is not None:
        entries.append(
            (
                "post_by",
                f"{election.name}: last day to post your ballot paper",
                post_by,
                "Post your ballot paper today at the latest so that it arrives before the ballot closes.",
            )
        )
    for key, summary, at, description in sorted(entries, key=lambda e: e[2]):
        event = icalendar.Event()
        event.add("uid", f"{election.id}-{key}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", at)
        event.add("dtend", at + timedelta(minutes=30))
        event.add("summary", summary)
        event.add("description", description)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
