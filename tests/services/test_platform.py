"""A slate's platform: ordered points, added, moved and removed with the others renumbered."""

import pytest

from bot.errors import InvalidInput, NotFound
from bot.services.container import Services
from storage.database import Database
from tests.fakes import GUILD, ORGANISER

SLATE = "Time for Real Change"
POINTS = ["Pay above inflation", "Defend the NHS", "Council services in-house", "Organise the young"]


@pytest.fixture
async def platform(services: Services) -> Services:
    """The services with the guild's slate set and four points in order."""
    await services.guilds.set_slate(GUILD, ORGANISER, SLATE)
    for text in POINTS:
        await services.platform.add(GUILD, ORGANISER, text)
    return services


async def _texts(services: Services) -> list[str]:
    points = (await services.platform.platform(GUILD)).points
    assert [p.position for p in points] == list(range(1, len(points) + 1))
    return [p.text for p in points]


async def test_points_are_added_at_the_end_in_order(platform: Services) -> None:
    """Points without a position go to the end, numbered 1, 2, 3..."""
    assert await _texts(platform) == POINTS


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (1, ["New", *POINTS]),
        (3, [*POINTS[:2], "New", *POINTS[2:]]),
        (5, [*POINTS, "New"]),
    ],
)
async def test_adding_at_a_position_shifts_the_later_points_down(
    platform: Services, position: int, expected: list[str]
) -> None:
    """A point added at a position takes it, and the points from there on move down one."""
    point = await platform.platform.add(GUILD, ORGANISER, "New", position=position)
    assert point.position == position
    assert await _texts(platform) == expected


@pytest.mark.parametrize("position", [0, 6, -1])
async def test_adding_at_a_position_out_of_range_is_refused(platform: Services, db: Database, position: int) -> None:
    """A position outside 1..(points + 1) raises InvalidInput and writes nothing."""
    before = await db.dump()
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        await platform.platform.add(GUILD, ORGANISER, "New", position=position)
    assert await db.dump() == before


@pytest.mark.parametrize(
    ("point", "position", "expected"),
    [
        ("4", 1, [POINTS[3], *POINTS[:3]]),
        ("1", 4, [*POINTS[1:], POINTS[0]]),
        ("defend the nhs", 3, [POINTS[0], POINTS[2], POINTS[1], POINTS[3]]),
        ("2.", 2, POINTS),
    ],
)
async def test_move_puts_the_point_at_the_position_and_closes_up(
    platform: Services, point: str, position: int, expected: list[str]
) -> None:
    """Moving a point (named by number or wording) renumbers the rest around it."""
    moved = await platform.platform.move(GUILD, ORGANISER, point, position)
    assert moved.position == position
    assert await _texts(platform) == expected


async def test_move_beyond_the_last_position_is_refused(platform: Services, db: Database) -> None:
    """Moving to a position past the last point raises InvalidInput and writes nothing."""
    before = await db.dump()
    with pytest.raises(InvalidInput, match="from 1 to 4"):
        await platform.platform.move(GUILD, ORGANISER, "1", 5)
    assert await db.dump() == before


@pytest.mark.parametrize(("point", "removed"), [("1", POINTS[0]), ("3", POINTS[2]), ("organise", POINTS[3])])
async def test_remove_renumbers_the_later_points(platform: Services, point: str, removed: str) -> None:
    """Removing a point closes the gap: the others stay numbered 1..n in order."""
    gone = await platform.platform.remove(GUILD, ORGANISER, point)
    assert gone.text == removed
    assert await _texts(platform) == [p for p in POINTS if p != removed]


@pytest.mark.parametrize(("typed", "expected"), [("2", POINTS[1]), (" 4. ", POINTS[3]), ("NHS", POINTS[1])])
async def test_a_point_resolves_by_number_or_by_text(platform: Services, typed: str, expected: str) -> None:
    """resolve_point() takes the point's number or words of its text."""
    assert (await platform.platform.resolve_point(GUILD, typed)).text == expected


async def test_a_point_number_past_the_end_is_not_found(platform: Services) -> None:
    """A number past the last point raises NotFound saying which numbers exist."""
    with pytest.raises(NotFound, match="points 1 to 4"):
        await platform.platform.resolve_point(GUILD, "9")


async def test_a_platform_without_the_guild_slate_set_is_not_found(services: Services) -> None:
    """With no guild slate and no slate named, adding a point says to set the slate first."""
    with pytest.raises(NotFound, match="/organise settings slate"):
        await services.platform.add(GUILD, ORGANISER, "Pay")


async def test_points_of_a_named_slate_are_kept_apart(platform: Services) -> None:
    """A point added to another slate by name creates that slate and leaves the guild's platform alone."""
    await platform.platform.add(GUILD, ORGANISER, "Strong local representation", slate="Members First")
    assert [p.text for p in (await platform.platform.platform(GUILD, "members first")).points] == [
        "Strong local representation"
    ]
    assert await _texts(platform) == POINTS


async def test_empty_point_text_is_refused(platform: Services, db: Database) -> None:
    """A point with no text raises InvalidInput."""
    before = await db.dump()
    with pytest.raises(InvalidInput):
        await platform.platform.add(GUILD, ORGANISER, "   ")
    assert await db.dump() == before
