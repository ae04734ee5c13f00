"""Fixtures for the Discord stand-in: a fresh StandIn per test, or one per module with a bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from bot.endpoint import reset_discord_endpoints
from standin import StandIn


def _fail_on_violations(standin: StandIn) -> None:
    found = standin.clear_violations()
    if found:
        lines = "\n  ".join(str(v) for v in found)
        pytest.fail(f"{len(found)} Discord contract violation(s):\n  {lines}", pytrace=False)


@pytest_asyncio.fixture
async def standin() -> AsyncIterator[StandIn]:
    """A running StandIn for one test; the test fails if any request broke Discord's contract."""
    async with StandIn() as server:
        yield server
        _fail_on_violations(server)
    reset_discord_endpoints()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def module_standin() -> AsyncIterator[StandIn]:
    """One running StandIn shared by a test module (use with a module-scoped event loop)."""
    async with StandIn() as server:
        yield server
    reset_discord_endpoints()


@pytest.fixture
def discord_(module_standin: StandIn) -> Iterator[StandIn]:
    """The module's StandIn, checked after each test: any contract violation fails that test."""
    module_standin.clear_violations()
    yield module_standin
    _fail_on_violations(module_standin)
