"""Ballot reminders through the local Discord, with a clock the tests control and real APScheduler jobs."""

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.domain.enums import MilestoneKind
from bot.scheduling.pacing import Pacer
from cogs.reminders._buttons import ReminderAction, ReminderButton
from standin.state import message_text
from tests.e2e.conftest import (
    ACTIVIST,
    GUILD,
    ORGANISER,
    World,
    reminder_scheduler,
    restart_bot,
    start_world,
    stop_world,
)
from tests.fakes import FakeClock

CHANNEL = 1100
ROLE = 1001
#: NEC 2025 in UTC: ballot opens 21 April 08:00, post by 19 May 08:00, closes 21 May 16:00 (all BST).
OPEN = datetime(2025, 4, 21, 8, 0, tzinfo=UTC)
POST_BY = datetime(2025, 5, 19, 8, 0, tzinfo=UTC)
CLOSE = datetime(2025, 5, 21, 16, 0, tzinfo=UTC)
BUTTONS = {"Read candidate statements", "How to vote"}


@dataclass
class Live:
    """A world whose bot a test can restart."""

    world: World
    task: asyncio.Task[None]

    async def restart(self) -> None:
        self.task = await restart_bot(self.world, self.task)

    @property
    def posts(self) -> list[dict[str, Any]]:
        """Messages the bot posted in the reminder channel, oldest first."""
        bot_id = self.world.discord.bot_user.id
        return [m.data for m in self.world.discord.channel_history(CHANNEL) if int(m.data["author"]["id"]) == bot_id]

    async def configure(self, at: datetime, *, role: int | None = ROLE) -> None:
        self.world.clock.set(at)
        await self.world.services.guilds.set_reminder_channel(GUILD, ORGANISER, CHANNEL, role)

    async def run_due(self, at: datetime) -> list[str]:
        self.world.clock.set(at)
        return await reminder_scheduler(self.world).run_due()


@pytest_asyncio.fixture
async def live(tmp_path: Path) -> AsyncIterator[Live]:
    world, task = await start_world(tmp_path / "slatebot.db", clock=FakeClock(datetime(2025, 3, 1, tzinfo=UTC)))
    holder = Live(world, task)
    world.discord.clear_violations()
    yield holder
    found = world.discord.clear_violations()
    await stop_world(holder.world, holder.task)
    assert not found, "Discord contract violations:\n" + "\n".join(str(v) for v in found)


def labels(message: dict[str, Any]) -> set[str]:
    return {c.get("label") for row in message.get("components", []) for c in row["components"]}


def job_of(post: dict[str, Any]) -> str:
    """The job id a posted reminder carries (in its statements button's custom id, which members never read)."""
    [custom_id] = [
        c["custom_id"]
        for row in post["components"]
        for c in row["components"]
        if c.get("custom_id", "").startswith("reminder:statements:")
    ]
    return f"{GUILD}:{custom_id.removeprefix('reminder:statements:')}"


async def test_a_reminder_is_posted_at_its_time_mentioning_only_the_role(live: Live) -> None:
    """The 1-day reminder before the ballot opens: content pings the role only; embed and buttons attached."""
    await live.configure(OPEN - timedelta(days=1, minutes=1))
    assert live.posts == [], "turning reminders on does not post the ones already missed"
    ran = await live.run_due(OPEN - timedelta(days=1))
    assert len(ran) == 1
    [post] = live.posts
    assert post["content"] == f"<@&{ROLE}> Ballot opens Monday 21 April"
    assert post["mention_roles"] == [str(ROLE)] or post["mention_roles"] == [ROLE]
    request = live.world.discord.requests_matching("POST", rf"/channels/{CHANNEL}/messages$")[-1]
    assert request.json["allowed_mentions"] == {"parse": [], "roles": [str(ROLE)]} or request.json[
        "allowed_mentions"
    ] == {"parse": [], "roles": [ROLE]}
    [embed] = post["embeds"]
    assert f"<t:{int(OPEN.timestamp())}:F>" in embed["description"]
    assert f"<@&{ROLE}>" not in embed["description"] + embed["title"]
    assert labels(post) == BUTTONS
    assert await live.world.services.reminders.is_sent(ran[0])


async def test_real_apscheduler_fires_the_job_on_time(live: Live) -> None:
    """With the reminder a second away, APScheduler itself runs it and the ledger records it."""
    await live.configure(OPEN - timedelta(days=1, seconds=1))
    [job] = [
        j
        for j in reminder_scheduler(live.world).pending_job_ids(GUILD)
        if j.endswith(":ballot_open:" + str(int(OPEN.timestamp())) + ":1d")
    ]
    assert job in reminder_scheduler(live.world).scheduled_in_apscheduler()
    for _ in range(100):
        if await live.world.services.reminders.is_sent(job):
            break
        await asyncio.sleep(0.05)
    assert await live.world.services.reminders.is_sent(job)
    assert len(live.posts) == 1
    assert live.posts[0]["content"].endswith("Ballot opens Monday 21 April")
    assert job not in reminder_scheduler(live.world).scheduled_in_apscheduler()


async def test_restart_in_the_ballot_window_repeats_nothing(live: Live) -> None:
    """A reminder posted before a restart is not posted again after it, and the same jobs are pending."""
    await live.configure(datetime(2025, 5, 1, tzinfo=UTC))
    await live.run_due(POST_BY - timedelta(days=7))
    assert len(live.posts) == 1
    pending_before = reminder_scheduler(live.world).pending_job_ids(GUILD)
    await live.restart()
    await asyncio.sleep(0.2)
    assert len(live.posts) == 1
    assert reminder_scheduler(live.world).pending_job_ids(GUILD) == pending_before
    assert await reminder_scheduler(live.world).run_due() == []
    assert len(live.posts) == 1


async def test_stopping_leaves_reminders_still_waiting_for_a_turn_to_the_next_start(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    """
    Two reminders fall due together; the first is posted, the second waits for its turn at the pacer when the bot
    stops. It is not lost and not doubled: the next start posts it once, and the first is not repeated.
    """
    services = live.world.services
    await services.elections.add(GUILD, ORGANISER, "Young Members 2025")
    await services.elections.set_date(GUILD, ORGANISER, "Young Members 2025", MilestoneKind.BALLOT_OPEN, "2025-04-21")
    await live.configure(OPEN - timedelta(days=1, minutes=1))
    scheduler = reminder_scheduler(live.world)
    scheduler.pacer = Pacer(per_second=0.1, in_flight=1)  # the second turn is ten seconds off
    live.world.clock.set(OPEN - timedelta(days=1))
    due = [j for j in scheduler.pending_job_ids(GUILD) if j.endswith(f":ballot_open:{int(OPEN.timestamp())}:1d")]
    assert len(due) == 2, "one 1-day reminder for each election, due at the same instant"
    runs = [asyncio.create_task(scheduler.run(job)) for job in due]
    for _ in range(200):
        if live.posts:
            break
        await asyncio.sleep(0.02)
    assert len(live.posts) == 1
    [first_ref] = [job_of(post) for post in live.posts]
    with caplog.at_level(logging.INFO, logger="bot.scheduling.scheduler"):
        await live.restart()
        await asyncio.gather(*runs)
    [waiting] = [job for job in due if job != first_ref]
    assert f"Reminder {waiting} not posted before the scheduler stopped; it stays pending" in caplog.messages
    for _ in range(200):
        if len(live.posts) == 2:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)
    refs = [job_of(post) for post in live.posts]
    assert sorted(refs) == sorted(due), "each reminder posted exactly once across the restart"
    assert all([await live.world.services.reminders.is_sent(job) for job in due])
    assert not set(due) & set(reminder_scheduler(live.world).pending_job_ids(GUILD))


async def test_downtime_catch_up_posts_once_late_and_skips_past_dates(live: Live) -> None:
    """Missed while down: the latest reminder of each date still ahead is posted once, marked late."""
    await live.configure(datetime(2025, 5, 1, tzinfo=UTC))
    await live.world.bot.close()
    live.world.clock.set(datetime(2025, 5, 18, 12, 0, tzinfo=UTC))  # post-by 7d and 1d, close 7d all missed
    await live.restart()
    for _ in range(100):
        if len(live.posts) >= 2:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    contents = sorted(p["content"] for p in live.posts)
    assert len(contents) == 2, contents
    assert any("1 day left to post your ballot paper" in c for c in contents)
    assert any("3 days left to vote" in c for c in contents)
    assert all("Posted late" in p["embeds"][0]["description"] for p in live.posts)
    assert not any("Ballot opens" in c for c in contents), "the ballot had already opened: skipped"
    preview = await live.world.services.reminders.preview(GUILD)
    assert all(o.run_at > live.world.clock.now() for o in preview.pending)


async def test_a_moved_date_moves_its_reminders_and_posts_one_notice(live: Live) -> None:
    """Moving the close re-plans its reminders for the new date and posts one 'date changed' notice."""
    await live.configure(datetime(2025, 5, 1, tzinfo=UTC))
    before = set(reminder_scheduler(live.world).pending_job_ids(GUILD))
    await live.world.services.elections.set_date(
        GUILD, ORGANISER, "NEC 2025", MilestoneKind.BALLOT_CLOSE, "28 May 2025"
    )
    after = set(reminder_scheduler(live.world).pending_job_ids(GUILD))
    old_close = f":ballot_close:{int(CLOSE.timestamp())}:"
    new_close = f":ballot_close:{int((CLOSE + timedelta(days=7)).timestamp())}:"
    assert any(old_close in j for j in before) and not any(old_close in j for j in after)
    assert sum(new_close in j for j in after) == 3
    notices = [p for p in live.posts if "Date changed" in p["content"]]
    assert len(notices) == 1
    new_at = int((CLOSE + timedelta(days=7)).timestamp())
    assert f"NEC 2025: the ballot now closes <t:{new_at}:F>" in notices[0]["content"]
    assert "is now" not in notices[0]["content"]
    assert notices[0]["mention_roles"] == []


async def test_429_then_success_posts_exactly_once(live: Live) -> None:
    """Discord rate-limits the first try; discord.py retries; one message, one ledger row."""
    await live.configure(OPEN - timedelta(days=1, minutes=1))
    live.world.discord.fail("POST", rf"/channels/{CHANNEL}/messages$", status=429, times=1, retry_after=0.05)
    [job] = await live.run_due(OPEN - timedelta(days=1))
    assert len(live.posts) == 1
    statuses = [r.status for r in live.world.discord.requests_matching("POST", rf"/channels/{CHANNEL}/messages$")]
    assert statuses == [429, 200]
    assert await live.world.services.reminders.is_sent(job)


async def test_a_permanent_failure_leaves_the_reminder_pending_and_logged(live: Live) -> None:
    """Without permission to post, nothing is recorded as sent and the preview names the problem."""
    await live.configure(OPEN - timedelta(days=1, minutes=1))
    await live.world.discord.set_channel_permission(CHANNEL, deny=0x800)  # Send Messages
    [job] = await live.run_due(OPEN - timedelta(days=1))
    assert live.posts == []
    assert not await live.world.services.reminders.is_sent(job)
    reply = await live.world.discord.invoke("/organise reminders preview", user=ORGANISER)
    assert "the bot lacks: Send Messages" in reply.text()


async def test_a_closed_dm_is_skipped_and_never_fatal(live: Live) -> None:
    """Subscribers get the reminder by DM; one with DMs closed is skipped; the post still counts."""
    await live.world.services.privacy.subscribe(GUILD, ACTIVIST)
    await live.world.services.privacy.subscribe(GUILD, ORGANISER)
    live.world.discord.close_dms(ACTIVIST)
    await live.configure(OPEN - timedelta(days=1, minutes=1))
    [job] = await live.run_due(OPEN - timedelta(days=1))
    assert len(live.posts) == 1
    assert await live.world.services.reminders.is_sent(job)
    assert live.world.discord.dms(ACTIVIST) == []
    [dm] = live.world.discord.dms(ORGANISER)
    assert "Ballot opens Monday 21 April" in dm.data["content"]


async def test_the_buttons_still_work_after_a_restart(live: Live) -> None:
    """A reminder posted by the previous process answers both buttons, ephemerally, to anyone."""
    await live.configure(OPEN - timedelta(days=1, minutes=1))
    await live.run_due(OPEN - timedelta(days=1))
    [post] = live.posts
    await live.restart()
    ids = {c["label"]: c["custom_id"] for row in post["components"] for c in row["components"]}
    statements = await live.world.discord.click(int(post["id"]), ids["Read candidate statements"], user=ACTIVIST)
    assert statements.ephemeral
    assert "Time for Real Change candidates in NEC 2025" in statements.text()
    how = await live.world.discord.click(int(post["id"]), ids["How to vote"], user=ACTIVIST)
    assert how.ephemeral
    assert "ballot timetable" in how.text()
    assert "reminder:region" in how.custom_ids()
    mine = await live.world.discord.select(how, "reminder:region", ["East Midlands"], user=ACTIVIST)
    assert "Tom Barker" in mine.text()


@pytest.mark.parametrize("action", list(ReminderAction))
@pytest.mark.parametrize("ref", [None, "ballot_close:1747843200:7d"])
async def test_every_reminder_button_is_read_back_from_its_custom_id(action: ReminderAction, ref: str | None) -> None:
    """One dynamic item rebuilds every action's button from its custom id, which stays within Discord's 100."""
    made = ReminderButton(action, 2**53, ref)
    found = ReminderButton.__discord_ui_compiled_template__.fullmatch(made.custom_id)
    assert found is not None and len(made.custom_id) <= 100
    rebuilt = await ReminderButton.from_custom_id(None, made.item, found)  # type: ignore[arg-type]
    assert (rebuilt.action, rebuilt.election_id, rebuilt.custom_id) == (action, 2**53, made.custom_id)
    assert ReminderButton.__discord_ui_compiled_template__.fullmatch("reminder:region") is None


def as_posted_by_an_earlier_release(post: dict[str, Any], *, footer: str | None = None) -> str:
    """
    Rewrite a stored reminder as an earlier release posted it: the statements button without the reference.

    With ``footer``, the embed footer carries the reference the way releases before that did. Returns the
    button's old custom id.
    """
    [button] = [c for row in post["components"] for c in row["components"] if c["label"] == "Read candidate statements"]
    election_id = button["custom_id"].split(":")[2]
    button["custom_id"] = f"reminder:statements:{election_id}"
    if footer is not None:
        post["embeds"][0]["footer"] = {"text": footer}
    return str(button["custom_id"])


async def test_buttons_on_reminders_of_an_earlier_release_still_work(live: Live) -> None:
    """A statements button whose custom id has no reference (as posted before it carried one) still answers."""
    await live.configure(OPEN - timedelta(days=1, minutes=1))
    await live.run_due(OPEN - timedelta(days=1))
    [post] = live.posts
    old_id = as_posted_by_an_earlier_release(post)
    await live.restart()
    statements = await live.world.discord.click(int(post["id"]), old_id, user=ACTIVIST)
    assert statements.ephemeral
    assert "Time for Real Change candidates in NEC 2025" in statements.text()


async def test_a_reminder_with_its_reference_in_the_footer_is_found_after_a_crash(live: Live) -> None:
    """A reminder posted when the reference rode in the embed footer is still found, not posted again."""
    await live.configure(OPEN - timedelta(days=1, minutes=1))
    [job] = await live.run_due(OPEN - timedelta(days=1))
    [post] = live.posts
    as_posted_by_an_earlier_release(post, footer=f"Slatebot reminder · ref {job}")
    await live.world.db.execute("DELETE FROM reminders_sent WHERE guild_id = ? AND job_id = ?", (GUILD, job))
    live.world.clock.set(OPEN - timedelta(days=1) + timedelta(minutes=10))
    await live.restart()
    for _ in range(100):
        if await live.world.services.reminders.is_sent(job):
            break
        await asyncio.sleep(0.05)
    row = await live.world.services.repos.ledger.get(GUILD, job)
    assert row is not None and row.message_id == int(post["id"])
    await asyncio.sleep(0.2)
    assert len(live.posts) == 1, "found by its footer, not posted again"


async def test_one_day_before_a_date_just_after_the_clocks_change_lands_at_london_time(live: Live) -> None:
    """1d before 09:00 BST on Monday 31 March 2025 is 09:00 on Sunday 30 March, the day the clocks went forward."""
    await live.world.services.elections.add(GUILD, ORGANISER, "Spring Ballot 2025")
    await live.world.services.elections.set_date(
        GUILD, ORGANISER, "Spring Ballot 2025", MilestoneKind.BALLOT_OPEN, "31 March 2025"
    )
    await live.configure(datetime(2025, 3, 20, tzinfo=UTC))
    preview = await live.world.services.reminders.preview(GUILD, "Spring Ballot 2025")
    runs = {str(o.offset): o.run_at for o in preview.pending if o.kind.value == "ballot_open"}
    assert runs["1d"] == datetime(2025, 3, 30, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert runs["7d"] == datetime(2025, 3, 24, 9, 0, tzinfo=UTC)  # 09:00 GMT
    assert runs["0"] == datetime(2025, 3, 31, 8, 0, tzinfo=UTC)


async def test_reminders_off_stops_them(live: Live) -> None:
    """After /organise reminders off nothing is pending and nothing posts."""
    await live.configure(datetime(2025, 5, 1, tzinfo=UTC))
    assert reminder_scheduler(live.world).pending_job_ids(GUILD)
    reply = await live.world.discord.invoke("/organise reminders off", user=ORGANISER)
    assert "Reminders are off" in reply.text()
    assert reminder_scheduler(live.world).pending_job_ids(GUILD) == []
    assert await live.run_due(CLOSE) == []
    assert live.posts == []


async def test_the_scheduled_event_follows_the_timetable(live: Live) -> None:
    """A Discord event mirrors the ballot window: created, moved with the close, deleted when undated."""
    created = await live.world.discord.wait_for_request("POST", rf"/guilds/{GUILD}/scheduled-events$", timeout=5)
    body = created.json
    assert body["scheduled_start_time"].startswith("2025-04-21T08:00:00")
    assert body["scheduled_end_time"].startswith("2025-05-21T16:00:00")
    await live.world.services.elections.set_date(
        GUILD, ORGANISER, "NEC 2025", MilestoneKind.BALLOT_CLOSE, "28 May 2025"
    )
    moved = live.world.discord.requests_matching("PATCH", rf"/guilds/{GUILD}/scheduled-events/\d+$")
    assert moved and moved[-1].json["scheduled_end_time"].startswith("2025-05-28T16:00:00")
    await live.world.services.elections.clear_date(GUILD, ORGANISER, "NEC 2025", MilestoneKind.BALLOT_OPEN)
    assert live.world.discord.requests_matching("DELETE", rf"/guilds/{GUILD}/scheduled-events/\d+$")
    assert await live.world.services.reminders.event_links(GUILD) == {}


async def test_without_manage_events_the_preview_says_so(live: Live) -> None:
    """Where the bot lacks Manage Events, no event is made and the preview says why."""
    await live.world.discord.set_role_permissions("bot", 0x400 | 0x800 | 0x4000 | 0x10000)
    await asyncio.sleep(0.1)
    await live.configure(datetime(2025, 3, 2, tzinfo=UTC))
    reply = await live.world.discord.invoke("/organise reminders preview", user=ORGANISER)
    assert "lacks Manage Events" in reply.text()


async def test_members_read_no_internal_reference_and_a_crash_before_the_ledger_still_posts_once(live: Live) -> None:
    """
    The reminder shows no job id to members; the id rides in a button's custom id, so after a crash between
    Discord's acceptance and the ledger write the restarted bot finds the post and records it instead of reposting.
    """
    await live.configure(OPEN - timedelta(days=1, minutes=1))
    [job] = await live.run_due(OPEN - timedelta(days=1))
    [post] = live.posts
    shown = message_text(post)
    assert job not in shown and "ref " not in shown and f"{GUILD}:" not in shown
    assert job_of(post) == job
    await live.world.db.execute("DELETE FROM reminders_sent WHERE guild_id = ? AND job_id = ?", (GUILD, job))
    assert not await live.world.services.reminders.is_sent(job)
    live.world.clock.set(OPEN - timedelta(days=1) + timedelta(minutes=10))
    await live.restart()
    for _ in range(100):
        if await live.world.services.reminders.is_sent(job):
            break
        await asyncio.sleep(0.05)
    row = await live.world.services.repos.ledger.get(GUILD, job)
    assert row is not None and row.message_id == int(post["id"])
    await asyncio.sleep(0.2)
    assert len(live.posts) == 1, "found in the channel, not posted again"


async def test_one_recorded_result_does_not_stop_the_reminders(live: Live) -> None:
    """A result for one candidate of a contested seat leaves every reminder in place, and the reply says why."""
    await live.configure(datetime(2025, 4, 1, tzinfo=UTC))
    before = await live.world.discord.invoke("/organise reminders preview", user=ORGANISER)
    assert "NEC 2025: Ballot opens" in before.text()
    pending = reminder_scheduler(live.world).pending_job_ids(GUILD)
    reply = await live.world.discord.invoke(
        ["organise", "result", "set"], options={"candidate": "Tom Barker", "votes": 1}, user=ORGANISER
    )
    after = await live.world.discord.invoke("/organise reminders preview", user=ORGANISER)
    assert "Nothing is waiting to be posted" not in after.text()
    assert "NEC 2025: Ballot opens" in after.text()
    assert reminder_scheduler(live.world).pending_job_ids(GUILD) == pending
    assert "Recorded 1 vote for **Tom Barker** (East Midlands Regional (Male), NEC 2025)." in reply.text()


async def test_a_result_recorded_while_the_ballot_is_open_says_reminders_go_on(live: Live) -> None:
    """Inside the ballot window the result set reply notes that the ballot is still open and reminders go on."""
    await live.configure(datetime(2025, 5, 1, tzinfo=UTC))
    reply = await live.world.discord.invoke(
        ["organise", "result", "set"], options={"candidate": "Tom Barker", "votes": 5000}, user=ORGANISER
    )
    text = reply.text()
    assert "still open" in text and f"<t:{int(CLOSE.timestamp())}:F>" in text
    assert "reminders go on" in text


async def test_the_preview_tells_skipped_reminders_from_posted_ones(live: Live) -> None:
    """
    Reminders turned on a day before the ballot opens: the 7-day one is counted as skipped, not as posted.

    The sample sets a nomination target, so the three reminders before nominations closed (in February) are
    skipped as well: four in all, one posted.
    """
    await live.configure(OPEN - timedelta(days=1, minutes=1))
    assert live.posts == []
    await live.run_due(OPEN - timedelta(days=1))
    assert len(live.posts) == 1
    reply = await live.world.discord.invoke("/organise reminders preview", user=ORGANISER)
    text = reply.text()
    assert "1 already posted; 4 skipped (their time had passed before they could be posted)." in text
    assert "2 already posted" not in text


async def test_the_settings_summary_reads_naturally_with_and_without_a_channel(live: Live) -> None:
    """'Reminders: off; no channel set' before a channel is chosen, 'on, posted in #channel' after."""
    off = await live.world.discord.invoke("/organise reminders off", user=ORGANISER)
    assert "**Reminders:** off; no channel set" in off.text()
    assert "in not set" not in off.text()
    on = await live.world.discord.invoke(
        "/organise reminders channel", options={"channel": CHANNEL, "role": ROLE}, user=ORGANISER
    )
    assert f"**Reminders:** on, posted in <#{CHANNEL}>, mentioning <@&{ROLE}>" in on.text()
    again = await live.world.discord.invoke("/organise reminders off", user=ORGANISER)
    assert f"**Reminders:** off (the channel stays <#{CHANNEL}>" in again.text()


async def test_the_preview_says_when_results_have_stopped_an_elections_reminders(live: Live) -> None:
    """Once every contested seat of an election has its result, the preview says its reminders have stopped."""
    services = live.world.services
    await services.elections.add(GUILD, ORGANISER, "Small Ballot 2025")
    await services.elections.set_date(GUILD, ORGANISER, "Small Ballot 2025", MilestoneKind.BALLOT_OPEN, "2025-04-28")
    await services.seats.add(
        GUILD, ORGANISER, election="Small Ballot 2025", name="Chair", electorate_type="national", electorate="All"
    )
    for name in ("Ann Small", "Bob Small"):
        await services.candidates.add(GUILD, ORGANISER, name=name, seat="Chair", election="Small Ballot 2025")
    await live.configure(datetime(2025, 4, 1, tzinfo=UTC))
    await services.results.set(GUILD, ORGANISER, "Ann Small", 10, election="Small Ballot 2025")
    assert "No more reminders for Small Ballot 2025" not in (await preview_text(live))
    await services.results.set(GUILD, ORGANISER, "Bob Small", 5, election="Small Ballot 2025")
    text = await preview_text(live)
    assert "No more reminders for Small Ballot 2025: every contested seat has its result." in text
    assert "Small Ballot 2025: Ballot opens" not in text
    assert "NEC 2025: Ballot opens" in text


async def preview_text(live: Live) -> str:
    """Every page of /organise reminders preview, as text."""
    reply = await live.world.discord.invoke("/organise reminders preview", user=ORGANISER)
    return reply.text()
