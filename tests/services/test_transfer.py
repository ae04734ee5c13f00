"""Import and export of the organisers' file format (YAML and CSV), merging and all-or-nothing."""

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.domain.document import DocumentError, Format
from bot.domain.enums import ElectorateType, MilestoneKind, Nation
from bot.errors import NotFound
from bot.services.container import Services
from bot.services.record import LatestMeetings, MemberRecord
from storage.database import Database
from tests.fakes import GUILD, NEC_2025, ORGANISER, OTHER_GUILD, FakeClock

SAMPLE = NEC_2025.read_text(encoding="utf-8")


def _line_of(text: str, line: str) -> int:
    """The 1-based number of the one line of ``text`` that equals ``line``."""
    lines = text.splitlines()
    assert lines.count(line) == 1, f"{line!r} is not unique in the text"
    return lines.index(line) + 1


def _swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} is not unique in the text"
    return text.replace(old, new)


async def _import_problems(services: Services, db: Database, text: str, filename: str) -> list[tuple[int, str]]:
    """Import text that must be refused; check nothing was written and return the (line, message) problems."""
    before = await db.dump()
    with pytest.raises(DocumentError) as refused:
        await services.transfer.import_text(GUILD, ORGANISER, text, filename=filename)
    assert await db.dump() == before
    assert "Nothing was imported" in refused.value.message
    return [(p.line, p.message) for p in refused.value.problems]


# ------------------------------------------------------------------------------------------------- the sample


async def test_the_sample_imports_every_seat_candidate_and_point(nec_services: Services) -> None:
    """The NEC 2025 sample's seats, candidates, slates and platform points are all stored."""
    plain = yaml.safe_load(SAMPLE)
    [nec] = plain["elections"]
    candidates = [c for seat in nec["seats"] for c in seat.get("candidates") or []]
    repos = nec_services.repos
    assert len(await repos.seats.all(GUILD)) == len(nec["seats"])
    assert len(await repos.candidates.all(GUILD)) == len(candidates)
    assert {c.name for c in await repos.candidates.all(GUILD)} == {c["name"] for c in candidates}
    assert [s.name for s in await repos.slates.all(GUILD)] == sorted(s["name"] for s in plain["slates"])
    assert len(await repos.slates.all_points(GUILD)) == sum(len(s["platform"]) for s in plain["slates"])
    config = await nec_services.guilds.get(GUILD)
    assert (config.timezone, config.slate, config.nation, config.post_days) == (
        "Europe/London",
        "Time for Real Change",
        Nation.ENGLAND,
        2,
    )


async def test_the_sample_timetable_is_read_as_london_wall_time(nec_services: Services) -> None:
    """ "2025-04-21 09:00" in the file is 08:00 UTC (BST); "2025-02-14 17:00" is 17:00 UTC (GMT)."""
    election = await nec_services.elections.resolve(GUILD, "NEC 2025")
    assert election.at(MilestoneKind.BALLOT_OPEN) == datetime(2025, 4, 21, 8, tzinfo=UTC)
    assert election.at(MilestoneKind.NOMINATIONS_CLOSE) == datetime(2025, 2, 14, 17, tzinfo=UTC)
    assert election.at(MilestoneKind.BALLOT_CLOSE) == datetime(2025, 5, 21, 16, tzinfo=UTC)


async def test_a_sample_candidate_keeps_every_field(nec_services: Services) -> None:
    """Tom Barker comes in with seat, slate, branch, job and a multi-paragraph statement."""
    tom = await nec_services.candidates.resolve(GUILD, "Tom Barker")
    seat = await nec_services.repos.seats.get(GUILD, tom.seat_id)
    assert seat is not None
    assert (seat.name, seat.electorate_type, seat.electorate) == (
        "East Midlands Regional (Male)",
        ElectorateType.REGION,
        "East Midlands",
    )
    assert (tom.slate, tom.branch, tom.incumbent) == ("Time for Real Change", "Leicester City", False)
    assert tom.statement is not None
    assert tom.statement.startswith("I’m a teaching assistant")
    assert "\n\n" in tom.statement
    assert not tom.statement.endswith("\n")


async def test_importing_the_sample_again_changes_nothing(nec_services: Services, db: Database) -> None:
    """A second import of the same file reports no changes and leaves the database byte for byte the same."""
    before = await db.dump()
    report = await nec_services.transfer.import_text(GUILD, ORGANISER, SAMPLE, filename="nec_2025.yaml")
    assert report.changes == []
    assert report.summary() == "No changes: everything in the file is already stored."
    assert await db.dump() == before


async def test_a_dry_run_lists_the_changes_of_a_real_import_and_writes_nothing(
    services: Services, db: Database
) -> None:
    """The dry run's changes are exactly the real import's, and the database is unchanged after it."""
    before = await db.dump()
    dry = await services.transfer.import_text(GUILD, ORGANISER, SAMPLE, dry_run=True)
    assert await db.dump() == before
    real = await services.transfer.import_text(GUILD, ORGANISER, SAMPLE)
    assert dry.dry_run and not real.dry_run
    assert [str(c) for c in dry.changes] == [str(c) for c in real.changes]
    assert len(real.added) > 100
    assert dry.summary().startswith("The import would make") and real.summary().startswith("The import made")


async def test_a_dry_run_of_updates_matches_the_real_import(nec_services: Services, db: Database) -> None:
    """On stored data a dry run lists the same updates (and additions) as the real import, writing nothing."""
    edited = _swap(SAMPLE, "branch: Leicester City", "branch: Leicester City & County")
    edited = _swap(edited, "post_days: 2", "post_days: 3")
    edited = _swap(edited, 'ballot_open: "2025-04-21 09:00"', 'ballot_open: "2025-04-22 09:00"')
    edited = edited.replace("elections:\n", "elections:\n  - name: NEC 2027\n", 1)
    before = await db.dump()
    dry = await nec_services.transfer.import_text(GUILD, ORGANISER, edited, dry_run=True)
    assert await db.dump() == before
    real = await nec_services.transfer.import_text(GUILD, ORGANISER, edited)
    assert [str(c) for c in dry.changes] == [str(c) for c in real.changes]
    assert sorted(str(c) for c in real.changes) == sorted(
        [
            "add election NEC 2027",
            "update setting post_days",
            "update date ballot_open of NEC 2025",
            "update candidate Tom Barker (East Midlands Regional (Male)) (branch)",
        ]
    )


async def test_import_merges_and_never_deletes(nec_services: Services) -> None:
    """Data stored but missing from the file is kept; a candidate on a differently cased slate joins it."""
    await nec_services.candidates.add(
        GUILD, ORGANISER, name="Ann Newcomer", seat="East Midlands Regional (Male)", slate="TIME FOR REAL CHANGE"
    )
    await nec_services.platform.add(GUILD, ORGANISER, "A point only the guild has")
    count = len(await nec_services.repos.candidates.all(GUILD))
    report = await nec_services.transfer.import_text(GUILD, ORGANISER, SAMPLE)
    assert report.changes == []
    assert len(await nec_services.repos.candidates.all(GUILD)) == count
    ann = await nec_services.candidates.resolve(GUILD, "Ann Newcomer")
    assert ann.slate == "Time for Real Change"
    points = (await nec_services.platform.platform(GUILD)).points
    assert points[-1].text == "A point only the guild has"


# --------------------------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(("fmt", "filename"), [("yaml", "export.yaml"), ("csv", "export.csv")])
async def test_an_export_imports_into_another_guild_and_exports_identically(
    nec_services: Services, fmt: Format, filename: str
) -> None:
    """export -> import into OTHER_GUILD -> export gives the same text, in YAML and in CSV."""
    await nec_services.results.set(GUILD, ORGANISER, "Tom Barker", 1234, elected=True)
    await nec_services.results.set(GUILD, ORGANISER, "Graham Pickering", 1000, elected=False)
    await nec_services.results.set(GUILD, ORGANISER, "Zoë Hartley", 0)
    first = await nec_services.transfer.export(GUILD, fmt)
    await nec_services.transfer.import_text(OTHER_GUILD, ORGANISER, first, filename=filename)
    second = await nec_services.transfer.export(OTHER_GUILD, fmt)
    assert second == first
    assert "1234" in first


async def test_the_yaml_and_csv_exports_import_to_identical_databases(
    nec_services: Services, tmp_path: Path, clock: FakeClock
) -> None:
    """The same data exported as YAML and as CSV imports into two fresh databases that dump identically."""
    await nec_services.results.set(GUILD, ORGANISER, "Tom Barker", 1234, elected=True)
    exports = {
        "export.yaml": await nec_services.transfer.export(GUILD, "yaml"),
        "export.csv": await nec_services.transfer.export(GUILD, "csv"),
    }
    dumps = []
    for filename, text in exports.items():
        fresh = await Database.open(tmp_path / f"{filename}.db")
        try:
            await Services.build(fresh, clock).transfer.import_text(GUILD, ORGANISER, text, filename=filename)
            dumps.append(await fresh.dump())
        finally:
            await fresh.close()
    assert dumps[0] == dumps[1]
    assert any("Tom Barker" in line for line in dumps[0])


async def test_an_export_of_one_election_leaves_the_others_out(nec_services: Services) -> None:
    """export(election=...) writes only that election; an unknown one is NotFound."""
    await nec_services.elections.add(GUILD, ORGANISER, "NEC 2027")
    data = yaml.safe_load(await nec_services.transfer.export(GUILD, "yaml", "nec 2027"))
    assert [e["name"] for e in data["elections"]] == ["NEC 2027"]
    with pytest.raises(NotFound):
        await nec_services.transfer.export(GUILD, "yaml", "NEC 1999")


async def test_an_empty_guild_exports_a_file_that_imports_to_nothing(services: Services, db: Database) -> None:
    """A guild with no data exports a valid file; importing it elsewhere adds nothing but the settings."""
    text = await services.transfer.export(GUILD)
    report = await services.transfer.import_text(OTHER_GUILD, ORGANISER, text)
    assert report.added == []
    assert await services.transfer.export(OTHER_GUILD) == text


async def test_a_time_in_the_repeated_autumn_hour_survives_a_round_trip(services: Services) -> None:
    """01:30 GMT on 26 October 2025 (the second 01:30) exports with its offset and imports to the same instant."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    second_half_past_one = datetime(2025, 10, 26, 1, 30, tzinfo=UTC)
    election = await services.elections.resolve(GUILD, "NEC 2025")
    async with services.repos.db.transaction():
        await services.repos.elections.set_milestone(GUILD, election.id, MilestoneKind.RESULTS, second_half_past_one)
    text = await services.transfer.export(GUILD)
    assert "2025-10-26 01:30:00+00:00" in text
    await services.transfer.import_text(OTHER_GUILD, ORGANISER, text)
    copied = await services.elections.resolve(OTHER_GUILD, "NEC 2025")
    assert copied.at(MilestoneKind.RESULTS) == second_half_past_one


# ----------------------------------------------------------------------------------------------- bad files


async def test_a_seat_with_zero_places_is_reported_on_its_line(services: Services, db: Database) -> None:
    """places: 0 on one seat is refused naming the seat's line; nothing at all is written."""
    seat_line = "      - name: Greater London Regional (Female)"
    block = f"{seat_line}\n        electorate_type: region\n        electorate: Greater London\n        places: 2\n"
    text = _swap(SAMPLE, block, block.replace("places: 2", "places: 0"))
    problems = await _import_problems(services, db, text, "nec.yaml")
    assert [line for line, _ in problems] == [_line_of(text, seat_line)]
    assert "places" in problems[0][1]


async def test_every_bad_line_is_reported_at_once(services: Services, db: Database) -> None:
    """An unknown electorate_type and zero places on two seats are both reported, each with its line."""
    eastern = "      - name: Eastern Regional (Male)\n        electorate_type: region\n"
    text = _swap(SAMPLE, eastern, eastern.replace("region", "county"))
    young = (
        "        electorate: Young members\n        places: 1\n        candidates:\n          - name: Callum Brennan"
    )
    text = _swap(text, young, young.replace("places: 1", "places: 0"))
    problems = await _import_problems(services, db, text, "nec.yaml")
    assert [line for line, _ in problems] == [
        _line_of(text, "      - name: Eastern Regional (Male)"),
        _line_of(text, "      - name: Young Members (General)"),
    ]
    assert "county" in problems[0][1]
    assert "places" in problems[1][1]


async def test_an_impossible_date_is_refused_naming_it(services: Services, db: Database) -> None:
    """A quoted "2025-02-30" in the timetable is reported as not a real date, and nothing is written."""
    text = _swap(SAMPLE, 'ballot_open: "2025-04-21 09:00"', 'ballot_open: "2025-02-30"')
    [(_, message)] = await _import_problems(services, db, text, "nec.yaml")
    assert "ballot_open" in message and "2025-02-30" in message


async def test_an_impossible_date_is_reported_on_its_own_line(services: Services, db: Database) -> None:
    """A bad ballot_open date is reported on the ballot_open line, not the first line of the timetable."""
    text = _swap(SAMPLE, 'ballot_open: "2025-04-21 09:00"', 'ballot_open: "2025-02-30"')
    [(line, _)] = await _import_problems(services, db, text, "nec.yaml")
    assert line == _line_of(text, '      ballot_open: "2025-02-30"')


async def test_an_unquoted_impossible_date_is_a_document_error(services: Services, db: Database) -> None:
    """An unquoted 2025-02-30 is reported as a problem with a line number, not raised as a crash."""
    text = _swap(SAMPLE, 'ballot_open: "2025-04-21 09:00"', "ballot_open: 2025-02-30")
    [(line, message)] = await _import_problems(services, db, text, "nec.yaml")
    assert line > 0 and "2025-02-30" in message


async def test_an_out_of_order_timetable_in_a_file_is_refused(services: Services, db: Database) -> None:
    """A file whose ballot closes before it opens is refused on the election's line; nothing is written."""
    text = _swap(SAMPLE, 'ballot_close: "2025-05-21 17:00"', 'ballot_close: "2025-04-01 17:00"')
    problems = await _import_problems(services, db, text, "nec.yaml")
    assert {line for line, _ in problems} == {_line_of(text, "  - name: NEC 2025")}
    assert any("The ballot can’t close before" in message for _, message in problems)


async def test_an_out_of_order_merge_is_refused_and_rolled_back(nec_services: Services, db: Database) -> None:
    """A file dating only the close, before the stored open, is refused and leaves the stored data as it was."""
    text = "format: 1\nelections:\n  - name: NEC 2025\n    timetable:\n      ballot_close: '2025-04-01'\n"
    problems = await _import_problems(nec_services, db, text, "late.yaml")
    assert {line for line, _ in problems} == {3}
    assert any("The ballot can’t close before" in message for _, message in problems)


async def test_a_csv_bad_row_is_reported_on_its_line_after_multi_line_statements(
    nec_services: Services, db: Database
) -> None:
    """In a CSV whose statement cells span many lines, a bad seat row is reported on the line it starts."""
    text = await nec_services.transfer.export(GUILD, "csv")
    assert len(text.splitlines()) > len(list(csv.reader(io.StringIO(text)))), "statements must span lines"
    seat_row = next(line for line in text.splitlines() if line.startswith("seat,NEC 2025,,Young Members (General),"))
    bad_row = seat_row.replace(",group,", ",groupx,")
    assert bad_row != seat_row
    bad = _swap(text, seat_row + "\n", bad_row + "\n")
    problems = await _import_problems(nec_services, db, bad, "nec.csv")
    # The seat's own row, then each of its candidates' rows (their seat is missing), each on its first line.
    candidate_rows = [
        number
        for number, line in enumerate(bad.splitlines(), start=1)
        if line.startswith("candidate,NEC 2025,Young Members (General),")
    ]
    assert candidate_rows
    assert [line for line, _ in problems] == [_line_of(bad, bad_row), *candidate_rows]
    assert "groupx" in problems[0][1]
    assert all("Young Members (General)" in message for _, message in problems[1:])


async def test_a_csv_bad_candidate_row_names_the_line_where_the_row_starts(services: Services, db: Database) -> None:
    """A candidate row whose statement spans three lines and has bad votes is reported on its first line."""
    header = (
        "record,election,seat,name,kind,value,electorate_type,electorate,places,slate,branch,job,incumbent,"
        "votes,elected,position,text"
    )
    rows = [
        header,
        "election,,,NEC 2025,,,,,,,,,,,,,",
        "seat,NEC 2025,,Wales,,,region,Cymru/Wales,1,,,,,,,,",
        'candidate,NEC 2025,Wales,Ann Jones,,,,,,,,,no,,,,"First line',
        "",
        'third line"',
        'candidate,NEC 2025,Wales,Bob Evans,,,,,,,,,no,-5,,,"Another',
        'statement"',
    ]
    problems = await _import_problems(services, db, "\n".join(rows) + "\n", "bad.csv")
    assert [line for line, _ in problems] == [7]
    assert "votes" in problems[0][1]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("format: 1\nelections: [\n", 3),
        ("format: 2\n", 1),
        ("format: 1\nsurprise: yes\n", 1),
        ("- just\n- a list\n", 1),
    ],
)
async def test_files_that_are_not_the_format_are_refused(
    services: Services, db: Database, text: str, line: int
) -> None:
    """Broken YAML, an unknown format version, unknown fields or a non-mapping are refused with a line."""
    problems = await _import_problems(services, db, text, "x.yaml")
    assert problems[0][0] == line


async def test_reimporting_near_identical_platform_points_changes_nothing(services: Services, db: Database) -> None:
    """A platform with "Pay rise now" and "Pay rise, now!" imports once; importing it again changes nothing."""
    text = (
        "format: 1\nslates:\n  - name: Time for Real Change\n    platform:\n"
        "      - Pay rise now\n      - Pay rise, now!\n"
    )
    await services.transfer.import_text(GUILD, ORGANISER, text)
    before = await db.dump()
    report = await services.transfer.import_text(GUILD, ORGANISER, text)
    assert [str(c) for c in report.changes] == []
    assert await db.dump() == before


TWO_WINNERS = """
format: 1
elections:
  - name: NEC 2029
    seats:
      - name: Wales Regional
        electorate_type: region
        electorate: Cymru/Wales
        places: 1
        candidates:
          - name: Ann Jones
            votes: 900
            elected: true
          - name: Bob Evans
            votes: 800
            elected: {bob}
"""


async def test_an_import_electing_more_than_a_seats_places_is_refused_whole(services: Services, db: Database) -> None:
    """Two marked elected for a 1-place seat: nothing imported, and the problem names the seat, places and both."""
    problems = await _import_problems(services, db, TWO_WINNERS.format(bob="true"), "results.yaml")
    [(line, message)] = problems
    assert line == _line_of(TWO_WINNERS, "      - name: Wales Regional")
    assert "Wales Regional (NEC 2029) has 1 place" in message
    assert "Ann Jones and Bob Evans" in message


async def test_an_import_adding_a_winner_beside_a_stored_one_is_refused(services: Services, db: Database) -> None:
    """The stored winner counts too: a file marking another elected in the same 1-place seat imports nothing."""
    await services.transfer.import_text(GUILD, ORGANISER, TWO_WINNERS.format(bob="false"), filename="a.yaml")
    changed = TWO_WINNERS.format(bob="true").replace("            votes: 900\n            elected: true\n", "")
    problems = await _import_problems(services, db, changed, "results.yaml")
    assert len(problems) == 1 and "Ann Jones and Bob Evans" in problems[0][1]


# ------------------------------------------------------------------------------ meetings, motions and votes

#: Fictional members only: no vote is ever attributed to a real person.
MEETINGS = """format: 1
meetings:
  - title: NEC meeting
    date: 2024-07-18
    body: NEC
    motions:
      - text: "That the minutes be approved"
        for: 40
        against: 0
        abstain: 3
        votes:
          Alex Fictional: for
          Sam Fictional: abstain
      - text: "Needs two thirds: change the rules"
        for: 30
        against: 20
        carried: false
        votes:
          Alex Fictional: against
          Jo Fictional: absent
  - title: Finance committee
    date: 2024-07-18
    body: Finance Committee
    motions: []
"""


@pytest.mark.parametrize(("fmt", "filename"), [("yaml", "export.yaml"), ("csv", "export.csv")])
async def test_meetings_motions_and_votes_round_trip_identically(
    nec_services: Services, fmt: Format, filename: str
) -> None:
    """export -> import into OTHER_GUILD -> export is identical with meetings, abstentions, a carried flag and votes."""
    await nec_services.transfer.import_text(GUILD, ORGANISER, MEETINGS, filename="meetings.yaml")
    first = await nec_services.transfer.export(GUILD, fmt)
    await nec_services.transfer.import_text(OTHER_GUILD, ORGANISER, first, filename=filename)
    assert await nec_services.transfer.export(OTHER_GUILD, fmt) == first
    view = await nec_services.record.view(OTHER_GUILD, meeting="2024-07-18 NEC meeting")
    assert not isinstance(view, LatestMeetings | MemberRecord)
    [minutes, rules] = view.motions
    assert (minutes.motion.abstentions, minutes.motion.carried, rules.motion.carried_flag) == (3, True, False)
    assert [(v.member, v.vote.value) for v in rules.votes] == [
        ("Alex Fictional", "against"),
        ("Jo Fictional", "absent"),
    ]
    assert "Zoë Hartley" in first and "2024-05-23" in first


async def test_meetings_export_oldest_first_whatever_order_they_were_added(services: Services) -> None:
    """The file lists meetings by day then title, so the order never depends on row ids."""
    await services.record.add_meeting(GUILD, ORGANISER, "Later", "2024-09-12")
    await services.record.add_meeting(GUILD, ORGANISER, "Earlier", "2024-05-23")
    data = yaml.safe_load(await services.transfer.export(GUILD))
    assert [(m["title"], str(m["date"])) for m in data["meetings"]] == [
        ("Earlier", "2024-05-23"),
        ("Later", "2024-09-12"),
    ]


async def test_importing_meetings_merges_figures_and_votes(services: Services) -> None:
    """A meeting by title and day, a motion by its wording, a vote by its member: updated, the rest added."""
    await services.transfer.import_text(GUILD, ORGANISER, MEETINGS, filename="meetings.yaml")
    edited = _swap(MEETINGS, "        for: 40\n", "        for: 41\n")
    edited = _swap(edited, "          Sam Fictional: abstain\n", "          Sam Fictional: for\n")
    edited = _swap(edited, "    body: Finance Committee\n", "    body: Finance and Resources\n")
    edited = _swap(
        edited,
        "    motions: []\n",
        '    motions:\n      - text: "Approve the budget"\n        for: 5\n        against: 1\n',
    )
    report = await services.transfer.import_text(GUILD, ORGANISER, edited, filename="meetings.yaml")
    assert sorted(str(c) for c in report.changes) == [
        "add motion “Approve the budget” (Finance committee (2024-07-18))",
        "update meeting Finance committee (2024-07-18) (body)",
        "update motion “That the minutes be approved” (NEC meeting (2024-07-18)) (for)",
        "update vote Sam Fictional on “That the minutes be approved” (vote)",
    ]
    record = await services.record.view(GUILD, member="Sam Fictional")
    assert isinstance(record, MemberRecord)
    assert [(e.vote.value, e.motion.votes_for) for e in record.entries] == [("for", 41)]
    again = await services.transfer.import_text(GUILD, ORGANISER, edited, filename="meetings.yaml")
    assert again.changes == []


async def test_an_import_with_our_votes_beyond_a_motions_figures_is_refused_on_its_line(
    services: Services, db: Database
) -> None:
    """Two of ours "for" on a motion with 1 vote for: nothing is imported, the motion's line says why."""
    bad = _swap(
        MEETINGS,
        "        for: 40\n        against: 0\n        abstain: 3\n",
        "        for: 1\n        against: 0\n        abstain: 3\n",
    )
    bad = _swap(bad, "          Sam Fictional: abstain\n", "          Sam Fictional: for\n")
    [(line, message)] = await _import_problems(services, db, bad, "meetings.yaml")
    assert line == _line_of(bad, '      - text: "That the minutes be approved"')
    assert "2 of our members are recorded as voting for, but the motion had only 1 vote for" in message


async def test_an_import_counts_the_stored_votes_too(services: Services, db: Database) -> None:
    """A vote already stored and one added by the file together exceed the motion's total: refused whole."""
    await services.transfer.import_text(GUILD, ORGANISER, MEETINGS, filename="meetings.yaml")
    more = _swap(
        MEETINGS,
        "          Jo Fictional: absent\n",
        "          Jo Fictional: against\n          Lee Fictional: against\n",
    )
    more = _swap(more, "        for: 30\n        against: 20\n", "        for: 30\n        against: 2\n")
    problems = await _import_problems(services, db, more, "meetings.yaml")
    assert any("3 of our members are recorded as voting against, but the motion had only 2" in m for _, m in problems)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("        for: 40\n", "        for: -40\n", "The votes for can't be negative (you gave -40)"),
        ("        against: 0\n", "", "give the votes against (against)"),
        (
            "          Sam Fictional: abstain\n",
            "          Sam Fictional: maybe\n",
            "Sam Fictional: “maybe” is not a vote",
        ),
        ("          Sam Fictional: abstain\n", "          alex fictional: abstain\n", "appears twice"),
        ("    date: 2024-07-18\n    body: NEC\n", '    date: "18th July"\n    body: NEC\n', "is not a day"),
    ],
)
async def test_a_bad_meeting_line_is_refused_with_its_reason(
    services: Services, db: Database, old: str, new: str, expected: str
) -> None:
    """Each check of the commands applies to a file too; nothing at all is imported."""
    problems = await _import_problems(services, db, _swap(MEETINGS, old, new), "meetings.yaml")
    assert any(expected in message for _, message in problems), problems


CSV_MEETINGS = """record,name,meeting,date,body,position,text,for,against,abstain,carried,vote
vote,Alex Fictional,NEC meeting,2024-07-18,,1,,,,,,for
motion,,NEC meeting,2024-07-18,,1,That the minutes be approved,40,0,3,,
meeting,NEC meeting,,2024-07-18,NEC,,,,,,,
vote,Alex Fictional,NEC meeting,2024-07-18,,1,,,,,,against
"""


async def test_a_csv_vote_given_twice_is_refused_naming_both_lines(services: Services, db: Database) -> None:
    """CSV rows apply meetings, motions, then votes whatever their order; a member's second vote names the first."""
    [(line, message)] = await _import_problems(services, db, CSV_MEETINGS, "meetings.csv")
    assert line == 5
    assert "Alex Fictional's vote on motion 'That the minutes be approved' appears twice (first on line 2)" in message
    once = "\n".join(CSV_MEETINGS.splitlines()[:4]) + "\n"
    await services.transfer.import_text(GUILD, ORGANISER, once, filename="meetings.csv")
    record = await services.record.view(GUILD, member="Alex Fictional")
    assert isinstance(record, MemberRecord) and [e.vote.value for e in record.entries] == ["for"]


async def test_the_format_documents_yaml_example_imports(services: Services) -> None:
    """The YAML example in docs/format.md is a file the bot reads, meetings and all."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "format.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    report = await services.transfer.import_text(GUILD, ORGANISER, example, filename="example.yaml")
    assert {c.what for c in report.added} >= {"election", "seat", "candidate", "meeting", "motion", "vote"}
