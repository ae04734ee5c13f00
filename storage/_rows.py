"""Conversions between SQLite rows and domain models; datetimes are stored as INTEGER unix seconds, UTC."""

import json
from datetime import UTC, date, datetime

from bot.domain.enums import ElectorateType, MilestoneKind, Nation
from bot.domain.models import (
    AuditEntry,
    Candidate,
    GuildConfig,
    Meeting,
    MemberVote,
    Milestone,
    Motion,
    PlatformPoint,
    Result,
    Seat,
    Slate,
    VoteCast,
)
from bot.domain.reminders import SeatCount
from storage.database import Row


def to_unix(instant: datetime) -> int:
    """Aware datetime to unix seconds; a naive one is a bug, not a guess."""
    if instant.tzinfo is None:
        msg = "naive datetimes are not stored; convert to UTC first"
        raise ValueError(msg)
    return int(instant.timestamp())


def from_unix(seconds: int) -> datetime:
    """Unix seconds to an aware UTC datetime."""
    return datetime.fromtimestamp(seconds, UTC)


def to_json(value: dict[str, object] | None) -> str | None:
    """Serialise an audit snapshot."""
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def from_json(text: str | None) -> dict[str, object] | None:
    """Parse an audit snapshot."""
    if text is None:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else {"value": value}


def guild_config(row: Row) -> GuildConfig:
    """A ``guilds`` row (joined with its slate's name as ``slate``)."""
    return GuildConfig(
        guild_id=row["guild_id"],
        timezone=row["timezone"],
        organiser_role_id=row["organiser_role_id"],
        slate=row["slate"],
        nation=Nation(row["nation"]),
        post_days=row["post_days"],
        reminder_channel_id=row["reminder_channel_id"],
        reminder_role_id=row["reminder_role_id"],
        reminder_offsets=row["reminder_offsets"],
        reminders_enabled=bool(row["reminders_enabled"]),
    )


def milestone(row: Row) -> Milestone:
    """A ``milestones`` row."""
    return Milestone(kind=MilestoneKind(row["kind"]), at=from_unix(row["at"]))


def seat(row: Row) -> Seat:
    """A ``seats`` row."""
    return Seat(
        id=row["id"],
        guild_id=row["guild_id"],
        election_id=row["election_id"],
        name=row["name"],
        electorate_type=ElectorateType(row["electorate_type"]),
        electorate=row["electorate"],
        places=row["places"],
    )


def slate(row: Row) -> Slate:
    """A ``slates`` row."""
    return Slate(id=row["id"], guild_id=row["guild_id"], name=row["name"])


def platform_point(row: Row) -> PlatformPoint:
    """A ``platform_points`` row."""
    return PlatformPoint(
        id=row["id"], guild_id=row["guild_id"], slate_id=row["slate_id"], position=row["position"], text=row["text"]
    )


def candidate(row: Row) -> Candidate:
    """A ``candidates`` row joined with its slate's name as ``slate``."""
    return Candidate(
        id=row["id"],
        guild_id=row["guild_id"],
        seat_id=row["seat_id"],
        name=row["name"],
        slate=row["slate"],
        branch=row["branch"],
        job=row["job"],
        incumbent=bool(row["incumbent"]),
        statement=row["statement"],
    )


def result(row: Row) -> Result:
    """A ``results`` row."""
    elected = row["elected"]
    return Result(
        candidate_id=row["candidate_id"],
        guild_id=row["guild_id"],
        votes=row["votes"],
        elected=None if elected is None else bool(elected),
    )


def audit_entry(row: Row) -> AuditEntry:
    """An ``audit_log`` row."""
    return AuditEntry(
        id=row["id"],
        guild_id=row["guild_id"],
        actor_id=row["actor_id"],
        action=row["action"],
        before=from_json(row["before"]),
        after=from_json(row["after"]),
        at=from_unix(row["at"]),
    )


def seat_count(row: Row) -> SeatCount:
    """A seat-counts row (a seat's places, candidates, recorded and elected results) as a record."""
    return SeatCount(
        election_id=row["election_id"],
        places=row["places"],
        candidates=row["candidates"],
        recorded=row["recorded"],
        elected=row["elected"],
    )


def meeting(row: Row) -> Meeting:
    """A ``meetings`` row; its day is stored as ISO text (``YYYY-MM-DD``), a calendar day with no time zone."""
    return Meeting(
        id=row["id"],
        guild_id=row["guild_id"],
        title=row["title"],
        held_on=date.fromisoformat(row["held_on"]),
        body=row["body"],
    )


def motion(row: Row) -> Motion:
    """A ``motions`` row; ``carried`` NULL means "by the figures"."""
    carried = row["carried"]
    return Motion(
        id=row["id"],
        guild_id=row["guild_id"],
        meeting_id=row["meeting_id"],
        text=row["text"],
        votes_for=row["votes_for"],
        votes_against=row["votes_against"],
        abstentions=row["abstentions"],
        carried_flag=None if carried is None else bool(carried),
    )


def member_vote(row: Row) -> MemberVote:
    """A ``member_votes`` row."""
    return MemberVote(
        id=row["id"],
        guild_id=row["guild_id"],
        motion_id=row["motion_id"],
        member=row["member"],
        vote=VoteCast(row["vote"]),
    )
