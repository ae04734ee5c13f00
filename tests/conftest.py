"""
Fixtures on real storage, the real services, and a fake clock.

``db`` is a freshly migrated database on each engine in turn: a SQLite file in ``tmp_path``, and a new database on a
throwaway PostgreSQL server (:mod:`tests.postgres_fixtures`; skipped where PostgreSQL is not installed). So every
storage and service test runs on both.
"""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services.container import Services
from storage.database import Database
from tests.fakes import GUILD, NEC_2025, ORGANISER, FakeClock

pytest_plugins = ["tests.postgres_fixtures"]

#: The engines every storage, service and end-to-end test runs on; SLATEBOT_TEST_BACKENDS=sqlite narrows a quick
#: local run to one (CI runs both).
BACKENDS = tuple(
    name.strip() for name in os.environ.get("SLATEBOT_TEST_BACKENDS", "sqlite,postgresql").split(",") if name.strip()
)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The engine under test: ``sqlite`` or ``postgresql``."""
    return str(request.param)


@pytest.fixture
async def database_target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Path | str]:
    """What ``Database.open`` takes for a new, migrated database on ``backend``: a file path or a URL."""
    if backend == "sqlite":
        yield tmp_path / "slatebot.db"
        return
    from tests.postgres_fixtures import drop_test_database, fresh_database_url

    base = request.getfixturevalue("postgres_base_url")
    url = await fresh_database_url(base, migrated=True)
    try:
        yield url
    finally:
        await drop_test_database(base, url)


@pytest.fixture
async def db(database_target: Path | str) -> AsyncIterator[Database]:
    """A freshly migrated database on each engine, closed after the test."""
    database = await Database.open(database_target)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def clock() -> FakeClock:
    """A clock at ``tests.fakes.START`` that the test moves by hand."""
    return FakeClock()


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    """Every service over the test database and the fake clock."""
    return Services.build(db, clock)


@pytest.fixture
async def nec_services(services: Services) -> Services:
    """The services with the sample NEC 2025 campaign (examples/nec_2025.yaml) imported into ``GUILD``."""
    await services.transfer.import_text(GUILD, ORGANISER, NEC_2025.read_text(encoding="utf-8"), filename=NEC_2025.name)
    return services


@pytest.fixture
async def campaign(services: Services) -> Services:
    """The services with one election, ``NEC 2025``, holding one seat, ``East Midlands Regional (Male)``."""
    await services.elections.add(GUILD, ORGANISER, "NEC 2025")
    await services.seats.add(
        GUILD,
        ORGANISER,
        election="NEC 2025",
        name="East Midlands Regional (Male)",
        electorate_type="region",
        electorate="East Midlands",
    )
    return services
