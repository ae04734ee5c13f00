"""
Election results: who was elected in each seat, and how many places the guild's slate won.

Pure functions over the domain models. The rules, in order, for one seat of ``places`` places:

1. An election with no result recorded anywhere is not declared: every seat is *awaiting results*.
2. A seat with no candidates elects nobody (*no candidates*).
3. An unopposed seat (``0 < candidates <= places``) is *elected unopposed*: everyone standing is elected
   (votes, if recorded, are shown), except a candidate the organiser marked not elected.
4. Otherwise the organiser's word wins over the arithmetic: ``elected=True`` is elected and
   ``elected=False`` is not. The places left are filled from the rest by votes, most first.
5. If any of the rest has no votes recorded yet (and places are still open), the seat is still counting:
   those candidates are *awaiting results* rather than guessed at.
6. A tie at the cut (the last open place and the next candidate have equal votes, and no flag decides it)
   is flagged, not decided: everyone on the cut's number of votes is *tied at the cut*, not elected.

The tally counts **places**, not seats: a 2-place seat where the slate won both counts 2. So the 2015 NEC
reads "the slate won 25 of 65 places". A seat never counts more winners than it has places (if the organiser
marked too many elected, the best-placed ones count).
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.models import Candidate, Election, Result, Seat, SeatWithCandidates
from bot.domain.text import counted, normalise

#: The label the tally gives candidates of no slate.
INDEPENDENT = "Independent"


class Outcome(StrEnum):
    """What became of one candidate."""

    ELECTED = "elected"
    UNOPPOSED = "elected unopposed"
    TIED = "tied at the cut"
    NOT_ELECTED = "not elected"
    AWAITING = "awaiting results"

    @property
    def elected(self) -> bool:
        """Whether the candidate holds a place."""
        return self in (Outcome.ELECTED, Outcome.UNOPPOSED)


class SeatStatus(StrEnum):
    """Where a seat's result stands."""

    DECLARED = "declared"
    UNOPPOSED = "elected unopposed"
    TIE = "tie at the cut"
    COUNTING = "results coming in"
    AWAITING = "awaiting results"
    NO_CANDIDATES = "no candidates"

    @property
    def decided(self) -> bool:
        """Whether every place of the seat is settled (won, or left empty)."""
        return self in (SeatStatus.DECLARED, SeatStatus.UNOPPOSED, SeatStatus.NO_CANDIDATES)


@dataclass(frozen=True, slots=True)
class CandidateResult:
    """One candidate's votes and outcome in a seat."""

    candidate: Candidate
    votes: int | None
    outcome: Outcome
    #: 1 for the most votes; equal votes share a rank (1, 2, 2, 4); ``None`` without votes.
    rank: int | None
    on_slate: bool
    #: Whether the organiser's ``elected`` flag decided the outcome.
    explicit: bool = False

    @property
    def elected(self) -> bool:
        """Whether the candidate holds a place."""
        return self.outcome.elected


@dataclass(frozen=True, slots=True)
class SeatResult:
    """A seat's candidates ranked by votes, with who was elected."""

    seat: Seat
    candidates: tuple[CandidateResult, ...]
    status: SeatStatus

    @property
    def places(self) -> int:
        """How many the seat elects."""
        return self.seat.places

    @property
    def elected(self) -> tuple[CandidateResult, ...]:
        """Everyone elected, best placed first."""
        return tuple(c for c in self.candidates if c.elected)

    @property
    def filled(self) -> tuple[CandidateResult, ...]:
        """The elected who count towards the seat's places (never more than it has)."""
        return self.elected[: self.places]

    @property
    def tied(self) -> tuple[CandidateResult, ...]:
        """The candidates tied at the cut (the organiser must decide between them)."""
        return tuple(c for c in self.candidates if c.outcome is Outcome.TIED)

    @property
    def slate_won(self) -> int:
        """Places won by the guild's slate."""
        return sum(1 for c in self.filled if c.on_slate)

    @property
    def others_won(self) -> int:
        """Places won by anyone else."""
        return len(self.filled) - self.slate_won

    @property
    def undecided(self) -> int:
        """Places still to be decided (awaiting votes, or tied)."""
        return 0 if self.status.decided else self.places - len(self.filled)

    @property
    def has_votes(self) -> bool:
        """Whether any candidate's votes are recorded."""
        return any(c.votes is not None for c in self.candidates)


@dataclass(frozen=True, slots=True)
class Tally:
    """Places won across an election: by the guild's slate, by everyone else, and still open."""

    slate: str | None
    places: int
    won: int
    others: int
    undecided: int
    #: Places won by each slate (candidates of none under ``INDEPENDENT``), most first, then by name.
    by_slate: tuple[tuple[str, int], ...] = ()

    @property
    def declared(self) -> int:
        """Places whose winner is known."""
        return self.won + self.others

    def summary(self) -> str:
        """``Time for Real Change won 25 of 65 places`` (or the count of declared places with no slate set)."""
        if self.slate is None:
            return f"{self.declared} of {self.places} places declared"
        return f"{self.slate} won {self.won} of {self.places} {_plural(self.places, 'place')}"


@dataclass(frozen=True, slots=True)
class Change:
    """The slate's places now against the previous election of the same series."""

    previous: str
    before: int
    now: int

    @property
    def delta(self) -> int:
        """Places gained (negative: lost)."""
        return self.now - self.before

    @property
    def phrase(self) -> str:
        """``up from 18``, ``down from 30`` or ``no change``."""
        if self.delta > 0:
            return f"up from {self.before}"
        if self.delta < 0:
            return f"down from {self.before}"
        return "no change"

    def describe(self) -> str:
        """``up from 18 in NEC 2013``, ``down from 30 in NEC 2013`` or ``no change from NEC 2013``."""
        if self.delta:
            return f"{self.phrase} in {self.previous}"
        return f"no change from {self.previous}"


@dataclass(frozen=True, slots=True)
class ElectionResults:
    """Every seat's result, the slate's tally, and the change since the previous election (if any)."""

    election: Election
    slate: str | None
    seats: tuple[SeatResult, ...]
    tally: Tally
    change: Change | None = None

    @property
    def declared(self) -> bool:
        """Whether any result is recorded (else every seat is awaiting results)."""
        return any(s.status is not SeatStatus.AWAITING and s.status is not SeatStatus.NO_CANDIDATES for s in self.seats)

    @property
    def ties(self) -> tuple[SeatResult, ...]:
        """Seats with a tie at the cut."""
        return tuple(s for s in self.seats if s.status is SeatStatus.TIE)


# --- One seat -----------------------------------------------------------------------------------------


def on_slate(candidate: Candidate, slate: str | None) -> bool:
    """Whether ``candidate`` stands for ``slate`` (names compared forgivingly)."""
    return slate is not None and candidate.slate is not None and normalise(candidate.slate) == normalise(slate)


def _ranked(entries: Sequence[tuple[Candidate, Result | None]]) -> list[tuple[Candidate, Result | None, int | None]]:
    """Most votes first (equal votes share a rank), then those with no votes by name."""
    with_votes = sorted(
        (e for e in entries if e[1] is not None),
        key=lambda e: (-(e[1].votes if e[1] else 0), e[0].name.casefold(), e[0].id),
    )
    without = sorted((e for e in entries if e[1] is None), key=lambda e: (e[0].name.casefold(), e[0].id))
    out: list[tuple[Candidate, Result | None, int | None]] = []
    previous: int | None = None
    rank = 0
    for position, (candidate, result) in enumerate(with_votes, start=1):
        votes = result.votes if result else 0
        if votes != previous:
            rank, previous = position, votes
        out.append((candidate, result, rank))
    out.extend((candidate, None, None) for candidate, _ in without)
    return out


def _outcomes(places: int, entries: Sequence[tuple[Candidate, Result | None]]) -> dict[int, Outcome]:
    """The outcome of each candidate (by id) in a contested seat with at least one result."""
    outcomes: dict[int, Outcome] = {}
    for candidate, result in entries:
        if result is not None and result.elected is not None:
            outcomes[candidate.id] = Outcome.ELECTED if result.elected else Outcome.NOT_ELECTED
    open_places = max(0, places - sum(1 for o in outcomes.values() if o is Outcome.ELECTED))
    rest = [(c, r) for c, r in entries if c.id not in outcomes]
    if open_places == 0:
        outcomes.update(dict.fromkeys((c.id for c, _ in rest), Outcome.NOT_ELECTED))
        return outcomes
    if any(r is None for _, r in rest):
        outcomes.update(dict.fromkeys((c.id for c, _ in rest), Outcome.AWAITING))
        return outcomes
    counted = sorted(rest, key=lambda e: -(e[1].votes if e[1] else 0))
    if len(counted) <= open_places:
        outcomes.update(dict.fromkeys((c.id for c, _ in counted), Outcome.ELECTED))
        return outcomes
    cut = counted[open_places - 1][1]
    after = counted[open_places][1]
    cut_votes = cut.votes if cut else 0
    tie = after is not None and after.votes == cut_votes
    for candidate, result in counted:
        votes = result.votes if result else 0
        if tie and votes == cut_votes:
            outcomes[candidate.id] = Outcome.TIED
        elif votes > cut_votes or (not tie and votes == cut_votes):
            outcomes[candidate.id] = Outcome.ELECTED
        else:
            outcomes[candidate.id] = Outcome.NOT_ELECTED
    return outcomes


def seat_result(
    seat: SeatWithCandidates,
    results: Mapping[int, Result],
    slate: str | None,
    *,
    declared: bool = True,
) -> SeatResult:
    """
    Rank a seat's candidates by votes and say who was elected (see the module's rules).

    ``results`` maps candidate ids to results (others' ids are ignored); ``declared`` is whether the election
    has any result at all (when not, even an unopposed seat is still awaiting its declaration).
    """
    entries = [(c, results.get(c.id)) for c in seat.candidates]
    places = seat.seat.places
    if not entries:
        return SeatResult(seat.seat, (), SeatStatus.NO_CANDIDATES)
    recorded = any(r is not None for _, r in entries)
    if not declared:
        outcomes = dict.fromkeys((c.id for c, _ in entries), Outcome.AWAITING)
        status = SeatStatus.AWAITING
    elif seat.unopposed:
        outcomes = {
            c.id: Outcome.NOT_ELECTED if r is not None and r.elected is False else Outcome.UNOPPOSED for c, r in entries
        }
        status = SeatStatus.UNOPPOSED
    elif not recorded:
        outcomes = dict.fromkeys((c.id for c, _ in entries), Outcome.AWAITING)
        status = SeatStatus.AWAITING
    else:
        outcomes = _outcomes(places, entries)
        found = set(outcomes.values())
        if Outcome.TIED in found:
            status = SeatStatus.TIE
        elif Outcome.AWAITING in found:
            status = SeatStatus.COUNTING
        else:
            status = SeatStatus.DECLARED
    ranked = tuple(
        CandidateResult(
            candidate=c,
            votes=None if r is None else r.votes,
            outcome=outcomes[c.id],
            rank=rank,
            on_slate=on_slate(c, slate),
            explicit=r is not None and r.elected is not None,
        )
        for c, r, rank in _ranked(entries)
    )
    # Elected first within equal votes is already the order; list the elected ahead of equal-vote losers
    # decided by a flag, so the order reads top down.
    ordered = tuple(sorted(ranked, key=lambda c: (c.rank is None, c.rank or 0, not c.elected)))
    return SeatResult(seat.seat, ordered, status)


def overfilled(seat_name: str, places: int, elected: Sequence[str]) -> str | None:
    """
    Why a seat cannot have everyone in ``elected`` marked elected (more of them than its places), else ``None``.

    The organiser's ``elected`` flag wins over the arithmetic, so it is the one thing that can claim more winners
    than a seat has places: that is refused where it is written, not quietly cut when results are shown.
    """
    if len(elected) <= places:
        return None
    return (
        f"{seat_name} has {counted(places, 'place')}, but {counted(len(elected), 'candidate')} are marked elected: "
        f"{and_list(elected)}"
    )


def and_list(names: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


# --- A whole election ---------------------------------------------------------------------------------


def tally(seats: Iterable[SeatResult], slate: str | None) -> Tally:
    """Places won by the slate and by everyone else across ``seats``, and places still open."""
    chosen = list(seats)
    by_slate: dict[str, int] = {}
    labels: dict[str, str] = {}
    for seat in chosen:
        for winner in seat.filled:
            name = winner.candidate.slate or INDEPENDENT
            key = normalise(name)
            labels.setdefault(key, slate if winner.on_slate and slate is not None else name)
            by_slate[key] = by_slate.get(key, 0) + 1
    ordered = sorted(((labels[k], n) for k, n in by_slate.items()), key=lambda item: (-item[1], item[0].casefold()))
    return Tally(
        slate=slate,
        places=sum(s.places for s in chosen),
        won=sum(s.slate_won for s in chosen),
        others=sum(s.others_won for s in chosen),
        undecided=sum(s.undecided for s in chosen),
        by_slate=tuple(ordered),
    )


def change(now: Tally, previous_name: str, previous: Tally) -> Change | None:
    """The slate's places now against a previous election's tally; ``None`` with no slate set."""
    if now.slate is None:
        return None
    return Change(previous=previous_name, before=previous.won, now=now.won)


def election_results(
    election: Election,
    seats: Sequence[SeatWithCandidates],
    results: Mapping[int, Result],
    slate: str | None,
    *,
    previous: tuple[str, Tally] | None = None,
) -> ElectionResults:
    """Every seat's result and the slate's tally; ``previous`` is the name and tally to compare with."""
    ids = {c.id for s in seats for c in s.candidates}
    declared = any(cid in ids for cid in results)
    seat_results = tuple(seat_result(s, results, slate, declared=declared) for s in seats)
    counted = tally(seat_results, slate)
    compared = None if previous is None else change(counted, previous[0], previous[1])
    return ElectionResults(election, slate, seat_results, counted, compared)


# --- The series an election belongs to ----------------------------------------------------------------

_NUMBER = re.compile(r"\d+")


def series(name: str) -> tuple[str, tuple[int, ...]] | None:
    """
    The series an election name belongs to and its place in it: ``NEC 2015`` is ``("nec", (2015,))``.

    The series is the name (normalised) with its numbers removed, the place is the numbers in order; a name with
    no number (``Special conference``) belongs to no series.
    """
    key = normalise(name)
    numbers = tuple(int(n) for n in _NUMBER.findall(key))
    if not numbers:
        return None
    return " ".join(_NUMBER.sub(" ", key).split()), numbers


def earlier_in_series(election: Election, elections: Iterable[Election]) -> list[Election]:
    """
    The guild's earlier elections of the same series, nearest first (``NEC 2013`` before ``NEC 2011``).

    ``NEC 2015`` and ``nec 2013`` are one series; ``General Secretary 2015`` is another. Elections with equal
    numbers (a different spelling of the same name) are not earlier.
    """
    own = series(election.name)
    if own is None:
        return []
    found: list[tuple[tuple[int, ...], int, Election]] = []
    for other in elections:
        theirs = series(other.name)
        if other.id == election.id or theirs is None or theirs[0] != own[0] or theirs[1] >= own[1]:
            continue
        found.append((theirs[1], other.id, other))
    return [e for _, _, e in sorted(found, key=lambda item: (item[0], item[1]), reverse=True)]


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"
