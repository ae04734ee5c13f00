"""Members' "I've posted my ballot paper" pledges and "my paper has not come" reports: personal data, counted."""

from dataclasses import dataclass
from datetime import datetime

from storage import _rows
from storage.database import Database

_PLEDGE = """
INSERT INTO pledges (election_id, guild_id, user_id, at)
SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT)
WHERE EXISTS (SELECT 1 FROM elections WHERE id = ? AND guild_id = ?)
ON CONFLICT (election_id, user_id) DO NOTHING
"""
_UNPLEDGE = "DELETE FROM pledges WHERE guild_id = ? AND election_id = ? AND user_id = ?"
_PLEDGED = "SELECT at FROM pledges WHERE guild_id = ? AND election_id = ? AND user_id = ?"
_PLEDGE_COUNT = "SELECT COUNT(*) FROM pledges WHERE guild_id = ? AND election_id = ?"
_PLEDGERS = "SELECT user_id FROM pledges WHERE guild_id = ? AND election_id = ?"
_PLEDGE_TIMES = "SELECT at FROM pledges WHERE guild_id = ? AND election_id = ? ORDER BY at"
_REPORT = """
INSERT INTO paper_reports (election_id, guild_id, user_id, region, at)
SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT)
WHERE EXISTS (SELECT 1 FROM elections WHERE id = ? AND guild_id = ?)
ON CONFLICT (election_id, user_id) DO NOTHING
"""
_REPORTED = "SELECT region, at FROM paper_reports WHERE guild_id = ? AND election_id = ? AND user_id = ?"
_REPORTS = "SELECT region, at FROM paper_reports WHERE guild_id = ? AND election_id = ? ORDER BY at"
_OF_USER_PLEDGES = """
SELECT p.election_id, e.name, p.at FROM pledges AS p JOIN elections AS e ON e.id = p.election_id
WHERE p.guild_id = ? AND p.user_id = ? ORDER BY p.at
"""
_OF_USER_REPORTS = """
SELECT r.election_id, e.name, r.region, r.at FROM paper_reports AS r JOIN elections AS e ON e.id = r.election_id
WHERE r.guild_id = ? AND r.user_id = ? ORDER BY r.at
"""
_ERASE_PLEDGES = "DELETE FROM pledges WHERE guild_id = ? AND user_id = ?"
_ERASE_REPORTS = "DELETE FROM paper_reports WHERE guild_id = ? AND user_id = ?"


@dataclass(frozen=True, slots=True)
class MemberPledge:
    """A member's own pledge, as /privacy shows it."""

    election: str
    at: datetime


@dataclass(frozen=True, slots=True)
class MemberReport:
    """A member's own no-paper report, as /privacy shows it."""

    election: str
    region: str
    at: datetime


class TurnoutRepository:
    """``pledges`` and ``paper_reports``: one row per member and election each, never exported."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def pledge(self, guild_id: int, election_id: int, user_id: int, at: datetime) -> bool:
        """Record the member's pledge; ``False`` when already recorded (counted once)."""
        params = (election_id, guild_id, user_id, _rows.to_unix(at), election_id, guild_id)
        return await self._db.execute(_PLEDGE, params) == 1

    async def unpledge(self, guild_id: int, election_id: int, user_id: int) -> bool:
        """Take the pledge back; ``False`` when there was none."""
        return await self._db.execute(_UNPLEDGE, (guild_id, election_id, user_id)) == 1

    async def pledged_at(self, guild_id: int, election_id: int, user_id: int) -> datetime | None:
        """When the member pledged, if they did."""
        value = await self._db.fetch_value(_PLEDGED, (guild_id, election_id, user_id))
        return None if value is None else _rows.from_unix(int(value))

    async def pledge_count(self, guild_id: int, election_id: int) -> int:
        """How many members have pledged."""
        return int(await self._db.fetch_value(_PLEDGE_COUNT, (guild_id, election_id)))

    async def pledgers(self, guild_id: int, election_id: int) -> set[int]:
        """Who pledged (for leaving them out of reminder DMs only; never shown)."""
        return {int(r[0]) for r in await self._db.fetch_all(_PLEDGERS, (guild_id, election_id))}

    async def pledge_times(self, guild_id: int, election_id: int) -> list[datetime]:
        """When each pledge was made, oldest first (counts by day)."""
        return [_rows.from_unix(int(r[0])) for r in await self._db.fetch_all(_PLEDGE_TIMES, (guild_id, election_id))]

    async def report(self, guild_id: int, election_id: int, user_id: int, region: str, at: datetime) -> bool:
        """Count the member's no-paper report; ``False`` when they already reported (counted once)."""
        params = (election_id, guild_id, user_id, region, _rows.to_unix(at), election_id, guild_id)
        return await self._db.execute(_REPORT, params) == 1

    async def reported(self, guild_id: int, election_id: int, user_id: int) -> tuple[str, datetime] | None:
        """The member's report (region, when), if they made one."""
        row = await self._db.fetch_one(_REPORTED, (guild_id, election_id, user_id))
        return None if row is None else (str(row["region"]), _rows.from_unix(int(row["at"])))

    async def reports(self, guild_id: int, election_id: int) -> list[tuple[str, datetime]]:
        """Every report's region and time, oldest first (never who made it)."""
        rows = await self._db.fetch_all(_REPORTS, (guild_id, election_id))
        return [(str(r["region"]), _rows.from_unix(int(r["at"]))) for r in rows]

    async def of_member(self, guild_id: int, user_id: int) -> tuple[list[MemberPledge], list[MemberReport]]:
        """The member's own pledges and reports, for /privacy."""
        pledges = [
            MemberPledge(r["name"], _rows.from_unix(int(r["at"])))
            for r in await self._db.fetch_all(_OF_USER_PLEDGES, (guild_id, user_id))
        ]
        reports = [
            MemberReport(r["name"], r["region"], _rows.from_unix(int(r["at"])))
            for r in await self._db.fetch_all(_OF_USER_REPORTS, (guild_id, user_id))
        ]
        return pledges, reports

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        """Delete the member's pledges and reports; how many rows went."""
        return await self._db.execute(_ERASE_PLEDGES, (guild_id, user_id)) + await self._db.execute(
            _ERASE_REPORTS, (guild_id, user_id)
        )
