"""
Sharding as Discord does it: which shard a guild lives on, and guild ids that land on a chosen shard.

Discord routes a guild's events to shard ``(guild_id >> 22) % shard_count``: the guild id's timestamp part
(milliseconds since 2015), not its low bits, picks the shard. Small ids such as ``1000`` have a zero timestamp,
so every one of them lands on shard 0; tests that want a guild on shard 1 of 2 take an id from
:func:`guild_id_on_shard`. Events without a guild (DMs) go to shard 0.
"""

from collections.abc import Sequence

__all__ = ["DM_SHARD", "ShardError", "guild_id_on_shard", "is_on_shard", "shard_of"]

DM_SHARD = 0
"""The shard that gets the events of no guild (direct messages), as on Discord."""

_BASE_MILLIS = 252_460_800_000
"""2023-01-01T00:00:00Z in milliseconds since Discord's epoch (2015-01-01): where made-up guild ids start."""

_WORKER_BITS = 1 << 17


class ShardError(ValueError):
    """A shard pair that Discord would refuse (``shard_id`` not in ``0 .. shard_count - 1``)."""


def _checked(shard_id: int, shard_count: int) -> None:
    if shard_count < 1:
        raise ShardError(f"shard_count must be at least 1, not {shard_count}")
    if not 0 <= shard_id < shard_count:
        raise ShardError(f"shard_id must be in 0..{shard_count - 1}, not {shard_id}")


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """
    The shard of ``shard_count`` that gets the events of ``guild_id`` (Discord's ``(guild_id >> 22) % count``).

    ``None`` (no guild: a DM) is shard 0, as on Discord.
    """
    if shard_count < 1:
        raise ShardError(f"shard_count must be at least 1, not {shard_count}")
    if guild_id is None:
        return DM_SHARD
    return (int(guild_id) >> 22) % shard_count


def is_on_shard(guild_id: int | None, shard: Sequence[int]) -> bool:
    """Whether a session on ``shard`` (``[shard_id, shard_count]``) gets the events of ``guild_id``."""
    shard_id, shard_count = int(shard[0]), int(shard[1])
    return shard_of(guild_id, shard_count) == shard_id


def guild_id_on_shard(shard_id: int, shard_count: int, seed: int = 0) -> int:
    """
    A snowflake-looking guild id that lands on shard ``shard_id`` of ``shard_count``.

    The id's timestamp is early 2023 plus a few milliseconds chosen so that ``shard_of(id, shard_count) ==
    shard_id``; different ``seed`` values (0, 1, 2, ...) give different ids on the same shard, and the same
    arguments always give the same id, so tests can name their guilds before the stand-in starts.
    """
    _checked(shard_id, shard_count)
    if seed < 0:
        raise ValueError(f"seed must not be negative, not {seed}")
    start = _BASE_MILLIS - _BASE_MILLIS % shard_count
    millis = start + seed * shard_count + shard_id
    return (millis << 22) | _WORKER_BITS | (seed & 0xFFF)
