"""Nominations, pledges and no-paper reports on real storage (each test on SQLite and on PostgreSQL)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.reminders import ReminderKind, plan
from bot.errors import InvalidInput, NotFound
from bot.services.container import Services
from tests.fakes import GUILD, ORGANISER, FakeClock

MEMBER = 7001
OTHER = 7002
IN_WINDOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


async def test_a_nomination_is_recorded_once_per_body_matched_forgivingly(nec_services: Services) -> None:
    """The same branch typed twice, differently cased, is one nomination; its date is updated."""
    services = nec_services
    _, first, new = await services.nominations.add(GUILD, ORGANISER, "Amara Nwosu", "Leicester City", "2025-01-28")
    assert new and first.on == date(2025, 1, 28)
    _, again, new = await services.nominations.add(GUILD, ORGANISER, "amara nwosu", "  leicester   CITY ", "2025-02-01")
    assert not new and again.id == first.id and again.on == date(2025, 2, 1)
    row, target = await services.nominations.of_candidate(GUILD, "Amara Nwosu")
    assert [n.body for n in row.bodies] == ["leicester CITY"] and target == 3, "the sample's target"
    assert "Leicester City" in await services.nominations.bodies(GUILD), "one body, however it is typed"


async def test_removing_a_nomination_that_is_not_there_is_refused_naming_those_that_are(nec_services: Services) -> None:
    """NotFound lists the bodies recorded for that candidate."""
    await nec_services.nominations.add(GUILD, ORGANISER, "Amara Nwosu", "Derby")
    with pytest.raises(NotFound, match="recorded: Derby"):
        await nec_services.nominations.remove(GUILD, ORGANISER, "Amara Nwosu", "Nottingham")
    _, removed = await nec_services.nominations.remove(GUILD, ORGANISER, "Amara Nwosu", "DERBY")
    assert removed.body == "Derby"
    assert (await nec_services.nominations.of_candidate(GUILD, "Amara Nwosu"))[0].count == 0


async def test_standings_count_slate_candidates_against_the_target_fewest_first(nec_services: Services) -> None:
    """Only the guild's slate is listed; short() is those under the target; 0 clears the target."""
    services = nec_services
    await services.nominations.set_target(GUILD, ORGANISER, 1)
    await services.nominations.add(GUILD, ORGANISER, "Amara Nwosu", "Derby")
    standings = await services.nominations.standings(GUILD)
    assert standings.target == 1
    assert all(row.candidate.slate == standings.slate for row in standings.candidates)
    counts = {row.candidate.name: row.count for row in standings.candidates}
    assert counts["Amara Nwosu"] == 1 and counts["Zoë Hartley"] == 4
    assert [row.count for row in standings.candidates] == sorted(counts.values()), "fewest first"
    assert "Amara Nwosu" not in [r.candidate.name for r in standings.short()]
    assert len(standings.short()) == sum(1 for row in standings.candidates if row.count < 1)
    await services.nominations.set_target(GUILD, ORGANISER, 0)
    assert (await services.nominations.standings(GUILD)).short() == ()
    with pytest.raises(InvalidInput):
        await services.nominations.set_target(GUILD, ORGANISER, 5000)


async def test_a_target_plans_reminders_before_nominations_close(nec_services: Services, clock: FakeClock) -> None:
    """plan() reminds of nominations_close only for elections with a target."""
    services = nec_services
    await services.guilds.set_reminder_channel(GUILD, ORGANISER, 900, None)
    config = await services.guilds.get(GUILD)
    elections = await services.elections.all(GUILD)
    assert not any(o.kind is ReminderKind.NOMINATIONS_CLOSE for o in plan(config, elections))
    kinds = {o.kind for o in plan(config, elections, nominating={elections[0].id})}
    assert ReminderKind.NOMINATIONS_CLOSE in kinds
    clock.set(datetime(2025, 1, 20, tzinfo=UTC))
    await services.nominations.set_target(GUILD, ORGANISER, 2)
    assert any(o.kind is ReminderKind.NOMINATIONS_CLOSE for o in await services.reminders.occurrences(GUILD))


async def test_pledges_count_once_and_leave_the_member_out_of_reminder_dms(
    nec_services: Services, clock: FakeClock
) -> None:
    """Two members pledge (one twice): 2 counted; only the unpledged subscriber is DMed."""
    services = nec_services
    clock.set(IN_WINDOW)
    await services.privacy.subscribe(GUILD, MEMBER)
    await services.privacy.subscribe(GUILD, OTHER)
    first = await services.turnout.voted(GUILD, MEMBER)
    assert first.changed and first.count == 1
    assert not (await services.turnout.voted(GUILD, MEMBER)).changed
    election = first.election
    assert await services.reminders.dm_recipients(GUILD, election.id) == [OTHER]
    assert (await services.turnout.voted(GUILD, OTHER)).count == 2
    assert await services.reminders.dm_recipients(GUILD, election.id) == []
    undone = await services.turnout.voted(GUILD, MEMBER, undo=True)
    assert undone.changed and undone.count == 1
    assert await services.reminders.dm_recipients(GUILD, election.id) == [MEMBER]


async def test_reports_count_once_per_member_by_region_and_day(nec_services: Services, clock: FakeClock) -> None:
    """A second report by the same member keeps the first region; turnout counts by region and by local day."""
    services = nec_services
    clock.set(IN_WINDOW)
    answer = await services.turnout.replacement(GUILD, MEMBER, region="northern")
    assert answer.counted and answer.region == "Northern"
    repeat = await services.turnout.replacement(GUILD, MEMBER, region="Eastern")
    assert repeat.counted is False and repeat.region == "Northern"
    clock.set(IN_WINDOW + timedelta(days=1))
    await services.turnout.replacement(GUILD, OTHER, region="Northern")
    turnout = await services.turnout.turnout(GUILD)
    assert turnout.reports == 2
    assert turnout.reports_by_region == (("Northern", 2),)
    assert turnout.reports_by_day == ((date(2025, 5, 1), 1), (date(2025, 5, 2), 1))
    with pytest.raises(InvalidInput, match="not one of the regions"):
        await services.turnout.replacement(GUILD, MEMBER, region="Narnia")


async def test_privacy_erase_removes_pledges_and_reports(nec_services: Services, clock: FakeClock) -> None:
    """erase() deletes the member's pledges and reports and leaves other members' alone."""
    services = nec_services
    clock.set(IN_WINDOW)
    await services.turnout.voted(GUILD, MEMBER)
    await services.turnout.voted(GUILD, OTHER)
    await services.turnout.replacement(GUILD, MEMBER, region="Northern")
    held = await services.privacy.held(GUILD, MEMBER)
    assert len(held.pledges) == 1 and len(held.reports) == 1 and not held.empty
    await services.privacy.erase(GUILD, MEMBER)
    assert (await services.privacy.held(GUILD, MEMBER)).empty
    assert (await services.turnout.turnout(GUILD)).pledges == 1


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
async def test_export_import_export_carries_nominations_and_the_target_identically(
    nec_services: Services, clock: FakeClock, fmt: str
) -> None:
    """The sample's nominations and target survive export → import (another guild) → export, in both formats."""
    services = nec_services
    clock.set(IN_WINDOW)
    await services.turnout.voted(GUILD, MEMBER)
    first = await services.transfer.export(GUILD, fmt)  # type: ignore[arg-type]
    assert "Leicester City" in first and "Derby City" in first
    assert ("nomination_target: 3" in first) if fmt == "yaml" else ("nomination_target,NEC 2025" in first)
    assert str(MEMBER) not in first, "pledges are never exported"
    other = GUILD + 1
    await services.transfer.import_text(other, ORGANISER, first, filename=f"copy.{fmt}")
    second = await services.transfer.export(other, fmt)  # type: ignore[arg-type]
    assert second == first
    standings = await services.nominations.standings(other)
    assert standings.target == 3
    assert {r.candidate.name: r.count for r in standings.candidates}["Zoë Hartley"] == 4


async def test_an_import_adds_missing_nominations_and_never_removes_one(nec_services: Services) -> None:
    """A file without a nomination recorded since leaves it; a file with a new one adds it, dated."""
    services = nec_services
    await services.nominations.add(GUILD, ORGANISER, "Helen Marsh", "Ipswich")
    text = """format: 1
elections:
  - name: NEC 2025
    seats:
      - name: Eastern Regional (Female)
        electorate_type: region
        electorate: Eastern
        candidates:
          - name: Helen Marsh
            nominations:
              - body: Norwich
                date: 2025-02-10
"""
    report = await services.transfer.import_text(GUILD, ORGANISER, text, filename="more.yaml")
    assert [str(c) for c in report.changes if c.what == "nomination"] == [
        str(c) for c in report.changes if "Norwich" in str(c)
    ]
    row, _ = await services.nominations.of_candidate(GUILD, "Helen Marsh")
    assert {n.body for n in row.bodies} >= {"Ipswich", "Norwich", "Norfolk County"}
    assert next(n.on for n in row.bodies if n.body == "Norwich") == date(2025, 2, 10)


async def test_a_bad_nomination_in_a_file_is_refused_whole(nec_services: Services) -> None:
    """A nomination of a candidate not in the file, or a target of zero, refuses the whole import."""
    services = nec_services
    before = await services.repos.db.dump()
    text = """format: 1
elections:
  - name: NEC 2025
    nomination_target: 0
"""
    with pytest.raises(Exception, match="nomination_target must be a whole number from 1"):
        await services.transfer.import_text(GUILD, ORGANISER, text, filename="bad.yaml")
    assert await services.repos.db.dump() == before
