"""Activist commands through the local Discord, on the NEC 2025 sample."""

from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest

from bot.domain.enums import MilestoneKind
from standin.interactions import Reply
from tests.e2e.conftest import ACTIVIST, EMPTY_GUILD, GUILD, ORGANISER, World

pytestmark = pytest.mark.asyncio(loop_scope="module")

ELECTION = "NEC 2025"
SLATE = "Time for Real Change"
#: Monday 19 May 2025 09:00 BST: two working days before the close on Wednesday 21 May.
POST_BY = int(datetime(2025, 5, 19, 8, 0, tzinfo=UTC).timestamp())
CLOSE = int(datetime(2025, 5, 21, 16, 0, tzinfo=UTC).timestamp())


def embed_text(embed: dict[str, Any]) -> str:
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(p for p in parts if p)


def component_ids(reply: Reply) -> list[str]:
    return reply.custom_ids()


async def add_candidate(world: World, name: str, seat: str, **fields: Any) -> int:
    cand = await world.services.candidates.add(GUILD, ORGANISER, name=name, seat=seat, election=ELECTION, **fields)
    return cand.id


async def test_slate_lists_our_candidates_by_seat_with_a_select_menu(world: World) -> None:
    """/slate shows the slate's candidates grouped by seat, ephemerally, with a select to open statements."""
    reply = await world.discord.invoke("/slate", user=ACTIVIST)
    assert reply.ephemeral
    text = reply.text()
    assert f"{SLATE} candidates in {ELECTION}" in text
    assert "East Midlands Regional (Male)" in text
    assert "Tom Barker" in text
    assert "slate:candidate" in component_ids(reply)
    assert "pages:next" in component_ids(reply), "39 slate candidates need more than one page of 25"
    assert "Members First" not in text


async def test_slate_select_opens_a_statement_ephemerally_for_whoever_picks(world: World) -> None:
    """Picking a name in /slate's menu answers the picker with that candidate's statement."""
    reply = await world.discord.invoke("/slate share: true", user=ACTIVIST)
    assert not reply.ephemeral
    menu = next(c for row in reply.components for c in row["components"] if c.get("custom_id") == "slate:candidate")
    option = next(o for o in menu["options"] if o["label"] == "Tom Barker")
    opened = await world.discord.select(reply, "slate:candidate", [option["value"]], user=ORGANISER)
    assert opened.ephemeral
    assert opened.embeds[0]["title"] == "Tom Barker"
    assert "special educational needs" in opened.text()


async def test_slate_pages_turn_only_for_the_member_who_asked(world: World) -> None:
    """Another member pressing Next is told so, and the page does not change."""
    reply = await world.discord.invoke("/slate share: true", user=ACTIVIST)
    refused = await world.discord.click(reply, "pages:next", user=ORGANISER)
    assert refused.ephemeral
    assert "Only the person who asked" in refused.text()
    turned = await world.discord.click(reply, "pages:next", user=ACTIVIST)
    assert "Page 2 of" in turned.text()


async def test_candidate_shows_the_card_and_statement(world: World) -> None:
    """/candidate gives the card (seat, slate, branch, job) and the statement."""
    reply = await world.discord.invoke("/candidate name: Tom Barker", user=ACTIVIST)
    assert reply.ephemeral
    [embed] = reply.embeds
    text = embed_text(embed)
    assert embed["title"] == "Tom Barker"
    assert "East Midlands Regional (Male)" in text
    assert "our slate" in text
    assert "Leicester" in text


async def test_candidate_name_is_matched_forgivingly(world: World) -> None:
    """Case and accents do not matter when naming a candidate."""
    reply = await world.discord.invoke("/candidate name: zoe hartley", user=ACTIVIST)
    assert reply.embeds[0]["title"] == "Zoë Hartley"


async def test_unknown_candidate_gets_a_suggestion_not_an_error(world: World) -> None:
    """A misspelt name is answered ephemerally with the closest names."""
    reply = await world.discord.invoke("/candidate name: Tom Baker", user=ACTIVIST)
    assert reply.ephemeral
    assert "Did you mean" in reply.text()
    assert "Tom Barker" in reply.text()


async def test_a_nine_thousand_character_statement_pages_within_limits(world: World) -> None:
    """A long statement is split over pages turned with Previous/Next, each page within Discord's limits."""
    paragraph = "We will defend every job and every service. " * 21
    statement = "\n\n".join(f"{n}. {paragraph}" for n in range(1, 11))
    assert len(statement) > 9000
    cid = await add_candidate(world, "Priya Longstatement", "Health Service Group (Female)", slate=SLATE)
    await world.services.candidates.set_statement(GUILD, ORGANISER, cid, statement)
    reply = await world.discord.invoke("/candidate name: Priya Longstatement", user=ACTIVIST)
    assert "pages:next" in component_ids(reply)
    pages = [reply.embeds[0]]
    current = reply
    while True:
        footer = current.embeds[0]["footer"]["text"]
        number, total = (int(x) for x in footer.removeprefix("Statement page ").split(" of "))
        if number == total:
            break
        current = await world.discord.click(reply, "pages:next", user=ACTIVIST)
        pages.append(current.embeds[0])
    assert len(pages) >= 3
    assert all(len(p["description"]) <= 4096 for p in pages)
    shown = "".join(p["description"] for p in pages).replace("\n", "").replace(" ", "")
    assert shown.count("Wewilldefendeveryjob") == 210


async def test_seat_with_two_places_says_vote_for_up_to_two(world: World) -> None:
    """/seat shows the electorate, the places and every candidate with the slate's marked."""
    reply = await world.discord.invoke("/seat name: Greater London Regional (Female)", user=ACTIVIST)
    text = reply.text()
    assert "vote for up to 2" in text
    assert "Members in the Greater London region" in text
    assert "★" in text


async def test_unopposed_seat_is_shown_as_pending_declaration(world: World) -> None:
    """A seat with no more candidates than places is unopposed, pending declaration."""
    reply = await world.discord.invoke("/seat name: Energy Service Group (General)", user=ACTIVIST)
    assert "unopposed, pending declaration" in reply.text()


async def test_howtovote_lists_the_members_own_papers_and_the_post_by_day(world: World) -> None:
    """Region, service group, national and young members' papers, with the slate's picks and the window."""
    reply = await world.discord.invoke(
        "/howtovote region: east midlands service_group: Health groups: young", user=ACTIVIST
    )
    assert reply.ephemeral
    text = reply.text()
    for title in ("Your region: East Midlands", "Your service group: Health", "National seats", "Young members"):
        assert title in text
    assert "Tom Barker" in text
    assert "Kevin Corran" in text
    assert f"<t:{POST_BY}:F>" in text
    assert f"<t:{CLOSE}:F>" in text
    assert "Cymru/Wales" not in text


async def test_howtovote_unknown_region_lists_the_regions(world: World) -> None:
    """An unknown region is refused with the list of regions, ephemerally."""
    reply = await world.discord.invoke("/howtovote region: Atlantis", user=ACTIVIST)
    assert reply.ephemeral
    assert "No region called “Atlantis”" in reply.text()
    assert "Yorkshire & Humberside" in reply.text()


async def test_ballot_leads_with_open_now_inside_the_window(world: World) -> None:
    """Inside the window /ballot says the ballot is open and when it closes, with every milestone."""
    reply = await world.discord.invoke("/ballot", user=ACTIVIST)
    text = reply.text()
    assert text.index("Ballot open now") < text.index("Ballot opens")
    assert f"<t:{CLOSE}:R>" in text
    assert "Post your ballot paper by" in text


async def test_ballot_before_the_window_says_when_it_opens(world: World) -> None:
    """Before the window, /ballot says when it opens instead."""
    world.clock.set(datetime(2025, 3, 1, tzinfo=UTC))
    reply = await world.discord.invoke("/ballot", user=ACTIVIST)
    assert "Ballot open now" not in reply.text()
    assert "The ballot opens" in reply.text()


async def test_platform_is_numbered(world: World) -> None:
    """/platform lists the guild slate's points, numbered."""
    reply = await world.discord.invoke("/platform", user=ACTIVIST)
    text = reply.text()
    assert f"{SLATE}: our platform" in text
    assert "**1.**" in text and "**10.**" in text


async def test_calendar_parses_back_with_the_same_instants(world: World) -> None:
    """/calendar attaches an RFC 5545 file whose events fall at the stored instants, plus the post-by day."""
    reply = await world.discord.invoke("/calendar", user=ACTIVIST)
    [file] = reply.files
    assert file.filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(file.data)
    starts = {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    election = await world.services.elections.resolve(GUILD, ELECTION)
    for milestone in election.timetable:
        assert starts[f"{ELECTION}: {milestone.kind.label}"] == milestone.at
    assert starts[f"{ELECTION}: last day to post your ballot paper"] == datetime.fromtimestamp(POST_BY, UTC)
    assert election.at(MilestoneKind.BALLOT_CLOSE) == datetime.fromtimestamp(CLOSE, UTC)


async def test_privacy_shows_the_subscription_and_erases_it(world: World) -> None:
    """/privacy says exactly what is held; its button erases it."""
    subscribed = await world.discord.invoke("/reminders subscribe", user=ACTIVIST)
    assert subscribed.ephemeral
    reply = await world.discord.invoke("/privacy", user=ACTIVIST)
    assert reply.ephemeral
    assert "reminder subscription" in reply.text()
    erased = await world.discord.click(reply, "privacy:erase", user=ACTIVIST)
    assert "erased" in erased.text()
    assert (await world.services.privacy.held(GUILD, ACTIVIST)).empty


async def test_reading_commands_store_nothing_about_the_member(world: World) -> None:
    """/howtovote, /slate and /candidate leave the database exactly as it was."""
    before = await world.dump()
    await world.discord.invoke("/howtovote region: Scotland service_group: Local Government", user=ACTIVIST)
    await world.discord.invoke("/slate", user=ACTIVIST)
    await world.discord.invoke("/candidate name: David Jones", user=ACTIVIST)
    assert await world.dump() == before


@pytest.mark.parametrize(
    ("command", "hint"),
    [
        ("/slate", "/organise election add"),
        ("/ballot", "/organise election add"),
        ("/candidate name: Tom Barker", "/organise election add"),
        ("/howtovote region: Scotland", "/organise election add"),
        ("/calendar", "/organise election add"),
        ("/platform", "/organise settings slate"),
    ],
)
async def test_an_empty_server_gets_the_organiser_command_to_run(world: World, command: str, hint: str) -> None:
    """A server with no data is told which organiser command starts it, not an error."""
    reply = await world.discord.invoke(command, guild=EMPTY_GUILD, user="newcomer")
    assert reply.ephemeral
    assert hint in reply.text()
    assert "Sorry, something went wrong" not in reply.text()


async def test_autocomplete_gives_at_most_25_best_first_from_this_server_only(world: World) -> None:
    """Candidate autocomplete: 25 at most, prefix first, accent-insensitive, never another server's names."""
    everything = await world.discord.autocomplete("candidate", "name", "")
    assert len(everything) == 25
    toms = await world.discord.autocomplete("candidate", "name", "tom b")
    assert toms[0]["name"] == "Tom Barker"
    accents = await world.discord.autocomplete("candidate", "name", "sian")
    assert accents[0]["name"] == "Siân Pritchard"
    elsewhere = await world.discord.autocomplete("candidate", "name", "tom", guild=EMPTY_GUILD, user="newcomer")
    assert elsewhere == []


async def test_sixty_candidates_behind_one_autocomplete(world: World) -> None:
    """With 60 candidates sharing a prefix, autocomplete still offers 25, the closest first."""
    election = await world.services.elections.add(GUILD, ORGANISER, "Branch Committee 2026")
    await world.services.seats.add(
        GUILD, ORGANISER, election=election.name, name="Stewards", electorate_type="national", electorate="Branch"
    )
    for n in range(60):
        await world.services.candidates.add(
            GUILD, ORGANISER, name=f"Steward {n:02d}", seat="Stewards", election=election.name
        )
    choices = await world.discord.autocomplete("candidate", "name", "steward 4", options={"election": election.name})
    assert len(choices) == 25
    assert choices[0]["name"] == "Steward 40"
    assert all(c["name"].startswith("Steward") for c in choices)


async def test_mentions_in_a_statement_never_ping_anyone(world: World) -> None:
    """@everyone, a role mention and a user mention in user text are shown, not sent as pings."""
    cid = await add_candidate(
        world,
        "Mention Tester",
        "Health Service Group (Female)",
        statement=f"Hello @everyone and @here, <@&1001> and <@{ORGANISER}>!",
    )
    assert cid
    reply = await world.discord.invoke("/candidate name: Mention Tester share: true", user=ACTIVIST)
    assert not reply.ephemeral
    assert reply.allowed_mentions == {"parse": []}
    assert reply.mentions == [] and reply.mention_roles == []
    description = reply.embeds[0]["description"]
    assert "@everyone" not in description and f"<@{ORGANISER}>" not in description
    assert "@\u200beveryone" in description


async def test_markdown_in_a_name_cannot_break_the_layout(world: World) -> None:
    """A name full of markdown is shown literally (escaped), not as formatting."""
    await add_candidate(world, "**Bold** _Name_ `x`", "Health Service Group (Female)")
    reply = await world.discord.invoke("/candidate name: Bold Name x", user=ACTIVIST)
    assert reply.embeds[0]["title"] == r"\*\*Bold\*\* \_Name\_ \`x\`"
