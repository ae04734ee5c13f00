"""The REST layer's request and answer records, and Discord's JSON error shape."""

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from standin.models import StoredFile, Violation

__all__ = ["Answer", "Call", "DiscordError", "form_errors"]


@dataclass
class Call:
    """One parsed REST request, handed to a route handler."""

    method: str
    path: str
    route: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[StoredFile] = field(default_factory=list)
    authorised: bool = False

    def int_param(self, name: str) -> int:
        """A path parameter as an int (404-style error when it is not a number)."""
        value = self.params.get(name, "")
        if not value.isdigit():
            raise DiscordError(404, 0, "404: Not Found")
        return int(value)

    def flag(self, name: str) -> bool:
        """A boolean query parameter (``true``, ``True``, ``1``)."""
        return self.query.get(name, "").lower() in ("1", "true")

    @property
    def json(self) -> dict[str, Any]:
        """The body as a dict ({} when absent or not an object)."""
        return self.body if isinstance(self.body, dict) else {}


@dataclass
class Answer:
    """What a handler answers: a status and a JSON body (``None`` for an empty body)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class DiscordError(Exception):
    """An error answer in Discord's shape: ``{"code": ..., "message": ..., "errors"?: ...}``."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def to_body(self) -> dict[str, Any]:
        """The JSON body Discord sends."""
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def form_errors(violations: list[Violation]) -> dict[str, Any]:
    """Nest violations the way Discord reports an Invalid Form Body (50035)."""
    root: dict[str, Any] = {}
    for violation in violations:
        node = root
        for token in [t for t in violation.where.split("/") if t]:
            node = node.setdefault(token.replace("~1", "/").replace("~0", "~"), {})
        code = "BASE_TYPE_INVALID" if violation.kind == "spec" else "LIMIT_EXCEEDED"
        node.setdefault("_errors", []).append({"code": code, "message": violation.message})
    return root


class Signal:
    """Wakes waiters when something changed; each waiter re-checks its own condition."""

    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def notify(self) -> None:
        """Wake everyone waiting now (later waiters wait for the next change)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate()`` holds, re-checking after each change; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
        return True
