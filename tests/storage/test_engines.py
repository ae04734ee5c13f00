"""
The two engines behind one interface: the same schema, serialised writes across processes, and the outbox.

"Two processes" are two :class:`~storage.database.Database` objects opened on the same target (two SQLite
connections to one file, or two asyncpg pools on one PostgreSQL database): each has its own connections, its own
locks and its own listener, exactly as two ``slatebot`` processes would.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.domain.enums import MilestoneKind
from bot.domain.reminders import Claim
from bot.errors import InvalidInput
from bot.services.changes import ChangeFeed, TimetableChanged
from bot.services.container import Services
from storage.database import Database
from storage.migrate import MigrationError, load_migrations
from storage.postgres import numbered
from storage.repositories.changes import ChangeLog, ClaimRepository
from tests.fakes import GUILD, ORGANISER, OTHER_GUILD, FakeClock

OPEN = MilestoneKind.BALLOT_OPEN
CLOSE = MilestoneKind.BALLOT_CLOSE

#: How long a change committed by one process may take to reach another (the signal, not the fallback look).
DELIVERY = 5.0


class Boom(Exception):
    """Raised inside a transaction to roll it back."""


@pytest.fixture
async def two(database_target: Path | str) -> AsyncIterator[tuple[Database, Database]]:
    """Two Database objects on one migrated target: two "processes" sharing one database."""
    first = await Database.open(database_target)
    try:
        second = await Database.open(database_target)
    except BaseException:
        await first.close()
        raise
    try:
        yield first, second
    finally:
        await second.close()
        await first.close()


async def _changes_count(db: Database) -> int:
    """How many rows the outbox holds."""
    return int(await db.fetch_value("SELECT COUNT(*) FROM changes"))


# ------------------------------------------------------------------------------------------------- the schema


async def _sqlite_columns(db: Database, table: str) -> list[str]:
    """The table's column names in declaration order (PRAGMA table_info)."""
    return [row[1] for row in await db.fetch_all(f"PRAGMA table_info({table})")]


async def _postgres_columns(db: Database, table: str) -> list[str]:
    """The table's column names in declaration order (information_schema)."""
    rows = await db.fetch_all(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        (table,),
    )
    return [row[0] for row in rows]


async def test_both_migration_histories_give_the_same_tables_and_columns(tmp_path: Path, postgres_url: str) -> None:
    """A fresh SQLite file and a fresh PostgreSQL database end with the same tables and the same columns in order."""
    sqlite = await Database.open(tmp_path / "fresh.db")
    try:
        postgres = await Database.open(postgres_url)
        try:
            assert await sqlite.schema_version() == await postgres.schema_version() == len(load_migrations())
            sqlite_tables = await sqlite.tables()
            assert sqlite_tables == await postgres.tables()
            assert {"guilds", "elections", "candidates", "changes", "claims", "bot_state"} <= set(sqlite_tables)
            for table in sqlite_tables:
                sqlite_columns = await _sqlite_columns(sqlite, table)
                assert sqlite_columns, table
                assert sqlite_columns == await _postgres_columns(postgres, table), table
        finally:
            await postgres.close()
    finally:
        await sqlite.close()


# ------------------------------------------------------------------------------------------- ? placeholders


@pytest.mark.parametrize(
    ("portable", "postgres"),
    [
        ("SELECT 1", "SELECT 1"),
        ("SELECT a FROM t WHERE b = ?", "SELECT a FROM t WHERE b = $1"),
        ("INSERT INTO t (a, b, c) VALUES (?, ?, ?)", "INSERT INTO t (a, b, c) VALUES ($1, $2, $3)"),
        ("VALUES (" + ", ".join("?" * 11) + ")", "VALUES (" + ", ".join(f"${n}" for n in range(1, 12)) + ")"),
        ("SELECT '?' WHERE a = ?", "SELECT '?' WHERE a = $1"),
        ('SELECT "odd?name" FROM t WHERE a = ?', 'SELECT "odd?name" FROM t WHERE a = $1'),
        ("SELECT 'it''s ?', ? FROM t", "SELECT 'it''s ?', $1 FROM t"),
        ("""SELECT ?, '"?', "'?", ?""", """SELECT $1, '"?', "'?", $2"""),
    ],
)
def test_numbered_turns_question_marks_into_dollar_numbers_outside_quotes(portable: str, postgres: str) -> None:
    """numbered() numbers each bare ? from $1 in order and leaves a ? inside '...' or "..." alone."""
    assert numbered(portable) == postgres


# --------------------------------------------------------------------------------------------- newer schema


async def test_a_postgresql_database_newer_than_the_code_is_refused_and_left_as_is(
    postgres_url: str, postgres_base_url: str
) -> None:
    """schema_migrations at 99 makes Database.open raise MigrationError; nothing is migrated, no connection stays."""
    raw = await asyncpg.connect(postgres_url)
    try:
        await raw.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        await raw.execute("INSERT INTO schema_migrations (version, name) VALUES (99, '0099_from_the_future.sql')")
    finally:
        await raw.close()

    with pytest.raises(MigrationError, match="99"):
        await Database.open(postgres_url)

    raw = await asyncpg.connect(postgres_url)
    try:
        assert await raw.fetchval("SELECT MAX(version) FROM schema_migrations") == 99
        assert await raw.fetchval("SELECT COUNT(*) FROM schema_migrations") == 1
        tables = await raw.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        assert [row[0] for row in tables] == ["schema_migrations"]
        others = -1
        for _ in range(50):  # a closed pool's server processes end just after close() returns
            others = await raw.fetchval(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if others == 0:
                break
            await asyncio.sleep(0.05)
        assert others == 0, "the refused open left a connection behind"
    finally:
        await raw.close()


# ----------------------------------------------------------------------------------- writes across processes


async def test_read_modify_write_transactions_in_two_processes_lose_no_update(
    two: tuple[Database, Database],
) -> None:
    """20 concurrent +1 transactions on a bot_state counter, split across two Database objects, end at 20."""
    first, second = two
    assert first is not second
    assert first.target == second.target
    await first.execute("INSERT INTO bot_state (key, value) VALUES ('counter', '0')")

    async def increment(db: Database) -> None:
        async with db.transaction():
            value = int(await db.fetch_value("SELECT value FROM bot_state WHERE key = 'counter'"))
            await asyncio.sleep(0.005)  # widen the window another writer would slip into
            await db.execute("UPDATE bot_state SET value = ? WHERE key = 'counter'", (str(value + 1),))

    await asyncio.gather(*(increment(first if n % 2 else second) for n in range(20)))
    assert await first.fetch_value("SELECT value FROM bot_state WHERE key = 'counter'") == "20"
    assert await second.fetch_value("SELECT value FROM bot_state WHERE key = 'counter'") == "20"


# ------------------------------------------------------------------------------------ noticing other commits


async def _write_change(db: Database, guild_id: int = GUILD) -> int:
    """Commit one outbox row through ChangeLog.add (which calls notify_change); returns its id."""
    async with db.transaction():
        return await ChangeLog(db).add(guild_id, datetime.now(UTC))


async def test_wait_for_commits_wakes_soon_after_another_process_commits_a_change(
    two: tuple[Database, Database],
) -> None:
    """B, waiting up to 5 s, returns True well before that once A commits a transaction that wrote a ChangeLog row."""
    writer, waiter = two
    # The first call starts the watching: PostgreSQL LISTENs and says "look once" at once (whatever was committed
    # before the LISTEN went unnotified); SQLite notes the data_version to compare with. Consume that first answer.
    await waiter.wait_for_commits(0.1)

    loop = asyncio.get_running_loop()
    waiting = asyncio.create_task(waiter.wait_for_commits(DELIVERY))
    await asyncio.sleep(0.2)
    assert not waiting.done(), "B woke before anything was committed"
    await _write_change(writer)
    committed = loop.time()
    assert await asyncio.wait_for(waiting, DELIVERY + 1) is True
    assert loop.time() - committed < DELIVERY / 2


async def test_wait_for_commits_says_false_after_its_timeout_when_nothing_was_committed(
    two: tuple[Database, Database],
) -> None:
    """With nothing committed by anyone, B.wait_for_commits(0.3) returns False after about 0.3 s."""
    _writer, waiter = two
    await waiter.wait_for_commits(0.1)  # consume PostgreSQL's initial "look once" (see the test above)

    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await waiter.wait_for_commits(0.3) is False
    assert loop.time() - started >= 0.25


async def test_a_rolled_back_change_does_not_wake_another_process(two: tuple[Database, Database]) -> None:
    """A transaction that wrote a ChangeLog row and rolled back sends no signal: B's wait times out with False."""
    writer, waiter = two
    await waiter.wait_for_commits(0.1)  # consume PostgreSQL's initial "look once"

    with pytest.raises(Boom):
        async with writer.transaction():
            await ChangeLog(writer).add(GUILD, datetime.now(UTC))
            raise Boom
    assert await waiter.wait_for_commits(0.6) is False
    assert await _changes_count(waiter) == 0


# ----------------------------------------------------------------------------------- the change feed, shared


@contextlib.asynccontextmanager
async def _feed(db: Database, clock: FakeClock) -> AsyncIterator[tuple[list[TimetableChanged], asyncio.Event]]:
    """A started ChangeFeed on ``db`` with a listener collecting changes; the event is set on each one."""
    received: list[TimetableChanged] = []
    arrived = asyncio.Event()

    async def listener(change: TimetableChanged) -> None:
        received.append(change)
        arrived.set()

    # As a running process would: already watching for commits (LISTEN / data_version noted) before any is made.
    await db.wait_for_commits(0.1)
    feed = ChangeFeed(db, clock)
    feed.subscribe(listener)
    # A fallback look far beyond DELIVERY: a change that arrives in time came through the signal.
    await feed.start(look_every=60)
    try:
        yield received, arrived
    finally:
        await feed.stop()


async def test_a_change_committed_by_one_process_reaches_another_processs_feed_once(
    two: tuple[Database, Database], clock: FakeClock
) -> None:
    """A set_date through services on A reaches the started feed on B within 5 s, exactly once, with its change_id."""
    db_a, db_b = two
    services_a = Services.build(db_a, clock)
    election = await services_a.elections.add(GUILD, ORGANISER, "NEC 2025")

    async with _feed(db_b, clock) as (received, arrived):
        change = await services_a.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "21 April 2025")
        newest = await ChangeLog(db_a).latest()
        await asyncio.wait_for(arrived.wait(), DELIVERY)
        await asyncio.sleep(0.5)  # time for a duplicate to show up, if one were coming
        assert received == [TimetableChanged(GUILD, election.id, OPEN, None, change.after, newest)]


async def test_a_change_rolled_back_in_one_process_never_reaches_another_processs_feed(
    two: tuple[Database, Database], clock: FakeClock
) -> None:
    """A's rolled-back outbox row is never delivered on B; the change A commits next is, alone and once."""
    db_a, db_b = two
    async with _feed(db_b, clock) as (received, arrived):
        with pytest.raises(Boom):
            async with db_a.transaction():
                await ChangeLog(db_a).add(OTHER_GUILD, clock.now())
                raise Boom
        marker = await _write_change(db_a, GUILD)
        await asyncio.wait_for(arrived.wait(), DELIVERY)
        await asyncio.sleep(0.5)
        assert [(c.guild_id, c.change_id) for c in received] == [(GUILD, marker)]


# ------------------------------------------------------------------------------------------------------ claims

T0 = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
#: A claim not refreshed for this long is taken to belong to a crashed process.
STALE = timedelta(minutes=5)


async def test_claims_go_to_one_owner_until_released_or_stale(db: Database) -> None:
    """X takes; Y is refused; X retakes its own; a stale claim is taken over; a non-owner's release does nothing."""
    claims = ClaimRepository(db)

    async def claim(owner: str, at: datetime) -> Claim:
        return await claims.claim(GUILD, "reminder:1", owner, at, at - STALE)

    assert await claim("X", T0) is Claim.TAKEN
    assert await claim("Y", T0 + timedelta(minutes=1)) is Claim.HELD_ELSEWHERE
    assert await claim("X", T0 + timedelta(minutes=4)) is Claim.TAKEN  # its own; refreshes claimed_at
    # Six minutes after the first claim but two after the refresh: still X's.
    assert await claim("Y", T0 + timedelta(minutes=6)) is Claim.HELD_ELSEWHERE
    assert await claim("Y", T0 + timedelta(minutes=10)) is Claim.TAKEN_OVER
    assert await db.fetch_value("SELECT owner FROM claims WHERE job_id = 'reminder:1'") == "Y"

    await claims.release(GUILD, "reminder:1", "X")  # X no longer holds it: nothing happens
    assert await db.fetch_value("SELECT owner FROM claims WHERE job_id = 'reminder:1'") == "Y"
    assert await claim("X", T0 + timedelta(minutes=11)) is Claim.HELD_ELSEWHERE

    await claims.release(GUILD, "reminder:1", "Y")
    assert await db.fetch_value("SELECT COUNT(*) FROM claims") == 0
    assert await claim("X", T0 + timedelta(minutes=12)) is Claim.TAKEN


async def test_claims_are_per_guild_and_per_job(db: Database) -> None:
    """The same job id in another guild, or another job in the same guild, is a separate claim."""
    claims = ClaimRepository(db)
    assert await claims.claim(GUILD, "job", "X", T0, T0 - STALE) is Claim.TAKEN
    assert await claims.claim(OTHER_GUILD, "job", "Y", T0, T0 - STALE) is Claim.TAKEN
    assert await claims.claim(GUILD, "other job", "Y", T0, T0 - STALE) is Claim.TAKEN


async def test_concurrent_claims_from_two_processes_give_the_job_to_exactly_one(
    two: tuple[Database, Database],
) -> None:
    """Ten owners claiming one job at once through two Database objects: one TAKEN, nine HELD_ELSEWHERE."""
    first, second = two
    outcomes = await asyncio.gather(
        *(
            ClaimRepository(first if n % 2 else second).claim(GUILD, "notice:7", f"owner-{n}", T0, T0 - STALE)
            for n in range(10)
        )
    )
    assert sorted(o.value for o in outcomes) == [Claim.HELD_ELSEWHERE.value] * 9 + [Claim.TAKEN.value]
    winner = f"owner-{outcomes.index(Claim.TAKEN)}"
    assert await first.fetch_value("SELECT owner FROM claims WHERE job_id = 'notice:7'") == winner


# ------------------------------------------------------------------------------------------ the outbox's rows


async def test_a_refused_change_leaves_no_row_in_the_outbox(services: Services, db: Database) -> None:
    """set_date refused for breaking the timetable's order raises InvalidInput and writes no change row."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "21 April 2025")
    before = await _changes_count(db)
    assert before == 1
    with pytest.raises(InvalidInput, match="can’t close before the ballot opens"):
        await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", CLOSE, "20 April 2025")
    assert await _changes_count(db) == before
    await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", CLOSE, "21 May 2025")
    assert await _changes_count(db) == before + 1


async def test_an_outbox_row_rolls_back_with_the_transaction_it_was_written_in(
    services: Services, db: Database
) -> None:
    """A set_date whose surrounding transaction fails afterwards leaves neither the date nor its change row."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    before = await db.dump()
    with pytest.raises(Boom):
        async with db.transaction():
            await services.elections.set_date(GUILD, ORGANISER, "NEC 2025", OPEN, "21 April 2025")
            assert await _changes_count(db) == 1  # written, inside the transaction
            raise Boom
    assert await _changes_count(db) == 0
    assert await db.dump() == before
