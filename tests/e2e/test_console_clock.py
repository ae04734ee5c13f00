"""
`slatebot console` on its own clock, as a user pipes a session into it: `wait`, `--at`, everything the bot
posts printed where it went, and files saved where the console says.
"""

import re
from pathlib import Path

import icalendar

from tests.e2e.test_console import run_console

#: The sample NEC 2025 timetable, as its file gives it (London time).
SAMPLE_TIMETABLE = {
    "2025-04-21 09:00",
    "2025-05-21 17:00",
}


def _blocks(out: str) -> list[str]:
    """The console's output cut at each '--- where · when' header: one block per message the bot posted."""
    return re.split(r"(?m)^(?=--- )", out)[1:]


def test_wait_7d_prints_each_reminder_in_reminders_and_each_dm_in_order(tmp_path: Path) -> None:
    """The new user's first minute: `wait 7d` shows the ballot-open reminders with buttons, then the DMs."""
    result = run_console(["wait 7d", "click 2", "quit"], cwd=tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in out + result.stderr
    assert "The console's clock starts at Monday 14 April 2025 09:00 (Europe/London)" in out
    headers = re.findall(r"(?m)^--- (#reminders|DM to activist) · (\w{3} \d+ \w{3} 2025 \d\d:\d\d)", out)
    assert headers == [
        ("#reminders", "Mon 14 Apr 2025 09:00"),
        ("DM to activist", "Mon 14 Apr 2025 09:00"),
        ("#reminders", "Sun 20 Apr 2025 09:00"),
        ("DM to activist", "Sun 20 Apr 2025 09:00"),
        ("#reminders", "Mon 21 Apr 2025 09:00"),
        ("DM to activist", "Mon 21 Apr 2025 09:00"),
    ]
    channel = [b for b in _blocks(out) if b.startswith("--- #reminders")]
    assert all("@Members" in b and "[1] button: Read candidate statements" in b for b in channel)
    assert all("[2] button: How to vote" in b for b in channel)
    assert "in 23 hours" in channel[1], "relative times are read against the console's clock"
    assert "It is now Monday 21 April 2025 09:00 (2 reminder(s) fell due on the way)." in out
    # click 2 pressed "How to vote" on the last reminder posted, which the DM after it did not replace.
    after_click = out.split("> click 2", 1)[1]
    assert "?? " not in after_click.split("> quit")[0]
    assert "(only you can see this)" in after_click


def test_mentions_are_names_and_escaped_markdown_reads_as_plain_text(tmp_path: Path) -> None:
    """No raw <@&1002>, <#1101> or <@2002>, no reminder\\_offsets: what the bot sent, as a reader sees it."""
    result = run_console(
        ["wait 1d", "/organise reminders offsets offsets: 3d", "/organise audit", "/organise reminders preview"],
        cwd=tmp_path,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert not re.search(r"<(@&|@!?|#)\d+>", out), "a raw mention was printed"
    assert "\\_" not in out and "\\*" not in out
    assert "@Members" in out
    assert "reminder_offsets" in out
    assert "@organiser" in out


def test_at_starts_the_clock_on_the_post_by_day_which_ballot_shows_as_today(tmp_path: Path) -> None:
    """`--at "2025-05-19 08:00"`: /ballot says today is the day to post the paper; the clock says so too."""
    result = run_console(["/ballot", "help"], "console", "--at", "2025-05-19 08:00", cwd=tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "The console's clock starts at Monday 19 May 2025 08:00" in out
    ballot = out.split("> /ballot", 1)[1].split("> help", 1)[0]
    assert "Today is the day to post your ballot paper" in ballot
    assert "Monday 19 May 2025 09:00 (in 59 minutes)" in ballot or "Monday 19 May 2025 09:00 (in 1 hour)" in ballot
    assert "It is now Monday 19 May 2025 08:0" in out, "help tells the console's time"


def test_a_bad_at_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """`--at tomorrow` is refused before anything starts, saying the form it wants."""
    result = run_console(["/ballot"], "console", "--at", "tomorrow", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        'slatebot: --at wants "YYYY-MM-DD HH:MM" (such as "2025-05-19 08:00"), not \'tomorrow\''
    )


def test_calendar_saves_an_ics_that_reads_back_as_the_sample_timetable(tmp_path: Path) -> None:
    """`/calendar` saves the .ics in the files folder the console named; it parses, with the ballot's dates."""
    result = run_console(["/calendar"], cwd=tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    folder = re.search(r"Files the bot sends are saved in (\S+)", out)
    assert folder is not None
    saved = re.search(r"\[file\] (\S+\.ics) \([\d,]+ bytes\) saved to (\S+)", out)
    assert saved is not None, out
    path = Path(saved.group(2))
    assert path.parent == Path(folder.group(1))
    assert path.name == saved.group(1)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    starts = {
        component.decoded("dtstart")
        .astimezone(__import__("zoneinfo").ZoneInfo("Europe/London"))
        .strftime("%Y-%m-%d %H:%M")
        for component in calendar.walk("VEVENT")
    }
    assert starts >= SAMPLE_TIMETABLE, starts


def test_waits_that_cannot_be_read_are_refused_and_the_clock_stays(tmp_path: Path) -> None:
    """`wait`, `wait soon`, `wait 0d`, `wait 2y` each get a message; the clock has not moved."""
    result = run_console(["wait", "wait soon", "wait 0d", "wait 2y", "help"], cwd=tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert out.count("?? say how long to wait") == 3
    assert "?? wait for some time" in out
    assert "It is now Monday 14 April 2025 09:0" in out


def test_an_empty_database_says_how_to_load_the_sample(tmp_path: Path) -> None:
    """`--database` on a new file: the console says how to load the sample campaign."""
    result = run_console(["quit"], "console", "--database", f"sqlite:///{tmp_path / 'new.db'}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "This database has no campaign yet. Load the sample with:" in result.stdout
    assert "/organise import file: " in result.stdout


def test_a_date_changed_notice_is_printed_in_reminders_as_it_is_posted(tmp_path: Path) -> None:
    """An organiser moves the close: the bot's notice in #reminders is printed, not only the organiser's answer."""
    result = run_console(
        ["/organise date set election: NEC 2025 kind: ballot_close date: 2025-05-28", "quit"], cwd=tmp_path
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    after = out.split("> /organise date set", 1)[1]
    notices = [b for b in _blocks(after) if b.startswith("--- #reminders") and "Date changed:" in b]
    assert len(notices) == 1, after
    assert "the ballot now closes Wednesday 28 May 2025 17:00" in notices[0]
