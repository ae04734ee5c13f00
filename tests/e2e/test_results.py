"""/results and /organise result set through the local Discord: votes, the elected, the tally, and a chart."""

import asyncio
import struct
import threading
from collections.abc import Mapping
from typing import Any

import pytest
import pytest_asyncio

from bot.domain.enums import ElectorateType
from bot.domain.models import Candidate, Election, Result, Seat, SeatWithCandidates
from bot.domain.results import election_results
from cogs._ui import charts
from standin.interactions import Reply
from tests.e2e.conftest import ACTIVIST, EMPTY_GUILD, GUILD, ORGANISER, World

pytestmark = pytest.mark.asyncio(loop_scope="module")

SLATE = "Time for Real Change"
GS = "Results General Secretary 2020"
GS_RESULT = {"Christina McAnea": 63_900, "Paul Holmes": 45_220, "Roger McKenzie": 14_450, "Hugo Pierre": 10_382}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def result_set(world: World, options: dict[str, Any]) -> Reply:
    return await world.discord.invoke(["organise", "result", "set"], options=options, user=ORGANISER)


async def results(world: World, options: dict[str, Any] | None = None, **kw: Any) -> Reply:
    return await world.discord.invoke(
        ["results"], options=options or {}, user=ACTIVIST, wait_for_followup=True, followup_timeout=30, **kw
    )


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def add_election(world: World, name: str, seats: Mapping[str, tuple[int, Mapping[str, str | None]]]) -> None:
    """An election with seats {name: (places, {candidate: slate})}, set up directly (not what is under test)."""
    services = world.services
    await services.elections.add(GUILD, ORGANISER, name)
    for seat, (places, people) in seats.items():
        await services.seats.add(
            GUILD, ORGANISER, election=name, name=seat, electorate_type="national", electorate="All", places=places
        )
        for person, slate in people.items():
            await services.candidates.add(GUILD, ORGANISER, name=person, seat=seat, election=name, slate=slate)


@pytest_asyncio.fixture(loop_scope="module")
async def general_secretary(world: World) -> World:
    """The 2020 General Secretary election, once per module, with its votes recorded through /organise result set."""
    if GS not in await world.services.campaign.election_names(GUILD):
        people: dict[str, str | None] = dict.fromkeys(GS_RESULT)
        people["Hugo Pierre"] = SLATE
        await add_election(world, GS, {"General Secretary": (1, people)})
        for name, count in GS_RESULT.items():
            reply = await result_set(world, {"candidate": name, "votes": count})
            assert reply.ephemeral
            assert f"Recorded {count:,} votes" in reply.text()
    return world


async def test_result_set_then_results_shows_votes_the_elected_and_a_chart(general_secretary: World) -> None:
    """After /organise result set, /results defers, then ranks the votes, marks the elected and attaches a PNG."""
    reply = await results(general_secretary, {"election": GS})
    assert reply.deferred
    assert reply.ephemeral
    text = reply.text()
    assert "General Secretary" in text
    assert text.index("Christina McAnea") < text.index("Paul Holmes") < text.index("Hugo Pierre")
    assert "63,900 votes · ✅ elected" in text
    assert "★ Hugo Pierre" in text
    assert f"★ **{SLATE}** won **0** of 1 place." in text
    [file] = reply.files
    assert file.filename == "results.png"
    width, height = png_size(file.data)
    assert 800 <= width <= 2000 and 450 <= height <= 2500, (width, height)
    assert reply.embeds[0]["image"]["url"].endswith("results.png")


async def test_results_for_one_seat_draws_that_seats_votes(general_secretary: World) -> None:
    """/results seat: shows just that seat, found by a forgiving name, with its chart."""
    reply = await results(general_secretary, {"election": GS, "seat": "general secretary"})
    assert reply.embeds[0]["title"] == "General Secretary: results"
    assert "vote for 1" in reply.text()
    width, height = png_size(reply.files[0].data)
    assert width >= 800 and height >= 450


async def test_shared_results_are_posted_in_the_channel(general_secretary: World) -> None:
    """share: true posts the results for everyone."""
    reply = await results(general_secretary, {"election": GS, "share": True})
    assert not reply.ephemeral
    assert reply.files


async def test_seat_autocomplete_offers_the_chosen_elections_seats(general_secretary: World) -> None:
    """The seat option completes from the election chosen in the same command."""
    choices = await general_secretary.discord.autocomplete("results", "seat", "gen", options={"election": GS})
    assert choices[0]["name"] == "General Secretary"


async def test_the_bot_keeps_answering_while_a_chart_is_drawn(
    general_secretary: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While /results draws its chart (held up on purpose), /ballot is answered at once: drawing is off the loop."""
    world = general_secretary
    started, release = threading.Event(), threading.Event()
    real = charts.results_chart

    def slow_chart(*args: Any) -> bytes:
        started.set()
        release.wait(15)
        return real(*args)

    monkeypatch.setattr(charts, "results_chart", slow_chart)
    try:
        drawing = asyncio.create_task(results(world, {"election": GS}))
        assert await asyncio.to_thread(started.wait, 10), "the chart was never started"
        ballot, tally = await asyncio.gather(
            world.discord.invoke("/ballot", user=ACTIVIST), world.discord.invoke("/ballot share: true", user=ACTIVIST)
        )
        assert ballot.ok and "Ballot open now" in ballot.text()
        assert tally.ok
        assert not drawing.done()
        assert drawing_followups(world, ballot) == 0
    finally:
        release.set()
    reply = await drawing
    assert reply.deferred and reply.files
    assert ballot.pending.callback_time is not None and reply.pending.callback_time is not None
    assert reply.pending.callback_time <= ballot.pending.callback_time


def drawing_followups(world: World, ballot: Reply) -> int:
    """Follow-ups sent so far to the pending /results (none while its chart is held)."""
    pending = [p for p in world.discord.interactions.pending.values() if p.id != ballot.pending.id]
    waiting = [p for p in pending if p.callback_type == 5 and not p.followup_ids]
    assert waiting, "the /results interaction should be deferred and waiting for its chart"
    return sum(len(p.followup_ids) for p in waiting)


async def test_nec_tally_pages_many_seats_and_says_up_from_last_time(world: World) -> None:
    """A 26-seat NEC: the slate's places counted against the previous NEC, pages within Discord's limits."""
    services = world.services
    seats_2013 = {
        f"Seat {n:02d}": (1, {f"Ours 2013 {n}": SLATE, f"Theirs 2013 {n}": "Members First"}) for n in range(4)
    }
    await add_election(world, "Results NEC 2013", seats_2013)
    for n in range(4):
        await services.results.set(
            GUILD, ORGANISER, f"Ours 2013 {n}", 900 if n < 1 else 100, election="Results NEC 2013"
        )
        await services.results.set(GUILD, ORGANISER, f"Theirs 2013 {n}", 500, election="Results NEC 2013")
    seats_2015: dict[str, tuple[int, dict[str, str | None]]] = {
        f"Region {n:02d} Regional Seat With A Long Name (General)": (
            2,
            {f"Ours 2015 {n} A": SLATE, f"Ours 2015 {n} B": SLATE, f"Theirs 2015 {n}": "Members First"},
        )
        for n in range(24)
    }
    seats_2015["Tied Seat"] = (1, {"Tied One": SLATE, "Tied Two": None})
    seats_2015["Quiet Seat"] = (1, {"Quiet Winner": SLATE})
    await add_election(world, "Results NEC 2015", seats_2015)
    for n in range(24):
        await services.results.set(GUILD, ORGANISER, f"Ours 2015 {n} A", 800, election="Results NEC 2015")
        await services.results.set(
            GUILD, ORGANISER, f"Ours 2015 {n} B", 700 if n < 2 else 100, election="Results NEC 2015"
        )
        await services.results.set(GUILD, ORGANISER, f"Theirs 2015 {n}", 600, election="Results NEC 2015")
    for name in ("Tied One", "Tied Two"):
        await services.results.set(GUILD, ORGANISER, name, 321, election="Results NEC 2015")
    reply = await results(world, {"election": "Results NEC 2015"})
    text = reply.text()
    # 24 + 2 (both places in two seats) + 1 unopposed = 27 of 24 * 2 + 1 + 1 = 50; 2013 won 1.
    assert f"★ **{SLATE}** won **27** of 50 places, up from 1 in Results NEC 2013. Others won 22." in text
    assert "1 place is still to be declared" in text
    assert "Tie at the cut in Tied Seat" in text
    assert "Page 1 of 3" in text
    assert "pages:next" in reply.custom_ids()
    first = reply.embeds[0]
    assert len(first["fields"]) <= 25 and len(first.get("description", "")) <= 4096
    pages = [first]
    for _ in range(2):
        turned = await world.discord.click(reply, "pages:next", user=ACTIVIST)
        pages.append(turned.embeds[0])
    shown = "\n".join(f["value"] for page in pages for f in page["fields"])
    assert "elected unopposed" in shown
    assert "tied at the cut" in shown
    assert "Page 3 of 3" in pages[-1]["footer"]["text"]
    assert all(len(f["value"]) <= 1024 for page in pages for f in page["fields"])


async def test_an_election_with_no_results_names_the_command_to_record_them(world: World) -> None:
    """No results yet: an ephemeral answer naming /organise result set, not an error or an empty chart."""
    reply = await world.discord.invoke("/results share: true", user=ACTIVIST)
    assert reply.ephemeral
    assert "NEC 2025 has no results yet" in reply.text()
    assert "/organise result set" in reply.text()
    assert not reply.files


async def test_an_empty_server_is_told_how_to_start(world: World) -> None:
    """A server with no elections is pointed at /organise election add."""
    reply = await world.discord.invoke("/results", guild=EMPTY_GUILD, user="newcomer")
    assert reply.ephemeral
    assert "/organise election add" in reply.text()


async def test_a_result_for_a_candidate_of_another_election_is_refused(general_secretary: World) -> None:
    """Naming a candidate with an election they do not stand in is refused ephemerally, nothing changed."""
    world = general_secretary
    before = await world.settled_dump()
    reply = await result_set(world, {"candidate": "Christina McAnea (NEC 2025)", "votes": 5})
    assert reply.ephemeral
    assert "Christina McAnea does not stand in NEC 2025" in reply.text()
    assert f"they stand in {GS}" in reply.text()
    assert await world.settled_dump() == before


async def test_negative_votes_are_refused_and_change_nothing(general_secretary: World) -> None:
    """Votes below 0 are refused ephemerally with the rule, and the stored result stays as it was."""
    world = general_secretary
    before = await world.settled_dump()
    reply = await result_set(world, {"candidate": "Paul Holmes", "votes": -5})
    assert reply.ephemeral
    assert "from 0 to" in reply.text()
    assert "Sorry, something went wrong" not in reply.text()
    assert await world.settled_dump() == before
    again = await results(world, {"election": GS})
    assert "45,220 votes" in again.text()


async def test_a_chart_of_sixty_candidates_grows_taller_and_shows_names_literally() -> None:
    """Many bars make a taller image, and a ``$`` or markdown in a name never breaks the drawing."""
    election = Election(1, GUILD, "Stewards 2026")
    seat = Seat(1, GUILD, 1, "Stewards", ElectorateType.NATIONAL, "Branch", 10)
    people = tuple(
        Candidate(n + 1, GUILD, 1, f"Steward {n:02d} $x$ **{'long ' * 8}**", slate=SLATE if n % 3 else None)
        for n in range(60)
    )
    found = election_results(
        election,
        [SeatWithCandidates(seat, people)],
        {c.id: Result(c.id, GUILD, 5000 - 7 * c.id) for c in people},
        SLATE,
    )
    width, height = png_size(charts.results_chart(found, found.seats[0]))
    assert 800 <= width <= 2000 and height > 1500
    width, height = png_size(charts.results_chart(found))
    assert 800 <= width <= 2000 and 450 <= height <= 1200


REPLY = "Results Reply 2031"


@pytest_asyncio.fixture(loop_scope="module")
async def two_for_one_place(world: World) -> World:
    """An election with no dates, holding one seat of one place and two candidates."""
    if REPLY not in await world.services.campaign.election_names(GUILD):
        await add_election(world, REPLY, {"Reply Seat": (1, {"Ann Reply": SLATE, "Bob Reply": None})})
    return world


async def test_the_result_set_reply_names_candidate_seat_and_election_with_agreeing_plurals(
    two_for_one_place: World,
) -> None:
    """'Recorded 5,000 votes for **Ann Reply** (Reply Seat, <election>): elected.'; '1 vote', never '1 votes'."""
    world = two_for_one_place
    many = await result_set(world, {"candidate": f"Ann Reply ({REPLY})", "votes": 5000, "elected": True})
    assert many.ephemeral
    assert f"Recorded 5,000 votes for **Ann Reply** (Reply Seat, {REPLY}): elected." in many.text()
    one = await result_set(world, {"candidate": f"Bob Reply ({REPLY})", "votes": 1, "elected": False})
    assert f"Recorded 1 vote for **Bob Reply** (Reply Seat, {REPLY}): not elected." in one.text()
    assert "1 votes" not in one.text()


async def test_a_second_winner_for_a_one_place_seat_is_refused_and_changes_nothing(two_for_one_place: World) -> None:
    """Two marked elected for one place is refused, naming the seat, its places and who is already elected."""
    world = two_for_one_place
    await result_set(world, {"candidate": f"Ann Reply ({REPLY})", "votes": 5000, "elected": True})
    before = await world.settled_dump()
    reply = await result_set(world, {"candidate": f"Bob Reply ({REPLY})", "votes": 4000, "elected": True})
    assert reply.ephemeral
    text = reply.text()
    assert "Reply Seat" in text and "1 place" in text and "Ann Reply is already marked elected" in text
    assert await world.settled_dump() == before
    shown = await results(world, {"election": REPLY})
    assert shown.text().count("✅ elected") == 1
