"""
Import and export of a whole guild's data in the organisers' file format.

Import merges: an election, seat, candidate, slate or platform point found by its name is updated, the rest
added, nothing deleted; so is a meeting found by its title and day, a motion by its wording within its meeting,
and one of our members' votes by the member within the motion. It is all or nothing: the file is parsed and
checked first (every bad line reported), then applied in one transaction; a dry run applies it the same way and
rolls back, so the changes it lists are exactly the ones a real import would make.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from zoneinfo import ZoneInfo

from bot.domain.dates import timetable_conflicts
from bot.domain.document import (
    CandidateRecord,
    Document,
    DocumentError,
    ElectionRecord,
    Format,
    MeetingRecord,
    MotionRecord,
    NominationRecord,
    Problem,
    SeatRecord,
    SettingsRecord,
    SlateRecord,
    VoteRecord,
    detect_format,
    parse,
    render,
)
from bot.domain.enums import MilestoneKind
from bot.domain.models import Candidate, Election, Meeting, Motion, Nomination, Result
from bot.domain.record import DEFAULT_BODY, over_totals
from bot.domain.results import overfilled
from bot.domain.text import counted, normalise, plain
from bot.errors import NotFound
from bot.services._base import Service
from bot.services.slates import import_near_misses

MAX_IMPORT_BYTES = 5_000_000

#: Looks up (creating if new) a slate's id by name, remembering what it found.
_SlateIds = Callable[[str], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class Change:
    """One addition or update an import makes."""

    action: str  # "add" or "update"
    #: "election", "date", "seat", "candidate", "slate", "platform point", "result", "setting", "meeting",
    #: "motion" or "vote"
    what: str
    name: str
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.action} {self.what} {self.name}{detail}"


@dataclass(slots=True)
class ImportReport:
    """What an import changed (or, on a dry run, would change)."""

    dry_run: bool
    changes: list[Change] = field(default_factory=list)

    @property
    def added(self) -> list[Change]:
        """The additions."""
        return [c for c in self.changes if c.action == "add"]

    @property
    def updated(self) -> list[Change]:
        """The updates."""
        return [c for c in self.changes if c.action == "update"]

    def summary(self) -> str:
        """One line: how many additions and updates."""
        verb = "would make" if self.dry_run else "made"
        if not self.changes:
            return "No changes: everything in the file is already stored."
        added, updated = counted(len(self.added), "addition"), counted(len(self.updated), "update")
        return f"The import {verb} {added} and {updated}."


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


class TransferService(Service):
    """Reads and writes the organisers' file format for one guild."""

    async def export(self, guild_id: int, fmt: Format = "yaml", election: str | None = None) -> str:
        """The guild's data (or one election's) as YAML or CSV text."""
        doc = await self.document(guild_id, election)
        config = await self.repos.guilds.get(guild_id)
        return render(doc, fmt, ZoneInfo(config.timezone))

    async def has_data(self, guild_id: int) -> bool:
        """Whether anything is stored for the guild: its settings, a slate or an election."""
        if await self.repos.elections.all(guild_id) or await self.repos.slates.all(guild_id):
            return True
        return guild_id in await self.repos.guilds.all_configs()

    async def document(self, guild_id: int, election: str | None = None) -> Document:
        """Build the document for the guild's stored data."""
        config = await self.repos.guilds.get(guild_id)
        elections = await self.repos.elections.all(guild_id)
        if election is not None:
            key = normalise(election)
            elections = [e for e in elections if normalise(e.name) == key]
            if not elections:
                msg = f"No election called “{election}”."
                raise NotFound(msg)
        results = await self.repos.results.all(guild_id)
        slates = await self.repos.slates.all(guild_id)
        points = await self.repos.slates.all_points(guild_id)
        slate_records = tuple(
            SlateRecord(s.name, 0, tuple(p.text for p in points if p.slate_id == s.id)) for s in slates
        )
        election_records = []
        for e in elections:
            seats = await self.repos.seats.all(guild_id, e.id)
            candidates = await self.repos.candidates.all(guild_id, election_id=e.id)
            nominations: dict[int, list[Nomination]] = {}
            for nomination in await self.repos.nominations.of_election(guild_id, e.id):
                nominations.setdefault(nomination.candidate_id, []).append(nomination)
            seat_records = tuple(
                SeatRecord(
                    s.name,
                    0,
                    s.electorate_type,
                    s.electorate,
                    s.places,
                    tuple(
                        _candidate_record(c, results.get(c.id), nominations.get(c.id, ()))
                        for c in candidates
                        if c.seat_id == s.id
                    ),
                )
                for s in seats
            )
            timetable = {m.kind: m.at for m in e.timetable}
            target = await self.repos.nominations.target(guild_id, e.id)
            election_records.append(ElectionRecord(e.name, 0, e.description, timetable, seat_records, target))
        settings = SettingsRecord(
            timezone=config.timezone, slate=config.slate, nation=config.nation, post_days=config.post_days
        )
        return Document(settings, slate_records, tuple(election_records), await self._meeting_records(guild_id))

    async def _meeting_records(self, guild_id: int) -> tuple[MeetingRecord, ...]:
        """
        Every meeting, oldest first, with its motions and our members' votes in the order they were recorded.

        Meetings are the guild's, not an election's, so every export carries them (as it does the slates). Their
        order depends only on what they are (day, then title), never on row ids, so an export imported elsewhere
        exports the same.
        """
        meetings = sorted(
            await self.repos.record.meetings(guild_id), key=lambda m: (m.held_on, normalise(m.title), m.title)
        )
        motions = await self.repos.record.motions(guild_id)
        votes = await self.repos.record.votes(guild_id)
        return tuple(
            MeetingRecord(
                m.title,
                0,
                m.held_on,
                m.body,
                tuple(
                    MotionRecord(
                        x.text,
                        0,
                        x.votes_for,
                        x.votes_against,
                        x.abstentions,
                        x.carried_flag,
                        tuple(VoteRecord(v.member, 0, v.vote) for v in votes if v.motion_id == x.id),
                    )
                    for x in motions
                    if x.meeting_id == m.id
                ),
            )
            for m in meetings
        )

    async def import_text(
        self, guild_id: int, actor_id: int, text: str, *, filename: str = "import.yaml", dry_run: bool = False
    ) -> ImportReport:
        """Parse and import a file; raises :class:`DocumentError` listing every bad line, having written nothing."""
        if len(text.encode("utf-8")) > MAX_IMPORT_BYTES:
            raise DocumentError([Problem(0, f"the file is over {MAX_IMPORT_BYTES // 1_000_000} MB.")])
        config = await self.repos.guilds.get(guild_id)
        # Parsing a large file is CPU work: off the event loop, so the bot keeps answering meanwhile.
        doc = await asyncio.to_thread(parse, text, detect_format(filename, text), default_timezone=config.timezone)
        return await self.apply(guild_id, actor_id, doc, dry_run=dry_run)

    async def apply(self, guild_id: int, actor_id: int, doc: Document, *, dry_run: bool = False) -> ImportReport:
        """Merge a parsed document into the guild in one transaction (rolled back on a dry run)."""
        report = ImportReport(dry_run=dry_run)
        try:
            async with self.db.transaction():
                await self._apply(guild_id, doc, report)
                if dry_run:
                    raise _DryRun
                if report.changes:
                    await self.audit(
                        guild_id,
                        actor_id,
                        "import",
                        None,
                        {"added": len(report.added), "updated": len(report.updated)},
                    )
                    await self.timetable_changed(guild_id)
        except _DryRun:
            return report
        return report

    async def _apply(self, guild_id: int, doc: Document, report: ImportReport) -> None:
        # A file cannot be asked "did you mean ...?", so a near-miss slate name is refused (dry run too).
        problems = import_near_misses(doc, [s.name for s in await self.repos.slates.all(guild_id)])
        slate_ids: dict[str, int] = {}

        async def slate_id(name: str) -> int:
            key = normalise(name)
            if key not in slate_ids:
                slate, created = await self.repos.slates.ensure(guild_id, name)
                if created:
                    report.changes.append(Change("add", "slate", name))
                slate_ids[key] = slate.id
            return slate_ids[key]

        await self._apply_settings(guild_id, doc.settings, slate_id, report)
        for slate_record in doc.slates:
            await self._apply_platform(guild_id, await slate_id(slate_record.name), slate_record, report)
        for election_record in doc.elections:
            await self._apply_election(guild_id, election_record, slate_id, report, problems)
        for meeting_record in doc.meetings:
            await self._apply_meeting(guild_id, meeting_record, report, problems)
        if problems:
            raise DocumentError(problems)

    async def _apply_settings(
        self, guild_id: int, settings: SettingsRecord, slate_id: _SlateIds, report: ImportReport
    ) -> None:
        before = await self.repos.guilds.get(guild_id)
        values: dict[str, object] = {}
        if settings.timezone is not None and settings.timezone != before.timezone:
            values["timezone"] = settings.timezone
        if settings.nation is not None and settings.nation != before.nation:
            values["nation"] = settings.nation.value
        if settings.post_days is not None and settings.post_days != before.post_days:
            values["post_days"] = settings.post_days
        if settings.slate is not None and (
            before.slate is None or normalise(before.slate) != normalise(settings.slate)
        ):
            values["slate_id"] = await slate_id(settings.slate)
        if values:
            await self.repos.guilds.update(guild_id, **values)
            for key in values:
                report.changes.append(Change("update", "setting", key.removesuffix("_id")))

    async def _apply_platform(self, guild_id: int, slate: int, record: SlateRecord, report: ImportReport) -> None:
        if not record.platform:
            return
        existing = await self.repos.slates.points(guild_id, slate)
        unmatched = list(existing)
        order: list[int] = []
        for text in record.platform:
            # Exact wording first, then forgiving: two stored points that differ only in case or punctuation
            # are still two points, each matched once.
            found = next((p for p in unmatched if p.text == text), None) or next(
                (p for p in unmatched if normalise(p.text) == normalise(text)), None
            )
            if found is None:
                point = await self.repos.slates.add_point(guild_id, slate, len(existing) + len(order) + 1, text)
                report.changes.append(Change("add", "platform point", f"“{_short(text)}” ({record.name})"))
                order.append(point.id)
                continue
            unmatched.remove(found)
            if found.text != text:
                await self.repos.slates.set_text(guild_id, found.id, text)
                report.changes.append(Change("update", "platform point", f"“{_short(text)}”", ("text",)))
            elif found.position != len(order) + 1:
                report.changes.append(Change("update", "platform point", f"“{_short(text)}”", ("position",)))
            order.append(found.id)
        # Points the file does not mention are kept (an import never deletes), after the file's points.
        order.extend(p.id for p in existing if p.id not in order)
        await self.repos.slates.set_positions(guild_id, order)

    async def _apply_election(
        self,
        guild_id: int,
        record: ElectionRecord,
        slate_id: _SlateIds,
        report: ImportReport,
        problems: list[Problem],
    ) -> None:
        election = await self.repos.elections.find(guild_id, record.name)
        if election is None:
            election = await self.repos.elections.add(guild_id, record.name, record.description)
            report.changes.append(Change("add", "election", record.name))
        elif record.description is not None and record.description != election.description:
            await self.repos.elections.describe(guild_id, election.id, record.description)
            report.changes.append(Change("update", "election", election.name, ("description",)))
        timetable = {m.kind: m.at for m in election.timetable}
        for kind in MilestoneKind:
            at = record.timetable.get(kind)
            if at is None or timetable.get(kind) == at:
                continue
            action = "add" if kind not in timetable else "update"
            before = timetable.get(kind)
            timetable[kind] = at
            await self.repos.elections.set_milestone(guild_id, election.id, kind, at)
            report.changes.append(Change(action, "date", f"{kind.value} of {election.name}"))
            if before is not None:
                # A moved date, as if set by hand: every bot process re-plans, and its own posts the notice.
                await self.timetable_changed(guild_id, election_id=election.id, kind=kind, before=before, after=at)
        if record.nomination_target is not None:
            stored_target = await self.repos.nominations.target(guild_id, election.id)
            if stored_target != record.nomination_target:
                await self.repos.nominations.set_target(guild_id, election.id, record.nomination_target)
                report.changes.append(Change("update", "nomination target", election.name))
        if conflicts := timetable_conflicts(timetable):
            zone = ZoneInfo((await self.repos.guilds.get(guild_id)).timezone)
            problems.extend(Problem(record.line, f"{record.name}: {c.sentence(zone)}") for c in conflicts)
        for seat_record in record.seats:
            await self._apply_seat(guild_id, election, seat_record, slate_id, report)
            await self._check_places(guild_id, election, seat_record, problems)

    async def _apply_seat(
        self, guild_id: int, election: Election, record: SeatRecord, slate_id: _SlateIds, report: ImportReport
    ) -> None:
        seat = await self.repos.seats.find(guild_id, election.id, record.name)
        if seat is None:
            seat = await self.repos.seats.add(
                guild_id, election.id, record.name, record.electorate_type, record.electorate, record.places
            )
            report.changes.append(Change("add", "seat", f"{record.name} ({election.name})"))
        else:
            wanted = replace(
                seat, electorate_type=record.electorate_type, electorate=record.electorate, places=record.places
            )
            if wanted != seat:
                changed = tuple(
                    k for k in ("electorate_type", "electorate", "places") if getattr(wanted, k) != getattr(seat, k)
                )
                await self.repos.seats.update(wanted)
                report.changes.append(Change("update", "seat", f"{seat.name} ({election.name})", changed))
        for cand in record.candidates:
            await self._apply_candidate(guild_id, seat.id, seat.name, cand, slate_id, report)

    async def _apply_candidate(
        self,
        guild_id: int,
        seat_id: int,
        seat_name: str,
        record: CandidateRecord,
        slate_id: _SlateIds,
        report: ImportReport,
    ) -> None:
        existing = await self.repos.candidates.find_in_seat(guild_id, seat_id, record.name)
        new_slate = await slate_id(record.slate) if record.slate else None
        label = f"{record.name} ({seat_name})"
        if existing is None:
            draft = Candidate(
                id=0,
                guild_id=guild_id,
                seat_id=seat_id,
                name=record.name,
                branch=record.branch,
                job=record.job,
                incumbent=bool(record.incumbent),
                statement=record.statement,
            )
            candidate = await self.repos.candidates.add(draft, new_slate)
            report.changes.append(Change("add", "candidate", label))
        else:
            current_slate = None if existing.slate is None else await slate_id(existing.slate)
            wanted = replace(
                existing,
                branch=existing.branch if record.branch is None else record.branch,
                job=existing.job if record.job is None else record.job,
                incumbent=existing.incumbent if record.incumbent is None else record.incumbent,
                statement=existing.statement if record.statement is None else record.statement,
            )
            target_slate = current_slate if record.slate is None else new_slate
            changed = tuple(
                k for k in ("branch", "job", "incumbent", "statement") if getattr(wanted, k) != getattr(existing, k)
            )
            if target_slate != current_slate:
                changed = (*changed, "slate")
            if changed:
                await self.repos.candidates.update(wanted, target_slate)
                report.changes.append(Change("update", "candidate", label, changed))
            candidate = wanted
        if record.votes is not None:
            before = await self.repos.results.get(guild_id, candidate.id)
            result = Result(candidate.id, guild_id, record.votes, record.elected)
            if before != result:
                await self.repos.results.set(result)
                report.changes.append(Change("add" if before is None else "update", "result", label))
        for nomination in record.nominations:
            stored = await self.repos.nominations.get(guild_id, candidate.id, nomination.body)
            if stored is None:
                await self.repos.nominations.add(guild_id, candidate.id, nomination.body, nomination.on)
                report.changes.append(Change("add", "nomination", f"{nomination.body} for {label}"))
            elif nomination.on is not None and stored.on != nomination.on:
                await self.repos.nominations.add(guild_id, candidate.id, stored.body, nomination.on)
                report.changes.append(Change("update", "nomination", f"{stored.body} for {label}", ("date",)))

    async def _check_places(
        self, guild_id: int, election: Election, record: SeatRecord, problems: list[Problem]
    ) -> None:
        """A problem (so nothing is imported) when the seat would have more marked elected than its places."""
        seat = await self.repos.seats.find(guild_id, election.id, record.name)
        if seat is None:  # pragma: no cover - the seat was just found or added
            return
        results = await self.repos.results.for_election(guild_id, election.id)
        elected = [
            plain(c.name)
            for c in await self.repos.candidates.all(guild_id, seat_id=seat.id)
            if (r := results.get(c.id)) is not None and r.elected
        ]
        reason = overfilled(f"{plain(seat.name)} ({plain(election.name)})", seat.places, elected)
        if reason is not None:
            problems.append(
                Problem(record.line, f"{reason}. Mark no more elected than the seat has places (`elected: false`).")
            )

    async def _apply_meeting(
        self, guild_id: int, record: MeetingRecord, report: ImportReport, problems: list[Problem]
    ) -> None:
        """Merge a meeting found by its title and day, its motions by their wording, and each member's vote."""
        label = f"{record.title} ({record.held_on.isoformat()})"
        meeting = await self.repos.record.find_meeting(guild_id, record.title, record.held_on)
        if meeting is None:
            meeting = await self.repos.record.add_meeting(
                guild_id, record.title, record.held_on, record.body or DEFAULT_BODY
            )
            report.changes.append(Change("add", "meeting", label))
        elif record.body is not None and record.body != meeting.body:
            await self.repos.record.set_body(guild_id, meeting.id, record.body)
            report.changes.append(Change("update", "meeting", label, ("body",)))
        unmatched = await self.repos.record.motions(guild_id, meeting.id)
        for motion_record in record.motions:
            # Exact wording first, then forgiving, each stored motion matched once (as platform points are).
            found = next((m for m in unmatched if m.text == motion_record.text), None) or next(
                (m for m in unmatched if normalise(m.text) == normalise(motion_record.text)), None
            )
            if found is not None:
                unmatched.remove(found)
            motion = await self._apply_motion(guild_id, meeting, found, motion_record, label, report)
            await self._apply_votes(guild_id, motion, motion_record, report)
            stored = await self.repos.record.votes(guild_id, motion.id)
            problems.extend(
                Problem(motion_record.line, f"motion “{_short(motion.text)}” ({label}): {reason}.")
                for reason in over_totals(motion, [v.vote for v in stored])
            )

    async def _apply_motion(
        self,
        guild_id: int,
        meeting: Meeting,
        existing: Motion | None,
        record: MotionRecord,
        label: str,
        report: ImportReport,
    ) -> Motion:
        """Add a motion, or update a stored one's wording, figures and outcome (taken whole from the file)."""
        wanted = Motion(
            0 if existing is None else existing.id,
            guild_id,
            meeting.id,
            record.text,
            record.votes_for,
            record.votes_against,
            record.abstentions,
            record.carried,
        )
        name = f"“{_short(record.text)}” ({label})"
        if existing is None:
            report.changes.append(Change("add", "motion", name))
            return await self.repos.record.add_motion(wanted)
        fields = {
            "text": "text",
            "votes_for": "for",
            "votes_against": "against",
            "abstentions": "abstain",
            "carried_flag": "carried",
        }
        changed = tuple(shown for attr, shown in fields.items() if getattr(wanted, attr) != getattr(existing, attr))
        if changed:
            await self.repos.record.update_motion(wanted)
            report.changes.append(Change("update", "motion", name, changed))
        return wanted

    async def _apply_votes(self, guild_id: int, motion: Motion, record: MotionRecord, report: ImportReport) -> None:
        """Add each member's vote on the motion, or update the one stored for that member."""
        stored = await self.repos.record.votes(guild_id, motion.id)
        for vote in record.votes:
            name = f"{vote.member} on “{_short(motion.text)}”"
            earlier = next((v for v in stored if normalise(v.member) == normalise(vote.member)), None)
            if earlier is None:
                await self.repos.record.add_vote(guild_id, motion.id, vote.member, vote.vote)
                report.changes.append(Change("add", "vote", name))
            elif (earlier.member, earlier.vote) != (vote.member, vote.vote):
                await self.repos.record.update_vote(replace(earlier, member=vote.member, vote=vote.vote))
                report.changes.append(Change("update", "vote", name, ("vote",)))


def _candidate_record(
    candidate: Candidate, result: Result | None, nominations: Iterable[Nomination] = ()
) -> CandidateRecord:
    ordered = sorted(nominations, key=lambda n: (n.on is None, n.on or date.min, normalise(n.body), n.body))
    return CandidateRecord(
        name=candidate.name,
        line=0,
        slate=candidate.slate,
        branch=candidate.branch,
        job=candidate.job,
        incumbent=candidate.incumbent,
        statement=candidate.statement,
        votes=None if result is None else result.votes,
        elected=None if result is None else result.elected,
        nominations=tuple(NominationRecord(n.body, 0, n.on) for n in ordered),
    )


def _short(text: str) -> str:
    return text if len(text) <= 50 else text[:49] + "…"
