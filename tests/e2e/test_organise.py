"""Organiser commands (``/organise ...``) through the local Discord, on the NEC 2025 sample and from nothing."""

import asyncio
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from cogs._ui import confirm
from standin.gateway import Intent
from standin.interactions import Reply
from standin.state import Perm, Role, UserRef, snowflake, walk_components
from tests.e2e.conftest import ACTIVIST, EMPTY_GUILD, GUILD, IN_WINDOW, ORGANISER, World

pytestmark = pytest.mark.asyncio(loop_scope="module")

ELECTION = "NEC 2025"
SLATE = "Time for Real Change"
REFUSAL = "Only organisers can use `/organise`"
#: Wednesday 21 May 2025 17:00 BST and Monday 19 May 2025 09:00 BST (two working days before).
CLOSE = int(datetime(2025, 5, 21, 16, 0, tzinfo=UTC).timestamp())
POST_BY = int(datetime(2025, 5, 19, 8, 0, tzinfo=UTC).timestamp())
OPEN = int(datetime(2025, 4, 21, 8, 0, tzinfo=UTC).timestamp())

#: What COMMANDS.md promises under ``/organise``.
CONTRACT = {
    "election add",
    "election rename",
    "election remove",
    "date set",
    "date clear",
    "seat add",
    "seat edit",
    "seat remove",
    "candidate add",
    "candidate edit",
    "candidate statement",
    "candidate remove",
    "platform add",
    "platform move",
    "platform remove",
    "reminders channel",
    "reminders offsets",
    "reminders preview",
    "reminders off",
    "result set",
    "import",
    "export",
    "settings timezone",
    "settings organiser-role",
    "settings slate",
    "settings nation",
    "settings post-days",
    "audit",
    "nomination add",
    "nomination remove",
    "nomination target",
    "turnout",
    "meeting add",
    "meeting post",
    "motion add",
    "motion vote",
}

SMALL_IMPORT = b"""format: 1
elections:
  - name: Refused Import 2030
    seats:
      - name: Refused Seat
        electorate_type: national
        electorate: Everyone
"""

#: A valid value for every option any /organise subcommand takes (each would change something if let through).
VALID_OPTION = {
    "name": "Refused Name",
    "description": "Refused description",
    "election": ELECTION,
    "new_name": "Refused Rename",
    "date": "1 May 2025",
    "time": "10:00",
    "seat": "East Midlands Regional (Male)",
    "electorate": "East Midlands",
    "places": 2,
    "candidate": "Tom Barker",
    "slate": SLATE,
    "branch": "Refused Branch",
    "job": "Refused Job",
    "incumbent": True,
    "text": "A refused platform point",
    "position": 1,
    "point": "2",
    "channel": "general",
    "role": "Organiser",
    "offsets": "7d,0",
    "votes": 1234,
    "elected": True,
    "file": ("refused.yaml", SMALL_IMPORT),
    "dry_run": False,
    "limit": 5,
    "timezone": "Europe/Paris",
    "days": 3,
    "body": "Refused Branch",
    "count": 3,
    "title": "Refused Meeting",
    "meeting": "Refused Meeting",
    "motion": "Refused motion",
    "member": "Tom Barker",
    "for": 30,
    "against": 20,
    "abstain": 1,
    "carried": False,
}


# --------------------------------------------------------------------------------------------- helpers


async def until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until ``check()`` holds (the bot has processed a gateway event)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise TimeoutError("the bot did not catch up in time")
        await asyncio.sleep(0.01)


async def add_role(world: World, guild_id: int, name: str, permissions: int = 0) -> Role:
    """Create a role in a stand-in guild and tell the bot (GUILD_ROLE_CREATE), as Discord would."""
    guild = world.discord.resolve_guild(guild_id)
    role = Role(snowflake(), name, permissions, position=len(guild.roles))
    guild.roles[role.id] = role
    await world.discord.dispatch_event(
        "GUILD_ROLE_CREATE", {"guild_id": str(guild_id), "role": role.to_dict()}, intent=Intent.GUILDS
    )

    def known() -> bool:
        cached = world.bot.get_guild(guild_id)
        return cached is not None and cached.get_role(role.id) is not None

    await until(known)
    return role


async def open_branch(world: World, guild_id: int, name: str) -> None:
    """A new, empty server where ORGANISER has Manage Server and ACTIVIST has nothing."""
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
    await until(lambda: world.bot.get_guild(guild_id) is not None)


def organise(*parts: str) -> list[str]:
    return ["organise", *parts]


async def run(
    world: World, parts: str, options: Mapping[str, Any] | None = None, *, user: UserRef = ORGANISER, **kw: Any
) -> Reply:
    """Run ``/organise <parts>`` with options given as a dict (so values may hold colons)."""
    return await world.discord.invoke(organise(*parts.split()), options=options or {}, user=user, **kw)


async def invoke_raw(
    world: World, parts: str, options: Mapping[str, Any], raw: Mapping[str, str], *, user: int = ORGANISER
) -> Reply:
    """
    Run a command with option values no Discord client would offer (outside the option's choices).

    The stand-in's client refuses such values, so the payload is built normally and then altered; the bot must
    still answer a crafted or stale client's value with a clear message.
    """
    driver = world.discord.interactions
    ctx = driver._context(user, GUILD, None)
    data = driver._command_data(organise(*parts.split()), options, ctx)
    leaf = data["options"]
    while leaf and leaf[0]["type"] in (1, 2):
        leaf = leaf[0].get("options", [])
    for option in leaf:
        if option["name"] in raw:
            option["value"] = raw[option["name"]]
    return await driver.run(driver._base(2, data, ctx, message=None, locale="en-GB"))


def subcommands(world: World) -> Iterator[tuple[list[str], list[dict[str, Any]]]]:
    """Every registered ``/organise`` leaf command: its path below /organise and its options."""
    [root] = [c for c in world.discord.commands(global_=True) if c["name"] == "organise"]

    def walk(node: dict[str, Any], path: list[str]) -> Iterator[tuple[list[str], list[dict[str, Any]]]]:
        for option in node.get("options") or []:
            if option["type"] == 2:
                yield from walk(option, [*path, option["name"]])
            elif option["type"] == 1:
                yield [*path, option["name"]], list(option.get("options") or [])

    yield from walk(root, [])


def component(reply: Reply, custom_id: str) -> dict[str, Any]:
    return next(c for c in walk_components(reply.components) if c.get("custom_id") == custom_id)


async def seats_of(world: World, guild_id: int) -> set[str]:
    return {s.name for s in await world.services.seats.repos.seats.all(guild_id)}


async def candidates_of(world: World, guild_id: int) -> set[str]:
    return {c.name for c in await world.services.candidates.repos.candidates.all(guild_id)}


async def elections_of(world: World, guild_id: int) -> set[str]:
    return {e.name for e in await world.services.elections.all(guild_id)}


async def removal_fixture(world: World, tag: str) -> None:
    """An election ``Removal {tag}`` with two seats and three candidates (one with a result)."""
    election = f"Removal {tag}"
    await world.services.elections.add(GUILD, ORGANISER, election)
    for seat in ("A", "B"):
        await world.services.seats.add(
            GUILD,
            ORGANISER,
            election=election,
            name=f"Removal Seat {tag}{seat}",
            electorate_type="national",
            electorate="Everyone",
        )
    for n, seat in ((1, "A"), (2, "A"), (3, "B")):
        await world.services.candidates.add(
            GUILD,
            ORGANISER,
            name=f"Removal Person {tag}{n}",
            seat=f"Removal Seat {tag}{seat}",
            election=election,
            statement="Some words.",
        )
    await world.services.results.set(GUILD, ORGANISER, f"Removal Person {tag}1", 321, election=election)


# --------------------------------------------------------------------------------------------- who may


async def test_organise_carries_manage_server_as_its_default_permission(world: World) -> None:
    """/organise is registered guild-only with Manage Server (0x20) as its default member permission."""
    [root] = [c for c in world.discord.commands(global_=True) if c["name"] == "organise"]
    assert root["default_member_permissions"] == str(Perm.MANAGE_GUILD)
    assert root["contexts"] == [0], "servers only, never DMs"


async def test_every_organise_command_of_the_contract_is_registered(world: World) -> None:
    """The registered /organise subcommands are exactly the ones COMMANDS.md lists."""
    registered = {" ".join(path) for path, _ in subcommands(world)}
    assert registered == CONTRACT


async def test_an_activist_is_refused_on_every_organise_subcommand_and_nothing_changes(world: World) -> None:
    """Each /organise subcommand, with valid options, answers a plain member with the refusal and writes nothing."""
    before = await world.settled_dump()
    tried = []
    for path, options in subcommands(world):
        values = {}
        for option in options:
            if option.get("choices"):
                values[option["name"]] = option["choices"][-1]["value"]
            else:
                values[option["name"]] = VALID_OPTION[option["name"]]
        reply = await world.discord.invoke(organise(*path), options=values, user=ACTIVIST)
        where = "/organise " + " ".join(path)
        assert reply.ephemeral, where
        assert REFUSAL in reply.text(), where
        assert "Nothing was changed" in reply.text(), where
        assert reply.modal is None, where
        assert not reply.deferred, where
        assert reply.custom_ids() == [], where
        tried.append(where)
    assert len(tried) >= 27
    assert await world.dump() == before


async def test_the_organiser_role_lets_a_member_without_manage_server_in(world: World) -> None:
    """After `/organise settings organiser-role`, a member with only that role is admitted; others still are not."""
    stewards = await add_role(world, GUILD, "Stewards")
    steward = world.discord.add_member(GUILD, {"id": 2050, "username": "steward"}, roles=[stewards.id])
    assert not world.discord.member_permissions(steward.user.id, guild=GUILD) & Perm.MANAGE_GUILD

    refused = await run(world, "election add", {"name": "Steward Election 2031"}, user=steward.user.id)
    assert REFUSAL in refused.text()

    reply = await run(world, "settings organiser-role", {"role": "Stewards"})
    assert reply.ephemeral
    assert f"**Organiser role:** <@&{stewards.id}>" in reply.text()
    assert reply.mention_roles == []

    admitted = await run(world, "election add", {"name": "Steward Election 2031"}, user=steward.user.id)
    assert admitted.ephemeral
    assert "Added the election **Steward Election 2031**" in admitted.text()
    [entry] = await world.services.audit.recent(GUILD, 1)
    assert (entry.action, entry.actor_id) == ("election.add", 2050)

    still = await run(world, "election add", {"name": "Activist Election 2031"}, user=ACTIVIST)
    assert REFUSAL in still.text()
    assert "Activist Election 2031" not in await elections_of(world, GUILD)


# --------------------------------------------------------------------------------------------- statements


async def test_statement_modal_is_prefilled_and_its_text_is_what_candidate_shows(world: World) -> None:
    """The modal's paragraph field holds the current statement; the submitted text is what /candidate shows."""
    cand = await world.services.candidates.add(
        GUILD,
        ORGANISER,
        name="Statement Tester",
        seat="Health Service Group (Female)",
        election=ELECTION,
        slate=SLATE,
        statement="My old words about pay.",
    )
    reply = await run(world, "candidate statement", {"candidate": "statement tester"})
    assert reply.modal is not None
    assert reply.modal["custom_id"] == f"statement:{cand.id}"
    assert "Statement Tester" in reply.modal["title"]
    field = next(c for c in walk_components(reply.modal["components"]) if c.get("custom_id") == "statement:text")
    assert field["type"] == 4 and field["style"] == 2, "one paragraph text input"
    assert field["value"] == "My old words about pay."

    new_text = "Fresh words: **defend** every job, and <@2001> will not be pinged."
    saved = await world.discord.submit_modal(reply.modal["custom_id"], {"statement:text": new_text}, user=ORGANISER)
    assert saved.ephemeral
    assert f"Saved Statement Tester's statement ({len(new_text)} characters)" in saved.text()
    assert (await world.services.candidates.get(GUILD, cand.id)).statement == new_text

    shown = await world.discord.invoke("/candidate name: Statement Tester", user=ACTIVIST)
    description = shown.embeds[0]["description"]
    assert "Fresh words" in description and r"\*\*defend\*\*" in description
    assert "old words" not in shown.text()

    reopened = await run(world, "candidate statement", {"candidate": "Statement Tester"})
    assert reopened.modal is not None
    field = next(c for c in walk_components(reopened.modal["components"]) if c.get("custom_id") == "statement:text")
    assert field["value"] == new_text


async def test_a_statement_over_4000_characters_cannot_go_through_the_modal(world: World) -> None:
    """A statement longer than a form can hold is refused with its length and a pointer to /organise import."""
    cand = await world.services.candidates.add(
        GUILD, ORGANISER, name="Long Statement Tester", seat="Health Service Group (Female)", election=ELECTION
    )
    await world.services.candidates.set_statement(GUILD, ORGANISER, cand.id, "Word " * 900)
    before = await world.settled_dump()
    reply = await run(world, "candidate statement", {"candidate": "Long Statement Tester"})
    assert reply.modal is None
    assert reply.ephemeral
    text = reply.text()
    assert "4,499 characters" in text and "4,000" in text
    assert "/organise import" in text
    assert await world.dump() == before


# --------------------------------------------------------------------------------------------- removals


@pytest.mark.parametrize(
    ("parts", "target", "label", "tells"),
    [
        ("election remove", "Removal E1", "Remove election", "2 seats and 3 candidates"),
        ("seat remove", "Removal Seat E2A", "Remove seat", "Its 2 candidates"),
        ("candidate remove", "Removal Person E31", "Remove candidate", "Their statement and any result"),
    ],
)
async def test_a_confirmed_removal_says_first_what_goes_and_then_removes_it(
    world: World, parts: str, target: str, label: str, tells: str
) -> None:
    """The question says what goes with the thing; Remove (by the invoker) removes it and what hangs off it."""
    tag = {"election remove": "E1", "seat remove": "E2", "candidate remove": "E3"}[parts]
    await removal_fixture(world, tag)
    option = parts.split()[0]
    question = await run(world, parts, {option: target.lower()})
    assert question.ephemeral
    assert tells in question.text()
    assert target in question.text()
    assert component(question, "confirm:yes")["label"] == label
    assert "confirm:no" in question.custom_ids()

    answered = await world.discord.click(question, "confirm:yes", user=ORGANISER)
    assert "Removed" in answered.text() and target in answered.text()
    assert answered.components == []
    if parts == "election remove":
        assert "Removal E1" not in await elections_of(world, GUILD)
        assert not {"Removal Seat E1A", "Removal Seat E1B"} & await seats_of(world, GUILD)
        assert not {f"Removal Person E1{n}" for n in (1, 2, 3)} & await candidates_of(world, GUILD)
    elif parts == "seat remove":
        assert "Removal Seat E2A" not in await seats_of(world, GUILD)
        assert "Removal Seat E2B" in await seats_of(world, GUILD)
        assert not {"Removal Person E21", "Removal Person E22"} & await candidates_of(world, GUILD)
        assert "Removal Person E23" in await candidates_of(world, GUILD)
    else:
        assert "Removal Person E31" not in await candidates_of(world, GUILD)
        assert "Removal Person E32" in await candidates_of(world, GUILD)
    [entry] = await world.services.audit.recent(GUILD, 1)
    assert entry.action == f"{option}.remove" and entry.actor_id == ORGANISER and entry.after is None


@pytest.mark.parametrize(
    ("parts", "tag", "target"),
    [
        ("election remove", "C1", "Removal C1"),
        ("seat remove", "C2", "Removal Seat C2A"),
        ("candidate remove", "C3", "Removal Person C31"),
    ],
)
async def test_a_cancelled_removal_changes_nothing(world: World, parts: str, tag: str, target: str) -> None:
    """Cancel answers that nothing was changed, and the data is exactly as it was."""
    await removal_fixture(world, tag)
    before = await world.settled_dump()
    question = await run(world, parts, {parts.split()[0]: target})
    cancelled = await world.discord.click(question, "confirm:no", user=ORGANISER)
    assert "Cancelled: nothing was changed." in cancelled.text()
    assert all(c.get("disabled") for c in walk_components(cancelled.components) if c.get("type") == 2)
    assert await world.dump() == before


async def test_only_the_invoker_can_answer_a_removal(world: World) -> None:
    """Another member pressing Remove is told it is not theirs, and nothing is removed; the invoker still can."""
    await removal_fixture(world, "O")
    question = await run(world, "election remove", {"election": "Removal O"})
    before = await world.settled_dump()
    for button in ("confirm:yes", "confirm:no"):
        refused = await world.discord.click(question, button, user=ACTIVIST)
        assert refused.ephemeral
        assert "Only the person who asked can answer" in refused.text()
    assert "Remove **Removal O**?" in question.text(), "the question is still there, unanswered"
    assert await world.dump() == before
    assert "Removal O" in await elections_of(world, GUILD)
    cancelled = await world.discord.click(question, "confirm:no", user=ORGANISER)
    assert "nothing was changed" in cancelled.text()


async def test_an_unanswered_removal_times_out_and_changes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no answer before the timeout the question is edited to say nothing was changed; the data stays."""

    class QuickConfirm(confirm.ConfirmView):
        def __init__(self, owner_id: int, *, confirm_label: str = "Remove", timeout: float = 60) -> None:
            assert timeout == 60, "the real question waits a minute"
            super().__init__(owner_id, confirm_label=confirm_label, timeout=0.5)

    monkeypatch.setattr(confirm, "ConfirmView", QuickConfirm)
    await removal_fixture(world, "T")
    before = await world.settled_dump()
    question = await run(world, "seat remove", {"seat": "Removal Seat TA"})
    assert "confirm:yes" in question.custom_ids()
    await question.wait_for_edit(1, timeout=5)
    assert question.content == "No answer in time, so nothing was changed."
    buttons = [c for c in walk_components(question.components) if c.get("type") == 2]
    assert buttons and all(c.get("disabled") for c in buttons)
    assert await world.dump() == before
    assert "Removal Seat TA" in await seats_of(world, GUILD)


async def test_confirming_the_removal_of_something_already_gone_answers_the_click(world: World) -> None:
    """If the thing went while the question was open, pressing Remove is answered with why nothing happened."""
    await removal_fixture(world, "G")
    question = await run(world, "candidate remove", {"candidate": "Removal Person G1"})
    gone = await world.services.candidates.resolve(GUILD, "Removal Person G1")
    await world.services.candidates.remove(GUILD, 2003, gone.id)
    clicked = await world.discord.click(question, "confirm:yes", user=ORGANISER, raise_on_failure=False)
    assert clicked.ok, clicked.failure
    assert "no longer exists" in clicked.text()


async def test_a_removal_question_counts_in_plain_english(world: World) -> None:
    """One seat and one candidate are called one seat and one candidate, not '1 seats' or '1 candidates'."""
    await world.services.elections.add(GUILD, ORGANISER, "Tiny 2030")
    await world.services.seats.add(
        GUILD, ORGANISER, election="Tiny 2030", name="Tiny Seat", electorate_type="national", electorate="All"
    )
    await world.services.candidates.add(GUILD, ORGANISER, name="Tiny Person", seat="Tiny Seat", election="Tiny 2030")
    asked = []
    for parts, option, name in (("election remove", "election", "Tiny 2030"), ("seat remove", "seat", "Tiny Seat")):
        question = await run(world, parts, {option: name})
        asked.append(question.text())
        await world.discord.click(question, "confirm:no", user=ORGANISER)
    assert "Tiny 2030" in asked[0] and "Tiny Seat" in asked[1]
    assert "1 seat and 1 candidate " in asked[0]
    assert "Its 1 candidate " in asked[1]


# --------------------------------------------------------------------------------------------- audit


async def test_audit_shows_who_did_what_before_and_after_and_pages_past_ten(world: World) -> None:
    """Every change is logged with actor, action, before/after and time; /organise audit pages ten at a time."""
    await run(world, "election add", {"name": "Audit Trail 2029"})
    for n in range(11):
        await run(
            world,
            "seat add",
            {
                "election": "Audit Trail 2029",
                "name": f"Audit Seat {n:02d}",
                "electorate_type": "national",
                "electorate": "Everyone",
            },
        )
    edited = await run(world, "seat edit", {"seat": "Audit Seat 00", "places": 2})
    assert "places 1 → 2" in edited.text()

    [entry] = await world.services.audit.recent(GUILD, 1)
    assert entry.action == "seat.edit" and entry.actor_id == ORGANISER and entry.at == IN_WINDOW
    assert entry.before is not None and entry.after is not None
    assert (entry.before["places"], entry.after["places"]) == (1, 2)

    reply = await run(world, "audit", {"limit": 20})
    assert reply.ephemeral
    page = reply.text()
    assert "Entries 1–10 of 20" in page
    lines = reply.embeds[0]["description"].splitlines()
    assert len(lines) == 10
    assert lines[0].startswith(f"<t:{int(IN_WINDOW.timestamp())}:f> <@{ORGANISER}> **seat.edit**")
    assert "places 1 → 2" in lines[0]
    assert all("**seat.add**" in line for line in lines[1:])
    assert reply.mentions == []

    turned = await world.discord.click(reply, "pages:next", user=ORGANISER)
    page_two = turned.text()
    assert "Entries 11–20 of 20" in page_two
    assert "**election.add**: Audit Trail 2029" in page_two
    assert "Audit Seat 00" in page_two and "Audit Seat 01" in page_two


async def test_every_kind_of_change_writes_one_audit_entry_with_who_what_before_after_and_when(world: World) -> None:
    """Each organiser command that changes something adds exactly one audit entry, stamped with the clock."""
    branch = 4300
    await open_branch(world, branch, "Audit Branch")
    file = b"format: 1\nslates:\n  - name: Branch Slate\n    platform:\n      - Imported point.\n"
    steps: list[tuple[str, dict[str, Any], str, bool, bool]] = [
        ("settings slate", {"name": "Branch Slate"}, "settings.slate", True, True),
        ("election add", {"name": "Audit Everything"}, "election.add", False, True),
        ("election rename", {"election": "Audit Everything", "new_name": "Audit All"}, "election.rename", True, True),
        ("date set", {"election": "Audit All", "kind": "ballot_open", "date": "1 June 2026"}, "date.set", True, True),
        ("date clear", {"election": "Audit All", "kind": "ballot_open"}, "date.clear", True, False),
        (
            "seat add",
            {"election": "Audit All", "name": "Audit Seat", "electorate_type": "national", "electorate": "All"},
            "seat.add",
            False,
            True,
        ),
        ("seat edit", {"seat": "Audit Seat", "places": 2}, "seat.edit", True, True),
        ("candidate add", {"name": "Audit Person", "seat": "Audit Seat"}, "candidate.add", False, True),
        ("candidate edit", {"candidate": "Audit Person", "job": "Porter"}, "candidate.edit", True, True),
        ("result set", {"candidate": "Audit Person", "votes": 42}, "result.set", False, True),
        ("platform add", {"text": "First point."}, "platform.add", False, True),
        ("platform add", {"text": "Second point."}, "platform.add", False, True),
        ("platform move", {"point": "2", "position": 1}, "platform.move", True, True),
        ("platform remove", {"point": "1"}, "platform.remove", True, False),
        ("reminders channel", {"channel": "general"}, "reminders.channel", True, True),
        ("reminders offsets", {"offsets": "1d,0"}, "reminders.offsets", True, True),
        ("reminders off", {}, "reminders.off", True, True),
        ("settings timezone", {"timezone": "Europe/Belfast"}, "settings.timezone", True, True),
        ("settings organiser-role", {"role": "Organiser"}, "settings.organiser_role", True, True),
        ("settings nation", {"nation": "scotland"}, "settings.nation", True, True),
        ("settings post-days", {"days": 1}, "settings.post_days", True, True),
        ("import", {"file": ("more.yaml", file)}, "import", False, True),
    ]
    for minute, (parts, options, action, has_before, has_after) in enumerate(steps, start=1):
        world.clock.set(datetime(2025, 5, 1, 12, minute, tzinfo=UTC))
        reply = await run(world, parts, options, guild=branch, wait_for_followup=parts == "import")
        assert "Sorry" not in reply.text(), (parts, reply.text())
        entries = await world.services.audit.recent(branch, 200)
        assert len(entries) == minute, f"/organise {parts} should write one audit entry"
        entry = entries[0]
        assert (entry.action, entry.actor_id) == (action, ORGANISER), parts
        assert entry.at == world.clock.now(), parts
        assert (entry.before is not None, entry.after is not None) == (has_before, has_after), parts
    assert entries[0].after == {"added": 1, "updated": 0}
    assert entries[-1].after is not None and entries[-1].after["slate"] == "Branch Slate"
    assert entries[-3].before is not None and entries[-3].before["name"] == "Audit Everything"

    world.clock.set(datetime(2025, 5, 1, 13, 0, tzinfo=UTC))
    opened = await run(world, "candidate statement", {"candidate": "Audit Person"}, guild=branch)
    assert opened.modal is not None
    await world.discord.submit_modal(opened.modal["custom_id"], {"statement:text": "Words."}, user=ORGANISER)
    [entry] = await world.services.audit.recent(branch, 1)
    assert entry.action == "candidate.statement" and entry.before is not None and entry.after is not None
    assert (entry.before["statement"], entry.after["statement"]) == (None, "Words.")

    for parts, target, action in (
        ("candidate remove", "Audit Person", "candidate.remove"),
        ("seat remove", "Audit Seat", "seat.remove"),
        ("election remove", "Audit All", "election.remove"),
    ):
        question = await run(world, parts, {parts.split()[0]: target}, guild=branch)
        await world.discord.click(question, "confirm:yes", user=ORGANISER)
        [entry] = await world.services.audit.recent(branch, 1)
        assert (entry.action, entry.actor_id, entry.after) == (action, ORGANISER, None)
        assert entry.before is not None and entry.before["name"] == target
    assert len(await world.services.audit.recent(branch, 200)) == len(steps) + 4


async def test_audit_limit_out_of_range_is_refused(world: World) -> None:
    """A limit outside 1..200 is refused with the range."""
    reply = await run(world, "audit", {"limit": 0})
    assert reply.ephemeral
    assert "from 1 to 200" in reply.text()


# --------------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("parts", "options", "says"),
    [
        (
            "candidate add",
            {"name": "Tom Barker", "seat": "East Midlands Regional (Male)"},
            ["Tom Barker already stands for East Midlands Regional (Male)"],
        ),
        (
            "candidate add",
            {"name": "New Person", "seat": "East Midlands Regonal (Male)"},
            ["No seat called", "Did you mean", "East Midlands Regional (Male)"],
        ),
        (
            "date set",
            {"election": "NEC 2035", "kind": "ballot_open", "date": "1 May 2035"},
            ["No election called “NEC 2035”", "Did you mean", "NEC 2025"],
        ),
        (
            "seat add",
            {
                "election": ELECTION,
                "name": "Zero Seat",
                "electorate_type": "national",
                "electorate": "Everyone",
                "places": 0,
            },
            ["at least 1 place", "you gave 0"],
        ),
        (
            "date set",
            {"election": ELECTION, "kind": "ballot_close", "date": "1 April 2025"},
            ["The ballot can’t close before the replacement deadline (14 May 2025 12:00)."],
        ),
        (
            "date set",
            {"election": ELECTION, "kind": "results", "date": "20 May 2025"},
            ["Results can’t be before the ballot closes (21 May 2025 17:00)."],
        ),
        (
            "date set",
            {"election": ELECTION, "kind": "ballot_open", "date": "32/13/2025"},
            ["“32/13/2025”", "no month 13"],
        ),
        (
            "date set",
            {"election": ELECTION, "kind": "ballot_open", "date": "the fifth of Smarch"},
            ["“the fifth of Smarch”", "2025-04-17"],
        ),
        (
            "date set",
            {"election": ELECTION, "kind": "ballot_open", "date": "31 June 2025"},
            ["“31 June 2025” is not a real date", "June has only 30 days"],
        ),
        (
            "date set",
            {"election": ELECTION, "kind": "ballot_open", "date": "21 April 2025", "time": "25:00"},
            ["“25:00”", "no hour 25"],
        ),
        ("settings timezone", {"timezone": "Mars/Olympus"}, ["“Mars/Olympus”", "Europe/London"]),
        ("reminders offsets", {"offsets": "7d,1x"}, ["“1x”", "unknown unit"]),
        ("election add", {"name": "N" * 101}, ["101 characters", "the limit is 100"]),
        ("seat edit", {"seat": "East Midlands Regional (Male)", "name": "S" * 101}, ["the limit is 100"]),
        ("election rename", {"election": ELECTION, "new_name": "   "}, ["at least one visible character"]),
        ("seat edit", {"seat": "East Midlands Regional (Male)"}, ["Nothing to change"]),
        ("result set", {"candidate": "Tom Barker", "votes": -5}, ["from 0 to"]),
        ("settings post-days", {"days": 99}, ["from 0 to 20"]),
        ("platform move", {"point": "99", "position": 1}, ["no point 99"]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
async def test_bad_input_is_refused_ephemerally_with_the_reason_and_changes_nothing(
    world: World, parts: str, options: dict[str, Any], says: list[str]
) -> None:
    """Each bad value gets an ephemeral sentence saying what was wrong; the database is exactly as before."""
    before = await world.settled_dump()
    reply = await run(world, parts, options)
    assert reply.ephemeral
    text = reply.text()
    for fragment in says:
        assert fragment in text
    assert "Sorry, something went wrong" not in text
    assert await world.dump() == before


@pytest.mark.parametrize(
    ("parts", "options", "raw", "says"),
    [
        (
            "seat add",
            {"election": ELECTION, "name": "County Seat", "electorate_type": "region", "electorate": "Kent"},
            {"electorate_type": "county"},
            ["“county” is not an electorate type", "region, service_group, group, national"],
        ),
        (
            "date set",
            {"election": ELECTION, "kind": "ballot_open", "date": "21 April 2025"},
            {"kind": "polling_day"},
            ["is not a timetable date", "nominations_open, nominations_close, ballot_open"],
        ),
        ("settings nation", {"nation": "england"}, {"nation": "cornwall"}, ["“cornwall”", "northern-ireland"]),
    ],
)
async def test_a_value_outside_an_options_choices_is_refused(
    world: World, parts: str, options: dict[str, Any], raw: dict[str, str], says: list[str]
) -> None:
    """A value no choice list offers (an old or crafted client) is refused with the choices; nothing changes."""
    before = await world.settled_dump()
    reply = await invoke_raw(world, parts, options, raw)
    assert reply.ephemeral
    for fragment in says:
        assert fragment in reply.text()
    assert await world.dump() == before


async def test_a_timetable_out_of_order_is_refused(world: World) -> None:
    """A close before its open, an open after its close, results before the close: each refused, naming the clash."""
    election = "Order Test 2026"
    await world.services.elections.add(GUILD, ORGANISER, election)
    await run(world, "date set", {"election": election, "kind": "ballot_open", "date": "10 March 2026"})
    before = await world.settled_dump()
    early_close = await run(world, "date set", {"election": election, "kind": "ballot_close", "date": "9 March 2026"})
    assert early_close.ephemeral
    assert "The ballot can’t close before the ballot opens (10 March 2026 09:00)." in early_close.text()
    assert await world.dump() == before

    await run(world, "date set", {"election": election, "kind": "ballot_close", "date": "20 March 2026"})
    before = await world.settled_dump()
    late_open = await run(world, "date set", {"election": election, "kind": "ballot_open", "date": "21 March 2026"})
    assert "The ballot can’t open after the ballot closes (20 March 2026 17:00)." in late_open.text()
    early_results = await run(world, "date set", {"election": election, "kind": "results", "date": "19 March 2026"})
    assert "Results can’t be before the ballot closes (20 March 2026 17:00)." in early_results.text()
    assert await world.dump() == before


async def test_an_ambiguous_name_is_refused_with_the_choices(world: World) -> None:
    """A name that fits several candidates equally is refused listing them; the full name then works."""
    for name in ("Jo Bloggs-A", "Jo Bloggs-B"):
        await world.services.candidates.add(GUILD, ORGANISER, name=name, seat="Health Service Group (Female)")
    before = await world.settled_dump()
    reply = await run(world, "candidate edit", {"candidate": "jo bloggs", "job": "Porter"})
    assert reply.ephemeral
    assert "“jo bloggs” matches several candidates: Jo Bloggs-A, Jo Bloggs-B. Use the full name." in reply.text()
    assert await world.dump() == before

    slated = await run(world, "candidate edit", {"candidate": "jo bloggs-a", "slate": "Members First"})
    assert "Updated **Jo Bloggs-A** (NEC 2025): slate independent → Members First." in slated.text()
    card = await world.discord.invoke("/candidate name: Jo Bloggs-A", user=ACTIVIST)
    assert "Members First" in card.text()
    independent = await run(world, "candidate edit", {"candidate": "Jo Bloggs-A", "slate": "none"})
    assert "Updated" in independent.text()
    card = await world.discord.invoke("/candidate name: Jo Bloggs-A", user=ACTIVIST)
    assert "Independent" in card.text() and "Members First" not in card.text()


async def test_a_date_in_the_past_is_allowed_and_said_to_be_past(world: World) -> None:
    """Recording a past election works; the reply notes the date is in the past and says it in local time."""
    await world.services.elections.add(GUILD, ORGANISER, "Past Records 2019")
    reply = await run(
        world, "date set", {"election": "Past Records 2019", "kind": "ballot_close", "date": "2019-05-21"}
    )
    assert reply.ephemeral
    text = reply.text()
    assert "Ballot closes for **Past Records 2019**: Tuesday 21 May 2019 at 17:00 (Europe/London)" in text
    assert "in the past" in text
    stored = await world.services.elections.resolve(GUILD, "Past Records 2019")
    assert [m.at for m in stored.timetable] == [datetime(2019, 5, 21, 16, 0, tzinfo=UTC)]


async def test_moving_a_date_says_what_it_was(world: World) -> None:
    """Changing a dated milestone shows the new and the old time, in words and as Discord timestamps."""
    await world.services.elections.add(GUILD, ORGANISER, "Moving Dates 2026")
    await run(world, "date set", {"election": "Moving Dates 2026", "kind": "ballot_open", "date": "2 March 2026"})
    moved = await run(
        world,
        "date set",
        {"election": "Moving Dates 2026", "kind": "ballot_open", "date": "03/03/2026", "time": "5pm"},
    )
    text = moved.text()
    assert "Tuesday 3 March 2026 at 17:00 (Europe/London)" in text
    assert "It was Monday 2 March 2026 at 09:00 (Europe/London)" in text
    assert f"<t:{int(datetime(2026, 3, 3, 17, 0, tzinfo=UTC).timestamp())}:R>" in text
    cleared = await run(world, "date clear", {"election": "Moving Dates 2026", "kind": "ballot_open"})
    assert "Removed the date the ballot opens from **Moving Dates 2026**’s timetable" in cleared.text()
    assert (await world.services.elections.resolve(GUILD, "Moving Dates 2026")).timetable == ()


# --------------------------------------------------------------------------------------------- import / export


async def test_import_dry_run_lists_the_changes_and_writes_nothing(world: World) -> None:
    """A dry run defers, lists each addition, says it was a dry run, and leaves the database as it was."""
    before = await world.settled_dump()
    file = b"""format: 1
elections:
  - name: Dry Run 2027
    timetable:
      ballot_open: "2027-03-01 09:00"
    seats:
      - name: Dry Seat
        electorate_type: region
        electorate: Wales
        candidates:
          - name: Dry Person
            slate: Time for Real Change
"""
    reply = await run(world, "import", {"file": ("dry.yaml", file), "dry_run": True}, wait_for_followup=True)
    assert reply.deferred
    assert reply.ephemeral
    text = reply.text()
    assert "The import would make 4 additions and 0 updates." in text
    for change in ("add election Dry Run 2027", "add seat Dry Seat", "add candidate Dry Person", "add date"):
        assert change in text
    assert "This was a dry run: nothing was changed." in text
    assert await world.dump() == before

    done = await run(world, "import", {"file": ("dry.yaml", file)}, wait_for_followup=True)
    assert "The import made 4 additions and 0 updates." in done.text()
    assert "Dry Run 2027" in await elections_of(world, GUILD)
    [entry] = await world.services.audit.recent(GUILD, 1)
    assert entry.action == "import" and entry.actor_id == ORGANISER


async def test_a_bad_import_file_lists_every_error_by_line_and_imports_nothing(world: World) -> None:
    """A file with several mistakes is refused as a whole, each mistake with its line number."""
    before = await world.settled_dump()
    file = b"""format: 1
elections:
  - name: Bad File 2028
    timetable:
      ballot_open: "2028-02-30 09:00"
    seats:
      - name: Bad Seat
        electorate_type: county
        electorate: Somewhere
      - name: Empty Seat
        electorate_type: national
        electorate: Everyone
        places: 0
"""
    reply = await run(world, "import", {"file": ("bad.yaml", file)}, wait_for_followup=True)
    assert reply.deferred
    assert reply.ephemeral
    text = reply.text()
    assert "Nothing was imported: the file has 3 problems." in text
    assert "• line 5: ballot_open" in text and "not a real date" in text
    assert "• line 7: seat 'Bad Seat': electorate_type 'county'" in text
    assert "• line 10: seat 'Empty Seat': places must be a whole number from 1 to 50" in text
    assert await world.dump() == before


async def test_an_import_that_is_not_utf8_text_is_refused(world: World) -> None:
    """A binary attachment is refused with how to save it; nothing changes."""
    before = await world.settled_dump()
    reply = await run(world, "import", {"file": ("photo.yaml", b"\xff\xd8\xff\xe0 binary")}, wait_for_followup=True)
    assert "not UTF-8 text" in reply.text()
    assert await world.dump() == before


async def test_an_import_over_the_size_limit_is_refused_before_it_is_read(world: World) -> None:
    """A file over 5 MB is refused with its size and the limit; nothing changes."""
    before = await world.settled_dump()
    reply = await run(world, "import", {"file": ("huge.yaml", b"#" * 5_000_001)}, wait_for_followup=True)
    assert reply.deferred and reply.ephemeral
    assert "That file is 5,000,001 bytes; the limit is 5,000,000." in reply.text()
    assert await world.dump() == before


@pytest.mark.parametrize(("fmt", "target"), [("yaml", 4100), ("csv", 4200)])
async def test_an_export_imports_back_unchanged(world: World, fmt: str, target: int) -> None:
    """Export NEC 2025's server, import the file into an empty server, export that: the same text."""
    exported = await run(world, "export", {"format": fmt}, wait_for_followup=True)
    assert exported.deferred
    assert exported.ephemeral
    [file] = exported.files
    assert file.filename == f"slatebot.{fmt}"
    assert "/organise import" in exported.text()
    text = file.data.decode("utf-8")
    assert "Tom Barker" in text and SLATE in text

    await open_branch(world, target, f"Round Trip {fmt}")
    imported = await run(world, "import", {"file": (file.filename, file.data)}, guild=target, wait_for_followup=True)
    assert "The import made" in imported.text(), imported.text()
    again = await run(world, "export", {"format": fmt}, guild=target, wait_for_followup=True)
    [copy] = again.files
    assert copy.data.decode("utf-8") == text

    repeat = await run(world, "import", {"file": (file.filename, file.data)}, guild=target, wait_for_followup=True)
    assert "No changes: everything in the file is already stored." in repeat.text()


async def test_export_of_one_election_is_named_after_it(world: World) -> None:
    """`/organise export election:` gives only that election, in a file named after it."""
    reply = await run(world, "export", {"election": ELECTION}, wait_for_followup=True)
    [file] = reply.files
    assert file.filename == "nec-2025.yaml"
    text = file.data.decode("utf-8")
    assert "NEC 2025" in text and "Removal" not in text


# --------------------------------------------------------------------------------------------- settings


async def test_settings_are_each_shown_back_in_words(world: World) -> None:
    """Time zone (with autocomplete), organiser role, slate, nation and post days: each set and shown back."""
    branch = 4000
    await open_branch(world, branch, "Settings Branch")
    offered = await world.discord.autocomplete(
        organise("settings", "timezone"), "timezone", "london", guild=branch, user=ORGANISER
    )
    assert offered[0]["name"] == "Europe/London"
    assert len(offered) <= 25

    zone = await run(world, "settings timezone", {"timezone": "europe/dublin"}, guild=branch)
    assert zone.ephemeral
    assert "**Time zone:** Europe/Dublin" in zone.text()

    role = world.discord.resolve_role("Organiser", world.discord.resolve_guild(branch))
    organisers = await run(world, "settings organiser-role", {"role": "Organiser"}, guild=branch)
    assert f"**Organiser role:** <@&{role.id}>" in organisers.text()

    slate = await run(world, "settings slate", {"name": "Members First"}, guild=branch)
    assert "**Our slate:** Members First" in slate.text()

    nation = await run(world, "settings nation", {"nation": "wales"}, guild=branch)
    assert "**Bank holidays of:** wales" in nation.text()

    days = await run(world, "settings post-days", {"days": 3}, guild=branch)
    assert "**Working days a ballot paper needs in the post:** 3" in days.text()

    channel = world.discord.resolve_channel("general", world.discord.resolve_guild(branch))
    reminders = await run(world, "reminders channel", {"channel": channel.id, "role": "Organiser"}, guild=branch)
    assert f"**Reminders:** on, posted in <#{channel.id}>, mentioning <@&{role.id}>" in reminders.text()
    offsets = await run(world, "reminders offsets", {"offsets": "7d, 1d,3h,0"}, guild=branch)
    assert "`7d,1d,3h,0`" in offsets.text()
    off = await run(world, "reminders off", guild=branch)
    assert "Reminders are off" in off.text() and "**Reminders:** off" in off.text()

    config = await world.services.guilds.get(branch)
    assert (config.timezone, config.slate, config.nation.value, config.post_days) == (
        "Europe/Dublin",
        "Members First",
        "wales",
        3,
    )
    assert config.organiser_role_id == role.id
    actions = [e.action for e in await world.services.audit.recent(branch, 20)]
    assert set(actions) >= {
        "settings.timezone",
        "settings.organiser_role",
        "settings.slate",
        "settings.nation",
        "settings.post_days",
        "reminders.channel",
        "reminders.offsets",
        "reminders.off",
    }


# --------------------------------------------------------------------------------------------- the journey


async def test_an_organiser_builds_the_slate_from_nothing_and_an_activist_reads_it(world: World) -> None:
    """In an empty server, commands alone build NEC 2025; a member then reads exactly what was built."""
    officers = await add_role(world, EMPTY_GUILD, "Branch Officers", Perm.MANAGE_GUILD)
    world.discord.add_member(EMPTY_GUILD, ORGANISER, roles=[officers.id])
    here = {"guild": EMPTY_GUILD}

    async def build(parts: str, options: Mapping[str, Any] | None = None) -> str:
        reply = await run(world, parts, options, **here)
        assert reply.ephemeral, parts
        assert "Sorry, something went wrong" not in reply.text(), parts
        return reply.text()

    assert "Our slate:** Time for Real Change" in await build("settings slate", {"name": SLATE})
    assert "Added the election **NEC 2025**" in await build(
        "election add", {"name": ELECTION, "description": "UNISON National Executive Council election 2025."}
    )
    dates = [
        ("nominations_open", "13 January 2025", None),
        ("nominations_close", "14/02/2025", "17:00"),
        ("ballot_open", "2025-04-21", None),
        ("replacement_deadline", "14 May 2025", None),
        ("ballot_close", "21 May 2025", None),
        ("results", "11 June 2025", None),
    ]
    said = {}
    for kind, day, time in dates:
        options = {"election": "nec 2025", "kind": kind, "date": day} | ({"time": time} if time else {})
        said[kind] = await build("date set", options)
        assert "for **NEC 2025**" in said[kind]
    assert "Wednesday 21 May 2025 at 17:00 (Europe/London)" in said["ballot_close"]
    assert "in the past" not in said["ballot_close"]
    assert "in the past" in said["nominations_open"]
    assert "Friday 14 February 2025 at 17:00" in said["nominations_close"]

    seats = [
        ("East Midlands Regional (Male)", "region", "East Midlands", 1),
        ("Greater London Regional (Female)", "region", "Greater London", 2),
        ("Young Members (General)", "group", "Young members", 1),
    ]
    for name, kind, electorate, places in seats:
        added = await build(
            "seat add",
            {"election": ELECTION, "name": name, "electorate_type": kind, "electorate": electorate, "places": places},
        )
        plural = "s" if places > 1 else ""
        assert f"Added the seat **{name}** to **{ELECTION}** ({kind}: {electorate}, {places} place{plural})." in added

    standing = [
        ("Tom Barker", "East Midlands Regional (Male)", SLATE, "Leicester City", True),
        ("Asha Patel", "Greater London Regional (Female)", SLATE, "Camden", False),
        ("Bea Okafor", "Greater London Regional (Female)", SLATE, "Hackney", False),
        ("Rival Person", "East Midlands Regional (Male)", "Members First", "Derby", False),
        ("Other Rival", "Greater London Regional (Female)", "Members First", "Brent", False),
    ]
    for name, seat, slate, branch, incumbent in standing:
        added = await build(
            "candidate add",
            {"name": name, "seat": seat, "slate": slate, "branch": branch, "incumbent": incumbent},
        )
        assert f"Added **{name}** ({slate})" in added

    statements = {
        "Tom Barker": "I have fought for special educational needs staff in Leicester for twenty years.",
        "Asha Patel": "Safe staffing in every London hospital.",
        "Bea Okafor": "Pay rise above inflation, for everyone.",
    }
    for name, words in statements.items():
        opened = await run(world, "candidate statement", {"candidate": name}, **here)
        assert opened.modal is not None
        field = next(c for c in walk_components(opened.modal["components"]) if c.get("custom_id") == "statement:text")
        assert not field.get("value")
        saved = await world.discord.submit_modal(opened.modal["custom_id"], {"statement:text": words}, user=ORGANISER)
        assert f"Saved {name}'s statement" in saved.text()

    points = ["Fund the NHS properly.", "A pay rise above inflation.", "Ballot to win.", "A point to drop."]
    for number, text in enumerate(points, start=1):
        assert f"Added as point {number}." in await build("platform add", {"text": text})
    assert "to position 1" in await build("platform move", {"point": "2", "position": 1})
    assert "Removed point 4" in await build("platform remove", {"point": "A point to drop"})

    reader: dict[str, Any] = {"guild": EMPTY_GUILD, "user": "newcomer"}
    slate_reply = await world.discord.invoke("/slate", **reader)
    assert slate_reply.ephemeral
    text = slate_reply.text()
    assert f"{SLATE} candidates in {ELECTION}" in text
    assert "3 candidates in 2 seats" in text
    for name in ("Tom Barker", "Asha Patel", "Bea Okafor"):
        assert name in text
    assert "Rival Person" not in text and "Other Rival" not in text

    card = await world.discord.invoke("/candidate name: tom barker", **reader)
    assert card.embeds[0]["title"] == "Tom Barker"
    assert statements["Tom Barker"] in card.embeds[0]["description"]
    assert "Leicester City" in card.text() and "our slate" in card.text() and "Sitting member" in card.text()

    seat_reply = await world.discord.invoke("/seat name: Greater London Regional (Female)", **reader)
    seat_text = seat_reply.text()
    assert "Members in the Greater London region" in seat_text
    assert "**Places:** 2 (vote for up to 2)" in seat_text
    assert "Candidates (3)" in seat_text
    assert "★ **Asha Patel**" in seat_text and "★ **Bea Okafor**" in seat_text
    assert "• Other Rival (Members First)" in seat_text

    rivals = await world.discord.invoke("/seat name: East Midlands Regional (Male)", **reader)
    assert "**Places:** 1 (vote for 1)" in rivals.text()
    assert "★ **Tom Barker** (Time for Real Change, sitting member)" in rivals.text()
    assert "• Rival Person (Members First)" in rivals.text()

    how = await world.discord.invoke("/howtovote region: greater london groups: Young members", **reader)
    how_text = how.text()
    assert "vote **Asha Patel**, **Bea Okafor**" in how_text
    assert "Tom Barker" not in how_text
    assert "Young Members (General)" in how_text and "no slate candidate" in how_text
    assert f"<t:{OPEN}:F>" in how_text and f"<t:{CLOSE}:F>" in how_text and f"<t:{POST_BY}:F>" in how_text

    ballot = await world.discord.invoke("/ballot", **reader)
    ballot_text = ballot.text()
    assert "Ballot open now" in ballot_text
    assert f"<t:{CLOSE}:R>" in ballot_text
    assert "Post your ballot paper by" in ballot_text
    assert "National Executive Council" in ballot_text

    platform = await world.discord.invoke("/platform", **reader)
    description = platform.embeds[0]["description"]
    assert description.splitlines() == [
        "**1.** A pay rise above inflation.",
        "**2.** Fund the NHS properly.",
        "**3.** Ballot to win.",
    ]

    assert (await world.services.audit.recent(EMPTY_GUILD, 1))[0].actor_id == ORGANISER
