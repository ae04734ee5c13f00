"""Pasted text, symbol queries, /howtovote groups, near-miss slate names and the marks' meanings, through Discord."""

import asyncio
import re
from collections.abc import Mapping
from typing import Any

import pytest

from standin.interactions import Reply
from standin.state import Perm, walk_components
from tests.e2e.conftest import ACTIVIST, GUILD, ORGANISER, World

pytestmark = pytest.mark.asyncio(loop_scope="module")

ELECTION = "NEC 2025"
SLATE = "Time for Real Change"
SEAT = "East Midlands Regional (Male)"


async def organise(
    world: World, parts: str, options: Mapping[str, Any] | None = None, *, guild: int = GUILD, **kw: Any
) -> Reply:
    """Run ``/organise <parts>`` as the organiser, options given as a dict."""
    return await world.discord.invoke(
        ["organise", *parts.split()], options=options or {}, user=ORGANISER, guild=guild, **kw
    )


def button(reply: Reply, custom_id: str) -> dict[str, Any]:
    return next(c for c in walk_components(reply.components) if c.get("custom_id") == custom_id)


def embed_text(reply: Reply) -> str:
    parts: list[str] = []
    for embed in reply.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(p for p in parts if p)


async def open_branch(world: World, guild_id: int, name: str) -> None:
    """A new, empty server where ORGANISER has Manage Server."""
    if guild_id not in world.discord.guilds:
        world.discord.add_guild(
            guild_id,
            name,
            roles=[{"name": "Organiser", "permissions": Perm.MANAGE_GUILD}],
            members=[
                {"id": ORGANISER, "username": "organiser", "roles": ["Organiser"]},
                {"id": ACTIVIST, "username": "activist"},
            ],
        )
    for _ in range(500):
        if world.bot.get_guild(guild_id) is not None:
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("the bot did not see the new server")


async def slate_names(world: World, guild_id: int = GUILD) -> list[str]:
    return [s.name for s in await world.services.repos.slates.all(guild_id)]


# --------------------------------------------------------------------------------------------- pasted text


async def test_a_statement_pasted_from_windows_shows_no_cr_and_no_run_of_blank_lines(world: World) -> None:
    """A statement with CRLF endings and 300 blank lines, saved through the form, reads as tidy paragraphs."""
    await world.services.candidates.add(GUILD, ORGANISER, name="Paste Person", seat=SEAT, election=ELECTION)
    opened = await organise(world, "candidate statement", {"candidate": "Paste Person"})
    assert opened.modal is not None
    pasted = "I work in a school.   \r\nI want change." + "\r\n" * 300 + "Vote for me.\r\n"
    saved = await world.discord.submit_modal(opened.modal["custom_id"], {"statement:text": pasted}, user=ORGANISER)
    assert "Saved Paste Person's statement" in saved.text()
    shown = await world.discord.invoke("/candidate name: Paste Person", user=ACTIVIST)
    description = shown.embeds[0]["description"]
    assert "\r" not in description
    assert not re.search(r"\n{3,}", description)
    assert description == "I work in a school.\nI want change.\n\nVote for me."


async def test_a_statement_already_stored_untidy_still_displays_tidy(world: World) -> None:
    """A row stored before the fix, CRLFs and all, is tidied when shown."""
    added = await world.services.candidates.add(GUILD, ORGANISER, name="Old Row", seat=SEAT, election=ELECTION)
    await world.db.execute(
        "UPDATE candidates SET statement = ? WHERE id = ?", ("One.\r\n" + "\r\n" * 300 + "Two.", added.id)
    )
    shown = await world.discord.invoke("/candidate name: Old Row", user=ACTIVIST)
    description = shown.embeds[0]["description"]
    assert "\r" not in description and not re.search(r"\n{3,}", description)
    assert description == "One.\n\nTwo."


# --------------------------------------------------------------------------------------------- symbols


@pytest.mark.parametrize("typed", ["%", "_"])
async def test_autocomplete_of_a_percent_or_underscore_offers_only_names_containing_it(
    world: World, typed: str
) -> None:
    """Typing ``%`` or ``_`` is no wildcard: the choices are the names holding it, not every candidate."""
    name = "Ann 100% Smith" if typed == "%" else "Bo_Dee Wild"
    if name not in await world.services.campaign.candidate_names(GUILD):
        await world.services.candidates.add(GUILD, ORGANISER, name=name, seat=SEAT, election=ELECTION)
    offered = await world.discord.autocomplete(["candidate"], "name", typed, user=ACTIVIST)
    assert [c["name"] for c in offered] == [name]


# --------------------------------------------------------------------------------------------- /howtovote groups


async def test_howtovote_with_groups_that_have_no_seats_shows_the_ballot_and_says_so(world: World) -> None:
    """``groups: Black, LGBT+, retired`` gives the member's ballot, with a plain note on each group."""
    reply = await world.discord.invoke("/howtovote region: east midlands groups: Black, LGBT+, retired", user=ACTIVIST)
    assert reply.ok and reply.ephemeral
    text = embed_text(reply)
    for title in ("Your region: East Midlands", "National seats", "Tom Barker"):
        assert title in text
    assert (
        "LGBT+ and retired members have no seats of their own in NEC 2025: "
        "every member votes for the national seats above." in text
    )
    assert "Black members' seats are national: they are on every member's paper already." in text


async def test_howtovote_naming_national_groups_is_no_refusal(world: World) -> None:
    """``groups: Black members, disabled`` names national seats: the ballot is shown and the note says why."""
    reply = await world.discord.invoke("/howtovote region: Scotland groups: Black members, disabled", user=ACTIVIST)
    text = embed_text(reply)
    assert "Your region: Scotland" in text and "National seats" in text
    assert "Black members' and Disabled members' seats are national: they are on every member's paper already." in text
    assert "no seats of their own" not in text


async def test_howtovote_in_an_election_with_no_group_seats_still_shows_the_ballot(world: World) -> None:
    """An election with no group seats at all answers with the ballot, not "This election has no group seats"."""
    branch = 5100
    await open_branch(world, branch, "No Groups Branch")
    svc = world.services
    await svc.elections.add(branch, ORGANISER, "GS 2026")
    await svc.seats.add(
        branch,
        ORGANISER,
        election="GS 2026",
        name="General Secretary",
        electorate_type="national",
        electorate="All members",
    )
    await svc.seats.add(
        branch, ORGANISER, election="GS 2026", name="Eastern Seat", electorate_type="region", electorate="Eastern"
    )
    reply = await world.discord.invoke("/howtovote region: Eastern groups: young, retired", user=ACTIVIST, guild=branch)
    text = embed_text(reply)
    assert "This election has no group seats" not in text
    assert "General Secretary" in text and "Eastern Seat" in text
    assert "Young and retired members have no seats of their own in GS 2026" in text


# --------------------------------------------------------------------------------------------- near-miss slates


async def test_a_near_miss_slate_on_candidate_add_asks_and_use_existing_joins_it(world: World) -> None:
    """``slate: Time for Reel Change`` makes nothing and asks; "Use Time for Real Change" adds them to it."""
    before = await slate_names(world)
    asked = await organise(
        world, "candidate add", {"name": "Near Miss One", "seat": SEAT, "slate": "Time for Reel Change"}
    )
    assert asked.ephemeral
    assert "Time for Real Change" in asked.text() and "Time for Reel Change" in asked.text()
    assert button(asked, "confirm:yes")["label"] == "Use Time for Real Change"
    assert button(asked, "confirm:no")["label"] == "Make new slate Time for Reel Change"
    assert await slate_names(world) == before
    assert "Near Miss One" not in await world.services.campaign.candidate_names(GUILD)

    used = await world.discord.click(asked, "confirm:yes", user=ORGANISER)
    assert "Added **Near Miss One** (Time for Real Change)" in used.text()
    assert "New slate" not in used.text()
    assert await slate_names(world) == before
    joined = await world.services.candidates.resolve(GUILD, "Near Miss One")
    assert joined.slate == SLATE


async def test_a_near_miss_slate_confirmed_as_new_is_made_and_said(world: World) -> None:
    """Clicking "Make new slate ..." makes the slate, adds the candidate, and the reply says a slate was made."""
    asked = await organise(
        world, "candidate add", {"name": "Near Miss Two", "seat": SEAT, "slate": "Time for Reel Change"}
    )
    made = await world.discord.click(asked, "confirm:no", user=ORGANISER)
    assert "New slate **Time for Reel Change** made." in made.text()
    assert "Added **Near Miss Two** (Time for Reel Change)" in made.text()
    assert "Time for Reel Change" in await slate_names(world)


async def test_only_the_organiser_who_asked_can_choose_the_slate(world: World) -> None:
    """Someone else clicking the slate question is turned away; nothing is made."""
    asked = await organise(world, "candidate add", {"name": "Near Miss Three", "seat": SEAT, "slate": "Members Frist"})
    refused = await world.discord.click(asked, "confirm:no", user=ACTIVIST)
    assert refused.ephemeral
    assert "Members Frist" not in await slate_names(world)


async def test_a_case_variant_of_a_slate_resolves_without_asking(world: World) -> None:
    """``Time For Real Change`` is the existing slate: the candidate is added at once and no slate is made."""
    before = await slate_names(world)
    added = await organise(
        world, "candidate add", {"name": "Same Slate", "seat": SEAT, "slate": "time  FOR real change"}
    )
    assert "confirm:yes" not in added.custom_ids()
    assert "Added **Same Slate** (Time for Real Change)" in added.text()
    assert "New slate" not in added.text()
    assert await slate_names(world) == before


async def test_a_clearly_new_slate_is_made_at_once_and_the_reply_says_so(world: World) -> None:
    """A name unlike any slate makes a new slate straight away, and the reply says a new slate was made."""
    added = await organise(world, "candidate add", {"name": "Indie Person", "seat": SEAT, "slate": "Workers Voice"})
    assert "confirm:yes" not in added.custom_ids()
    assert "New slate **Workers Voice** made." in added.text()


async def test_a_near_miss_slate_on_candidate_edit_asks_first(world: World) -> None:
    """Editing a candidate onto ``Members Frist`` asks; choosing the existing slate edits them onto it."""
    await world.services.candidates.add(GUILD, ORGANISER, name="Edit Near", seat=SEAT, election=ELECTION)
    asked = await organise(world, "candidate edit", {"candidate": "Edit Near", "slate": "Members Frist"})
    assert button(asked, "confirm:yes")["label"] == "Use Members First"
    assert (await world.services.candidates.resolve(GUILD, "Edit Near")).slate is None
    used = await world.discord.click(asked, "confirm:yes", user=ORGANISER)
    assert "Updated **Edit Near** (NEC 2025): slate independent → Members First." in used.text()


async def test_a_near_miss_slate_on_platform_add_asks_first(world: World) -> None:
    """A platform point for ``Members Frist`` asks; choosing the existing slate adds it to Members First."""
    before = len((await world.services.platform.platform(GUILD, "Members First")).points)
    asked = await organise(world, "platform add", {"text": "Train more stewards", "slate": "Members Frist"})
    assert button(asked, "confirm:yes")["label"] == "Use Members First"
    assert len((await world.services.platform.platform(GUILD, "Members First")).points) == before
    used = await world.discord.click(asked, "confirm:yes", user=ORGANISER)
    assert f"Added as point {before + 1}." in used.text()
    assert len((await world.services.platform.platform(GUILD, "Members First")).points) == before + 1


async def test_a_near_miss_slate_on_settings_slate_asks_first(world: World) -> None:
    """``/organise settings slate`` with a near miss asks; a new slate confirmed is made and said."""
    branch = 5200
    await open_branch(world, branch, "Settings Slate Branch")
    first = await organise(world, "settings slate", {"name": "Time for Real Change"}, guild=branch)
    assert "New slate **Time for Real Change** made." in first.text()
    asked = await organise(world, "settings slate", {"name": "Time for Reel Change"}, guild=branch)
    assert button(asked, "confirm:no")["label"] == "Make new slate Time for Reel Change"
    assert (await world.services.guilds.get(branch)).slate == SLATE
    used = await world.discord.click(asked, "confirm:yes", user=ORGANISER)
    assert "**Our slate:** Time for Real Change" in used.text()
    assert await slate_names(world, branch) == [SLATE]


async def test_an_import_naming_a_near_miss_slate_is_refused_even_in_a_dry_run(world: World) -> None:
    """An imported file naming ``Time for Reel Change`` is refused with the line and the slate meant."""
    text = b"format: 1\nslates:\n  - name: Members Frist\n    platform:\n      - A point\n"
    before = await world.dump()
    for dry_run in (True, False):
        reply = await organise(
            world, "import", {"file": ("near.yaml", text), "dry_run": dry_run}, wait_for_followup=True
        )
        assert "line 3: slate “Members Frist” is very like this server's slate “Members First”" in reply.text()
    assert await world.dump() == before


# --------------------------------------------------------------------------------------------- wording


async def test_slate_marks_sitting_members_in_words_not_with_the_star(world: World) -> None:
    """In /slate, ★ no longer means "sitting member": incumbents say "(sitting member)"."""
    reply = await world.discord.invoke("/slate", user=ACTIVIST)
    text = embed_text(reply)
    assert "★ marks a sitting member" not in text
    assert "Zoë Hartley (sitting member)" in text
    assert "★ Zoë Hartley" not in text


async def test_seat_and_candidate_use_the_star_for_our_slate_only(world: World) -> None:
    """In /seat the ★ marks our slate's candidates, and the legend says so; the card agrees."""
    reply = await world.discord.invoke("/seat name: Greater London Regional (Female)", user=ACTIVIST)
    text = embed_text(reply)
    assert "★ **Zoë Hartley**" in text
    assert "★ = our slate, Time for Real Change" in text
    card = await world.discord.invoke("/candidate name: Zoë Hartley", user=ACTIVIST)
    assert "★ Time for Real Change (our slate)" in embed_text(card)


async def test_one_slate_candidate_in_one_seat_is_counted_in_the_singular(world: World) -> None:
    """A slate with one candidate says "1 candidate in 1 seat", not "1 candidates in 1 seats"."""
    branch = 5300
    await open_branch(world, branch, "Singular Branch")
    svc = world.services
    await svc.guilds.set_slate(branch, ORGANISER, "Lone Slate")
    await svc.elections.add(branch, ORGANISER, "Small 2026")
    await svc.seats.add(
        branch, ORGANISER, election="Small 2026", name="Only Seat", electorate_type="national", electorate="Everyone"
    )
    await svc.candidates.add(
        branch, ORGANISER, name="Only Person", seat="Only Seat", slate="Lone Slate", incumbent=True
    )
    reply = await world.discord.invoke("/slate", user=ACTIVIST, guild=branch)
    text = embed_text(reply)
    assert "1 candidate in 1 seat." in text
    assert "Only Person (sitting member)" in text


async def test_a_rivals_platform_is_not_called_ours(world: World) -> None:
    """``/platform slate: Members First`` is "Members First: platform"; our own is "…: our platform"."""
    rival = await world.discord.invoke("/platform slate: Members First", user=ACTIVIST)
    assert rival.embeds[0]["title"] == "Members First: platform"
    ours = await world.discord.invoke("/platform", user=ACTIVIST)
    assert ours.embeds[0]["title"] == f"{SLATE}: our platform"


async def test_candidate_edit_says_what_changed(world: World) -> None:
    """The reply to an edit names the election and each change, old value to new."""
    await world.services.candidates.add(
        GUILD, ORGANISER, name="Jo Bloggs", seat=SEAT, election=ELECTION, branch="Leicester"
    )
    reply = await organise(
        world, "candidate edit", {"candidate": "Jo Bloggs", "branch": "Leicester City", "incumbent": True}
    )
    assert "Updated **Jo Bloggs** (NEC 2025): branch Leicester → Leicester City; incumbent no → yes." in reply.text()


async def test_howtovote_asks_about_a_group_that_looks_mistyped(world: World) -> None:
    """``groups: yung`` shows the ballot and asks whether Young members was meant."""
    reply = await world.discord.invoke("/howtovote region: Scotland groups: yung", user=ACTIVIST)
    text = embed_text(reply)
    assert "Your region: Scotland" in text
    assert "“yung”: did you mean Young members?" in text
