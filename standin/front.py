"""
The stand-in's HTTP front: how one REST request is read, gated, checked, handled, answered and recorded.

In order, as Discord does: the route (404 / 405 when Discord has none), injected faults, the token, the global
and per-route rate limits, the body against the spec and Discord's limits (400 / 50035 when
``reject_invalid``), then the route's handler. Every request is recorded with its answer, whatever it was.
"""

import json
import logging
import re
import time
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from standin.limits import check_limits
from standin.models import RecordedRequest, StoredFile, Violation
from standin.rest import Route
from standin.wire import Answer, Call, DiscordError, form_errors

if TYPE_CHECKING:
    from standin.ratelimits import RateLimiter
    from standin.recorder import Recorder
    from standin.server import StandIn

__all__ = ["HttpFront"]

log = logging.getLogger(__name__)

_API = re.compile(r"^/api/v(\d+)(?=/)")


class HttpFront:
    """Serves ``/api/v10``: reads each request, lets the limiter and the checks speak first, then the route."""

    def __init__(self, standin: "StandIn", limiter: "RateLimiter", recorder: "Recorder") -> None:
        self._standin = standin
        self._limiter = limiter
        self._recorder = recorder

    async def _read_body(self, request: web.Request) -> tuple[Any, list[StoredFile]]:
        ctype = request.content_type
        if ctype == "multipart/form-data":
            body: dict[str, Any] = {}
            files: list[StoredFile] = []
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader):
                    continue
                name = part.name or ""
                if name == "payload_json":
                    parsed = json.loads(await part.text() or "null")
                    body = parsed if isinstance(parsed, dict) else body
                elif part.filename is not None:
                    data = bytes(await part.read(decode=False))
                    part_type = part.headers.get("Content-Type", "application/octet-stream")
                    files.append(StoredFile(part.filename, data, part_type, name))
                else:
                    body[name] = await part.text()
            return body, files
        raw = await request.read()
        if not raw:
            return None, []
        return json.loads(raw), []

    def _checks(self, route: Route, method: str, path: str, body: object) -> list[Violation]:
        if body is None and method in ("GET", "DELETE"):
            return []
        report = self._standin.spec.report(method, path, body)
        found = [v.located(method, path) for v in report.violations]
        if route.limits and body is not None:
            found += [v.located(method, path) for v in check_limits(route.limits, body)]
        for warning in report.warnings:
            self._recorder.record_violation(warning.located(method, path))
        for violation in found:
            self._recorder.record_violation(violation)
        return found

    async def _answer(self, request: web.Request, call: Call, route: Route | None, other: bool) -> Answer:
        full = request.path
        if route is None:
            text = "405: Method Not Allowed" if other else "404: Not Found"
            self._recorder.record_violation(
                Violation("route", f"the stand-in has no route {call.method} {call.path}", "", call.method, full)
            )
            return Answer(405 if other else 404, {"message": text, "code": 0})
        fault = self._limiter.fault_for(call.method, full)
        if fault is not None:
            return self._limiter.fault_answer(fault, route)
        headers: dict[str, str] = {}
        try:
            if route.auth:
                if request.headers.get("Authorization", "") != f"Bot {self._standin.token}":
                    raise DiscordError(401, 0, "401: Unauthorized")
                limited = self._limiter.global_check()
                if limited is not None:
                    return limited
            limited, headers = self._limiter.bucket(route, call.params)
            if limited is not None:
                return limited
            errors = self._checks(route, call.method, full, call.body)
            if errors and self._standin.reject_invalid:
                raise DiscordError(400, 50035, "Invalid Form Body", form_errors(errors))
            answer = await route.handler(call)
        except DiscordError as exc:
            answer = Answer(exc.status, exc.to_body())
        answer.headers = {**headers, **answer.headers}
        return answer

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one REST request and record it (the aiohttp handler for everything but the gateway and files)."""
        started = time.monotonic()
        method = request.method.upper()
        full = request.path
        prefix = _API.match(full)
        if prefix is None or prefix.group(1) != "10":
            self._recorder.record_violation(Violation("route", "not under /api/v10", "", method, full))
            return web.Response(status=404, text="404: Not Found")
        api_path = full[prefix.end() :]
        route, params, other = self._standin.rest.match(method, api_path)
        files: list[StoredFile] = []
        try:
            body, files = await self._read_body(request)
        except ValueError:
            answer = Answer(400, {"message": "The request body contains invalid JSON.", "code": 50109})
            body = None
            call = Call(method, api_path, route.template if route else api_path, params, dict(request.query), None)
        else:
            call = Call(method, api_path, route.template if route else api_path, params, dict(request.query), body)
            call.files = files
            answer = await self._answer(request, call, route, other)
        record = RecordedRequest(
            method=method,
            path=full,
            route=call.route,
            query=dict(request.query),
            json=body,
            files=files,
            status=answer.status,
            time=started,
            response=answer.body,
        )
        self._standin.interactions.observe(call, record)
        self._recorder.add(record)
        if answer.status >= 400:
            log.info("stand-in answered %s", record)
        if answer.body is None or answer.status == 204:
            return web.Response(status=answer.status, headers=answer.headers)
        payload = json.dumps(answer.body).encode()
        return web.Response(
            status=answer.status, body=payload, headers={**answer.headers, "Content-Type": "application/json"}
        )
