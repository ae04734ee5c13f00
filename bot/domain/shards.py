"""
Which process answers which guild: Discord's sharding rule, and the shards one process runs.

Discord puts a guild on shard ``(guild_id >> 22) % shard_count`` (the id's timestamp bits, so guilds spread
evenly); a bot in more than 2,500 guilds must shard. Several processes may each run some of the shards; each one
answers, and posts the reminders of, only the guilds on its own shards.
"""

from collections.abc import Iterable
from dataclasses import dataclass


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (guild_id >> 22) % shard_count


def parse_shard_ids(text: str) -> tuple[int, ...]:
    """``"0,1"`` (spaces allowed) as ``(0, 1)``; raises ``ValueError`` with a readable reason."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        msg = "must list shard numbers, e.g. 0,1"
        raise ValueError(msg)
    ids: list[int] = []
    for part in parts:
        if not part.isdigit():
            msg = f"must list shard numbers separated by commas, e.g. 0,1 ({part!r} is not a number)"
            raise ValueError(msg)
        ids.append(int(part))
    if len(set(ids)) != len(ids):
        msg = "lists a shard twice"
        raise ValueError(msg)
    return tuple(sorted(ids))


@dataclass(frozen=True, slots=True)
class Shards:
    """The shards this process runs: all of them (``count`` None: unsharded, or every shard) or some."""

    count: int | None = None
    ids: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.count is not None and self.count < 1:
            msg = "the shard count must be at least 1"
            raise ValueError(msg)
        if self.ids is not None:
            if self.count is None:
                msg = "shard ids need a shard count (SHARD_COUNT or --shard-count)"
                raise ValueError(msg)
            outside = [i for i in self.ids if i >= self.count]
            if outside:
                msg = f"shard {outside[0]} does not exist with {self.count} shard(s): shards are 0 to {self.count - 1}"
                raise ValueError(msg)

    @property
    def running(self) -> tuple[int, ...]:
        """The shard ids this process runs."""
        if self.count is None:
            return (0,)
        return self.ids if self.ids is not None else tuple(range(self.count))

    @property
    def share(self) -> float:
        """The part of the bot a process runs: its shards over all shards (1.0 unsharded or running them all)."""
        if self.count is None:
            return 1.0
        return len(self.running) / self.count

    def owns(self, guild_id: int) -> bool:
        """Whether this process answers the guild and posts its reminders."""
        if self.count is None or self.ids is None:
            return True
        return shard_of(guild_id, self.count) in self.ids

    def describe(self) -> str:
        """For the log: ``shards 0, 1 of 4`` or ``unsharded``."""
        if self.count is None:
            return "unsharded"
        return f"shard(s) {', '.join(map(str, self.running))} of {self.count}"


def owned(guild_ids: Iterable[int], shards: Shards) -> list[int]:
    """The guild ids, of those given, that ``shards`` owns."""
    return [g for g in guild_ids if shards.owns(g)]
