"""``/organise date ...`` and ``/organise seat ...`` on the local Discord: timetable order, clock changes, wording."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from standin.interactions import Reply
from tests.e2e.conftest import GUILD, ORGANISER, World

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def run(world: World, parts: str, options: Mapping[str, Any], **kw: Any) -> Reply:
    """Run ``/organise <parts>`` as the organiser, with options given as a dict."""
    return await world.discord.invoke(["organise", *parts.split()], options=dict(options), user=ORGANISER, **kw)


async def new_election(world: World, name: str) -> None:
    """Add an empty election to the sample server."""
    await world.services.elections.add(GUILD, ORGANISER, name)


# ----------------------------------------------------------------------------------------- timetable order


async def test_results_before_the_ballot_opens_are_refused_with_the_open_named(world: World) -> None:
    """With the close undated, results months before the open are refused, naming the open and its date."""
    await new_election(world, "Order E2E 2025")
    await run(world, "date set", {"election": "Order E2E 2025", "kind": "ballot_open", "date": "21 April 2025"})
    before = await world.settled_dump()
    reply = await run(world, "date set", {"election": "Order E2E 2025", "kind": "results", "date": "21 September 2024"})
    assert reply.ephemeral
    assert "Results can’t be before the ballot opens (21 April 2025 09:00)." in reply.text()
    assert "Change ballot_open first" in reply.text()
    assert await world.dump() == before


async def test_a_ballot_that_closes_as_it_opens_is_refused(world: World) -> None:
    """A close at the very moment of the open is refused: the ballot window would be empty."""
    await new_election(world, "Empty Window 2025")
    await run(
        world,
        "date set",
        {"election": "Empty Window 2025", "kind": "ballot_open", "date": "2025-06-02", "time": "17:00"},
    )
    before = await world.settled_dump()
    reply = await run(
        world, "date set", {"election": "Empty Window 2025", "kind": "ballot_close", "date": "2 June 2025"}
    )
    assert reply.ephemeral
    assert "The ballot can’t close at the same moment the ballot opens (2 June 2025 17:00)" in reply.text()
    assert await world.dump() == before


# ------------------------------------------------------------------------------------------ clock changes


async def test_a_time_the_clocks_skip_is_refused_saying_why(world: World) -> None:
    """01:30 on 30 March 2025 does not exist in London: refused with the reason; nothing stored."""
    await new_election(world, "Spring Gap 2025")
    before = await world.settled_dump()
    reply = await run(
        world,
        "date set",
        {"election": "Spring Gap 2025", "kind": "ballot_open", "date": "30 March 2025", "time": "01:30"},
    )
    assert reply.ephemeral
    assert (
        "01:30 on 30 March 2025 does not exist in Europe/London: the clocks go forward from 01:00 to 02:00. "
        "Use 02:00 or later" in reply.text()
    )
    assert await world.dump() == before


async def test_a_time_the_clocks_repeat_says_which_was_taken(world: World) -> None:
    """01:30 on 26 October 2025 is stored as the first (BST) pass and the reply says so."""
    await new_election(world, "Autumn Fold 2025")
    reply = await run(
        world,
        "date set",
        {"election": "Autumn Fold 2025", "kind": "ballot_open", "date": "26 October 2025", "time": "01:30"},
    )
    assert reply.ephemeral
    assert "01:30 BST, the first of the two" in reply.text()
    stored = await world.services.elections.resolve(GUILD, "Autumn Fold 2025")
    assert [m.at for m in stored.timetable] == [datetime(2025, 10, 26, 0, 30, tzinfo=UTC)]


# ------------------------------------------------------------------------------------------------ wording


async def test_date_set_and_clear_name_the_election_and_read_naturally(world: World) -> None:
    """Setting names the milestone and election; an unchanged date says so; clearing says what was removed."""
    await new_election(world, "Wording 2026")
    options = {"election": "Wording 2026", "kind": "replacement_deadline", "date": "14 May 2026"}
    first = (await run(world, "date set", options)).text()
    assert "**Wording 2026**" in first and "Thursday 14 May 2026 at 12:00 (Europe/London)" in first
    again = (await run(world, "date set", options)).text()
    assert "That was already its date." in again
    cleared = (await run(world, "date clear", {"election": "Wording 2026", "kind": "replacement_deadline"})).text()
    assert cleared.startswith(
        "Removed the last day to ask for a replacement ballot paper from **Wording 2026**’s timetable "
        "(it was Thursday 14 May 2026 at 12:00 (Europe/London)"
    )


async def test_seat_add_and_edit_name_the_election_count_places_and_say_what_changed(world: World) -> None:
    """Seat replies name the election, say 1 place / 2 places, and an edit lists each change as before → after."""
    await new_election(world, "Seats E2E 2026")
    added = await run(
        world,
        "seat add",
        {
            "election": "Seats E2E 2026",
            "name": "Wirral Seat",
            "electorate_type": "group",
            "electorate": "Young members",
        },
    )
    assert added.ephemeral
    assert added.text() == "Added the seat **Wirral Seat** to **Seats E2E 2026** (group: Young members, 1 place)."
    edited = await run(world, "seat edit", {"seat": "Wirral Seat", "places": 2})
    assert edited.text() == "Updated **Wirral Seat** (Seats E2E 2026): places 1 → 2."
    renamed = await run(
        world, "seat edit", {"seat": "Wirral Seat", "name": "Wirral Seat’s New Name", "electorate_type": "national"}
    )
    assert renamed.text() == (
        "Updated **Wirral Seat’s New Name** (Seats E2E 2026): name Wirral Seat → Wirral Seat’s New Name, "
        "electorate type group → national."
    )


# ------------------------------------------------------------------------------------------------- import

BAD_ORDER = b"""format: 1
elections:
  - name: Import Order 2025
    timetable:
      ballot_open: "2025-04-21 09:00"
      results: "2024-09-21 09:00"
    seats:
      - name: Import Order Seat
        electorate_type: national
        electorate: Everyone
"""


async def test_an_import_with_the_timetable_out_of_order_changes_nothing(world: World) -> None:
    """An imported timetable whose results come before its open is refused whole, naming the clash."""
    before = await world.settled_dump()
    reply = await run(world, "import", {"file": ("order.yaml", BAD_ORDER)}, wait_for_followup=True)
    assert "Nothing was imported" in reply.text()
    assert "Results can’t be before the ballot opens (21 April 2025 09:00)" in reply.text()
    assert await world.dump() == before


SKIPPED_TIME = b"""format: 1
elections:
  - name: Import Gap 2025
    timetable:
      ballot_open: "2025-03-30 01:30"
"""


async def test_an_import_with_a_time_the_clocks_skip_changes_nothing(world: World) -> None:
    """A file dating a milestone at a local time that does not exist is refused whole, saying why."""
    before = await world.settled_dump()
    reply = await run(world, "import", {"file": ("gap.yaml", SKIPPED_TIME)}, wait_for_followup=True)
    assert "Nothing was imported" in reply.text()
    assert "01:30 on 30 March 2025 does not exist in Europe/London" in reply.text()
    assert await world.dump() == before
