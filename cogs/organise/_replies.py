"""The organiser's replies that need more than one line to say what a change means."""

import discord

from bot.domain.enums import MilestoneKind
from bot.domain.text import counted, plain
from bot.services.results import RecordedResult


def recorded_text(recorded: RecordedResult) -> str:
    """
    The ``/organise result set`` reply: who, in which seat and election, and the outcome, agreeing in number.

    E.g. "Recorded 5,000 votes for **Tom Barker** (East Midlands Regional (Male), NEC 2025): elected.", with a
    note when the ballot is still open or when this result stops the election's reminders.
    """
    result = recorded.result
    outcome = "" if result.elected is None else (": elected" if result.elected else ": not elected")
    election = plain(recorded.election.name)
    who = f"**{plain(recorded.candidate.name)}** ({plain(recorded.seat.name)}, {election})"
    lines = [f"Recorded {counted(result.votes, 'vote')} for {who}{outcome}."]
    close = recorded.election.at(MilestoneKind.BALLOT_CLOSE)
    still_open = (
        f"the {election} ballot is still open until {discord.utils.format_dt(close, 'F')}"
        if recorded.ballot_open and close is not None
        else None
    )
    if recorded.reminders_stop:
        lines.append(
            f"Every contested seat of {election} now has its result, so no more reminders go out for it"
            + (f", although {still_open}." if still_open else ".")
        )
    elif still_open:
        lines.append(
            f"Note: {still_open}, so its reminders go on until every contested seat has its result "
            "(or the results date passes)."
        )
    return "\n".join(lines)
