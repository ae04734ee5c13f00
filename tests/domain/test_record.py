"""The record's pure rules: counts, outcomes, consistency with our members' votes, and how options name things."""

from datetime import date

import pytest

from bot.domain.models import Meeting, MemberVote, Motion, VoteCast
from bot.domain.record import (
    MAX_COUNT,
    check_count,
    figures,
    known_spelling,
    long_date,
    meeting_value,
    motion_value,
    outcome_sentence,
    over_totals,
    parse_vote,
    read_meeting_ref,
    read_motion_ref,
    starts_the_same,
    votes_by_kind,
)
from bot.errors import InvalidInput

MEETING = Meeting(1, 1, "NEC meeting", date(2024, 5, 23))


def motion(votes_for: int, against: int, abstain: int = 0, carried: bool | None = None) -> Motion:
    return Motion(1, 1, 1, "A motion", votes_for, against, abstain, carried)


@pytest.mark.parametrize(("votes_for", "against", "carried"), [(32, 21, True), (24, 31, False), (20, 20, False)])
def test_a_motion_is_carried_when_more_voted_for_than_against(votes_for: int, against: int, carried: bool) -> None:
    """Without the organiser's word the figures decide, and a tie is not carried."""
    assert motion(votes_for, against).carried is carried


@pytest.mark.parametrize("flag", [True, False])
def test_the_organisers_word_wins_over_the_figures(flag: bool) -> None:
    """carried given explicitly is the outcome, whatever the figures say."""
    assert motion(10, 40, carried=flag).carried is flag
    assert motion(40, 10, carried=flag).carried is flag


def test_the_outcome_reads_as_a_slates_report_puts_it() -> None:
    """ "Defeated, 24 for and 31 against."; abstentions are named when there are any."""
    assert outcome_sentence(motion(24, 31)) == "Defeated, 24 for and 31 against."
    assert outcome_sentence(motion(32, 21, 2)) == "Carried, 32 for, 21 against and 2 abstaining."
    assert figures(motion(1_200, 31, 2)) == "1,200 for, 31 against, 2 abstaining"


@pytest.mark.parametrize(("value", "match"), [(-1, "can't be negative"), (MAX_COUNT + 1, "more than any meeting")])
def test_a_count_outside_the_possible_is_refused(value: int, match: str) -> None:
    """Counts are whole numbers from 0 to MAX_COUNT."""
    with pytest.raises(InvalidInput, match=match):
        check_count(value, "for")
    assert check_count(0, "for") == 0


def test_our_votes_within_the_totals_are_consistent() -> None:
    """As many of ours for as the motion's votes for is fine; absent counts nowhere."""
    votes = [VoteCast.FOR, VoteCast.FOR, VoteCast.AGAINST, VoteCast.ABSENT, VoteCast.ABSENT]
    assert over_totals(motion(2, 1), votes) == []


def test_each_side_over_its_total_is_named() -> None:
    """Every side with more of ours than the motion's total gets its own sentence, agreeing in number."""
    votes = [VoteCast.FOR, VoteCast.FOR, VoteCast.ABSTAIN]
    assert over_totals(motion(1, 0), votes) == [
        "2 of our members are recorded as voting for, but the motion had only 1 vote for",
        "1 of our members is recorded as abstaining, but the motion had only 0 votes abstaining",
    ]


@pytest.mark.parametrize(
    ("typed", "vote"),
    [
        ("for", VoteCast.FOR),
        (" AGAINST ", VoteCast.AGAINST),
        ("abstained", VoteCast.ABSTAIN),
        ("Absent", VoteCast.ABSENT),
    ],
)
def test_votes_are_read_in_any_case(typed: str, vote: VoteCast) -> None:
    """The contract's four words, and their usual other forms, in any case."""
    assert parse_vote(typed) is vote


def test_a_word_that_is_no_vote_is_refused_listing_the_four() -> None:
    """Anything else is refused with the four choices."""
    with pytest.raises(InvalidInput, match="for, against, abstain, absent"):
        parse_vote("perhaps")


def test_a_meeting_is_named_by_its_day_and_title_and_read_back() -> None:
    """``2024-05-23 NEC meeting`` both ways; text without a day is not a reference."""
    assert meeting_value(MEETING) == "2024-05-23 NEC meeting"
    assert read_meeting_ref("2024-05-23 NEC meeting") == (date(2024, 5, 23), "NEC meeting")
    assert read_meeting_ref(" 2024-05-23 ") == (date(2024, 5, 23), "")
    assert read_meeting_ref("NEC meeting") is None
    assert read_meeting_ref("2024-02-30 NEC") is None
    assert long_date(MEETING.held_on) == "Thursday 23 May 2024"


def test_a_motion_is_named_by_its_meetings_day_and_number_within_discords_limit() -> None:
    """``2024-05-23 #2: wording…`` cut to 100 characters, and read back to day, number and wording."""
    long = Motion(2, 1, 1, "Invite one of the 56 Labour MPs who voted for a ceasefire in Gaza, " * 3, 32, 21)
    value = motion_value(MEETING, 2, long)
    assert value.startswith("2024-05-23 #2: Invite one of the 56") and len(value) == 100 and value.endswith("…")
    day, number, text = read_motion_ref(value) or (None, None, "")
    assert (day, number) == (date(2024, 5, 23), 2)
    assert starts_the_same(text, long.text)
    assert read_motion_ref("Invite one of the 56") is None


def test_a_known_name_is_matched_forgivingly() -> None:
    """Case, accents and spacing do not matter; an unknown name is None."""
    known = ["Zoë Hartley", "Joanne Firth"]
    assert known_spelling("zoe  HARTLEY", known) == "Zoë Hartley"
    assert known_spelling("Zoe Hartly", known) is None


def test_votes_group_by_kind_in_the_contracts_order() -> None:
    """Names under for, against, abstain, absent, in the order recorded."""
    votes = [
        MemberVote(1, 1, 1, "B", VoteCast.AGAINST),
        MemberVote(2, 1, 1, "A", VoteCast.FOR),
        MemberVote(3, 1, 1, "C", VoteCast.AGAINST),
    ]
    grouped = votes_by_kind(votes)
    assert list(grouped) == list(VoteCast)
    assert grouped[VoteCast.AGAINST] == ["B", "C"] and grouped[VoteCast.ABSENT] == []
