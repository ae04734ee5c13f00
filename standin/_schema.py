"""
The jsonschema half of the spec checks: Discord's OpenAPI description loaded, rewritten and validated against.

Private, and imported only once a spec is to be loaded (see :mod:`standin.spec`), so that ``jsonschema`` is
needed by the tests and not by the installed bot: without it the checker says so once and checks limits only.
"""

import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote

import jsonschema
import referencing
import referencing.jsonschema
from jsonschema.exceptions import ValidationError

from standin.models import Violation

__all__ = ["LoadedSpec", "Operation", "body_errors", "load", "unknown_keys"]

_BASE_URI = "urn:discord-openapi"
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


class _SchemaValidator(Protocol):
    def iter_errors(self, instance: object) -> Iterable[ValidationError]: ...

    def is_valid(self, instance: object) -> bool: ...


@dataclass(frozen=True)
class Operation:
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


class LoadedSpec:
    """The parsed, rewritten spec with its route table and validator caches (shared per file)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        schemas = {name: _prepare(sub) for name, sub in raw.get("components", {}).get("schemas", {}).items()}
        ops: dict[str, Any] = {}
        self.by_length: dict[int, list[tuple[tuple[str | None, ...], str, dict[str, Operation]]]] = {}
        for template, item in raw.get("paths", {}).items():
            methods: dict[str, Operation] = {}
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
                methods[method.upper()] = Operation(template, method.upper(), key, required)
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

    def operation_schema(self, op: Operation) -> dict[str, Any] | None:
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


_cache: dict[Path, LoadedSpec] = {}
_cache_lock = threading.Lock()


def load(path: Path) -> LoadedSpec:
    resolved = path.resolve()
    with _cache_lock:
        loaded = _cache.get(resolved)
        if loaded is None:
            with resolved.open(encoding="utf-8") as handle:
                loaded = LoadedSpec(json.load(handle))
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


def body_errors(spec: LoadedSpec, schema: Mapping[str, Any], body: object) -> list[Violation]:
    """The violations of ``schema`` in ``body``: for a union, those of the branch the body came closest to."""
    found: list[Violation] = []
    for error in spec.validator(schema).iter_errors(body):
        for leaf in _leaves(error):
            found.append(Violation("spec", _describe(leaf), _pointer(leaf.absolute_path)))
    return found


def unknown_keys(spec: LoadedSpec, schema: Mapping[str, Any], body: object) -> list[str]:
    """JSON pointers to the keys of ``body`` that ``schema`` does not list (warnings, never violations)."""
    out: list[str] = []
    _unknown_keys(spec, [schema], body, "", out)
    return out


# ------------------------------------------------------------ unknown keys


def _expand(spec: LoadedSpec, schema: object, instance: object, depth: int = 0) -> list[dict[str, Any]]:
    if not isinstance(schema, dict) or depth > 40:
        return []
    out = [schema]
    ref = schema.get("$ref")
    if isinstance(ref, str):
        out += _expand(spec, spec.deref(ref), instance, depth + 1)
    for part in schema.get("allOf", []):
        out += _expand(spec, part, instance, depth + 1)
    branches = schema.get("anyOf")
    if isinstance(branches, list) and branches:
        possible = [b for b in branches if spec.may_fit(b, instance)]
        # One possible branch is the one to follow (an instance that does not fit it is a violation already).
        fitting = possible if len(possible) == 1 else [b for b in possible if spec.validator(b).is_valid(instance)]
        for branch in fitting or branches:
            out += _expand(spec, branch, instance, depth + 1)
    return out


def _unknown_keys(spec: LoadedSpec, schemas: list[Any], instance: object, ptr: str, out: list[str]) -> None:
    expanded: list[dict[str, Any]] = []
    for schema in schemas:
        expanded += _expand(spec, schema, instance)
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
                _unknown_keys(spec, props[key], value, where, out)
            elif extra:
                _unknown_keys(spec, extra, value, where, out)
            elif not open_:
                out.append(where)
    elif isinstance(instance, list):
        items = [s["items"] for s in expanded if isinstance(s.get("items"), dict)]
        if items:
            for index, value in enumerate(instance):
                _unknown_keys(spec, items, value, f"{ptr}/{index}", out)
