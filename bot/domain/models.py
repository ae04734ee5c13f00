"""
Frozen records of the domain.

Every datetime here is timezone-aware and in UTC; conversion to the guild's zone happens at the edges.
Identifiers are SQLite row ids, scoped by ``guild_id``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.domain.enums import ElectorateType, MilestoneKind, Nation


@dataclass(frozen=True, slots=True)
class GuildConfig:
    """One guild's settings: a guild is one campaign."""

    guild_id: int
    timezone: str = "Europe/London"
    organiser_role_id: int | None = None
    slate: str | None = None
    nation: Nation = Nation.ENGLAND
    post_days: int = 2
    reminder_channel_id: int | None = None
    reminder_role_id: int | None = None
    reminder_offsets: str = "7d,1d,0"
    reminders_enabled: bool = True


@dataclass(frozen=True, slots=True)
class Milestone:
    """A dated step of an election's timetable."""

    kind: MilestoneKind
    at: datetime


@dataclass(frozen=True, slots=True)
class Election:
    """An election (``NEC 2025``) with its timetable."""

    id: int
    guild_id: int
    name: str
    description: str | None = None
    timetable: tuple[Milestone, ...] = ()

    def at(self, kind: MilestoneKind) -> datetime | None:
        """When the milestone of this kind falls, or ``None`` if it is not dated."""
        for milestone in self.timetable:
            if milestone.kind is kind:
                return milestone.at
        return None


@dataclass(frozen=True, slots=True)
class Seat:
    """A seat in an election, with who votes for it and how many it elects."""

    id: int
    guild_id: int
    election_id: int
    name: str
    electorate_type: ElectorateType
    electorate: str
    places: int = 1


@dataclass(frozen=True, slots=True)
class Slate:
    """A named list of candidates with a platform."""

    id: int
    guild_id: int
    name: str


@dataclass(frozen=True, slots=True)
class PlatformPoint:
    """One numbered point of a slate's programme; ``position`` counts from 1."""

    id: int
    guild_id: int
    slate_id: int
    position: int
    text: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person standing for one seat."""

    id: int
    guild_id: int
    seat_id: int
    name: str
    slate: str | None = None
    branch: str | None = None
    job: str | None = None
    incumbent: bool = False
    statement: str | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """Votes for a candidate; ``elected`` is the organiser's word and wins over the arithmetic."""

    candidate_id: int
    guild_id: int
    votes: int
    elected: bool | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who changed what, with the record before and after."""

    id: int
    guild_id: int
    actor_id: int
    action: str
    before: dict[str, object] | None
    after: dict[str, object] | None
    at: datetime


@dataclass(frozen=True, slots=True)
class SentReminder:
    """A reminder Discord accepted; its ``job_id`` is never posted again."""

    guild_id: int
    job_id: str
    sent_at: datetime
    message_id: int | None = None
    late: bool = False


@dataclass(frozen=True, slots=True)
class SeatWithCandidates:
    """A seat and everyone standing for it, for display."""

    seat: Seat
    candidates: tuple[Candidate, ...] = field(default=())

    @property
    def unopposed(self) -> bool:
        """No more candidates than places (and at least one): elected without a contest."""
        return 0 < len(self.candidates) <= self.seat.places


@dataclass(frozen=True, slots=True)
class Nomination:
    """A body (branch or self-organised group) nominated a candidate, perhaps on a known day."""

    id: int
    guild_id: int
    candidate_id: int
    body: str
    on: date | None


# --- After the election: meetings, motions and how our members voted ---------------------------------------


class VoteCast(StrEnum):
    """How one of the slate's members voted on a motion, named as the contract names it."""

    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"
    ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting of the body the slate stood for (the NEC), on a calendar day (no time, no time zone)."""

    id: int
    guild_id: int
    title: str
    held_on: date
    body: str = "NEC"


@dataclass(frozen=True, slots=True)
class Motion:
    """
    A motion put to a meeting, with the body's own figures.

    ``carried_flag`` is the organiser's word and wins over the arithmetic; ``None`` means "by the figures":
    carried when more voted for than against.
    """

    id: int
    guild_id: int
    meeting_id: int
    text: str
    votes_for: int
    votes_against: int
    abstentions: int = 0
    carried_flag: bool | None = None

    @property
    def carried(self) -> bool:
        """Whether the motion was carried: the organiser's word, else more for than against."""
        if self.carried_flag is not None:
            return self.carried_flag
        return self.votes_for > self.votes_against


@dataclass(frozen=True, slots=True)
class MemberVote:
    """How one of the slate's members (named as in the results) voted on one motion."""

    id: int
    guild_id: int
    motion_id: int
    member: str
    vote: VoteCast
