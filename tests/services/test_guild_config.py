"""Guild settings: time zone, slate, nation, post days and reminder settings."""

import pytest

from bot.domain.enums import Nation
from bot.errors import InvalidInput
from bot.services.container import Services
from storage.database import Database
from tests.fakes import GUILD, ORGANISER, OTHER_GUILD


async def test_a_new_guild_reads_the_defaults(services: Services) -> None:
    """A guild with nothing stored has London time, England, 2 post days and offsets 7d,1d,0."""
    config = await services.guilds.get(GUILD)
    assert (config.timezone, config.nation, config.post_days, config.reminder_offsets, config.slate) == (
        "Europe/London",
        Nation.ENGLAND,
        2,
        "7d,1d,0",
        None,
    )


@pytest.mark.parametrize(("typed", "stored"), [("Europe/Paris", "Europe/Paris"), (" europe/dublin ", "Europe/Dublin")])
async def test_a_known_timezone_is_stored_by_its_iana_name(services: Services, typed: str, stored: str) -> None:
    """A time zone is accepted in any case and stored with its canonical IANA spelling."""
    assert (await services.guilds.set_timezone(GUILD, ORGANISER, typed)).timezone == stored
    assert str(await services.guilds.zone(GUILD)) == stored


@pytest.mark.parametrize("typed", ["Mars/Olympus_Mons", "London", "", "BST"])
async def test_an_unknown_timezone_is_refused_and_changes_nothing(services: Services, db: Database, typed: str) -> None:
    """A name that is not an IANA zone raises InvalidInput mentioning Europe/London; nothing is written."""
    before = await db.dump()
    with pytest.raises(InvalidInput, match="Europe/London"):
        await services.guilds.set_timezone(GUILD, ORGANISER, typed)
    assert await db.dump() == before


@pytest.mark.parametrize(
    ("typed", "nation"),
    [
        ("england", Nation.ENGLAND),
        ("Wales", Nation.WALES),
        ("SCOTLAND", Nation.SCOTLAND),
        ("northern-ireland", Nation.NORTHERN_IRELAND),
        ("Northern Ireland", Nation.NORTHERN_IRELAND),
        ("northern_ireland", Nation.NORTHERN_IRELAND),
    ],
)
async def test_a_uk_nation_is_accepted(services: Services, typed: str, nation: Nation) -> None:
    """The four nations are accepted in any case, with spaces or underscores for the hyphen."""
    assert (await services.guilds.set_nation(GUILD, ORGANISER, typed)).nation is nation


@pytest.mark.parametrize("typed", ["france", "great britain", "uk", ""])
async def test_an_unknown_nation_is_refused(services: Services, db: Database, typed: str) -> None:
    """Anything but the four nations raises InvalidInput listing them; nothing is written."""
    before = await db.dump()
    with pytest.raises(InvalidInput, match="england, wales, scotland, northern-ireland"):
        await services.guilds.set_nation(GUILD, ORGANISER, typed)
    assert await db.dump() == before


@pytest.mark.parametrize("days", [0, 1, 2, 20])
async def test_post_days_from_zero_to_twenty_are_accepted(services: Services, days: int) -> None:
    """0 to 20 working days are stored."""
    assert (await services.guilds.set_post_days(GUILD, ORGANISER, days)).post_days == days


@pytest.mark.parametrize("days", [-1, 21, 100])
async def test_post_days_out_of_range_are_refused(services: Services, db: Database, days: int) -> None:
    """Fewer than 0 or more than 20 working days raise InvalidInput; nothing is written."""
    before = await db.dump()
    with pytest.raises(InvalidInput, match="from 0 to 20"):
        await services.guilds.set_post_days(GUILD, ORGANISER, days)
    assert await db.dump() == before


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("0,1d,7d", "7d,1d,0"), ("7d,1d,3h,0", "7d,1d,3h,0"), ("1w 7d 24h", "1w,24h"), ("2D, 30M", "2d,30m")],
)
async def test_offsets_are_stored_canonically(services: Services, typed: str, stored: str) -> None:
    """Offsets are stored sorted furthest first, deduplicated, in canonical spelling."""
    assert (await services.guilds.set_reminder_offsets(GUILD, ORGANISER, typed)).reminder_offsets == stored
    assert (await services.guilds.get(GUILD)).reminder_offsets == stored


@pytest.mark.parametrize(("typed", "named"), [("7d,1x", "1x"), ("5", "5"), ("-1d", "-1d"), ("", "at least one")])
async def test_bad_offsets_are_refused_naming_the_piece(
    services: Services, db: Database, typed: str, named: str
) -> None:
    """An unreadable offset raises InvalidInput naming it; the stored offsets stay."""
    before = await db.dump()
    with pytest.raises(InvalidInput, match=named):
        await services.guilds.set_reminder_offsets(GUILD, ORGANISER, typed)
    assert await db.dump() == before


async def test_set_slate_creates_and_names_the_guild_slate(services: Services) -> None:
    """Setting the slate creates it if new; naming it differently cased later keeps the first spelling."""
    assert (await services.guilds.set_slate(GUILD, ORGANISER, "Time for Real Change")).slate == "Time for Real Change"
    assert (await services.guilds.set_slate(GUILD, ORGANISER, "TIME FOR REAL CHANGE")).slate == "Time for Real Change"
    assert [s.name for s in await services.repos.slates.all(GUILD)] == ["Time for Real Change"]


async def test_reminder_channel_turns_reminders_on_and_off_keeps_the_channel(services: Services) -> None:
    """Setting the channel stores channel and role and enables reminders; off() disables but keeps them."""
    on = await services.guilds.set_reminder_channel(GUILD, ORGANISER, 111, 222)
    assert (on.reminder_channel_id, on.reminder_role_id, on.reminders_enabled) == (111, 222, True)
    off = await services.guilds.reminders_off(GUILD, ORGANISER)
    assert (off.reminder_channel_id, off.reminder_role_id, off.reminders_enabled) == (111, 222, False)


async def test_organiser_role_is_stored_and_cleared(services: Services) -> None:
    """The organiser role is stored, and None clears it."""
    assert (await services.guilds.set_organiser_role(GUILD, ORGANISER, 333)).organiser_role_id == 333
    assert (await services.guilds.set_organiser_role(GUILD, ORGANISER, None)).organiser_role_id is None


async def test_settings_of_one_guild_leave_another_alone(services: Services) -> None:
    """Changing GUILD's settings does not change OTHER_GUILD's."""
    await services.guilds.set_timezone(GUILD, ORGANISER, "Asia/Tokyo")
    await services.guilds.set_post_days(GUILD, ORGANISER, 5)
    other = await services.guilds.get(OTHER_GUILD)
    assert (other.timezone, other.post_days) == ("Europe/London", 2)
