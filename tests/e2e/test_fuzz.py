"""
Fuzzing every registered command through the local Discord, as a member and as an organiser.

Inputs come from a seeded generator (``tests/hardening_helpers.py``; the seed is printed, and
``SLATEBOT_FUZZ_SEED`` replays another run): mentions, markdown, invisible and right-to-left characters,
6,000-character strings, emoji, SQL-ish text, impossible dates, offsets and time zones, out-of-range numbers,
values outside an option's choices (sent as a crafted client would), and odd attachments.

Every interaction must be answered in Discord's window, never show a traceback or an exception's name,
never fall through to the generic apology, never let a mention ping anyone, and stay within Discord's contract.
A refusal changes nothing: as a member on ``/organise`` and on every reading command the database must be
exactly as before.
"""

import asyncio
import logging
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import text as text_module
from bot.domain.dates import parse_date, parse_offsets, parse_time, parse_timezone
from bot.domain.text import resolve
from bot.errors import UserError
from bot.services._validate import clean_name, clean_text
from standin.interactions import RESPONSE_WINDOW, PendingInteraction, Reply
from tests.e2e.conftest import ACTIVIST, GUILD, ORGANISER, World
from tests.hardening_helpers import (
    ATOMS,
    DATES,
    INTEGERS,
    LONG,
    OFFSETS,
    POINTS,
    TIMES,
    TIMEZONES,
    append_report,
    fuzz_seed,
    is_apology,
    leaks,
    mention_problem,
    nasty_string,
    perturb,
)

#: The async tests share the module's bot (the sync property test needs no loop).
on_the_bot = pytest.mark.asyncio(loop_scope="module")

ROOT = Path(__file__).resolve().parents[2]
#: Cases per registered command (each run as a member and as an organiser).
CASES_PER_COMMAND = 6
#: Reading commands run again at the end, over the nasty names the organisers' cases stored.
REREADS = 3
#: How long after Discord refused an answer the bot still has to send a valid one.
GRACE = 0.5
#: Nasty values typed into each autocomplete option.
AUTOCOMPLETE_TRIES = 3
#: Tables the bot writes in the background (scheduled events, the reminder ledger, the synced tree's hash).
BACKGROUND_TABLES = ("scheduled_events", "reminders_sent", "bot_state")
#: Commands whose second step destroys data: only the question is asked (and then cancelled).
CONFIRMED = {("organise", "election", "remove"), ("organise", "seat", "remove"), ("organise", "candidate", "remove")}
#: Member commands that write (opting in or out of reminders, "I've posted my ballot", "no paper yet"); every
#: other member command only reads.
MEMBER_WRITES = {("reminders", "subscribe"), ("reminders", "unsubscribe"), ("voted",), ("replacement",)}


# --------------------------------------------------------------------------------------------- inputs


def _yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def attachments(rng: random.Random) -> list[tuple[str, bytes]]:
    """Import files a careless or hostile organiser might upload."""
    name = nasty_string(rng)[:80] or "x"
    nasty_yaml = (
        "format: 1\nelections:\n"
        f"  - name: {_yaml_quote('Fuzz ' + name)}\n"
        "    seats:\n"
        f"      - name: {_yaml_quote('Seat ' + nasty_string(rng)[:60])}\n"
        "        electorate_type: national\n"
        f"        electorate: {_yaml_quote(nasty_string(rng)[:60] or 'All')}\n"
        "        candidates:\n"
        f"          - name: {_yaml_quote('Person ' + nasty_string(rng)[:60])}\n"
        f"            statement: {_yaml_quote(nasty_string(rng))}\n"
    )
    small_alias = (
        'format: 1\nx0: &a0 ["lol"]\nx1: &a1 [*a0, *a0, *a0]\nx2: &a2 [*a1, *a1, *a1]\nelections:\n  - name: *a2\n'
    )
    return [
        ("nasty.yaml", nasty_yaml.encode()),
        ("nasty.csv", f"record,election,name\nelection,{name.replace(',', ' ')},x\n".encode()),
        ("empty.yaml", b""),
        ("bom.csv", b"\xef\xbb\xbf"),
        ("binary.yaml", bytes(rng.randrange(256) for _ in range(512))),
        ("latin1.csv", "record,name\nelection,Zo\xeb".encode("latin-1")),
        ("future.yaml", b"format: 99\n"),
        ("list.yaml", b"- 1\n- 2\n"),
        ("scalar.yaml", b"42"),
        ("tags.yaml", b"format: 1\nelections: !!python/object/apply:os.system ['true']\n"),
        ("alias.yaml", small_alias.encode()),
        ("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n"),
        ("noext", b"format: 1\n"),
        ("deep.yaml", ("format: 1\nelections: " + "[" * 500 + "]" * 500 + "\n").encode()),
        ("dates.yaml", b"format: 1\nelections:\n  - name: Dates\n    timetable:\n      ballot_open: 0000-00-00\n"),
    ]


@dataclass
class Pools:
    """Real names from the guild, to mangle (so deeper code runs than a plain 'not found')."""

    elections: list[str]
    seats: list[str]
    candidates: list[str]
    slates: list[str]
    regions: list[str]
    service_groups: list[str]
    groups: list[str]

    @classmethod
    async def of(cls, world: World) -> "Pools":
        repos = world.services.repos
        seats = await repos.seats.all(GUILD)

        def electorates(kind: str) -> list[str]:
            return sorted({s.electorate for s in seats if s.electorate_type.value == kind}) or ["Nowhere"]

        return cls(
            elections=[e.name for e in await world.services.elections.all(GUILD)],
            seats=[s.name for s in seats],
            candidates=sorted({c.name for c in await repos.candidates.all(GUILD)}),
            slates=["Time for Real Change", "Members First", "none", "independent"],
            regions=electorates("region"),
            service_groups=electorates("service_group"),
            groups=electorates("group"),
        )

    def for_option(self, path: tuple[str, ...], name: str) -> list[str] | None:
        """The real names an option takes, if it names a thing."""
        if name == "name" and path in {("candidate",)}:
            return self.candidates
        if name == "name" and path in {("seat",)}:
            return self.seats
        if name == "name" and path == ("organise", "settings", "slate"):
            return self.slates
        return {
            "election": self.elections,
            "seat": self.seats,
            "candidate": self.candidates,
            "slate": self.slates,
            "region": self.regions,
            "service_group": self.service_groups,
            "groups": self.groups,
        }.get(name)


@dataclass
class Case:
    """One command with its option values; ``raw`` values replace the client's in the payload."""

    path: tuple[str, ...]
    options: dict[str, Any]
    raw: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        def show(value: object) -> str:
            text = repr(value if not isinstance(value, tuple) else (value[0], f"<{len(value[1])} bytes>"))
            return text if len(text) <= 120 else f"{text[:100]}…({len(text)} chars)"

        opts = ", ".join(f"{k}={show(v)}" for k, v in {**self.options, **self.raw}.items())
        return f"/{' '.join(self.path)} {opts}".rstrip()


def string_value(rng: random.Random, pools: Pools, path: tuple[str, ...], name: str) -> str:
    """A value for a string option: a mangled real name, a domain-specific oddity, or nasty text."""
    special = {"date": DATES, "time": TIMES, "offsets": OFFSETS, "timezone": TIMEZONES, "point": POINTS}.get(name)
    if special is not None and rng.random() < 0.75:
        return rng.choice(special)
    real = pools.for_option(path, name)
    if real and rng.random() < 0.5:
        return perturb(rng, rng.choice(real))
    if name == "groups" and rng.random() < 0.5:
        return ",".join(rng.choice([*pools.groups, *ATOMS]) for _ in range(rng.randint(1, 30)))
    return nasty_string(rng)


def make_case(
    rng: random.Random, pools: Pools, files: list[tuple[str, bytes]], path: tuple[str, ...], defs: list[dict[str, Any]]
) -> Case:
    """Values for every required option and most optional ones, typed by the option's type."""
    case = Case(path, {})
    for opt in defs:
        name, kind = str(opt["name"]), int(opt["type"])
        if not opt.get("required") and rng.random() < 0.35:
            continue
        choices = [c["value"] for c in opt.get("choices") or []]
        if choices:
            case.options[name] = rng.choice(choices)
            if rng.random() < 0.35:
                case.raw[name] = rng.choice([nasty_string(rng), choices[0].upper(), " " + choices[-1], "", "0"])
        elif kind == 3:
            case.options[name] = string_value(rng, pools, path, name)
        elif kind == 4:
            case.options[name] = rng.choice(INTEGERS) if rng.random() < 0.8 else rng.randint(1, 5)
        elif kind == 10:
            case.options[name] = rng.choice([-1.5, 0.0, 1e308, 2.5])
        elif kind == 5:
            case.options[name] = rng.random() < 0.5
        elif kind == 7:
            case.options[name] = "general"
        elif kind == 8:
            # Never the @everyone role as the organiser role: that would make every member an organiser.
            organiser_role = path[-1] == "organiser-role"
            case.options[name] = "Organiser" if organiser_role else rng.choice(["Organiser", GUILD])
        elif kind == 11:
            case.options[name] = rng.choice(files)
        else:
            case.options[name] = nasty_string(rng)
    return case


def leaf_commands(world: World) -> Iterator[tuple[tuple[str, ...], list[dict[str, Any]]]]:
    """Every registered slash command and subcommand: its path and its options."""

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], list[dict[str, Any]]]]:
        subs = [o for o in node.get("options") or [] if o.get("type") in (1, 2)]
        if not subs:
            yield path, list(node.get("options") or [])
        for sub in subs:
            yield from walk(sub, (*path, str(sub["name"])))

    for command in world.discord.commands(global_=True):
        if int(command.get("type") or 1) == 1:
            yield from walk(command, (str(command["name"]),))


# --------------------------------------------------------------------------------------------- driving


def stable(dump: list[str]) -> list[str]:
    """The dump without the tables the bot writes in the background."""
    return [line for line in dump if not any(f'INSERT INTO "{t}"' in line for t in BACKGROUND_TABLES)]


async def send(world: World, case: Case, user: int) -> Reply:
    """Run the case as ``user``; raw values are written into the payload after the client built it."""
    driver = world.discord.interactions
    ctx = driver._context(user, GUILD, None)
    data = driver._command_data(list(case.path), case.options, ctx)
    leaf = data.get("options", [])
    while leaf and leaf[0]["type"] in (1, 2):
        leaf = leaf[0].get("options", [])
    for option in leaf:
        if option["name"] in case.raw:
            option["value"] = case.raw[option["name"]]
    return await run_fast(world, driver._base(2, data, ctx, message=None, locale="en-GB"))


async def run_fast(world: World, pending: PendingInteraction) -> Reply:
    """
    Like the stand-in's ``run`` (Discord's 3 s window, then 10 s for a deferred answer's follow-up), but an answer
    Discord refused fails at once unless a valid one follows within ``GRACE`` s, so a broken answer costs no 3 s.
    """
    standin = world.discord
    driver = standin.interactions
    assert await standin.gateway.wait_for(lambda: bool(standin.gateway.live_sessions), 10), "the bot is not connected"
    driver.pending[pending.id] = pending
    driver._by_token[pending.token] = pending
    pending.created = time.monotonic()
    await standin.gateway.dispatch("INTERACTION_CREATE", pending.payload)
    reply = Reply(standin, pending)

    def answered() -> bool:
        return pending.callback_type is not None

    def followed() -> bool:
        return bool(pending.followup_ids or pending.edits or pending.callback_type not in (5, 6))

    for done, timeout, what in (
        (answered, RESPONSE_WINDOW, "no initial response within 3 s ('The application did not respond')"),
        (followed, 10.0, "a deferral and no follow-up or edit within 10 s"),
    ):
        seen = len(pending.rejected)

        def settled(d: Callable[[], bool] = done, n: int = seen) -> bool:
            return d() or len(pending.rejected) > n

        await pending.wait(settled, timeout)
        if not done() and len(pending.rejected) > seen:
            await pending.wait(done, GRACE)
        if not done():
            refused = "; ".join(f"{r.method} {r.route} -> {r.status}" for r in pending.rejected)
            reply.failure = what + (f"; Discord refused: {refused}" if refused else "")
            break
    return reply


async def send_autocomplete(world: World, path: tuple[str, ...], focused: str, value: str, user: int) -> Reply:
    """Type ``value`` into an autocomplete option and return the raw Reply (choices in ``reply.choices``)."""
    driver = world.discord.interactions
    ctx = driver._context(user, GUILD, None)
    data = driver._command_data(list(path), {focused: value}, ctx, focused=focused)
    pending = driver._base(4, data, ctx, message=None, locale="en-GB")
    return await driver.run(pending, raise_on_failure=False)


class ErrorLog(logging.Handler):
    """Keeps every ERROR record logged while the fuzz runs (a swallowed exception is still a bug)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Tally:
    """What the fuzz saw."""

    interactions: int = 0
    refused: int = 0
    accepted: int = 0
    unanswered: int = 0
    tracebacks: int = 0
    apologies: int = 0
    autocomplete: int = 0
    components: int = 0
    problems: list[str] = field(default_factory=list)
    known: dict[str, int] = field(default_factory=dict)


def _longest_value(case: "Case | str") -> int:
    if isinstance(case, str):
        return 0
    return max((len(v) for v in (*case.options.values(), *case.raw.values()) if isinstance(v, str)), default=0)


def _overlong_refusal(case: "Case | str", what: str) -> bool:
    """BUG long-echo: a refusal quoting a value of thousands of characters breaks Discord's 2,000 limit."""
    too_long = ("allows at most 2000", "Invalid Form Body", "(code 50035)", "no follow-up", "no initial response")
    return _longest_value(case) > 1000 and any(marker in what for marker in too_long)


#: Bugs this file found that have their own strict xfail test below; the fuzz counts them instead of failing.
#: Remove an entry once its bug is fixed (its xfail test then passes and, being strict, tells you to).
KNOWN_BUGS: dict[str, Any] = {}


class Fuzz:
    """Runs interactions and checks each answer."""

    def __init__(self, world: World, tally: Tally, errors: dict[int, BaseException], log: ErrorLog) -> None:
        self.world = world
        self.tally = tally
        self.errors = errors
        self.log = log

    def problem(self, case: Case | str, user: int, what: str) -> None:
        who = "member" if user == ACTIVIST else "organiser"
        line = f"{case} [as {who}]: {what}"
        for bug, predicate in KNOWN_BUGS.items():
            if predicate(case, what):
                self.tally.known[bug] = self.tally.known.get(bug, 0) + 1
                return
        self.tally.problems.append(line)

    def check(self, case: Case | str, user: int, reply: Reply, since: int, logged: int) -> bool:
        """Check one answer; return whether it was a refusal."""
        world = self.world
        self.tally.interactions += 1
        if not reply.ok:
            self.tally.unanswered += 1
            self.problem(case, user, f"unanswered: {reply.failure}")
        for rejected in reply.errors:
            self.problem(case, user, f"Discord refused an answer: {rejected}")
        text = reply.text()
        found = leaks(text)
        if found:
            self.tally.tracebacks += 1
            self.problem(case, user, f"internals shown to the user: {found}: {text[:200]!r}")
        error = self.errors.get(reply.interaction_id)
        if is_apology(text):
            self.tally.apologies += 1
            detail = f"{type(error).__name__}: {error}" if error is not None else "no error seen"
            original = getattr(error, "original", None)
            if original is not None:
                detail = f"{type(original).__name__}: {original}"
            self.problem(case, user, f"generic apology (unhandled {detail[:300]})")
        token = reply.pending.token
        for request in world.discord.requests[since:]:
            if token in request.path or str(reply.interaction_id) in request.path:
                why = mention_problem(request.json)
                if why:
                    self.problem(case, user, why)
        for message in reply.messages:
            if message.get("mention_everyone") or message.get("mentions") or message.get("mention_roles"):
                self.problem(case, user, f"the answer pinged: {message.get('content', '')[:80]!r}")
        for violation in world.discord.clear_violations():
            self.problem(case, user, f"Discord contract violation: {violation}")
        for record in self.log.records[logged:]:
            detail = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                detail += f": {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
            if not is_apology(text):  # an apology was reported above, with its error
                self.problem(case, user, f"logged an error: {detail[:300]}")
        refused = error is not None
        if refused:
            self.tally.refused += 1
            if not reply.ephemeral and reply.ok:
                self.problem(case, user, "a refusal was not ephemeral")
        elif reply.ok:
            self.tally.accepted += 1
        return refused

    async def command(self, case: Case, user: int) -> Reply:
        """Run one case and everything it opens (a modal, a removal question, pages)."""
        world = self.world
        before = stable(await world.dump())
        since, logged = len(world.discord.requests), len(self.log.records)
        reply = await send(world, case, user)
        refused = self.check(case, user, reply, since, logged)
        reads = case.path[0] != "organise" and case.path not in MEMBER_WRITES
        member_on_organise = case.path[0] == "organise" and user == ACTIVIST
        if member_on_organise and not refused:
            self.problem(case, user, f"a member was let into /organise: {reply.text()[:120]!r}")
        shared = case.options.get("share") is True and "share" not in case.raw
        if reply.ok and reply.message is not None and not reply.ephemeral and (refused or not shared):
            self.problem(case, user, f"answered in the channel, not ephemerally: {reply.text()[:120]!r}")
        if refused or reads or member_on_organise:
            await asyncio.sleep(0)
            after = stable(await world.dump())
            if after != before:
                changed = sorted(set(after) ^ set(before))[:3]
                why = "refused" if refused else "a read"
                self.problem(case, user, f"{why} but the database changed: {changed}")
        if reply.modal is not None:
            await self.statement(case, user, reply)
        if case.path in CONFIRMED and "confirm:no" in reply.custom_ids():
            await self.click(case, user, reply, "confirm:no", before)
        elif "pages:next" in reply.custom_ids():
            await self.click(case, user, reply, "pages:next", None)
        return reply

    async def statement(self, case: Case, user: int, reply: Reply) -> None:
        """Fill the statement modal with nasty text and submit it."""
        world = self.world
        modal = reply.modal or {}
        rng = random.Random(f"{fuzz_seed()}:{case}")
        text = rng.choice([nasty_string(rng), "@everyone " * 300, LONG[2][:4000], "<@&1001> **x**"])[:4000] or "x"
        since, logged = len(world.discord.requests), len(self.log.records)
        submitted = await world.discord.submit_modal(
            str(modal["custom_id"]), {"statement:text": text}, user=user, raise_on_failure=False
        )
        self.tally.components += 1
        self.check(f"{case} → statement {text[:60]!r}", user, submitted, since, logged)

    async def click(self, case: Case, user: int, reply: Reply, custom_id: str, before: list[str] | None) -> None:
        """Press a button of the answer (Cancel on a removal question: nothing may change)."""
        world = self.world
        since, logged = len(world.discord.requests), len(self.log.records)
        clicked = await world.discord.click(reply, custom_id, user=user, raise_on_failure=False)
        self.tally.components += 1
        self.check(f"{case} → {custom_id}", user, clicked, since, logged)
        if before is not None and stable(await world.dump()) != before:
            self.problem(case, user, f"{custom_id} changed the database")

    async def autocomplete(self, path: tuple[str, ...], focused: str, value: str, user: int) -> None:
        """Type a nasty value into an autocomplete option: at most 25 valid choices, promptly."""
        world = self.world
        label = f"autocomplete /{' '.join(path)} {focused}={value[:60]!r}"
        since, logged = len(world.discord.requests), len(self.log.records)
        reply = await send_autocomplete(world, path, focused, value, user)
        self.tally.autocomplete += 1
        self.check(label, user, reply, since, logged)
        choices = reply.choices
        if len(choices) > 25:
            self.problem(label, user, f"{len(choices)} choices")
        for choice in choices:
            name, val = str(choice.get("name", "")), str(choice.get("value", ""))
            if not 1 <= len(name) <= 100 or len(val) > 100:
                self.problem(label, user, f"a choice out of Discord's limits: {choice!r}")


# --------------------------------------------------------------------------------------------- the fuzz


@on_the_bot
async def test_the_fuzz_checks_catch_an_unhandled_error_and_a_ping(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harness itself: a command that crashes, and an answer that could ping, are both reported."""
    errors: dict[int, BaseException] = {}
    tree = world.bot.tree
    original = tree.on_error

    async def spy(interaction: Any, error: Any) -> None:
        errors[interaction.id] = error
        await original(interaction, error)

    async def crash(*_: object, **__: object) -> None:
        raise RuntimeError("planted")

    monkeypatch.setattr(tree, "on_error", spy)
    monkeypatch.setattr(world.services.elections, "resolve", crash)
    handler = ErrorLog()
    logging.getLogger().addHandler(handler)
    try:
        tally = Tally()
        await Fuzz(world, tally, errors, handler).command(Case(("ballot",), {}), ACTIVIST)
    finally:
        logging.getLogger().removeHandler(handler)
    assert any("generic apology (unhandled RuntimeError: planted)" in p for p in tally.problems), tally.problems
    assert tally.apologies == 1
    assert mention_problem({"type": 4, "data": {"content": "@everyone"}}) is not None
    assert mention_problem({"content": "hi", "allowed_mentions": {"parse": ["users"]}}) is not None
    assert mention_problem({"content": "hi", "allowed_mentions": {"parse": [], "roles": ["1001"]}}) is None


@on_the_bot
async def test_fuzz_every_command_as_member_and_organiser(world: World) -> None:
    """Nasty values in every option of every command: always a clear answer, never a crash, a ping or a change."""
    seed = fuzz_seed()
    rng = random.Random(seed)
    pools = await Pools.of(world)
    files = attachments(rng)
    leaves = sorted(leaf_commands(world))
    assert len(leaves) >= 30, [" ".join(p) for p, _ in leaves]

    errors: dict[int, BaseException] = {}
    tree = world.bot.tree
    original = tree.on_error

    async def spy(interaction: Any, error: Any) -> None:
        errors[interaction.id] = error
        await original(interaction, error)

    tree.on_error = spy  # type: ignore[method-assign]
    handler = ErrorLog()
    logging.getLogger().addHandler(handler)
    tally = Tally()
    fuzz = Fuzz(world, tally, errors, handler)
    started = time.monotonic()
    try:
        for path, defs in leaves:
            for _ in range(CASES_PER_COMMAND):
                case = make_case(rng, pools, files, path, defs)
                for user in (ACTIVIST, ORGANISER):
                    await fuzz.command(case, user)
            for opt in defs:
                if opt.get("autocomplete"):
                    user = ORGANISER if path[0] == "organise" else ACTIVIST
                    for _ in range(AUTOCOMPLETE_TRIES):
                        await fuzz.autocomplete(path, str(opt["name"]), nasty_string(rng)[:100], user)
        # The organisers' nasty names are in the database now: every reading command must still show them safely.
        for path, defs in leaves:
            if path[0] != "organise" and path not in MEMBER_WRITES:
                for _ in range(REREADS):
                    await fuzz.command(make_case(rng, pools, files, path, defs), ACTIVIST)
    finally:
        tree.on_error = original  # type: ignore[method-assign]
        logging.getLogger().removeHandler(handler)
    elapsed = time.monotonic() - started
    # What the bot posted on its own meanwhile (reminders, "date changed" notices) pings nobody but its role.
    bot_id = world.discord.bot_user.id
    for message in world.discord.channel_history(1100):
        own = int(message.data["author"]["id"]) == bot_id and message.interaction_id is None
        if own and (message.data.get("mention_everyone") or message.data.get("mentions")):
            tally.problems.append(f"a post of the bot's own pinged: {message.data.get('content', '')[:80]!r}")

    summary = (
        f"fuzz: {tally.interactions} interactions, {tally.refused} refused with a message, "
        f"{tally.accepted} accepted, {tally.unanswered} unanswered, {tally.tracebacks} tracebacks"
    )
    print(f"{summary} (seed {seed}, {len(leaves)} commands, {elapsed:.1f} s, known bugs {tally.known})")  # noqa: T201
    append_report(
        "fuzz",
        {
            "seed": seed,
            "commands": len(leaves),
            "interactions": tally.interactions,
            "refused": tally.refused,
            "accepted": tally.accepted,
            "unanswered": tally.unanswered,
            "tracebacks": tally.tracebacks,
            "apologies": tally.apologies,
            "autocomplete": tally.autocomplete,
            "components": tally.components,
            "problems": len(tally.problems),
            "known_bugs": tally.known,
            "seconds": round(elapsed, 1),
        },
    )
    assert tally.interactions >= 500
    if tally.problems:
        shown = "\n  ".join(tally.problems[:80])
        more = f"\n  …and {len(tally.problems) - 80} more" if len(tally.problems) > 80 else ""
        pytest.fail(f"{summary}; {len(tally.problems)} problem(s) (seed {seed}):\n  {shown}{more}", pytrace=False)


# --------------------------------------------------------------------------------------------- what the fuzz found

#: A valid value for every option (so that one long value at a time is what gets refused).
VALID = {
    "election": "NEC 2025",
    "seat": "East Midlands Regional (Male)",
    "candidate": "Tom Barker",
    "slate": "Time for Real Change",
    "region": "East Midlands",
    "service_group": "Health",
    "groups": "young",
    "date": "1 May 2025",
    "time": "10:00",
    "electorate": "East Midlands",
    "offsets": "7d,0",
    "point": "1",
    "position": 1,
    "votes": 10,
    "days": 2,
    "limit": 5,
    "places": 1,
    "channel": "general",
    "role": "Organiser",
    "timezone": "Europe/London",
    "text": "A point.",
    "new_name": "Renamed",
    "description": "Words.",
    "branch": "Branch",
    "job": "Job",
    "file": ("ok.yaml", b"format: 1\n"),
    "body": "Leicester City",
    "count": 3,
    "title": "NEC meeting",
    "meeting": "NEC meeting",
    "motion": "1",
    "member": "Tom Barker",
    "for": 30,
    "against": 20,
    "abstain": 1,
}
#: Discord's longest option value; plain letters, so that matching it costs nothing (see the next test).
LONG_VALUE = "x" * 6000


def valid_value(path: tuple[str, ...], opt: dict[str, Any]) -> object:
    name = str(opt["name"])
    if opt.get("choices"):
        return opt["choices"][0]["value"]
    if name == "name":
        named: dict[tuple[str, ...], str] = {("candidate",): "Tom Barker", ("seat",): "East Midlands Regional (Male)"}
        return named.get(path, "Fresh Name")
    if int(opt["type"]) == 5:
        return False
    return VALID[name]


@on_the_bot
async def test_a_6000_character_value_in_any_text_option_gets_a_readable_answer(world: World) -> None:
    """Every text option, given 6,000 characters (Discord's maximum), is answered within Discord's limits."""
    jobs: list[tuple[str, Case, int]] = []
    for path, defs in sorted(leaf_commands(world)):
        for target in defs:
            if int(target["type"]) != 3 or target.get("choices"):
                continue
            values = {str(o["name"]): valid_value(path, o) for o in defs if o.get("required")}
            values[str(target["name"])] = LONG_VALUE
            user = ORGANISER if path[0] == "organise" else ACTIVIST
            jobs.append((f"/{' '.join(path)} {target['name']}: <6000 characters>", Case(path, values), user))
    try:
        # At once: matching plain letters is cheap, and each refused answer waits out its grace period.
        replies = await asyncio.gather(*(send(world, case, user) for _, case, user in jobs))
    finally:
        world.discord.clear_violations()
    broken = [
        f"{label}: {reply.failure or [str(e) for e in reply.errors]}"
        for (label, _, _), reply in zip(jobs, replies, strict=True)
        if not reply.ok or reply.errors
    ]
    assert len(jobs) >= 40
    assert broken == [], f"{len(broken)} of {len(jobs)} options:\n" + "\n".join(broken)


def test_a_6000_character_name_is_refused_without_scoring_any_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """6,000 characters is longer than any stored name: refused at once, with no name scored (it stalled the loop)."""
    names = [f"{first} {last}" for first in ("Tom", "Zoë", "Siân", "Kevin", "David") for last in LAST_NAMES]
    assert len(names) == 100
    query = ("@everyone " * 600)[:6000]
    scored: list[str] = []
    original = text_module._Query.score

    def counting(self: text_module._Query, name: str) -> float | None:
        scored.append(name)
        return original(self, name)

    monkeypatch.setattr(text_module._Query, "score", counting)
    with pytest.raises(UserError):
        resolve(query, names, str, what="candidate")
    assert text_module.best_matches(query, names) == []
    assert scored == []
    assert resolve("Tom Barkera", names, str, what="candidate") == "Tom Barkera"


LAST_NAMES = [f"{stem}{suffix}" for stem in ("Barker", "Hartley", "Pritchard", "Corran") for suffix in "abcdefghij"]
LAST_NAMES = LAST_NAMES[:20]


#: 523 bytes of YAML whose aliases stand for 10**8 strings once expanded (a "billion laughs" file).
ALIAS_BOMB = (
    'format: 1\nx0: &a0 ["lol"]\n'
    + "".join(f"x{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 9))
    + "elections:\n  - name: *a8\n"
)


@on_the_bot
async def test_an_alias_bomb_import_file_is_refused_promptly(tmp_path: Path) -> None:
    """`slatebot import` on a tiny file of nested YAML aliases refuses it within seconds (exit 1)."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB, encoding="utf-8")
    assert len(ALIAS_BOMB.encode()) < 600
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'bomb.db'}", "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "import", str(bomb), "--guild", "1",
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=6)
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail("slatebot import was still parsing a 523-byte file after 6 s")
    assert process.returncode == 1, stderr.decode()


# --------------------------------------------------------------------------------------------- a pure property

TODAY = date(2025, 5, 1)
PARSERS: dict[str, Callable[[str], object]] = {
    "parse_date": lambda text: parse_date(text, today=TODAY),
    "parse_time": parse_time,
    "parse_offsets": parse_offsets,
    "parse_timezone": parse_timezone,
    "clean_name": lambda text: clean_name(text, "candidate"),
    "clean_text": lambda text: clean_text(text, "statement", 1000),
}
typed_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from([*ATOMS, *DATES, *TIMES, *OFFSETS, *TIMEZONES, *POINTS, *LONG]),
    st.lists(st.sampled_from([*ATOMS, *DATES, *OFFSETS, "1", "d", ",", " ", "/", "-", ":"]), max_size=8).map("".join),
    st.from_regex(r"-?\d{1,6}[-/ .:]\d{1,6}([-/ .:]\d{1,6})?( ?[ap]m)?", fullmatch=True),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=typed_text)
def test_every_parser_of_typed_text_answers_with_a_value_or_a_user_error(text: str) -> None:
    """Whatever is typed, each parser returns a value or raises a UserError with a sentence; nothing else escapes."""
    for name, parse in PARSERS.items():
        try:
            parse(text)
        except UserError as exc:
            assert exc.message.strip(), name
            assert not leaks(exc.message), (name, exc.message)


@settings(max_examples=50, deadline=None)
@given(text=st.sampled_from(LONG), parser=st.sampled_from(sorted(PARSERS)))
def test_a_refusal_of_typed_text_fits_in_a_discord_message(text: str, parser: str) -> None:
    """A refusal quoting what was typed still fits in one message (2,000 characters)."""
    try:
        PARSERS[parser](text)
    except UserError as exc:
        assert len(exc.message) <= 2000, (parser, len(exc.message))
