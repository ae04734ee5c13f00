"""
Errors that carry the sentence a user should read.

Services raise these; the command tree shows ``message`` ephemerally. Anything else is a bug: it is
logged with its traceback and the user gets a short apology. This module never imports ``discord``,
so the domain and storage layers can raise these too.
"""

from collections.abc import Sequence


class UserError(Exception):
    """A problem the user can fix; ``message`` says what was wrong and how to do it right."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(UserError):
    """The named thing does not exist in this guild."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        if suggestions:
            message = f"{message} Did you mean: {', '.join(suggestions)}?"
        super().__init__(message)
        self.suggestions = tuple(suggestions)


class InvalidInput(UserError):
    """A value could not be understood or breaks a rule."""


class Conflict(UserError):
    """The change would clash with what is already stored (a duplicate, an ambiguous name)."""


class StorageUnavailable(UserError):
    """The database refused a write (read-only or full disk); reads still work."""
