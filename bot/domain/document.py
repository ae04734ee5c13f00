"""
The organisers' file format, in YAML and CSV: parsing with line numbers, and writing.

One format both ways, so an export imports back to the same data. Pure: text in, records out (and back); the
service layer decides what the records change. Times in the file are local wall times in the file's (or the
guild's) time zone, ``YYYY-MM-DD HH:MM``; a bare date takes the milestone's default time. See docs/format.md.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

import yaml

from bot.domain.dates import default_time, local_to_utc, parse_timezone, read_wall_time, utc_to_local
from bot.domain.enums import ElectorateType, MilestoneKind, Nation
from bot.domain.models import Motion, VoteCast
from bot.domain.record import DEFAULT_BODY, MOTION_TEXT_LIMIT, check_count, over_totals, parse_vote
from bot.domain.text import normalise
from bot.errors import InvalidInput

FORMAT_VERSION = 1
Format = Literal["yaml", "csv"]

CSV_COLUMNS = (
    "record",
    "election",
    "seat",
    "name",
    "kind",
    "value",
    "electorate_type",
    "electorate",
    "places",
    "slate",
    "branch",
    "job",
    "incumbent",
    "votes",
    "elected",
    "position",
    "text",
    "meeting",
    "date",
    "body",
    "for",
    "against",
    "abstain",
    "carried",
    "vote",
)
_SETTING_KEYS = ("timezone", "slate", "nation", "post_days")
#: CSV rows are applied in this order whatever their order in the file: the time zone decides how dates read.
_CSV_RECORD_ORDER = {
    "setting": 0,
    "slate": 1,
    "platform": 2,
    "election": 3,
    "date": 4,
    "seat": 5,
    "candidate": 6,
    "nomination": 7,
    "nomination_target": 7,
    "meeting": 8,
    "motion": 9,
    "vote": 10,
}


@dataclass(frozen=True, slots=True)
class CandidateRecord:
    """A candidate as the file gives it; ``None`` means "not given" (keep what is stored)."""

    name: str
    line: int
    slate: str | None = None
    branch: str | None = None
    job: str | None = None
    incumbent: bool | None = None
    statement: str | None = None
    votes: int | None = None
    elected: bool | None = None
    #: Bodies that nominated the candidate (an import adds those missing; it never removes one).
    nominations: tuple["NominationRecord", ...] = ()


@dataclass(frozen=True, slots=True)
class NominationRecord:
    """A branch's or group's nomination of a candidate, and the day it was made if known."""

    body: str
    line: int
    on: date | None = None


@dataclass(frozen=True, slots=True)
class SeatRecord:
    """A seat with its candidates."""

    name: str
    line: int
    electorate_type: ElectorateType
    electorate: str
    places: int = 1
    candidates: tuple[CandidateRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class ElectionRecord:
    """An election with its timetable (UTC instants) and seats."""

    name: str
    line: int
    description: str | None = None
    timetable: dict[MilestoneKind, datetime] = field(default_factory=dict)
    seats: tuple[SeatRecord, ...] = ()
    #: Nominations each candidate needs (None: the file says nothing; the stored target is kept).
    nomination_target: int | None = None


@dataclass(frozen=True, slots=True)
class SlateRecord:
    """A slate with its platform points in order."""

    name: str
    line: int
    platform: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SettingsRecord:
    """Guild settings the file carries; ``None`` means "leave as is"."""

    timezone: str | None = None
    slate: str | None = None
    nation: Nation | None = None
    post_days: int | None = None


@dataclass(frozen=True, slots=True)
class VoteRecord:
    """How one of our members voted on a motion."""

    member: str
    line: int
    vote: VoteCast


@dataclass(frozen=True, slots=True)
class MotionRecord:
    """
    A motion with the body's figures, taken whole: ``carried`` ``None`` means "by the figures".

    ``votes`` are our members' votes on it, each member once.
    """

    text: str
    line: int
    votes_for: int
    votes_against: int
    abstentions: int = 0
    carried: bool | None = None
    votes: tuple[VoteRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    """A meeting, found by its title and day; ``body`` ``None`` means "not given" (keep what is stored)."""

    title: str
    line: int
    held_on: date
    body: str | None = None
    motions: tuple[MotionRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """A whole guild's campaign data."""

    settings: SettingsRecord = field(default_factory=SettingsRecord)
    slates: tuple[SlateRecord, ...] = ()
    elections: tuple[ElectionRecord, ...] = ()
    meetings: tuple[MeetingRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad line of a file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class DocumentError(InvalidInput):
    """A file that cannot be imported; ``problems`` lists every bad line."""

    def __init__(self, problems: list[Problem]) -> None:
        shown = "\n".join(f"• {p}" for p in problems[:20])
        more = f"\n…and {len(problems) - 20} more." if len(problems) > 20 else ""
        super().__init__(f"Nothing was imported: the file has {_count(len(problems), 'problem')}.\n{shown}{more}")
        self.problems = problems


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def detect_format(filename: str, text: str) -> Format:
    """Choose by file name, else by content (a CSV starts with its header)."""
    lowered = filename.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    return "csv" if text.lstrip("\ufeff").startswith("record,") else "yaml"


def parse(text: str, fmt: Format, *, default_timezone: str) -> Document:
    """Parse a file, collecting every problem with its line; raise :class:`DocumentError` if any."""
    builder = _Builder(default_timezone)
    if fmt == "yaml":
        builder.from_yaml(text)
    else:
        builder.from_csv(text)
    return builder.finish()


# ---------------------------------------------------------------------------------------------------------------
# Reading


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records each mapping's first line under the key ``__line__`` and refuses aliases."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        """Refuse ``*alias`` references: the format never needs them, and nested ones can explode in size."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in an import file", event.start_mark
            )
        node: yaml.Node | None = super().compose_node(parent, index)
        return node


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    """Construct a mapping, noting its own first line and the line of each key (``__lines__``)."""
    mapping = loader.construct_mapping(node, deep=True)
    result: dict[str, Any] = {str(k): v for k, v in mapping.items()}
    result["__line__"] = node.start_mark.line + 1
    result["__lines__"] = {str(loader.construct_object(k)): k.start_mark.line + 1 for k, _ in node.value}
    return result


def _timestamp_or_text(loader: _LineLoader, node: yaml.ScalarNode) -> object:
    """A YAML timestamp, or its text when it is not a real date (``2025-02-30``), so the builder can say why."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return str(node.value)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
_BOOKKEEPING = frozenset({"__line__", "__lines__"})


class _Builder:
    """Turns loosely typed input into records, collecting problems instead of stopping at the first."""

    def __init__(self, default_timezone: str) -> None:
        self.problems: list[Problem] = []
        self.zone = ZoneInfo(default_timezone)
        self.settings = SettingsRecord()
        self.slates: dict[str, SlateRecord] = {}
        self.elections: dict[str, ElectionRecord] = {}
        #: Meetings by (day, title match key): a meeting is found by its title and day.
        self.meetings: dict[tuple[date, str], MeetingRecord] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def finish(self) -> Document:
        self._check_totals()
        if self.problems:
            raise DocumentError(sorted(self.problems, key=lambda p: p.line))
        return Document(
            self.settings, tuple(self.slates.values()), tuple(self.elections.values()), tuple(self.meetings.values())
        )

    # -- YAML ------------------------------------------------------------------------------------------------

    def from_yaml(self, text: str) -> None:
        try:
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 0
            self.problem(line, f"this is not valid YAML ({getattr(exc, 'problem', None) or exc})")
            return
        if data is None:
            self.problem(0, "the file is empty.")
            return
        if not isinstance(data, dict):
            self.problem(1, "the file must be a mapping with settings, slates and elections.")
            return
        top = data["__line__"]
        self._unknown_keys(data, {"format", "settings", "slates", "elections", "meetings"}, top)
        version = data.get("format", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            self.problem(top, f"format {version!r} is not one this bot reads (it reads format {FORMAT_VERSION}).")
        settings = data.get("settings")
        if settings is not None:
            if isinstance(settings, dict):
                self._unknown_keys(settings, set(_SETTING_KEYS), settings["__line__"])
                self.set_settings(settings, settings["__line__"])
            else:
                self.problem(top, "settings must be a mapping.")
        for slate in self._list_of_maps(data.get("slates"), "slates", top):
            line = slate["__line__"]
            self._unknown_keys(slate, {"name", "platform"}, line)
            platform = slate.get("platform") or []
            if not isinstance(platform, list) or not all(isinstance(p, str) for p in platform):
                self.problem(line, "platform must be a list of points (text).")
                platform = []
            self.add_slate(slate.get("name"), line, [p.strip() for p in platform])
        for election in self._list_of_maps(data.get("elections"), "elections", top):
            self._yaml_election(election)
        for meeting in self._list_of_maps(data.get("meetings"), "meetings", top):
            self._yaml_meeting(meeting)

    def _yaml_election(self, data: dict[str, Any]) -> None:
        line = data["__line__"]
        self._unknown_keys(data, {"name", "description", "timetable", "seats", "nomination_target"}, line)
        name = self.add_election(data.get("name"), line, data.get("description"))
        if name is None:
            return
        if data.get("nomination_target") is not None:
            self.set_target(name, data["nomination_target"], line)
        timetable = data.get("timetable") or {}
        if not isinstance(timetable, dict):
            self.problem(line, "timetable must map milestone kinds to dates.")
            timetable = {}
        key_lines = timetable.get("__lines__", {})
        for kind, value in timetable.items():
            if kind not in _BOOKKEEPING:
                self.add_date(name, kind, value, key_lines.get(kind, timetable.get("__line__", line)))
        for seat in self._list_of_maps(data.get("seats"), "seats", line):
            seat_line = seat["__line__"]
            self._unknown_keys(seat, {"name", "electorate_type", "electorate", "places", "candidates"}, seat_line)
            seat_name = self.add_seat(
                name,
                seat.get("name"),
                seat_line,
                seat.get("electorate_type"),
                seat.get("electorate"),
                seat.get("places"),
            )
            if seat_name is None:
                continue
            for cand in self._list_of_maps(seat.get("candidates"), "candidates", seat_line):
                self._unknown_keys(cand, set(_CANDIDATE_FIELDS) | {"name", "nominations"}, cand["__line__"])
                self.add_candidate(name, seat_name, cand, cand["__line__"])
                raw = cand.get("nominations")
                if raw is None:
                    continue
                if not isinstance(raw, list):
                    self.problem(
                        cand["__line__"], "nominations must be a list of bodies (each a name, or body and date)."
                    )
                    continue
                for item in raw:
                    if isinstance(item, dict):
                        self._unknown_keys(item, {"body", "date"}, item.get("__line__", cand["__line__"]))
                        body, day, at = item.get("body"), item.get("date"), item.get("__line__", cand["__line__"])
                    else:
                        body, day, at = item, None, cand["__line__"]
                    self.add_nomination(name, seat_name, cand.get("name"), body, day, at)

    def _yaml_meeting(self, data: dict[str, Any]) -> None:
        line = data["__line__"]
        self._unknown_keys(data, {"title", "date", "body", "motions"}, line)
        key = self.add_meeting(data.get("title"), data.get("date"), data.get("body"), line)
        if key is None:
            return
        for motion in self._list_of_maps(data.get("motions"), "motions", line):
            motion_line = motion["__line__"]
            self._unknown_keys(motion, {*_MOTION_FIELDS, "votes"}, motion_line)
            index = self.add_motion(key, motion, motion_line)
            votes = motion.get("votes")
            if index is None or votes is None:
                continue
            if not isinstance(votes, dict):
                self.problem(motion_line, "votes must map each of our members to how they voted (for, against, …).")
                continue
            lines = votes.get("__lines__", {})
            for member, vote in votes.items():
                if member not in _BOOKKEEPING:
                    self.add_vote(key, index, member, vote, lines.get(member, motion_line))

    def _list_of_maps(self, value: object, what: str, line: int) -> Iterator[dict[str, Any]]:
        if value is None:
            return
        if not isinstance(value, list):
            self.problem(line, f"{what} must be a list.")
            return
        for item in value:
            if isinstance(item, dict):
                yield item
            else:
                self.problem(line, f"each entry of {what} must be a mapping, not {item!r}.")

    def _unknown_keys(self, data: dict[str, Any], allowed: set[str], line: int) -> None:
        unknown = sorted(k for k in data if k not in allowed and k not in _BOOKKEEPING)
        if unknown:
            self.problem(line, f"unknown field(s) {', '.join(unknown)}; allowed here: {', '.join(sorted(allowed))}.")

    # -- CSV -------------------------------------------------------------------------------------------------

    def from_csv(self, text: str) -> None:
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        try:
            header = next(reader)
        except StopIteration:
            self.problem(0, "the file is empty.")
            return
        except csv.Error as exc:
            self.problem(1, f"this is not valid CSV ({exc}).")
            return
        columns = [h.strip() for h in header]
        missing = [c for c in ("record", "name") if c not in columns]
        unknown = [c for c in columns if c not in CSV_COLUMNS]
        if missing or unknown:
            detail = []
            if missing:
                detail.append(f"missing column(s) {', '.join(missing)}")
            if unknown:
                detail.append(f"unknown column(s) {', '.join(unknown)}")
            self.problem(1, f"{'; '.join(detail)}. The header must be: {','.join(CSV_COLUMNS)}")
            return
        start = reader.line_num + 1
        rows: list[tuple[int, dict[str, str]]] = []
        try:
            for raw in reader:
                if any(cell.strip() for cell in raw):
                    if len(raw) > len(columns):
                        self.problem(start, f"{len(raw)} cells but the header has {len(columns)} columns.")
                    rows.append((start, dict(zip(columns, raw, strict=False))))
                start = reader.line_num + 1
        except csv.Error as exc:
            self.problem(start, f"this is not valid CSV ({exc}).")
            return
        last = len(_CSV_RECORD_ORDER)
        for line, row in sorted(
            rows, key=lambda r: (_CSV_RECORD_ORDER.get(r[1].get("record", "").strip(), last), r[0])
        ):
            self._csv_row(line, {k: v for k, v in row.items() if v != ""})

    def _csv_row(self, line: int, row: dict[str, str]) -> None:
        record = row.get("record", "").strip()
        if record == "setting":
            key = row.get("name", "").strip()
            if key not in _SETTING_KEYS:
                self.problem(line, f"unknown setting {key!r}; settings are {', '.join(_SETTING_KEYS)}.")
                return
            self.set_settings({key: row.get("value")}, line)
        elif record == "slate":
            self.add_slate(row.get("name"), line, [])
        elif record == "platform":
            self.add_point(row.get("slate"), row.get("text"), row.get("position"), line)
        elif record == "election":
            self.add_election(row.get("name"), line, row.get("text"))
        elif record == "date":
            election = self._known_election(row.get("election"), line)
            if election is not None:
                self.add_date(election, row.get("kind", ""), row.get("value"), line)
        elif record == "seat":
            election = self._known_election(row.get("election"), line)
            if election is not None:
                self.add_seat(
                    election,
                    row.get("name"),
                    line,
                    row.get("electorate_type"),
                    row.get("electorate"),
                    row.get("places"),
                )
        elif record == "candidate":
            election = self._known_election(row.get("election"), line)
            seat = row.get("seat", "").strip()
            if election is None:
                return
            if normalise(seat) not in {normalise(s.name) for s in self.elections[election].seats}:
                self.problem(line, f"no seat {seat!r} in {election} earlier in the file; add its seat row first.")
                return
            fields = {k: row[k] for k in _CANDIDATE_FIELDS if k in row}
            if "text" in row:
                fields["statement"] = row["text"]
            self.add_candidate(election, seat, {"name": row.get("name"), **fields}, line)
        elif record == "nomination":
            election = self._known_election(row.get("election"), line)
            if election is not None:
                self.add_nomination(
                    election, row.get("seat", ""), row.get("name"), row.get("body"), row.get("date") or None, line
                )
        elif record == "nomination_target":
            election = self._known_election(row.get("election"), line)
            if election is not None:
                self.set_target(election, row.get("value"), line)
        elif record == "meeting":
            self.add_meeting(row.get("name"), row.get("date"), row.get("body"), line)
        elif record in ("motion", "vote"):
            self._csv_motion_or_vote(record, line, row)
        else:
            self.problem(line, f"unknown record {record!r}; use one of {', '.join(_CSV_RECORD_ORDER)}.")

    def _csv_motion_or_vote(self, record: str, line: int, row: dict[str, str]) -> None:
        """
        A motion row or a vote row of a meeting earlier in the file.

        A motion's ``position`` (its number in its meeting), when given, must come in order; a vote names its
        motion by ``position``, else by ``text``.
        """
        key = self._known_meeting(row.get("meeting"), row.get("date"), line)
        if key is None:
            return
        position = None
        if row.get("position") is not None:
            position = _as_int(row["position"])
            if position is None or position < 1:
                self.problem(
                    line, f"position must be the motion's number in its meeting (1, 2, 3…), not {row['position']!r}."
                )
                return
        if record == "motion":
            self.add_motion(key, {k: row[k] for k in _MOTION_FIELDS if k in row}, line, position)
            return
        motions = self.meetings[key].motions
        if position is not None:
            index = position - 1 if position <= len(motions) else None
        else:
            wanted = normalise(row.get("text", ""))
            index = next((i for i, m in enumerate(motions) if wanted and normalise(m.text) == wanted), None)
        if index is None:
            self.problem(line, "no such motion of that meeting earlier in the file; give its position (1, 2, 3…).")
            return
        self.add_vote(key, index, row.get("name"), row.get("vote"), line)

    def _known_meeting(self, title: str | None, day: str | None, line: int) -> tuple[date, str] | None:
        held_on = self._day(day, line)
        if held_on is None:
            return None
        key = (held_on, normalise(title or ""))
        if key in self.meetings:
            return key
        self.problem(
            line, f"no meeting {title!r} on {held_on.isoformat()} earlier in the file; add its meeting row first."
        )
        return None

    def _known_election(self, name: str | None, line: int) -> str | None:
        key = normalise(name or "")
        for known in self.elections:
            if normalise(known) == key:
                return known
        self.problem(line, f"no election {name!r} earlier in the file; add its election row first.")
        return None

    # -- shared record building ------------------------------------------------------------------------------

    def set_settings(self, data: dict[str, Any], line: int) -> None:
        values: dict[str, Any] = {}
        if data.get("timezone") is not None:
            try:
                self.zone = parse_timezone(str(data["timezone"]))
                values["timezone"] = self.zone.key
            except InvalidInput as exc:
                self.problem(line, exc.message)
        if data.get("slate") is not None:
            values["slate"] = self._name(data["slate"], "slate", line)
        if data.get("nation") is not None:
            try:
                values["nation"] = Nation(str(data["nation"]).strip().lower())
            except ValueError:
                self.problem(line, f"nation must be one of {', '.join(n.value for n in Nation)}.")
        if data.get("post_days") is not None:
            days = _as_int(data["post_days"])
            if days is None or not 0 <= days <= 20:
                self.problem(line, "post_days must be a whole number of working days from 0 to 20.")
            else:
                values["post_days"] = days
        current = {k: getattr(self.settings, k) for k in _SETTING_KEYS}
        current.update(values)
        self.settings = SettingsRecord(**current)

    def add_slate(self, raw_name: object, line: int, platform: list[str]) -> None:
        name = self._name(raw_name, "slate", line)
        if name is None:
            return
        if any(not p for p in platform):
            self.problem(line, "a platform point is empty.")
        existing = self._find(self.slates, name)
        if existing is not None:
            self.problem(line, f"slate {name!r} appears twice (first on line {self.slates[existing].line}).")
            return
        self.slates[name] = SlateRecord(name, line, tuple(platform))

    def add_point(self, raw_slate: object, raw_text: object, raw_position: object, line: int) -> None:
        slate = self._name(raw_slate, "slate", line)
        text = str(raw_text or "").strip()
        if slate is None:
            return
        if not text:
            self.problem(line, "a platform point needs text.")
            return
        key = self._find(self.slates, slate)
        if key is None:
            self.slates[slate] = SlateRecord(slate, line)
            key = slate
        record = self.slates[key]
        position = _as_int(raw_position) if raw_position is not None else len(record.platform) + 1
        if position != len(record.platform) + 1:
            self.problem(line, f"platform rows must come in order: expected position {len(record.platform) + 1}.")
            return
        self.slates[key] = SlateRecord(record.name, record.line, (*record.platform, text))

    def add_election(self, raw_name: object, line: int, description: object) -> str | None:
        name = self._name(raw_name, "election", line)
        if name is None:
            return None
        existing = self._find(self.elections, name)
        if existing is not None:
            self.problem(line, f"election {name!r} appears twice (first on line {self.elections[existing].line}).")
            return None
        text = None if description is None else str(description).strip() or None
        self.elections[name] = ElectionRecord(name, line, text)
        return name

    def add_date(self, election: str, raw_kind: object, value: object, line: int) -> None:
        try:
            kind = MilestoneKind(str(raw_kind).strip())
        except ValueError:
            self.problem(
                line, f"unknown milestone {raw_kind!r}; use one of {', '.join(k.value for k in MilestoneKind)}."
            )
            return
        instant = self._instant(value, kind, line)
        if instant is not None:
            self.elections[election].timetable[kind] = instant

    def _instant(self, value: object, kind: MilestoneKind, line: int) -> datetime | None:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                return self._wall(value.date(), value.time(), kind, line)
            return value.astimezone(ZoneInfo("UTC"))
        if isinstance(value, date):
            return self._wall(value, default_time(kind), kind, line)
        text = str(value or "").strip()
        match = _LOCAL_TIME.fullmatch(text)
        if match is None:
            self.problem(line, f"{kind.value}: {text!r} is not a date; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM.")
            return None
        try:
            day = date.fromisoformat(match["date"])
            at = time.fromisoformat(match["time"]) if match["time"] else default_time(kind)
        except ValueError as exc:
            self.problem(line, f"{kind.value}: {text!r} is not a real date or time ({exc}).")
            return None
        if match["offset"]:
            aware = datetime.fromisoformat(f"{day.isoformat()}T{at.isoformat()}{match['offset']}")
            return aware.astimezone(ZoneInfo("UTC"))
        return self._wall(day, at, kind, line)

    def _wall(self, day: date, at: time, kind: MilestoneKind, line: int) -> datetime | None:
        """A local wall time of the file; one the clocks skip is a problem, not silently moved."""
        try:
            return read_wall_time(day, at, self.zone).instant
        except InvalidInput as exc:
            self.problem(line, f"{kind.value}: {exc.message}")
            return None

    def add_seat(
        self,
        election: str,
        raw_name: object,
        line: int,
        raw_type: object,
        raw_electorate: object,
        raw_places: object,
    ) -> str | None:
        name = self._name(raw_name, "seat", line)
        if name is None:
            return None
        try:
            kind = ElectorateType(normalise(str(raw_type or "")).replace(" ", "_"))
        except ValueError:
            types = ", ".join(t.value for t in ElectorateType)
            self.problem(line, f"seat {name!r}: electorate_type {raw_type!r} is not one of {types}.")
            return None
        electorate = self._name(raw_electorate, "electorate", line)
        places = 1 if raw_places is None else _as_int(raw_places)
        if places is None or not 1 <= places <= 50:
            self.problem(line, f"seat {name!r}: places must be a whole number from 1 to 50, not {raw_places!r}.")
            return None
        if electorate is None:
            return None
        record = self.elections[election]
        for other in record.seats:
            if normalise(other.name) == normalise(name):
                self.problem(line, f"seat {name!r} appears twice in {election} (first on line {other.line}).")
                return None
        seat = SeatRecord(name, line, kind, electorate, places)
        self.elections[election] = _replace_election(record, seats=(*record.seats, seat))
        return name

    def add_candidate(self, election: str, seat_name: str, data: dict[str, Any], line: int) -> None:
        name = self._name(data.get("name"), "candidate", line)
        if name is None:
            return
        values: dict[str, Any] = {}
        for key in ("slate", "branch", "job", "statement"):
            raw = data.get(key)
            if raw is not None:
                text = str(raw).strip()
                if key == "slate":
                    # "none" or "independent" says so explicitly (""), unlike a missing key (keep what is stored).
                    independent = text.casefold() in {"none", "independent", ""}
                    values[key] = "" if independent else self._name(text, "slate", line)
                else:
                    values[key] = text or None
        for key in ("incumbent", "elected"):
            if data.get(key) is not None:
                flag = _as_bool(data[key])
                if flag is None:
                    self.problem(line, f"{name}: {key} must be yes or no, not {data[key]!r}.")
                values[key] = flag
        if data.get("votes") is not None:
            votes = _as_int(data["votes"])
            if votes is None or votes < 0:
                self.problem(line, f"{name}: votes must be a whole number from 0, not {data['votes']!r}.")
            values["votes"] = votes
        record = self.elections[election]
        seats = list(record.seats)
        for index, seat in enumerate(seats):
            if normalise(seat.name) != normalise(seat_name):
                continue
            for other in seat.candidates:
                if normalise(other.name) == normalise(name):
                    self.problem(line, f"{name} appears twice in seat {seat.name!r} (first on line {other.line}).")
                    return
            seats[index] = SeatRecord(
                seat.name,
                seat.line,
                seat.electorate_type,
                seat.electorate,
                seat.places,
                (*seat.candidates, CandidateRecord(name=name, line=line, **values)),
            )
        self.elections[election] = _replace_election(record, seats=tuple(seats))

    def set_target(self, election: str, raw: object, line: int) -> None:
        """An election's nomination target: a whole number from 1 (0 in a file clears nothing: give none)."""
        target = _as_int(raw)
        if target is None or not 1 <= target <= 2000:
            self.problem(line, f"{election}: nomination_target must be a whole number from 1 to 2000, not {raw!r}.")
            return
        self.elections[election] = _replace_election(self.elections[election], nomination_target=target)

    def add_nomination(
        self, election: str, seat_name: str, raw_candidate: object, raw_body: object, raw_day: object, line: int
    ) -> None:
        """A body's nomination of a candidate already in the file (its seat in its election)."""
        candidate = self._name(raw_candidate, "candidate", line)
        body = self._name(raw_body, "body", line)
        day = None if raw_day in (None, "") else self._day(raw_day, line)
        if candidate is None or body is None or (raw_day not in (None, "") and day is None):
            return
        record = self.elections[election]
        seats = list(record.seats)
        for s_index, seat in enumerate(seats):
            if normalise(seat.name) != normalise(str(seat_name)):
                continue
            cands = list(seat.candidates)
            for c_index, cand in enumerate(cands):
                if normalise(cand.name) != normalise(candidate):
                    continue
                if any(normalise(n.body) == normalise(body) for n in cand.nominations):
                    self.problem(line, f"{body!r} nominates {candidate} twice.")
                    return
                cands[c_index] = replace(cand, nominations=(*cand.nominations, NominationRecord(body, line, day)))
                seats[s_index] = replace(seat, candidates=tuple(cands))
                self.elections[election] = _replace_election(record, seats=tuple(seats))
                return
        self.problem(line, f"no candidate {candidate!r} in seat {seat_name!r} of {election} earlier in the file.")

    def add_meeting(self, raw_title: object, raw_day: object, raw_body: object, line: int) -> tuple[date, str] | None:
        title = self._name(raw_title, "meeting", line)
        held_on = self._day(raw_day, line)
        body = None if raw_body is None else self._name(raw_body, "body", line)
        if title is None or held_on is None or (raw_body is not None and body is None):
            return None
        key = (held_on, normalise(title))
        if key in self.meetings:
            first = self.meetings[key].line
            self.problem(line, f"meeting {title!r} on {held_on.isoformat()} appears twice (first on line {first}).")
            return None
        self.meetings[key] = MeetingRecord(title, line, held_on, body)
        return key

    def _day(self, value: object, line: int) -> date | None:
        """A meeting's day: a calendar date written ``YYYY-MM-DD`` (no time: a meeting is dated, not timed)."""
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        text = str(value or "").strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.problem(line, f"a meeting's date {text!r} is not a day; write it as YYYY-MM-DD.")
            return None
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            self.problem(line, f"a meeting's date {text!r} is not a real date ({exc}).")
            return None

    def add_motion(
        self, key: tuple[date, str], data: dict[str, Any], line: int, position: int | None = None
    ) -> int | None:
        """Add a motion to a meeting of the file, checking it as ``/organise motion add`` does; its index, or None."""
        meeting = self.meetings[key]
        before = len(self.problems)
        text = str(data.get("text") or "").strip()
        shown = _short(text)
        if not text:
            self.problem(line, f"a motion of meeting {meeting.title!r} needs its text.")
        elif len(text) > MOTION_TEXT_LIMIT:
            self.problem(line, f"motion {shown!r}: its text is over {MOTION_TEXT_LIMIT:,} characters.")
        counts: dict[str, int] = {}
        for name, what in (("for", "for"), ("against", "against"), ("abstain", "abstaining")):
            raw = data.get(name)
            if raw is None:
                if name != "abstain":
                    self.problem(line, f"motion {shown!r}: give the votes {what} ({name}), a whole number from 0.")
                counts[name] = 0
                continue
            value = _as_int(raw)
            if value is None:
                self.problem(line, f"motion {shown!r}: {name} must be a whole number from 0, not {raw!r}.")
                continue
            try:
                counts[name] = check_count(value, what)
            except InvalidInput as exc:
                self.problem(line, f"motion {shown!r}: {exc.message}")
        carried = None
        if data.get("carried") is not None:
            carried = _as_bool(data["carried"])
            if carried is None:
                self.problem(line, f"motion {shown!r}: carried must be yes or no, not {data['carried']!r}.")
        for other in meeting.motions:
            if text and normalise(other.text) == normalise(text):
                self.problem(
                    line, f"motion {shown!r} appears twice in meeting {meeting.title!r} (first on line {other.line})."
                )
        if position is not None and position != len(meeting.motions) + 1:
            self.problem(line, f"motion rows must come in order: expected position {len(meeting.motions) + 1}.")
        if len(self.problems) > before:
            return None
        motion = MotionRecord(text, line, counts["for"], counts["against"], counts["abstain"], carried)
        self.meetings[key] = replace(meeting, motions=(*meeting.motions, motion))
        return len(meeting.motions)

    def add_vote(self, key: tuple[date, str], index: int, raw_member: object, raw_vote: object, line: int) -> None:
        """Add one of our members' votes to a motion of the file; a member votes once on a motion."""
        member = self._name(raw_member, "member", line)
        if member is None:
            return
        if isinstance(raw_vote, bool):  # YAML reads an unquoted yes/no as a boolean
            raw_vote = "yes" if raw_vote else "no"
        try:
            vote = parse_vote(str(raw_vote or ""))
        except InvalidInput as exc:
            self.problem(line, f"{member}: {exc.message}")
            return
        meeting = self.meetings[key]
        motion = meeting.motions[index]
        for other in motion.votes:
            if normalise(other.member) == normalise(member):
                self.problem(
                    line,
                    f"{member}'s vote on motion {_short(motion.text)!r} appears twice (first on line {other.line}); "
                    "a member votes once on a motion.",
                )
                return
        motions = list(meeting.motions)
        motions[index] = replace(motion, votes=(*motion.votes, VoteRecord(member, line, vote)))
        self.meetings[key] = replace(meeting, motions=tuple(motions))

    def _check_totals(self) -> None:
        """Our members' votes in the file fit each motion's own figures (rule 3 of bot.domain.record)."""
        for meeting in self.meetings.values():
            for motion in meeting.motions:
                for reason in over_totals(_as_motion(motion), [v.vote for v in motion.votes]):
                    self.problem(motion.line, f"motion {_short(motion.text)!r}: {reason}.")

    def _name(self, raw: object, what: str, line: int) -> str | None:
        text = " ".join(str(raw or "").split())
        if not text:
            self.problem(line, f"a {what} needs a name.")
            return None
        if len(text) > 100:
            self.problem(line, f"the {what} name {text[:40]!r}… is over 100 characters.")
            return None
        return text

    @staticmethod
    def _find(records: dict[str, Any], name: str) -> str | None:
        key = normalise(name)
        return next((known for known in records if normalise(known) == key), None)


_CANDIDATE_FIELDS = ("slate", "branch", "job", "incumbent", "statement", "votes", "elected")
_MOTION_FIELDS = ("text", "for", "against", "abstain", "carried")
_LOCAL_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:[ T](?P<time>\d{2}:\d{2}(?::\d{2})?)(?P<offset>[+-]\d{2}:\d{2}|Z)?)?"
)


def _short(text: str) -> str:
    """A motion's text cut short for a problem's sentence."""
    flat = " ".join(text.split())
    return flat if len(flat) <= 50 else flat[:49] + "…"


def _as_motion(record: MotionRecord) -> Motion:
    """A motion of the file as the domain's model, to apply the domain's rules to it."""
    return Motion(0, 0, 0, record.text, record.votes_for, record.votes_against, record.abstentions, record.carried)


def _replace_election(record: ElectionRecord, **changes: Any) -> ElectionRecord:  # noqa: ANN401
    return replace(record, **changes)


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip().replace(",", "")
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"yes", "true", "y", "1"}:
        return True
    if text in {"no", "false", "n", "0"}:
        return False
    return None


# ---------------------------------------------------------------------------------------------------------------
# Writing


def local_text(instant: datetime, zone: ZoneInfo) -> str:
    """
    A UTC instant as the file writes it: ``YYYY-MM-DD HH:MM`` local.

    The UTC offset is added only where the local time alone would not read back to the same instant (the
    repeated hour when clocks go back, or seconds).
    """
    local = utc_to_local(instant, zone)
    text = local.strftime("%Y-%m-%d %H:%M")
    if local.second or local_to_utc(local.date(), local.time().replace(second=0), zone) != instant:
        offset = local.strftime("%z")
        text = f"{local.strftime('%Y-%m-%d %H:%M:%S')}{offset[:3]}:{offset[3:]}"
    return text


def _candidate_fields(cand: CandidateRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"name": cand.name}
    for key in ("slate", "branch", "job"):
        value = getattr(cand, key)
        if value is not None:
            out[key] = value
    out["incumbent"] = bool(cand.incumbent)
    for key in ("votes", "elected"):
        value = getattr(cand, key)
        if value is not None:
            out[key] = value
    if cand.statement is not None:
        out["statement"] = cand.statement
    if cand.nominations:
        out["nominations"] = [
            {"body": n.body, **({"date": n.on} if n.on is not None else {})} for n in cand.nominations
        ]
    return out


def to_plain_data(doc: Document, zone: ZoneInfo) -> dict[str, Any]:
    """The document as plain lists and dicts, in the YAML layout."""
    settings = {k: getattr(doc.settings, k) for k in _SETTING_KEYS if getattr(doc.settings, k) is not None}
    if "nation" in settings:
        settings["nation"] = cast(Nation, settings["nation"]).value
    data: dict[str, Any] = {"format": FORMAT_VERSION}
    if settings:
        data["settings"] = settings
    data["slates"] = [{"name": s.name, **({"platform": list(s.platform)} if s.platform else {})} for s in doc.slates]
    data["elections"] = []
    for election in doc.elections:
        entry: dict[str, Any] = {"name": election.name}
        if election.description is not None:
            entry["description"] = election.description
        entry["timetable"] = {
            kind.value: local_text(election.timetable[kind], zone)
            for kind in MilestoneKind
            if kind in election.timetable
        }
        if election.nomination_target is not None:
            entry["nomination_target"] = election.nomination_target
        entry["seats"] = [
            {
                "name": seat.name,
                "electorate_type": seat.electorate_type.value,
                "electorate": seat.electorate,
                "places": seat.places,
                "candidates": [_candidate_fields(c) for c in seat.candidates],
            }
            for seat in election.seats
        ]
        data["elections"].append(entry)
    if doc.meetings:
        data["meetings"] = [_meeting_fields(meeting) for meeting in doc.meetings]
    return data


def _meeting_fields(meeting: MeetingRecord) -> dict[str, Any]:
    """A meeting in the YAML layout: its motions, each with our members' votes as ``member: vote``."""
    motions = []
    for motion in meeting.motions:
        entry: dict[str, Any] = {"text": motion.text, "for": motion.votes_for, "against": motion.votes_against}
        if motion.abstentions:
            entry["abstain"] = motion.abstentions
        if motion.carried is not None:
            entry["carried"] = motion.carried
        if motion.votes:
            entry["votes"] = {vote.member: vote.vote.value for vote in motion.votes}
        motions.append(entry)
    return {"title": meeting.title, "date": meeting.held_on, "body": meeting.body or DEFAULT_BODY, "motions": motions}


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text as ``|`` blocks so statements stay readable in the file."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def to_yaml(doc: Document, zone: ZoneInfo) -> str:
    """The document as YAML (format 1)."""
    header = "# Slatebot campaign data (format 1). Import with /organise import or `slatebot import`.\n"
    body = yaml.dump(
        to_plain_data(doc, zone), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096, indent=2
    )
    return header + body


def to_csv(doc: Document, zone: ZoneInfo) -> str:
    """The document as CSV: one row per record, the same columns for every record."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    row: Callable[..., None] = lambda **values: writer.writerow(  # noqa: E731
        {k: _csv_cell(v) for k, v in values.items()}
    )
    for key in _SETTING_KEYS:
        value = getattr(doc.settings, key)
        if value is not None:
            row(record="setting", name=key, value=value.value if isinstance(value, Nation) else value)
    for slate in doc.slates:
        row(record="slate", name=slate.name)
        for position, text in enumerate(slate.platform, 1):
            row(record="platform", slate=slate.name, position=position, text=text)
    for election in doc.elections:
        row(record="election", name=election.name, text=election.description)
        for kind in MilestoneKind:
            if kind in election.timetable:
                row(
                    record="date",
                    election=election.name,
                    kind=kind.value,
                    value=local_text(election.timetable[kind], zone),
                )
        for seat in election.seats:
            row(
                record="seat",
                election=election.name,
                name=seat.name,
                electorate_type=seat.electorate_type.value,
                electorate=seat.electorate,
                places=seat.places,
            )
            for cand in seat.candidates:
                fields = _candidate_fields(cand)
                statement = fields.pop("statement", None)
                fields.pop("nominations", None)
                row(record="candidate", election=election.name, seat=seat.name, text=statement, **fields)
                for nomination in cand.nominations:
                    day = None if nomination.on is None else nomination.on.isoformat()
                    row(
                        record="nomination",
                        election=election.name,
                        seat=seat.name,
                        name=cand.name,
                        body=nomination.body,
                        date=day,
                    )
        if election.nomination_target is not None:
            row(record="nomination_target", election=election.name, value=election.nomination_target)
    for meeting in doc.meetings:
        day = meeting.held_on.isoformat()
        row(record="meeting", name=meeting.title, date=day, body=meeting.body or DEFAULT_BODY)
        for position, motion in enumerate(meeting.motions, 1):
            figures = {"for": motion.votes_for, "against": motion.votes_against, "abstain": motion.abstentions}
            row(
                record="motion",
                meeting=meeting.title,
                date=day,
                position=position,
                text=motion.text,
                carried=motion.carried,
                **figures,
            )
            for vote in motion.votes:
                row(record="vote", meeting=meeting.title, date=day, position=position, name=vote.member, vote=vote.vote)
    return out.getvalue()


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render(doc: Document, fmt: Format, zone: ZoneInfo) -> str:
    """Write the document in the chosen format."""
    return to_yaml(doc, zone) if fmt == "yaml" else to_csv(doc, zone)
