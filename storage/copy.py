"""
``slatebot db copy``: every row of one database into another, empty one (SQLite to PostgreSQL, say).

Rows keep their ids, so what refers to them (candidates to seats, the ledger's job ids to elections) still does;
afterwards PostgreSQL's id sequences are moved past the copied ids. The whole copy is one transaction on the
target: it lands complete or not at all. A target that holds any data is refused, and left as it was.
"""

from dataclasses import dataclass

from storage.database import Database

#: Every table, parents before the tables that refer to them. ``claims`` is not copied: a claim belongs to a
#: process running on the old database, and means nothing to the new one. Pledges and no-paper reports are
#: members' own data, and are copied like the rest (a copy moves the campaign; it is not an export).
TABLES = (
    "slates",
    "guilds",
    "platform_points",
    "elections",
    "milestones",
    "seats",
    "candidates",
    "results",
    "audit_log",
    "reminders_sent",
    "reminder_subscribers",
    "bot_state",
    "scheduled_events",
    "changes",
    "nominations",
    "nomination_targets",
    "pledges",
    "paper_reports",
    "meetings",
    "motions",
    "member_votes",
)
NOT_COPIED = frozenset({"claims"})
#: Rows sent to the target per statement batch.
BATCH = 1000


class CopyRefused(Exception):
    """The copy would overwrite or mix data (a target that is not empty), or the two schemas differ."""


@dataclass(frozen=True, slots=True)
class CopyReport:
    """How many rows each table copied."""

    rows: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        """Rows copied in all."""
        return sum(count for _, count in self.rows)


async def copy_database(source: Database, target: Database) -> CopyReport:
    """Copy every table of ``source`` into the empty ``target`` (both migrated to the same version)."""
    source_version, target_version = await source.schema_version(), await target.schema_version()
    if source_version != target_version:
        msg = (
            f"the source is at schema version {source_version} and the target at {target_version}; "
            "run 'slatebot db migrate' on the older one first"
        )
        raise CopyRefused(msg)
    tables = await source.tables()
    unknown = sorted(set(tables) - set(TABLES) - NOT_COPIED)
    if unknown:  # a migration added a table and this list was not told: refuse rather than lose it
        msg = f"this bot does not know how to copy the table(s) {', '.join(unknown)}"
        raise CopyRefused(msg)
    filled = [table for table in await target.tables() if await target.fetch_value(f"SELECT 1 FROM {table} LIMIT 1")]  # noqa: S608
    if filled:
        msg = (
            f"the target already holds data (in {', '.join(filled)}); nothing was copied. "
            "Copy into a new, empty database"
        )
        raise CopyRefused(msg)
    counts: list[tuple[str, int]] = []
    # A write transaction on the source too: writers wait, so the copy is one consistent state, not a blend.
    async with source.transaction(), target.transaction():
        for table in TABLES:
            if table not in tables:
                continue
            rows = await source.fetch_all(f"SELECT * FROM {table} ORDER BY 1, 2")  # noqa: S608 - our own names
            if rows:
                columns = list(rows[0].keys())
                insert = (
                    f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our own names
                    f"VALUES ({', '.join('?' for _ in columns)})"
                )
                for start in range(0, len(rows), BATCH):
                    await target.executemany(insert, [tuple(row) for row in rows[start : start + BATCH]])
            counts.append((table, len(rows)))
        await target.reset_identities()
    return CopyReport(tuple(counts))
