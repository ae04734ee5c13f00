"""
Autocomplete for every name option: the guild's own data only, at most 25 choices, best first.

Matching is case-, accent- and punctuation-insensitive, by prefix then fuzzily (``bot.domain.text``). An
autocomplete must answer quickly and can never show an error, so failures give no choices and are logged.
"""

import logging
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands

from bot.domain.dates import common_timezones
from bot.domain.enums import ElectorateType
from bot.domain.text import best_matches, truncate
from cogs._common import services

log = logging.getLogger(__name__)

Choices = list[app_commands.Choice[str]]
MAX_CHOICES = 25


def _choices(current: str, names: list[str]) -> Choices:
    return [
        app_commands.Choice(name=truncate(name, 100), value=truncate(name, 100))
        for name in best_matches(current, names, limit=MAX_CHOICES)
    ]


async def _safely(
    interaction: discord.Interaction, load: Callable[[int], Awaitable[list[str]]], current: str
) -> Choices:
    if interaction.guild_id is None:
        return []
    try:
        return _choices(current, await load(interaction.guild_id))
    except Exception:
        log.exception("Autocomplete failed")
        return []


def _election_option(interaction: discord.Interaction) -> str | None:
    value = getattr(interaction.namespace, "election", None)
    return value if isinstance(value, str) and value.strip() else None


async def election_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """The guild's elections."""
    return await _safely(interaction, services(interaction).campaign.election_names, current)


async def seat_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """Seats of the chosen (or current) election."""
    election = _election_option(interaction)
    return await _safely(interaction, lambda g: services(interaction).campaign.seat_names(g, election), current)


async def candidate_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """Candidates of the chosen (or current) election."""
    election = _election_option(interaction)
    return await _safely(interaction, lambda g: services(interaction).campaign.candidate_names(g, election), current)


async def region_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """Regions of the chosen (or current) election."""
    election = _election_option(interaction)
    return await _safely(
        interaction,
        lambda g: services(interaction).campaign.electorates(g, ElectorateType.REGION, election),
        current,
    )


async def service_group_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """Service groups of the chosen (or current) election."""
    election = _election_option(interaction)
    return await _safely(
        interaction,
        lambda g: services(interaction).campaign.electorates(g, ElectorateType.SERVICE_GROUP, election),
        current,
    )


async def groups_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """Self-organised groups with seats; completes the last item of a comma list."""
    election = _election_option(interaction)
    head, _, last = current.rpartition(",")
    prefix = f"{head.strip()}, " if head.strip() else ""
    choices = await _safely(
        interaction,
        lambda g: services(interaction).campaign.electorates(g, ElectorateType.GROUP, election),
        last.strip(),
    )
    return [
        app_commands.Choice(name=truncate(prefix + c.name, 100), value=truncate(prefix + c.value, 100)) for c in choices
    ]


async def slate_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """Slates the guild has named."""
    return await _safely(interaction, services(interaction).platform.slate_names, current)


async def timezone_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """IANA time zones."""
    return _choices(current, common_timezones())


async def branch_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """The branches and groups that have nominated anyone so far."""
    return await _safely(interaction, services(interaction).nominations.bodies, current)


# --- The record after the election: meetings, motions, members ---------------------------------------------


async def _labelled(
    interaction: discord.Interaction, load: Callable[[int], Awaitable[list[tuple[str, str]]]], current: str
) -> Choices:
    """``(label, value)`` pairs matched on the label; with nothing typed, the first 25 in the order loaded."""
    if interaction.guild_id is None:
        return []
    try:
        pairs = await load(interaction.guild_id)
    except Exception:
        log.exception("Autocomplete failed")
        return []
    values = dict(pairs)
    labels = [label for label, _ in pairs][:MAX_CHOICES] if not current.strip() else None
    if labels is None:
        labels = best_matches(current, list(values), limit=MAX_CHOICES)
    return [app_commands.Choice(name=truncate(label, 100), value=truncate(values[label], 100)) for label in labels]


async def _tiered(
    interaction: discord.Interaction, load: Callable[[int], Awaitable[list[list[str]]]], current: str
) -> Choices:
    """Names in tiers: every match of the first tier (best first) before any of the next."""
    if interaction.guild_id is None:
        return []
    try:
        tiers = await load(interaction.guild_id)
    except Exception:
        log.exception("Autocomplete failed")
        return []
    names: list[str] = []
    for tier in tiers:
        names.extend(name for name in best_matches(current, tier, limit=MAX_CHOICES) if name not in names)
    return [app_commands.Choice(name=truncate(n, 100), value=truncate(n, 100)) for n in names[:MAX_CHOICES]]


async def meeting_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """Recorded meetings, newest first: ``23 May 2024 · NEC meeting (NEC)``."""
    return await _labelled(interaction, services(interaction).record.meeting_choices, current)


async def motion_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """Recorded motions by their meeting's day and number, newest meeting first."""
    return await _labelled(interaction, services(interaction).record.motion_choices, current)


async def member_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """Our members: the elected first, then others with votes recorded, then our slate's other candidates."""

    async def load(guild: int) -> list[list[str]]:
        names = await services(interaction).record.member_names(guild)
        return [list(names.elected), list(names.recorded), list(names.slate)]

    return await _tiered(interaction, load, current)


async def recorded_member_autocomplete(interaction: discord.Interaction, current: str) -> Choices:
    """Members with votes recorded (what ``/record`` can show), the elected first."""

    async def load(guild: int) -> list[list[str]]:
        names = await services(interaction).record.recorded_members(guild)
        return [list(names.elected), list(names.recorded)]

    return await _tiered(interaction, load, current)
