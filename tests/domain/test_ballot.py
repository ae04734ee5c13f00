"""Which election is current, whether its ballot is open, and which seats a member votes in."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.ballot import (
    BallotPaper,
    ballot_is_open,
    ballot_papers,
    current_election,
    known_electorates,
    match_electorate,
    slate_candidates,
    sort_named_groups,
    votes_label,
)
from bot.domain.enums import ElectorateType, MilestoneKind
from bot.domain.models import Candidate, Election, Milestone, Seat, SeatWithCandidates
from tests.domain.nec import REGIONS, SERVICE_GROUPS

GUILD = 1


def utc(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def election(
    election_id: int, name: str, *, opens: datetime | None = None, closes: datetime | None = None, **more: datetime
) -> Election:
    timetable = [Milestone(MilestoneKind(kind), at) for kind, at in more.items()]
    if opens is not None:
        timetable.append(Milestone(MilestoneKind.BALLOT_OPEN, opens))
    if closes is not None:
        timetable.append(Milestone(MilestoneKind.BALLOT_CLOSE, closes))
    return Election(id=election_id, guild_id=GUILD, name=name, timetable=tuple(timetable))


# Real timetables from DOMAIN.md (17:00 London in May is 16:00 UTC).
NEC_2023 = election(2023, "NEC 2023", opens=utc(2023, 4, 17), closes=utc(2023, 5, 19, 16), results=utc(2023, 6, 8))
NEC_2025 = election(
    2025,
    "NEC 2025",
    nominations_open=utc(2025, 1, 13),
    nominations_close=utc(2025, 2, 14, 17),
    opens=utc(2025, 4, 21, 8),
    closes=utc(2025, 5, 21, 16),
    results=utc(2025, 6, 11),
)


def nec_seats() -> list[Seat]:
    """A small synthetic NEC: two seats per region, a few per service group, national and young members' seats."""
    specs: list[tuple[str, ElectorateType, str, int]] = []
    for region in REGIONS:
        specs.append((f"{region} Regional (Female)", ElectorateType.REGION, region, 1))
        specs.append((f"{region} Regional (Male)", ElectorateType.REGION, region, 1))
    specs.append(("Greater London Regional (Low-paid Women)", ElectorateType.REGION, "Greater London", 1))
    for group in SERVICE_GROUPS:
        specs.append((f"{group} Service Group (General)", ElectorateType.SERVICE_GROUP, group, 1))
    specs.append(("Health Service Group (Female)", ElectorateType.SERVICE_GROUP, "Health", 2))
    specs += [
        ("Black Members (Female)", ElectorateType.NATIONAL, "Black members", 2),
        ("Black Members (Male)", ElectorateType.NATIONAL, "Black members", 1),
        ("Black Members (Reserved)", ElectorateType.NATIONAL, "Black members", 1),
        ("Disabled Members (Female)", ElectorateType.NATIONAL, "Disabled members", 1),
        ("Disabled Members (General)", ElectorateType.NATIONAL, "Disabled members", 1),
        ("Young Members (Female)", ElectorateType.GROUP, "Young members", 1),
        ("Young Members (General)", ElectorateType.GROUP, "Young members", 1),
        ("LGBT+ Members (General)", ElectorateType.GROUP, "LGBT+ members", 1),
    ]
    return [
        Seat(
            id=index, guild_id=GUILD, election_id=2025, name=name, electorate_type=kind, electorate=value, places=places
        )
        for index, (name, kind, value, places) in enumerate(specs, start=1)
    ]


SEATS = nec_seats()
NATIONAL = [seat for seat in SEATS if seat.electorate_type is ElectorateType.NATIONAL]


def names(seats: list[Seat] | tuple[Seat, ...]) -> list[str]:
    return [seat.name for seat in seats]


# --- ballot_is_open ---


@pytest.mark.parametrize(
    ("now", "is_open"),
    [
        (utc(2025, 4, 21, 7), False),
        (utc(2025, 4, 21, 8), True),
        (utc(2025, 5, 1), True),
        (utc(2025, 5, 21, 15) + timedelta(minutes=59), True),
        (utc(2025, 5, 21, 16), False),
        (utc(2025, 6, 1), False),
    ],
)
def test_ballot_is_open_from_opening_until_just_before_close(now: datetime, is_open: bool) -> None:
    """The window includes its opening moment and excludes its closing moment."""
    assert ballot_is_open(NEC_2025, now) is is_open


def test_ballot_without_an_opening_date_is_not_open() -> None:
    """An undated ballot is never open."""
    assert not ballot_is_open(election(1, "NEC 2027"), utc(2027, 5, 1))


def test_ballot_with_no_close_yet_stays_open_after_opening() -> None:
    """Without a closing date the ballot is open from its opening."""
    assert ballot_is_open(election(1, "NEC 2027", opens=utc(2027, 4, 1)), utc(2027, 9, 1))


# --- current_election ---


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2023, 1, 1), "NEC 2023"),  # before both: the next to open
        (utc(2023, 5, 1), "NEC 2023"),  # inside 2023's window
        (utc(2023, 6, 1), "NEC 2025"),  # between: 2025 opens next
        (utc(2025, 2, 1), "NEC 2025"),  # nominations stage: 2025 opens next
        (utc(2025, 5, 1), "NEC 2025"),  # inside 2025's window
        (utc(2026, 1, 1), "NEC 2025"),  # after both: the latest
    ],
)
def test_current_election_follows_the_calendar(now: datetime, expected: str) -> None:
    """Open now, else next to open, else latest."""
    found = current_election([NEC_2025, NEC_2023], now)
    assert found is not None
    assert found.name == expected


def test_current_election_of_nothing_is_none() -> None:
    """With no elections there is no current one."""
    assert current_election([], utc(2025, 1, 1)) is None


def test_of_several_open_ballots_the_one_closing_first_is_current() -> None:
    """Overlapping windows: the earlier close wins, whatever the order given."""
    gensec = election(7, "General Secretary 2025", opens=utc(2025, 4, 1), closes=utc(2025, 6, 1))
    open_ended = election(8, "Open-ended", opens=utc(2025, 3, 1))
    found = current_election([gensec, open_ended, NEC_2025], utc(2025, 5, 1))
    assert found == NEC_2025


def test_an_open_ballot_beats_one_opening_sooner() -> None:
    """An open ballot is current even when another opens tomorrow."""
    tomorrow = election(9, "Tomorrow", opens=utc(2025, 5, 2), closes=utc(2025, 5, 10))
    assert current_election([tomorrow, NEC_2025], utc(2025, 5, 1)) == NEC_2025


def test_an_undated_new_election_is_current_once_others_are_past() -> None:
    """An election just added, with no dates yet, is current when nothing is open or upcoming."""
    new = election(3000, "NEC 2027")
    assert current_election([NEC_2023, new, NEC_2025], utc(2026, 1, 1)) == new


def test_an_undated_election_does_not_displace_an_upcoming_one() -> None:
    """A ballot still to open is current before an undated election."""
    new = election(3000, "NEC 2027")
    assert current_election([new, NEC_2025], utc(2025, 3, 1)) == NEC_2025


def test_latest_past_election_is_by_its_last_date() -> None:
    """Among past elections the one with the latest milestone is current, regardless of id."""
    old_but_late = election(1, "By-election", opens=utc(2025, 7, 1), closes=utc(2025, 7, 20))
    assert current_election([NEC_2025, old_but_late], utc(2026, 1, 1)) == old_but_late


def test_an_election_with_only_future_nominations_beats_past_ones() -> None:
    """Nomination dates ahead make an election later than every finished one."""
    nec_2027 = election(3, "NEC 2027", nominations_open=utc(2027, 1, 11))
    assert current_election([NEC_2025, nec_2027], utc(2026, 1, 1)) == nec_2027


# --- ballot_papers ---


@pytest.mark.parametrize(
    ("region", "service_group", "young"), list(itertools.product(REGIONS, SERVICE_GROUPS, [False, True]))
)
def test_every_member_gets_their_region_service_group_national_and_group_seats(
    region: str, service_group: str, young: bool
) -> None:
    """Region, service group, every national seat, and young members' seats only for the young."""
    groups = ["Young members"] if young else []
    papers = ballot_papers(SEATS, region=region, service_group=service_group, groups=groups)
    found = [seat for paper in papers for seat in paper.seats]
    expected = (
        sorted(s.name for s in SEATS if s.electorate_type is ElectorateType.REGION and s.electorate == region)
        + sorted(
            s.name for s in SEATS if s.electorate_type is ElectorateType.SERVICE_GROUP and s.electorate == service_group
        )
        + sorted(s.name for s in NATIONAL)
        + (["Young Members (Female)", "Young Members (General)"] if young else [])
    )
    assert names(found) == expected
    assert len({seat.id for seat in found}) == len(found)


@pytest.mark.parametrize(
    ("region", "stored"),
    [
        ("Wales", "Cymru/Wales"),
        ("cymru", "Cymru/Wales"),
        ("Yorkshire and Humberside", "Yorkshire & Humberside"),
        ("yorkshire", "Yorkshire & Humberside"),
        ("EAST MIDLANDS", "East Midlands"),
        ("Northern", "Northern"),
        ("northern ireland", "Northern Ireland"),
        ("london", "Greater London"),
    ],
)
def test_region_is_matched_forgivingly(region: str, stored: str) -> None:
    """A region typed differently still finds its seats, titled with the stored name."""
    [paper, *_] = ballot_papers(SEATS, region=region, service_group=None)
    assert paper.title == f"Your region: {stored}"
    assert {seat.electorate for seat in paper.seats} == {stored}


@pytest.mark.parametrize(
    ("service_group", "stored"),
    [
        ("health", "Health"),
        ("Police", "Police, Probation and CAFCASS (formerly Police and Justice)"),
        ("water", "Water, Environment and Transport"),
        ("local gov", "Local Government"),
    ],
)
def test_service_group_is_matched_forgivingly(service_group: str, stored: str) -> None:
    """A service group typed short or in lower case finds its seats."""
    [paper, *_] = ballot_papers(SEATS, region=None, service_group=service_group)
    assert paper.title == f"Your service group: {stored}"


@pytest.mark.parametrize("groups", [["young"], ["Young Members"], "young", ["young", "Young members"], [" young "]])
def test_young_members_group_is_matched_forgivingly(groups: list[str] | str) -> None:
    """`young` finds the young members' seats, once, from a list or a comma string."""
    papers = ballot_papers(SEATS, region=None, service_group=None, groups=groups)
    assert [paper.title for paper in papers] == ["National seats", "Young members"]
    assert names(papers[1].seats) == ["Young Members (Female)", "Young Members (General)"]


def test_ballot_papers_are_grouped_and_titled() -> None:
    """The papers come in order: region, service group, national, then named groups."""
    papers = ballot_papers(SEATS, region="East Midlands", service_group="Health", groups="young, lgbt")
    assert [paper.title for paper in papers] == [
        "Your region: East Midlands",
        "Your service group: Health",
        "National seats",
        "Young members",
        "LGBT+ members",
    ]
    assert papers[0] == BallotPaper(
        title="Your region: East Midlands",
        seats=tuple(s for s in SEATS if s.name.startswith("East Midlands Regional")),
    )
    assert names(papers[1].seats) == ["Health Service Group (Female)", "Health Service Group (General)"]


@pytest.mark.parametrize(("region", "service_group"), [(None, None), ("Atlantis", "Retail"), ("North", "")])
def test_national_seats_are_always_on_the_ballot(region: str | None, service_group: str | None) -> None:
    """Even with no, unknown or ambiguous region and service group, every national seat is listed."""
    papers = ballot_papers(SEATS, region=region, service_group=service_group)
    assert [paper.title for paper in papers] == ["National seats"]
    assert names(papers[0].seats) == sorted(names(NATIONAL))


@pytest.mark.parametrize("region", ["North", "Midlands", "East", "South"])
def test_an_ambiguous_region_gives_no_region_paper(region: str) -> None:
    """A region matching several is not guessed."""
    assert match_electorate(region, REGIONS) is None


def test_unknown_group_adds_no_paper() -> None:
    """A group with no seats is ignored."""
    papers = ballot_papers(SEATS, region="Scotland", service_group=None, groups=["Retired members"])
    assert [paper.title for paper in papers] == ["Your region: Scotland", "National seats"]


def test_empty_papers_are_left_out() -> None:
    """With no national seats in the election, no empty National seats paper appears."""
    regional = [seat for seat in SEATS if seat.electorate_type is ElectorateType.REGION]
    assert [paper.title for paper in ballot_papers(regional, region="Scotland", service_group="Health")] == [
        "Your region: Scotland"
    ]


def test_variant_spellings_in_storage_count_as_one_electorate() -> None:
    """Seats stored as `Yorkshire & Humberside` and `Yorkshire and Humberside` are one region."""
    extra = Seat(
        id=999,
        guild_id=GUILD,
        election_id=2025,
        name="Yorkshire and Humberside Regional (Low-paid Women)",
        electorate_type=ElectorateType.REGION,
        electorate="Yorkshire and Humberside",
    )
    papers = ballot_papers([*SEATS, extra], region="Yorkshire & Humberside", service_group=None)
    found = [seat for paper in papers for seat in paper.seats]
    assert extra in found
    assert sum(seat.electorate_type is ElectorateType.REGION for seat in found) == 3


# --- small helpers ---


def test_known_electorates_are_distinct_and_sorted() -> None:
    """Each region appears once, alphabetically, for autocomplete."""
    assert known_electorates(SEATS, ElectorateType.REGION) == sorted(REGIONS, key=str.casefold)
    assert known_electorates(SEATS, ElectorateType.GROUP) == ["LGBT+ members", "Young members"]
    assert known_electorates(SEATS, ElectorateType.NATIONAL) == ["Black members", "Disabled members"]


@pytest.mark.parametrize(
    ("places", "count", "unopposed"),
    [(1, 0, False), (1, 1, True), (1, 2, False), (2, 1, True), (2, 2, True), (2, 3, False), (4, 4, True)],
)
def test_a_seat_is_unopposed_with_one_to_places_candidates(places: int, count: int, unopposed: bool) -> None:
    """At least one candidate and no more than the places is unopposed."""
    seat = Seat(1, GUILD, 2025, "Health Service Group (Female)", ElectorateType.SERVICE_GROUP, "Health", places)
    standing = tuple(Candidate(n, GUILD, seat.id, f"Candidate {n}") for n in range(count))
    assert SeatWithCandidates(seat, standing).unopposed is unopposed


def _standing(*slates: str | None) -> tuple[Candidate, ...]:
    return tuple(Candidate(n, GUILD, 1, f"Candidate {n}", slate=slate) for n, slate in enumerate(slates))


@pytest.mark.parametrize(
    ("slate", "expected"),
    [
        ("Time for Real Change", [0, 2]),
        ("time for real change", [0, 2]),
        ("TIME FOR REAL CHANGE!", [0, 2]),
        ("Broad Left", [1]),
        ("Nobody's slate", []),
        (None, []),
    ],
)
def test_slate_candidates_are_those_of_the_guild_slate_in_order(slate: str | None, expected: list[int]) -> None:
    """The slate's candidates are picked by forgiving name, in the order given; no slate set picks nobody."""
    standing = _standing("Time for Real Change", "Broad Left", "time for real change", None)
    assert [c.id for c in slate_candidates(standing, slate)] == expected


def test_slate_candidates_of_a_seat_without_candidates_is_empty() -> None:
    """A seat nobody stands for has no slate candidate."""
    assert slate_candidates((), "Time for Real Change") == ()


@pytest.mark.parametrize(("places", "label"), [(1, "vote for 1"), (2, "vote for up to 2"), (5, "vote for up to 5")])
def test_votes_label(places: int, label: str) -> None:
    """One place says `vote for 1`; more say `vote for up to N`."""
    assert votes_label(places) == label


def test_votes_label_refuses_no_places() -> None:
    """A seat with no places is a programming error."""
    with pytest.raises(ValueError, match="at least one place"):
        votes_label(0)


# --- groups the member named ---


def test_named_groups_are_sorted_into_own_seats_national_seats_and_no_seats() -> None:
    """A group with seats of its own, one whose seats are national, and one with no seats are told apart."""
    named = sort_named_groups(SEATS, "young, Black, LGBT+, retired, disabled")
    assert named.with_seats == ("Young members", "LGBT+ members")
    assert named.national == ("Black members", "Disabled members")
    assert named.without_seats == ("retired",)


def test_named_groups_with_no_group_seats_at_all_are_all_without_seats() -> None:
    """In an election with no group seats, every named group that is not national has no seats of its own."""
    seats = [s for s in SEATS if s.electorate_type is not ElectorateType.GROUP]
    named = sort_named_groups(seats, ["Black", "LGBT+", "retired"])
    assert (named.with_seats, named.national, named.without_seats) == ((), ("Black members",), ("LGBT+", "retired"))


def test_a_group_named_twice_is_listed_once() -> None:
    """``young, Young members`` is one group; blank items are ignored."""
    named = sort_named_groups(SEATS, "young, , Young members, retired, Retired")
    assert (named.with_seats, named.without_seats) == (("Young members",), ("retired",))


def test_a_mistyped_group_is_offered_the_group_it_looks_like() -> None:
    """``yung`` has no seats but looks like Young members; ``retired members`` looks like no group."""
    named = sort_named_groups(SEATS, "yung, retired members, blak")
    assert named.without_seats == ("yung", "retired members", "blak")
    assert named.maybe_meant == (("yung", "Young members"), ("blak", "Black members"))
