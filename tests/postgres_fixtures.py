"""
Fixtures for tests on a real PostgreSQL (a pytest plugin: load it with ``pytest_plugins``).

``postgres_base_url`` (session) is the server: the one CI started (``SLATEBOT_TEST_POSTGRES_URL``, see
``python -m standin.postgres start``) or else a :class:`~standin.postgres.ThrowawayPostgres` for the session. On a
machine without PostgreSQL the tests that ask for it skip. ``postgres_url`` (per test) is a fresh, empty database
on that server, dropped after the test.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from urllib.parse import unquote, urlsplit

import pytest

from standin.postgres import PostgresUnavailable, ThrowawayPostgres, create_database, database_url, drop_database

#: Set by CI to a server it started for the whole run; the fixtures then start none.
URL_VARIABLE = "SLATEBOT_TEST_POSTGRES_URL"

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_base_url() -> Iterator[str]:
    """The URL of a PostgreSQL server's ``postgres`` database as a superuser, for the whole session."""
    given = os.environ.get(URL_VARIABLE)
    if given:
        yield given
        return
    server = ThrowawayPostgres()
    try:
        server.start()
    except PostgresUnavailable as error:
        pytest.skip(f"PostgreSQL is not installed here: {error}")
    try:
        yield server.url
    finally:
        server.stop()


#: A database migrated once per session, which each test's migrated database is copied from (much faster than
#: migrating each one).
TEMPLATE = f"slatebot_template_{secrets.token_hex(4)}"


async def fresh_database_url(base: str, *, migrated: bool = False) -> str:
    """
    Create a database with a name no other test uses on the server of ``base``; returns its URL.

    With ``migrated``, it is a copy of a database with every migration applied (made on first use).
    """
    name = f"slatebot_test_{next(_numbers)}_{secrets.token_hex(4)}"
    if not migrated:
        return await create_database(base, name)
    if TEMPLATE not in _made:
        from storage.database import Database

        template = await Database.open(await create_database(base, TEMPLATE))
        await template.close()
        _made.add(TEMPLATE)
    return await create_database(base, name, template=TEMPLATE)


_made: set[str] = set()


async def drop_test_database(base: str, url: str) -> None:
    """Drop a database :func:`fresh_database_url` made."""
    await drop_database(base, unquote(urlsplit(url).path.lstrip("/")))


def template_url(base: str) -> str:
    """The URL of the session's migrated template database."""
    return database_url(base, TEMPLATE)


@pytest.fixture
async def postgres_url(postgres_base_url: str) -> AsyncIterator[str]:
    """The URL of a new, empty database for one test, dropped afterwards (whoever is still connected)."""
    url = await fresh_database_url(postgres_base_url)
    try:
        yield url
    finally:
        await drop_database(postgres_base_url, unquote(urlsplit(url).path.lstrip("/")))
