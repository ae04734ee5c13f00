"""`slatebot console` at a real terminal: a pseudo-terminal, keys typed one by one, the screen read back."""

import codecs
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROMPT = re.compile(r"slatebot[^\n>]*>")
# Escape sequences a terminal acts on (colours, cursor moves, modes); what is left is the text a user reads.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\r")
WAIT = 60.0  # seconds: generous, the machine may be busy; a passing test never waits this long


class Terminal:
    """A console process on a pseudo-terminal: type into it and wait for text to appear."""

    def __init__(self, cwd: Path) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL", "DEV_GUILD_ID"}}
        # No cursor-position requests: this terminal does not answer them (a real one does).
        env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", COLUMNS="120", LINES="40")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            start_new_session=True,
            # The pseudo-terminal becomes the console's controlling terminal, so Ctrl-C is a real SIGINT.
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.master = master
        self.raw = ""
        self.seen = 0
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.5)
                if not ready:
                    if self.process.poll() is not None:
                        return
                    continue
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.raw += decoder.decode(data)

    @property
    def screen(self) -> str:
        """Everything printed so far, without escape sequences."""
        with self.lock:
            return _ESCAPES.sub("", self.raw)

    def expect(self, pattern: str | re.Pattern[str], timeout: float = WAIT) -> str:
        """Wait until ``pattern`` appears after what earlier expects consumed; return the text up to it."""
        wanted = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen
            found = wanted.search(text, self.seen)
            if found:
                before = text[self.seen : found.end()]
                self.seen = found.end()
                return before
            if time.monotonic() > deadline or (self.process.poll() is not None and not self.reader.is_alive()):
                tail = text[self.seen :][-3000:]
                raise AssertionError(f"never saw {wanted.pattern!r}; the terminal shows after the last match:\n{tail}")
            time.sleep(0.05)

    def type(self, keys: str) -> None:
        """Type keys (\\t is Tab, \\r Enter, \\x03 Ctrl-C, \\x04 Ctrl-D)."""
        os.write(self.master, keys.encode())

    def wait(self) -> int:
        """Wait for the process to leave by itself; its exit status."""
        return self.process.wait(timeout=WAIT)

    def kill(self) -> None:
        """End the process (if it is still there) and close the terminal."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.reader.join(timeout=5)
        os.close(self.master)


@pytest.fixture(scope="module")
def terminal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Terminal]:
    """One console at a terminal for the module's completion checks, at a fresh prompt for each."""
    term = Terminal(tmp_path_factory.mktemp("console"))
    term.expect(PROMPT)
    yield term
    term.type("\x04")
    try:
        term.wait()
    finally:
        term.kill()


def test_the_prompt_says_who_you_are(terminal: Terminal) -> None:
    """The prompt names the role the console acts as."""
    assert "organiser" in PROMPT.findall(terminal.screen)[-1]


def test_tab_completes_a_command_name_with_a_space_after_it(terminal: Terminal) -> None:
    """`/cand` + Tab gives `/candidate ` so the options can be typed straight after it."""
    terminal.type("/cand\t")
    terminal.expect("idate")  # the completion landed: type on after it
    terminal.type("name: Tom Barker\r")
    terminal.expect("** Tom Barker **")
    terminal.expect(PROMPT)


def test_tab_completes_subcommands_option_names_and_choices(terminal: Terminal) -> None:
    """`/organise exp`, `fo` and `Y` each complete by Tab: a subcommand, an option name, a choice."""
    terminal.type("/organise exp\t")
    terminal.expect("ort")
    terminal.type("fo\t")
    terminal.expect("rmat:")
    terminal.type("Y\t")
    terminal.expect("AML")
    terminal.type("\r")
    terminal.expect(re.compile(r"\[file\] \S+\.yaml"))
    terminal.expect(PROMPT)


def test_tab_lists_subcommands_and_the_options_not_yet_given(terminal: Terminal) -> None:
    """Tab after `/organise election ` lists its subcommands; after a value, the options still to give."""
    terminal.type("/organise election \t")
    terminal.expect("rename")
    terminal.type("\x03")
    terminal.expect(PROMPT)
    terminal.type("/candidate name: Tom Barker \t")
    menu = terminal.expect("share:")
    assert "election:" in menu
    # After the last drawing of the line (a busy machine may draw it twice): the menu alone.
    assert "name:" not in menu.rsplit("Tom Barker", 1)[-1], "name is given already"
    terminal.type("\x03")
    terminal.expect(PROMPT)


@pytest.mark.parametrize(
    ("line", "offered", "answer"),
    [
        ("/candidate name: Bern", "Bernadette Walsh", "** Bernadette Walsh **"),
        ("/seat name: greater", "Greater London Regional (Male)", "“greater” matches several seats"),
        ("/howtovote region: east", "East Midlands", "No region called “east”"),
    ],
)
def test_a_value_completion_never_removes_what_was_typed(
    terminal: Terminal, line: str, offered: str, answer: str
) -> None:
    """Tab on a partly typed value shows the bot's suggestions; Enter then runs the line as typed."""
    terminal.type(line + "\t")
    terminal.expect(offered)
    terminal.type("\r")
    ran = terminal.expect(answer)
    assert "Give the name of" not in ran
    terminal.expect(PROMPT)


def test_ctrl_c_cancels_the_line_or_form_and_ctrl_d_quits(tmp_path: Path) -> None:
    """Ctrl-C drops the half-typed line (or the open form) and prompts again; Ctrl-D leaves with status 0."""
    term = Terminal(tmp_path)
    try:
        term.expect(PROMPT)
        term.type("/candidate name: Kev")
        term.expect("Kev")
        term.type("\x03")
        term.expect(PROMPT)
        term.type("/candidate name: Tom Barker\r")
        ran = term.expect("** Tom Barker **")
        assert "Kev" not in ran.split("Tom Barker", 1)[-1]
        term.expect(PROMPT)
        term.type("/organise candidate statement candidate: Kevin Corran\r")
        term.expect("Form: Statement: Kevin Corran")
        term.expect("|")
        term.type("half a sentence")
        term.expect("sentence")
        term.type("\x03")
        term.expect("cancelled")
        term.expect(PROMPT)
        term.type("/ballot\r")
        term.expect("(only you can see this)")
        term.expect(PROMPT)
        term.type("\x04")
        status = term.wait()
    finally:
        term.kill()
    assert status == 0
    assert "Traceback" not in term.screen


def test_wait_at_a_terminal_prints_the_reminders_with_their_buttons_and_click_answers(tmp_path: Path) -> None:
    """At a real terminal: `wait 7d` shows the ballot-open reminders in #reminders and the DMs; `click 1` answers."""
    term = Terminal(tmp_path)
    try:
        term.expect(PROMPT)
        term.type("wait 7d\r")
        seen = term.expect("It is now Monday 21 April 2025 09:00")
        assert "--- #reminders · Sun 20 Apr 2025 09:00" in seen
        assert "@Members Ballot opens Monday 21 April" in seen
        assert "[1] button: Read candidate statements" in seen
        assert "--- DM to activist · Mon 21 Apr 2025 09:00" in seen
        assert "<@&" not in seen and "<#" not in seen
        term.expect(PROMPT)
        term.type("click 1\r")
        term.expect("Time for Real Change candidates in NEC 2025")
        term.expect(PROMPT)
        term.type("\x04")
        assert term.wait() == 0
    finally:
        term.kill()
