"""
``slatebot console``: the real bot against the local Discord, driven from a terminal.

Type a slash command as you would in Discord (``/candidate name: Tom Barker``) and read the answer as text:
embeds are framed, ephemeral answers marked, buttons and select menus numbered so ``click 2`` and
``select 1 3`` work, and a form (modal) asks for its fields one by one. At a terminal the prompt is prompt_toolkit's:
Tab completes command names, subcommands, option names and option values (autocomplete options through real
autocomplete interactions), Ctrl-C drops the line being typed (or the running command, or an open form) and Ctrl-D
leaves. With input that is not a terminal, commands are read line by line and the answers printed, which is how the
tests and the README's demo use it.
"""

import asyncio
import contextlib
import logging
import re
import signal
import sys
import tempfile
import textwrap
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO, cast
from zoneinfo import ZoneInfo

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.patch_stdout import patch_stdout

from bot.clock import Clock, OffsetClock, SystemClock
from bot.settings import Settings
from standin.interactions import InteractionFailed, Reply
from standin.server import ACTIVIST_ID, DEFAULT_CHANNEL_ID, DEFAULT_ORGANISER_ROLE_ID, ORGANISER_ID, StandIn
from standin.spec import body_checks_installed, default_spec_path
from standin.state import Channel, Perm, StoredMessage

if TYPE_CHECKING:
    from bot.app import SlateBot
    from bot.scheduling.scheduler import ReminderScheduler

log = logging.getLogger(__name__)

#: The sample campaign the console starts with: package data, so an installed wheel has it too.
SAMPLE = resources.files("standin") / "sample" / "nec_2025.yaml"
GUILD = 1000
USERS = {"member": "activist", "organiser": "organiser"}
HELP = """\
Type a slash command as in Discord, options as 'name: value':
  /candidate name: Tom Barker
  /howtovote region: East Midlands service_group: Health groups: Young members
  /organise election add name: NEC 2027
  /organise import file: examples/nec_2025.yaml dry_run: true     (a file path for an attachment)
Then:
  wait DURATION      move the console's clock on (30m, 2h, 1d, 1w): every reminder, DM and notice due
                     on the way is posted, in order, and printed as it arrives
  click N            press button N of the last message (an answer, a reminder or a DM)
  select N M [M..]   choose option(s) M of select menu N
  as member|organiser  switch who you are (now: {who})
  help               this text
  quit               leave (Ctrl-D works too)
It is now {now} by the console's clock, which started at {start}; start it elsewhere
with: slatebot console --at "2025-05-19 08:00". Files the bot sends are saved in {files}.
At a terminal, Tab completes command names, subcommands, option names and option values (press it
again to move through the list); Ctrl-C drops the line you are typing, a running command or an open form."""
WIDTH = 78
_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
# A word that looks like an option name: lower-case (as Discord's are), at a word boundary, then a colon that ends
# the word. ``Note: ...`` (a capital), ``12:00`` and ``https://...`` are text inside a value, not options.
_OPTION_WORD = re.compile(r"(?<!\S)([a-z][a-z0-9_-]*):(?=\s|$)")
_SUBCOMMAND_TYPES = (1, 2)
_BOOLEAN, _ATTACHMENT = 5, 11
KEYWORDS = ("help", "wait", "click", "select", "as", "quit")
#: The console's clock starts here unless --at says otherwise: a week before the sample NEC 2025 ballot opens.
DEFAULT_START = "2025-04-14 09:00"
#: The sample server's reminder channel and the role its reminders ping.
REMINDERS_CHANNEL = 1101
MEMBERS_ROLE = 1002
_DURATION = re.compile(r"(\d+)\s*([mhdw])")
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# What discord.utils.escape_markdown puts a backslash before; a reader's client shows the character alone.
_ESCAPED = re.compile(r"\\([\\*_~`|>#\-\[\]()])")
_MENTION = re.compile(r"<(@&|@!?|#)(\d+)>")


class Interrupted(Exception):
    """Ctrl-C at the prompt or in a form: the line or the form is dropped."""


@dataclass(frozen=True)
class Suggestion:
    """One Tab completion: ``text`` replaces the last ``-start`` characters before the cursor."""

    text: str
    start: int
    display: str
    meta: str = ""


def unknown_option(rest: str, names: Sequence[str]) -> str | None:
    """The first ``word:`` in the options part of a line that names no option of the command, if any."""
    for match in _OPTION_WORD.finditer(rest):
        if match.group(1) not in names:
            return match.group(1)
    return None


def _subcommands(node: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The subcommands and groups directly under a command or group."""
    return [o for o in node.get("options") or [] if o.get("type") in _SUBCOMMAND_TYPES]


def _parameters(node: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The options a user fills in (not subcommands)."""
    return [o for o in node.get("options") or [] if o.get("type") not in _SUBCOMMAND_TYPES]


def human_time(text: str, zone: ZoneInfo, now: datetime | None = None) -> str:
    """Show Discord timestamps (``<t:UNIX:F>``) as a reader's client would, in ``zone``."""
    now = now or datetime.now(UTC)

    def one(match: re.Match[str]) -> str:
        instant = datetime.fromtimestamp(int(match.group(1)), UTC)
        style = match.group(2) or "f"
        if style == "R":
            return _relative(instant, now)
        local = instant.astimezone(zone)
        formats = {
            "t": "%H:%M",
            "T": "%H:%M:%S",
            "d": "%d/%m/%Y",
            "D": "%-d %B %Y",
            "f": "%-d %B %Y %H:%M",
            "F": "%A %-d %B %Y %H:%M",
        }
        return local.strftime(formats[style])

    return _TIMESTAMP.sub(one, text)


def _relative(instant: datetime, now: datetime) -> str:
    seconds = (instant - now).total_seconds()
    size = abs(seconds)
    for unit, length in (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if size >= length:
            count = int(size // length)
            words = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {words}" if seconds > 0 else f"{words} ago"
    return "now"


def _indent(line: str) -> str:
    return " " * (len(line) - len(line.lstrip(" ")))


class Renderer:
    """Turns what Discord received into readable text; numbers the clickable parts of the last message."""

    def __init__(
        self,
        zone: ZoneInfo,
        *,
        now: Callable[[], datetime] | None = None,
        names: Callable[[str, int], str | None] | None = None,
        files: Path | None = None,
    ) -> None:
        self.zone = zone
        self.now = now or (lambda: datetime.now(UTC))
        self.names = names or (lambda _kind, _id: None)
        self.files = files
        self.controls: list[dict[str, Any]] = []

    def text(self, value: str) -> str:
        """User-visible text as a reader's client shows it: timestamps, mentions as names, escapes removed."""
        value = human_time(value, self.zone, self.now())

        def mention(match: re.Match[str]) -> str:
            kind = {"@&": "role", "#": "channel"}.get(match.group(1), "user")
            name = self.names(kind, int(match.group(2)))
            if name is None:
                return match.group(0)
            return f"#{name}" if kind == "channel" else f"@{name}"

        return _ESCAPED.sub(r"\1", _MENTION.sub(mention, value))

    def where(self, channel_id: int | None) -> str:
        """A channel as a reader names it: ``#reminders``, or ``DM``."""
        if channel_id is None:
            return "#general"
        name = self.names("channel", channel_id)
        return "DM" if name is None else f"#{name}"

    def save(self, filename: str, data: bytes) -> Path | None:
        """Keep a file the bot sent in the files folder, under its name (``-2``, ``-3``... if taken)."""
        if self.files is None:
            return None
        self.files.mkdir(parents=True, exist_ok=True)
        safe = Path(filename).name or "file"
        target = self.files / safe
        stem, suffix, tries = target.stem, target.suffix, 1
        while target.exists():
            tries += 1
            target = self.files / f"{stem}-{tries}{suffix}"
        target.write_bytes(data)
        return target

    def file_line(self, filename: str, data: bytes) -> str:
        """One line for an attachment, naming where it was saved."""
        saved = self.save(filename, data)
        size = f"{len(data):,} bytes"
        return f"[file] {filename} ({size})" + (f" saved to {saved}" if saved else "")

    def message(self, message: Mapping[str, Any], files: Iterable[tuple[str, bytes]], where: str) -> str:
        """A message the bot posted on its own (a reminder, a DM, a notice), headed by where it went."""
        stamp = self.now().astimezone(self.zone).strftime("%a %-d %b %Y %H:%M")
        lines = [f"--- {where} · {stamp} " + "-" * max(3, WIDTH - 10 - len(where) - len(stamp))]
        lines.extend(self._body(message, files, keep_controls=True))
        return "\n".join(lines)

    def _body(
        self, message: Mapping[str, Any], files: Iterable[tuple[str, bytes]], *, keep_controls: bool = False
    ) -> list[str]:
        lines: list[str] = []
        if message.get("content"):
            lines.append(self.text(str(message["content"])))
        for embed in message.get("embeds") or []:
            lines.append(self.embed(embed))
        lines.extend(self.file_line(name, data) for name, data in files)
        # A message without buttons leaves the last one's numbers as they were: a DM after a reminder, or the answer
        # to one of its buttons, after which `click 4` still presses the reminder's fourth.
        if message.get("components") or not keep_controls:
            controls = self.components(message.get("components") or [])
            if controls:
                lines.append(controls)
        return lines

    def reply(self, reply: Reply) -> str:
        """A whole answer: content, embeds, files, numbered buttons and menus."""
        lines: list[str] = []
        if reply.failure:
            return f"!! The interaction failed: {reply.failure}"
        if reply.modal is not None:
            return f"(a form opens: {reply.modal.get('title', '')})"
        message = reply.message or {}
        channel = message.get("channel_id")
        where = self.where(int(channel) if channel else None)
        lines.append("(only you can see this)" if reply.ephemeral else f"(posted in {where})")
        lines.extend(self._body(message, [(f.filename, f.data) for f in reply.files], keep_controls=True))
        return "\n".join(lines)

    def embed(self, embed: dict[str, Any]) -> str:
        """An embed as a framed block."""
        inner: list[str] = []
        if embed.get("title"):
            inner.append(f"** {self.text(embed['title'])} **")
        if embed.get("description"):
            inner.append(self.text(embed["description"]))
        for field in embed.get("fields") or []:
            inner.append("")
            inner.append(f"{self.text(field['name'])}:")
            inner.extend(f"  {line}" for line in self.text(field["value"]).splitlines())
        if embed.get("footer", {}).get("text"):
            inner.append("")
            inner.append(f"({self.text(embed['footer']['text'])})")
        bar = "+" + "-" * (WIDTH - 2) + "+"
        body = [
            f"| {piece}"
            for text in inner
            for line in (text.splitlines() or [""])
            for piece in (textwrap.wrap(line, WIDTH - 2, subsequent_indent=_indent(line)) or [""])
        ]
        return "\n".join([bar, *body, bar])

    def components(self, rows: list[dict[str, Any]]) -> str:
        """Number every button and select menu of a message, remembering them for ``click``/``select``."""
        self.controls = []
        out: list[str] = []
        for row in rows:
            for item in row.get("components") or []:
                if item.get("type") not in (2, 3):
                    continue
                self.controls.append(item)
                number = len(self.controls)
                dead = " (disabled)" if item.get("disabled") else ""
                if item["type"] == 2:
                    out.append(f"  [{number}] button: {item.get('label', '')}{dead}")
                else:
                    out.append(f"  [{number}] menu: {item.get('placeholder', 'choose')}{dead}")
                    for index, option in enumerate(item.get("options") or [], start=1):
                        detail = f" ({option['description']})" if option.get("description") else ""
                        out.append(f"        {index}. {option['label']}{detail}")
        return "\n".join(out)


class Console:
    """The prompt loop over a running stand-in and bot."""

    def __init__(
        self,
        standin: StandIn,
        *,
        role: str,
        out: TextIO,
        zone: ZoneInfo,
        interactive: bool,
        clock: Clock | None = None,
        advance: Callable[[timedelta], Awaitable[list[str]]] | None = None,
        files: Path | None = None,
    ) -> None:
        self.standin = standin
        self.user = USERS[role]
        self.role = role
        self.out = out
        self.clock = clock or SystemClock()
        self.started = self.clock.now()
        self.advance = advance
        self.files = files
        self.render = Renderer(zone, now=self.clock.now, names=self._name_of, files=files)
        self.interactive = interactive
        #: The message whose buttons ``click`` presses: the last answer, reminder or DM shown with any.
        self.last: Reply | StoredMessage | None = None
        self._session: PromptSession[str] | None = None
        self._form_session: PromptSession[str] | None = None
        standin.message_store.observers.append(self._posted)

    def _name_of(self, kind: str, snowflake: int) -> str | None:
        """The name a reader sees for a mentioned channel, role or user of the console's server."""
        guild = self.standin.resolve_guild(GUILD)
        if kind == "channel":
            channel = guild.channels.get(snowflake)
            return None if channel is None else channel.name
        if kind == "role":
            role = guild.roles.get(snowflake)
            return None if role is None else role.name
        user = self.standin.directory.users.get(snowflake)
        return None if user is None else (user.global_name or user.username)

    def _posted(self, message: StoredMessage, channel: Channel) -> None:
        """Print what the bot posts on its own (reminders, DMs, notices) as it arrives; answers print themselves."""
        if message.interaction_id is not None or message.ephemeral:
            return
        if int(message.data["author"]["id"]) != self.standin.directory.bot_user.id:
            return
        if channel.type == 1:
            recipient = self.standin.directory.users.get(channel.recipient_id or 0)
            where = f"DM to {recipient.username}" if recipient else "DM"
        else:
            where = f"#{channel.name}"
        self.say(self.render.message(message.data, [(f.filename, f.data) for f in message.files], where))
        if message.data.get("components"):
            self.last = message

    def close(self) -> None:
        """Stop printing what the bot posts."""
        if self._posted in self.standin.message_store.observers:
            self.standin.message_store.observers.remove(self._posted)

    @property
    def prompt(self) -> str:
        """The prompt, naming who you are."""
        return f"slatebot ({self.role})> "

    def say(self, text: str) -> None:
        """Print a block of output (at a terminal, above the prompt being typed at, which is drawn again below)."""
        print(text, file=sys.stdout if self.interactive else self.out, flush=True)

    async def handle(self, line: str) -> bool:
        """Run one typed line; returns False when the user asked to leave. Nothing a user types escapes from here."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        if not self.interactive:
            self.say(f"> {line}")
        word = line.split()[0].lower()
        try:
            if word in {"quit", "exit"}:
                return False
            if word == "help":
                self.say(self.help_text())
            elif word == "wait":
                await self.wait(line)
            elif word == "as":
                self.switch(line)
            elif word == "click":
                await self.click(line)
            elif word == "select":
                await self.select(line)
            elif line.startswith("/"):
                await self.command(line)
            else:
                self.say("Commands start with '/'. Type 'help' for what you can do.")
        except Interrupted:
            self.say("The form was cancelled; nothing was sent.")
        except InteractionFailed as exc:
            self.say(f"!! {exc}")
        except (ValueError, LookupError) as exc:
            self.say(f"?? {exc}")
        except Exception as exc:  # the session must outlive any one line
            log.debug("console line failed: %s", line, exc_info=True)
            self.say(f"!! That line could not be run ({type(exc).__name__}: {exc}).")
        return True

    def stamp(self, instant: datetime | None = None) -> str:
        """A moment by the console's clock, as a Londoner reads it: ``Monday 14 April 2025 09:00``."""
        return (instant or self.clock.now()).astimezone(self.render.zone).strftime("%A %-d %B %Y %H:%M")

    def help_text(self) -> str:
        """The help, with the clock and the files folder filled in."""
        files = str(self.files) if self.files else "no folder (files are only listed)"
        return HELP.format(who=self.role, now=self.stamp(), start=self.stamp(self.started), files=files)

    async def wait(self, line: str) -> None:
        """``wait 7d``: move the clock on; what falls due on the way is posted, and printed as it arrives."""
        text = line.split(maxsplit=1)[1] if len(line.split()) > 1 else ""
        delta = parse_duration(text)
        if self.advance is None:
            raise ValueError("this console's clock cannot be moved")
        fired = await self.advance(delta)
        done = f"{len(fired)} reminder(s) fell due on the way" if fired else "nothing fell due on the way"
        self.say(f"It is now {self.stamp()} ({done}).")

    def switch(self, line: str) -> None:
        """``as member`` or ``as organiser``."""
        parts = line.split()
        if len(parts) != 2 or parts[1] not in USERS:
            self.say("Say 'as member' or 'as organiser'.")
            return
        self.role, self.user = parts[1], USERS[parts[1]]
        self.say(f"You are now the {self.role} ({self.user}).")

    def _commands(self) -> list[dict[str, Any]]:
        """The slash commands a user can run here, guild ones first, one per name, by name."""
        guild = self.standin.resolve_guild(GUILD)
        found: dict[str, dict[str, Any]] = {}
        for cmd in guild.commands + self.standin.global_commands:
            if int(cmd.get("type") or 1) == 1:
                found.setdefault(str(cmd["name"]), cmd)
        return [found[name] for name in sorted(found)]

    def _find(self, name: str) -> dict[str, Any] | None:
        """The slash command called ``name``, if there is one."""
        return next((c for c in self._commands() if c["name"] == name), None)

    def _check(self, line: str) -> None:
        """Refuse an unknown command, and a ``word:`` that is not an option of the command, before running it."""
        words = line.removeprefix("/").split()
        if not words:
            raise ValueError("Type a command name after '/', such as /ballot (Tab lists them).")
        node = self._find(words[0])
        if node is None:
            names = ", ".join(f"/{c['name']}" for c in self._commands())
            raise LookupError(f"There is no /{words[0]}. The commands are: {names}.")
        path, used = [words[0]], 1
        while used < len(words):
            subs = {str(s["name"]): s for s in _subcommands(node)}
            if words[used] not in subs:
                break
            node = subs[words[used]]
            path.append(words[used])
            used += 1
        if _subcommands(node):
            return  # the stand-in says which subcommands there are
        rest = re.sub(r"^\s*" + r"\S+\s*" * used, "", line.removeprefix("/"))
        option_names = [str(o["name"]) for o in _parameters(node)]
        wrong = unknown_option(rest, option_names)
        if wrong is not None:
            known = f"Its options: {', '.join(option_names)}." if option_names else "It takes no options."
            raise ValueError(f"/{' '.join(path)} has no option '{wrong}'. {known}")

    async def command(self, line: str) -> None:
        """Invoke a slash command (reading any attachment option from a file path)."""
        self._check(line)
        guild = self.standin.resolve_guild(GUILD)
        path, leaf, values = self.standin.interactions.parse_line(line, guild)
        for option in leaf.get("options") or []:
            name = str(option["name"])
            if option.get("type") == _ATTACHMENT and isinstance(values.get(name), str):
                values[name] = _read_attachment(name, values[name])
        reply = await self.standin.invoke(path, options=values, user=self.user, wait_for_followup=True)
        await self.show(reply)

    async def show(self, reply: Reply) -> None:
        """Print an answer and, if it is a form, fill it in."""
        if reply.modal is not None:
            await self.fill(reply.modal)
            return
        self.say(self.render.reply(reply))
        if reply.components:
            self.last = reply

    async def fill(self, modal: dict[str, Any]) -> None:
        """Ask for each field of a form, then submit it; Ctrl-C (``Interrupted``) drops the whole form."""
        self.say(f"Form: {modal.get('title', '')}")
        values: dict[str, str] = {}
        for row in modal.get("components") or []:
            for field in row.get("components") or []:
                current = str(field.get("value") or "")
                self.say(f"{field.get('label', field['custom_id'])}")
                if current:
                    self.say(f"  (now {len(current):,} characters: {current[:70]!r}…; an empty line keeps it)")
                self.say("  Type the text; end with a line holding only '.'" + (" (Ctrl-C cancels)" * self.interactive))
                lines: list[str] = []
                while True:
                    text = await self._read("  | ", form=True)
                    if text is None or text.strip() == ".":
                        break
                    lines.append(text)
                values[str(field["custom_id"])] = "\n".join(lines) if lines else current
        reply = await self.standin.submit_modal(str(modal["custom_id"]), values, user=self.user)
        await self.show(reply)

    def _control(self, number: str, kind: int) -> dict[str, Any]:
        if self.last is None or not self.render.controls:
            raise ValueError("there is nothing to click: run a command that shows buttons first")
        index = int(number) - 1
        if not 0 <= index < len(self.render.controls):
            raise ValueError(f"choose a number from 1 to {len(self.render.controls)}")
        item = self.render.controls[index]
        if item.get("type") != kind:
            raise ValueError(f"[{number}] is a {'button' if item.get('type') == 2 else 'menu'}")
        return item

    async def click(self, line: str) -> None:
        """``click N``: press a button of the last message."""
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit():
            raise ValueError("say 'click N' with the button's number")
        item = self._control(parts[1], 2)
        assert self.last is not None  # noqa: S101 - checked by _control
        reply = await self.standin.click(self.last, str(item["custom_id"]), user=self.user, wait_for_followup=True)
        await self._after_component(reply)

    async def select(self, line: str) -> None:
        """``select N M``: choose option M of menu N of the last message."""
        parts = line.split()
        if len(parts) < 3 or not all(p.isdigit() for p in parts[1:]):
            raise ValueError("say 'select N M' with the menu's number and the option's number")
        item = self._control(parts[1], 3)
        options = item.get("options") or []
        chosen = []
        for number in parts[2:]:
            index = int(number) - 1
            if not 0 <= index < len(options):
                raise ValueError(f"menu [{parts[1]}] has options 1 to {len(options)}")
            chosen.append(str(options[index]["value"]))
        assert self.last is not None  # noqa: S101 - checked by _control
        reply = await self.standin.select(self.last, str(item["custom_id"]), chosen, user=self.user)
        await self._after_component(reply)

    async def _after_component(self, reply: Reply) -> None:
        if reply.callback_type == 7:
            # The message itself was updated (a page turned): show it again, keep it as the one to click.
            self.say(self.render.reply(reply))
            return
        await self.show(reply)

    async def _read(self, prompt: str, *, form: bool = False) -> str | None:
        """
        One line from the user; None at the end of input (Ctrl-D).

        At a terminal, prompt_toolkit on this event loop (so completions can run interactions); Ctrl-C raises
        ``Interrupted``. Otherwise, plain lines from standard input.
        """
        if not self.interactive:
            text = await asyncio.to_thread(sys.stdin.readline)
            return None if text == "" else text.rstrip("\n")
        if form:
            self._form_session = self._form_session or PromptSession(history=InMemoryHistory())
            session = self._form_session
        else:
            self._session = self._session or PromptSession(
                completer=LineCompleter(self), complete_while_typing=False, history=InMemoryHistory()
            )
            session = self._session
        try:
            # What the bot posts while a line is being typed (a reminder falling due) prints above the prompt.
            with patch_stdout(raw=True):
                return await session.prompt_async(prompt)
        except EOFError:
            return None
        except KeyboardInterrupt:
            raise Interrupted from None

    async def suggestions(self, text: str) -> list[Suggestion]:
        """
        Tab completions for the text before the cursor; each replaces only the word or value being typed.

        Command names, subcommands and option names from the synced commands; an option's value from the bot's own
        autocomplete (through a real autocomplete interaction), from its choices, or true/false.
        """
        if not text.startswith("/"):
            return self._keyword_suggestions(text)
        command = re.match(r"/(\S*)", text)
        assert command is not None  # noqa: S101 - the text starts with '/'
        if command.end() == len(text):
            return [
                Suggestion(f"/{c['name']} ", -len(text), f"/{c['name']}", str(c.get("description") or ""))
                for c in self._commands()
                if str(c["name"]).startswith(command.group(1))
            ]
        node = self._find(command.group(1))
        if node is None:
            return []
        path, pos = [str(node["name"])], command.end()
        while subs := _subcommands(node):
            word = re.match(r"\s+(\S*)", text[pos:])
            if word is None:
                return []
            if pos + word.end() == len(text):
                return [
                    Suggestion(f"{s['name']} ", -len(word.group(1)), str(s["name"]), str(s.get("description") or ""))
                    for s in subs
                    if str(s["name"]).startswith(word.group(1))
                ]
            named = next((s for s in subs if s["name"] == word.group(1)), None)
            if named is None:
                return []
            node, pos = named, pos + word.end()
            path.append(str(node["name"]))
        return await self._option_suggestions(path, node, text[pos:])

    def _keyword_suggestions(self, text: str) -> list[Suggestion]:
        """The console's own words (help, click, ...), and who to be after ``as``."""
        if text.startswith("as ") and " " not in text[3:]:
            word = text[3:]
            return [Suggestion(r, -len(word), r) for r in USERS if r.startswith(word)]
        if " " in text:
            return []
        return [Suggestion(f"{k} ", -len(text), k) for k in KEYWORDS if k.startswith(text)]

    async def _option_suggestions(self, path: list[str], leaf: dict[str, Any], rest: str) -> list[Suggestion]:
        """Option names not given yet, and values for the option being typed."""
        options = {str(o["name"]): o for o in _parameters(leaf)}
        if not options:
            return []
        pattern = re.compile(
            r"(?<!\S)(" + "|".join(re.escape(n) for n in sorted(options, key=len, reverse=True)) + "):"
        )
        found = list(pattern.finditer(rest))
        given = {m.group(1) for m in found}
        last_word = re.search(r"\S*$", rest)
        word = last_word.group(0) if last_word else ""
        out: list[Suggestion] = []
        offer_names = True
        if found:
            current = found[-1]
            raw = rest[current.end() :]
            value = raw.lstrip()
            # A single word straight after "name:" is that option's value, not the start of another option's name.
            offer_names = bool(value) and (value != word)
            others = {
                m.group(1): rest[m.end() : (found[i + 1].start() if i + 1 < len(found) else len(rest))].strip()
                for i, m in enumerate(found[:-1])
            }
            lead = "" if raw[:1].isspace() else " "
            for text, display in await self._values(path, options[current.group(1)], value, others):
                out.append(Suggestion(lead + text, -len(value), display))
        if offer_names:
            free = [o for name, o in options.items() if name not in given]
            start = -len(word)
            out.extend(
                Suggestion(f"{o['name']}: ", start, f"{o['name']}:", str(o.get("description") or ""))
                for o in free
                if str(o["name"]).startswith(word)
            )
        return out

    async def _values(
        self, path: list[str], option: dict[str, Any], value: str, others: dict[str, str]
    ) -> list[tuple[str, str]]:
        """Values for one option as (text to insert, what the menu shows)."""
        name = str(option["name"])
        if option.get("autocomplete"):
            try:
                choices = await self.standin.autocomplete(path, name, value, options=others, user=self.user)
            except ValueError:  # another option's value does not read: ask with this one alone
                choices = await self.standin.autocomplete(path, name, value, user=self.user)
            return [(str(c["value"]), str(c["name"])) for c in choices]
        low = value.strip().lower()
        if option.get("choices"):
            names = [str(c["name"]) for c in option["choices"]]
            return [(n, n) for n in _ranked(names, low)]
        if option.get("type") == _BOOLEAN:
            return [(v, v) for v in ("true", "false") if v.startswith(low)]
        if option.get("type") == _ATTACHMENT:
            files = PathCompleter(expanduser=True).get_completions(Document(value), CompleteEvent())
            return [(value[: len(value) + c.start_position] + c.text, c.display_text) for c in files]
        return []

    async def loop(self) -> None:
        """Read and run lines until quit or end of input."""
        if self.interactive:
            self.say(
                f"Slatebot console: you are the {self.role}. Type 'help', or a command such as /ballot "
                "(Tab completes; Ctrl-D leaves)."
            )
        while True:
            try:
                line = await self._read(self.prompt)
            except Interrupted:
                continue  # Ctrl-C: the line is dropped, a new prompt follows
            if line is None or not await self._run(line):
                break

    async def _run(self, line: str) -> bool:
        """Run one line; at a terminal, Ctrl-C while it runs stops that command and keeps the session."""
        if not self.interactive:
            return await self.handle(line)
        job = asyncio.ensure_future(self.handle(line))
        loop = asyncio.get_running_loop()

        def interrupt(signum: int, frame: FrameType | None) -> None:
            loop.call_soon_threadsafe(job.cancel)

        previous = signal.getsignal(signal.SIGINT)
        signal.signal(signal.SIGINT, interrupt)
        try:
            await asyncio.wait({job})
        finally:
            signal.signal(signal.SIGINT, previous)
            job.cancel()
        if job.cancelled():
            self.say("Stopped (Ctrl-C).")
            return True
        return job.result()


class LineCompleter(Completer):
    """prompt_toolkit's view of the console's completions; they run interactions, so they are asynchronous."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        """No synchronous completions: everything comes from ``get_completions_async``."""
        return []

    async def get_completions_async(
        self, document: Document, complete_event: CompleteEvent
    ) -> AsyncGenerator[Completion, None]:
        """Completions that replace only the word or value being typed, never what came before it."""
        try:
            found = await self.console.suggestions(document.text_before_cursor)
        except Exception:  # completing must never break the prompt
            log.debug("completion failed for %r", document.text_before_cursor, exc_info=True)
            return
        for item in found:
            yield Completion(item.text, start_position=item.start, display=item.display, display_meta=item.meta)


def parse_duration(text: str) -> timedelta:
    """``30m``, ``2h``, ``1d``, ``1w`` (or several: ``1d12h``) as a length of time; ``ValueError`` saying how."""
    cleaned = text.strip().lower().replace(" ", "")
    parts = _DURATION.findall(cleaned)
    if not cleaned or "".join(f"{n}{u}" for n, u in parts) != cleaned:
        raise ValueError("say how long to wait, such as 'wait 30m', 'wait 2h', 'wait 1d' or 'wait 1w'")
    delta = timedelta(seconds=sum(int(n) * _UNITS[u] for n, u in parts))
    if delta <= timedelta(0):
        raise ValueError("wait for some time: 'wait 30m', 'wait 1d'")
    if delta > timedelta(days=366):
        raise ValueError("wait at most a year at a time")
    return delta


def parse_start(text: str, zone: ZoneInfo) -> datetime:
    """``--at "YYYY-MM-DD HH:MM"``, a wall time in ``zone``, as an aware instant; ``ValueError`` saying how."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})", text.strip())
    try:
        if match is None:
            raise ValueError
        day, at = date.fromisoformat(match.group(1)), dt_time.fromisoformat(match.group(2))
    except ValueError:
        raise ValueError(f'--at wants "YYYY-MM-DD HH:MM" (such as "2025-05-19 08:00"), not {text!r}') from None
    return datetime.combine(day, at, tzinfo=zone)


def _ranked(names: Iterable[str], typed: str) -> list[str]:
    """The names containing what was typed, those starting with it first."""
    starts = [n for n in names if n.lower().startswith(typed)]
    return starts + [n for n in names if typed in n.lower() and n not in starts]


def _read_attachment(option: str, raw: str) -> tuple[str, bytes]:
    """An attachment option's file, read from the path typed; a clear ``ValueError`` when it cannot be."""
    if not raw.strip():
        raise ValueError(f"Give the path of a file for {option}:")
    file = Path(raw).expanduser()
    if file.is_dir():
        raise ValueError(f"{raw} is a folder, not a file.")
    if not file.exists():
        raise ValueError(f"No such file: {raw}")
    try:
        return file.name, file.read_bytes()
    except OSError as exc:
        raise ValueError(f"Cannot read {raw}: {exc.strerror or exc}") from None


async def _serve(
    settings: Settings, *, database_url: str | None, role: str, interactive: bool, at: str | None = None
) -> int:
    from bot.app import SlateBot
    from bot.endpoint import point_discord_at, reset_discord_endpoints
    from bot.services.container import Services
    from bot.settings import POSTGRES_PREFIXES, database_path
    from storage.database import Database

    zone = ZoneInfo(settings.default_timezone)
    clock = OffsetClock(parse_start(at or DEFAULT_START, zone))
    with tempfile.TemporaryDirectory(prefix="slatebot-console-") as scratch:
        path: Path | str
        if database_url is None:
            path = Path(scratch) / "console.db"
        elif database_url.startswith(POSTGRES_PREFIXES):
            path = database_url
        else:
            path = database_path(database_url)
        files = Path(tempfile.mkdtemp(prefix="slatebot-files-"))
        standin = _sample_server()
        await standin.start()
        point_discord_at(standin.api_base)
        db = await Database.open(path)
        services = Services.build(db, clock, default_timezone=settings.default_timezone)
        sample = database_url is None and SAMPLE.is_file()
        if sample:
            await services.transfer.import_text(GUILD, 0, SAMPLE.read_text(encoding="utf-8"), filename=SAMPLE.name)
            # Ready to watch: reminders in #reminders pinging @Members, and the member subscribed to DMs.
            await services.guilds.set_reminder_channel(GUILD, 0, REMINDERS_CHANNEL, MEMBERS_ROLE)
            await services.privacy.subscribe(GUILD, ACTIVIST_ID)
        bot_settings = settings.model_copy(
            # One process, one local Discord, every guild: whatever shards the environment names for `run`.
            update={
                "discord_api_base": standin.api_base,
                "dev_guild_id": GUILD,
                "discord_token": None,
                "shard_count": None,
                "shard_ids": None,
            }
        )
        bot = SlateBot(bot_settings, services, guild_ready_timeout=0.05)
        zone = ZoneInfo((await services.guilds.get(GUILD)).timezone)
        console = Console(
            standin,
            role=role,
            out=sys.stdout,
            zone=zone,
            interactive=interactive,
            clock=clock,
            advance=lambda delta: _scheduler(bot).advance(delta),
            files=files,
        )
        console.say(
            f"The console's clock starts at {console.stamp()} ({zone.key}) and runs on from there; "
            "'wait 1d' moves it on a day, posting whatever falls due.\n"
            f"Files the bot sends are saved in {files}"
        )
        if not sample and not await services.transfer.has_data(GUILD):
            console.say(f"This database has no campaign yet. Load the sample with:\n  /organise import file: {SAMPLE}")
        task = asyncio.create_task(bot.start(standin.token))
        started = time.monotonic()
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 30)
            await standin.wait_until_ready(30)
            log.info("Console ready in %.1f s", time.monotonic() - started)
            # What fell due at the start (a reminder of that very morning) is printed before the first prompt.
            await _scheduler(bot).settle(60)
            await console.loop()
        finally:
            console.close()
            with contextlib.suppress(Exception):
                # A reminder being posted as the user leaves is finished first, rather than cut off mid-DM.
                await _scheduler(bot).settle(10)
            await bot.close()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            await db.close()
            await standin.stop()
            reset_discord_endpoints()
    return 0


def _scheduler(bot: "SlateBot") -> "ReminderScheduler":
    """The running bot's reminder scheduler (the console moves its clock)."""
    cog = bot.get_cog("Reminders")
    scheduler = getattr(cog, "scheduler", None)
    if scheduler is None:
        raise ValueError("the bot's reminders are not running yet")
    return cast("ReminderScheduler", scheduler)


def _sample_server() -> StandIn:
    """The local Discord with the console's server: #general, #reminders, and the Organiser and Members roles."""
    standin = StandIn(default_guild=False)
    standin.add_guild(
        GUILD,
        "Slate HQ",
        channels=[
            {"id": DEFAULT_CHANNEL_ID, "name": "general"},
            {"id": REMINDERS_CHANNEL, "name": "reminders", "topic": "Ballot reminders from Slatebot"},
        ],
        roles=[
            {"id": DEFAULT_ORGANISER_ROLE_ID, "name": "Organiser", "permissions": Perm.MANAGE_GUILD},
            {"id": MEMBERS_ROLE, "name": "Members", "mentionable": True},
        ],
        members=[
            {"id": ACTIVIST_ID, "username": "activist", "roles": ["Members"]},
            {"id": ORGANISER_ID, "username": "organiser", "roles": ["Organiser", "Members"]},
        ],
    )
    return standin


def run_console(
    settings: Settings, *, database_url: str | None = None, role: str = "organiser", at: str | None = None
) -> int:
    """Start the stand-in and the real bot, then read commands until quit; returns the exit code."""
    # prompt_toolkit needs a terminal on both sides; anything else is read line by line.
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    # The console shows what Discord received; library chatter (voice support, the stand-in's notes on keys
    # Discord ignores) would only get in the way. Real problems (errors) still print.
    for name in ("discord", "standin"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if settings.log_level != "DEBUG":
        logging.getLogger().setLevel(logging.WARNING)
    spec = default_spec_path()
    if spec is not None and spec.exists() and not body_checks_installed():
        # Only worth a word when the spec is here and could be used: a new user has neither, and needs neither.
        # The stand-in's own warning is silenced above with the rest of its chatter; this one line is not.
        print("Request bodies are not checked against Discord's spec: jsonschema is not installed.", file=sys.stderr)
    try:
        if at is not None:
            parse_start(at, ZoneInfo(settings.default_timezone))  # a bad --at is one line, before anything starts
        return asyncio.run(_serve(settings, database_url=database_url, role=role, interactive=interactive, at=at))
    except KeyboardInterrupt:
        return 130
