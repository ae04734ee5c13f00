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
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

import yaml

from bot.domain.dates import default_time, local_to_utc, parse_timezone, read_wall_time, utc_to_local
from bot.domain.enums import ElectorateType, MilestoneKind, Nation
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
)
_SETTING_KEYS = ("timezone", "slate", "nation", "post_days")
#: CSV rows are applied in this order whatever their order in the file: the time zone decides how dates read.
_CSV_RECORD_ORDER = {"setting": 0, "slate": 1, "platform": 2, "election": 3, "date": 4, "seat": 5, "candidate": 6}


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
class Document:
    """A whole guild's campaign data."""

    settings: SettingsRecord = field(default_factory=SettingsRecord)
    slates: tuple[SlateRecord, ...] = ()
    elections: tuple[ElectionRecord, ...] = ()


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

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def finish(self) -> Document:
        if self.problems:
            raise DocumentError(sorted(self.problems, key=lambda p: p.line))
        return Document(self.settings, tuple(self.slates.values()), tuple(self.elections.values()))

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
        self._unknown_keys(data, {"format", "settings", "slates", "elections"}, top)
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

    def _yaml_election(self, data: dict[str, Any]) -> None:
        line = data["__line__"]
        self._unknown_keys(data, {"name", "description", "timetable", "seats"}, line)
        name = self.add_election(data.get("name"), line, data.get("description"))
        if name is None:
            return
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
                self._unknown_keys(cand, set(_CANDIDATE_FIELDS) | {"name"}, cand["__line__"])
                self.add_candidate(name, seat_name, cand, cand["__line__"])

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
        for line, row in sorted(rows, key=lambda r: (_CSV_RECORD_ORDER.get(r[1].get("record", "").strip(), 9), r[0])):
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
        else:
            self.problem(line, f"unknown record {record!r}; use one of {', '.join(_CSV_RECORD_ORDER)}.")

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
_LOCAL_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:[ T](?P<time>\d{2}:\d{2}(?::\d{2})?)(?P<offset>[+-]\d{2}:\d{2}|Z)?)?"
)


def _replace_election(record: ElectionRecord, *, seats: tuple[SeatRecord, ...]) -> ElectionRecord:
    return ElectionRecord(record.name, record.line, record.description, record.timetable, seats)


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
    return data


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
                row(record="candidate", election=election.name, seat=seat.name, text=statement, **fields)
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
