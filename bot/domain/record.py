"""
The record after the election: the body's meetings, its motions, and how the slate's members voted. Pure.

The rules, each applied by the commands and by an import alike:

1. A vote count (for, against, abstaining) is a whole number from 0 to ``MAX_COUNT``; never negative.
2. A motion is carried when the organiser says so, else when more voted for than against.
3. The motion's own totals bound our members' recorded votes: no more of our members recorded ``for`` than
   the motion's votes for, and the same for ``against`` and ``abstain`` (``absent`` is counted nowhere).
4. A member votes once on a motion: a second vote is refused, naming the one already recorded.

A meeting is a calendar day (``YYYY-MM-DD``, no time zone) and a title; it is named in options as
``2024-05-23 NEC meeting`` and a motion as ``2024-05-23 #2: To invite…`` (its meeting's day and its number in
the meeting's order), so that the same title or wording at two meetings can always be told apart.
"""

import re
from collections.abc import Iterable
from datetime import date

from bot.domain.models import Meeting, MemberVote, Motion, VoteCast
from bot.domain.text import normalise, plain, truncate
from bot.errors import InvalidInput

#: More votes than any meeting of a union body has voters: a typo, not a figure.
MAX_COUNT = 100_000
#: The body a meeting belongs to when the organiser names none.
DEFAULT_BODY = "NEC"
#: A motion's wording, as recorded: long enough for a resolution's operative sentence, short enough for an embed.
MOTION_TEXT_LIMIT = 1000
#: Discord shows at most 100 characters for an option's choice, name and value alike.
CHOICE_LIMIT = 100

#: The words the contract uses, and the other ways an organiser (or a file) says them.
_VOTE_WORDS = {
    "for": VoteCast.FOR,
    "yes": VoteCast.FOR,
    "against": VoteCast.AGAINST,
    "no": VoteCast.AGAINST,
    "abstain": VoteCast.ABSTAIN,
    "abstained": VoteCast.ABSTAIN,
    "abstention": VoteCast.ABSTAIN,
    "absent": VoteCast.ABSENT,
    "apologies": VoteCast.ABSENT,
}
#: How each counted vote reads in a sentence about the motion's totals.
_TOTAL_WORDS = {VoteCast.FOR: "for", VoteCast.AGAINST: "against", VoteCast.ABSTAIN: "abstaining"}
_MEETING_REF = re.compile(r"\s*(?P<day>\d{4}-\d{2}-\d{2})(?:\s+(?P<title>.*))?\s*", re.DOTALL)
_MOTION_REF = re.compile(r"\s*(?P<day>\d{4}-\d{2}-\d{2})\s*#(?P<number>\d{1,4})(?:\s*:\s*(?P<text>.*))?\s*", re.DOTALL)


def check_count(value: int, what: str) -> int:
    """Rule 1: a count of votes ``for``, ``against`` or ``abstaining`` is a whole number from 0."""
    if value < 0:
        msg = f"The votes {what} can't be negative (you gave {value:,}). Give the number as the meeting recorded it."
        raise InvalidInput(msg)
    if value > MAX_COUNT:
        msg = f"{value:,} votes {what} is more than any meeting has voters; give a number from 0 to {MAX_COUNT:,}."
        raise InvalidInput(msg)
    return value


def carried_by_figures(votes_for: int, votes_against: int) -> bool:
    """Rule 2 without the organiser's word: carried when more voted for than against."""
    return votes_for > votes_against


def parse_vote(text: str) -> VoteCast:
    """``for``, ``against``, ``abstain`` or ``absent`` (and the usual other words for them), any case."""
    found = _VOTE_WORDS.get(text.strip().casefold())
    if found is None:
        shown = plain(truncate(text.strip(), 40))
        msg = f"“{shown}” is not a vote. Use one of: {', '.join(v.value for v in VoteCast)}."
        raise InvalidInput(msg)
    return found


def over_totals(motion: Motion, votes: Iterable[VoteCast]) -> list[str]:
    """
    Rule 3: each way our members' recorded votes exceed the motion's own total, as a sentence (none: consistent).

    E.g. "3 of our members are recorded as voting against, but the motion had only 2 votes against".
    """
    cast = list(votes)
    totals = {
        VoteCast.FOR: motion.votes_for,
        VoteCast.AGAINST: motion.votes_against,
        VoteCast.ABSTAIN: motion.abstentions,
    }
    problems = []
    for kind, total in totals.items():
        ours = cast.count(kind)
        if ours > total:
            members = "members is" if ours == 1 else "members are"
            voting = "abstaining" if kind is VoteCast.ABSTAIN else f"voting {kind.value}"
            problems.append(
                f"{ours} of our {members} recorded as {voting}, but the motion had only "
                f"{total:,} {'vote' if total == 1 else 'votes'} {_TOTAL_WORDS[kind]}"
            )
    return problems


def outcome_word(motion: Motion) -> str:
    """``carried`` or ``defeated``."""
    return "carried" if motion.carried else "defeated"


def figures(motion: Motion) -> str:
    """``32 for, 21 against`` (with ``, 2 abstaining`` when any abstained)."""
    text = f"{motion.votes_for:,} for, {motion.votes_against:,} against"
    return text + (f", {motion.abstentions:,} abstaining" if motion.abstentions else "")


def outcome_sentence(motion: Motion) -> str:
    """``Carried, 32 for and 21 against.``: the outcome with the figures, as a slate's report puts it."""
    for_, against = f"{motion.votes_for:,} for", f"{motion.votes_against:,} against"
    counts = (
        f"{for_}, {against} and {motion.abstentions:,} abstaining" if motion.abstentions else f"{for_} and {against}"
    )
    return f"{outcome_word(motion).capitalize()}, {counts}."


def long_date(day: date) -> str:
    """``Thursday 23 May 2024``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """``23 May 2024``."""
    return f"{day.day} {day:%B %Y}"


def meeting_value(meeting: Meeting) -> str:
    """How an option names a meeting: ``2024-05-23 NEC meeting`` (cut to what Discord takes)."""
    return truncate(f"{meeting.held_on.isoformat()} {meeting.title}", CHOICE_LIMIT)


def meeting_label(meeting: Meeting) -> str:
    """How a reply names a meeting: ``NEC meeting (23 May 2024)``; plain text, not yet made safe."""
    return f"{meeting.title} ({short_date(meeting.held_on)})"


def motion_value(meeting: Meeting, number: int, motion: Motion) -> str:
    """How an option names a motion: ``2024-05-23 #2: To invite…``, its number counting from 1 in its meeting."""
    return truncate(f"{meeting.held_on.isoformat()} #{number}: {' '.join(motion.text.split())}", CHOICE_LIMIT)


def read_meeting_ref(text: str) -> tuple[date, str] | None:
    """``2024-05-23 NEC meeting`` -> ``(date(2024, 5, 23), "NEC meeting")``; ``None`` when it starts with no day."""
    match = _MEETING_REF.fullmatch(text)
    if match is None:
        return None
    try:
        day = date.fromisoformat(match["day"])
    except ValueError:
        return None
    return day, (match["title"] or "").strip()


def read_motion_ref(text: str) -> tuple[date, int, str] | None:
    """``2024-05-23 #2: To invite…`` -> ``(date(2024, 5, 23), 2, "To invite…")``; ``None`` for other text."""
    match = _MOTION_REF.fullmatch(text)
    if match is None:
        return None
    try:
        day = date.fromisoformat(match["day"])
    except ValueError:
        return None
    return day, int(match["number"]), (match["text"] or "").strip()


def starts_the_same(typed: str, text: str) -> bool:
    """Whether ``typed`` (perhaps cut short with ``…`` by a choice's limit) begins ``text``, forgivingly."""
    head = normalise(typed.rstrip().removesuffix("…"))
    return bool(head) and normalise(text).startswith(head)


def known_spelling(typed: str, known: Iterable[str]) -> str | None:
    """The stored spelling of a member's name typed forgivingly (case, accents, punctuation), or ``None``."""
    key = normalise(typed)
    return next((name for name in known if normalise(name) == key), None) if key else None


def votes_by_kind(votes: Iterable[MemberVote]) -> dict[VoteCast, list[str]]:
    """Our members' names under each way they voted, in the contract's order, each list in the order given."""
    grouped: dict[VoteCast, list[str]] = {kind: [] for kind in VoteCast}
    for vote in votes:
        grouped[vote.vote].append(vote.member)
    return grouped
