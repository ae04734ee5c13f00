"""`slatebot console` in its non-interactive mode: commands in on standard input, answers out as text."""

import io
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.standin.console import Console
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
        assert await console.completions("/cand") == ["/candidate"]
        assert "/organise" in await console.completions("/o")
        values = await console.completions("/candidate name: tom b")
        assert values[0] == "/candidate name: Tom Barker"
        seats = await console.completions("/seat name: energy")
        assert "/seat name: Energy Service Group (General)" in seats
    finally:
        await stop_world(world, task)
