"""Naming slates: a near miss of an existing slate makes nothing until the organiser says which they meant."""

import pytest

from bot.domain.document import DocumentError
from bot.services.container import Services
from bot.services.slates import SlateNearMiss
from storage.database import Database
from tests.fakes import GUILD, ORGANISER

SEAT = "East Midlands Regional (Male)"
SLATE = "Time for Real Change"
TYPO = "Time for Reel Change"


@pytest.fixture
async def slated(campaign: Services) -> Services:
    """One election and seat, the guild's slate set, and a rival slate named."""
    await campaign.guilds.set_slate(GUILD, ORGANISER, SLATE)
    await campaign.platform.add(GUILD, ORGANISER, "Stewards everywhere", slate="Members First")
    return campaign


async def _slates(services: Services) -> list[str]:
    return [s.name for s in await services.repos.slates.all(GUILD)]


async def test_a_near_miss_on_candidate_add_makes_nothing_and_names_the_existing_slate(
    slated: Services, db: Database
) -> None:
    """Adding a candidate on "Time for Reel Change" raises SlateNearMiss naming the slate, and writes nothing."""
    before = await db.dump()
    with pytest.raises(SlateNearMiss) as raised:
        await slated.candidates.add(GUILD, ORGANISER, name="Jo Bloggs", seat=SEAT, slate=TYPO)
    assert (raised.value.typed, raised.value.existing) == (TYPO, SLATE)
    assert SLATE in raised.value.message and TYPO in raised.value.message
    assert await db.dump() == before


async def test_a_confirmed_new_slate_is_made_and_reported(slated: Services) -> None:
    """With new_slate=True the near-miss name is made as a new slate, and the outcome says so."""
    added = await slated.candidates.add_reported(
        GUILD, ORGANISER, name="Jo Bloggs", seat=SEAT, slate=TYPO, new_slate=True
    )
    assert (added.value.slate, added.new_slate) == (TYPO, TYPO)
    assert TYPO in await _slates(slated)


async def test_a_clearly_new_slate_is_made_without_asking_and_reported(slated: Services) -> None:
    """A name like no existing slate is made straight away, and the outcome names it."""
    added = await slated.candidates.add_reported(GUILD, ORGANISER, name="Jo Bloggs", seat=SEAT, slate="Unison United")
    assert added.new_slate == "Unison United"
    again = await slated.candidates.add_reported(GUILD, ORGANISER, name="Al Smith", seat=SEAT, slate="unison united")
    assert (again.value.slate, again.new_slate) == ("Unison United", None)


async def test_a_case_or_spacing_variant_resolves_to_the_existing_slate_without_asking(slated: Services) -> None:
    """``Time  For Real change`` is the existing slate: no question, nothing new made."""
    added = await slated.candidates.add_reported(
        GUILD, ORGANISER, name="Jo Bloggs", seat=SEAT, slate="Time  For Real change"
    )
    assert (added.value.slate, added.new_slate) == (SLATE, None)
    assert await _slates(slated) == ["Members First", SLATE]


async def test_a_near_miss_on_candidate_edit_makes_nothing(slated: Services, db: Database) -> None:
    """Editing a candidate onto a near-miss slate raises SlateNearMiss and changes nothing."""
    await slated.candidates.add(GUILD, ORGANISER, name="Jo Bloggs", seat=SEAT)
    before = await db.dump()
    with pytest.raises(SlateNearMiss):
        await slated.candidates.edit(GUILD, ORGANISER, "Jo Bloggs", slate="Members Frist", branch="Derby")
    assert await db.dump() == before


async def test_a_near_miss_on_platform_add_makes_nothing(slated: Services, db: Database) -> None:
    """A platform point for a near-miss slate raises SlateNearMiss and adds no point and no slate."""
    before = await db.dump()
    with pytest.raises(SlateNearMiss) as raised:
        await slated.platform.add(GUILD, ORGANISER, "A point", slate="Members Frist")
    assert raised.value.existing == "Members First"
    assert await db.dump() == before
    added = await slated.platform.add_reported(GUILD, ORGANISER, "A point", slate="Members Frist", new_slate=True)
    assert (added.new_slate, added.value.slate.name) == ("Members Frist", "Members Frist")


async def test_a_near_miss_on_settings_slate_makes_nothing(slated: Services, db: Database) -> None:
    """Setting the guild's slate to a near miss raises SlateNearMiss and leaves the setting as it was."""
    before = await db.dump()
    with pytest.raises(SlateNearMiss):
        await slated.guilds.set_slate(GUILD, ORGANISER, TYPO)
    assert await db.dump() == before
    made = await slated.guilds.set_slate_reported(GUILD, ORGANISER, "Brand New Slate")
    assert (made.value.slate, made.new_slate) == ("Brand New Slate", "Brand New Slate")


async def test_an_import_naming_a_near_miss_slate_is_refused_line_by_line(slated: Services, db: Database) -> None:
    """An import whose candidate or platform names a near miss of an existing slate imports nothing and says so."""
    text = f"""format: 1
slates:
  - name: Members Frist
    platform:
      - Stewards in every workplace
elections:
  - name: NEC 2025
    seats:
      - name: {SEAT}
        electorate_type: region
        electorate: East Midlands
        candidates:
          - name: Jo Bloggs
            slate: {TYPO}
"""
    before = await db.dump()
    for dry_run in (True, False):
        with pytest.raises(DocumentError) as raised:
            await slated.transfer.import_text(GUILD, ORGANISER, text, filename="near.yaml", dry_run=dry_run)
        message = raised.value.message
        assert "line 3:" in message and "“Members Frist”" in message and "“Members First”" in message
        assert "line 13:" in message and f"“{TYPO}”" in message and f"“{SLATE}”" in message
    assert await db.dump() == before


async def test_an_import_of_an_existing_slate_spelt_differently_is_no_near_miss(slated: Services) -> None:
    """An import naming ``TIME FOR REAL CHANGE`` uses the existing slate, as before."""
    text = "format: 1\nslates:\n  - name: TIME FOR REAL CHANGE\n    platform:\n      - A new point\n"
    report = await slated.transfer.import_text(GUILD, ORGANISER, text, filename="same.yaml")
    assert [str(c) for c in report.changes] == ["add platform point “A new point” (TIME FOR REAL CHANGE)"]
    assert await _slates(slated) == ["Members First", SLATE]


# --- statements ------------------------------------------------------------------------------------------


async def test_a_pasted_windows_statement_is_stored_tidy(campaign: Services) -> None:
    """CRLF endings, trailing spaces and hundreds of blank lines are tidied on add and on the statement form."""
    pasted = "First line.  \r\nSame paragraph." + "\r\n" * 300 + "Second paragraph.\r\n"
    added = await campaign.candidates.add(GUILD, ORGANISER, name="Jo Bloggs", seat=SEAT, statement=pasted)
    assert added.statement == "First line.\nSame paragraph.\n\nSecond paragraph."
    saved = await campaign.candidates.set_statement(GUILD, ORGANISER, added.id, "One.\r\rTwo.\r\n\r\n\r\nThree.")
    assert saved.statement == "One.\n\nTwo.\n\nThree."
    assert (await campaign.candidates.get(GUILD, added.id)).statement == saved.statement


async def test_only_the_tidy_length_counts_against_the_statement_limit(campaign: Services) -> None:
    """Blank lines that tidying removes do not push a statement over the limit."""
    pasted = "Words." + "\r\n" * 19_990 + "More words."
    added = await campaign.candidates.add(GUILD, ORGANISER, name="Jo Bloggs", seat=SEAT, statement=pasted)
    assert added.statement == "Words.\n\nMore words."


# --- what an edit changed --------------------------------------------------------------------------------


async def test_an_edit_reports_each_field_it_changed_before_and_after(campaign: Services) -> None:
    """The edit's outcome lists the changed fields with their old and new values, and the election."""
    await campaign.candidates.add(GUILD, ORGANISER, name="Jo Bloggs", seat=SEAT, branch="Leicester")
    edit = await campaign.candidates.edit(
        GUILD, ORGANISER, "Jo Bloggs", branch="Leicester City", incumbent=True, job="Nurse"
    )
    assert edit.election == "NEC 2025"
    assert [(c.field, c.before, c.after) for c in edit.changes] == [
        ("branch", "Leicester", "Leicester City"),
        ("job", "none", "Nurse"),
        ("incumbent", "no", "yes"),
    ]
    assert edit.after.branch == "Leicester City" and edit.before.branch == "Leicester"
