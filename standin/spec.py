"""
Check request bodies against Discord's OpenAPI 3.1 description (``openapi.json``).

The description is found through ``$DISCORD_API_SPEC`` (the file, or a folder holding it), else at
``<project root>/../shared/discord-api-spec/openapi.json``. Without it one warning is logged and body
checks are skipped (limits are still checked: they do not need the file).

The spec's own conventions are honoured: ``oneOf`` unions mean "one of these types" and are read
as ``anyOf`` (Discord's branches overlap); integer fields accept int-parseable strings and
snowflake strings accept integers (the API takes both); keys the spec does not list are reported
as warnings (``unknown_key``), never as violations.

A checker remembers its verdicts on the last few hundred bodies: the same body sent to the same route again
(a repeated autocomplete answer, the same /slate) gets the same violations and warnings without being
validated again. Full validation of a large answer costs milliseconds, which would otherwise dominate a
benchmark's round trip.
"""

import json
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from standin.limits import LIMIT_KINDS, check_limits
from standin.models import Violation

if TYPE_CHECKING:
    from standin._schema import LoadedSpec, Operation

__all__ = [
    "LIMIT_KINDS",
    "SpecChecker",
    "SpecReport",
    "Violation",
    "body_checks_installed",
    "check_limits",
    "default_spec_path",
]

log = logging.getLogger(__name__)

_API_PREFIX = re.compile(r"^/api(?:/v\d+)?(?=/|$)")
#: How many (route, body) verdicts a checker remembers.
_VERDICTS = 512

#: Whether the missing spec, and the missing jsonschema, were reported: once a process is enough to know.
_warned_missing = False
_warned_no_jsonschema = False
_warn_lock = threading.Lock()


def body_checks_installed() -> bool:
    """Whether ``jsonschema`` (a test dependency) is here, so that bodies can be checked when the spec is found."""
    try:
        from standin import _schema  # noqa: F401 - importing is the test
    except ImportError:
        return False
    return True


def default_spec_path() -> Path | None:
    """Where the spec is looked for: ``$DISCORD_API_SPEC`` (file or folder) or the shared folder."""
    env = os.environ.get("DISCORD_API_SPEC")
    if env:
        path = Path(env)
        return path / "openapi.json" if path.is_dir() else path
    project_root = Path(__file__).resolve().parents[1]
    return project_root.parent / "shared" / "discord-api-spec" / "openapi.json"


@dataclass
class SpecReport:
    """What checking one request found: real violations and mere warnings (unknown keys)."""

    violations: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    template: str | None = None


class SpecChecker:
    """
    Validates request bodies against the operation's ``requestBody`` schema.

    ``spec`` may be a path (file or folder), an already-parsed spec mapping, or ``None`` for
    :func:`default_spec_path`. Loading is lazy and shared between checkers of the same file.
    """

    def __init__(self, spec: str | os.PathLike[str] | Mapping[str, Any] | None = None) -> None:
        self._spec: LoadedSpec | None = None
        self._tried = False
        self._source = spec
        self._warned_keys: set[tuple[str, str]] = set()
        self._verdicts: OrderedDict[tuple[str, str, str], tuple[tuple[Violation, ...], tuple[Violation, ...]]] = (
            OrderedDict()
        )

    def _loaded(self) -> "LoadedSpec | None":
        global _warned_missing, _warned_no_jsonschema
        if self._tried:
            return self._spec
        self._tried = True
        source = self._source
        path = None if isinstance(source, Mapping) else default_spec_path() if source is None else Path(source)
        if path is not None and path.is_dir():
            path = path / "openapi.json"
        if path is not None and not path.is_file():
            with _warn_lock:
                if not _warned_missing:
                    _warned_missing = True
                    log.warning("Discord OpenAPI spec not found at %s: request bodies are not checked", path)
            return None
        try:
            # Imported here, not at the top: jsonschema is a test dependency, and the installed console runs without.
            from standin import _schema
        except ImportError:
            with _warn_lock:
                if not _warned_no_jsonschema:
                    _warned_no_jsonschema = True
                    log.warning("jsonschema is not installed: request bodies are not checked against the spec")
            return None
        self._spec = _schema.LoadedSpec(source) if isinstance(source, Mapping) else _schema.load(path) if path else None
        return self._spec

    @property
    def available(self) -> bool:
        """Whether the spec was found (without it only the limits are checked)."""
        return self._loaded() is not None

    @staticmethod
    def normalise_path(path: str) -> str:
        """Strip scheme, host, query and the ``/api/v10`` prefix from a request path."""
        if "://" in path:
            path = urlsplit(path).path
        path = path.split("?", 1)[0]
        path = _API_PREFIX.sub("", path)
        return path or "/"

    def _operation(self, method: str, path: str) -> "Operation | None":
        spec = self._loaded()
        if spec is None:
            return None
        segments = [unquote(s) for s in self.normalise_path(path).strip("/").split("/")]
        best: tuple[int, dict[str, Operation]] | None = None
        for template_segments, _template, methods in spec.by_length.get(len(segments), []):
            score = 0
            for want, got in zip(template_segments, segments, strict=True):
                if want is None:
                    if not got:
                        break
                elif want == got:
                    score += 1
                else:
                    break
            else:
                if best is None or score > best[0]:
                    best = (score, methods)
        if best is None:
            return None
        return best[1].get(method.upper())

    def template(self, method: str, path: str) -> str | None:
        """The spec's templated path for a concrete one (``/channels/{channel_id}/messages``)."""
        op = self._operation(method, path)
        return op.template if op else None

    def knows(self, method: str, path: str) -> bool:
        """Whether the spec describes this method and path (always true without a spec)."""
        if self._loaded() is None:
            return True
        return self._operation(method, path) is not None

    def report(self, method: str, path: str, body: object) -> SpecReport:
        """Check ``body`` (decoded JSON, or a multipart request's ``payload_json``); keep warnings apart."""
        spec = self._loaded()
        report = SpecReport()
        if spec is None:
            return report
        op = self._operation(method, path)
        if op is None:
            report.violations.append(
                Violation("route", f"the spec has no operation {method.upper()} {self.normalise_path(path)}")
            )
            return report
        report.template = op.template
        schema = spec.operation_schema(op)
        if schema is None:
            if body not in (None, {}, [], ""):
                report.warnings.append(
                    Violation("unknown_key", "a body was sent to an operation that takes none", severity="warning")
                )
            return report
        if body is None:
            if op.body_required:
                report.violations.append(Violation("spec", "the request body is required"))
            return report
        key = (op.method, op.template, json.dumps(body, sort_keys=True, separators=(",", ":")))
        known = self._verdicts.get(key)
        if known is not None:
            self._verdicts.move_to_end(key)
            report.violations += known[0]
            report.warnings += known[1]
            return report
        self._validate(spec, op, schema, body, report)
        self._verdicts[key] = (tuple(report.violations), tuple(report.warnings))
        if len(self._verdicts) > _VERDICTS:
            self._verdicts.popitem(last=False)
        return report

    def _validate(
        self, spec: "LoadedSpec", op: "Operation", schema: dict[str, Any], body: object, report: SpecReport
    ) -> None:
        from standin._schema import body_errors, unknown_keys  # loaded already: a spec is only had through it

        report.violations += body_errors(spec, schema, body)
        for where in unknown_keys(spec, schema, body):
            report.warnings.append(Violation("unknown_key", "key not listed in the spec", where, severity="warning"))
            generic = re.sub(r"/\d+(?=/|$)", "/*", where)
            if (op.template, generic) not in self._warned_keys:
                self._warned_keys.add((op.template, generic))
                log.warning("%s %s sends a key the spec does not list: %s", op.method, op.template, where)

    def check(self, method: str, path: str, body: object) -> list[Violation]:
        """Violations of the operation's request schema (unknown keys are warnings, see :meth:`report`)."""
        return self.report(method, path, body).violations

    @staticmethod
    def check_limits(kind: str, body: object) -> list[Violation]:
        """Discord's documented limits; see :func:`standin.limits.check_limits`."""
        return check_limits(kind, body)
