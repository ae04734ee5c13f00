"""
``/organise``: how organisers keep the slate. Each command parses, makes one service call, and renders.

The group carries Manage Server as its default member permission, and the cog checks every call itself
(``interaction_check``): Manage Server or the organiser role. Every reply is ephemeral.
"""

import io
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.dates import utc_to_local
from bot.domain.document import Format
from bot.domain.enums import ElectorateType, MilestoneKind, Nation
from bot.domain.models import AuditEntry, GuildConfig
from bot.domain.reminders import headline
from bot.domain.text import counted, plain, truncate
from bot.errors import InvalidInput
from bot.services.reminders import Preview
from bot.services.slates import SlateNearMiss
from bot.services.transfer import MAX_IMPORT_BYTES, ImportReport
from cogs._autocomplete import (
    candidate_autocomplete,
    election_autocomplete,
    seat_autocomplete,
    slate_autocomplete,
    timezone_autocomplete,
)
from cogs._checks import NotOrganiserFailure, channel_problems, is_organiser
from cogs._common import guild_id, services
from cogs._ui.confirm import choose_then, confirm_then
from cogs._ui.modals import MODAL_TEXT_LIMIT, StatementModal
from cogs._ui.pages import Pages, PageSpan, line_pages
from cogs.organise._campaign import CampaignCommands
from cogs.organise._record import RecordCommands
from cogs.organise._replies import recorded_text

KIND_CHOICES = [app_commands.Choice(name=k.value, value=k.value) for k in MilestoneKind]
TYPE_CHOICES = [app_commands.Choice(name=t.value, value=t.value) for t in ElectorateType]
NATION_CHOICES = [app_commands.Choice(name=n.value, value=n.value) for n in Nation]
FORMAT_CHOICES = [app_commands.Choice(name="YAML", value="yaml"), app_commands.Choice(name="CSV", value="csv")]
_LOCAL = "%A %-d %B %Y at %H:%M"
#: How a reply names the date of each milestone ("Removed the date the ballot opens from ...").
_DATE_NAMES = {
    MilestoneKind.NOMINATIONS_OPEN: "the date nominations open",
    MilestoneKind.NOMINATIONS_CLOSE: "the date nominations close",
    MilestoneKind.BALLOT_OPEN: "the date the ballot opens",
    MilestoneKind.REPLACEMENT_DEADLINE: "the last day to ask for a replacement ballot paper",
    MilestoneKind.BALLOT_CLOSE: "the date the ballot closes",
    MilestoneKind.RESULTS: "the date results are declared",
}


def _local(instant: datetime, zone: ZoneInfo) -> str:
    return f"{utc_to_local(instant, zone).strftime(_LOCAL)} ({zone.key}), {discord.utils.format_dt(instant, 'R')}"


def _field_text(value: object) -> str:
    """One side of a seat edit, as shown: an electorate type by its option value, user text made plain."""
    if isinstance(value, ElectorateType):
        return value.value
    return plain(value) if isinstance(value, str) else str(value)


def _settings_text(config: GuildConfig) -> str:
    role = f"<@&{config.organiser_role_id}>" if config.organiser_role_id else "none (Manage Server only)"
    return (
        f"**Time zone:** {config.timezone}\n**Organiser role:** {role}\n"
        f"**Our slate:** {plain(config.slate) if config.slate else 'not set'}\n"
        f"**Bank holidays of:** {config.nation.value}\n**Working days a ballot paper needs in the post:** "
        f"{config.post_days}\n**Reminders:** {_reminders_state(config)}"
    )


def _reminders_state(config: GuildConfig) -> str:
    """How reminders stand, as a phrase: ``on, posted in #reminders, mentioning @Members, at …``."""
    when = f"`{config.reminder_offsets}` before each ballot date"
    if config.reminder_channel_id is None:
        return f"off; no channel set (`/organise reminders channel` sets one). Times: {when}"
    channel = f"<#{config.reminder_channel_id}>"
    if not config.reminders_enabled:
        return f"off (the channel stays {channel}; `/organise reminders channel` turns them on again). Times: {when}"
    ping = f"<@&{config.reminder_role_id}>" if config.reminder_role_id else "no role"
    return f"on, posted in {channel}, mentioning {ping}, at {when}"


def _import_text(report: ImportReport) -> str:
    lines = [report.summary()]
    shown = [f"• {plain(str(change))}" for change in report.changes[:30]]
    lines.extend(shown)
    if len(report.changes) > len(shown):
        lines.append(f"…and {len(report.changes) - len(shown)} more.")
    if report.dry_run and report.changes:
        lines.append("This was a dry run: nothing was changed. Run it again without `dry_run` to import.")
    return truncate("\n".join(lines), 1900)


def _audit_line(entry: AuditEntry) -> str:
    changed = ""
    if entry.before and entry.after:
        keys = [k for k in entry.after if entry.before.get(k) != entry.after.get(k)]
        changed = ": " + ", ".join(
            f"{k} {truncate(str(entry.before.get(k)), 40)!s} → {truncate(str(entry.after.get(k)), 40)!s}"
            for k in keys[:4]
        )
    else:
        record = entry.after or entry.before or {}
        name = record.get("name") or record.get("candidate") or record.get("election") or ""
        changed = f": {truncate(str(name), 60)}" if name else ""
    who = f"<@{entry.actor_id}>" if entry.actor_id else "the command line (or a member who erased their data)"
    return f"{discord.utils.format_dt(entry.at, 'f')} {who} **{entry.action}**{plain(changed)}"


#: ``/organise audit`` shows ten entries a page, fewer when they are long: a page's entries share this room
#: (under the description's 4,096), and an entry is never cut to make them fit.
AUDIT_PER_PAGE = 10
AUDIT_PAGE = 4000


def _audit_pages(entries: list[AuditEntry]) -> list[discord.Embed]:
    """The audit log's pages, each saying which entries it shows: ``Entries 11–20 of 50``."""

    def entries_shown(span: PageSpan) -> str:
        """The footer: which entries of how many this page shows."""
        return f"Entries {span.first}–{span.last} of {span.total}"

    lines = [_audit_line(e) for e in entries]
    return line_pages("Audit log", lines, limit=AUDIT_PAGE, max_lines=AUDIT_PER_PAGE, footer=entries_shown)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Organise(
    CampaignCommands,
    RecordCommands,
    commands.GroupCog,
    group_name="organise",
    group_description="Organisers: keep the slate up to date",
):
    """Every organiser command."""

    election = app_commands.Group(name="election", description="Elections")
    date = app_commands.Group(name="date", description="Timetable dates")
    seat = app_commands.Group(name="seat", description="Seats")
    candidate = app_commands.Group(name="candidate", description="Candidates and statements")
    platform = app_commands.Group(name="platform", description="Platform points")
    reminders = app_commands.Group(name="reminders", description="Ballot reminders")
    result = app_commands.Group(name="result", description="Record votes")
    settings = app_commands.Group(name="settings", description="Campaign settings")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Refuse anyone who is not an organiser, whatever Discord's permission overrides say."""
        if not await is_organiser(interaction):
            raise NotOrganiserFailure
        return True

    # -- elections -------------------------------------------------------------------------------------------

    @election.command(name="add")
    @app_commands.describe(name="e.g. NEC 2025", description="A line about it")
    async def election_add(self, interaction: discord.Interaction, name: str, description: str | None = None) -> None:
        """Add an election."""
        added = await services(interaction).elections.add(guild_id(interaction), interaction.user.id, name, description)
        await interaction.response.send_message(
            f"Added the election **{plain(added.name)}**. Next: its dates with `/organise date set` and its seats "
            "with `/organise seat add`.",
            ephemeral=True,
        )

    @election.command(name="rename")
    @app_commands.describe(election="The election to rename", new_name="Its new name")
    @app_commands.autocomplete(election=election_autocomplete)
    async def election_rename(self, interaction: discord.Interaction, election: str, new_name: str) -> None:
        """Rename an election."""
        after = await services(interaction).elections.rename(
            guild_id(interaction), interaction.user.id, election, new_name
        )
        await interaction.response.send_message(f"Renamed it to **{plain(after.name)}**.", ephemeral=True)

    @election.command(name="remove")
    @app_commands.describe(election="The election to remove")
    @app_commands.autocomplete(election=election_autocomplete)
    async def election_remove(self, interaction: discord.Interaction, election: str) -> None:
        """Remove an election and all in it (asks first)."""
        svc = services(interaction)
        summary = await svc.elections.removal_summary(guild_id(interaction), election)
        question = (
            f"Remove **{plain(summary.election.name)}**? Its timetable, pending reminders, "
            f"{counted(summary.seats, 'seat')} and {counted(summary.candidates, 'candidate')} (with statements and "
            "results) go with it. This cannot be undone; `/organise export` first keeps a copy."
        )

        async def remove() -> str:
            removed = await svc.elections.remove(guild_id(interaction), interaction.user.id, summary.election.id)
            return f"Removed **{plain(removed.name)}**."

        await confirm_then(interaction, question, label="Remove election", action=remove)

    # -- dates -----------------------------------------------------------------------------------------------

    @date.command(name="set")
    @app_commands.describe(
        election="Which election",
        kind="Which milestone",
        date="e.g. 21 April 2025, 21/04/2025 or 2025-04-21",
        time="HH:MM or 5pm (default 09:00; ballot_close 17:00; replacement_deadline 12:00)",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    @app_commands.autocomplete(election=election_autocomplete)
    async def date_set(
        self, interaction: discord.Interaction, election: str, kind: str, date: str, time: str | None = None
    ) -> None:
        """Set a timetable date, in the server's time zone."""
        svc = services(interaction)
        change = await svc.elections.set_date(
            guild_id(interaction), interaction.user.id, election, _kind(kind), date, time
        )
        zone = await svc.guilds.zone(guild_id(interaction))
        text = f"{change.kind.label} for **{plain(change.election.name)}**: {_local(change.after, zone)}."
        if change.before is not None and change.before != change.after:
            text += f"\nIt was {_local(change.before, zone)}."
        elif change.before is not None:
            text += "\nThat was already its date."
        if change.note:
            text += f"\nNote: {change.note}"
        if change.in_past:
            text += "\nNote: that date is in the past (fine for recording a past election)."
        await interaction.response.send_message(text, ephemeral=True)

    @date.command(name="clear")
    @app_commands.describe(election="Which election", kind="Which milestone")
    @app_commands.choices(kind=KIND_CHOICES)
    @app_commands.autocomplete(election=election_autocomplete)
    async def date_clear(self, interaction: discord.Interaction, election: str, kind: str) -> None:
        """Remove a date from the timetable."""
        svc = services(interaction)
        cleared = await svc.elections.clear_date(guild_id(interaction), interaction.user.id, election, _kind(kind))
        zone = await svc.guilds.zone(guild_id(interaction))
        await interaction.response.send_message(
            f"Removed {_DATE_NAMES[cleared.kind]} from **{plain(cleared.election.name)}**’s timetable "
            f"(it was {_local(cleared.before, zone)}).",
            ephemeral=True,
        )

    # -- seats -----------------------------------------------------------------------------------------------

    @seat.command(name="add")
    @app_commands.describe(
        election="Which election",
        name="e.g. East Midlands Regional (Male)",
        electorate_type="Who votes",
        electorate="e.g. East Midlands, Health, Young members",
        places="How many it elects (default 1)",
    )
    @app_commands.choices(electorate_type=TYPE_CHOICES)
    @app_commands.autocomplete(election=election_autocomplete)
    async def seat_add(
        self,
        interaction: discord.Interaction,
        election: str,
        name: str,
        electorate_type: str,
        electorate: str,
        places: int = 1,
    ) -> None:
        """Add a seat to an election."""
        added = await services(interaction).seats.add(
            guild_id(interaction),
            interaction.user.id,
            election=election,
            name=name,
            electorate_type=electorate_type,
            electorate=electorate,
            places=places,
        )
        seat = added.seat
        await interaction.response.send_message(
            f"Added the seat **{plain(seat.name)}** to **{plain(added.election.name)}** "
            f"({seat.electorate_type.value}: {plain(seat.electorate)}, {counted(seat.places, 'place')}).",
            ephemeral=True,
        )

    @seat.command(name="edit")
    @app_commands.describe(
        seat="The seat to change",
        name="New name",
        electorate_type="New electorate type",
        electorate="New electorate",
        places="New number of places",
    )
    @app_commands.choices(electorate_type=TYPE_CHOICES)
    @app_commands.autocomplete(seat=seat_autocomplete)
    async def seat_edit(
        self,
        interaction: discord.Interaction,
        seat: str,
        name: str | None = None,
        electorate_type: str | None = None,
        electorate: str | None = None,
        places: int | None = None,
    ) -> None:
        """Change a seat's name, electorate or places."""
        change = await services(interaction).seats.edit(
            guild_id(interaction),
            interaction.user.id,
            seat,
            name=name,
            electorate_type=electorate_type,
            electorate=electorate,
            places=places,
        )
        changes = ", ".join(
            f"{key.replace('_', ' ')} {_field_text(old)} → {_field_text(new)}" for key, old, new in change.changed
        )
        await interaction.response.send_message(
            f"Updated **{plain(change.seat.name)}** ({plain(change.election.name)}): {changes}.", ephemeral=True
        )

    @seat.command(name="remove")
    @app_commands.describe(seat="The seat to remove")
    @app_commands.autocomplete(seat=seat_autocomplete)
    async def seat_remove(self, interaction: discord.Interaction, seat: str) -> None:
        """Remove a seat and its candidates (asks first)."""
        svc = services(interaction)
        found = await svc.seats.resolve(guild_id(interaction), seat)
        standing = await svc.seats.with_candidates(guild_id(interaction), found)
        question = (
            f"Remove the seat **{plain(found.name)}**? Its {counted(len(standing.candidates), 'candidate')} (with "
            "statements and results) go with it."
        )

        async def remove() -> str:
            removed = await svc.seats.remove(guild_id(interaction), interaction.user.id, found.id)
            return f"Removed the seat **{plain(removed.name)}**."

        await confirm_then(interaction, question, label="Remove seat", action=remove)

    # -- candidates ------------------------------------------------------------------------------------------

    @candidate.command(name="add")
    @app_commands.describe(
        name="The candidate's name",
        seat="The seat they stand for",
        election="Which election (default: current)",
        slate="Their slate (none: independent)",
        branch="Their branch",
        job="Their job",
        incumbent="Do they hold the seat now?",
    )
    @app_commands.autocomplete(seat=seat_autocomplete, election=election_autocomplete, slate=slate_autocomplete)
    async def candidate_add(
        self,
        interaction: discord.Interaction,
        name: str,
        seat: str,
        election: str | None = None,
        slate: str | None = None,
        branch: str | None = None,
        job: str | None = None,
        incumbent: bool = False,
    ) -> None:
        """Add a candidate."""

        async def add(chosen: str | None, new_slate: bool) -> str:
            added = await services(interaction).candidates.add_reported(
                guild_id(interaction),
                interaction.user.id,
                name=name,
                seat=seat,
                election=election,
                slate=chosen,
                branch=branch,
                job=job,
                incumbent=incumbent,
                new_slate=new_slate,
            )
            candidate = added.value
            return (
                f"Added **{plain(candidate.name)}** ({plain(candidate.slate) if candidate.slate else 'independent'})."
                f"{_new_slate_note(added.new_slate)} Add their statement with `/organise candidate statement`."
            )

        await _naming_slate(interaction, slate, add)

    @candidate.command(name="edit")
    @app_commands.describe(
        candidate="The candidate to change",
        name="New name",
        seat="New seat",
        election="Which election (default: current)",
        slate="New slate (none: independent)",
        branch="New branch",
        job="New job",
        incumbent="Do they hold the seat now?",
    )
    @app_commands.autocomplete(
        candidate=candidate_autocomplete,
        seat=seat_autocomplete,
        election=election_autocomplete,
        slate=slate_autocomplete,
    )
    async def candidate_edit(
        self,
        interaction: discord.Interaction,
        candidate: str,
        name: str | None = None,
        seat: str | None = None,
        election: str | None = None,
        slate: str | None = None,
        branch: str | None = None,
        job: str | None = None,
        incumbent: bool | None = None,
    ) -> None:
        """Change a candidate's details."""

        async def edit(chosen: str | None, new_slate: bool) -> str:
            done = await services(interaction).candidates.edit(
                guild_id(interaction),
                interaction.user.id,
                candidate,
                election=election,
                name=name,
                seat=seat,
                slate=chosen,
                branch=branch,
                job=job,
                incumbent=incumbent,
                new_slate=new_slate,
            )
            changes = "; ".join(f"{c.field} {plain(c.before)} → {plain(c.after)}" for c in done.changes)
            return (
                f"Updated **{plain(done.after.name)}** ({plain(done.election)}): {changes}."
                f"{_new_slate_note(done.new_slate)}"
            )

        await _naming_slate(interaction, slate, edit)

    @candidate.command(name="statement")
    @app_commands.describe(candidate="Whose statement to write or edit")
    @app_commands.autocomplete(candidate=candidate_autocomplete)
    async def candidate_statement(self, interaction: discord.Interaction, candidate: str) -> None:
        """Write a candidate's statement in a form."""
        found = await services(interaction).candidates.resolve(guild_id(interaction), candidate)
        if found.statement and len(found.statement) > MODAL_TEXT_LIMIT:
            msg = (
                f"{plain(found.name)}'s statement is {len(found.statement):,} characters; Discord's form takes at "
                f"most {MODAL_TEXT_LIMIT:,}. Edit it in a file and load it with `/organise import` instead."
            )
            raise InvalidInput(msg)
        await interaction.response.send_modal(StatementModal(found.id, found.name, found.statement))

    @candidate.command(name="remove")
    @app_commands.describe(candidate="The candidate to remove")
    @app_commands.autocomplete(candidate=candidate_autocomplete)
    async def candidate_remove(self, interaction: discord.Interaction, candidate: str) -> None:
        """Remove a candidate (asks first)."""
        svc = services(interaction)
        found = await svc.candidates.resolve(guild_id(interaction), candidate)
        question = f"Remove **{plain(found.name)}**? Their statement and any result go with them."

        async def remove() -> str:
            removed = await svc.candidates.remove(guild_id(interaction), interaction.user.id, found.id)
            return f"Removed **{plain(removed.name)}**."

        await confirm_then(interaction, question, label="Remove candidate", action=remove)

    # -- platform --------------------------------------------------------------------------------------------

    @platform.command(name="add")
    @app_commands.describe(text="The point", slate="Which slate (default: ours)", position="Where (default: last)")
    @app_commands.autocomplete(slate=slate_autocomplete)
    async def platform_add(
        self,
        interaction: discord.Interaction,
        text: str,
        slate: str | None = None,
        position: int | None = None,
    ) -> None:
        """Add a platform point."""

        async def add(chosen: str | None, new_slate: bool) -> str:
            added = await services(interaction).platform.add_reported(
                guild_id(interaction), interaction.user.id, text, chosen, position, new_slate=new_slate
            )
            return f"Added as point {added.value.point.position}.{_new_slate_note(added.new_slate)}"

        await _naming_slate(interaction, slate, add)

    @platform.command(name="move")
    @app_commands.describe(point="The point (its number or wording)", position="Its new position")
    async def platform_move(self, interaction: discord.Interaction, point: str, position: int) -> None:
        """Move a platform point."""
        moved = await services(interaction).platform.move(guild_id(interaction), interaction.user.id, point, position)
        await interaction.response.send_message(
            f"Moved “{plain(truncate(moved.text, 80))}” to position {moved.position}.", ephemeral=True
        )

    @platform.command(name="remove")
    @app_commands.describe(point="The point (its number or wording)")
    async def platform_remove(self, interaction: discord.Interaction, point: str) -> None:
        """Remove a platform point."""
        removed = await services(interaction).platform.remove(guild_id(interaction), interaction.user.id, point)
        await interaction.response.send_message(
            f"Removed point {removed.position}: “{plain(truncate(removed.text, 80))}”.", ephemeral=True
        )

    @platform_move.autocomplete("point")
    @platform_remove.autocomplete("point")
    async def point_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The guild slate's points, by number."""
        if interaction.guild_id is None:
            return []
        choices = await services(interaction).platform.choices(interaction.guild_id)
        key = current.strip().casefold()
        return [app_commands.Choice(name=label, value=value) for label, value in choices if key in label.casefold()][
            :25
        ]

    # -- reminders -------------------------------------------------------------------------------------------

    @reminders.command(name="channel")
    @app_commands.describe(channel="Where reminders are posted", role="The one role they may mention")
    async def reminders_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel, role: discord.Role | None = None
    ) -> None:
        """Post ballot reminders in this channel."""
        config = await services(interaction).guilds.set_reminder_channel(
            guild_id(interaction), interaction.user.id, channel.id, None if role is None else role.id
        )
        await interaction.response.send_message(_settings_text(config), ephemeral=True)

    @reminders.command(name="offsets")
    @app_commands.describe(offsets="Before each date, e.g. 7d,1d,3h,0 (w, d, h, m; 0 = on time)")
    async def reminders_offsets(self, interaction: discord.Interaction, offsets: str) -> None:
        """Choose when reminders go out."""
        config = await services(interaction).guilds.set_reminder_offsets(
            guild_id(interaction), interaction.user.id, offsets
        )
        await interaction.response.send_message(_settings_text(config), ephemeral=True)

    @reminders.command(name="off")
    async def reminders_off(self, interaction: discord.Interaction) -> None:
        """Stop ballot reminders for this server."""
        config = await services(interaction).guilds.reminders_off(guild_id(interaction), interaction.user.id)
        await interaction.response.send_message(
            "Reminders are off. `/organise reminders channel` turns them on again.\n\n" + _settings_text(config),
            ephemeral=True,
        )

    @reminders.command(name="preview")
    @app_commands.describe(election="Only this election")
    @app_commands.autocomplete(election=election_autocomplete)
    async def reminders_preview(self, interaction: discord.Interaction, election: str | None = None) -> None:
        """Show the reminders that will be posted, and when."""
        preview = await services(interaction).reminders.preview(guild_id(interaction), election)
        problems = channel_problems(interaction.client, preview.config)
        await Pages(_preview_pages(preview, problems), owner_id=interaction.user.id).send(interaction, ephemeral=True)

    # -- results ---------------------------------------------------------------------------------------------

    @result.command(name="set")
    @app_commands.describe(candidate="Whose votes", votes="How many", elected="Elected? (default: from the votes)")
    @app_commands.autocomplete(candidate=candidate_autocomplete)
    async def result_set(
        self,
        interaction: discord.Interaction,
        candidate: str,
        votes: int,
        elected: bool | None = None,
    ) -> None:
        """Record a candidate's votes."""
        recorded = await services(interaction).results.record(
            guild_id(interaction), interaction.user.id, candidate, votes, elected
        )
        await interaction.response.send_message(recorded_text(recorded), ephemeral=True)

    # -- import, export, audit -------------------------------------------------------------------------------

    @app_commands.command(name="import")
    @app_commands.describe(file="YAML or CSV, as exported", dry_run="Only list the changes")
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment, dry_run: bool = False) -> None:
        """Import a YAML or CSV file (merges; deletes nothing)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        if file.size > MAX_IMPORT_BYTES:
            msg = f"That file is {file.size:,} bytes; the limit is {MAX_IMPORT_BYTES:,}."
            raise InvalidInput(msg)
        raw = await file.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            msg = "That file is not UTF-8 text. Save it as UTF-8 YAML or CSV and try again."
            raise InvalidInput(msg) from None
        report = await services(interaction).transfer.import_text(
            guild_id(interaction), interaction.user.id, text, filename=file.filename, dry_run=dry_run
        )
        await interaction.followup.send(_import_text(report), ephemeral=True)

    @app_commands.command(name="export")
    @app_commands.describe(election="Only this election (default: all)", format="yaml (default) or csv")
    @app_commands.choices(format=FORMAT_CHOICES)
    @app_commands.autocomplete(election=election_autocomplete)
    async def export(self, interaction: discord.Interaction, election: str | None = None, format: str = "yaml") -> None:
        """Export this server's data as a file."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        fmt: Format = "csv" if format == "csv" else "yaml"
        text = await services(interaction).transfer.export(guild_id(interaction), fmt, election)
        name = re.sub(r"[^a-z0-9]+", "-", (election or "slatebot").lower()).strip("-") or "slatebot"
        file = discord.File(io.BytesIO(text.encode("utf-8")), filename=f"{name}.{fmt}")
        await interaction.followup.send(
            "Here is the export. `/organise import` loads it back.", file=file, ephemeral=True
        )

    @app_commands.command(name="audit")
    @app_commands.describe(limit="How many (default 50)")
    async def audit(self, interaction: discord.Interaction, limit: int = 50) -> None:
        """Who changed what, newest first."""
        entries = await services(interaction).audit.recent(guild_id(interaction), limit)
        if not entries:
            await interaction.response.send_message("No changes have been recorded yet.", ephemeral=True)
            return
        await Pages(_audit_pages(entries), owner_id=interaction.user.id).send(interaction, ephemeral=True)

    # -- settings --------------------------------------------------------------------------------------------

    @settings.command(name="timezone")
    @app_commands.describe(timezone="An IANA time zone, e.g. Europe/London")
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    async def settings_timezone(self, interaction: discord.Interaction, timezone: str) -> None:
        """Set the server's time zone."""
        config = await services(interaction).guilds.set_timezone(guild_id(interaction), interaction.user.id, timezone)
        await interaction.response.send_message(_settings_text(config), ephemeral=True)

    @settings.command(name="organiser-role")
    @app_commands.describe(role="Who may use /organise")
    async def settings_organiser_role(self, interaction: discord.Interaction, role: discord.Role) -> None:
        """Let a role use the organiser commands."""
        config = await services(interaction).guilds.set_organiser_role(
            guild_id(interaction), interaction.user.id, role.id
        )
        await interaction.response.send_message(_settings_text(config), ephemeral=True)

    @settings.command(name="slate")
    @app_commands.describe(name="e.g. Time for Real Change")
    @app_commands.autocomplete(name=slate_autocomplete)
    async def settings_slate(self, interaction: discord.Interaction, name: str) -> None:
        """Set this server's slate."""

        async def choose(chosen: str | None, new_slate: bool) -> str:
            done = await services(interaction).guilds.set_slate_reported(
                guild_id(interaction), interaction.user.id, chosen or name, new_slate=new_slate
            )
            made = _new_slate_note(done.new_slate).strip()
            return f"{made}\n\n{_settings_text(done.value)}" if made else _settings_text(done.value)

        await _naming_slate(interaction, name, choose)

    @settings.command(name="nation")
    @app_commands.describe(nation="Whose bank holidays count")
    @app_commands.choices(nation=NATION_CHOICES)
    async def settings_nation(self, interaction: discord.Interaction, nation: str) -> None:
        """Set the UK nation whose bank holidays count."""
        config = await services(interaction).guilds.set_nation(guild_id(interaction), interaction.user.id, nation)
        await interaction.response.send_message(_settings_text(config), ephemeral=True)

    @settings.command(name="post-days")
    @app_commands.describe(days="Working days in the post (default 2)")
    async def settings_post_days(self, interaction: discord.Interaction, days: int) -> None:
        """Set how many working days a ballot paper needs in the post."""
        config = await services(interaction).guilds.set_post_days(guild_id(interaction), interaction.user.id, days)
        await interaction.response.send_message(_settings_text(config), ephemeral=True)


#: A page of the reminders preview: short enough to read on a phone without scrolling far.
PREVIEW_PAGE = 3500


def _preview_pages(preview: Preview, problems: list[str]) -> list[discord.Embed]:
    """Problems first, then every pending reminder in the guild's time zone, then how many were posted or skipped."""
    zone = preview.zone
    head = [f"⚠️ {p}" for p in problems]
    head.append(f"Offsets: `{preview.config.reminder_offsets}` before each ballot date, times in {zone.key}.")
    lines = [
        f"{utc_to_local(o.run_at, zone).strftime('%a %-d %b %Y %H:%M')} ({discord.utils.format_dt(o.run_at, 'R')}): "
        f"{plain(o.election_name)}: {headline(o, zone)} ({o.offset})"
        for o in preview.pending
    ] or ["Nothing is waiting to be posted."]
    done = []
    if preview.posted:
        done.append(f"{len(preview.posted):,} already posted")
    if preview.skipped:
        its = "its time" if len(preview.skipped) == 1 else "their time"
        it = "it" if len(preview.skipped) == 1 else "they"
        done.append(f"{len(preview.skipped):,} skipped ({its} had passed before {it} could be posted)")
    tail = [f"{'; '.join(done)}."] if done else []
    tail.extend(
        f"No more reminders for {plain(name)}: every contested seat has its result." for name in preview.stopped
    )
    # The problems and offsets lead the first page and the tally closes the last, packed like any other line.
    return line_pages("Reminders to be posted", [*head, *lines, *tail], limit=PREVIEW_PAGE, footer=None)


def _new_slate_note(made: str | None) -> str:
    """`` New slate **X** made.`` after a change that made a slate, else nothing."""
    return f" New slate **{plain(made)}** made." if made else ""


async def _naming_slate(
    interaction: discord.Interaction,
    typed: str | None,
    attempt: Callable[[str | None, bool], Awaitable[str]],
) -> None:
    """
    Run a change that names a slate, and answer with what it says.

    ``attempt(slate, new_slate)`` makes the change. When the typed slate is a near miss of an existing one the
    service changes nothing and refuses; then the organiser picks with two buttons: the existing slate, or the
    typed name as a new slate (confirmed). No answer in time changes nothing.
    """
    try:
        text = await attempt(typed, False)
    except SlateNearMiss as miss:
        question = (
            f"“{plain(miss.typed)}” is very like the slate **{plain(miss.existing)}**. Did you mean that slate, "
            "or is it a new one? Nothing changes until you choose."
        )
        existing, typed_name = miss.existing, miss.typed

        async def use_existing() -> str:
            return await attempt(existing, False)

        async def make_new() -> str:
            return await attempt(typed_name, True)

        await choose_then(
            interaction,
            question,
            first=(f"Use {existing}", use_existing),
            second=(f"Make new slate {typed_name}", make_new),
        )
        return
    await interaction.response.send_message(text, ephemeral=True)


def _kind(value: str) -> MilestoneKind:
    try:
        return MilestoneKind(value.strip().lower().replace(" ", "_"))
    except ValueError:
        kinds = ", ".join(k.value for k in MilestoneKind)
        msg = f"“{plain(value)}” is not a timetable date. Use one of: {kinds}."
        raise InvalidInput(msg) from None
