"""All services over one database, built once and handed to the bot and the CLI."""

from dataclasses import dataclass

from bot.clock import Clock, SystemClock
from bot.services.audit import AuditService
from bot.services.campaign import CampaignService
from bot.services.candidates import CandidateService
from bot.services.changes import ChangeFeed
from bot.services.command_sync import CommandSyncService
from bot.services.elections import ElectionService
from bot.services.guild_config import GuildConfigService
from bot.services.nominations import NominationService
from bot.services.platform import PlatformService
from bot.services.privacy import PrivacyService
from bot.services.record import RecordService
from bot.services.reminders import ReminderService
from bot.services.results import ResultService
from bot.services.seats import SeatService
from bot.services.transfer import TransferService
from bot.services.turnout import TurnoutService
from storage.database import Database
from storage.repositories import Repositories


@dataclass(frozen=True)
class Services:
    """One attribute per service; cogs and the CLI reach every rule through here."""

    repos: Repositories
    clock: Clock
    guilds: GuildConfigService
    elections: ElectionService
    seats: SeatService
    candidates: CandidateService
    platform: PlatformService
    results: ResultService
    audit: AuditService
    privacy: PrivacyService
    transfer: TransferService
    campaign: CampaignService
    reminders: ReminderService
    command_sync: CommandSyncService
    changes: ChangeFeed
    nominations: NominationService
    turnout: TurnoutService
    record: RecordService

    @classmethod
    def build(cls, db: Database, clock: Clock | None = None, *, default_timezone: str = "Europe/London") -> "Services":
        """Wire every service over ``db``."""
        clock = clock or SystemClock()
        repos = Repositories(db, default_timezone)
        elections = ElectionService(repos, clock)
        seats = SeatService(repos, clock, elections)
        candidates = CandidateService(repos, clock, elections, seats)
        results = ResultService(repos, clock, candidates)
        changes = ChangeFeed(db, clock)
        built = cls(
            repos=repos,
            clock=clock,
            guilds=GuildConfigService(repos, clock),
            elections=elections,
            seats=seats,
            candidates=candidates,
            platform=PlatformService(repos, clock),
            results=results,
            audit=AuditService(repos, clock),
            privacy=PrivacyService(repos, clock),
            transfer=TransferService(repos, clock),
            campaign=CampaignService(repos, clock, elections, seats, candidates),
            reminders=ReminderService(repos, clock),
            command_sync=CommandSyncService(repos, clock),
            changes=changes,
            nominations=NominationService(repos, clock, elections, candidates),
            turnout=TurnoutService(repos, clock, elections),
            record=RecordService(repos, clock, results),
        )
        for service in (
            built.guilds,
            built.elections,
            built.seats,
            built.candidates,
            built.platform,
            built.results,
            built.audit,
            built.privacy,
            built.transfer,
            built.campaign,
            built.reminders,
            built.nominations,
            built.turnout,
            built.record,
        ):
            service.changes = changes
        return built
