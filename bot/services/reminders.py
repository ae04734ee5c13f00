"""
Ballot reminders: what is due, what was sent, what an organiser will see posted and when.

The database is the schedule: occurrences are derived from the timetable and the guild's settings every time,
and the ledger (``reminders_sent``) says which ones Discord has accepted. The scheduler only wakes things up.
"""

import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.domain.models import Election, GuildConfig
from bot.domain.reminders import Claim, Occurrence, Triage, finished_elections, guild_of, plan, triage
from bot.domain.text import normalise
from bot.services._base import Service
from storage.repositories import Repositories

#: A claim on a reminder not posted and recorded within this long is taken to be a crashed process's: another
#: process may take it over (looking at the channel first). Posting takes seconds, even waiting for a turn.
CLAIM_LASTS = timedelta(seconds=60)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Preview:
    """What ``/organise reminders preview`` shows: settings, what is still to be posted, what was, what was not."""

    config: GuildConfig
    zone: ZoneInfo
    pending: tuple[Occurrence, ...]
    #: Accepted by Discord.
    posted: tuple[Occurrence, ...]
    #: Never posted because their time passed first: recorded as skipped, or missed while their date passed.
    skipped: tuple[Occurrence, ...]
    #: Elections whose reminders stopped while dates were still ahead: every contested seat has its result.
    stopped: tuple[str, ...] = ()


def _died_here(owner: str) -> bool:
    """Whether a claim's owner was a process of this machine that is no longer running."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def process_name() -> str:
    """Name the running process as a claim's owner: host, pid and a random part (a restart is someone new)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class ReminderService(Service):
    """Derives reminders from the timetable and keeps the ledger of posted ones, and who is posting which."""

    def __init__(self, repos: Repositories, clock: Clock) -> None:
        super().__init__(repos, clock)
        self.owner = process_name()

    async def occurrences(self, guild_id: int) -> list[Occurrence]:
        """Every reminder the guild's timetable and settings call for (sent or not)."""
        config = await self.repos.guilds.get(guild_id)
        elections = await self.repos.elections.all(guild_id)
        targeted = await self.repos.nominations.targets(guild_id)
        return plan(config, elections, finished=await self._finished(guild_id, elections), nominating=targeted)

    async def _finished(self, guild_id: int, elections: list[Election]) -> set[int]:
        """The ids of the elections whose reminders have stopped."""
        seats = await self.repos.results.seat_counts(guild_id)
        return finished_elections(elections, seats, self.clock.now())

    async def triage(self, guild_id: int) -> Triage:
        """The guild's unsent reminders: to come, late (post once now), expired (skip)."""
        occurrences = await self.occurrences(guild_id)
        sent = await self.repos.ledger.sent_ids(guild_id)
        return triage(occurrences, sent, self.clock.now())

    async def triage_all(self) -> dict[int, Triage]:
        """
        :meth:`triage` for every guild with settings and elections, by guild id.

        Reads the whole database in five queries rather than six a guild: the scheduler's start-up.
        """
        configs = await self.repos.guilds.all_configs()
        elections = await self.repos.elections.by_guild()
        seats = await self.repos.results.seat_counts_by_guild()
        sent = await self.repos.ledger.sent_ids_by_guild()
        targeted = await self.repos.nominations.targeted_by_guild()
        now = self.clock.now()
        return {
            guild_id: triage(
                plan(
                    configs[guild_id],
                    elections[guild_id],
                    finished=finished_elections(elections[guild_id], seats.get(guild_id, ()), now),
                    nominating=targeted.get(guild_id, ()),
                ),
                sent.get(guild_id, set()),
                now,
            )
            for guild_id in sorted(configs.keys() & elections.keys())
        }

    async def find(self, job_id: str) -> Occurrence | None:
        """The occurrence a job id names, if the timetable still calls for it (a moved date drops it)."""
        for occurrence in await self.occurrences(guild_of(job_id)):
            if occurrence.job_id == job_id:
                return occurrence
        return None

    async def is_sent(self, job_id: str) -> bool:
        """Whether Discord already accepted this reminder."""
        return await self.repos.ledger.get(guild_of(job_id), job_id) is not None

    async def mark_sent(self, job_id: str, message_id: int | None, *, late: bool = False) -> bool:
        """Record that Discord accepted the reminder (and give up this process's claim); ``False`` if recorded."""
        guild_id = guild_of(job_id)
        async with self.db.transaction():
            marked = await self.repos.ledger.mark_sent(guild_id, job_id, self.clock.now(), message_id, late=late)
            await self.repos.claims.release(guild_id, job_id, self.owner)
            return marked

    async def claim(self, guild_id: int, job_id: str) -> Claim:
        """
        Claim a reminder or notice for this process before posting it, so that no other process posts it too.

        A claim older than :data:`CLAIM_LASTS` is a crashed process's and is taken over
        (:attr:`~storage.repositories.changes.Claim.TAKEN_OVER`: look in the channel before posting).
        """
        now = self.clock.now()
        claim = await self.repos.claims.claim(guild_id, job_id, self.owner, now, now - CLAIM_LASTS)
        if claim is Claim.HELD_ELSEWHERE:
            holder = await self.repos.claims.holder(guild_id, job_id)
            if holder is not None and _died_here(holder):
                # A process of this machine that is gone (killed, restarted): no need to wait for its claim to age.
                log.info("Taking over %s from %s, which is no longer running", job_id, holder)
                if await self.repos.claims.take_over(guild_id, job_id, holder, self.owner, now):
                    return Claim.TAKEN_OVER
        return claim

    async def release(self, guild_id: int, job_id: str) -> None:
        """Give up this process's claim (the post failed, and may be tried again by anyone)."""
        await self.repos.claims.release(guild_id, job_id, self.owner)

    async def dm_recipients(self, guild_id: int, election_id: int) -> list[int]:
        """Subscribers to DM about an election: not those who said they have posted its paper."""
        pledged = await self.repos.turnout.pledgers(guild_id, election_id)
        return [user for user in await self.repos.subscribers.subscribers(guild_id) if user not in pledged]

    async def subscribers(self, guild_id: int) -> list[int]:
        """Members who asked for reminder DMs."""
        return await self.repos.subscribers.subscribers(guild_id)

    async def config(self, guild_id: int) -> GuildConfig:
        """The guild's settings."""
        return await self.repos.guilds.get(guild_id)

    async def election(self, guild_id: int, election_id: int) -> Election | None:
        """One election with its timetable."""
        return await self.repos.elections.get(guild_id, election_id)

    async def preview(self, guild_id: int, election: str | None = None) -> Preview:
        """What will be posted and when (optionally for one election), and what already was."""
        config = await self.repos.guilds.get(guild_id)
        occurrences = await self.occurrences(guild_id)
        elections = await self.repos.elections.all(guild_id)
        if election is not None and election.strip():
            key = normalise(election)
            occurrences = [o for o in occurrences if normalise(o.election_name) == key]
            elections = [e for e in elections if normalise(e.name) == key]
        # Only elections whose reminders the results cut short: one long over stopped for no one.
        finished = await self._finished(guild_id, elections)
        now = self.clock.now()
        cut_short = {
            o.election_id for o in plan(config, elections) if o.election_id in finished and o.milestone_at > now
        }
        stopped = tuple(e.name for e in elections if e.id in cut_short)
        sent_ids = await self.repos.ledger.sent_ids(guild_id)
        skipped_ids = await self.repos.ledger.skipped_ids(guild_id)
        split = triage(occurrences, sent_ids, self.clock.now())
        posted = tuple(o for o in occurrences if o.job_id in sent_ids and o.job_id not in skipped_ids)
        skipped = tuple(
            sorted(
                (*(o for o in occurrences if o.job_id in skipped_ids), *split.expired),
                key=lambda o: (o.run_at, o.job_id),
            )
        )
        return Preview(config, ZoneInfo(config.timezone), (*split.late, *split.future), posted, skipped, stopped)

    async def event_links(self, guild_id: int) -> dict[int, int]:
        """Election id -> the Discord scheduled event mirroring its ballot window."""
        return await self.repos.events.links(guild_id)

    async def link_event(self, guild_id: int, election_id: int, event_id: int) -> None:
        """Remember the scheduled event for an election."""
        async with self.db.transaction():
            await self.repos.events.link(guild_id, election_id, event_id)

    async def unlink_event(self, guild_id: int, event_id: int) -> None:
        """Forget a scheduled event."""
        async with self.db.transaction():
            await self.repos.events.unlink(guild_id, event_id)

    async def elections(self, guild_id: int) -> list[Election]:
        """Every election of the guild."""
        return await self.repos.elections.all(guild_id)

    def now(self) -> datetime:
        """The service clock's time."""
        return self.clock.now()
