"""
Before and during the ballot, through the local Discord: nominations, "I've posted my ballot", "No ballot paper?",
turnout, and what members' own data the bot keeps about them.
"""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from standin.state import message_text
from tests.e2e.conftest import (
    ACTIVIST,
    GUILD,
    IN_WINDOW,
    ORGANISER,
    World,
    reminder_scheduler,
    restart_bot,
    start_world,
    stop_world,
)
from tests.fakes import FakeClock

pytestmark = pytest.mark.asyncio(loop_scope="function")

CHANNEL = 1100
#: NEC 2025 in UTC: ballot opens 21 April 08:00, post by 19 May 08:00, closes 21 May 16:00 (all BST).
OPEN = datetime(2025, 4, 21, 8, 0, tzinfo=UTC)
POST_BY = datetime(2025, 5, 19, 8, 0, tzinfo=UTC)
CLOSE = datetime(2025, 5, 21, 16, 0, tzinfo=UTC)
BEFORE = datetime(2025, 2, 1, 12, 0, tzinfo=UTC)
FOUR = {"Read candidate statements", "How to vote", "I've posted my ballot", "No ballot paper?"}


@pytest_asyncio.fixture
async def world(database_target: Path | str) -> AsyncIterator[World]:
    """A bot of its own on the sample (each test moves the clock and changes data), on each engine."""
    started, task = await start_world(database_target, clock=FakeClock(BEFORE))
    started.discord.clear_violations()
    yield started
    found = started.discord.clear_violations()
    await stop_world(started, task)
    assert not found, "Discord contract violations:\n" + "\n".join(str(v) for v in found)


def text_of(reply: Any) -> str:
    """Everything a reply says: content and embeds."""
    return message_text(reply.message or {})


def labels(message: dict[str, Any]) -> set[str]:
    """The labels of a message's buttons."""
    return {c.get("label") for row in message.get("components", []) for c in row["components"]}


def posts(world: World) -> list[dict[str, Any]]:
    """The bot's messages in the reminder channel, oldest first."""
    bot_id = world.discord.bot_user.id
    return [m.data for m in world.discord.channel_history(CHANNEL) if int(m.data["author"]["id"]) == bot_id]


# ---------------------------------------------------------------------------------------------- nominations


async def test_an_organiser_records_nominations_and_a_target_and_nominations_shows_where_the_slate_stands(
    world: World,
) -> None:
    """Target 2; Leicester City and Derby nominate Amara Nwosu: she has 2 of 2, the rest 0 of 2, fewest first."""
    discord = world.discord
    reply = await discord.invoke("/organise nomination target", {"count": 2}, user=ORGANISER)
    assert "2 nominations per candidate" in text_of(reply)
    reply = await discord.invoke(
        "/organise nomination add",
        {"candidate": "Amara Nwosu", "body": "Leicester City", "date": "28 January 2025"},
        user=ORGANISER,
    )
    assert "**Leicester City** nominated **Amara Nwosu** on 28 January 2025" in text_of(reply)
    assert "1 of 2" in text_of(reply)
    await discord.invoke("/organise nomination add", {"candidate": "Amara Nwosu", "body": "Derby"}, user=ORGANISER)
    reply = await discord.invoke("/nominations", user=ACTIVIST)
    assert reply.ephemeral
    shown = text_of(reply)
    assert "Target: **2 nominations** per candidate. 35 candidates still short." in shown
    assert "Amara Nwosu" not in shown, "the candidates short of the target come first"
    last = await discord.click(reply, _custom_id(reply.message or {}, "Next"), user=ACTIVIST)
    assert "**Amara Nwosu** (Local Government Service Group (Female)): 2 of 2 ✓" in text_of(last)
    reply = await discord.invoke("/nominations", {"candidate": "Amara Nwosu"}, user=ACTIVIST)
    assert "• Leicester City (28 January 2025)" in text_of(reply)
    assert "• Derby" in text_of(reply)
    audit = await world.services.audit.recent(GUILD)
    assert [e.action for e in audit][:3] == ["nomination.add", "nomination.add", "nomination.target"]


async def test_a_branch_sees_which_slate_candidates_it_has_nominated_and_which_not_yet(world: World) -> None:
    """`branch: leicester city` (any case): Amara Nwosu nominated; Owen Price among those not yet."""
    await world.services.nominations.add(GUILD, ORGANISER, "Amara Nwosu", "Leicester City")
    choices = await world.discord.autocomplete("/nominations", "branch", "leic", user=ACTIVIST)
    assert [c["name"] for c in choices] == ["Leicester City"]
    reply = await world.discord.invoke("/nominations", {"branch": "leicester city"}, user=ACTIVIST)
    shown = text_of(reply)
    assert "Leicester City: nominations for NEC 2025" in shown
    done, todo = shown.split("**Not yet nominated**", 1)
    assert "✓ Amara Nwosu" in done
    assert "Owen Price" in todo and "Amara Nwosu" not in todo
    reply = await world.discord.invoke("/nominations", {"branch": "Nottingham", "share": True}, user=ACTIVIST)
    assert not reply.ephemeral
    assert "none of the slate yet" in text_of(reply)


async def test_bad_nominations_are_refused_and_change_nothing(world: World) -> None:
    """Unknown candidate, a blank body, a future date, a negative target, a member: each refused, nothing saved."""
    before = await world.settled_dump()
    refusals = [
        ({"candidate": "Nobody Atall", "body": "Derby"}, "/organise nomination add", ORGANISER, "Nobody Atall"),
        ({"candidate": "Amara Nwosu", "body": "   "}, "/organise nomination add", ORGANISER, "Name the branch"),
        (
            {"candidate": "Amara Nwosu", "body": "Derby", "date": "2025-12-01"},
            "/organise nomination add",
            ORGANISER,
            "can't be dated in the future",
        ),
        ({"count": -1}, "/organise nomination target", ORGANISER, "0 clears it"),
        ({"candidate": "Amara Nwosu", "body": "Derby"}, "/organise nomination remove", ORGANISER, "No nomination"),
        ({"candidate": "Amara Nwosu", "body": "Derby"}, "/organise nomination add", ACTIVIST, "organiser"),
    ]
    for options, command, user, words in refusals:
        assert isinstance(options, dict) and isinstance(command, str) and isinstance(words, str)
        reply = await world.discord.invoke(command, options, user=user)
        assert reply.ephemeral, command
        assert words.lower() in text_of(reply).lower(), (command, text_of(reply))
    assert await world.settled_dump() == before


# --------------------------------------------------------------------------------- pledges and missing papers


async def test_voted_counts_a_member_once_only_while_the_ballot_is_open_and_undo_takes_it_back(world: World) -> None:
    """Before the ballot: refused. Open: counted once however often said; undo: taken back. Closed: refused."""
    discord = world.discord
    reply = await discord.invoke("/voted", user=ACTIVIST)
    assert "has not opened yet" in text_of(reply)
    world.clock.set(IN_WINDOW)
    reply = await discord.invoke("/voted", user=ACTIVIST)
    assert reply.ephemeral
    assert "1 member has said so" in text_of(reply)
    reply = await discord.invoke("/voted", user=ACTIVIST)
    assert "already said" in text_of(reply)
    assert await world.services.turnout.pledge_count(GUILD, 1) == 1
    reply = await discord.invoke("/voted", {"undo": True}, user=ACTIVIST)
    assert "Taken back" in text_of(reply)
    assert await world.services.turnout.pledge_count(GUILD, 1) == 0
    world.clock.set(CLOSE + timedelta(hours=1))
    reply = await discord.invoke("/voted", user=ACTIVIST)
    assert "has closed" in text_of(reply)
    assert await world.services.turnout.pledge_count(GUILD, 1) == 0


async def test_replacement_says_how_and_by_when_and_counts_a_region_once(world: World) -> None:
    """/replacement names the deadline; with a region it counts once; a made-up region is refused."""
    world.clock.set(IN_WINDOW)
    discord = world.discord
    reply = await discord.invoke("/replacement", user=ACTIVIST)
    deadline = datetime(2025, 5, 14, 11, 0, tzinfo=UTC)
    assert f"<t:{int(deadline.timestamp())}:F>" in text_of(reply)
    assert "Add `region:`" in text_of(reply)
    reply = await discord.invoke("/replacement", {"region": "east midlands"}, user=ACTIVIST)
    assert "Counted: one more member in **East Midlands**" in text_of(reply)
    reply = await discord.invoke("/replacement", {"region": "East Midlands"}, user=ACTIVIST)
    assert "counted once" in text_of(reply)
    before = await world.settled_dump()
    reply = await discord.invoke("/replacement", {"region": "Atlantis"}, user=ORGANISER)
    assert "not one of the regions" in text_of(reply)
    assert await world.settled_dump() == before
    turnout = await world.services.turnout.turnout(GUILD)
    assert turnout.reports_by_region == (("East Midlands", 1),)


async def test_organise_turnout_shows_counts_by_region_and_day_with_a_chart_and_names_nobody(world: World) -> None:
    """Two pledges and a report: the organiser sees 2 and 1, by region and day, and a PNG; a member is refused."""
    world.clock.set(IN_WINDOW)
    await world.services.turnout.voted(GUILD, ACTIVIST)
    await world.services.turnout.voted(GUILD, ORGANISER)
    await world.services.turnout.replacement(GUILD, ACTIVIST, region="Northern")
    reply = await world.discord.invoke("/organise turnout", user=ORGANISER, wait_for_followup=True)
    shown = text_of(reply)
    assert "**2 members** said they have posted their ballot paper; **1 member** reported no paper yet" in shown
    assert "Northern: 1" in shown
    assert "Thu 1 May: 2" in shown
    [file] = reply.files
    assert file.filename == "turnout.png" and file.data.startswith(b"\x89PNG")
    assert "activist" not in shown and str(ACTIVIST) not in shown
    reply = await world.discord.invoke("/organise turnout", user=ACTIVIST)
    assert "organiser" in text_of(reply).lower()


# ---------------------------------------------------------------------------------------- reminder buttons


async def test_an_open_ballot_reminder_has_four_buttons_and_a_pledged_member_gets_no_dm(world: World) -> None:
    """The post-by reminder: four buttons and the count; the pledged member gets no DM, the other one does."""
    services = world.services
    world.clock.set(POST_BY - timedelta(days=1, minutes=1))
    await services.guilds.set_reminder_channel(GUILD, ORGANISER, CHANNEL, None)
    await services.privacy.subscribe(GUILD, ACTIVIST)
    await services.privacy.subscribe(GUILD, ORGANISER)
    await services.turnout.voted(GUILD, ORGANISER)
    world.clock.set(POST_BY - timedelta(days=1))
    ran = await reminder_scheduler(world).run_due()
    assert len(ran) == 1
    [post] = posts(world)
    assert labels(post) == FOUR
    assert "1 member has said they've posted their ballot paper." in message_text(post)
    assert len(world.discord.dms(ACTIVIST)) == 1
    assert world.discord.dms(ORGANISER) == [], "said they have posted: no more nudges for this election"

    voted = await world.discord.click(post, _custom_id(post, "I've posted my ballot"), user=ACTIVIST)
    assert voted.ephemeral
    assert "2 members have said so" in text_of(voted)
    again = await world.discord.click(post, _custom_id(post, "I've posted my ballot"), user=ACTIVIST)
    assert "already said" in text_of(again)
    assert await services.turnout.pledge_count(GUILD, 1) == 2


async def test_the_no_paper_button_answers_with_the_deadline_and_a_region_menu_even_after_a_restart(
    world: World,
) -> None:
    """The reminder's "No ballot paper?" works after the bot restarts; choosing a region counts once."""
    services = world.services
    world.clock.set(OPEN - timedelta(minutes=1))
    await services.guilds.set_reminder_channel(GUILD, ORGANISER, CHANNEL, None)
    world.clock.set(OPEN)
    await reminder_scheduler(world).run_due()
    [post] = posts(world)
    assert labels(post) == FOUR, "the reminder of the opening morning, the ballot open"
    await restart_bot(world, asyncio.ensure_future(asyncio.sleep(0)))  # the fixture stops the new bot
    reply = await world.discord.click(post, _custom_id(post, "No ballot paper?"), user=ACTIVIST)
    assert reply.ephemeral
    assert "Ask for a replacement paper before" in text_of(reply)
    [menu] = [c for row in (reply.message or {})["components"] for c in row["components"] if c["type"] == 3]
    chosen = await world.discord.select(reply, menu["custom_id"], ["East Midlands"], user=ACTIVIST)
    assert "Counted: one more member in **East Midlands**" in text_of(chosen)
    assert (await world.services.turnout.turnout(GUILD)).reports == 1


def _custom_id(post: dict[str, Any], label: str) -> str:
    [found] = [c["custom_id"] for row in post["components"] for c in row["components"] if c.get("label") == label]
    return str(found)


# -------------------------------------------------------------------------------------------------- privacy


async def test_privacy_shows_pledges_and_reports_and_erasing_removes_them_and_export_never_has_them(
    world: World,
) -> None:
    """The member sees what they said; erase deletes it; the organisers' export carries neither."""
    world.clock.set(IN_WINDOW)
    await world.services.turnout.voted(GUILD, ACTIVIST)
    await world.services.turnout.replacement(GUILD, ACTIVIST, region="Northern")
    reply = await world.discord.invoke("/privacy", user=ACTIVIST)
    shown = text_of(reply)
    assert "That you posted your NEC 2025 ballot paper" in shown
    assert "in Northern" in shown
    exported = await world.services.transfer.export(GUILD, "yaml")
    assert str(ACTIVIST) not in exported and "pledge" not in exported.lower()
    erase = _custom_id(reply.message or {}, "Erase my data")
    await world.discord.click(reply, erase, user=ACTIVIST)
    held = await world.services.privacy.held(GUILD, ACTIVIST)
    assert held.pledges == () and held.reports == ()
    assert (await world.services.turnout.turnout(GUILD)).pledges == 0


async def test_reminders_before_nominations_close_name_who_is_short_and_the_branches_yet_to_nominate(
    world: World,
) -> None:
    """With a target set, the day before nominations close: a reminder naming the short candidates and branches."""
    services = world.services
    nominations_close = datetime(2025, 2, 14, 17, 0, tzinfo=UTC)
    world.clock.set(nominations_close - timedelta(days=1, minutes=5))
    await services.guilds.set_reminder_channel(GUILD, ORGANISER, CHANNEL, None)
    await services.nominations.set_target(GUILD, ORGANISER, 2)
    await services.nominations.add(GUILD, ORGANISER, "Amara Nwosu", "Leicester City")
    await services.nominations.add(GUILD, ORGANISER, "Amara Nwosu", "Derby")
    await services.nominations.add(GUILD, ORGANISER, "Owen Price", "Derby")
    pending = reminder_scheduler(world).pending_job_ids(GUILD)
    assert any(":nominations_close:" in job for job in pending)
    world.clock.set(nominations_close - timedelta(days=1))
    ran = await reminder_scheduler(world).run_due()
    assert [job.rsplit(":", 1)[1] for job in ran] == ["1d"]
    [post] = posts(world)
    shown = message_text(post)
    assert "Nominations close tomorrow at 17:00" in shown
    assert "Still short of 2 nominations" in shown
    assert "**Adaeze Okonkwo**: 0 of 2; not yet from Camden, Derby, Derby City," in shown, "fewest first"
    assert "… and more: `/nominations`" in shown, "a long list is cut to fit, pointing to the rest"
    assert "**Amara Nwosu**" not in shown, "she has reached the target"
    standings = await services.nominations.standings(GUILD)
    assert [r.count for r in standings.short()][-1] == 1, "Owen Price, one of two, is short too"
    assert "I've posted my ballot" not in labels(post), "no ballot is open yet"
    # Clearing the target stops these reminders.
    await services.nominations.set_target(GUILD, ORGANISER, 0)
    assert not any(":nominations_close:" in job for job in reminder_scheduler(world).pending_job_ids(GUILD))
