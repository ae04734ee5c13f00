"""The record after the election: meetings, motions and our members' votes, through the service, on both engines."""

from datetime import date

import pytest

from bot.domain.models import VoteCast
from bot.errors import Conflict, InvalidInput, NotFound
from bot.services.container import Services
from bot.services.record import LatestMeetings, MeetingReport, MemberRecord
from storage.database import Database
from tests.fakes import GUILD, ORGANISER, OTHER_GUILD

SAMPLE_MEETING = "2024-05-23 NEC meeting"
#: Fictional names for the votes the tests add: no vote is ever attributed to a real person.
FICTIONAL = ("Alex Fictional", "Sam Fictional", "Jo Fictional")


async def _meeting(services: Services, title: str = "NEC meeting", day: str = "2024-07-18") -> str:
    """Add a meeting; return how an option names it."""
    added = await services.record.add_meeting(GUILD, ORGANISER, title, day)
    return f"{added.held_on.isoformat()} {added.title}"


async def _motion(services: Services, meeting: str, text: str = "Back the pay claim", f: int = 2, a: int = 1) -> str:
    """Add a motion (2 for, 1 against by default); return how an option names it."""
    added = await services.record.add_motion(GUILD, ORGANISER, meeting, text, f, a)
    return f"{added.meeting.held_on.isoformat()} #{added.number}"


# ------------------------------------------------------------------------------------------------ meetings


async def test_a_meeting_is_recorded_on_its_day_for_the_nec_and_audited(services: Services) -> None:
    """The day is read as the contract reads dates; the body is NEC unless named; meeting.add is audited."""
    meeting = await services.record.add_meeting(GUILD, ORGANISER, "  NEC   meeting ", "23 May 2024")
    assert (meeting.title, meeting.held_on, meeting.body) == ("NEC meeting", date(2024, 5, 23), "NEC")
    [entry] = await services.audit.recent(GUILD, 1)
    assert (entry.action, entry.actor_id, entry.before) == ("meeting.add", ORGANISER, None)
    assert entry.after == {
        "name": "NEC meeting (23 May 2024)",
        "title": "NEC meeting",
        "date": "2024-05-23",
        "body": "NEC",
    }


async def test_a_meeting_with_the_same_title_on_the_same_day_is_refused(services: Services, db: Database) -> None:
    """Title (forgivingly) and day identify a meeting: the same again is a Conflict that writes nothing."""
    await _meeting(services)
    before = await db.dump()
    with pytest.raises(Conflict, match=r"already recorded"):
        await services.record.add_meeting(GUILD, ORGANISER, "nec MEETING", "18/07/2024")
    assert await db.dump() == before
    other_day = await services.record.add_meeting(GUILD, ORGANISER, "NEC meeting", "2024-07-19")
    assert other_day.held_on == date(2024, 7, 19)


@pytest.mark.parametrize(("day", "reason"), [("31 June 2024", "June has only 30 days"), ("soon", "as a date")])
async def test_a_meeting_on_a_day_that_cannot_be_read_is_refused(
    services: Services, db: Database, day: str, reason: str
) -> None:
    """An impossible or unreadable day is refused saying why; nothing is written."""
    before = await db.dump()
    with pytest.raises(InvalidInput, match=reason):
        await services.record.add_meeting(GUILD, ORGANISER, "NEC meeting", day)
    assert await db.dump() == before


# ------------------------------------------------------------------------------------------------- motions


async def test_a_motion_is_carried_by_the_figures_unless_the_organiser_says(services: Services) -> None:
    """More for than against carries; a tie does not; the organiser's word wins either way."""
    meeting = await _meeting(services)
    carried = await services.record.add_motion(GUILD, ORGANISER, meeting, "More for", 32, 21)
    tied = await services.record.add_motion(GUILD, ORGANISER, meeting, "A tie", 20, 20)
    overruled = await services.record.add_motion(GUILD, ORGANISER, meeting, "Two thirds needed", 30, 20, 0, False)
    assert (carried.motion.carried, tied.motion.carried, overruled.motion.carried) == (True, False, False)
    assert (carried.number, tied.number, overruled.number) == (1, 2, 3)
    [entry] = await services.audit.recent(GUILD, 1)
    assert entry.action == "motion.add"
    assert entry.after is not None
    assert (entry.after["carried"], entry.after["carried_by"]) == (False, "organiser")


@pytest.mark.parametrize(("votes_for", "against", "abstain"), [(-1, 0, 0), (0, -2, 0), (0, 0, -3)])
async def test_a_negative_count_is_refused_and_nothing_is_written(
    services: Services, db: Database, votes_for: int, against: int, abstain: int
) -> None:
    """No count of votes can be negative."""
    meeting = await _meeting(services)
    before = await db.dump()
    with pytest.raises(InvalidInput, match=r"can't be negative"):
        await services.record.add_motion(GUILD, ORGANISER, meeting, "Negative", votes_for, against, abstain)
    assert await db.dump() == before


async def test_the_same_wording_twice_at_one_meeting_is_refused(services: Services, db: Database) -> None:
    """A motion's wording (matched forgivingly) is recorded once per meeting; at another meeting it is new."""
    meeting = await _meeting(services)
    await _motion(services, meeting, "That the minutes be approved")
    before = await db.dump()
    with pytest.raises(Conflict, match=r"\(motion 1\)"):
        await services.record.add_motion(GUILD, ORGANISER, meeting, "That the minutes be approved.", 1, 0)
    assert await db.dump() == before
    later = await _meeting(services, day="2024-09-12")
    assert await _motion(services, later, "That the minutes be approved") == "2024-09-12 #1"


async def test_an_empty_motion_is_refused(services: Services) -> None:
    """A motion needs its wording."""
    meeting = await _meeting(services)
    with pytest.raises(InvalidInput, match="wording"):
        await services.record.add_motion(GUILD, ORGANISER, meeting, "   ", 1, 0)


# --------------------------------------------------------------------------------------------------- votes


async def test_a_vote_is_stored_with_a_known_members_own_spelling(nec_services: Services) -> None:
    """ "zoe hartley" is the sample's Zoë Hartley: stored with her spelling, known, and audited."""
    motion = await _motion(nec_services, await _meeting(nec_services))
    recorded = await nec_services.record.vote(GUILD, ORGANISER, motion, "zoe hartley", "Against")
    assert (recorded.vote.member, recorded.vote.vote, recorded.known) == ("Zoë Hartley", VoteCast.AGAINST, True)
    [entry] = await nec_services.audit.recent(GUILD, 1)
    assert entry.action == "motion.vote"
    assert entry.after == {
        "name": "Zoë Hartley: against, NEC meeting (18 July 2024) motion 1",
        "meeting": "NEC meeting (18 July 2024)",
        "motion": "Back the pay claim",
        "member": "Zoë Hartley",
        "vote": "against",
    }


async def test_another_name_is_taken_as_typed_and_marked_unknown(services: Services) -> None:
    """A name found in no result nor earlier vote is accepted as typed."""
    motion = await _motion(services, await _meeting(services))
    recorded = await services.record.vote(GUILD, ORGANISER, motion, "Alex  Fictional", "for")
    assert (recorded.vote.member, recorded.known) == ("Alex Fictional", False)


async def test_a_second_vote_on_a_motion_is_refused_naming_the_first(services: Services, db: Database) -> None:
    """A member votes once on a motion; the refusal names the vote recorded, even typed differently."""
    motion = await _motion(services, await _meeting(services))
    await services.record.vote(GUILD, ORGANISER, motion, "Alex Fictional", "against")
    before = await db.dump()
    with pytest.raises(Conflict, match=r"Alex Fictional's vote on motion 1 .* already recorded: \*\*against\*\*"):
        await services.record.vote(GUILD, ORGANISER, motion, "ALEX fictional", "for")
    assert await db.dump() == before


async def test_our_votes_cannot_exceed_the_motions_own_totals(services: Services, db: Database) -> None:
    """With 1 for, 1 against, 0 abstaining: a second "for" and any "abstain" are refused; "absent" never is."""
    motion = await _motion(services, await _meeting(services), f=1, a=1)
    alex, sam, jo = FICTIONAL
    await services.record.vote(GUILD, ORGANISER, motion, alex, "for")
    await services.record.vote(GUILD, ORGANISER, motion, sam, "against")
    before = await db.dump()
    with pytest.raises(InvalidInput, match=r"2 of our members are recorded as voting for, but the motion had only 1"):
        await services.record.vote(GUILD, ORGANISER, motion, jo, "for")
    with pytest.raises(InvalidInput, match=r"voting against, but the motion had only 1 vote against"):
        await services.record.vote(GUILD, ORGANISER, motion, jo, "against")
    with pytest.raises(InvalidInput, match=r"1 of our members is recorded as abstaining, but the motion had only 0"):
        await services.record.vote(GUILD, ORGANISER, motion, jo, "abstain")
    assert await db.dump() == before
    absent = await services.record.vote(GUILD, ORGANISER, motion, jo, "absent")
    assert absent.vote.vote is VoteCast.ABSENT


async def test_a_vote_that_is_no_vote_is_refused(services: Services) -> None:
    """Only for, against, abstain or absent (and their usual synonyms) are votes."""
    motion = await _motion(services, await _meeting(services))
    with pytest.raises(InvalidInput, match=r"Use one of: for, against, abstain, absent"):
        await services.record.vote(GUILD, ORGANISER, motion, "Alex Fictional", "maybe")


# ---------------------------------------------------------------------------------------- naming things


async def test_a_meeting_is_found_by_its_value_its_day_or_a_unique_title(services: Services) -> None:
    """``2024-07-18 NEC meeting``, ``18 July 2024`` and ``Finance`` all find their meeting."""
    await _meeting(services)
    await _meeting(services, "Finance committee", "2024-07-20")
    assert (await services.record.resolve_meeting(GUILD, "2024-07-18 NEC meeting")).title == "NEC meeting"
    assert (await services.record.resolve_meeting(GUILD, "18 July 2024")).title == "NEC meeting"
    assert (await services.record.resolve_meeting(GUILD, "finance")).title == "Finance committee"


async def test_a_title_held_twice_is_ambiguous_and_lists_the_days(services: Services) -> None:
    """Two "NEC meeting"s: the title alone is refused with both values to pick from."""
    await _meeting(services)
    await _meeting(services, day="2024-09-12")
    with pytest.raises(Conflict, match=r"`2024-09-12 NEC meeting`, `2024-07-18 NEC meeting`"):
        await services.record.resolve_meeting(GUILD, "NEC meeting")


async def test_a_motion_is_found_by_its_reference_or_its_wording(services: Services) -> None:
    """``2024-07-18 #2`` or the start of its wording; the same wording at two meetings is ambiguous."""
    first = await _meeting(services)
    await _motion(services, first, "That the minutes be approved")
    await _motion(services, first, "Support the strike ballot in Birmingham")
    second = await _meeting(services, day="2024-09-12")
    await _motion(services, second, "That the minutes be approved")
    found = await services.record.resolve_motion(GUILD, "2024-07-18 #2")
    assert found.motion.text == "Support the strike ballot in Birmingham"
    assert (await services.record.resolve_motion(GUILD, "support the strike")).number == 2
    with pytest.raises(Conflict, match=r"motions at several meetings"):
        await services.record.resolve_motion(GUILD, "That the minutes be approved")
    with pytest.raises(NotFound, match=r"No motion 5 is recorded at a meeting on Thursday 18 July 2024"):
        await services.record.resolve_motion(GUILD, "2024-07-18 #5")


# ------------------------------------------------------------------------------------------------ reading


async def test_the_sample_record_of_a_member(nec_services: Services) -> None:
    """The sample's fictional Zoë Hartley voted against the defeated proposal and for the carried alternative."""
    view = await nec_services.record.view(GUILD, member="Zoë Hartley")
    assert isinstance(view, MemberRecord)
    assert [(e.number, e.vote, e.motion.carried) for e in view.entries] == [
        (1, VoteCast.AGAINST, False),
        (2, VoteCast.FOR, True),
    ]
    assert [(e.motion.votes_for, e.motion.votes_against) for e in view.entries] == [(24, 31), (32, 21)]


async def test_a_member_record_is_newest_meeting_first(nec_services: Services) -> None:
    """A vote at a later meeting comes before the sample meeting's votes."""
    motion = await _motion(nec_services, await _meeting(nec_services, day="2024-09-12"))
    await nec_services.record.vote(GUILD, ORGANISER, motion, "Zoë Hartley", "for")
    view = await nec_services.record.view(GUILD, member="Zoë Hartley")
    assert isinstance(view, MemberRecord)
    assert [e.meeting.held_on for e in view.entries] == [date(2024, 9, 12), date(2024, 5, 23), date(2024, 5, 23)]


async def test_a_meeting_report_groups_our_members_votes(nec_services: Services) -> None:
    """The sample meeting's report carries both motions and every vote recorded on each."""
    view = await nec_services.record.view(GUILD, meeting=SAMPLE_MEETING)
    assert isinstance(view, MeetingReport)
    assert view.slate == "Time for Real Change"
    [defeated, carried] = view.motions
    assert [(v.member, v.vote.value) for v in defeated.votes] == [
        ("Zoë Hartley", "against"),
        ("Bernadette Walsh", "against"),
        ("Joanne Firth", "against"),
        ("Donna Kavanagh", "absent"),
    ]
    assert carried.number == 2 and carried.motion.carried


async def test_the_latest_meetings_come_newest_first(nec_services: Services) -> None:
    """/record with no option: every meeting, newest first, with its motions."""
    await _meeting(nec_services, day="2024-09-12")
    view = await nec_services.record.view(GUILD)
    assert isinstance(view, LatestMeetings)
    assert [(m.held_on, len(motions)) for m, motions in view.meetings] == [
        (date(2024, 9, 12), 0),
        (date(2024, 5, 23), 2),
    ]


async def test_a_known_member_with_no_votes_is_told_none_are_recorded(nec_services: Services) -> None:
    """A slate candidate without votes gets "none recorded yet", not "no such person"."""
    with pytest.raises(NotFound, match=r"No votes are recorded yet for Helen Marsh"):
        await nec_services.record.view(GUILD, member="helen marsh")


async def test_nothing_recorded_says_how_to_start(services: Services) -> None:
    """With no meeting recorded, /record says how organisers add one."""
    with pytest.raises(NotFound, match=r"/organise meeting add"):
        await services.record.view(GUILD)


async def test_the_record_never_crosses_guilds(nec_services: Services) -> None:
    """Another guild sees none of the sample's meetings, motions or votes."""
    with pytest.raises(NotFound):
        await nec_services.record.view(OTHER_GUILD)
    with pytest.raises(NotFound):
        await nec_services.record.view(OTHER_GUILD, member="Zoë Hartley")
    with pytest.raises(NotFound):
        await nec_services.record.resolve_motion(OTHER_GUILD, "2024-05-23 #1")
    assert await nec_services.record.meeting_choices(OTHER_GUILD) == []


# ------------------------------------------------------------------------------------------- autocomplete


async def test_member_names_offer_the_elected_first_then_the_recorded_then_the_slate(nec_services: Services) -> None:
    """Elected slate candidates lead; members with votes follow; other slate candidates last; no opponents."""
    await nec_services.results.set(GUILD, ORGANISER, "Helen Marsh", 60_000, elected=True)
    await nec_services.results.set(GUILD, ORGANISER, "Janet Cole", 40_000, elected=False)
    names = await nec_services.record.member_names(GUILD)
    # Once results are in, Paul Whitaker, alone in his seat, is elected unopposed (the results' own rule).
    assert set(names.elected) == {"Helen Marsh", "Paul Whitaker"}
    assert names.recorded == ("Zoë Hartley", "Bernadette Walsh", "Joanne Firth", "Donna Kavanagh")
    assert "Sandra Okafor" in names.slate and "Helen Marsh" not in names.slate
    assert "Graham Pickering" not in names.all() and "Janet Cole" not in names.all()
    recorded = await nec_services.record.recorded_members(GUILD)
    assert recorded.elected == () and recorded.slate == ()


async def test_choices_name_meetings_and_motions_as_their_options_take_them(nec_services: Services) -> None:
    """Each choice's value finds its own meeting or motion again."""
    [(label, value)] = await nec_services.record.meeting_choices(GUILD)
    assert (label, value) == ("23 May 2024 · NEC meeting (NEC)", SAMPLE_MEETING)
    motions = await nec_services.record.motion_choices(GUILD)
    assert [v[:13] for _, v in motions] == ["2024-05-23 #1", "2024-05-23 #2"]
    assert all(len(v) <= 100 for _, v in motions)
    for _, value in motions:
        found = await nec_services.record.resolve_motion(GUILD, value)
        assert found.value == value
