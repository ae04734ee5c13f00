"""Fixtures on real storage: a migrated SQLite file in ``tmp_path``, the real services, and a fake clock."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services.container import Services
from storage.database import Database
from tests.fakes import GUILD, NEC_2025, ORGANISER, FakeClock


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A freshly migrated database file, closed after the test."""
    database = await Database.open(tmp_path / "slatebot.db")
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
