"""
Ballot rules: which election is current, whether its ballot is open, which seats a member votes in.

And which of a seat's candidates are the guild slate's picks (``slate_candidates``).

Pure functions over the domain models; the caller passes ``now`` (timezone-aware, UTC) from its clock.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.enums import ElectorateType, MilestoneKind
from bot.domain.models import Candidate, Election, Seat
from bot.domain.results import on_slate
from bot.domain.text import WORD_PREFIX, match_score, near_misses, normalise


def ballot_is_open(election: Election, now: datetime) -> bool:
    """
    Whether the ballot is open at ``now``: ``ballot_open <= now < ballot_close``.

    An election whose ballot has opened but whose close is not dated yet counts as open (the bot knows of
    no close); one with no ``ballot_open`` date is never open.
    """
    opens = election.at(MilestoneKind.BALLOT_OPEN)
    if opens is None or now < opens:
        return False
    closes = election.at(MilestoneKind.BALLOT_CLOSE)
    return closes is None or now < closes


def current_election(elections: Sequence[Election], now: datetime) -> Election | None:
    """
    Pick the election a command means when none is named; ``None`` only when there are none.

    1. An election whose ballot is open now (see ``ballot_is_open``); if several, the one closing first
       (an undated close counts as last), then the lower id.
    2. Else the one whose ballot opens next (smallest ``ballot_open`` after ``now``), then the lower id.
    3. Else the latest: an election with no dates at all is taken to be in preparation and wins over any
       dated one (the most recently added, highest id, if several); otherwise the one whose latest dated
       milestone (of any kind) is latest, then the higher id. So an election with only nomination dates in
       the future also comes before past ones.
    """
    if not elections:
        return None
    open_now = [election for election in elections if ballot_is_open(election, now)]
    if open_now:
        return min(open_now, key=_closing_order)
    upcoming = [
        (opens, election.id, election)
        for election in elections
        if (opens := election.at(MilestoneKind.BALLOT_OPEN)) is not None and opens > now
    ]
    if upcoming:
        return min(upcoming, key=lambda entry: (entry[0], entry[1]))[2]
    undated = [election for election in elections if not election.timetable]
    if undated:
        return max(undated, key=lambda election: election.id)
    return max(elections, key=lambda election: (max(m.at for m in election.timetable), election.id))


def _closing_order(election: Election) -> tuple[bool, datetime, int]:
    """Sort key for open ballots: dated closes first, earliest first; an undated close by its opening."""
    closes = election.at(MilestoneKind.BALLOT_CLOSE)
    if closes is not None:
        return (False, closes, election.id)
    # Only open ballots are sorted, and an open ballot has an opening date.
    opens = election.at(MilestoneKind.BALLOT_OPEN) or datetime.max.replace(tzinfo=UTC)
    return (True, opens, election.id)


# --- Ballot papers ------------------------------------------------------------------------------------


#: The title of the paper every member gets.
NATIONAL_PAPER = "National seats"


@dataclass(frozen=True, slots=True)
class BallotPaper:
    """One ballot paper a member receives: a title and the seats on it, by seat name."""

    title: str
    seats: tuple[Seat, ...]


def match_electorate(query: str, electorates: Iterable[str]) -> str | None:
    """
    Return the stored electorate the member means by ``query``, or ``None`` if none or several fit.

    Forgiving but precise: after ``normalise()``, an exact match wins, else equal ignoring spaces, else a
    prefix of the whole name, else every word a prefix of a word (``Wales`` finds ``Cymru/Wales``,
    ``young`` finds ``Young members``). If the best of those tiers holds more than one electorate (``North``:
    ``Northern``, ``North West``, ``Northern Ireland``) nothing is returned, rather than guessing. Stored
    spellings with the same normalised form count as one electorate; the first one given is returned.
    """
    by_key: dict[str, str] = {}
    for electorate in electorates:
        by_key.setdefault(normalise(electorate), electorate)
    if not normalise(query):
        return None
    best_score = 0.0
    best: list[str] = []
    for stored in by_key.values():
        score = match_score(query, stored)
        if score is None or score < WORD_PREFIX:
            continue
        if score > best_score:
            best_score, best = score, [stored]
        elif score == best_score:
            best.append(stored)
    return best[0] if len(best) == 1 else None


def known_electorates(seats: Iterable[Seat], electorate_type: ElectorateType) -> list[str]:
    """
    List the distinct electorates of one type among ``seats``, sorted, for autocomplete.

    Spellings that normalise alike (``Yorkshire & Humberside``, ``Yorkshire and Humberside``) are listed once,
    as first given.
    """
    by_key: dict[str, str] = {}
    for seat in seats:
        if seat.electorate_type is electorate_type:
            by_key.setdefault(normalise(seat.electorate), seat.electorate)
    return sorted(by_key.values(), key=lambda name: (normalise(name), name))


def _by_name(seats: Iterable[Seat]) -> tuple[Seat, ...]:
    return tuple(sorted(seats, key=lambda seat: (seat.name.casefold(), seat.name, seat.id)))


def _paper_for(
    seats: Sequence[Seat], electorate_type: ElectorateType, query: str | None
) -> tuple[str, tuple[Seat, ...]] | None:
    """Find the stored electorate ``query`` means among seats of this type, with its seats; ``None`` if none."""
    if query is None:
        return None
    stored = match_electorate(query, known_electorates(seats, electorate_type))
    if stored is None:
        return None
    key = normalise(stored)
    chosen = [seat for seat in seats if seat.electorate_type is electorate_type and normalise(seat.electorate) == key]
    return stored, _by_name(chosen)


def _group_names(groups: Sequence[str] | str) -> list[str]:
    """List the groups a member named: a plain string is read as a comma-separated list."""
    names = groups.split(",") if isinstance(groups, str) else list(groups)
    return [name.strip() for name in names if name.strip()]


@dataclass(frozen=True, slots=True)
class NamedGroups:
    """The self-organised groups a member named, sorted by where (if anywhere) their seats are."""

    #: Stored names of the groups with seats of their own: each gives the member a paper.
    with_seats: tuple[str, ...] = ()
    #: Stored names of the national electorates named (``Black members``): on every member's paper already.
    national: tuple[str, ...] = ()
    #: The other names, as typed: groups with no seats of their own in this election (``LGBT+``, ``retired``).
    without_seats: tuple[str, ...] = ()
    #: ``(typed, stored)`` for each of ``without_seats`` that looks like a mistyping of a group or national
    #: electorate (``yung`` for ``Young members``).
    maybe_meant: tuple[tuple[str, str], ...] = ()


def sort_named_groups(seats: Sequence[Seat], groups: Sequence[str] | str) -> NamedGroups:
    """
    Sort the groups a member named (a list, or one comma-separated string) by where their seats are.

    1. A name that ``match_electorate`` finds among the ``group`` electorates has seats of its own:
       ``with_seats``, by its stored name.
    2. Else one it finds among the ``national`` electorates (``Black``, ``disabled``) is ``national``: those
       seats are on every member's paper whatever groups they name.
    3. Anything else (``LGBT+`` where there are no LGBT+ seats, ``retired``, a name that is ambiguous) is
       ``without_seats``, as typed: naming it is no mistake, it simply adds no paper.
    4. Each of those whose words other than ``member(s)`` are a near miss (``near_misses``) of a group or
       national electorate's is listed in ``maybe_meant`` with the closest (``yung``: ``Young members``), so the
       member can be asked about a typo; ``retired members`` is not a near miss of ``Black members``.

    Each list keeps the order named, and a group named twice (``young, Young members``) appears once.
    """
    group_names = known_electorates(seats, ElectorateType.GROUP)
    national_names = known_electorates(seats, ElectorateType.NATIONAL)
    own: list[str] = []
    national: list[str] = []
    without: list[str] = []
    for name in _group_names(groups):
        if (found := match_electorate(name, group_names)) is not None:
            bucket, value = own, found
        elif (found := match_electorate(name, national_names)) is not None:
            bucket, value = national, found
        else:
            bucket, value = without, name
        if all(normalise(value) != normalise(seen) for seen in bucket):
            bucket.append(value)
    cores = {_core(name): name for name in [*group_names, *national_names] if _core(name)}
    meant = tuple((typed, cores[close[0]]) for typed in without if (close := near_misses(_core(typed), list(cores))))
    return NamedGroups(tuple(own), tuple(national), tuple(without), meant)


def _core(group: str) -> str:
    """A group's match key without the words ``member``/``members``, which every group name may carry."""
    return " ".join(word for word in normalise(group).split() if word not in ("member", "members"))


def ballot_papers(
    seats: Sequence[Seat],
    *,
    region: str | None,
    service_group: str | None,
    groups: Sequence[str] = (),
) -> list[BallotPaper]:
    """
    List the ballot papers a member receives, per DOMAIN.md, leaving out papers with no seats.

    In order: ``Your region: <region>`` (seats whose electorate type is ``region`` and whose electorate
    matches ``region`` forgivingly, see ``match_electorate``), ``Your service group: <group>`` (likewise),
    ``National seats`` (every ``national`` seat: everyone votes for these), then one paper per group the
    member named (``Young members``), in the order named, titled with the group's stored name. Seats on each
    paper are sorted by name. A region, service group or group that matches nothing (or is ambiguous) just
    gives no paper; ``groups`` may also be a single comma-separated string. No seat appears twice.
    """
    papers: list[BallotPaper] = []
    placed: set[int] = set()

    def add(title: str, chosen: Iterable[Seat]) -> None:
        fresh = tuple(seat for seat in chosen if seat.id not in placed)
        if fresh:
            placed.update(seat.id for seat in fresh)
            papers.append(BallotPaper(title=title, seats=fresh))

    if found := _paper_for(seats, ElectorateType.REGION, region):
        add(f"Your region: {found[0]}", found[1])
    if found := _paper_for(seats, ElectorateType.SERVICE_GROUP, service_group):
        add(f"Your service group: {found[0]}", found[1])
    add(NATIONAL_PAPER, _by_name(seat for seat in seats if seat.electorate_type is ElectorateType.NATIONAL))
    for group in _group_names(groups):
        if found := _paper_for(seats, ElectorateType.GROUP, group):
            add(found[0], found[1])
    return papers


def slate_candidates(candidates: Iterable[Candidate], slate: str | None) -> tuple[Candidate, ...]:
    """
    The candidates standing for the guild's slate, in the order given: the slate's pick(s) in a seat.

    A candidate is the slate's when ``on_slate`` says so (names compared after ``normalise()``, so
    ``Time for Real Change`` and ``time for real change`` are one slate). With no slate set, nobody is.
    """
    return tuple(candidate for candidate in candidates if on_slate(candidate, slate))


def votes_label(places: int) -> str:
    """How many to mark on the paper: ``vote for 1`` or ``vote for up to 2``."""
    if places < 1:
        raise ValueError("a seat has at least one place")
    return "vote for 1" if places == 1 else f"vote for up to {places}"
