"""
Benchmark data: one realistic campaign, written straight into SQLite for many guilds at once.

The template is the NEC 2025 sample (its 59 seats, real timetable, both slates and platforms and 78 candidates)
padded with generated candidates to about 200. :func:`load` inserts it for every guild id with ``executemany``
inside one transaction, with explicit row ids, so 1,000 guilds (200,000 candidates) load in seconds rather than
through hundreds of thousands of service calls.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.domain.document import CandidateRecord, parse
from bot.domain.enums import MilestoneKind
from bot.domain.text import normalise
from storage.database import Database

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "nec_2025.yaml"
SLATE = "Time for Real Change"
RIVAL = "Members First"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FIRST = _words(
    "Aisha Alan Amara Andrew Angela Anwar Barbara Ben Bernadette Bridget Callum Carol Catherine Chidi Chloe "
    "Claire Colin Dafydd Daniel Deborah Declan Delroy Dionne Donna Eilidh Elaine Emeka Emma Eugene Fatima "
    "Fiona Gareth Gemma Grace Graham Gwen Hamza Harjit Hazel Hollie Imran Iona Jacqueline Jamal Jasmine "
    "Jaswinder Jennifer Joanne Jonathan Joyce Kamala Karen Kieran Kwame Leanne Lorraine Malcolm Manjit Marcus "
    "Margaret Mariam Martin Maureen Michelle Mohammed Moira Nadia Neil Nia Niamh Oluwaseun Owen Parveen Patrick "
    "Paula Precious Rachel Rajesh Rhiannon Rosemary Ruth Samira Sean Shabnam Sharon Siobhan Stephen Sunita "
    "Tariq Theresa Tomasz Trevor Valerie Wayne Yasmin Yvonne Zainab"
)
_LAST = _words(
    "Abbott Adeyemi Ahmed Akhtar Appiah Armstrong Baker Banerjee Barnes Bell Bennett Bhatti Bradley Brennan "
    "Campbell Carr Chaudhry Clarke Coleman Connolly Cunningham Davies Doherty Douglas Edwards Evans Farrell "
    "Fitzgerald Fraser Gallagher Gill Gordon Grant Griffiths Hamilton Hardy Hayes Hughes Hussain Iqbal Jenkins "
    "Johnston Kaur Kelly Kennedy Khan Kowalski Lloyd Lynch MacDonald Mahmood Malik McCarthy McGregor McKenzie "
    "Mensah Mitchell Moran Morgan Murphy Nowak Nwosu O'Brien O'Neill Obi Okonkwo Osei Owen Parry Patel Pearce "
    "Powell Price Quinn Rahman Reid Reilly Richards Robertson Rowlands Sandhu Shah Sharma Sinclair Stewart "
    "Sullivan Thomas Thompson Wallace Walsh Watson Williams Wilson Wright Young"
)
_BRANCHES = (
    "Birmingham City", "Bristol Health", "Cardiff County", "Derbyshire Healthcare", "Devon County",
    "Edinburgh City", "Essex Police", "Glasgow City", "Hampshire County", "Islington", "Kent County",
    "Lambeth", "Leeds Local Government", "Liverpool City", "Manchester Community Health", "Newcastle City",
    "Norfolk & Norwich Health", "Nottingham City", "Salford City", "Sheffield Health", "Swansea",
    "Tower Hamlets", "Wirral", "Belfast Health", "Aberdeen City", "Plymouth Hospitals", "Suffolk County",
)  # fmt: skip
_JOBS = (
    "Teaching assistant", "Care worker", "Social worker", "Porter", "Healthcare assistant", "Librarian",
    "Refuse collector", "Cleaner", "School cook", "Housing officer", "Paramedic", "Nursery nurse",
    "Call handler", "Occupational therapist", "Lab technician", "Admin officer", "Youth worker",
    "Environmental health officer", "Probation officer", "IT support officer", "Water network technician",
)  # fmt: skip
_SENTENCES = (
    "I have been a steward in my branch for {n} years and I know what members face every day.",
    "Pay has fallen behind prices year after year, and our members are paying the price.",
    "I will push for a claim that lifts the lowest paid the most, and a ballot that can win it.",
    "Outsourcing has cost us jobs, hours and dignity; those services belong back in-house.",
    "Our union is strongest when members decide and the NEC carries out what conference agrees.",
    "Safe staffing is not a slogan: it is what stands between our members and burnout.",
    "I will report back to every branch in the region after every NEC meeting.",
    "Young members need a union that recruits where they work and fights for secure contracts.",
    "Women’s pay, flexible hours and an end to harassment at work are union business.",
    "We must confront racism at work and in our communities, wherever it shows itself.",
    "I want UNISON to back only politicians who back our members.",
    "Please use your vote: every paper returned makes our union stronger.",
)  # fmt: skip


@dataclass(frozen=True)
class CandidateT:
    name: str
    slate: str | None
    branch: str | None
    job: str | None
    incumbent: bool
    statement: str | None


@dataclass(frozen=True)
class SeatT:
    name: str
    electorate_type: str
    electorate: str
    places: int
    candidates: tuple[CandidateT, ...]


@dataclass(frozen=True)
class Template:
    """One guild's campaign, to be copied into every guild."""

    timezone: str
    slate: str
    nation: str
    post_days: int
    slates: tuple[tuple[str, tuple[str, ...]], ...]
    election: str
    description: str | None
    timetable: dict[MilestoneKind, datetime]
    seats: tuple[SeatT, ...]
    candidate_names: tuple[str, ...] = field(default=())

    @property
    def regions(self) -> list[str]:
        return sorted({s.electorate for s in self.seats if s.electorate_type == "region"})

    @property
    def candidate_count(self) -> int:
        return sum(len(s.candidates) for s in self.seats)


def _statement(rng: random.Random) -> str:
    picked = rng.sample(_SENTENCES, rng.randint(3, 6))
    return " ".join(picked).format(n=rng.randint(2, 25))


def template(candidates: int = 200, seed: int = 2025) -> Template:
    """The NEC 2025 sample padded with generated candidates to ``candidates`` (names unique in the guild)."""
    doc = parse(SAMPLE.read_text(encoding="utf-8"), "yaml", default_timezone="Europe/London")
    [election] = doc.elections
    rng = random.Random(seed)
    taken = {normalise(c.name) for s in election.seats for c in s.candidates}
    extra = max(0, candidates - len(taken))
    # The sample's own candidates (as parsed) and the generated ones; both become CandidateT below.
    seats: list[list[CandidateRecord | CandidateT]] = [list(s.candidates) for s in election.seats]
    names: list[str] = []
    while len(names) < extra:
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if normalise(name) not in taken:
            taken.add(normalise(name))
            names.append(name)
    # Seats the slate does not yet contest get a slate candidate first, then the rest spread at random.
    order = [i for i, s in enumerate(election.seats) if not any(c.slate == SLATE for c in s.candidates)]
    order += [rng.randrange(len(seats)) for _ in range(len(names) - len(order))]
    for index, name in zip(order, names, strict=False):
        contested = any(c.slate == SLATE for c in seats[index])
        slate = SLATE if not contested else rng.choice((RIVAL, None, None))
        seats[index].append(
            CandidateT(
                name=name,
                slate=slate,
                branch=rng.choice(_BRANCHES),
                job=rng.choice(_JOBS),
                incumbent=rng.random() < 0.15,
                statement=_statement(rng) if rng.random() < 0.9 else None,
            )
        )
    seat_ts = tuple(
        SeatT(
            s.name,
            s.electorate_type.value,
            s.electorate,
            s.places,
            tuple(CandidateT(c.name, c.slate, c.branch, c.job, bool(c.incumbent), c.statement) for c in cands),
        )
        for s, cands in zip(election.seats, seats, strict=True)
    )
    settings = doc.settings
    return Template(
        timezone=settings.timezone or "Europe/London",
        slate=settings.slate or SLATE,
        nation=(settings.nation.value if settings.nation else "england"),
        post_days=settings.post_days if settings.post_days is not None else 2,
        slates=tuple((s.name, s.platform) for s in doc.slates),
        election=election.name,
        description=election.description,
        timetable=dict(election.timetable),
        seats=seat_ts,
        candidate_names=tuple(c.name for s in seat_ts for c in s.candidates),
    )


@dataclass
class GuildSetup:
    """Per-guild extras: the reminder channel and offsets."""

    reminder_channel_id: int | None = None
    reminder_offsets: str = "7d,1d,0"


@dataclass
class Loaded:
    guilds: int
    rows: int
    candidates: int
    election_ids: dict[int, int] = field(default_factory=dict)


async def load(
    db: Database,
    guild_ids: Sequence[int],
    tpl: Template,
    *,
    timetable: dict[MilestoneKind, datetime] | None = None,
    setup: dict[int, GuildSetup] | None = None,
    with_candidates: bool = True,
    first_id: int = 0,
) -> Loaded:
    """
    Insert the template for every guild id in one transaction; returns row counts and each guild's election id.

    Row ids count up from ``first_id`` + 1, so a second call (another template) needs a ``first_id`` above the first's.
    """
    dates = timetable if timetable is not None else tpl.timetable
    slate_key = {name: normalise(name) for name, _ in tpl.slates}
    seat_keys = [normalise(s.name) for s in tpl.seats]
    cand_keys = {c.name: normalise(c.name) for s in tpl.seats for c in s.candidates}
    election_key = normalise(tpl.election)
    setup = setup or {}

    rows: dict[str, list[tuple[object, ...]]] = {
        k: [] for k in ("slates", "guilds", "points", "elections", "milestones", "seats", "candidates")
    }
    next_id = dict.fromkeys(("slate", "point", "election", "seat", "candidate"), first_id)

    def new(kind: str) -> int:
        next_id[kind] += 1
        return next_id[kind]

    loaded = Loaded(guilds=len(guild_ids), rows=0, candidates=0)
    for gid in guild_ids:
        slate_ids: dict[str, int] = {}
        for name, points in tpl.slates:
            sid = slate_ids[name] = new("slate")
            rows["slates"].append((sid, gid, name, slate_key[name]))
            for position, text in enumerate(points, start=1):
                rows["points"].append((new("point"), gid, sid, position, text))
        extra = setup.get(gid, GuildSetup())
        rows["guilds"].append(
            (
                gid,
                tpl.timezone,
                slate_ids.get(tpl.slate),
                tpl.nation,
                tpl.post_days,
                extra.reminder_channel_id,
                extra.reminder_offsets,
            )
        )
        eid = new("election")
        loaded.election_ids[gid] = eid
        rows["elections"].append((eid, gid, tpl.election, election_key, tpl.description))
        for kind, at in dates.items():
            rows["milestones"].append((eid, gid, kind.value, int(at.timestamp())))
        for seat, seat_key in zip(tpl.seats, seat_keys, strict=True):
            seat_id = new("seat")
            rows["seats"].append(
                (seat_id, gid, eid, seat.name, seat_key, seat.electorate_type, seat.electorate, seat.places)
            )
            if not with_candidates:
                continue
            for c in seat.candidates:
                rows["candidates"].append(
                    (
                        new("candidate"),
                        gid,
                        seat_id,
                        c.name,
                        cand_keys[c.name],
                        slate_ids.get(c.slate) if c.slate else None,
                        c.branch,
                        c.job,
                        int(c.incumbent),
                        c.statement,
                    )
                )
    sql = {
        "slates": "INSERT INTO slates (id, guild_id, name, name_key) VALUES (?, ?, ?, ?)",
        "guilds": (
            "INSERT INTO guilds (guild_id, timezone, slate_id, nation, post_days, reminder_channel_id, "
            "reminder_offsets) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ),
        "points": "INSERT INTO platform_points (id, guild_id, slate_id, position, text) VALUES (?, ?, ?, ?, ?)",
        "elections": "INSERT INTO elections (id, guild_id, name, name_key, description) VALUES (?, ?, ?, ?, ?)",
        "milestones": "INSERT INTO milestones (election_id, guild_id, kind, at) VALUES (?, ?, ?, ?)",
        "seats": (
            "INSERT INTO seats (id, guild_id, election_id, name, name_key, electorate_type, electorate, places) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        ),
        "candidates": (
            "INSERT INTO candidates (id, guild_id, seat_id, name, name_key, slate_id, branch, job, incumbent, "
            "statement) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ),
    }
    async with db.transaction():
        for table in ("slates", "guilds", "points", "elections", "milestones", "seats", "candidates"):
            await db.executemany(sql[table], rows[table])
    loaded.rows = sum(len(r) for r in rows.values())
    loaded.candidates = len(rows["candidates"])
    return loaded


async def mark_sent(db: Database, entries: Iterable[tuple[int, str, int]]) -> int:
    """Write ledger rows ``(guild_id, job_id, sent_at)`` as if those reminders had been posted."""
    rows = [(g, j, at, None, 0) for g, j, at in entries]
    async with db.transaction():
        await db.executemany(
            "INSERT INTO reminders_sent (guild_id, job_id, sent_at, message_id, late) VALUES (?, ?, ?, ?, ?)", rows
        )
    return len(rows)
