"""A real discord.py bot against the stand-in: gateway, sync, interactions, faults, permissions."""

from __future__ import annotations

import asyncio
import datetime
import io
from collections.abc import AsyncIterator

import discord
import pytest
import pytest_asyncio
import yarl
from discord import app_commands
from discord.ext import commands

from standin import InteractionFailed, Perm, SpecChecker, StandIn

from .helpers import make_bot, start_bot, stop_bot

pytestmark = pytest.mark.asyncio(loop_scope="module")

GUILD = discord.Object(1000)
CANDIDATES = ["Tom Barker", "Tina Jones", "Amir Khan", "Beth Ode", "Tomasz Nowak"]


class Panel(discord.ui.View):
    """A button that edits its message and a select that answers ephemerally."""

    @discord.ui.button(label="Read statements", custom_id="panel:read", style=discord.ButtonStyle.primary)
    async def read(self, interaction: discord.Interaction, _button: discord.ui.Button[Panel]) -> None:
        await interaction.response.edit_message(content="Statements shown")

    @discord.ui.select(
        custom_id="panel:pick",
        placeholder="Pick a candidate",
        options=[discord.SelectOption(label=name, value=str(i)) for i, name in enumerate(CANDIDATES)],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[Panel]) -> None:
        await interaction.response.send_message(f"You picked {CANDIDATES[int(select.values[0])]}", ephemeral=True)


class Statement(discord.ui.Modal, title="Candidate statement"):
    """A one-field modal, prefilled."""

    text: discord.ui.TextInput[Statement] = discord.ui.TextInput(
        label="Statement", custom_id="statement:text", style=discord.TextStyle.paragraph, default="old", max_length=500
    )

    def __init__(self) -> None:
        super().__init__(custom_id="statement:modal")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Saved: {self.text.value}", ephemeral=True)


class Reminder(discord.ui.View):
    """A persistent view, as reminders carry: it keeps working after a restart."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Read candidate statements", custom_id="remind:read")
    async def read(self, interaction: discord.Interaction, _button: discord.ui.Button[Reminder]) -> None:
        where = "DM" if interaction.guild is None else interaction.guild.name
        await interaction.response.send_message(f"Statements for {interaction.user.name} in {where}", ephemeral=True)


class QuickBot(commands.Bot):
    """discord.py waits 5 s before a non-initial IDENTIFY; this test bot does not."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None

    async def setup_hook(self) -> None:
        self.add_view(Reminder())


def build_bot() -> commands.Bot:
    bot = make_bot(QuickBot)
    bot.errors = []  # type: ignore[attr-defined]
    tree = bot.tree

    @tree.error
    async def on_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        bot.errors.append(error)  # type: ignore[attr-defined]

    @tree.command(name="ping", description="Answers pong", guild=GUILD)
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    @tree.command(name="slow", description="Answers too late", guild=GUILD)
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(3.5)
        await interaction.response.send_message("finally")

    @tree.command(name="twice", description="Answers twice", guild=GUILD)
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first", ephemeral=True)
        # A second InteractionResponse does not know the first answered, like a second bot process.
        await discord.InteractionResponse(interaction).send_message("second", ephemeral=True)

    @tree.command(name="bigembed", description="Sends an oversize embed", guild=GUILD)
    async def bigembed(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=discord.Embed(title="x" * 300), ephemeral=True)

    @tree.command(name="candidate", description="Shows a candidate", guild=GUILD)
    @app_commands.describe(name="Candidate name")
    async def candidate(interaction: discord.Interaction, name: str) -> None:
        embed = discord.Embed(title=name, description="Statement")
        embed.add_field(name="Seat", value="East Midlands")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @candidate.autocomplete("name")
    async def candidate_names(_interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        hits = [n for n in CANDIDATES if n.lower().startswith(current.lower())]
        return [app_commands.Choice(name=n, value=n) for n in hits]

    @tree.command(name="panel", description="Buttons and a select", guild=GUILD)
    async def panel(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Candidates", view=Panel(), ephemeral=True)

    @tree.command(name="statement", description="Edit a statement", guild=GUILD)
    async def statement(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Statement())

    @tree.command(name="typed", description="Echoes typed options", guild=GUILD)
    async def typed(
        interaction: discord.Interaction,
        count: int,
        flag: bool,
        who: discord.Member,
        where: discord.TextChannel,
        role: discord.Role,
        note: str | None = None,
    ) -> None:
        text = f"{count + 1} {flag} {who.name} {where.name} {role.name} {note}"
        await interaction.response.send_message(text, ephemeral=True)

    @tree.command(name="remindme", description="DMs a reminder with a button", guild=GUILD)
    async def remindme(interaction: discord.Interaction) -> None:
        await interaction.user.send("Ballot opens 17 April", view=Reminder())
        await interaction.response.send_message("Sent you a DM", ephemeral=True)

    @tree.command(name="upload", description="Reads an attachment", guild=GUILD)
    async def upload(interaction: discord.Interaction, file: discord.Attachment, weight: float = 1.0) -> None:
        data = await file.read()
        echo = discord.File(io.BytesIO(data), filename="echo.csv")
        await interaction.response.send_message(f"{file.filename}: {data.decode()} x{weight:g}", file=echo)

    @tree.command(name="echo", description="Repeats text, pinging nobody unless asked", guild=GUILD)
    async def echo(interaction: discord.Interaction, text: str, ping: bool = False) -> None:
        mentions = discord.AllowedMentions.all() if ping else discord.AllowedMentions.none()
        await interaction.response.send_message(text, allowed_mentions=mentions)

    @tree.command(name="report", description="Defers, then follows up with a file", guild=GUILD)
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await asyncio.sleep(0.1)
        await interaction.followup.send("Report ready", file=discord.File(__file__, filename="report.txt"))

    @tree.command(name="about", description="A global command")
    async def about(interaction: discord.Interaction) -> None:
        where = "a DM" if interaction.guild is None else interaction.guild.name
        await interaction.response.send_message(f"Slatebot in {where}", ephemeral=True)

    organise = app_commands.Group(name="organise", description="Organiser commands", guild_ids=[GUILD.id])
    election = app_commands.Group(name="election", description="Elections", parent=organise)

    @election.command(name="add", description="Add an election")
    async def election_add(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"Added {name}", ephemeral=True)

    tree.add_command(organise)
    return bot


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def bot(module_standin: StandIn) -> AsyncIterator[commands.Bot]:
    client = build_bot()
    task = await start_bot(client, module_standin)
    await client.tree.sync(guild=GUILD)
    await client.tree.sync()
    yield client
    await stop_bot(client, task)


async def test_connects_and_caches_the_guild(bot: commands.Bot, discord_: StandIn) -> None:
    """READY and GUILD_CREATE fill discord.py's cache with the guild, channels, roles and members."""
    guild = bot.get_guild(1000)
    assert guild is not None and guild.name == "Slate HQ"
    assert [c.name for c in guild.text_channels] == ["general"]
    assert {r.name for r in guild.roles} >= {"@everyone", "Organiser", "slatebot"}
    organiser = guild.get_member(2002)
    assert organiser is not None and organiser.guild_permissions.manage_guild
    activist = guild.get_member(2001)
    assert activist is not None and not activist.guild_permissions.manage_guild
    assert bot.user is not None and bot.user.id == discord_.application_id
    assert yarl.URL(discord_.gateway_url) == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    assert discord_.api_base == discord.http.Route.BASE
    assert discord_.gateway.identify_count >= 1


async def test_sync_stores_commands_and_passes_checks(bot: commands.Bot, discord_: StandIn) -> None:
    """The tree's PUT is stored, a GET returns it, and it broke no spec or naming rule."""
    puts = discord_.requests_matching("PUT", r"/applications/100/guilds/1000/commands$", status=200)
    assert puts
    fetched = await bot.tree.fetch_commands(guild=GUILD)
    assert {c.name for c in fetched} >= {"ping", "slow", "candidate", "organise", "typed"}
    stored = {c["name"]: c for c in discord_.commands()}
    assert stored["organise"]["options"][0]["options"][0]["name"] == "add"
    assert not discord_.violations


async def test_invoke_gets_an_ephemeral_reply(bot: commands.Bot, discord_: StandIn) -> None:
    """/ping answers ephemerally and the callback is recorded."""
    reply = await discord_.invoke("/ping")
    assert reply.ok and reply.callback_type == 4
    assert reply.ephemeral and reply.content == "pong"
    assert discord_.requests_matching("POST", r"/interactions/\d+/.+/callback", status=200)


async def test_subcommands_and_typed_options(bot: commands.Bot, discord_: StandIn) -> None:
    """Command lines and parts reach nested subcommands with typed, resolved options."""
    reply = await discord_.invoke("/organise election add name: NEC 2025")
    assert reply.content == "Added NEC 2025"
    reply = await discord_.slash("organise", "election", "add", options={"name": "Regional"}, user="organiser")
    assert reply.content == "Added Regional"
    reply = await discord_.invoke("/typed count: 41 flag: yes who: organiser where: #general role: Organiser")
    assert reply.content == "42 True organiser general Organiser None"


async def test_slow_answer_gets_unknown_interaction(bot: commands.Bot, discord_: StandIn) -> None:
    """A bot that answers after 3 s fails the invoke, and its late answer gets 404 / 10062."""
    mark = len(discord_.requests)
    with pytest.raises(InteractionFailed) as failed:
        await discord_.invoke("/slow")
    assert "within 3 s" in str(failed.value)
    late = await discord_.wait_for_request("POST", r"/callback", status=404, since=mark, timeout=3)
    assert late.error_code == 10062
    assert failed.value.reply.pending.late
    assert isinstance(bot.errors[-1].__cause__, discord.NotFound)  # type: ignore[attr-defined]


async def test_second_answer_is_refused(bot: commands.Bot, discord_: StandIn) -> None:
    """Answering an interaction twice gets 400 / 40060."""
    mark = len(discord_.requests)
    reply = await discord_.invoke("/twice")
    assert reply.content == "first"
    refused = await discord_.wait_for_request("POST", r"/callback", status=400, since=mark)
    assert refused.error_code == 40060
    assert reply.errors and reply.errors[0].error_code == 40060


async def test_oversize_embed_is_a_violation(bot: commands.Bot, discord_: StandIn) -> None:
    """An embed title over 256 characters is caught by the limits (and by the spec, when it is here) and refused."""
    mark = len(discord_.requests)
    reply = await discord_.invoke("/bigembed", response_timeout=0.5, raise_on_failure=False)
    assert not reply.ok and reply.failure
    refused = await discord_.wait_for_request("POST", r"/callback", status=400, since=mark)
    assert refused.error_code == 50035 and reply.errors[0].error_code == 50035
    kinds = {(v.kind, v.where) for v in discord_.violations}
    assert ("limit", "/data/embeds/0/title") in kinds
    # The spec lives beside the project, not in it: a clone of the project alone checks the limits only.
    assert (("spec", "/data/embeds/0/title") in kinds) is SpecChecker().available
    discord_.clear_violations()


async def test_autocomplete_returns_the_bots_choices(bot: commands.Bot, discord_: StandIn) -> None:
    """The focused option reaches the bot and its choices come back."""
    choices = await discord_.autocomplete("candidate", "name", "to")
    assert [c["name"] for c in choices] == ["Tom Barker", "Tomasz Nowak"]
    reply = await discord_.invoke("/candidate name: Tom Barker")
    assert "Tom Barker" in reply.text() and "East Midlands" in reply.text()


async def test_button_select_and_modal_round_trip(bot: commands.Bot, discord_: StandIn) -> None:
    """A button edits its message, a select answers, a modal submit carries the typed value."""
    reply = await discord_.invoke("/panel")
    assert set(reply.custom_ids()) == {"panel:read", "panel:pick"}
    clicked = await discord_.click(reply, "panel:read")
    assert clicked.callback_type == 7 and clicked.content == "Statements shown"
    assert reply.content == "Statements shown"
    picked = await discord_.select(reply, "panel:pick", ["3"])
    assert picked.content == "You picked Beth Ode" and picked.ephemeral
    opened = await discord_.invoke("/statement")
    assert opened.callback_type == 9 and opened.modal is not None
    assert opened.modal["title"] == "Candidate statement"
    saved = await discord_.submit_modal("statement:modal", {"statement:text": "Vote for change"})
    assert saved.content == "Saved: Vote for change"


async def test_deferred_followup_with_a_file(bot: commands.Bot, discord_: StandIn) -> None:
    """A deferral followed up with a file replaces the thinking message, keeping it ephemeral."""
    reply = await discord_.invoke("/report", wait_for_followup=True)
    assert reply.deferred and reply.ephemeral
    assert reply.content == "Report ready"
    assert [f.filename for f in reply.files] == ["report.txt"]
    assert b"A real discord.py bot" in reply.files[0].data


async def test_rate_limited_post_is_retried_once(bot: commands.Bot, discord_: StandIn) -> None:
    """A 429 with Via is honoured by discord.py: it waits and the message is posted once."""
    channel = bot.get_channel(1100)
    assert isinstance(channel, discord.TextChannel)
    before = len(discord_.channel_history(1100))
    discord_.fail("POST", r"/channels/1100/messages$", status=429, times=1, retry_after=0.05)
    await channel.send("Ballot opens 17 April")
    statuses = [r.status for r in discord_.requests_matching("POST", r"/channels/1100/messages$")][-2:]
    assert statuses == [429, 200]
    history = discord_.channel_history(1100)
    assert len(history) == before + 1 and history[-1].content == "Ballot opens 17 April"


async def test_server_errors_are_retried(bot: commands.Bot, discord_: StandIn) -> None:
    """Two 500s then success: discord.py retries and the message lands once."""
    channel = bot.get_channel(1100)
    assert isinstance(channel, discord.TextChannel)
    before = len(discord_.channel_history(1100))
    discord_.fail("POST", r"/channels/1100/messages$", status=500, times=2)
    await channel.send("3 days left to vote")
    statuses = [r.status for r in discord_.requests_matching("POST", r"/channels/1100/messages$")][-3:]
    assert statuses == [500, 500, 200]
    assert len(discord_.channel_history(1100)) == before + 1


async def test_gateway_drop_resumes(bot: commands.Bot, discord_: StandIn) -> None:
    """After the websocket drops the bot RESUMEs, gets missed events, and still answers."""
    resumed = discord_.gateway.resume_count
    await discord_.drop_gateway()
    await discord_.dispatch_event("TYPING_START", {"channel_id": "1100", "user_id": "2001", "timestamp": 0})
    assert await discord_.gateway.wait_for(lambda: discord_.gateway.resume_count > resumed, 10)
    reply = await discord_.invoke("/ping")
    assert reply.content == "pong"


async def test_closed_dms_get_50007(bot: commands.Bot, discord_: StandIn) -> None:
    """Writing to a user who closed DMs raises Forbidden with code 50007."""
    user = await bot.fetch_user(2001)
    await user.send("Reminder: the ballot opens today")
    assert discord_.dms(2001)[-1].content == "Reminder: the ballot opens today"
    discord_.close_dms(2001)
    try:
        with pytest.raises(discord.Forbidden) as refused:
            await user.send("again")
        assert refused.value.code == 50007
    finally:
        discord_.open_dms(2001)


async def test_missing_send_permission_gets_50013(bot: commands.Bot, discord_: StandIn) -> None:
    """A channel overwrite denying Send Messages makes posting fail with 50013."""
    channel = bot.get_channel(1100)
    assert isinstance(channel, discord.TextChannel)
    await discord_.set_channel_permission(1100, deny=Perm.SEND_MESSAGES)
    try:
        with pytest.raises(discord.Forbidden) as refused:
            await channel.send("nope")
        assert refused.value.code == 50013
    finally:
        await discord_.set_channel_permission(1100)
    await channel.send("back")


async def test_invalidated_session_identifies_again(bot: commands.Bot, discord_: StandIn) -> None:
    """When the session cannot be resumed the bot gets INVALID_SESSION and IDENTIFYs afresh."""
    identified = discord_.gateway.identify_count
    await discord_.drop_gateway(resumable=False)
    assert await discord_.gateway.wait_for(lambda: discord_.gateway.identify_count > identified, 10)
    reply = await discord_.invoke("/ping")
    assert reply.content == "pong"


async def test_button_in_a_dm_with_a_persistent_view(bot: commands.Bot, discord_: StandIn) -> None:
    """A reminder DM's button answers the clicker, through a view registered at start-up."""
    reply = await discord_.invoke("/remindme")
    assert reply.content == "Sent you a DM"
    dm = discord_.dms("activist")[-1]
    assert dm.content == "Ballot opens 17 April" and "Read candidate statements" in dm.text()
    clicked = await discord_.click(dm, "remind:read")
    assert clicked.content == "Statements for activist in DM" and clicked.ephemeral
    in_guild = await discord_.slash("remindme", user="organiser")
    assert in_guild.ok
    clicked = await discord_.click(discord_.dms("organiser")[-1], "remind:read")
    assert clicked.content == "Statements for organiser in DM"


async def test_scheduled_event_needs_manage_events(bot: commands.Bot, discord_: StandIn) -> None:
    """discord.py creates an external event; without Manage Events it gets 50013."""
    guild = bot.get_guild(1000)
    assert guild is not None
    start = datetime.datetime(2031, 4, 17, 8, tzinfo=datetime.UTC)
    event = await guild.create_scheduled_event(
        name="NEC 2025 ballot",
        start_time=start,
        end_time=start + datetime.timedelta(days=28),
        entity_type=discord.EntityType.external,
        location="Postal ballot",
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    assert event.name == "NEC 2025 ballot"
    await event.edit(name="NEC ballot")
    assert [e["name"] for e in discord_.guild.scheduled_events.values()] == ["NEC ballot"]
    bot_role = discord_.bot_role()
    perms = bot_role.permissions
    await discord_.set_role_permissions(bot_role, perms & ~Perm.MANAGE_EVENTS)
    try:
        with pytest.raises(discord.Forbidden) as refused:
            await event.edit(name="again")
        assert refused.value.code == 50013
    finally:
        await discord_.set_role_permissions(bot_role, perms)
    await event.delete()
    assert not discord_.guild.scheduled_events


async def test_attachment_and_number_options(bot: commands.Bot, discord_: StandIn) -> None:
    """An attachment option is resolved and downloadable from the stand-in; numbers arrive as floats."""
    reply = await discord_.invoke("upload", {"file": ("slate.csv", b"name,seat"), "weight": "2.5"})
    assert reply.content == "slate.csv: name,seat x2.5"
    assert [(f.filename, f.data) for f in reply.files] == [("echo.csv", b"name,seat")]
    assert reply.message is not None and reply.message["attachments"][0]["filename"] == "echo.csv"
    resolved = reply.payload["data"]["resolved"]["attachments"]
    assert [a["filename"] for a in resolved.values()] == ["slate.csv"]


async def test_mentions_follow_allowed_mentions(bot: commands.Bot, discord_: StandIn) -> None:
    """Message objects list only the pings allowed_mentions lets through."""
    quiet = await discord_.invoke("/echo text: hello <@2001> and <@&1001> @everyone")
    assert not quiet.ephemeral and quiet.mentions == [] and quiet.mention_roles == []
    assert quiet.message is not None and quiet.message["mention_everyone"] is False
    loud = await discord_.invoke("/echo text: hello <@2001> ping: true")
    assert loud.mentions == [2001]
    assert discord_.channel_history("general")[-1].content == "hello <@2001>"


async def test_global_command_in_guild_and_dm(bot: commands.Bot, discord_: StandIn) -> None:
    """A globally synced command runs in the guild and in the user's DM with the bot."""
    assert [c["name"] for c in discord_.commands(global_=True)] == ["about"]
    assert (await discord_.invoke("/about")).content == "Slatebot in Slate HQ"
    dm = discord_.dm_channel(discord_.resolve_user("activist"))
    reply = await discord_.invoke("/about", channel=dm)
    assert reply.content == "Slatebot in a DM" and reply.payload["context"] == 1
