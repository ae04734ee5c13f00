"""Guild settings: time zone, organiser role, the guild's slate, nation, post days, reminder settings."""

from zoneinfo import ZoneInfo

from bot.domain.dates import format_offsets, parse_offsets, parse_timezone
from bot.domain.enums import Nation
from bot.domain.models import GuildConfig
from bot.errors import InvalidInput
from bot.services._base import Service
from bot.services.slates import WithNewSlate, name_slate


class GuildConfigService(Service):
    """Reads and changes one guild's settings, each change audited."""

    async def get(self, guild_id: int) -> GuildConfig:
        """The guild's settings (defaults when none are stored)."""
        return await self.repos.guilds.get(guild_id)

    async def zone(self, guild_id: int) -> ZoneInfo:
        """The guild's time zone."""
        return ZoneInfo((await self.get(guild_id)).timezone)

    async def _update(self, guild_id: int, actor_id: int, action: str, **values: object) -> GuildConfig:
        async with self.db.transaction():
            before = await self.repos.guilds.get(guild_id)
            after = await self.repos.guilds.update(guild_id, **values)
            await self.audit(guild_id, actor_id, action, before, after)
            # Time zone, nation, post days and every reminder setting change when reminders fall.
            await self.timetable_changed(guild_id)
        return after

    async def set_timezone(self, guild_id: int, actor_id: int, name: str) -> GuildConfig:
        """Set the IANA time zone every date is entered and shown in."""
        zone = parse_timezone(name)
        return await self._update(guild_id, actor_id, "settings.timezone", timezone=zone.key)

    async def set_organiser_role(self, guild_id: int, actor_id: int, role_id: int | None) -> GuildConfig:
        """Let members with this role use the organiser commands (``None`` clears it)."""
        return await self._update(guild_id, actor_id, "settings.organiser_role", organiser_role_id=role_id)

    async def set_slate(self, guild_id: int, actor_id: int, name: str, *, new_slate: bool = False) -> GuildConfig:
        """Make the named slate the one the bot recommends (see :meth:`set_slate_reported`)."""
        return (await self.set_slate_reported(guild_id, actor_id, name, new_slate=new_slate)).value

    async def set_slate_reported(
        self, guild_id: int, actor_id: int, name: str, *, new_slate: bool = False
    ) -> WithNewSlate[GuildConfig]:
        """
        Make the named slate the one the bot recommends, and say whether it was made just now.

        A near miss of an existing slate raises ``SlateNearMiss`` unless ``new_slate`` confirms the name.
        """
        async with self.db.transaction():
            slate, made = await name_slate(self.repos, guild_id, name, new_slate=new_slate)
            before = await self.repos.guilds.get(guild_id)
            after = await self.repos.guilds.update(guild_id, slate_id=slate.id)
            await self.audit(guild_id, actor_id, "settings.slate", before, after)
        return WithNewSlate(after, slate.name if made else None)

    async def set_nation(self, guild_id: int, actor_id: int, nation: str) -> GuildConfig:
        """Choose whose bank holidays count when working out the post-by day."""
        try:
            value = Nation(nation.strip().lower().replace(" ", "-").replace("_", "-"))
        except ValueError:
            choices = ", ".join(n.value for n in Nation)
            msg = f"“{nation}” is not a UK nation the bot knows. Choose one of: {choices}."
            raise InvalidInput(msg) from None
        return await self._update(guild_id, actor_id, "settings.nation", nation=value.value)

    async def set_post_days(self, guild_id: int, actor_id: int, days: int) -> GuildConfig:
        """Set how many working days a ballot paper needs in the post."""
        if not 0 <= days <= 20:
            msg = f"Give a number of working days from 0 to 20 (you gave {days}); 2 suits first-class post."
            raise InvalidInput(msg)
        return await self._update(guild_id, actor_id, "settings.post_days", post_days=days)

    async def set_reminder_channel(
        self, guild_id: int, actor_id: int, channel_id: int, role_id: int | None
    ) -> GuildConfig:
        """Post reminders in this channel, mentioning only this role (if any), and turn reminders on."""
        return await self._update(
            guild_id,
            actor_id,
            "reminders.channel",
            reminder_channel_id=channel_id,
            reminder_role_id=role_id,
            reminders_enabled=1,
        )

    async def set_reminder_offsets(self, guild_id: int, actor_id: int, text: str) -> GuildConfig:
        """Set how long before each ballot date the reminders go out (``7d,1d,3h,0``)."""
        offsets = parse_offsets(text)
        return await self._update(guild_id, actor_id, "reminders.offsets", reminder_offsets=format_offsets(offsets))

    async def reminders_off(self, guild_id: int, actor_id: int) -> GuildConfig:
        """Stop posting reminders for the guild (the channel is kept for when they are turned on again)."""
        return await self._update(guild_id, actor_id, "reminders.off", reminders_enabled=0)
