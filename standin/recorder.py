"""
What the bot sent the local Discord: every REST request answered, and every rule of Discord's it broke.

Tests read :attr:`Recorder.requests` and wait on them (``wait_for_request``); violations (bodies the spec or
Discord's limits refuse, routes Discord does not have, gateway protocol errors) fail a test through
``assert_clean``; warnings (keys the spec does not list) are kept apart and never fail one.
"""

import asyncio
import logging
import re
from collections.abc import Callable

from standin.models import RecordedRequest, Violation

__all__ = ["Recorder"]

log = logging.getLogger(__name__)


class Recorder:
    """The requests, violations and warnings recorded so far, in order."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.warnings: list[Violation] = []
        self._requests_changed = asyncio.Event()

    def add(self, record: RecordedRequest) -> None:
        """Keep an answered request and wake whoever waits for one."""
        self.requests.append(record)
        self._requests_changed.set()
        self._requests_changed = asyncio.Event()

    def record_violation(self, violation: Violation) -> None:
        """Keep a violation (errors in :attr:`violations`, warnings in :attr:`warnings`)."""
        if violation.is_error:
            log.warning("Discord contract violation: %s", violation)
            self.violations.append(violation)
        else:
            self.warnings.append(violation)

    def clear_violations(self) -> list[Violation]:
        """Forget recorded violations and warnings; return the violations that were there."""
        found, self.violations = self.violations, []
        self.warnings = []
        return found

    def assert_clean(self) -> None:
        """Raise AssertionError listing every violation recorded so far."""
        if self.violations:
            lines = "\n  ".join(str(v) for v in self.violations)
            raise AssertionError(f"{len(self.violations)} Discord contract violation(s):\n  {lines}")

    def requests_matching(
        self, method: str | None = None, path: str | None = None, status: int | None = None, *, since: int = 0
    ) -> list[RecordedRequest]:
        """Recorded requests (from index ``since`` on) filtered by method, a regex searched in the path, status."""
        pattern = re.compile(path) if path else None
        return [
            r
            for r in self.requests[since:]
            if (method is None or r.method == method.upper())
            and (pattern is None or pattern.search(r.path))
            and (status is None or r.status == status)
        ]

    async def wait_for_request(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        *,
        timeout: float = 5.0,
        code: int | None = None,
        since: int = 0,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> RecordedRequest:
        """
        Wait for a recorded request matching (the latest one); raise TimeoutError otherwise.

        ``since`` is an index into :attr:`requests` (take ``len(standin.requests)`` before acting to
        see only new ones); ``code`` matches Discord's JSON error code.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [
                r
                for r in self.requests_matching(method, path, status, since=since)
                if (code is None or r.error_code == code) and (predicate is None or predicate(r))
            ]
            if found:
                return found[-1]
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no request {method or '*'} {path or ''} status={status} within {timeout} s")
            changed = self._requests_changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                continue
