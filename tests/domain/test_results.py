"""Who is elected, ties at the cut, unopposed seats, the slate's tally and the change since last time (pure)."""

from collections.abc import Sequence
from itertools import count

import pytest

from bot.domain.enums import ElectorateType
from bot.domain.models import Candidate, Election, Result, Seat, SeatWithCandidates
from bot.domain.results import (
    INDEPENDENT,
    Change,
    Outcome,
    SeatResult,
    SeatStatus,
    earlier_in_series,
    election_results,
    overfilled,
    seat_result,
    series,
    tally,
)

GUILD = 1
SLATE = "Time for Real Change"
_ids = count(1)


def make_seat(name: str = "General Secretary", places: int = 1, election_id: int = 1) -> Seat:
    return Seat(next(_ids), GUILD, election_id, name, ElectorateType.NATIONAL, "UNISON", places)


def make_candidates(seat: Seat, *names: str, slate: str | None = None) -> tuple[Candidate, ...]:
    return tuple(Candidate(next(_ids), GUILD, seat.id, name, slate=slate) for name in names)


def votes(
    candidates: Sequence[Candidate], *counts: int | None, elected: dict[str, bool] | None = None
) -> dict[int, Result]:
    flags = elected or {}
    return {
        c.id: Result(c.id, GUILD, n, flags.get(c.name))
        for c, n in zip(candidates, counts, strict=True)
        if n is not None
    }


def outcomes(seat: SeatResult) -> dict[str, Outcome]:
    return {c.candidate.name: c.outcome for c in seat.candidates}


def test_general_secretary_2020_elects_mcanea() -> None:
    """The 2020 General Secretary result: McAnea first and elected, the others ranked below her."""
    seat = make_seat()
    people = make_candidates(seat, "Hugo Pierre", "Paul Holmes", "Christina McAnea", "Roger McKenzie")
    results = votes(people, 10_382, 45_220, 63_900, 14_450)
    declared = seat_result(SeatWithCandidates(seat, people), results, SLATE)
    assert declared.status is SeatStatus.DECLARED
    assert [c.candidate.name for c in declared.candidates] == [
        "Christina McAnea",
        "Paul Holmes",
        "Roger McKenzie",
        "Hugo Pierre",
    ]
    assert [c.rank for c in declared.candidates] == [1, 2, 3, 4]
    assert [c.candidate.name for c in declared.elected] == ["Christina McAnea"]


def test_two_place_seat_elects_the_top_two() -> None:
    """A 2-place seat elects the two with most votes."""
    seat = make_seat("Greater London Regional (Female)", places=2)
    people = make_candidates(seat, "A", "B", "C")
    declared = seat_result(SeatWithCandidates(seat, people), votes(people, 300, 500, 400), SLATE)
    assert outcomes(declared) == {"B": Outcome.ELECTED, "C": Outcome.ELECTED, "A": Outcome.NOT_ELECTED}
    assert declared.status is SeatStatus.DECLARED


@pytest.mark.parametrize(
    ("places", "counts", "expected"),
    [
        (1, (200, 200, 100), {"A": Outcome.TIED, "B": Outcome.TIED, "C": Outcome.NOT_ELECTED}),
        (2, (300, 200, 200), {"A": Outcome.ELECTED, "B": Outcome.TIED, "C": Outcome.TIED}),
        (2, (200, 200, 100), {"A": Outcome.ELECTED, "B": Outcome.ELECTED, "C": Outcome.NOT_ELECTED}),
    ],
)
def test_a_tie_at_the_cut_is_flagged_not_decided(
    places: int, counts: tuple[int, ...], expected: dict[str, Outcome]
) -> None:
    """Equal votes either side of the last place are flagged as tied; equal votes inside the places are not."""
    seat = make_seat(places=places)
    people = make_candidates(seat, "A", "B", "C")
    declared = seat_result(SeatWithCandidates(seat, people), votes(people, *counts), SLATE)
    assert outcomes(declared) == expected
    tied = any(o is Outcome.TIED for o in expected.values())
    assert declared.status is (SeatStatus.TIE if tied else SeatStatus.DECLARED)
    assert declared.undecided == (places - len(declared.filled) if tied else 0)


def test_the_organisers_elected_flag_wins_over_the_arithmetic() -> None:
    """Marked elected with fewer votes wins the place; the top vote-getter marked not elected loses it."""
    seat = make_seat()
    people = make_candidates(seat, "Most", "Fewer")
    results = votes(people, 900, 100, elected={"Fewer": True})
    declared = seat_result(SeatWithCandidates(seat, people), results, SLATE)
    assert outcomes(declared) == {"Most": Outcome.NOT_ELECTED, "Fewer": Outcome.ELECTED}
    assert declared.candidates[0].candidate.name == "Most"  # still ranked by votes
    assert declared.candidates[1].explicit


def test_an_explicit_flag_decides_a_tie() -> None:
    """A tie at the cut that the organiser decides is no longer flagged."""
    seat = make_seat()
    people = make_candidates(seat, "A", "B")
    declared = seat_result(SeatWithCandidates(seat, people), votes(people, 50, 50, elected={"B": True}), SLATE)
    assert outcomes(declared) == {"A": Outcome.NOT_ELECTED, "B": Outcome.ELECTED}
    assert declared.status is SeatStatus.DECLARED


def test_unopposed_seat_with_no_votes_is_elected_unopposed() -> None:
    """No more candidates than places and no votes: every candidate is elected unopposed."""
    seat = make_seat(places=2)
    people = make_candidates(seat, "Only One", "Only Two", slate=SLATE)
    declared = seat_result(SeatWithCandidates(seat, people), {}, SLATE)
    assert declared.status is SeatStatus.UNOPPOSED
    assert set(outcomes(declared).values()) == {Outcome.UNOPPOSED}
    assert declared.slate_won == 2


def test_before_any_result_an_unopposed_seat_is_still_awaiting() -> None:
    """Until the election declares anything, even an unopposed seat is awaiting results."""
    seat = make_seat()
    people = make_candidates(seat, "Alone")
    pending = seat_result(SeatWithCandidates(seat, people), {}, SLATE, declared=False)
    assert pending.status is SeatStatus.AWAITING
    assert outcomes(pending) == {"Alone": Outcome.AWAITING}


def test_seat_with_no_results_awaits_and_a_partial_seat_is_counting() -> None:
    """No votes at all: awaiting; some votes but not all: counting, nobody guessed elected."""
    seat = make_seat()
    people = make_candidates(seat, "A", "B")
    assert seat_result(SeatWithCandidates(seat, people), {}, SLATE).status is SeatStatus.AWAITING
    partial = seat_result(SeatWithCandidates(seat, people), votes(people, 500, None), SLATE)
    assert partial.status is SeatStatus.COUNTING
    assert outcomes(partial) == {"A": Outcome.AWAITING, "B": Outcome.AWAITING}
    assert partial.undecided == 1


def test_a_seat_with_no_candidates_elects_nobody() -> None:
    """A seat nobody stands for is decided (empty), not awaiting."""
    empty = seat_result(SeatWithCandidates(make_seat(), ()), {}, SLATE)
    assert empty.status is SeatStatus.NO_CANDIDATES
    assert empty.undecided == 0 and empty.filled == ()


def _nec(
    election: Election, slate_places: int, total_places: int
) -> tuple[list[SeatWithCandidates], dict[int, Result]]:
    """An NEC of one-place seats where the slate wins ``slate_places`` and others win the rest."""
    seats: list[SeatWithCandidates] = []
    results: dict[int, Result] = {}
    for number in range(total_places):
        seat = make_seat(f"Seat {number:02d}", election_id=election.id)
        ours = make_candidates(seat, f"Ours {number}", slate=SLATE)[0]
        theirs = make_candidates(seat, f"Theirs {number}", slate="Members First")[0]
        win = number < slate_places
        results[ours.id] = Result(ours.id, GUILD, 1000 if win else 500)
        results[theirs.id] = Result(theirs.id, GUILD, 500 if win else 1000)
        seats.append(SeatWithCandidates(seat, (ours, theirs)))
    return seats, results


def test_nec_2015_tally_says_25_of_65_up_from_18() -> None:
    """The left won 25 of 65 places in 2015, up from 18 in 2013."""
    nec_2013 = Election(2013, GUILD, "NEC 2013")
    nec_2015 = Election(2015, GUILD, "NEC 2015")
    before = election_results(nec_2013, *_nec(nec_2013, 18, 65), SLATE)
    assert before.tally.won == 18
    now = election_results(nec_2015, *_nec(nec_2015, 25, 65), SLATE, previous=("NEC 2013", before.tally))
    assert now.tally.won == 25 and now.tally.places == 65 and now.tally.others == 40
    assert now.tally.summary() == f"{SLATE} won 25 of 65 places"
    assert now.change == Change("NEC 2013", 18, 25)
    assert now.change.phrase == "up from 18"
    assert now.change.describe() == "up from 18 in NEC 2013"
    assert now.tally.by_slate == (("Members First", 40), (SLATE, 25))


@pytest.mark.parametrize(
    ("before", "now", "phrase"), [(18, 25, "up from 18"), (30, 25, "down from 30"), (25, 25, "no change")]
)
def test_change_phrase(before: int, now: int, phrase: str) -> None:
    """Up, down, or no change against the previous election."""
    change = Change("NEC 2013", before, now)
    assert change.phrase == phrase
    assert change.describe() == ("no change from NEC 2013" if before == now else f"{phrase} in NEC 2013")


def test_two_place_seat_counts_two_places_for_the_slate() -> None:
    """Places, not seats: a 2-place seat with both slate candidates elected counts 2 of 2."""
    seat = make_seat(places=2)
    ours = make_candidates(seat, "One", "Two", slate="time for real change")
    other = make_candidates(seat, "Three")
    people = ours + other
    declared = seat_result(SeatWithCandidates(seat, people), votes(people, 900, 800, 100), SLATE)
    counted = tally([declared], SLATE)
    assert (counted.won, counted.places, counted.others, counted.undecided) == (2, 2, 0, 0)


def test_no_slate_means_no_change_and_independents_are_labelled() -> None:
    """Without a guild slate nothing is compared; winners of no slate count as independent."""
    election = Election(1, GUILD, "Branch 2024")
    seat = make_seat(election_id=1)
    people = make_candidates(seat, "Solo", "Rival")
    results = votes(people, 10, 5)
    counted = election_results(
        election, [SeatWithCandidates(seat, people)], results, None, previous=("X", tally([], None))
    )
    assert counted.change is None
    assert counted.tally.by_slate == ((INDEPENDENT, 1),)
    assert counted.tally.summary() == "1 of 1 places declared"


def test_an_election_with_no_results_is_not_declared() -> None:
    """No result anywhere: not declared, every contested and unopposed seat awaiting."""
    election = Election(1, GUILD, "NEC 2025")
    seat = make_seat(election_id=1)
    people = make_candidates(seat, "Alone")
    found = election_results(election, [SeatWithCandidates(seat, people)], {}, SLATE)
    assert not found.declared
    assert found.seats[0].status is SeatStatus.AWAITING
    assert found.tally.undecided == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("NEC 2015", ("nec", (2015,))),
        ("nec  2015", ("nec", (2015,))),
        ("General Secretary 2020", ("general secretary", (2020,))),
        ("2021 NEC", ("nec", (2021,))),
        ("Special conference", None),
    ],
)
def test_series_is_the_name_without_its_numbers(name: str, expected: tuple[str, tuple[int, ...]] | None) -> None:
    """An election's series is its name with the year taken out."""
    assert series(name) == expected


def test_earlier_in_series_is_nearest_first_and_of_the_same_name() -> None:
    """NEC 2015 looks back to NEC 2013 then 2011, never to a General Secretary election or a later NEC."""
    elections = [
        Election(1, GUILD, "NEC 2011"),
        Election(2, GUILD, "NEC 2013"),
        Election(3, GUILD, "NEC 2015"),
        Election(4, GUILD, "NEC 2017"),
        Election(5, GUILD, "General Secretary 2010"),
        Election(6, GUILD, "Special conference"),
    ]
    assert [e.name for e in earlier_in_series(elections[2], elections)] == ["NEC 2013", "NEC 2011"]
    assert earlier_in_series(elections[5], elections) == []
    assert earlier_in_series(elections[0], elections) == []


def test_no_more_elected_than_places_is_fine() -> None:
    """A seat may have as many marked elected as it has places, or fewer."""
    assert overfilled("London (Female)", 2, ["Zoë Hartley", "Funmi Adeyemi"]) is None
    assert overfilled("General Secretary", 1, []) is None


def test_more_elected_than_places_is_explained() -> None:
    """Two marked elected for one place: the reason names the seat, its places and everyone marked."""
    reason = overfilled("East Midlands Regional (Male)", 1, ["Tom Barker", "Graham Pickering"])
    assert reason == (
        "East Midlands Regional (Male) has 1 place, but 2 candidates are marked elected: "
        "Tom Barker and Graham Pickering"
    )
