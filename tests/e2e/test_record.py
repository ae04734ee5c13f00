"""
/record and /organise meeting|motion through the local Discord: the record of how our members voted.

The sample holds the NEC meeting of 23 May 2024 with its two real results and FICTIONAL votes of the sample's
fictional sitting members (Zoë Hartley, Bernadette Walsh, Joanne Firth, Donna Kavanagh). Every vote a test adds
is for a fictional name too: no vote is ever attributed to a real person.
"""

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from standin.interactions import Reply
from standin.state import Perm
from tests.e2e.conftest import ACTIVIST, GUILD, ORGANISER, World
from tests.test_cli import SETTINGS_VARIABLES

pytestmark = pytest.mark.asyncio(loop_scope="module")

REFUSAL = "Only organisers can use `/organise`"
CHANNEL = 1100
SAMPLE_MEETING = "2024-05-23 NEC meeting"
SAMPLE_DEFEATED = "2024-05-23 #1"
SAMPLE_CARRIED = "2024-05-23 #2"


async def organise(world: World, path: str, options: dict[str, Any], *, user: int = ORGANISER, **kw: Any) -> Reply:
    return await world.discord.invoke(["organise", *path.split()], options=options, user=user, **kw)


async def record(world: World, options: dict[str, Any] | None = None, *, user: int = ACTIVIST) -> Reply:
    return await world.discord.invoke(["record"], options=options or {}, user=user)


async def meeting_with_motion(world: World, title: str, day: str, *, votes_for: int = 10, against: int = 5) -> str:
    """A meeting with one motion, set up directly (not what is under test); returns the motion's reference."""
    await world.services.record.add_meeting(GUILD, ORGANISER, title, day)
    added = await world.services.record.add_motion(
        GUILD, ORGANISER, f"{day} {title}", f"{title}: the motion", votes_for, against
    )
    return f"{day} #{added.number}"


# ------------------------------------------------------------------------------------------------ /record


async def test_record_member_shows_each_vote_with_the_motion_and_its_outcome(world: World) -> None:
    """/record member: names the meeting, the motion, how the member voted and how the motion went."""
    reply = await record(world, {"member": "Bernadette Walsh"})
    assert reply.ephemeral
    [embed] = reply.embeds
    assert embed["title"] == "How Bernadette Walsh voted"
    text = embed["description"]
    assert text.startswith("2 votes recorded: 1 for, 1 against.")
    assert "**23 May 2024** · NEC meeting, motion 1: voted **against** — “General Secretary’s proposal" in text
    assert "(defeated, 24 for, 31 against)" in text
    assert "motion 2: voted **for** — “Alternative: invite one of the 56 Labour MPs" in text
    assert "(carried, 32 for, 21 against)" in text
    assert text.index("motion 1:") < text.index("motion 2:")


async def test_record_member_is_found_forgivingly_and_says_absent(world: World) -> None:
    """A member typed without accents or capitals is found; an absence reads as such."""
    reply = await record(world, {"member": "donna kavanagh"})
    assert reply.embeds[0]["title"] == "How Donna Kavanagh voted"
    assert "2 votes recorded: 2 absent." in reply.text()
    assert reply.text().count("was **absent**") == 2


async def test_record_member_orders_meetings_newest_first(world: World) -> None:
    """Joanne Firth's vote at a July 2024 meeting is listed before her votes of 23 May 2024."""
    motion = await meeting_with_motion(world, "Later meeting", "2024-07-25")
    await world.services.record.vote(GUILD, ORGANISER, motion, "Joanne Firth", "for")
    text = (await record(world, {"member": "Joanne Firth"})).embeds[0]["description"]
    assert text.index("**25 July 2024** · Later meeting") < text.index("**23 May 2024** · NEC meeting")


async def test_record_member_with_a_meeting_shows_only_that_meetings_votes(world: World) -> None:
    """member and meeting together: the member's votes at that meeting only."""
    reply = await record(world, {"member": "Zoë Hartley", "meeting": SAMPLE_MEETING})
    text = reply.embeds[0]["description"]
    assert text.startswith("2 votes recorded at NEC meeting (23 May 2024): 1 for, 1 against.")


async def test_record_member_pages_ten_votes_at_a_time_for_the_asker_only(world: World) -> None:
    """Twelve votes page as 10 + 2 with Previous/Next; only the asker turns the pages."""
    await world.services.record.add_meeting(GUILD, ORGANISER, "Long agenda", "2024-09-12")
    for number in range(1, 13):
        await world.services.record.add_motion(
            GUILD, ORGANISER, "2024-09-12 Long agenda", f"Agenda item {number}", 20, 10
        )
        await world.services.record.vote(GUILD, ORGANISER, f"2024-09-12 #{number}", "Pat Example", "for")
    reply = await record(world, {"member": "Pat Example"})
    first = reply.embeds[0]
    assert first["footer"]["text"] == "Votes 1–10 of 12 · Page 1 of 2"
    assert first["description"].startswith("12 votes recorded: 12 for.")
    assert first["description"].count("voted **for**") == 10
    assert "pages:next" in reply.custom_ids()
    refused = await world.discord.click(reply, "pages:next", user=ORGANISER)
    assert refused.ephemeral
    assert "Only the person who asked can turn these pages" in refused.text()
    turned = await world.discord.click(reply, "pages:next", user=ACTIVIST)
    second = turned.embeds[0]
    assert second["footer"]["text"] == "Votes 11–12 of 12 · Page 2 of 2"
    assert second["description"].startswith("12 votes recorded: 12 for.")
    assert "Agenda item 11" in second["description"] and "Agenda item 12" in second["description"]


async def test_record_meeting_shows_the_figures_outcomes_and_our_members_votes(world: World) -> None:
    """/record meeting: each motion's wording, figures and outcome, and our members grouped by their vote."""
    reply = await record(world, {"meeting": SAMPLE_MEETING})
    assert reply.ephemeral
    [embed] = reply.embeds
    assert embed["title"] == "NEC meeting"
    assert embed["description"].startswith("**NEC** · Thursday 23 May 2024\n2 motions: 1 carried, 1 defeated.")
    first, second = embed["fields"][:2]
    assert first["name"] == "Motion 1 · defeated ❌"
    assert "**Defeated, 24 for and 31 against.**" in first["value"]
    assert "**Against:** Zoë Hartley, Bernadette Walsh, Joanne Firth · **Absent:** Donna Kavanagh" in first["value"]
    assert second["name"] == "Motion 2 · carried ✅"
    assert "**Carried, 32 for and 21 against.**" in second["value"]
    assert "**For:** Zoë Hartley, Bernadette Walsh, Joanne Firth" in second["value"]
    assert embed["footer"]["text"] == "Our members: the Time for Real Change slate"


async def test_record_meeting_accepts_the_day_in_any_contract_spelling(world: World) -> None:
    """The meeting named as "23 May 2024" is found like its autocomplete value."""
    reply = await record(world, {"meeting": "23 May 2024"})
    assert reply.embeds[0]["title"] == "NEC meeting"


async def test_record_with_no_option_lists_the_meetings(world: World) -> None:
    """/record alone lists the meetings on record with what their motions came to."""
    text = (await record(world)).text()
    assert "Meetings on record" in text
    assert "**23 May 2024** · NEC meeting (NEC): 2 motions: 1 carried, 1 defeated" in text


async def test_record_shared_is_posted_in_the_channel(world: World) -> None:
    """share: true posts the answer for everyone."""
    reply = await record(world, {"member": "Zoë Hartley", "share": True})
    assert not reply.ephemeral
    assert reply.embeds[0]["title"] == "How Zoë Hartley voted"


async def test_record_of_an_unknown_member_is_refused_with_suggestions(world: World) -> None:
    """A name with no votes is refused ephemerally, suggesting the names on record."""
    reply = await record(world, {"member": "Zoe Hartly", "share": True})
    assert reply.ephemeral
    assert "No votes are recorded for anyone called “Zoe Hartly”. Did you mean: Zoë Hartley" in reply.text()


async def test_record_autocomplete_offers_members_with_votes_and_the_meetings(world: World) -> None:
    """The member option offers those with votes on record; the meeting option the meetings, newest first."""
    members = await world.discord.autocomplete("record", "member", "zoe")
    assert [c["value"] for c in members] == ["Zoë Hartley"]
    meetings = await world.discord.autocomplete("record", "meeting", "")
    values = [c["value"] for c in meetings]
    assert SAMPLE_MEETING in values
    assert [c["name"] for c in meetings][values.index(SAMPLE_MEETING)] == "23 May 2024 · NEC meeting (NEC)"


# ------------------------------------------------------------------------------------ /organise meeting add


async def test_meeting_add_records_the_meeting_with_nec_by_default_and_audits_it(world: World) -> None:
    """/organise meeting add stores the title, day and body NEC, answers ephemerally and writes meeting.add."""
    reply = await organise(world, "meeting add", {"title": "Emergency NEC", "date": "12 June 2024"})
    assert reply.ephemeral
    assert "Recorded the meeting **Emergency NEC** of the NEC on Wednesday 12 June 2024." in reply.text()
    [entry] = await world.services.audit.recent(GUILD, 1)
    assert (entry.action, entry.actor_id) == ("meeting.add", ORGANISER)
    assert entry.after is not None
    assert (entry.after["title"], entry.after["date"], entry.after["body"]) == ("Emergency NEC", "2024-06-12", "NEC")
    audit = await organise(world, "audit", {"limit": 1})
    assert "**meeting.add**: Emergency NEC (12 June 2024)" in audit.text()
    shown = await record(world, {"meeting": "2024-06-12 Emergency NEC"})
    assert shown.embeds[0]["description"].startswith("**NEC** · Wednesday 12 June 2024")


async def test_meeting_add_takes_another_body(world: World) -> None:
    """body: names which body met."""
    reply = await organise(
        world, "meeting add", {"title": "Finance committee", "date": "2024-06-20", "body": "Finance Committee"}
    )
    assert "of the Finance Committee on Thursday 20 June 2024" in reply.text()


async def test_meeting_add_twice_on_one_day_is_refused_and_changes_nothing(world: World) -> None:
    """The same title on the same day is already recorded: refused, nothing written."""
    before = await world.settled_dump()
    reply = await organise(world, "meeting add", {"title": "nec MEETING", "date": "2024-05-23"})
    assert reply.ephemeral
    assert "**NEC meeting (23 May 2024)** is already recorded, so nothing was added." in reply.text()
    assert await world.dump() == before


async def test_meeting_add_with_an_impossible_date_is_refused(world: World) -> None:
    """31 June is refused saying why; nothing is written."""
    before = await world.settled_dump()
    reply = await organise(world, "meeting add", {"title": "Impossible", "date": "31 June 2024"})
    assert reply.ephemeral
    assert "“31 June 2024” is not a real date" in reply.text()
    assert await world.dump() == before


# ------------------------------------------------------------------------------------- /organise motion add


async def test_motion_add_records_the_figures_and_the_outcome(world: World) -> None:
    """A motion with more for than against is carried; the reply numbers it in its meeting; motion.add audited."""
    await world.services.record.add_meeting(GUILD, ORGANISER, "Motion test meeting", "2024-10-03")
    reply = await organise(
        world,
        "motion add",
        {
            "meeting": "2024-10-03 Motion test meeting",
            "text": "Back the pay claim",
            "for": 40,
            "against": 12,
            "abstain": 3,
        },
    )
    assert reply.ephemeral
    text = reply.text()
    assert "Recorded motion 1 of **Motion test meeting (3 October 2024)**: “Back the pay claim”." in text
    assert "**Carried, 40 for, 12 against and 3 abstaining.**" in text
    [entry] = await world.services.audit.recent(GUILD, 1)
    assert entry.action == "motion.add" and entry.actor_id == ORGANISER
    assert entry.after is not None
    assert (entry.after["for"], entry.after["against"], entry.after["abstain"]) == (40, 12, 3)
    assert (entry.after["carried"], entry.after["carried_by"]) == (True, "figures")


async def test_motion_add_takes_the_organisers_word_on_the_outcome(world: World) -> None:
    """carried: false wins over the figures, and the reply says so."""
    await world.services.record.add_meeting(GUILD, ORGANISER, "Word test meeting", "2024-10-10")
    reply = await organise(
        world,
        "motion add",
        {"meeting": "Word test meeting", "text": "Needs two thirds", "for": 30, "against": 20, "carried": False},
    )
    assert "**Defeated, 30 for and 20 against.**" in reply.text()
    assert "on your word, not by the figures" in reply.text()


@pytest.mark.parametrize("field", ["for", "against", "abstain"])
async def test_motion_add_refuses_a_negative_count_and_changes_nothing(world: World, field: str) -> None:
    """A negative count is refused ephemerally, saying so; nothing is written."""
    options: dict[str, Any] = {"meeting": SAMPLE_MEETING, "text": f"Negative {field}", "for": 1, "against": 1}
    options[field] = -4
    before = await world.settled_dump()
    reply = await organise(world, "motion add", options)
    assert reply.ephemeral
    assert "can't be negative (you gave -4)" in reply.text()
    assert await world.dump() == before


async def test_motion_add_refuses_the_same_wording_twice_at_a_meeting(world: World) -> None:
    """A motion already recorded at the meeting is refused, naming its number."""
    before = await world.settled_dump()
    reply = await organise(
        world,
        "motion add",
        {
            "meeting": SAMPLE_MEETING,
            "text": "general secretary’s proposal: invite a front-bench Labour MP to address National Delegate "
            "Conference",
            "for": 1,
            "against": 2,
        },
    )
    assert "That motion is already recorded at **NEC meeting (23 May 2024)** (motion 1)" in reply.text()
    assert await world.dump() == before


async def test_motion_add_for_an_unknown_meeting_is_refused(world: World) -> None:
    """A meeting that is not recorded is refused, suggesting recorded ones."""
    reply = await organise(world, "motion add", {"meeting": "2023-01-01", "text": "x", "for": 1, "against": 0})
    assert reply.ephemeral
    assert "No meeting is recorded on Sunday 1 January 2023." in reply.text()


# ------------------------------------------------------------------------------------ /organise motion vote


async def test_motion_vote_records_the_members_vote_with_their_stored_spelling(world: World) -> None:
    """A vote typed "zoe hartley" is stored as Zoë Hartley, shown by /record and audited as motion.vote."""
    motion = await meeting_with_motion(world, "Vote test meeting", "2024-11-07")
    reply = await organise(world, "motion vote", {"motion": motion, "member": "zoe hartley", "vote": "against"})
    assert reply.ephemeral
    assert "Recorded: **Zoë Hartley** voted **against** motion 1 of **Vote test meeting (7 November 2024)**" in (
        reply.text()
    )
    assert "Note:" not in reply.text()
    [entry] = await world.services.audit.recent(GUILD, 1)
    assert entry.action == "motion.vote" and entry.actor_id == ORGANISER
    assert entry.after is not None
    assert (entry.after["member"], entry.after["vote"]) == ("Zoë Hartley", "against")
    shown = (await record(world, {"member": "Zoë Hartley"})).text()
    assert "**7 November 2024** · Vote test meeting, motion 1: voted **against**" in shown


async def test_motion_vote_takes_another_name_and_notes_it(world: World) -> None:
    """A name in no result and no earlier vote is accepted as typed, with a note to check the spelling."""
    motion = await meeting_with_motion(world, "New name meeting", "2024-11-14")
    reply = await organise(world, "motion vote", {"motion": motion, "member": "Robin Newname", "vote": "for"})
    assert "Recorded: **Robin Newname** voted **for**" in reply.text()
    assert "Note: Robin Newname is not among our elected members in the results" in reply.text()


async def test_motion_vote_twice_is_refused_naming_the_vote_recorded(world: World) -> None:
    """A member votes once on a motion: a second vote is refused, naming the first; nothing changes."""
    before = await world.settled_dump()
    reply = await organise(
        world, "motion vote", {"motion": SAMPLE_DEFEATED, "member": "Bernadette Walsh", "vote": "for"}
    )
    assert reply.ephemeral
    assert "Bernadette Walsh's vote on motion 1 of **NEC meeting (23 May 2024)** is already recorded: **against**" in (
        reply.text()
    )
    assert await world.dump() == before


async def test_motion_vote_beyond_the_motions_own_total_is_refused(world: World) -> None:
    """With 1 vote for on the motion, a second member recorded for is refused; an abstention with none too."""
    motion = await meeting_with_motion(world, "Tight vote", "2024-11-21", votes_for=1, against=1)
    first = await organise(world, "motion vote", {"motion": motion, "member": "Alex Fictional", "vote": "for"})
    assert "Recorded" in first.text()
    before = await world.settled_dump()
    second = await organise(world, "motion vote", {"motion": motion, "member": "Sam Fictional", "vote": "for"})
    assert second.ephemeral
    assert (
        "Sam Fictional's vote (for) was not recorded: 2 of our members are recorded as voting for, but the motion "
        "had only 1 vote for."
    ) in second.text()
    abstained = await organise(world, "motion vote", {"motion": motion, "member": "Sam Fictional", "vote": "abstain"})
    assert "recorded as abstaining, but the motion had only 0 votes abstaining" in abstained.text()
    assert await world.dump() == before
    absent = await organise(world, "motion vote", {"motion": motion, "member": "Sam Fictional", "vote": "absent"})
    assert "was **absent** for motion 1" in absent.text()


async def test_member_autocomplete_offers_the_elected_first(world: World) -> None:
    """Once a slate candidate is elected in the results, the vote's member option offers them before the rest."""
    await world.services.results.set(GUILD, ORGANISER, "Helen Marsh", 50_000, elected=True)
    choices = await world.discord.autocomplete("organise motion vote", "member", "")
    names = [c["value"] for c in choices]
    assert names[0] == "Helen Marsh"
    assert "Zoë Hartley" in names
    assert "Graham Pickering" not in names  # another slate's candidate is not one of ours
    motions = await world.discord.autocomplete("organise motion vote", "motion", "ceasefire")
    assert motions[0]["value"].startswith(f"{SAMPLE_CARRIED}: Alternative: invite one of the 56 Labour MPs")


# ------------------------------------------------------------------------------------ /organise meeting post


async def test_meeting_post_posts_the_report_in_this_channel_pinging_nobody(world: World) -> None:
    """The report is posted in the current channel with allowed mentions none, however the wording reads."""
    await world.services.record.add_meeting(GUILD, ORGANISER, "Ping test meeting", "2024-12-05")
    await world.services.record.add_motion(
        GUILD, ORGANISER, "2024-12-05 Ping test meeting", f"Thank @everyone and <@{ACTIVIST}> and <@&1001>", 9, 0
    )
    await world.services.record.vote(GUILD, ORGANISER, "2024-12-05 #1", "Zoë Hartley", "for")
    posted_before = len(world.discord.channel_history(CHANNEL))
    reply = await organise(world, "meeting post", {"meeting": "2024-12-05 Ping test meeting"}, wait_for_followup=True)
    assert reply.ephemeral
    assert f"Posted the report of **Ping test meeting (5 December 2024)** in <#{CHANNEL}> (1 message)." in (
        reply.text()
    )
    [post] = world.discord.channel_history(CHANNEL)[posted_before:]
    assert int(post.data["author"]["id"]) == world.discord.bot_user.id
    assert post.data["embeds"][0]["title"] == "Ping test meeting"
    field = post.data["embeds"][0]["fields"][0]["value"]
    assert "**Carried, 9 for and 0 against.**" in field
    assert "**For:** Zoë Hartley" in field
    assert f"<@{ACTIVIST}>" not in field and "@everyone" not in field
    request = world.discord.requests_matching("POST", rf"/channels/{CHANNEL}/messages$")[-1]
    assert request.json["allowed_mentions"] == {"parse": []}
    assert post.data["mentions"] == [] and post.data["mention_roles"] == []
    assert not post.data.get("mention_everyone")


async def test_meeting_post_to_a_named_channel(world: World) -> None:
    """channel: names where to post."""
    before = len(world.discord.channel_history(CHANNEL))
    reply = await organise(
        world, "meeting post", {"meeting": SAMPLE_MEETING, "channel": CHANNEL}, wait_for_followup=True
    )
    assert "Posted the report of **NEC meeting (23 May 2024)**" in reply.text()
    [post] = world.discord.channel_history(CHANNEL)[before:]
    assert "**Against:** Zoë Hartley, Bernadette Walsh, Joanne Firth" in post.data["embeds"][0]["fields"][0]["value"]


async def test_meeting_post_where_the_bot_cannot_send_is_refused(world: World) -> None:
    """Without Send Messages in the channel the bot says so and posts nothing."""
    before = len(world.discord.channel_history(CHANNEL))
    await world.discord.set_channel_permission(CHANNEL, deny=Perm.SEND_MESSAGES)
    try:
        reply = await organise(world, "meeting post", {"meeting": SAMPLE_MEETING})
    finally:
        await world.discord.set_channel_permission(CHANNEL)
    assert reply.ephemeral
    assert "The bot cannot post in <#1100>: it lacks Send Messages" in reply.text()
    assert "Nothing was posted" in reply.text()
    assert len(world.discord.channel_history(CHANNEL)) == before


# ----------------------------------------------------------------------------------------- organisers only


@pytest.mark.parametrize(
    ("path", "options"),
    [
        ("meeting add", {"title": "Member's meeting", "date": "2024-06-01"}),
        ("motion add", {"meeting": SAMPLE_MEETING, "text": "Member's motion", "for": 1, "against": 0}),
        ("motion vote", {"motion": SAMPLE_CARRIED, "member": "Pat Member", "vote": "for"}),
        ("meeting post", {"meeting": SAMPLE_MEETING}),
    ],
)
async def test_a_member_gets_the_organiser_refusal_and_nothing_changes(
    world: World, path: str, options: dict[str, Any]
) -> None:
    """An activist running an organiser command is refused ephemerally; nothing is written or posted."""
    before = await world.settled_dump()
    posted = len(world.discord.channel_history(CHANNEL))
    reply = await organise(world, path, options, user=ACTIVIST)
    assert reply.ephemeral
    assert REFUSAL in reply.text()
    assert await world.dump() == before
    assert len(world.discord.channel_history(CHANNEL)) == posted


# ---------------------------------------------------------------------------------------------- the README

README = Path(__file__).resolve().parents[2] / "README.md"
README_COMMAND = "> /record member: Zoë Hartley"


async def test_the_readmes_record_example_is_what_the_console_prints(tmp_path: Path) -> None:
    """The README's /record member: transcript is, line for line, what the console prints for the sample."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(README_COMMAND)
    shown = [line.rstrip() for line in lines[start : lines.index("```", start)]]
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES and k != "VIRTUAL_ENV"}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "console"],
        input=README_COMMAND.removeprefix("> ") + "\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = [line.rstrip() for line in done.stdout.splitlines()]
    start = printed.index(README_COMMAND)
    assert printed[start : start + len(shown)] == shown
