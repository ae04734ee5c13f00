"""The record after the election: the body's meetings, their motions, and how the slate's members voted."""

from datetime import date

from bot.domain.models import Meeting, MemberVote, Motion, VoteCast
from bot.domain.text import normalise
from storage import _rows
from storage.database import Database

_MEETING_COLUMNS = "id, guild_id, title, held_on, body"
#: Newest first: the day, then the order they were recorded in (two meetings on one day).
_MEETINGS = f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE guild_id = ? ORDER BY held_on DESC, id DESC"  # noqa: S608
_MEETING = f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE guild_id = ? AND id = ?"  # noqa: S608
_FIND_MEETING = f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE guild_id = ? AND held_on = ? AND title_key = ?"  # noqa: S608
_ADD_MEETING = "INSERT INTO meetings (guild_id, title, title_key, held_on, body) VALUES (?, ?, ?, ?, ?)"
_SET_BODY = "UPDATE meetings SET body = ? WHERE guild_id = ? AND id = ?"

_MOTION_COLUMNS = "id, guild_id, meeting_id, text, votes_for, votes_against, abstentions, carried"
#: A meeting's motions in the order they were recorded: the order of its agenda.
_MOTIONS = f"SELECT {_MOTION_COLUMNS} FROM motions WHERE guild_id = ? ORDER BY meeting_id, id"  # noqa: S608
_MOTIONS_OF = f"SELECT {_MOTION_COLUMNS} FROM motions WHERE guild_id = ? AND meeting_id = ? ORDER BY id"  # noqa: S608
_MOTION = f"SELECT {_MOTION_COLUMNS} FROM motions WHERE guild_id = ? AND id = ?"  # noqa: S608
_ADD_MOTION = """
INSERT INTO motions (guild_id, meeting_id, text, votes_for, votes_against, abstentions, carried)
VALUES (?, ?, ?, ?, ?, ?, ?)
"""
_UPDATE_MOTION = """
UPDATE motions SET text = ?, votes_for = ?, votes_against = ?, abstentions = ?, carried = ?
WHERE guild_id = ? AND id = ?
"""

_VOTE_COLUMNS = "id, guild_id, motion_id, member, vote"
_VOTES = f"SELECT {_VOTE_COLUMNS} FROM member_votes WHERE guild_id = ? ORDER BY motion_id, id"  # noqa: S608
_VOTES_ON = f"SELECT {_VOTE_COLUMNS} FROM member_votes WHERE guild_id = ? AND motion_id = ? ORDER BY id"  # noqa: S608
_VOTES_OF = f"SELECT {_VOTE_COLUMNS} FROM member_votes WHERE guild_id = ? AND member_key = ? ORDER BY motion_id"  # noqa: S608
_ADD_VOTE = "INSERT INTO member_votes (guild_id, motion_id, member, member_key, vote) VALUES (?, ?, ?, ?, ?)"
_UPDATE_VOTE = "UPDATE member_votes SET member = ?, member_key = ?, vote = ? WHERE guild_id = ? AND id = ?"
_MEMBERS = "SELECT member, member_key FROM member_votes WHERE guild_id = ? ORDER BY id"


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


class RecordRepository:
    """Reads and writes ``meetings``, ``motions`` and ``member_votes``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- meetings --------------------------------------------------------------------------------------------

    async def meetings(self, guild_id: int) -> list[Meeting]:
        """The guild's meetings, newest first."""
        return [_rows.meeting(r) for r in await self._db.fetch_all(_MEETINGS, (guild_id,))]

    async def meeting(self, guild_id: int, meeting_id: int) -> Meeting | None:
        """One meeting by id, or ``None``."""
        row = await self._db.fetch_one(_MEETING, (guild_id, meeting_id))
        return None if row is None else _rows.meeting(row)

    async def find_meeting(self, guild_id: int, title: str, held_on: date) -> Meeting | None:
        """The meeting of that title (matched forgivingly) on that day, or ``None``."""
        row = await self._db.fetch_one(_FIND_MEETING, (guild_id, held_on.isoformat(), normalise(title)))
        return None if row is None else _rows.meeting(row)

    async def add_meeting(self, guild_id: int, title: str, held_on: date, body: str) -> Meeting:
        """Store a new meeting."""
        meeting_id = await self._db.insert(_ADD_MEETING, (guild_id, title, normalise(title), held_on.isoformat(), body))
        return Meeting(meeting_id, guild_id, title, held_on, body)

    async def set_body(self, guild_id: int, meeting_id: int, body: str) -> int:
        """Change which body met; returns rows changed."""
        return await self._db.execute(_SET_BODY, (body, guild_id, meeting_id))

    # -- motions ---------------------------------------------------------------------------------------------

    async def motions(self, guild_id: int, meeting_id: int | None = None) -> list[Motion]:
        """The guild's motions (of one meeting when given), in the order they were recorded."""
        if meeting_id is None:
            rows = await self._db.fetch_all(_MOTIONS, (guild_id,))
        else:
            rows = await self._db.fetch_all(_MOTIONS_OF, (guild_id, meeting_id))
        return [_rows.motion(r) for r in rows]

    async def motion(self, guild_id: int, motion_id: int) -> Motion | None:
        """One motion by id, or ``None``."""
        row = await self._db.fetch_one(_MOTION, (guild_id, motion_id))
        return None if row is None else _rows.motion(row)

    async def add_motion(self, motion: Motion) -> Motion:
        """Store a new motion (``motion.id`` is ignored) and return it with its id."""
        motion_id = await self._db.insert(
            _ADD_MOTION,
            (
                motion.guild_id,
                motion.meeting_id,
                motion.text,
                motion.votes_for,
                motion.votes_against,
                motion.abstentions,
                _flag(motion.carried_flag),
            ),
        )
        return Motion(
            motion_id,
            motion.guild_id,
            motion.meeting_id,
            motion.text,
            motion.votes_for,
            motion.votes_against,
            motion.abstentions,
            motion.carried_flag,
        )

    async def update_motion(self, motion: Motion) -> int:
        """Write a motion's wording, figures and outcome; returns rows changed."""
        return await self._db.execute(
            _UPDATE_MOTION,
            (
                motion.text,
                motion.votes_for,
                motion.votes_against,
                motion.abstentions,
                _flag(motion.carried_flag),
                motion.guild_id,
                motion.id,
            ),
        )

    # -- votes -----------------------------------------------------------------------------------------------

    async def votes(self, guild_id: int, motion_id: int | None = None) -> list[MemberVote]:
        """Our members' votes (on one motion when given), in the order they were recorded."""
        if motion_id is None:
            rows = await self._db.fetch_all(_VOTES, (guild_id,))
        else:
            rows = await self._db.fetch_all(_VOTES_ON, (guild_id, motion_id))
        return [_rows.member_vote(r) for r in rows]

    async def votes_of(self, guild_id: int, member: str) -> list[MemberVote]:
        """Every vote recorded for one member (named forgivingly)."""
        return [_rows.member_vote(r) for r in await self._db.fetch_all(_VOTES_OF, (guild_id, normalise(member)))]

    async def add_vote(self, guild_id: int, motion_id: int, member: str, vote: VoteCast) -> MemberVote:
        """Store how a member voted on a motion."""
        vote_id = await self._db.insert(_ADD_VOTE, (guild_id, motion_id, member, normalise(member), vote.value))
        return MemberVote(vote_id, guild_id, motion_id, member, vote)

    async def update_vote(self, vote: MemberVote) -> int:
        """Write a recorded vote's member spelling and vote; returns rows changed."""
        return await self._db.execute(
            _UPDATE_VOTE, (vote.member, normalise(vote.member), vote.vote.value, vote.guild_id, vote.id)
        )

    async def members(self, guild_id: int) -> list[str]:
        """Every member with a vote recorded, each once (as first recorded), in the order first recorded."""
        seen: dict[str, str] = {}
        for row in await self._db.fetch_all(_MEMBERS, (guild_id,)):
            seen.setdefault(row["member_key"], row["member"])
        return list(seen.values())
