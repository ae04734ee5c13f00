"""
Faults from outside the code: a process killed mid-write, a read-only or full disk, a dropped gateway, Discord
failing, and the bot token kept out of every log line.

The kills use real processes (``python -m bot import`` and a script over the services) and SIGKILL, so no
``finally`` and no ``atexit`` runs: what is on disk afterwards is exactly what SQLite committed.
"""

import asyncio
import contextlib
import csv
import io
import json
import logging
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.domain.document import CSV_COLUMNS
from bot.services.container import Services
from storage.database import Database
from tests.e2e.conftest import ACTIVIST, GUILD, ORGANISER, World, reminder_scheduler, start_world, stop_world
from tests.fakes import FakeClock
from tests.hardening_helpers import append_report, fuzz_seed

ROOT = Path(__file__).resolve().parents[1]
SEATS, PER_SEAT = 300, 10
STORAGE_MESSAGE = "read-only, its disk is full"
APOLOGY = "Sorry, something went wrong"


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment for a child process: only what it needs, the database in ``tmp_path``."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'slatebot.db'}",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


async def integrity(path: Path) -> tuple[str, Database]:
    """Open the database as the bot would (migrations and all) and run SQLite's integrity check."""
    db = await Database.open(path)
    return str(await db.fetch_value("PRAGMA integrity_check")), db


# --------------------------------------------------------------------------------------------- a) import


def big_import() -> str:
    """300 seats of 10 candidates, each with a statement of a thousand characters, as import CSV."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    election = "Big Election 2030"
    writer.writerow({"record": "election", "name": election, "text": "A big one."})
    statement = " ".join(f"Point {n}: we will defend every job and every service, and win on pay." for n in range(14))
    for s in range(SEATS):
        seat = f"Seat {s:03d}"
        writer.writerow(
            {
                "record": "seat",
                "election": election,
                "name": seat,
                "electorate_type": "national",
                "electorate": "Everyone",
                "places": 1,
            }
        )
        for c in range(PER_SEAT):
            writer.writerow(
                {
                    "record": "candidate",
                    "election": election,
                    "seat": seat,
                    "name": f"Person {s:03d}-{c}",
                    "branch": f"Branch {c}",
                    "job": "Porter",
                    "incumbent": "no",
                    "text": statement,
                }
            )
    return out.getvalue()


def wal_size(db: Path) -> int:
    try:
        return db.with_name(db.name + "-wal").stat().st_size
    except FileNotFoundError:
        return 0


async def run_import_until(tmp_path: Path, source: Path, *, delay: float | None, wal: int | None) -> dict[str, object]:
    """Run ``python -m bot import``; SIGKILL it after ``delay`` s or once its WAL passes ``wal`` bytes."""
    db = tmp_path / "slatebot.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "import", str(source), "--guild", "1"],
        cwd=tmp_path,
        env=child_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    started = time.monotonic()
    killed, at_kill = False, 0
    try:
        while process.poll() is None:
            elapsed = time.monotonic() - started
            if (delay is not None and elapsed >= delay) or (wal is not None and wal_size(db) >= wal):
                at_kill = wal_size(db)
                process.send_signal(signal.SIGKILL)
                killed = True
                break
            if elapsed > 60:
                pytest.fail("the import ran for over a minute")
            await asyncio.sleep(0.005)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return {
        "killed": killed,
        "returncode": process.returncode,
        "seconds": round(time.monotonic() - started, 2),
        "wal_at_kill": at_kill,
        "stderr": stderr.decode(errors="replace")[-500:],
    }


async def test_sigkill_in_the_middle_of_an_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    """Killed at any moment (before, during or after the write), an import has written all of it or none."""
    source = tmp_path / "big.csv"
    source.write_text(big_import(), encoding="utf-8")
    total = SEATS * PER_SEAT
    rng = random.Random(fuzz_seed())
    #: By time (start-up, parsing, writing, committing: varied around the phases) and by WAL growth (mid-write).
    plans: list[dict[str, float | int | None]] = [
        {"delay": 0.2, "wal": None},
        {"delay": round(rng.uniform(0.8, 1.4), 2), "wal": None},
        {"delay": round(rng.uniform(1.6, 2.4), 2), "wal": None},
        {"delay": round(rng.uniform(2.4, 3.2), 2), "wal": None},
        {"delay": None, "wal": 400_000},
        {"delay": None, "wal": 1_500_000},
        {"delay": None, "wal": 2_600_000},
        {"delay": None, "wal": None},  # runs to the end, on the database the last kill left
    ]
    trials: list[dict[str, object]] = []
    workdir = tmp_path / "trial"
    for number, plan in enumerate(plans):
        if plan["delay"] is not None or plan["wal"] is not None:
            workdir = tmp_path / f"trial{number}"
            workdir.mkdir()
        outcome = await run_import_until(workdir, source, delay=plan["delay"], wal=plan["wal"])  # type: ignore[arg-type]
        check, db = await integrity(workdir / "slatebot.db")
        try:
            candidates = await db.fetch_value("SELECT count(*) FROM candidates WHERE guild_id = 1")
            seats = await db.fetch_value("SELECT count(*) FROM seats WHERE guild_id = 1")
            audits = await db.fetch_value("SELECT count(*) FROM audit_log WHERE guild_id = 1 AND action = 'import'")
        finally:
            await db.close()
        trials.append({**plan, **outcome, "integrity": check, "candidates": candidates, "seats": seats})
        where = f"trial {number} {plan}: {outcome}"
        assert check == "ok", where
        assert (candidates, seats, audits) in {(0, 0, 0), (total, SEATS, 1)}, (where, candidates, seats, audits)
        if not outcome["killed"]:
            assert outcome["returncode"] == 0, where
            assert candidates == total, where

    mid_write = [t for t in trials if t["killed"] and int(t["wal_at_kill"]) > 300_000 and t["candidates"] == 0]  # type: ignore[call-overload]
    append_report(
        "faults.sigkill_import",
        {
            "trials": len(trials),
            "faults_injected": sum(1 for t in trials if t["killed"]),
            "killed_mid_write": len(mid_write),
            "failures": 0,
            "outcomes": [
                {k: t[k] for k in ("delay", "wal", "killed", "seconds", "wal_at_kill", "candidates")} for t in trials
            ],
        },
    )
    assert mid_write, f"no kill landed while the import was writing: {trials}"
    assert trials[-1]["candidates"] == total, "the import runs to the end after a killed one"


# --------------------------------------------------------------------------------------------- b) edit

EDIT_SCRIPT = """
import asyncio
import sys

from bot.services.container import Services
from storage.database import Database


async def main(path: str) -> None:
    db = await Database.open(path)
    services = Services.build(db)
    n = 0
    while True:
        n += 1
        await services.candidates.edit(1, 42, "Edit Target", branch=f"Branch {n}")
        print(n, flush=True)


asyncio.run(main(sys.argv[1]))
"""


async def edit_target(path: Path) -> None:
    db = await Database.open(path)
    try:
        services = Services.build(db, FakeClock())
        await services.elections.add(1, 42, "Edit Election")
        await services.seats.add(
            1, 42, election="Edit Election", name="Edit Seat", electorate_type="national", electorate="All"
        )
        await services.candidates.add(1, 42, name="Edit Target", seat="Edit Seat", branch="Branch 0")
    finally:
        await db.close()


async def test_sigkill_in_the_middle_of_edits_keeps_each_edit_with_its_audit_row(tmp_path: Path) -> None:
    """Killed mid-stream, every committed edit has its audit row and no audit row lacks its edit."""
    script = tmp_path / "edit_forever.py"
    script.write_text(EDIT_SCRIPT, encoding="utf-8")
    rng = random.Random(fuzz_seed() + 1)
    results = []
    for trial in range(4):
        workdir = tmp_path / f"edit{trial}"
        workdir.mkdir()
        db_path = workdir / "slatebot.db"
        await edit_target(db_path)
        wanted = rng.randint(5, 80)
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(script), str(db_path),
            cwd=workdir, env=child_env(workdir), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None
        printed = 0
        try:
            while printed < wanted:
                line = await asyncio.wait_for(process.stdout.readline(), timeout=20)
                assert line, (await process.stderr.read()).decode() if process.stderr else "no output"
                printed = int(line)
            await asyncio.sleep(rng.uniform(0, 0.004))
            process.send_signal(signal.SIGKILL)
        finally:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            rest, _ = await process.communicate()
        printed += len(rest.split())  # lines written before the kill but not yet read

        check, db = await integrity(db_path)
        try:
            rows = await db.fetch_all(
                "SELECT before, after FROM audit_log WHERE guild_id = 1 AND action = 'candidate.edit' ORDER BY id"
            )
            branch = await db.fetch_value("SELECT branch FROM candidates WHERE guild_id = 1 AND name = 'Edit Target'")
        finally:
            await db.close()
        afters = [json.loads(r["after"])["branch"] for r in rows]
        befores = [json.loads(r["before"])["branch"] for r in rows]
        where = f"trial {trial}: {printed} edits reported, {len(rows)} audit rows, branch {branch!r}"
        results.append({"reported": printed, "audit_rows": len(rows), "branch": branch})
        assert check == "ok", where
        assert len(rows) in (printed, printed + 1), where  # +1: committed, killed before it could print
        assert afters == [f"Branch {n}" for n in range(1, len(rows) + 1)], where
        assert befores == [f"Branch {n}" for n in range(len(rows))], where
        assert branch == afters[-1], f"{where}: the candidate is not in the state its last audit row records"

    append_report(
        "faults.sigkill_edit",
        {"trials": len(results), "faults_injected": len(results), "failures": 0, "outcomes": results},
    )


# --------------------------------------------------------------------------------------------- c) disk

CLOCK_START = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


@contextlib.asynccontextmanager
async def running_world(tmp_path: Path, clock: FakeClock | None = None) -> AsyncIterator[World]:
    world, task = await start_world(tmp_path / "slatebot.db", clock=clock)
    world.discord.clear_violations()
    try:
        yield world
        assert world.discord.clear_violations() == [], "Discord contract violations"
    finally:
        await stop_world(world, task)


async def reads_still_work(world: World) -> None:
    ballot = await world.discord.invoke("/ballot", user=ACTIVIST)
    assert "Ballot open now" in ballot.text()
    candidate = await world.discord.invoke("/candidate name: Tom Barker", user=ACTIVIST)
    assert candidate.embeds[0]["title"] == "Tom Barker"


async def refused_for_storage(world: World, name: str) -> str:
    reply = await world.discord.invoke(["organise", "election", "add"], options={"name": name}, user=ORGANISER)
    assert reply.ephemeral
    text = reply.text()
    assert APOLOGY not in text, text
    assert STORAGE_MESSAGE in text, text
    assert "Nothing was changed" in text
    return text


async def test_a_read_only_database_refuses_changes_clearly_and_keeps_answering_reads(tmp_path: Path) -> None:
    """With the database read-only, a change gets the storage message (not the apology); reads still work."""
    async with running_world(tmp_path) as world:
        before = await world.settled_dump()
        # Tests run as root, where chmod does not stop writes; SQLite's own switch does.
        await world.db.execute("PRAGMA query_only = ON")
        try:
            await refused_for_storage(world, "Read Only Election")
            await reads_still_work(world)
            import_reply = await world.discord.invoke(
                ["organise", "import"],
                options={"file": ("more.yaml", b"format: 1\nelections:\n  - name: Imported While Read Only\n")},
                user=ORGANISER,
                wait_for_followup=True,
            )
            assert STORAGE_MESSAGE in import_reply.text() and APOLOGY not in import_reply.text()
        finally:
            await world.db.execute("PRAGMA query_only = OFF")
        assert await world.dump() == before
        added = await world.discord.invoke(["organise", "election", "add"], options={"name": "After"}, user=ORGANISER)
        assert "Added the election" in added.text(), "writes work again once the disk does"
    append_report("faults.read_only", {"trials": 1, "faults_injected": 1, "failures": 0})


async def test_a_full_disk_refuses_changes_clearly_and_keeps_answering_reads(tmp_path: Path) -> None:
    """With no room for another page, a change gets the storage message (not the apology); reads still work."""
    async with running_world(tmp_path) as world:
        db = world.db
        await world.settled_dump()
        # Forbid the file to grow, then fill the free room left in the pages of the tables an election add
        # writes (rows of a guild nobody uses), so the next change needs a page the disk does not have.
        await db.execute(f"PRAGMA max_page_count = {int(await db.fetch_value('PRAGMA page_count'))}")
        for size in (2000, 500, 100, 20, 1):
            for sql in (
                "INSERT INTO audit_log (guild_id, actor_id, action, before, after, at) VALUES (9, 0, 'x', ?, NULL, 0)",
                "INSERT INTO elections (guild_id, name, name_key) VALUES (9, ?, lower(hex(randomblob(8))))",
            ):
                with contextlib.suppress(Exception):
                    for _ in range(1000):
                        await db.execute(sql, ("x" * size,))
        before = await world.dump()
        try:
            await refused_for_storage(world, "Full Disk Election")
            big = big_import().encode()
            imported = await world.discord.invoke(
                ["organise", "import"], options={"file": ("big.csv", big)}, user=ORGANISER, wait_for_followup=True
            )
            assert STORAGE_MESSAGE in imported.text() and APOLOGY not in imported.text(), imported.text()
            await reads_still_work(world)
        finally:
            await db.execute("PRAGMA max_page_count = 1073741823")
        assert await world.dump() == before
    append_report("faults.disk_full", {"trials": 1, "faults_injected": 1, "failures": 0})


# --------------------------------------------------------------------------------------------- d) gateway

OPEN = datetime(2025, 4, 21, 8, 0, tzinfo=UTC)
CHANNEL, ROLE = 1100, 1001


def posts(world: World) -> list[dict[str, Any]]:
    bot_id = world.discord.bot_user.id
    return [m.data for m in world.discord.channel_history(CHANNEL) if int(m.data["author"]["id"]) == bot_id]


@pytest.mark.parametrize("resumable", [True, False], ids=["resume", "reidentify"])
async def test_a_reminder_falling_due_while_the_gateway_reconnects_is_posted_once(
    tmp_path: Path, resumable: bool
) -> None:
    """The gateway drops, the reminder falls due and runs during the reconnect: one post, and commands work."""
    async with running_world(tmp_path, FakeClock(datetime(2025, 3, 1, tzinfo=UTC))) as world:
        world.clock.set(OPEN - timedelta(days=1, minutes=1))
        await world.services.guilds.set_reminder_channel(GUILD, ORGANISER, CHANNEL, ROLE)
        assert posts(world) == []
        dropped = await world.discord.drop_gateway(resumable=resumable)
        assert dropped >= 1
        world.clock.set(OPEN - timedelta(days=1))
        ran = await reminder_scheduler(world).run_due()
        assert len(ran) == 1
        await world.discord.wait_until_ready(15)
        await asyncio.sleep(0.3)  # a fresh READY may run the catch-up: it must not post again
        assert await reminder_scheduler(world).run_due() == []
        contents = [p["content"] for p in posts(world)]
        assert contents == [f"<@&{ROLE}> Ballot opens Monday 21 April"], contents
        reply = await world.discord.invoke("/ballot", user=ACTIVIST)
        assert reply.ok and "Ballot opens" in reply.text()
    append_report(
        f"faults.gateway_drop_{'resume' if resumable else 'reidentify'}",
        {"trials": 1, "faults_injected": 1, "failures": 0, "posts": len(contents)},
    )


# --------------------------------------------------------------------------------------------- e) 5xx


async def test_discord_failing_a_command_reply_leaves_the_bot_healthy(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 5xx on the reply is retried in time; failing past the 3 s window is logged, and the next command works."""
    outcomes = []
    async with running_world(tmp_path) as world:
        world.discord.fail("POST", r"/interactions/.*/callback", status=500, times=1)
        retried = await world.discord.invoke("/ballot", user=ACTIVIST, raise_on_failure=False)
        assert retried.ok, retried.failure
        assert "Ballot open now" in retried.text()
        outcomes.append({"fault": "500 x1", "answered": retried.ok})

        # Two failures: discord.py's second retry comes 4 s after the interaction, past Discord's 3 s window.
        world.discord.fail("POST", r"/interactions/.*/callback", status=503, times=2)
        late = await world.discord.invoke("/ballot", user=ACTIVIST, raise_on_failure=False)
        outcomes.append({"fault": "503 x2", "answered": late.ok, "failure": late.failure})
        await world.discord.wait_for_request("POST", r"/interactions/.*/callback", 404, timeout=8)
        await asyncio.sleep(0.3)  # the bot's error handling runs after the late answer is refused
        noted = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name == "bot.tree"]
        assert noted, "the failed answer is logged by the bot"
        assert not [r for r in caplog.records if "never retrieved" in r.getMessage()]
        after = await world.discord.invoke("/candidate name: Tom Barker", user=ACTIVIST)
        assert after.ok and after.embeds[0]["title"] == "Tom Barker"
        assert not world.bot.is_closed()
    append_report("faults.discord_5xx", {"trials": 2, "faults_injected": 3, "failures": 0, "outcomes": outcomes})


# --------------------------------------------------------------------------------------------- f) the token

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gx-FAULT.distinctive-fault-test-token-never-log-me"


async def run_bot_process(tmp_path: Path, api_base: str, *, timeout: float = 8) -> tuple[int | None, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=tmp_path,
        env=child_env(tmp_path, DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=api_base, LOG_LEVEL="DEBUG"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=timeout)
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
    return process.returncode, output.decode(errors="replace")


@pytest.fixture
async def refusing_discord() -> AsyncIterator[tuple[str, list[str]]]:
    """A local 'Discord' that answers every request 401 and records the Authorization headers it got."""
    seen: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/api/v10", seen
    finally:
        await runner.cleanup()


async def test_the_token_never_appears_in_the_output_of_slatebot_run(
    tmp_path: Path, refusing_discord: tuple[str, list[str]]
) -> None:
    """At DEBUG, neither an unreachable Discord nor one refusing the token makes the process print the token."""
    api_base, seen = refusing_discord
    closed_code, closed = await run_bot_process(tmp_path, "http://127.0.0.1:9/api/v10")
    refused_code, refused = await run_bot_process(tmp_path, api_base)
    assert seen and all(TOKEN in header for header in seen), "the token was really used"
    runs = {"unreachable": (closed_code, closed), "401": (refused_code, refused)}
    for name, (code, output) in runs.items():
        assert TOKEN not in output, f"{name}: the token is in the output"
        assert TOKEN.split(".")[-1] not in output, f"{name}: part of the token is in the output"
        assert code not in (0, None), f"{name}: exit {code}\n{output[-800:]}"
    append_report(
        "faults.token_in_logs",
        {"trials": 2, "faults_injected": 2, "failures": 0, "exit_codes": {k: v[0] for k, v in runs.items()}},
    )


async def test_slatebot_run_says_in_one_line_why_it_cannot_connect(
    tmp_path: Path, refusing_discord: tuple[str, list[str]]
) -> None:
    """An unreachable API base, and a refused token, are each explained in a line, not a traceback."""
    api_base, _ = refusing_discord
    for base in ("http://127.0.0.1:9/api/v10", api_base):
        code, output = await run_bot_process(tmp_path, base)
        assert code not in (0, None)
        assert "Traceback" not in output, output[-1500:]


async def test_the_in_process_bot_logs_no_token_at_debug(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The bot started in-process (as the console and the tests do), at DEBUG, never logs the stand-in's token."""
    caplog.set_level(logging.DEBUG)
    for name in ("discord", "aiohttp", "apscheduler", "bot", "cogs", "storage"):
        caplog.set_level(logging.DEBUG, logger=name)
    async with running_world(tmp_path) as world:
        token = world.discord.token
        await world.discord.invoke("/ballot", user=ACTIVIST)
        await world.discord.invoke(["organise", "audit"], options={}, user=ORGANISER)
    texts = [r.getMessage() for r in caplog.records]
    texts += [str(r.exc_text or "") for r in caplog.records]
    leaked = [t[:200] for t in texts if token in t]
    append_report("faults.token_in_process_logs", {"trials": 1, "records": len(texts), "failures": len(leaked)})
    assert len(caplog.records) > 50, "DEBUG logging was captured"
    assert leaked == []
