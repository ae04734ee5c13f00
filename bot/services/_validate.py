"""Checks on values typed by organisers, each refusing with a sentence that says how to do it right."""

import re

from bot.domain.text import plain, truncate
from bot.errors import InvalidInput

#: Discord shows at most 100 characters for a choice, so a name longer than that could not be picked again.
NAME_LIMIT = 100
TEXT_LIMIT = 1000
STATEMENT_LIMIT = 20_000
DESCRIPTION_LIMIT = 1000

_SPACES = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def clean_name(text: str, what: str, limit: int = NAME_LIMIT) -> str:
    """Collapse white space, strip invisible characters, and refuse empty or over-long names."""
    cleaned = _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()
    if not cleaned:
        msg = f"The {what} needs a name with at least one visible character."
        raise InvalidInput(msg)
    if len(cleaned) > limit:
        msg = (
            f"That {what} name is {len(cleaned)} characters long; the limit is {limit} so that Discord can show it. "
            f"Shorten “{plain(truncate(cleaned, 40))}”."
        )
        raise InvalidInput(msg)
    return cleaned


def clean_text(text: str | None, what: str, limit: int) -> str | None:
    """Strip surrounding white space; empty means none; refuse text over ``limit`` characters."""
    if text is None:
        return None
    cleaned = text.strip()
    if not cleaned:
        return None
    if len(cleaned) > limit:
        msg = f"The {what} is {len(cleaned):,} characters long; the limit is {limit:,}."
        raise InvalidInput(msg)
    return cleaned


def check_places(places: int) -> int:
    """A seat elects at least one person."""
    if places < 1:
        msg = f"A seat must have at least 1 place (you gave {places}). Use places: 2 for “vote for up to 2”."
        raise InvalidInput(msg)
    if places > 50:
        msg = f"{places} places is more than any seat elects; give a number from 1 to 50."
        raise InvalidInput(msg)
    return places
