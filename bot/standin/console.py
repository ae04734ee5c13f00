"""
``slatebot console``: the real bot against the local Discord, driven from a terminal.

Type a slash command as you would in Discord (``/candidate name: Tom Barker``) and read the answer as text:
embeds are framed, ephemeral answers marked, buttons and select menus numbered so ``click 2`` and
``select 1 3`` work, and a form (modal) asks for its fields one by one. Tab completes command names and, through
real autocomplete interactions, option values. With input that is not a terminal, commands are read line by line
and the answers printed, which is how the tests and the README's demo use it.
"""

import asyncio
import contextlib
import logging
import re
import shlex
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.clock import SystemClock
from bot.settings import Settings
from bot.standin.interactions import InteractionFailed, Reply
from bot.standin.server import StandIn

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "nec_2025.yaml"
GUILD = 1000
USERS = {"member": "activist", "organiser": "organiser"}
HELP = """\
Type a slash command as in Discord, options as 'name: value':
  /candidate name: Tom Barker
  /howtovote region: East Midlands service_group: Health groups: Young members
  /organise election add name: NEC 2027
  /organise import file: examples/nec_2025.yaml dry_run: true     (a file path for an attachment)
Then:
  click N            press button N of the last message
  select N M [M..]   choose option(s) M of select menu N
  as member|organiser  switch who you are (now: {who})
  help               this text
  quit               leave (Ctrl-D works too)"""
WIDTH = 78
_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")


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

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.controls: list[dict[str, Any]] = []

    def text(self, value: str) -> str:
        """User-visible text with timestamps made readable."""
        return human_time(value, self.zone)

    def reply(self, reply: Reply) -> str:
        """A whole answer: content, embeds, files, numbered buttons and menus."""
        lines: list[str] = []
        if reply.failure:
            return f"!! The interaction failed: {reply.failure}"
        if reply.modal is not None:
            return f"(a form opens: {reply.modal.get('title', '')})"
        message = reply.message or {}
        marker = "(only you can see this)" if reply.ephemeral else "(posted in #general)"
        lines.append(marker)
        if message.get("content"):
            lines.append(self.text(str(message["content"])))
        for embed in message.get("embeds") or []:
            lines.append(self.embed(embed))
        for file in reply.files:
            lines.append(f"[file] {file.filename} ({file.size:,} bytes)")
        controls = self.components(message.get("components") or [])
        if controls:
            lines.append(controls)
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

    def __init__(self, standin: StandIn, *, role: str, out: TextIO, zone: ZoneInfo, interactive: bool) -> None:
        self.standin = standin
        self.user = USERS[role]
        self.role = role
        self.out = out
        self.render = Renderer(zone)
        self.interactive = interactive
        self.last: Reply | None = None
        self.read_line: Callable[[str], str] = input

    def say(self, text: str) -> None:
        """Print a block of output."""
        print(text, file=self.out, flush=True)

    async def handle(self, line: str) -> bool:
        """Run one typed line; returns False when the user asked to leave."""
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
                self.say(HELP.format(who=self.role))
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
        except InteractionFailed as exc:
            self.say(f"!! {exc}")
        except (ValueError, LookupError) as exc:
            self.say(f"?? {exc}")
        return True

    def switch(self, line: str) -> None:
        """``as member`` or ``as organiser``."""
        parts = line.split()
        if len(parts) != 2 or parts[1] not in USERS:
            self.say("Say 'as member' or 'as organiser'.")
            return
        self.role, self.user = parts[1], USERS[parts[1]]
        self.say(f"You are now the {self.role} ({self.user}).")

    async def command(self, line: str) -> None:
        """Invoke a slash command (reading any attachment option from a file path)."""
        guild = self.standin.resolve_guild(GUILD)
        path, leaf, values = self.standin.interactions.parse_line(line, guild)
        for option in leaf.get("options") or []:
            name = str(option["name"])
            if option.get("type") == 11 and isinstance(values.get(name), str):
                file = Path(values[name]).expanduser()
                values[name] = (file.name, file.read_bytes())
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
        """Ask for each field of a form, then submit it."""
        self.say(f"Form: {modal.get('title', '')}")
        values: dict[str, str] = {}
        for row in modal.get("components") or []:
            for field in row.get("components") or []:
                current = str(field.get("value") or "")
                self.say(f"{field.get('label', field['custom_id'])}")
                if current:
                    self.say(f"  (now {len(current):,} characters: {current[:70]!r}…; an empty line keeps it)")
                self.say("  Type the text; end with a line holding only '.'")
                lines: list[str] = []
                while True:
                    text = await self._read("  | ")
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
        reply = await self.standin.click(self.last, str(item["custom_id"]), user=self.user)
        await self._after_component(reply)

    async def select(self, line: str) -> None:
        """``select N M``: choose option M of menu N of the last message."""
        parts = shlex.split(line)
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

    async def _read(self, prompt: str) -> str | None:
        if self.interactive:
            try:
                return await asyncio.to_thread(self.read_line, prompt)
            except EOFError:
                return None
        text = await asyncio.to_thread(sys.stdin.readline)
        return None if text == "" else text.rstrip("\n")

    async def completions(self, buffer: str) -> list[str]:
        """
        Whole-line completions for what has been typed so far.

        Command names from the synced commands; an option's value from the bot's own autocomplete, asked for
        through a real autocomplete interaction.
        """
        guild = self.standin.resolve_guild(GUILD)
        if not buffer.startswith("/") or " " not in buffer.strip():
            names = {f"/{c['name']}" for c in guild.commands + self.standin.global_commands}
            return sorted(n for n in names if n.startswith(buffer.strip()))
        focused = re.search(r"(\w[\w-]*):\s*([^:]*)$", buffer)
        if focused is None:
            return []
        path, _, values = self.standin.interactions.parse_line(buffer[: focused.start()].rstrip(), guild)
        choices = await self.standin.autocomplete(
            path, focused.group(1), focused.group(2), options=values, user=self.user
        )
        head = buffer[: focused.start(2)]
        return [head + str(c["value"]) for c in choices]

    async def loop(self) -> None:
        """Read and run lines until quit or end of input."""
        if self.interactive:
            self.say(f"Slatebot console: you are the {self.role}. Type 'help', or a command such as /ballot.")
        while True:
            line = await self._read("slatebot> ")
            if line is None or not await self.handle(line):
                break


def _install_completion(console: Console, loop: asyncio.AbstractEventLoop) -> None:
    """Tab completion of command names and, through real autocomplete interactions, option values."""
    try:
        import readline
    except ImportError:  # pragma: no cover - not on every platform
        return

    cache: list[str] = []

    def complete(text: str, state: int) -> str | None:
        # readline calls this from the input thread; the interactions run on the bot's loop.
        if state == 0:
            buffer = readline.get_line_buffer()
            try:
                full = asyncio.run_coroutine_threadsafe(console.completions(buffer), loop).result(timeout=3)
            except Exception:  # completion must never break the prompt
                full = []
            start = len(buffer) - len(text)
            cache[:] = [c[start:] for c in full if c.startswith(buffer[:start])]
        return cache[state] if state < len(cache) else None

    readline.set_completer_delims("")
    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")


async def _serve(settings: Settings, *, database_url: str | None, role: str, interactive: bool) -> int:
    from bot.app import SlateBot
    from bot.endpoint import point_discord_at, reset_discord_endpoints
    from bot.services.container import Services
    from bot.settings import database_path
    from storage.database import Database

    with tempfile.TemporaryDirectory(prefix="slatebot-console-") as scratch:
        path = database_path(database_url) if database_url else Path(scratch) / "console.db"
        standin = StandIn()
        await standin.start()
        point_discord_at(standin.api_base)
        db = await Database.open(path)
        services = Services.build(db, SystemClock(), default_timezone=settings.default_timezone)
        if database_url is None and SAMPLE.exists():
            await services.transfer.import_text(GUILD, 0, SAMPLE.read_text(encoding="utf-8"), filename=SAMPLE.name)
        bot_settings = settings.model_copy(
            update={"discord_api_base": standin.api_base, "dev_guild_id": GUILD, "discord_token": None}
        )
        bot = SlateBot(bot_settings, services, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(standin.token))
        started = time.monotonic()
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 30)
            await standin.wait_until_ready(30)
            log.info("Console ready in %.1f s", time.monotonic() - started)
            zone = ZoneInfo((await services.guilds.get(GUILD)).timezone)
            console = Console(standin, role=role, out=sys.stdout, zone=zone, interactive=interactive)
            if interactive:
                _install_completion(console, asyncio.get_running_loop())
            await console.loop()
        finally:
            await bot.close()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            await db.close()
            await standin.stop()
            reset_discord_endpoints()
    return 0


def run_console(settings: Settings, *, database_url: str | None = None, role: str = "organiser") -> int:
    """Start the stand-in and the real bot, then read commands until quit; returns the exit code."""
    interactive = sys.stdin.isatty()
    # The console shows what Discord received; library chatter (voice support, the stand-in's notes on keys
    # Discord ignores) would only get in the way. Real problems (errors) still print.
    for name in ("discord", "bot.standin"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if settings.log_level != "DEBUG":
        logging.getLogger().setLevel(logging.WARNING)
    try:
        return asyncio.run(_serve(settings, database_url=database_url, role=role, interactive=interactive))
    except KeyboardInterrupt:
        return 130
