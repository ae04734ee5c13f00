"""A slate's platform: ordered points."""

from dataclasses import dataclass

from bot.domain.models import PlatformPoint, Slate
from bot.domain.text import plain, resolve, truncate
from bot.errors import InvalidInput, NotFound
from bot.services._base import Service
from bot.services._validate import TEXT_LIMIT, clean_name, clean_text


@dataclass(frozen=True, slots=True)
class Platform:
    """A slate and its points in order."""

    slate: Slate
    points: tuple[PlatformPoint, ...]


class PlatformService(Service):
    """Adds, moves and removes platform points."""

    async def slate(self, guild_id: int, name: str | None) -> Slate:
        """The named slate, or the guild's own when no name is given."""
        slates = await self.repos.slates.all(guild_id)
        if name is None or not name.strip():
            config = await self.repos.guilds.get(guild_id)
            if config.slate is None:
                msg = "This server has no slate set yet. An organiser can set it with `/organise settings slate`."
                raise NotFound(msg)
            name = config.slate
        if not slates:
            msg = "No slates have been named yet. An organiser can set one with `/organise settings slate`."
            raise NotFound(msg)
        return resolve(name, slates, lambda s: s.name, what="slate")

    async def platform(self, guild_id: int, slate: str | None = None) -> Platform:
        """The slate's numbered points."""
        target = await self.slate(guild_id, slate)
        return Platform(target, tuple(await self.repos.slates.points(guild_id, target.id)))

    async def slate_names(self, guild_id: int) -> list[str]:
        """Every slate name, for autocomplete."""
        return [s.name for s in await self.repos.slates.all(guild_id)]

    async def add(
        self, guild_id: int, actor_id: int, text: str, slate: str | None = None, position: int | None = None
    ) -> PlatformPoint:
        """Add a point at ``position`` (default: the end); later points move down one."""
        cleaned = clean_text(text, "platform point", TEXT_LIMIT)
        if cleaned is None:
            msg = "A platform point needs some text."
            raise InvalidInput(msg)
        async with self.db.transaction():
            target = await self._slate_for_write(guild_id, slate)
            points = await self.repos.slates.points(guild_id, target.id)
            at = len(points) + 1 if position is None else _check_position(position, len(points) + 1)
            point = await self.repos.slates.add_point(guild_id, target.id, at, cleaned)
            order = [p.id for p in points]
            order.insert(at - 1, point.id)
            await self.repos.slates.set_positions(guild_id, order)
            await self.audit(guild_id, actor_id, "platform.add", None, point)
        return point

    async def resolve_point(self, guild_id: int, point: str, slate: str | None = None) -> PlatformPoint:
        """A point by its number (``3``) or its wording, in the named slate or the guild's own."""
        target = await self.slate(guild_id, slate)
        points = await self.repos.slates.points(guild_id, target.id)
        if not points:
            msg = f"{plain(target.name)} has no platform points yet. Add one with `/organise platform add`."
            raise NotFound(msg)
        typed = point.strip().rstrip(".")
        if typed.isdigit():
            number = int(typed)
            if 1 <= number <= len(points):
                return points[number - 1]
            msg = f"{plain(target.name)}'s platform has points 1 to {len(points)}; there is no point {number}."
            raise NotFound(msg)
        return resolve(point, points, lambda p: p.text, what="platform point")

    async def move(self, guild_id: int, actor_id: int, point: str, position: int) -> PlatformPoint:
        """Move a point to ``position``; the others close up around it."""
        async with self.db.transaction():
            before = await self.resolve_point(guild_id, point)
            points = await self.repos.slates.points(guild_id, before.slate_id)
            at = _check_position(position, len(points))
            order = [p.id for p in points if p.id != before.id]
            order.insert(at - 1, before.id)
            await self.repos.slates.set_positions(guild_id, order)
            after = await self.repos.slates.point(guild_id, before.id)
            await self.audit(guild_id, actor_id, "platform.move", before, after)
        assert after is not None  # noqa: S101 - moved inside this transaction
        return after

    async def remove(self, guild_id: int, actor_id: int, point: str) -> PlatformPoint:
        """Remove a point; the later ones move up."""
        async with self.db.transaction():
            before = await self.resolve_point(guild_id, point)
            await self.repos.slates.remove_point(guild_id, before.id)
            rest = await self.repos.slates.points(guild_id, before.slate_id)
            await self.repos.slates.set_positions(guild_id, [p.id for p in rest])
            await self.audit(guild_id, actor_id, "platform.remove", before, None)
        return before

    async def choices(self, guild_id: int) -> list[tuple[str, str]]:
        """``(label, value)`` pairs for point autocomplete: ``3. Defend the NHS…`` -> ``3``."""
        try:
            platform = await self.platform(guild_id)
        except NotFound:
            return []
        return [(truncate(f"{p.position}. {p.text}", 100), str(p.position)) for p in platform.points]

    async def _slate_for_write(self, guild_id: int, slate: str | None) -> Slate:
        if slate is None or not slate.strip():
            return await self.slate(guild_id, None)
        found, _ = await self.repos.slates.ensure(guild_id, clean_name(slate, "slate"))
        return found


def _check_position(position: int, highest: int) -> int:
    if not 1 <= position <= highest:
        msg = f"Give a position from 1 to {highest} (you gave {position})."
        raise InvalidInput(msg)
    return position
