"""A slate's platform: ordered points."""

from dataclasses import dataclass

from bot.domain.models import PlatformPoint, Slate
from bot.domain.text import normalise, plain, resolve, truncate
from bot.errors import InvalidInput, NotFound
from bot.services._base import Service
from bot.services._validate import TEXT_LIMIT, clean_text
from bot.services.slates import WithNewSlate, name_slate


@dataclass(frozen=True, slots=True)
class AddedPoint:
    """A point just added, and the slate whose platform it is in."""

    point: PlatformPoint
    slate: Slate


@dataclass(frozen=True, slots=True)
class Platform:
    """A slate and its points in order."""

    slate: Slate
    points: tuple[PlatformPoint, ...]
    #: Whether it is the guild's own slate (the one set with ``/organise settings slate``).
    ours: bool = False


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
        config = await self.repos.guilds.get(guild_id)
        ours = config.slate is not None and normalise(config.slate) == normalise(target.name)
        return Platform(target, tuple(await self.repos.slates.points(guild_id, target.id)), ours)

    async def slate_names(self, guild_id: int) -> list[str]:
        """Every slate name, for autocomplete."""
        return [s.name for s in await self.repos.slates.all(guild_id)]

    async def add(
        self,
        guild_id: int,
        actor_id: int,
        text: str,
        slate: str | None = None,
        position: int | None = None,
        *,
        new_slate: bool = False,
    ) -> PlatformPoint:
        """Add a point (see :meth:`add_reported`, which also names its slate and any slate it made)."""
        added = await self.add_reported(guild_id, actor_id, text, slate, position, new_slate=new_slate)
        return added.value.point

    async def add_reported(
        self,
        guild_id: int,
        actor_id: int,
        text: str,
        slate: str | None = None,
        position: int | None = None,
        *,
        new_slate: bool = False,
    ) -> WithNewSlate[AddedPoint]:
        """
        Add a point at ``position`` (default: the end); later points move down one.

        ``slate`` defaults to the guild's own; a slate named for the first time is made, and a near miss of an
        existing one raises ``SlateNearMiss`` unless ``new_slate`` confirms it.
        """
        cleaned = clean_text(text, "platform point", TEXT_LIMIT)
        if cleaned is None:
            msg = "A platform point needs some text."
            raise InvalidInput(msg)
        async with self.db.transaction():
            target, made = await self._slate_for_write(guild_id, slate, new_slate=new_slate)
            points = await self.repos.slates.points(guild_id, target.id)
            at = len(points) + 1 if position is None else _check_position(position, len(points) + 1)
            point = await self.repos.slates.add_point(guild_id, target.id, at, cleaned)
            order = [p.id for p in points]
            order.insert(at - 1, point.id)
            await self.repos.slates.set_positions(guild_id, order)
            await self.audit(guild_id, actor_id, "platform.add", None, point)
        return WithNewSlate(AddedPoint(point, target), target.name if made else None)

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

    async def _slate_for_write(self, guild_id: int, slate: str | None, *, new_slate: bool) -> tuple[Slate, bool]:
        """The slate a new point goes to, and whether it was made just now (see ``name_slate``)."""
        if slate is None or not slate.strip():
            return await self.slate(guild_id, None), False
        return await name_slate(self.repos, guild_id, slate, new_slate=new_slate)


def _check_position(position: int, highest: int) -> int:
    if not 1 <= position <= highest:
        msg = f"Give a position from 1 to {highest} (you gave {position})."
        raise InvalidInput(msg)
    return position
