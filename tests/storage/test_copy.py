"""
``copy_database``: every row of one engine's database into another, empty one, ids and all.

The source is the sample NEC 2025 campaign plus a result, a subscriber, a ledger row, a bot_state value and a
Discord event link, so that every copied table holds rows. Copies go SQLite to PostgreSQL and back.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.domain.enums import MilestoneKind
from bot.services.container import Services
from storage.copy import NOT_COPIED, TABLES, CopyRefused, copy_database
from storage.database import Database
from storage.migrate import load_migrations
from tests.fakes import GUILD, NEC_2025, ORGANISER, FakeClock
from tests.postgres_fixtures import drop_test_database, fresh_database_url

MEMBER = 777
EVENT_ID = 123_456_789_012_345_678
CHANNEL_ID = 223_456_789_012_345_678
SEAT = "East Midlands Regional (Male)"


class Boom(Exception):
    """Raised part-way through a copy to prove it lands whole or not at all."""


async def _fill(db: Database, clock: FakeClock) -> Services:
    """Import the sample into GUILD and add a row to every table the sample leaves empty."""
    services = Services.build(db, clock)
    await services.transfer.import_text(GUILD, ORGANISER, NEC_2025.read_text(encoding="utf-8"), filename=NEC_2025.name)
    await services.results.set(GUILD, ORGANISER, "Tom Barker", 1234, elected=True)
    await services.privacy.subscribe(GUILD, MEMBER)
    await services.guilds.set_reminder_channel(GUILD, ORGANISER, CHANNEL_ID, None)
    [occurrence, *_] = await services.reminders.occurrences(GUILD)
    assert await services.reminders.mark_sent(occurrence.job_id, 987_654_321)
    election = await services.elections.resolve(GUILD, "NEC 2025")
    await services.reminders.link_event(GUILD, election.id, EVENT_ID)
    await services.repos.state.set("commands:global", "abc123")
    await services.nominations.set_target(GUILD, ORGANISER, 3)
    await services.nominations.add(GUILD, ORGANISER, "Sandra Okafor", "Leicester City", "2025-01-28")
    await services.repos.turnout.pledge(GUILD, election.id, MEMBER, clock.now())
    await services.repos.turnout.report(GUILD, election.id, MEMBER, "East Midlands", clock.now())
    return services


async def _rows(db: Database) -> list[str]:
    """
    dump() with its lines sorted: the same rows, compared across engines.

    dump() orders each table by its first two columns only, which ties for ``milestones`` (election_id,
    guild_id): SQLite then answers in primary-key order and PostgreSQL in storage order, so the same rows can
    dump in a different order on the two engines. Sorting the lines compares exactly the rows, nothing less.
    """
    return sorted(await db.dump())


async def _counts(db: Database) -> dict[str, int]:
    """Rows per table."""
    return {
        table: int(await db.fetch_value(f"SELECT COUNT(*) FROM {table}"))  # noqa: S608 - our own table names
        for table in await db.tables()
    }


@pytest.fixture
async def sqlite_source(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Database]:
    """A SQLite database holding the sample and a row in every table that is copied."""
    db = await Database.open(tmp_path / "source.db")
    try:
        await _fill(db, clock)
        counts = await _counts(db)
        assert all(counts[table] > 0 for table in TABLES), counts
        assert set(counts) == set(TABLES) | NOT_COPIED
        yield db
    finally:
        await db.close()


@pytest.fixture
async def pg_target(postgres_base_url: str) -> AsyncIterator[Database]:
    """A fresh, migrated, empty PostgreSQL database (dropped afterwards)."""
    url = await fresh_database_url(postgres_base_url, migrated=True)
    try:
        db = await Database.open(url)
        try:
            yield db
        finally:
            await db.close()
    finally:
        await drop_test_database(postgres_base_url, url)


@pytest.fixture
async def pg_url(postgres_base_url: str) -> AsyncIterator[str]:
    """Another fresh, migrated, empty PostgreSQL database's URL (dropped afterwards)."""
    url = await fresh_database_url(postgres_base_url, migrated=True)
    try:
        yield url
    finally:
        await drop_test_database(postgres_base_url, url)


# ----------------------------------------------------------------------------------------- SQLite to PostgreSQL


async def test_a_copy_to_postgresql_holds_every_row_of_the_sqlite_source(
    sqlite_source: Database, pg_target: Database
) -> None:
    """After copying, dump() of the PostgreSQL target equals dump() of the SQLite source, row for row."""
    source_rows = await _rows(sqlite_source)
    assert len(source_rows) > 100
    await copy_database(sqlite_source, pg_target)
    assert await _rows(pg_target) == source_rows
    assert await _rows(sqlite_source) == source_rows  # the source is only read


async def test_the_copy_report_names_each_copied_table_with_its_row_count(
    sqlite_source: Database, pg_target: Database
) -> None:
    """The report lists every copied table in order with the source's row count, and the total is their sum."""
    counts = await _counts(sqlite_source)
    report = await copy_database(sqlite_source, pg_target)
    assert report.rows == tuple((table, counts[table]) for table in TABLES)
    assert report.total == sum(counts[table] for table in TABLES)


async def test_the_guilds_export_is_identical_from_the_copy(
    sqlite_source: Database, pg_target: Database, clock: FakeClock
) -> None:
    """The guild's YAML export, read through the services, is the same text from the source and the copy."""
    await copy_database(sqlite_source, pg_target)
    exported = await Services.build(sqlite_source, clock).transfer.export(GUILD, "yaml", None)
    assert "Tom Barker" in exported
    assert await Services.build(pg_target, clock).transfer.export(GUILD, "yaml", None) == exported


async def test_claims_are_not_copied(sqlite_source: Database, pg_target: Database, clock: FakeClock) -> None:
    """A claim held on the source (by a process of the old database) is not in the copy."""
    await Services.build(sqlite_source, clock).reminders.claim(GUILD, "1:1:ballot_open:1745222400:1d")
    assert await sqlite_source.fetch_value("SELECT COUNT(*) FROM claims") == 1
    report = await copy_database(sqlite_source, pg_target)
    assert "claims" not in dict(report.rows)
    assert await pg_target.fetch_value("SELECT COUNT(*) FROM claims") == 0


async def test_rows_added_after_the_copy_get_fresh_ids(
    sqlite_source: Database, pg_target: Database, clock: FakeClock
) -> None:
    """A candidate, an election and an outbox row added on the target take ids past every copied one."""
    await copy_database(sqlite_source, pg_target)
    largest = {
        table: int(await pg_target.fetch_value(f"SELECT MAX(id) FROM {table}"))  # noqa: S608 - our own names
        for table in ("candidates", "elections", "audit_log", "changes")
    }
    target = Services.build(pg_target, clock)
    candidate = await target.candidates.add(GUILD, ORGANISER, name="Ann Newcomer", seat=SEAT)
    assert candidate.id == largest["candidates"] + 1
    election = await target.elections.add(GUILD, ORGANISER, "NEC 2027")
    assert election.id == largest["elections"] + 1
    await target.elections.set_date(GUILD, ORGANISER, "NEC 2027", MilestoneKind.BALLOT_OPEN, "1 May 2027")
    assert await target.repos.changes.latest() == largest["changes"] + 1
    newest_audit = await pg_target.fetch_value("SELECT MAX(id) FROM audit_log")
    assert newest_audit == largest["audit_log"] + 3  # one audit row per change above


async def test_every_identity_moves_past_its_copied_ids(sqlite_source: Database, pg_target: Database) -> None:
    """Each table with an id key gets a next id above its largest copied id (a table copied empty starts at 1)."""
    await copy_database(sqlite_source, pg_target)
    for table in await pg_target.tables():
        sequence = await pg_target.fetch_value(
            "SELECT pg_get_serial_sequence(table_name, 'id') FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? AND column_name = 'id'",
            (table,),
        )
        if sequence is None:
            continue
        largest = await pg_target.fetch_value(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        assert await pg_target.fetch_value("SELECT nextval(?)", (sequence,)) == largest + 1, table


async def test_a_second_copy_into_the_filled_target_is_refused_and_changes_nothing(
    sqlite_source: Database, pg_target: Database, clock: FakeClock
) -> None:
    """Copying again raises CopyRefused naming the filled tables, and the target's dump is as the first copy left it."""
    await copy_database(sqlite_source, pg_target)
    after_first = await pg_target.dump()
    with pytest.raises(CopyRefused, match=r"already holds data \(in .*candidates"):
        await copy_database(sqlite_source, pg_target)
    assert await pg_target.dump() == after_first


async def test_a_target_holding_only_a_claim_is_refused(sqlite_source: Database, pg_target: Database) -> None:
    """Any row in the target refuses the copy, even one in a table that is not copied; nothing is written."""
    await pg_target.execute("INSERT INTO claims (guild_id, job_id, owner, claimed_at) VALUES (1, 'job', 'bot', 0)")
    before = await pg_target.dump()
    with pytest.raises(CopyRefused, match="claims"):
        await copy_database(sqlite_source, pg_target)
    assert await pg_target.dump() == before


async def test_a_copy_that_fails_part_way_leaves_the_target_empty(
    sqlite_source: Database, pg_target: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error after every row was inserted (moving the identities) rolls the whole copy back: one transaction."""

    async def fail() -> None:
        assert await pg_target.fetch_value("SELECT COUNT(*) FROM candidates"), "rows are in, inside the transaction"
        raise Boom

    monkeypatch.setattr(pg_target, "reset_identities", fail)
    with pytest.raises(Boom):
        await copy_database(sqlite_source, pg_target)
    assert all(count == 0 for count in (await _counts(pg_target)).values())


async def test_a_source_and_target_at_different_schema_versions_are_refused(
    sqlite_source: Database, postgres_url: str
) -> None:
    """A target migrated only to an older version raises CopyRefused naming both versions; nothing is written."""
    migrations = load_migrations("postgresql")
    older = migrations[-2]
    raw = await asyncpg.connect(postgres_url)
    try:
        await raw.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        for migration in migrations[: older.version]:
            await raw.execute(migration.sql)
            await raw.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", migration.version, migration.name
            )
    finally:
        await raw.close()
    target = await Database.open(postgres_url, migrate=False)
    try:
        assert await target.schema_version() == older.version
        before = await target.dump()
        message = f"source is at schema version {migrations[-1].version} and the target at {older.version}"
        with pytest.raises(CopyRefused, match=message):
            await copy_database(sqlite_source, target)
        assert await target.dump() == before
        assert "meetings" not in await target.tables()
    finally:
        await target.close()


# ----------------------------------------------------------------------------------------- PostgreSQL to SQLite


async def test_postgresql_to_sqlite_and_back_round_trips(
    pg_target: Database, pg_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    """The sample on PostgreSQL copied to SQLite and from there to another PostgreSQL: all three dumps equal."""
    await _fill(pg_target, clock)
    original = await _rows(pg_target)
    exported = await Services.build(pg_target, clock).transfer.export(GUILD, "yaml", None)

    sqlite = await Database.open(tmp_path / "copy.db")
    try:
        report = await copy_database(pg_target, sqlite)
        assert report.total == len(original)
        assert await _rows(sqlite) == original
        assert await Services.build(sqlite, clock).transfer.export(GUILD, "yaml", None) == exported

        again = await Database.open(pg_url)
        try:
            await copy_database(sqlite, again)
            assert await _rows(again) == original
        finally:
            await again.close()
    finally:
        await sqlite.close()


async def test_rows_added_to_a_sqlite_copy_get_fresh_ids(pg_target: Database, tmp_path: Path, clock: FakeClock) -> None:
    """On a SQLite copy, a new candidate and a new outbox row take ids past the copied ones."""
    await _fill(pg_target, clock)
    sqlite = await Database.open(tmp_path / "copy.db")
    try:
        await copy_database(pg_target, sqlite)
        largest_candidate = await sqlite.fetch_value("SELECT MAX(id) FROM candidates")
        largest_change = await sqlite.fetch_value("SELECT MAX(id) FROM changes")
        services = Services.build(sqlite, clock)
        candidate = await services.candidates.add(GUILD, ORGANISER, name="Ann Newcomer", seat=SEAT)
        assert candidate.id == largest_candidate + 1
        async with sqlite.transaction():
            change_id = await services.repos.changes.add(GUILD, clock.now())
        assert change_id == largest_change + 1
    finally:
        await sqlite.close()
