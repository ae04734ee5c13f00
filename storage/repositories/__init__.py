"""Repositories: one class per aggregate, built on :class:`storage.database.Database`, returning domain models."""

from dataclasses import dataclass, field

from storage.database import Database
from storage.repositories.audit import AuditRepository
from storage.repositories.candidates import CandidateRepository
from storage.repositories.changes import ChangeLog, ClaimRepository
from storage.repositories.elections import ElectionRepository
from storage.repositories.guilds import GuildRepository
from storage.repositories.nominations import NominationRepository
from storage.repositories.record import RecordRepository
from storage.repositories.reminders import EventLinkRepository, ReminderLedger, SubscriberRepository
from storage.repositories.results import ResultRepository
from storage.repositories.seats import SeatRepository
from storage.repositories.slates import SlateRepository
from storage.repositories.state import StateRepository
from storage.repositories.turnout import TurnoutRepository


@dataclass(frozen=True)
class Repositories:
    """Every repository over one database (the aggregator of the repository pattern)."""

    db: Database
    default_timezone: str = "Europe/London"
    guilds: GuildRepository = field(init=False)
    elections: ElectionRepository = field(init=False)
    seats: SeatRepository = field(init=False)
    slates: SlateRepository = field(init=False)
    candidates: CandidateRepository = field(init=False)
    results: ResultRepository = field(init=False)
    audit: AuditRepository = field(init=False)
    ledger: ReminderLedger = field(init=False)
    subscribers: SubscriberRepository = field(init=False)
    state: StateRepository = field(init=False)
    events: EventLinkRepository = field(init=False)
    changes: ChangeLog = field(init=False)
    claims: ClaimRepository = field(init=False)
    record: RecordRepository = field(init=False)
    nominations: NominationRepository = field(init=False)
    turnout: TurnoutRepository = field(init=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "guilds", GuildRepository(self.db, self.default_timezone))
        set_(self, "elections", ElectionRepository(self.db))
        set_(self, "seats", SeatRepository(self.db))
        set_(self, "slates", SlateRepository(self.db))
        set_(self, "candidates", CandidateRepository(self.db))
        set_(self, "results", ResultRepository(self.db))
        set_(self, "audit", AuditRepository(self.db))
        set_(self, "ledger", ReminderLedger(self.db))
        set_(self, "subscribers", SubscriberRepository(self.db))
        set_(self, "state", StateRepository(self.db))
        set_(self, "events", EventLinkRepository(self.db))
        set_(self, "changes", ChangeLog(self.db))
        set_(self, "claims", ClaimRepository(self.db))
        set_(self, "record", RecordRepository(self.db))
        set_(self, "nominations", NominationRepository(self.db))
        set_(self, "turnout", TurnoutRepository(self.db))


__all__ = [
    "AuditRepository",
    "CandidateRepository",
    "ChangeLog",
    "ClaimRepository",
    "ElectionRepository",
    "EventLinkRepository",
    "GuildRepository",
    "NominationRepository",
    "RecordRepository",
    "ReminderLedger",
    "Repositories",
    "ResultRepository",
    "SeatRepository",
    "SlateRepository",
    "StateRepository",
    "SubscriberRepository",
    "TurnoutRepository",
]
