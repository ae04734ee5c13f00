"""Property: any valid document survives export -> import into a fresh guild -> export unchanged."""

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.dates import local_to_utc
from bot.domain.enums import ElectorateType, MilestoneKind, Nation
from bot.domain.text import normalise
from bot.services.container import Services
from storage.database import Database
from tests.fakes import FakeClock

ORGANISER = 42
SOURCE, COPY, CSV_COPY = 11, 12, 13

#: Letters with accents and case quirks, curly quotes, ``&``, markdown and YAML-significant characters.
NAME_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éèëêçñøåÆŒßİıŁłŻźŠĐ ’‘“”'\"&*_~`|[]#>-():,.!?@/+%"
)
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\n\n&*_`~>#’“”"),
    max_size=120,
)

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
LAST_MINUTE = int((datetime(2030, 12, 31, 23, 59, tzinfo=UTC) - EPOCH).total_seconds() // 60)
#: 01:00 BST on the last Sunday of October, 2020-2030: the first minute of London's repeated hour, in UTC.
REPEATED_HOURS = [
    datetime(year, 10, day, 0, 0, tzinfo=UTC)
    for year in range(2020, 2031)
    for day in range(25, 32)
    if datetime(year, 10, day, tzinfo=UTC).weekday() == 6
]


def names(min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    """
    Distinct (by match key) names of 1 to 60 characters with at least one letter or digit.

    The words a file uses to say "no slate" (``none``, ``independent``) are left out: as a slate they mean none.
    """
    one = st.text(NAME_ALPHABET, min_size=1, max_size=60).filter(
        lambda n: normalise(n) and n.strip() and n.strip().casefold() not in {"none", "independent", "no slate"}
    )
    return st.lists(one, min_size=min_size, max_size=max_size, unique_by=normalise)


instants = st.one_of(
    st.integers(0, LAST_MINUTE).map(lambda m: EPOCH + timedelta(minutes=m)),
    # Inside the repeated autumn hour: 00:00-01:59 UTC covers both 01:xx BST and 01:xx GMT.
    st.tuples(st.sampled_from(REPEATED_HOURS), st.integers(0, 119)).map(lambda t: t[0] + timedelta(minutes=t[1])),
)


@st.composite
def timetables(draw: st.DrawFn, zone: ZoneInfo) -> dict[str, str]:
    """Some milestones, in strict timetable order, each written in one of the spellings the format accepts."""
    kinds = [k for k in MilestoneKind if draw(st.booleans())]
    # Distinct: the ballot must last some time, so an open and a close may not share an instant.
    moments = sorted(draw(st.lists(instants, min_size=len(kinds), max_size=len(kinds), unique=True)))
    table = {}
    for kind, moment in zip(kinds, moments, strict=True):
        local = moment.astimezone(zone)
        spellings = [moment.strftime("%Y-%m-%d %H:%M:%S+00:00"), local.isoformat(sep=" ")]
        if local_to_utc(local.date(), local.time().replace(tzinfo=None), zone) == moment:
            spellings.append(local.strftime("%Y-%m-%d %H:%M"))  # unambiguous local wall time
        table[kind.value] = draw(st.sampled_from(spellings))
    return table


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A plain YAML structure in the layout documented in bot/domain/document.py."""
    timezone = draw(st.sampled_from([None, "Europe/London", "America/New_York", "UTC"]))
    zone = ZoneInfo(timezone or "Europe/London")
    slate_names = draw(names(0, 3))
    doc: dict[str, Any] = {"format": 1}
    doc_settings: dict[str, Any] = {}
    if timezone is not None:
        doc_settings["timezone"] = timezone
    if draw(st.booleans()):
        doc_settings["slate"] = draw(st.sampled_from(slate_names) if slate_names else names(1, 1).map(lambda n: n[0]))
    if draw(st.booleans()):
        doc_settings["nation"] = draw(st.sampled_from([n.value for n in Nation]))
    if draw(st.booleans()):
        doc_settings["post_days"] = draw(st.integers(0, 20))
    if doc_settings:
        doc["settings"] = doc_settings
    doc["slates"] = [
        {"name": name, "platform": draw(st.lists(TEXT.filter(str.strip), max_size=3))} for name in slate_names
    ]
    doc["elections"] = []
    for election_name in draw(names(0, 3)):
        election: dict[str, Any] = {"name": election_name}
        if draw(st.booleans()):
            election["description"] = draw(TEXT)
        election["timetable"] = draw(timetables(zone))
        election["seats"] = []
        for seat_name in draw(names(0, 3)):
            seat: dict[str, Any] = {
                "name": seat_name,
                "electorate_type": draw(st.sampled_from([t.value for t in ElectorateType])),
                "electorate": draw(names(1, 1))[0],
            }
            if draw(st.booleans()):
                seat["places"] = draw(st.integers(1, 5))
            seat["candidates"] = [draw(candidates(name, slate_names)) for name in draw(names(0, 3))]
            # A valid file marks no more candidates elected than the seat has places (more is refused).
            for extra in [c for c in seat["candidates"] if c.get("elected")][seat.get("places", 1) :]:
                extra["elected"] = False
            election["seats"].append(seat)
        doc["elections"].append(election)
    return doc


@st.composite
def candidates(draw: st.DrawFn, name: str, slate_names: list[str]) -> dict[str, Any]:
    """One candidate with a random selection of the optional fields."""
    candidate: dict[str, Any] = {"name": name}
    if draw(st.booleans()):
        candidate["slate"] = draw(st.sampled_from(slate_names) if slate_names else names(1, 1).map(lambda n: n[0]))
    for key in ("branch", "job"):
        if draw(st.booleans()):
            candidate[key] = draw(names(1, 1))[0]
    if draw(st.booleans()):
        candidate["incumbent"] = draw(st.booleans())
    if draw(st.booleans()):
        candidate["statement"] = draw(TEXT)
    if draw(st.booleans()):
        candidate["votes"] = draw(st.integers(0, 1_000_000))
        if draw(st.booleans()):
            candidate["elected"] = draw(st.booleans())
    return candidate


async def _round_trip(text: str, folder: Path) -> tuple[str, str, str, dict[str, Any]]:
    """Import ``text``; export it; import the export elsewhere (as YAML and as CSV); export both copies."""
    db = await Database.open(folder / "slatebot.db")
    try:
        services = Services.build(db, FakeClock())
        await services.transfer.import_text(SOURCE, ORGANISER, text, filename="generated.yaml")
        stored = await _stored_view(services, SOURCE)
        first = await services.transfer.export(SOURCE, "yaml")
        await services.transfer.import_text(COPY, ORGANISER, first, filename="first.yaml")
        second = await services.transfer.export(COPY, "yaml")
        as_csv = await services.transfer.export(SOURCE, "csv")
        await services.transfer.import_text(CSV_COPY, ORGANISER, as_csv, filename="first.csv")
        from_csv = await services.transfer.export(CSV_COPY, "yaml")
        return first, second, from_csv, stored
    finally:
        await db.close()


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _stripped(text: str | None) -> str | None:
    return None if text is None else (text.strip() or None)


def _key(name: str | None) -> str | None:
    return None if name is None else normalise(name)


def _instant(value: str, zone: ZoneInfo) -> datetime:
    """Read a timetable value the way the strategy wrote it: with a UTC offset, or as local wall time."""
    if len(value) > len("YYYY-MM-DD HH:MM"):
        return datetime.fromisoformat(value).astimezone(UTC)
    wall = datetime.fromisoformat(value)
    return local_to_utc(wall.date(), wall.time(), zone)


def _expected_view(doc: dict[str, Any]) -> dict[str, Any]:
    """What the guild should hold after importing ``doc``, in the shape of ``_stored_view``."""
    given = doc.get("settings", {})
    zone = ZoneInfo(given.get("timezone", "Europe/London"))
    elections = []
    for election in doc["elections"]:
        seats = []
        for seat in election["seats"]:
            people = []
            for c in seat["candidates"]:
                votes = c.get("votes")
                people.append(
                    (
                        _collapsed(c["name"]),
                        _key(c.get("slate")),
                        _stripped(c.get("branch")),
                        _stripped(c.get("job")),
                        c.get("incumbent", False),
                        _stripped(c.get("statement")),
                        votes,
                        None if votes is None else c.get("elected"),
                    )
                )
            seats.append(
                (
                    _collapsed(seat["name"]),
                    seat["electorate_type"],
                    _collapsed(seat["electorate"]),
                    seat.get("places", 1),
                    sorted(people),
                )
            )
        timetable = {kind: _instant(value, zone) for kind, value in election["timetable"].items()}
        elections.append(
            (_collapsed(election["name"]), _stripped(election.get("description")), timetable, sorted(seats))
        )
    return {
        "settings": (
            given.get("timezone", "Europe/London"),
            _key(given.get("slate")),
            given.get("nation", "england"),
            given.get("post_days", 2),
        ),
        "platforms": {normalise(s["name"]): [p.strip() for p in s["platform"]] for s in doc["slates"] if s["platform"]},
        "elections": elections,
    }


async def _stored_view(services: Services, guild_id: int) -> dict[str, Any]:
    """What the guild holds, read through the repositories."""
    repos = services.repos
    config = await repos.guilds.get(guild_id)
    results = await repos.results.all(guild_id)
    slates = {s.id: s.name for s in await repos.slates.all(guild_id)}
    platforms: dict[str, list[str]] = {}
    for point in await repos.slates.all_points(guild_id):
        platforms.setdefault(normalise(slates[point.slate_id]), []).append(point.text)
    elections = []
    for election in await repos.elections.all(guild_id):
        seats = []
        for seat in await repos.seats.all(guild_id, election.id):
            people = []
            for c in await repos.candidates.all(guild_id, seat_id=seat.id):
                result = results.get(c.id)
                people.append(
                    (
                        c.name,
                        _key(c.slate),
                        c.branch,
                        c.job,
                        c.incumbent,
                        c.statement,
                        None if result is None else result.votes,
                        None if result is None else result.elected,
                    )
                )
            seats.append((seat.name, seat.electorate_type.value, seat.electorate, seat.places, sorted(people)))
        timetable = {m.kind.value: m.at for m in election.timetable}
        elections.append((election.name, election.description, timetable, sorted(seats)))
    return {
        "settings": (config.timezone, _key(config.slate), config.nation.value, config.post_days),
        "platforms": platforms,
        "elections": elections,
    }


async def _import_twice(text: str, folder: Path) -> tuple[list[str], list[str], list[str]]:
    """Import ``text`` twice into one guild; return the second report's changes and the dumps around it."""
    db = await Database.open(folder / "slatebot.db")
    try:
        services = Services.build(db, FakeClock())
        await services.transfer.import_text(SOURCE, ORGANISER, text, filename="generated.yaml")
        before = await db.dump()
        again = await services.transfer.import_text(SOURCE, ORGANISER, text, filename="generated.yaml")
        return [str(c) for c in again.changes], before, await db.dump()
    finally:
        await db.close()


def _as_yaml(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents())
def test_an_export_imports_into_a_fresh_guild_and_exports_identically(doc: dict[str, Any]) -> None:
    """Random small documents import as written, and export -> import elsewhere -> export is the same text."""
    with tempfile.TemporaryDirectory() as folder:
        first, second, from_csv, stored = asyncio.run(_round_trip(_as_yaml(doc), Path(folder)))
    assert stored == _expected_view(doc)
    assert second == first
    assert from_csv == first


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents())
def test_importing_a_document_again_changes_nothing(doc: dict[str, Any]) -> None:
    """For random small documents, a second import of the same file reports no change and writes nothing."""
    with tempfile.TemporaryDirectory() as folder:
        changes, before, after = asyncio.run(_import_twice(_as_yaml(doc), Path(folder)))
    assert changes == []
    assert after == before
