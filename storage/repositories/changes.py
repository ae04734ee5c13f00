"""The outbox of committed changes every running process follows, and the claims that make posting exactly once."""

from dataclasses import dataclass
from datetime import datetime

from bot.domain.enums import MilestoneKind
from bot.domain.reminders import Claim
from storage import _rows
from storage.database import Database

_ADD = "INSERT INTO changes (guild_id, election_id, kind, before, after, at) VALUES (?, ?, ?, ?, ?, ?)"
_SINCE = "SELECT id, guild_id, election_id, kind, before, after, at FROM changes WHERE id > ? ORDER BY id LIMIT ?"
_LATEST = "SELECT COALESCE(MAX(id), 0) FROM changes"
_PRUNE = "DELETE FROM changes WHERE at < ? AND id < (SELECT MAX(id) FROM changes)"

_CLAIM = """
INSERT INTO claims (guild_id, job_id, owner, claimed_at) VALUES (?, ?, ?, ?)
ON CONFLICT (guild_id, job_id) DO NOTHING
"""
# A claim held by this owner already (a retry), or one whose holder went quiet for too long (a crashed process).
_TAKE_OVER = """
UPDATE claims SET owner = ?, claimed_at = ?
WHERE guild_id = ? AND job_id = ? AND (owner = ? OR claimed_at < ?)
"""
_TAKE_FROM = "UPDATE claims SET owner = ?, claimed_at = ? WHERE guild_id = ? AND job_id = ? AND owner = ?"
_HOLDER = "SELECT owner FROM claims WHERE guild_id = ? AND job_id = ?"
_RELEASE = "DELETE FROM claims WHERE guild_id = ? AND job_id = ? AND owner = ?"
_PRUNE_CLAIMS = "DELETE FROM claims WHERE claimed_at < ?"


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One committed change, as the outbox holds it."""

    id: int
    guild_id: int
    election_id: int | None
    kind: MilestoneKind | None
    before: datetime | None
    after: datetime | None
    at: datetime


class ChangeLog:
    """``changes``: written in the transaction of the change it describes, read in id order by every process."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        guild_id: int,
        at: datetime,
        *,
        election_id: int | None = None,
        kind: MilestoneKind | None = None,
        before: datetime | None = None,
        after: datetime | None = None,
    ) -> int:
        """Record a change (inside its transaction) and wake the other processes when it commits."""
        change_id = await self._db.insert(
            _ADD,
            (
                guild_id,
                election_id,
                None if kind is None else kind.value,
                None if before is None else _rows.to_unix(before),
                None if after is None else _rows.to_unix(after),
                _rows.to_unix(at),
            ),
        )
        await self._db.notify_change()
        return change_id

    async def since(self, seen: int, limit: int = 500) -> list[ChangeRow]:
        """The changes after id ``seen``, oldest first, at most ``limit`` of them."""
        rows = await self._db.fetch_all(_SINCE, (seen, limit))
        return [
            ChangeRow(
                id=row["id"],
                guild_id=row["guild_id"],
                election_id=row["election_id"],
                kind=None if row["kind"] is None else MilestoneKind(row["kind"]),
                before=None if row["before"] is None else _rows.from_unix(row["before"]),
                after=None if row["after"] is None else _rows.from_unix(row["after"]),
                at=_rows.from_unix(row["at"]),
            )
            for row in rows
        ]

    async def latest(self) -> int:
        """The id of the newest change (0 when there is none)."""
        return int(await self._db.fetch_value(_LATEST))

    async def prune(self, older_than: datetime) -> int:
        """Forget changes older than ``older_than`` (always keeping the newest); returns how many went."""
        return await self._db.execute(_PRUNE, (_rows.to_unix(older_than),))


class ClaimRepository:
    """``claims``: a row per reminder or notice being posted, unique, so that only one process posts it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, guild_id: int, job_id: str, owner: str, now: datetime, stale_before: datetime) -> Claim:
        """Claim ``job_id`` for ``owner``, taking over a claim older than ``stale_before``."""
        async with self._db.transaction():
            if await self._db.execute(_CLAIM, (guild_id, job_id, owner, _rows.to_unix(now))) == 1:
                return Claim.TAKEN
            holder = await self._db.fetch_value(_HOLDER, (guild_id, job_id))
            taken = await self._db.execute(
                _TAKE_OVER,
                (owner, _rows.to_unix(now), guild_id, job_id, owner, _rows.to_unix(stale_before)),
            )
        if taken != 1:
            return Claim.HELD_ELSEWHERE
        return Claim.TAKEN if holder == owner else Claim.TAKEN_OVER

    async def holder(self, guild_id: int, job_id: str) -> str | None:
        """Who holds the claim on ``job_id``, if anyone."""
        value = await self._db.fetch_value(_HOLDER, (guild_id, job_id))
        return None if value is None else str(value)

    async def take_over(self, guild_id: int, job_id: str, holder: str, owner: str, now: datetime) -> bool:
        """Move the claim from ``holder`` (known to be gone) to ``owner``; ``False`` if someone else moved it first."""
        changed = await self._db.execute(_TAKE_FROM, (owner, _rows.to_unix(now), guild_id, job_id, holder))
        return changed == 1

    async def release(self, guild_id: int, job_id: str, owner: str) -> None:
        """Give up a claim (the post is in the ledger now, or failed and may be tried again by anyone)."""
        await self._db.execute(_RELEASE, (guild_id, job_id, owner))

    async def prune(self, older_than: datetime) -> int:
        """Forget claims older than ``older_than`` (notices' claims are never released)."""
        return await self._db.execute(_PRUNE_CLAIMS, (_rows.to_unix(older_than),))
