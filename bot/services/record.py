"""
After the election: the body's meetings, their motions and how the slate's members voted, and the record read back.

The rules are :mod:`bot.domain.record`'s; here they meet the stored data. Every change is one transaction with its
audit entry, and a refused one writes nothing.
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.domain.dates import parse_date, utc_to_local
from bot.domain.models import Meeting, MemberVote, Motion, VoteCast
from bot.domain.record import (
    DEFAULT_BODY,
    MOTION_TEXT_LIMIT,
    check_count,
    known_spelling,
    long_date,
    meeting_label,
    meeting_value,
    motion_value,
    over_totals,
    parse_vote,
    read_meeting_ref,
    read_motion_ref,
    short_date,
    starts_the_same,
)
from bot.domain.text import best_matches, normalise, plain, resolve, truncate
from bot.errors import Conflict, InvalidInput, NotFound, UserError
from bot.services._base import Service
from bot.services._validate import clean_name, clean_text
from bot.services.results import ResultService
from storage.repositories import Repositories

#: How a refusal that changes nothing tells the organiser to put a recorded figure or vote right.
CORRECT_BY_IMPORT = (
    "To correct what is recorded, export it (`/organise export`), change the file and import it back "
    "(`/organise import`): an import updates a motion's figures and a member's vote."
)


@dataclass(frozen=True, slots=True)
class NumberedMotion:
    """A motion with its meeting and its number there (from 1, in the order recorded)."""

    motion: Motion
    meeting: Meeting
    number: int

    @property
    def value(self) -> str:
        """How an option names it: ``2024-05-23 #2: To invite…``."""
        return motion_value(self.meeting, self.number, self.motion)


@dataclass(frozen=True, slots=True)
class MotionVotes:
    """A motion, its number in its meeting, and our members' votes on it."""

    motion: Motion
    number: int
    votes: tuple[MemberVote, ...] = ()


@dataclass(frozen=True, slots=True)
class MeetingReport:
    """What ``/record meeting:`` shows and ``/organise meeting post`` posts: every motion and our members' votes."""

    meeting: Meeting
    motions: tuple[MotionVotes, ...]
    slate: str | None = None


@dataclass(frozen=True, slots=True)
class MemberEntry:
    """One vote of a member, with the motion and meeting it was cast at."""

    meeting: Meeting
    motion: Motion
    number: int
    vote: VoteCast


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """What ``/record member:`` shows: one member's votes on every recorded motion, newest meeting first."""

    member: str
    entries: tuple[MemberEntry, ...]
    #: Only the votes at this meeting (``/record`` given both a member and a meeting).
    meeting: Meeting | None = None

    def count(self, kind: VoteCast) -> int:
        """How many of the entries are votes of this kind."""
        return sum(1 for entry in self.entries if entry.vote is kind)


@dataclass(frozen=True, slots=True)
class LatestMeetings:
    """What ``/record`` with no option shows: the meetings, newest first, each with its motions."""

    meetings: tuple[tuple[Meeting, tuple[Motion, ...]], ...]


RecordView = MemberRecord | MeetingReport | LatestMeetings


@dataclass(frozen=True, slots=True)
class AddedMotion:
    """A motion just recorded, with its meeting and its number there."""

    motion: Motion
    meeting: Meeting
    number: int


@dataclass(frozen=True, slots=True)
class RecordedVote:
    """A member's vote just recorded; ``known`` is false for a name found in no result nor earlier vote."""

    vote: MemberVote
    motion: Motion
    meeting: Meeting
    number: int
    known: bool


@dataclass(frozen=True, slots=True)
class MemberNames:
    """The names a ``member`` option offers, in the order it offers them."""

    #: The guild slate's candidates with an elected result (any candidate elected, when no slate is set).
    elected: tuple[str, ...]
    #: Everyone with a vote recorded who is not elected in the results.
    recorded: tuple[str, ...]
    #: The guild slate's other candidates.
    slate: tuple[str, ...]

    def all(self) -> list[str]:
        """Every name, in order."""
        return [*self.elected, *self.recorded, *self.slate]


def _dedupe(names: list[str], taken: set[str]) -> tuple[str, ...]:
    """``names`` without those (by match key) in ``taken``, each once; ``taken`` grows with them."""
    kept = []
    for name in names:
        key = normalise(name)
        if key and key not in taken:
            taken.add(key)
            kept.append(name)
    return tuple(kept)


class RecordService(Service):
    """Records meetings, motions and our members' votes, and reads the record back."""

    def __init__(self, repos: Repositories, clock: Clock, results: ResultService) -> None:
        super().__init__(repos, clock)
        self.results = results

    # --- Writing ---------------------------------------------------------------------------------------

    async def add_meeting(self, guild_id: int, actor_id: int, title: str, day: str, body: str | None = None) -> Meeting:
        """
        Record a meeting of the body (``NEC`` unless named) on a day typed as the contract allows.

        A meeting with the same title on the same day is refused: it is already recorded.
        """
        cleaned = clean_name(title, "meeting")
        who = clean_name(body, "body") if body is not None and body.strip() else DEFAULT_BODY
        config = await self.repos.guilds.get(guild_id)
        today = utc_to_local(self.clock.now(), ZoneInfo(config.timezone)).date()
        held_on = parse_date(day, today=today)
        async with self.db.transaction():
            existing = await self.repos.record.find_meeting(guild_id, cleaned, held_on)
            if existing is not None:
                msg = (
                    f"**{plain(meeting_label(existing))}** is already recorded, so nothing was added. "
                    "Add its motions with `/organise motion add`."
                )
                raise Conflict(msg)
            meeting = await self.repos.record.add_meeting(guild_id, cleaned, held_on, who)
            await self.audit(guild_id, actor_id, "meeting.add", None, _meeting_snapshot(meeting))
        return meeting

    async def add_motion(
        self,
        guild_id: int,
        actor_id: int,
        meeting: str,
        text: str,
        votes_for: int,
        votes_against: int,
        abstain: int = 0,
        carried: bool | None = None,
    ) -> AddedMotion:
        """
        Record a motion put to a meeting, with the body's figures; ``carried`` (when given) wins over them.

        Counts are never negative; the same wording twice at one meeting is refused.
        """
        check_count(votes_for, "for")
        check_count(votes_against, "against")
        check_count(abstain, "abstaining")
        wording = clean_text(text, "motion", MOTION_TEXT_LIMIT)
        if wording is None:
            msg = "Give the motion's wording (what was put to the vote)."
            raise InvalidInput(msg)
        async with self.db.transaction():
            found = await self.resolve_meeting(guild_id, meeting)
            motions = await self.repos.record.motions(guild_id, found.id)
            for number, other in enumerate(motions, start=1):
                if normalise(other.text) == normalise(wording):
                    msg = (
                        f"That motion is already recorded at **{plain(meeting_label(found))}** (motion {number}), so "
                        f"nothing was added. {CORRECT_BY_IMPORT}"
                    )
                    raise Conflict(msg)
            draft = Motion(0, guild_id, found.id, wording, votes_for, votes_against, abstain, carried)
            added = await self.repos.record.add_motion(draft)
            await self.audit(guild_id, actor_id, "motion.add", None, _motion_snapshot(found, added, len(motions) + 1))
        return AddedMotion(added, found, len(motions) + 1)

    async def vote(self, guild_id: int, actor_id: int, motion: str, member: str, vote: str) -> RecordedVote:
        """
        Record how one of our members voted on a motion.

        The member is named as in the results (a known name is stored with its own spelling; another name is
        taken as typed). Refused: a second vote of the same member on the motion (naming the one recorded), and
        a vote that would put more of our members on one side than the motion's own total for it.
        """
        cast = parse_vote(vote)
        typed = clean_name(member, "member")
        async with self.db.transaction():
            target = await self.resolve_motion(guild_id, motion)
            known = await self.member_names(guild_id)
            name = known_spelling(typed, known.all()) or typed
            votes = await self.repos.record.votes(guild_id, target.motion.id)
            key = normalise(name)
            earlier = next((v for v in votes if normalise(v.member) == key), None)
            where = f"motion {target.number} of **{plain(meeting_label(target.meeting))}**"
            if earlier is not None:
                msg = (
                    f"{plain(earlier.member)}'s vote on {where} is already recorded: **{earlier.vote.value}**. "
                    f"A member votes once on a motion, so nothing was changed. {CORRECT_BY_IMPORT}"
                )
                raise Conflict(msg)
            problems = over_totals(target.motion, [*(v.vote for v in votes), cast])
            if problems:
                msg = (
                    f"{plain(name)}'s vote ({cast.value}) was not recorded: {problems[0]}. Our members' votes must "
                    f"fit the motion's own figures ({_figures_phrase(target.motion)}). {CORRECT_BY_IMPORT}"
                )
                raise InvalidInput(msg)
            added = await self.repos.record.add_vote(guild_id, target.motion.id, name, cast)
            await self.audit(
                guild_id,
                actor_id,
                "motion.vote",
                None,
                {
                    # "name" is what the audit log's one-line view shows for an entry.
                    "name": f"{name}: {cast.value}, {meeting_label(target.meeting)} motion {target.number}",
                    "meeting": meeting_label(target.meeting),
                    "motion": truncate(target.motion.text, 200),
                    "member": name,
                    "vote": cast.value,
                },
            )
        return RecordedVote(added, target.motion, target.meeting, target.number, known=key in _keys(known.all()))

    # --- Finding what an option names ----------------------------------------------------------------

    async def resolve_meeting(self, guild_id: int, text: str) -> Meeting:
        """
        The meeting an option names, found forgivingly.

        As autocomplete offers it (``2024-05-23 NEC meeting``), by its day alone (any way the contract accepts a
        date), or by its title when only one meeting has it.
        """
        meetings = await self.repos.record.meetings(guild_id)
        if not meetings:
            msg = "No meetings are recorded yet. An organiser adds one with `/organise meeting add`."
            raise NotFound(msg)
        typed = " ".join(text.split())
        if not typed:
            msg = "Name the meeting: pick one from the list, or give its date."
            raise InvalidInput(msg)
        found = await self._meeting_by_day(guild_id, typed, meetings)
        if found is not None:
            return found
        key = normalise(typed)
        titled = [m for m in meetings if normalise(m.title) == key]
        if not titled:
            try:
                titled = [resolve(typed, meetings, lambda m: m.title, what="meeting")]
            except Conflict:
                titled = [m for m in meetings if starts_the_same(typed, m.title)]
            except NotFound:
                close = best_matches(typed, [meeting_value(m) for m in meetings], limit=3)
                msg = f"No meeting called “{plain(truncate(typed, 60))}” is recorded."
                raise NotFound(msg, suggestions=[f"`{plain(value)}`" for value in close]) from None
        if len(titled) == 1:
            return titled[0]
        raise Conflict(_several_meetings(typed, titled))

    async def _meeting_by_day(self, guild_id: int, typed: str, meetings: list[Meeting]) -> Meeting | None:
        """The meeting named by a day (and perhaps a title after it); ``None`` when the text starts with no day."""
        ref = read_meeting_ref(typed)
        if ref is None:
            config = await self.repos.guilds.get(guild_id)
            today = utc_to_local(self.clock.now(), ZoneInfo(config.timezone)).date()
            try:
                day, title = parse_date(typed, today=today), ""
            except UserError:
                return None
        else:
            day, title = ref
        that_day = [m for m in meetings if m.held_on == day]
        if title:
            that_day = [m for m in that_day if starts_the_same(title, m.title)]
        if len(that_day) == 1:
            return that_day[0]
        if len(that_day) > 1:
            raise Conflict(_several_meetings(typed, that_day))
        listed = [f"`{meeting_value(m)}`" for m in meetings[:3]]
        msg = f"No meeting{' called that' if title else ''} is recorded on {long_date(day)}."
        raise NotFound(msg, suggestions=listed)

    async def numbered_motions(self, guild_id: int) -> list[NumberedMotion]:
        """Every motion with its meeting and number, newest meeting first, each meeting's in order."""
        meetings = await self.repos.record.meetings(guild_id)
        motions = await self.repos.record.motions(guild_id)
        out: list[NumberedMotion] = []
        for meeting in meetings:
            mine = [m for m in motions if m.meeting_id == meeting.id]
            out.extend(NumberedMotion(m, meeting, number) for number, m in enumerate(mine, start=1))
        return out

    async def resolve_motion(self, guild_id: int, text: str) -> NumberedMotion:
        """
        The motion an option names, found forgivingly.

        As autocomplete offers it (``2024-05-23 #2: To invite…``), or by its wording (or the start of it) when
        only one motion reads so.
        """
        motions = await self.numbered_motions(guild_id)
        if not motions:
            msg = "No motions are recorded yet. An organiser adds one with `/organise motion add`."
            raise NotFound(msg)
        typed = " ".join(text.split())
        if not typed:
            msg = "Name the motion: pick one from the list."
            raise InvalidInput(msg)
        ref = read_motion_ref(typed)
        if ref is not None:
            day, number, head = ref
            hits = [m for m in motions if m.meeting.held_on == day and m.number == number]
            if len(hits) > 1 and head:
                hits = [m for m in hits if starts_the_same(head, m.motion.text)] or hits
            if len(hits) == 1:
                return hits[0]
            if hits:
                raise Conflict(_several_motions(typed, hits))
            msg = f"No motion {number} is recorded at a meeting on {long_date(day)}."
            raise NotFound(msg, suggestions=[f"`{m.value}`" for m in motions if m.meeting.held_on == day][:3])
        key = normalise(typed)
        hits = [m for m in motions if normalise(m.motion.text) == key] or [
            m for m in motions if starts_the_same(typed, m.motion.text)
        ]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise Conflict(_several_motions(typed, hits))
        close = best_matches(typed, [m.value for m in motions], limit=3)
        msg = f"No recorded motion reads “{plain(truncate(typed, 60))}”."
        raise NotFound(msg, suggestions=[f"`{value}`" for value in close])

    # --- Reading ---------------------------------------------------------------------------------------

    async def view(self, guild_id: int, member: str | None = None, meeting: str | None = None) -> RecordView:
        """
        What ``/record`` shows, from its options.

        A member's votes (only those at one meeting, when a meeting is named too), a meeting's report, or, with
        neither option, the latest meetings.
        """
        if member is not None and member.strip():
            record = await self.member_record(guild_id, member)
            if meeting is None or not meeting.strip():
                return record
            chosen = await self.resolve_meeting(guild_id, meeting)
            entries = tuple(e for e in record.entries if e.meeting.id == chosen.id)
            if not entries:
                msg = f"No votes of {plain(record.member)} are recorded at **{plain(meeting_label(chosen))}**."
                raise NotFound(msg)
            return MemberRecord(record.member, entries, chosen)
        if meeting is not None and meeting.strip():
            return await self.meeting_report(guild_id, meeting)
        return await self.latest(guild_id)

    async def member_record(self, guild_id: int, member: str) -> MemberRecord:
        """One member's votes on every recorded motion: newest meeting first, each meeting's motions in order."""
        names = await self.repos.record.members(guild_id)
        typed = " ".join(member.split())
        try:
            name = resolve(typed, names, lambda n: n, what="member")
        except NotFound as missing:
            known = known_spelling(typed, (await self.member_names(guild_id)).all())
            if known is not None:
                msg = (
                    f"No votes are recorded yet for {plain(known)}. Organisers record them with "
                    "`/organise motion vote`."
                )
                raise NotFound(msg) from None
            if not names:
                msg = "No votes are recorded yet. Organisers record them with `/organise motion vote`."
                raise NotFound(msg) from None
            msg = f"No votes are recorded for anyone called “{plain(truncate(typed, 60))}”."
            raise NotFound(msg, suggestions=missing.suggestions) from None
        by_motion = {m.motion.id: m for m in await self.numbered_motions(guild_id)}
        order = {motion_id: index for index, motion_id in enumerate(by_motion)}
        votes = sorted(
            (v for v in await self.repos.record.votes_of(guild_id, name) if v.motion_id in by_motion),
            key=lambda v: order[v.motion_id],
        )
        entries = tuple(
            MemberEntry(
                by_motion[v.motion_id].meeting, by_motion[v.motion_id].motion, by_motion[v.motion_id].number, v.vote
            )
            for v in votes
        )
        return MemberRecord(name, entries)

    async def meeting_report(self, guild_id: int, meeting: str | Meeting) -> MeetingReport:
        """A meeting's motions, with the figures, the outcome and how each of our members voted."""
        found = meeting if isinstance(meeting, Meeting) else await self.resolve_meeting(guild_id, meeting)
        motions = await self.repos.record.motions(guild_id, found.id)
        votes = await self.repos.record.votes(guild_id)
        config = await self.repos.guilds.get(guild_id)
        return MeetingReport(
            found,
            tuple(
                MotionVotes(m, number, tuple(v for v in votes if v.motion_id == m.id))
                for number, m in enumerate(motions, start=1)
            ),
            config.slate,
        )

    async def latest(self, guild_id: int) -> LatestMeetings:
        """Every recorded meeting, newest first, with its motions; refused when there is none yet."""
        meetings = await self.repos.record.meetings(guild_id)
        if not meetings:
            msg = (
                "No meetings are recorded yet. Organisers add them with `/organise meeting add`, then their motions "
                "(`/organise motion add`) and how our members voted (`/organise motion vote`)."
            )
            raise NotFound(msg)
        motions = await self.repos.record.motions(guild_id)
        return LatestMeetings(tuple((m, tuple(x for x in motions if x.meeting_id == m.id)) for m in meetings))

    # --- Autocomplete ----------------------------------------------------------------------------------

    async def member_names(self, guild_id: int) -> MemberNames:
        """The member names to offer: our elected members, then others with votes, then our other candidates."""
        config = await self.repos.guilds.get(guild_id)
        elected: list[str] = []
        slate: list[str] = []
        for election in await self.repos.elections.all(guild_id):
            results = await self.results.election_results(guild_id, election, compare=False)
            for seat in results.seats:
                for row in seat.candidates:
                    if row.on_slate or (config.slate is None and row.elected):
                        (elected if row.elected else slate).append(row.candidate.name)
        taken: set[str] = set()
        first = _dedupe(elected, taken)
        recorded = _dedupe(await self.repos.record.members(guild_id), taken)
        return MemberNames(first, recorded, _dedupe(slate, taken))

    async def recorded_members(self, guild_id: int) -> MemberNames:
        """Members with a vote recorded (what ``/record member:`` can show): the elected ones, then the others."""
        names = await self.member_names(guild_id)
        recorded = _keys(await self.repos.record.members(guild_id))
        return MemberNames(tuple(n for n in names.elected if normalise(n) in recorded), names.recorded, ())

    async def meeting_choices(self, guild_id: int) -> list[tuple[str, str]]:
        """``(label, value)`` for meeting autocomplete, newest first: ``23 May 2024 · NEC meeting (NEC)``."""
        return [
            (truncate(f"{short_date(m.held_on)} · {m.title} ({m.body})", 100), meeting_value(m))
            for m in await self.repos.record.meetings(guild_id)
        ]

    async def motion_choices(self, guild_id: int) -> list[tuple[str, str]]:
        """``(label, value)`` for motion autocomplete, newest meeting first: ``2024-05-23 #2: To invite…``."""
        return [(m.value, m.value) for m in await self.numbered_motions(guild_id)]


def _keys(names: list[str]) -> set[str]:
    return {normalise(n) for n in names}


def _meeting_snapshot(meeting: Meeting) -> dict[str, object]:
    """A meeting for the audit log; ``name`` is what the log's one-line view shows."""
    return {
        "name": meeting_label(meeting),
        "title": meeting.title,
        "date": meeting.held_on.isoformat(),
        "body": meeting.body,
    }


def _motion_snapshot(meeting: Meeting, motion: Motion, number: int) -> dict[str, object]:
    """A motion for the audit log; ``name`` is what the log's one-line view shows."""
    return {
        "name": f"{meeting_label(meeting)} motion {number}",
        "meeting": meeting_label(meeting),
        "text": motion.text,
        "for": motion.votes_for,
        "against": motion.votes_against,
        "abstain": motion.abstentions,
        "carried": motion.carried,
        "carried_by": "organiser" if motion.carried_flag is not None else "figures",
    }


def _figures_phrase(motion: Motion) -> str:
    return f"{motion.votes_for:,} for, {motion.votes_against:,} against, {motion.abstentions:,} abstaining"


def _several_meetings(typed: str, meetings: list[Meeting]) -> str:
    listed = ", ".join(f"`{meeting_value(m)}`" for m in meetings[:10])
    return (
        f"“{plain(truncate(typed, 60))}” matches several meetings: {listed}. Pick one from the list, or give the "
        "date first as shown."
    )


def _several_motions(typed: str, motions: list[NumberedMotion]) -> str:
    listed = ", ".join(f"`{plain(m.value)}`" for m in motions[:10])
    return (
        f"“{plain(truncate(typed, 60))}” matches motions at several meetings: {listed}. Pick one from the list, or "
        "give it by its meeting's date and number, e.g. `2024-05-23 #2`."
    )
