"""
Naming a slate from any command: the existing slate, a new one, or a question when the name is a near miss.

A slate exists as soon as a command names it (COMMANDS.md), which makes a typo (``Time for Reel Change``)
dangerous: it would silently split the slate in two. So every write that names a slate goes through
``name_slate``: a name equal to a stored one after ``normalise()`` is that slate; a near miss of one
(``bot.domain.text.near_misses``) makes nothing and raises ``SlateNearMiss`` until the caller confirms the
new name; anything else is made, and the outcome says so.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.domain.document import Document, Problem
from bot.domain.models import Slate
from bot.domain.text import near_misses, normalise, plain
from bot.errors import Conflict
from bot.services._validate import clean_name
from storage.repositories import Repositories

T = TypeVar("T")


class SlateNearMiss(Conflict):
    """The typed slate name is a near miss of an existing slate's; nothing was changed."""

    def __init__(self, typed: str, existing: str) -> None:
        super().__init__(
            f"“{plain(typed)}” is very like the existing slate “{plain(existing)}”, so nothing was changed. "
            f"Give the slate as “{plain(existing)}”, or confirm that “{plain(typed)}” is a new slate."
        )
        self.typed = typed
        self.existing = existing


@dataclass(frozen=True, slots=True)
class WithNewSlate(Generic[T]):
    """What a change returned, with the name of the slate it made on the way (``None`` if it made none)."""

    value: T
    new_slate: str | None = None


async def name_slate(repos: Repositories, guild_id: int, typed: str, *, new_slate: bool = False) -> tuple[Slate, bool]:
    """
    The slate ``typed`` names, and whether it was made just now; call inside the change's transaction.

    1. A stored slate whose name is ``typed`` after ``normalise()`` is that slate.
    2. Else, unless ``new_slate`` confirms the name, a near miss of a stored slate raises ``SlateNearMiss``
       with the closest one.
    3. Else the slate is made, named as typed (white space tidied).
    """
    name = clean_name(typed, "slate")
    found = await repos.slates.find(guild_id, name)
    if found is not None:
        return found, False
    if not new_slate:
        close = near_misses(name, [s.name for s in await repos.slates.all(guild_id)])
        if close:
            raise SlateNearMiss(name, close[0])
    return await repos.slates.ensure(guild_id, name)


def import_near_misses(doc: Document, existing: Iterable[str]) -> list[Problem]:
    """
    One problem per slate the file would make that is a near miss of a slate the guild already has.

    A file cannot answer a question, so an import refuses such a name (in a dry run too) rather than make a
    second slate out of a typo. Slates new to the guild are compared only with the ones stored before the
    import, so a file may name several new slates as it likes. Each name is reported once, at its first line
    (the settings' slate has no line of its own).
    """
    stored = list(existing)
    stored_keys = {normalise(name) for name in stored}
    named: list[tuple[str, int]] = []
    if doc.settings.slate is not None:
        named.append((doc.settings.slate, 0))
    named.extend((record.name, record.line) for record in doc.slates)
    for election in doc.elections:
        for seat in election.seats:
            named.extend((cand.slate, cand.line) for cand in seat.candidates if cand.slate is not None)
    problems: list[Problem] = []
    reported: set[str] = set()
    for name, line in named:
        key = normalise(name)
        if key in stored_keys or key in reported:
            continue
        close = near_misses(name, stored)
        if close:
            reported.add(key)
            problems.append(
                Problem(
                    line,
                    f"slate “{name}” is very like this server's slate “{close[0]}”: spell it “{close[0]}”. "
                    "If it really is a different slate, make it first with a command (which asks you to confirm "
                    "the name), then import again.",
                )
            )
    return problems
