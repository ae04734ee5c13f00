"""Discord's sharding rule and the shards one process runs."""

import pytest

from bot.domain.shards import Shards, owned, parse_shard_ids, shard_of


def test_a_guild_is_on_the_shard_of_its_id_timestamp_bits() -> None:
    """(guild_id >> 22) % count, as Discord documents it: the low 22 bits never decide the shard."""
    guild = 81384788765712384  # Discord API's own example guild id
    assert shard_of(guild, 1) == 0
    assert shard_of(guild, 2) == (guild >> 22) % 2
    assert all(shard_of((5 << 22) + low, 4) == 1 for low in (0, 1, (1 << 22) - 1))


@pytest.mark.parametrize(("text", "ids"), [("0", (0,)), ("1,0", (0, 1)), (" 2 , 3 ", (2, 3)), ("0,1,", (0, 1))])
def test_shard_ids_are_read_from_a_comma_list(text: str, ids: tuple[int, ...]) -> None:
    """`0,1` and its spaced or reordered spellings give the sorted ids."""
    assert parse_shard_ids(text) == ids


@pytest.mark.parametrize(
    ("text", "reason"), [("", "must list"), ("a", "not a number"), ("-1", "not a number"), ("1,1", "twice")]
)
def test_bad_shard_ids_are_refused_saying_why(text: str, reason: str) -> None:
    """Letters, negatives, repeats and nothing at all are refused with a reason."""
    with pytest.raises(ValueError, match=reason):
        parse_shard_ids(text)


def test_every_guild_is_owned_by_exactly_one_of_the_processes_that_split_the_shards() -> None:
    """Four shards split over two processes (0,1 and 2,3): each guild is owned once, never twice or not at all."""
    first, second = Shards(4, (0, 1)), Shards(4, (2, 3))
    guilds = [(n << 22) + n for n in range(200)]
    assert sorted(owned(guilds, first) + owned(guilds, second)) == sorted(guilds)
    assert set(owned(guilds, first)).isdisjoint(owned(guilds, second))
    assert first.share == second.share == 0.5


def test_a_process_given_only_a_count_runs_every_shard() -> None:
    """SHARD_COUNT without SHARD_IDS: every shard, every guild, the whole rate limit."""
    shards = Shards(3)
    assert shards.running == (0, 1, 2)
    assert shards.share == 1.0
    assert shards.owns(7 << 22)
    assert shards.describe() == "shard(s) 0, 1, 2 of 3"


def test_shards_past_the_count_or_without_one_are_refused() -> None:
    """Ids need a count and must be below it; a count must be at least one."""
    with pytest.raises(ValueError, match="need a shard count"):
        Shards(None, (0,))
    with pytest.raises(ValueError, match="does not exist"):
        Shards(2, (2,))
    with pytest.raises(ValueError, match="at least 1"):
        Shards(0)
