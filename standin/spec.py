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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import jsonschema
import referencing
import referencing.jsonschema
from jsonschema.exceptions import ValidationError

from standin.limits import LIMIT_KINDS, check_limits
from standin.models import Violation

__all__ = ["LIMIT_KINDS", "SpecChecker", "SpecReport", "Violation", "check_limits", "default_spec_path"]

log = logging.getLogger(__name__)

_BASE_URI = "urn:discord-openapi"
_API_PREFIX = re.compile(r"^/api(?:/v\d+)?(?=/|$)")
_INT_STRING = re.compile(r"^-?\d+$")
_MAP_KEYWORDS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")
_ONE_KEYWORDS = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
)
_MAX_MESSAGE = 240
#: The JSON type of a decoded JSON value, for a quick look at which branches of a union could fit it.
_JSON_KIND: dict[type, str] = {dict: "object", list: "array", type(None): "null"}
#: How many (route, body) verdicts a checker remembers.
_VERDICTS = 512

_warned_missing = False
_warn_lock = threading.Lock()


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


class _SchemaValidator(Protocol):
    def iter_errors(self, instance: object) -> Iterable[ValidationError]: ...

    def is_valid(self, instance: object) -> bool: ...


@dataclass(frozen=True)
class _Operation:
    template: str
    method: str
    schema_key: str | None
    body_required: bool


def _is_integer(_checker: object, instance: object) -> bool:
    if isinstance(instance, bool):
        return False
    if isinstance(instance, int):
        return True
    if isinstance(instance, float):
        return instance.is_integer()
    return isinstance(instance, str) and bool(_INT_STRING.match(instance))


_TYPE_CHECKER = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer)
_Validator: Any = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=_TYPE_CHECKER)


def _prepare(schema: object) -> object:
    """Rewrite one schema to the spec's conventions (see the module docstring)."""
    if isinstance(schema, list):
        return [_prepare(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#"):
            out[key] = _BASE_URI + value
        elif key in _MAP_KEYWORDS and isinstance(value, dict):
            out[key] = {name: _prepare(sub) for name, sub in value.items()}
        elif key in _LIST_KEYWORDS and isinstance(value, list):
            prepared = [_prepare(sub) for sub in value]
            target = "anyOf" if key == "oneOf" else key
            if target in out:
                out.setdefault("allOf", []).append({"anyOf": prepared})
            else:
                out[target] = prepared
        elif key == "additionalProperties" and value is False:
            continue  # unknown keys are warnings, found by the walk in _unknown_keys
        elif key in _ONE_KEYWORDS and isinstance(value, dict):
            out[key] = _prepare(value)
        else:
            out[key] = value
    if out.get("format") == "snowflake":
        kind = out.get("type")
        if kind == "string":
            out["type"] = ["string", "integer"]
        elif isinstance(kind, list) and "string" in kind and "integer" not in kind:
            out["type"] = [*kind, "integer"]
    return out


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _pointer(parts: Iterable[Any]) -> str:
    return "".join(f"/{_escape(str(part))}" for part in parts)


class _LoadedSpec:
    """The parsed, rewritten spec with its route table and validator caches (shared per file)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        schemas = {name: _prepare(sub) for name, sub in raw.get("components", {}).get("schemas", {}).items()}
        ops: dict[str, Any] = {}
        self.by_length: dict[int, list[tuple[tuple[str | None, ...], str, dict[str, _Operation]]]] = {}
        for template, item in raw.get("paths", {}).items():
            methods: dict[str, _Operation] = {}
            for method, op in item.items():
                if method == "parameters" or not isinstance(op, dict):
                    continue
                key: str | None = None
                required = False
                body = op.get("requestBody")
                if isinstance(body, dict):
                    content = body.get("content", {})
                    media = content.get("application/json") or content.get("multipart/form-data")
                    if isinstance(media, dict) and "schema" in media:
                        key = f"op{len(ops)}"
                        ops[key] = _prepare(media["schema"])
                        required = bool(body.get("required"))
                methods[method.upper()] = _Operation(template, method.upper(), key, required)
            segments = tuple(None if s.startswith("{") else s for s in template.strip("/").split("/"))
            self.by_length.setdefault(len(segments), []).append((segments, template, methods))
        self.document: dict[str, Any] = {"components": {"schemas": schemas, "x-operations": ops}}
        resource = referencing.Resource.from_contents(
            self.document, default_specification=referencing.jsonschema.DRAFT202012
        )
        self.registry: referencing.Registry[Any] = referencing.Registry().with_resource(_BASE_URI, resource)
        self._validators: dict[int, Any] = {}
        self._shapes: dict[int, tuple[frozenset[str] | None, list[object] | None]] = {}
        self._lock = threading.Lock()

    def validator(self, schema: Mapping[str, Any]) -> _SchemaValidator:
        key = id(schema)
        with self._lock:
            found = self._validators.get(key)
            if found is None:
                found = _Validator(schema, registry=self.registry)
                self._validators[key] = found
            validator: _SchemaValidator = found
            return validator

    def may_fit(self, branch: object, instance: object) -> bool:
        """
        Whether ``branch`` of a union can fit ``instance``, judged cheaply: its JSON type and its ``type`` tag.

        An object cannot fit a branch that only takes strings or null, and so on for arrays and null. Discord's
        unions of objects (components, callbacks, choices) tell their members apart by an integer ``type`` listed
        in an ``enum``; an object whose ``type`` is not listed cannot fit either. ``False`` only in those cases;
        anything else is left to the validator.
        """
        key = id(branch)
        if key not in self._shapes:
            self._shapes[key] = self._shape(branch)
        kinds, tags = self._shapes[key]
        kind = _JSON_KIND.get(type(instance))
        if kinds is not None and kind is not None and kind not in kinds:
            return False
        if tags is None or not isinstance(instance, dict) or "type" not in instance:
            return True
        return instance["type"] in tags

    def _shape(self, schema: object, depth: int = 0) -> tuple[frozenset[str] | None, list[object] | None]:
        """The JSON types a schema takes (``None``: any) and its ``type`` tag's values (``None``: no tag)."""
        if not isinstance(schema, dict) or depth > 20:
            return None, None
        ref = schema.get("$ref")
        if isinstance(ref, str) and len(schema) == 1:
            return self._shape(self.deref(ref), depth + 1)
        declared = schema.get("type")
        kinds: frozenset[str] | None = None
        if isinstance(declared, str):
            kinds = frozenset({declared})
        elif isinstance(declared, list) and all(isinstance(k, str) for k in declared):
            kinds = frozenset(declared)
        props = schema.get("properties")
        tag = props.get("type") if isinstance(props, dict) else None
        tags: list[object] | None = None
        if isinstance(tag, dict):
            if "const" in tag:
                tags = [tag["const"]]
            elif isinstance(tag.get("enum"), list):
                tags = list(tag["enum"])
        return kinds, tags

    def operation_schema(self, op: _Operation) -> dict[str, Any] | None:
        if op.schema_key is None:
            return None
        schema: dict[str, Any] = self.document["components"]["x-operations"][op.schema_key]
        return schema

    def deref(self, ref: str) -> object:
        if not ref.startswith(_BASE_URI + "#/"):
            return {}
        node: Any = self.document
        for token in ref[len(_BASE_URI) + 2 :].split("/"):
            token = unquote(token).replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or token not in node:
                return {}
            node = node[token]
        return node


_cache: dict[Path, _LoadedSpec] = {}
_cache_lock = threading.Lock()


def _load(path: Path) -> _LoadedSpec:
    resolved = path.resolve()
    with _cache_lock:
        loaded = _cache.get(resolved)
        if loaded is None:
            with resolved.open(encoding="utf-8") as handle:
                loaded = _LoadedSpec(json.load(handle))
            _cache[resolved] = loaded
        return loaded


def _short(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _describe(error: ValidationError) -> str:
    validator = error.validator
    value = error.validator_value
    instance = error.instance
    if validator in ("maxLength", "minLength") and isinstance(instance, str):
        bound = "at most" if validator == "maxLength" else "at least"
        return f"string of {len(instance)} characters; the spec allows {bound} {value}"
    if validator in ("maxItems", "minItems") and isinstance(instance, list):
        bound = "at most" if validator == "maxItems" else "at least"
        return f"array of {len(instance)} items; the spec allows {bound} {value}"
    if validator == "type":
        return f"{_short(json.dumps(instance, default=str))} is not of type {value}"
    return _short(str(error.message))


def _wrong_kind(errors: list[ValidationError]) -> bool:
    """Whether a union branch failed on its discriminator (``type``) rather than on the content."""
    for error in errors:
        path = list(error.relative_path)
        if error.validator in ("enum", "const") and path and path[-1] == "type" and len(path) == 1:
            return True
        if error.validator == "type" and not path:
            return True
    return False


def _leaves(error: ValidationError, depth: int = 0) -> list[ValidationError]:
    """The errors worth reporting under one failed keyword: for a union, those of the closest branch."""
    if error.validator not in ("anyOf", "oneOf") or not error.context or depth > 20:
        return [error]
    branches: dict[object, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
    candidates = [errs for errs in branches.values() if not _wrong_kind(errs)]
    if not candidates:
        return [jsonschema.exceptions.best_match([error])]
    chosen = min(candidates, key=lambda errs: (len(errs), -max(len(e.absolute_path) for e in errs)))
    out: list[ValidationError] = []
    for sub in chosen:
        out += _leaves(sub, depth + 1)
    return out


class SpecChecker:
    """
    Validates request bodies against the operation's ``requestBody`` schema.

    ``spec`` may be a path (file or folder), an already-parsed spec mapping, or ``None`` for
    :func:`default_spec_path`. Loading is lazy and shared between checkers of the same file.
    """

    def __init__(self, spec: str | os.PathLike[str] | Mapping[str, Any] | None = None) -> None:
        self._spec: _LoadedSpec | None = None
        self._tried = False
        self._source = spec
        self._warned_keys: set[tuple[str, str]] = set()
        self._verdicts: OrderedDict[tuple[str, str, str], tuple[tuple[Violation, ...], tuple[Violation, ...]]] = (
            OrderedDict()
        )

    def _loaded(self) -> _LoadedSpec | None:
        global _warned_missing
        if self._tried:
            return self._spec
        self._tried = True
        source = self._source
        if isinstance(source, Mapping):
            self._spec = _LoadedSpec(source)
            return self._spec
        path = default_spec_path() if source is None else Path(source)
        if path is not None and path.is_dir():
            path = path / "openapi.json"
        if path is None or not path.is_file():
            with _warn_lock:
                if not _warned_missing:
                    _warned_missing = True
                    log.warning("Discord OpenAPI spec not found at %s: request bodies are not checked", path)
            return None
        self._spec = _load(path)
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

    def _operation(self, method: str, path: str) -> _Operation | None:
        spec = self._loaded()
        if spec is None:
            return None
        segments = [unquote(s) for s in self.normalise_path(path).strip("/").split("/")]
        best: tuple[int, dict[str, _Operation]] | None = None
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
        self, spec: _LoadedSpec, op: _Operation, schema: dict[str, Any], body: object, report: SpecReport
    ) -> None:
        validator = spec.validator(schema)
        for error in validator.iter_errors(body):
            for leaf in _leaves(error):
                report.violations.append(Violation("spec", _describe(leaf), _pointer(leaf.absolute_path)))
        unknown: list[str] = []
        self._unknown_keys(spec, [schema], body, "", unknown)
        for where in unknown:
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

    # ------------------------------------------------------------ unknown keys

    def _expand(self, spec: _LoadedSpec, schema: object, instance: object, depth: int = 0) -> list[dict[str, Any]]:
        if not isinstance(schema, dict) or depth > 40:
            return []
        out = [schema]
        ref = schema.get("$ref")
        if isinstance(ref, str):
            out += self._expand(spec, spec.deref(ref), instance, depth + 1)
        for part in schema.get("allOf", []):
            out += self._expand(spec, part, instance, depth + 1)
        branches = schema.get("anyOf")
        if isinstance(branches, list) and branches:
            possible = [b for b in branches if spec.may_fit(b, instance)]
            # One possible branch is the one to follow (an instance that does not fit it is a violation already).
            fitting = possible if len(possible) == 1 else [b for b in possible if spec.validator(b).is_valid(instance)]
            for branch in fitting or branches:
                out += self._expand(spec, branch, instance, depth + 1)
        return out

    def _unknown_keys(self, spec: _LoadedSpec, schemas: list[Any], instance: object, ptr: str, out: list[str]) -> None:
        expanded: list[dict[str, Any]] = []
        for schema in schemas:
            expanded += self._expand(spec, schema, instance)
        if isinstance(instance, dict):
            props: dict[str, list[Any]] = {}
            extra: list[Any] = []
            open_ = False
            for schema in expanded:
                for name, sub in schema.get("properties", {}).items():
                    props.setdefault(name, []).append(sub)
                more = schema.get("additionalProperties")
                if isinstance(more, dict):
                    extra.append(more)
                elif more is True or "patternProperties" in schema:
                    open_ = True
            if not props and not extra:
                open_ = True
            for key, value in instance.items():
                where = f"{ptr}/{_escape(str(key))}"
                if key in props:
                    self._unknown_keys(spec, props[key], value, where, out)
                elif extra:
                    self._unknown_keys(spec, extra, value, where, out)
                elif not open_:
                    out.append(where)
        elif isinstance(instance, list):
            items = [s["items"] for s in expanded if isinstance(s.get("items"), dict)]
            if items:
                for index, value in enumerate(instance):
                    self._unknown_keys(spec, items, value, f"{ptr}/{index}", out)
