"""
Discord's rate limits and injected failures, as the stand-in applies them to each REST request.

Per-route buckets (keyed by the route and its major parameters, ``X-RateLimit-*`` headers on every answer), an
optional global limit, and faults a test injects (``fail``): a 429 shaped as Discord's own (``Via``,
``Retry-After``, ``retry_after`` in the body), since discord.py only retries those, or a 5xx with Discord's error JSON.
"""

import math
import re
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from standin.rest import Route
from standin.wire import Answer

__all__ = ["Fault", "RateLimiter"]


@dataclass
class Fault:
    """An injected failure: the next ``times`` matching requests get ``status``."""

    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    retry_after: float = 0.05
    global_: bool = False
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        """Whether a request is hit by this fault (and the fault still has uses)."""
        if self.hits >= self.times:
            return False
        return (self.method in ("*", method)) and bool(self.pattern.search(path))


@dataclass
class _Bucket:
    started: float
    count: int = 0


def _rate_headers(limit: int, remaining: int, reset_after: float, bucket: str) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(max(remaining, 0)),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        "X-RateLimit-Bucket": bucket,
    }


def _rate_limited(retry_after: float, *, global_: bool, bucket: str, limit: int) -> Answer:
    headers = _rate_headers(limit, 0, retry_after, bucket)
    headers.update(
        {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "Via": "1.1 google",
            "X-RateLimit-Scope": "global" if global_ else "user",
        }
    )
    if global_:
        headers["X-RateLimit-Global"] = "true"
    body = {"message": "You are being rate limited.", "retry_after": round(retry_after, 3), "global": global_}
    return Answer(429, body, headers)


class RateLimiter:
    """The buckets, the global limit and the faults: what answers a request before its handler may."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.faults: list[Fault] = []
        self.global_per_second: int | None = None
        self._buckets: dict[str, _Bucket] = {}
        self._global_times: deque[float] = deque()

    def fault_for(self, method: str, path: str) -> Fault | None:
        """The first injected fault that hits this request, if any."""
        return next((fault for fault in self.faults if fault.matches(method, path)), None)

    def fail(
        self,
        method: str,
        path_regex: str,
        status: int = 500,
        times: int = 1,
        retry_after: float = 0.05,
        *,
        global_: bool = False,
    ) -> Fault:
        """
        Answer the next ``times`` requests matching (method or ``*``, regex searched in the path) with ``status``.

        A 429 carries ``Via``, ``Retry-After``, ``X-RateLimit-*`` and ``{"message", "retry_after",
        "global"}`` (discord.py only retries a 429 with ``Via``); 5xx answers carry Discord's error JSON.
        """
        fault = Fault(method.upper(), re.compile(path_regex), status, times, retry_after, global_)
        self.faults.append(fault)
        return fault

    def global_rate_limit(self, per_second: int | None = 50) -> None:
        """Enforce Discord's global limit (``None`` turns it off): beyond it, 429 with ``global: true``."""
        self.global_per_second = per_second
        self._global_times.clear()

    def fault_answer(self, fault: Fault, route: Route | None) -> Answer:
        """Spend one use of ``fault`` and give the answer it stands for."""
        fault.hits += 1
        bucket = route.bucket if route else "unknown"
        if fault.status == 429:
            return _rate_limited(fault.retry_after, global_=fault.global_, bucket=bucket, limit=self.limit)
        reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
        return Answer(fault.status, {"message": f"{fault.status}: {reason.get(fault.status, 'Error')}", "code": 0})

    def global_check(self) -> Answer | None:
        """A global 429 when this request would pass the global limit (counting it otherwise)."""
        per_second = self.global_per_second
        if per_second is None:
            return None
        now = time.monotonic()
        times = self._global_times
        while times and now - times[0] >= 1.0:
            times.popleft()
        if len(times) >= per_second:
            retry = max(0.001, 1.0 - (now - times[0]))
            return _rate_limited(retry, global_=True, bucket="global", limit=per_second)
        times.append(now)
        return None

    def bucket(self, route: Route, params: Mapping[str, str]) -> tuple[Answer | None, dict[str, str]]:
        """Count the request in its bucket: a 429 when the bucket is spent, else the ``X-RateLimit-*`` headers."""
        keys = ("channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id")
        major = "+".join(params.get(k, "") for k in keys)
        key = f"{route.bucket}:{major}"
        now = time.monotonic()
        bucket = self._buckets.get(key)
        if bucket is None or now - bucket.started >= self.window:
            bucket = self._buckets[key] = _Bucket(now)
        bucket.count += 1
        reset_after = max(0.0, self.window - (now - bucket.started))
        if bucket.count > self.limit:
            limited = _rate_limited(reset_after, global_=False, bucket=route.bucket, limit=self.limit)
            return limited, {}
        return None, _rate_headers(self.limit, self.limit - bucket.count, reset_after, route.bucket)
