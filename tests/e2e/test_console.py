"""`slatebot console` in its non-interactive mode: commands in on standard input, answers out as text."""

import io
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from standin.console import Console
from tests.e2e.conftest import start_world, stop_world

ROOT = Path(__file__).resolve().parents[2]


def run_console(lines: list[str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL", "DEV_GUILD_ID"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**env, "PYTHONPATH": str(ROOT)},
        check=False,
    )


def test_no_token_starts_the_console_and_runs_a_short_session(tmp_path: Path) -> None:
    """With no token, `slatebot` starts the console; commands, buttons, menus and forms all work as text."""
    result = run_console(
        [
            "/candidate name: Tom Barker",
            "/slate",
            "click 3",
            "select 1 1",
            "/organise candidate statement candidate: Kevin Corran",
            "A new statement, typed at the console.",
            ".",
            "/candidate name: Kevin Corran",
            "as member",
            "/organise election add name: Sneaky",
            "quit",
        ],
        cwd=tmp_path,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "> /candidate name: Tom Barker" in out
    assert "(only you can see this)" in out
    assert "** Tom Barker **" in out
    assert "[1] menu: Read a candidate's statement" in out
    assert "(Page 2 of 2)" in out, "click 3 is Next on /slate's first page"
    assert "Form: Statement: Kevin Corran" in out
    assert "A new statement, typed at the console." in out
    assert "Only organisers can use `/organise`" in out
    assert "Traceback" not in out + result.stderr


def test_console_keeps_its_data_in_the_database_it_is_given(tmp_path: Path) -> None:
    """`--database` uses that file (no sample), and `--as member` starts as an activist."""
    url = f"sqlite:///{tmp_path / 'mine.db'}"
    result = run_console(
        ["/ballot", "/organise election add name: NEC 2027"],
        "console",
        "--database",
        url,
        "--as",
        "member",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "/organise election add" in result.stdout  # the empty database points at the command to run
    assert "Only organisers can use" in result.stdout
    assert (tmp_path / "mine.db").exists()


async def test_tab_completes_commands_and_option_values(tmp_path: Path) -> None:
    """Completion offers command names, and option values through the bot's real autocomplete."""
    world, task = await start_world(tmp_path / "console.db", dev_guild=1000)
    try:
        console = Console(
            world.discord, role="member", out=io.StringIO(), zone=ZoneInfo("Europe/London"), interactive=True
        )
        [candidate] = await console.suggestions("/cand")
        assert (candidate.text, candidate.start) == ("/candidate ", -5)
        assert "/organise " in [s.text for s in await console.suggestions("/o")]
        values = await console.suggestions("/candidate name: tom b")
        assert (values[0].text, values[0].start) == ("Tom Barker", -5), "only the value typed is replaced"
        seats = await console.suggestions("/seat name: energy")
        assert "Energy Service Group (General)" in [s.text for s in seats]
        assert all(s.start == -len("energy") for s in seats)
    finally:
        await stop_world(world, task)


async def test_tab_completes_subcommands_option_names_and_fixed_values(tmp_path: Path) -> None:
    """Subcommands, the options not given yet, choices and true/false complete too, replacing only the last word."""
    world, task = await start_world(tmp_path / "console.db", dev_guild=1000)
    try:
        console = Console(
            world.discord, role="organiser", out=io.StringIO(), zone=ZoneInfo("Europe/London"), interactive=True
        )

        async def texts(line: str) -> list[tuple[str, int]]:
            return [(s.text, s.start) for s in await console.suggestions(line)]

        assert ("election ", 0) in await texts("/organise ")
        assert ("date ", 0) in await texts("/organise ")
        assert await texts("/organise election a") == [("add ", -1)]
        assert await texts("/candidate ") == [("name: ", 0), ("election: ", 0), ("share: ", 0)]
        assert await texts("/candidate na") == [("name: ", -2)]
        after_value = await texts("/candidate name: Tom Barker ")
        assert ("election: ", 0) in after_value
        assert ("name: ", 0) not in after_value, "an option already given is not offered again"
        assert await texts("/organise export format: y") == [("YAML", -1)]
        assert await texts("/candidate name: Tom Barker share: t") == [("true", -1)]
        right_after_colon = await texts("/candidate name:")
        assert right_after_colon, "the bot offers candidates for an empty value"
        assert all(text.startswith(" ") and start == 0 for text, start in right_after_colon), "the space is added"
    finally:
        await stop_world(world, task)


def test_bad_lines_get_a_message_and_the_session_goes_on(tmp_path: Path) -> None:
    """Missing files, folders, bad numbers, unknown commands and stray quotes each get a message; exit 0."""
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = run_console(
        [
            "/organise import file: /nonexistent.yaml",
            f"/organise import file: {folder}",
            "/organise import file:",
            "/organise audit limit: lots",
            "/nosuchcommand",
            "/",
            "click 1",
            "/slate",
            "click 99",
            "click 0",
            "click 1 2",
            "select 1 99",
            "select x y",
            'select 1 "unbalanced',
            "",
            "   ",
            "/organise",
            "/organise bogus",
            "/candidate name: Tom Barker colour: red",
            "as nobody",
            "/ballot",
        ],
        # After the results: no reminder arrives with buttons to click before the first 'click 1'.
        "console",
        "--at",
        "2025-08-01 09:00",
        cwd=tmp_path,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in out + result.stderr
    assert "No such file: /nonexistent.yaml" in out
    assert f"{folder} is a folder, not a file" in out
    assert "whole number" in out
    assert "There is no /nosuchcommand" in out
    assert "nothing to click" in out
    assert "choose a number from 1 to" in out
    assert "/candidate has no option 'colour'. Its options: name, election, share." in out
    assert "> /ballot" in out, "the session reached its last line"
    assert out.rstrip().endswith("+"), "the last command's answer was printed"


async def test_an_unknown_option_is_refused_but_a_colon_inside_a_value_is_not(tmp_path: Path) -> None:
    """`colour:` is not an option of /candidate, so the line is refused; `12:00` and `Note:` stay in values."""
    world, task = await start_world(tmp_path / "console.db", dev_guild=1000)
    try:
        out = io.StringIO()
        console = Console(world.discord, role="organiser", out=out, zone=ZoneInfo("Europe/London"), interactive=False)
        assert await console.handle("/candidate name: Tom Barker colour: red")
        assert "/candidate has no option 'colour'. Its options: name, election, share." in out.getvalue()
        assert "No candidate called" not in out.getvalue(), "the bot was not asked"
        out.seek(0)
        out.truncate()
        await console.handle("/organise election add name: Note: a test election description: starts 12:00 today")
        assert "has no option" not in out.getvalue()
        assert "Note: a test election" in out.getvalue()
        out.seek(0)
        out.truncate()
        await console.handle("/organise election add name: Another one bogus: yes")
        assert "/organise election add has no option 'bogus'. Its options: name, description." in out.getvalue()
    finally:
        await stop_world(world, task)
