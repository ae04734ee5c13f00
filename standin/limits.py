"""
Discord's documented size and shape limits, which the OpenAPI description does not all carry.

``check_limits(kind, body)`` returns one :class:`Violation` (kind ``limit``) per broken limit.
Kinds: ``message`` (create/edit a message, a follow-up, an interaction response's data),
``callback`` (a whole interaction callback body), ``embeds``, ``components``, ``autocomplete``,
``modal``, ``command`` (one application command) and ``commands`` (a bulk overwrite list).
"""

import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from standin.models import Violation

__all__ = ["LIMIT_KINDS", "check_limits", "is_valid_command_name"]

MESSAGE_CONTENT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
ROW_WIDTH = 5
V2_COMPONENTS = 40
SELECT_OPTIONS = 25
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_PLACEHOLDER = 150
SELECT_OPTION_TEXT = 100
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
#: Names, descriptions and choice values of a command and all its options together (raised from 4,000 in
#: February 2024: discord/discord-api-docs pull request 6668).
COMMAND_TOTAL = 8000
SLASH_COMMANDS = 100
CONTEXT_COMMANDS = 15
MODAL_TITLE = 45
MODAL_COMPONENTS = 5
TEXT_INPUT_LABEL = 45
TEXT_INPUT_PLACEHOLDER = 100
TEXT_INPUT_VALUE = 4000
LABEL_DESCRIPTION = 100
ALLOWED_MENTION_IDS = 100
ATTACHMENTS = 10

IS_COMPONENTS_V2 = 1 << 15
_SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
_SUBCOMMAND, _GROUP = 1, 2


class _Out:
    """Collects violations with JSON-pointer locations."""

    def __init__(self) -> None:
        self.items: list[Violation] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(Violation("limit", message, where))

    def length(self, where: str, value: object, maximum: int, what: str, minimum: int = 0) -> None:
        if not isinstance(value, str):
            return
        if len(value) > maximum:
            self.add(where, f"{what} is {len(value)} characters; Discord allows at most {maximum}")
        elif len(value) < minimum:
            self.add(where, f"{what} is {len(value)} characters; Discord needs at least {minimum}")

    def count(self, where: str, value: object, maximum: int, what: str) -> None:
        if isinstance(value, list) and len(value) > maximum:
            self.add(where, f"{len(value)} {what}; Discord allows at most {maximum}")


def _as_int(value: object, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return default


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _dicts(value: object) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


# ---------------------------------------------------------------- messages


def _message(body: object, ptr: str, out: _Out) -> None:
    if not isinstance(body, dict):
        return
    out.length(f"{ptr}/content", body.get("content"), MESSAGE_CONTENT, "message content")
    if "embeds" in body:
        _embeds(body.get("embeds"), f"{ptr}/embeds", out)
    if "components" in body:
        _components(body.get("components"), f"{ptr}/components", out, _as_int(body.get("flags")))
    out.count(f"{ptr}/attachments", body.get("attachments"), ATTACHMENTS, "attachments")
    mentions = body.get("allowed_mentions")
    if isinstance(mentions, dict):
        raw_parse = mentions.get("parse")
        parse: list[Any] = raw_parse if isinstance(raw_parse, list) else []
        for key in ("users", "roles"):
            ids = mentions.get(key)
            out.count(f"{ptr}/allowed_mentions/{key}", ids, ALLOWED_MENTION_IDS, f"allowed {key}")
            if ids and key in parse:
                out.add(
                    f"{ptr}/allowed_mentions",
                    f"parse:[{key!r}] and {key}:[...] are mutually exclusive in allowed_mentions",
                )


def _embeds(embeds: object, ptr: str, out: _Out) -> None:
    if not isinstance(embeds, list):
        return
    out.count(ptr, embeds, EMBEDS_PER_MESSAGE, "embeds")
    total = 0
    for i, embed in _dicts(embeds):
        here = f"{ptr}/{i}"
        title, description = _text(embed.get("title")), _text(embed.get("description"))
        out.length(f"{here}/title", embed.get("title"), EMBED_TITLE, "embed title")
        out.length(f"{here}/description", embed.get("description"), EMBED_DESCRIPTION, "embed description")
        total += len(title) + len(description)
        fields = embed.get("fields")
        out.count(f"{here}/fields", fields, EMBED_FIELDS, "embed fields")
        for j, fld in _dicts(fields):
            out.length(f"{here}/fields/{j}/name", fld.get("name"), EMBED_FIELD_NAME, "embed field name", 1)
            out.length(f"{here}/fields/{j}/value", fld.get("value"), EMBED_FIELD_VALUE, "embed field value", 1)
            total += len(_text(fld.get("name"))) + len(_text(fld.get("value")))
        footer = embed.get("footer")
        if isinstance(footer, dict):
            out.length(f"{here}/footer/text", footer.get("text"), EMBED_FOOTER, "embed footer text")
            total += len(_text(footer.get("text")))
        author = embed.get("author")
        if isinstance(author, dict):
            out.length(f"{here}/author/name", author.get("name"), EMBED_AUTHOR, "embed author name")
            total += len(_text(author.get("name")))
    if total > EMBED_TOTAL:
        out.add(ptr, f"embeds hold {total} characters in all; Discord allows at most {EMBED_TOTAL}")


def _components(components: object, ptr: str, out: _Out, flags: int = 0) -> None:
    if not isinstance(components, list):
        return
    seen: dict[str, str] = {}
    if flags & IS_COMPONENTS_V2:
        total = _count_components(components)
        if total > V2_COMPONENTS:
            out.add(ptr, f"{total} components in all; Discord allows at most {V2_COMPONENTS}")
    else:
        out.count(ptr, components, ACTION_ROWS, "action rows")
        for i, comp in _dicts(components):
            if comp.get("type") != 1:
                out.add(f"{ptr}/{i}", "top-level message components must be action rows (without IS_COMPONENTS_V2)")
    for i, comp in _dicts(components):
        _component(comp, f"{ptr}/{i}", out, seen)


def _count_components(components: object) -> int:
    total = 0
    for _, comp in _dicts(components):
        total += 1
        total += _count_components(comp.get("components"))
        if isinstance(comp.get("accessory"), dict):
            total += 1
        if isinstance(comp.get("component"), dict):
            total += 1
    return total


def _custom_id(comp: Mapping[str, Any], ptr: str, out: _Out, seen: dict[str, str]) -> None:
    custom_id = comp.get("custom_id")
    if not isinstance(custom_id, str):
        return
    out.length(f"{ptr}/custom_id", custom_id, CUSTOM_ID, "custom_id", 1)
    if custom_id in seen:
        out.add(f"{ptr}/custom_id", f"custom_id {custom_id!r} is used twice (also at {seen[custom_id]})")
    else:
        seen[custom_id] = ptr


def _component(comp: dict[str, Any], ptr: str, out: _Out, seen: dict[str, str]) -> None:
    ctype = comp.get("type")
    if ctype == 1:
        children = comp.get("components")
        if not isinstance(children, list) or not children:
            out.add(f"{ptr}/components", "an action row needs at least one component")
            return
        selects = [c for _, c in _dicts(children) if c.get("type") in _SELECT_TYPES]
        if selects and len(children) > 1:
            out.add(f"{ptr}/components", "an action row holding a select menu can hold nothing else")
        out.count(f"{ptr}/components", children, ROW_WIDTH, "components in one action row")
        for j, child in _dicts(children):
            _component(child, f"{ptr}/components/{j}", out, seen)
    elif ctype == 2:
        out.length(f"{ptr}/label", comp.get("label"), BUTTON_LABEL, "button label")
        style = comp.get("style")
        if style == 5:
            if not comp.get("url"):
                out.add(ptr, "a link button needs a url")
            if "custom_id" in comp and comp.get("custom_id") is not None:
                out.add(f"{ptr}/custom_id", "a link button cannot have a custom_id")
        elif style != 6 and not comp.get("custom_id"):
            out.add(ptr, "a button needs a custom_id")
        _custom_id(comp, ptr, out, seen)
    elif ctype in _SELECT_TYPES:
        _select(comp, ptr, out, seen)
    elif ctype == 4:
        _text_input(comp, ptr, out, seen, in_label=False)
    else:
        for key in ("components",):
            for j, child in _dicts(comp.get(key)):
                _component(child, f"{ptr}/{key}/{j}", out, seen)
        for key in ("accessory", "component"):
            nested = comp.get(key)
            if isinstance(nested, dict):
                _component(nested, f"{ptr}/{key}", out, seen)


def _select(comp: dict[str, Any], ptr: str, out: _Out, seen: dict[str, str]) -> None:
    _custom_id(comp, ptr, out, seen)
    if not comp.get("custom_id"):
        out.add(ptr, "a select menu needs a custom_id")
    out.length(f"{ptr}/placeholder", comp.get("placeholder"), SELECT_PLACEHOLDER, "select placeholder")
    low, high = _as_int(comp.get("min_values"), 1), _as_int(comp.get("max_values"), 1)
    if not 0 <= low <= SELECT_OPTIONS:
        out.add(f"{ptr}/min_values", f"min_values must be 0..{SELECT_OPTIONS}")
    if not 1 <= high <= SELECT_OPTIONS:
        out.add(f"{ptr}/max_values", f"max_values must be 1..{SELECT_OPTIONS}")
    if low > high:
        out.add(ptr, "min_values is greater than max_values")
    if comp.get("type") == 3:
        options = comp.get("options")
        if not isinstance(options, list) or not options:
            out.add(f"{ptr}/options", "a string select needs 1 to 25 options")
            return
        out.count(f"{ptr}/options", options, SELECT_OPTIONS, "select options")
        if high > len(options):
            out.add(f"{ptr}/max_values", f"max_values {high} exceeds the {len(options)} options")
        values: set[str] = set()
        for k, option in _dicts(options):
            here = f"{ptr}/options/{k}"
            out.length(f"{here}/label", option.get("label"), SELECT_OPTION_TEXT, "select option label", 1)
            out.length(f"{here}/value", option.get("value"), SELECT_OPTION_TEXT, "select option value", 1)
            out.length(f"{here}/description", option.get("description"), SELECT_OPTION_TEXT, "option description")
            value = option.get("value")
            if isinstance(value, str):
                if value in values:
                    out.add(f"{here}/value", f"select option value {value!r} is used twice")
                values.add(value)


def _text_input(comp: dict[str, Any], ptr: str, out: _Out, seen: dict[str, str], *, in_label: bool) -> None:
    _custom_id(comp, ptr, out, seen)
    if not comp.get("custom_id"):
        out.add(ptr, "a text input needs a custom_id")
    if not in_label:
        label = comp.get("label")
        if label is None:
            out.add(f"{ptr}/label", "a text input outside a label component needs a label")
        out.length(f"{ptr}/label", label, TEXT_INPUT_LABEL, "text input label", 1)
    elif comp.get("label") is not None:
        out.add(f"{ptr}/label", "a text input inside a label component cannot have its own label")
    if comp.get("style") not in (1, 2):
        out.add(f"{ptr}/style", "text input style must be 1 (short) or 2 (paragraph)")
    out.length(f"{ptr}/placeholder", comp.get("placeholder"), TEXT_INPUT_PLACEHOLDER, "text input placeholder")
    out.length(f"{ptr}/value", comp.get("value"), TEXT_INPUT_VALUE, "text input value")
    low = comp.get("min_length")
    high = comp.get("max_length")
    if low is not None and not 0 <= _as_int(low, -1) <= TEXT_INPUT_VALUE:
        out.add(f"{ptr}/min_length", f"min_length must be 0..{TEXT_INPUT_VALUE}")
    if high is not None and not 1 <= _as_int(high, -1) <= TEXT_INPUT_VALUE:
        out.add(f"{ptr}/max_length", f"max_length must be 1..{TEXT_INPUT_VALUE}")
    if low is not None and high is not None and _as_int(low) > _as_int(high):
        out.add(ptr, "min_length is greater than max_length")
    value = comp.get("value")
    if isinstance(value, str) and high is not None and len(value) > _as_int(high):
        out.add(f"{ptr}/value", f"prefilled value is longer than max_length {_as_int(high)}")


# ---------------------------------------------------------------- interaction responses


def _autocomplete(data: object, ptr: str, out: _Out) -> None:
    if not isinstance(data, dict):
        return
    choices = data.get("choices")
    out.count(f"{ptr}/choices", choices, CHOICES, "autocomplete choices")
    for i, choice in _dicts(choices):
        out.length(f"{ptr}/choices/{i}/name", choice.get("name"), CHOICE_NAME, "choice name", 1)
        out.length(f"{ptr}/choices/{i}/value", choice.get("value"), CHOICE_VALUE, "choice value")


def _modal(data: object, ptr: str, out: _Out) -> None:
    if not isinstance(data, dict):
        return
    seen: dict[str, str] = {}
    title = data.get("title")
    if not isinstance(title, str):
        out.add(f"{ptr}/title", "a modal needs a title")
    out.length(f"{ptr}/title", title, MODAL_TITLE, "modal title", 1)
    out.length(f"{ptr}/custom_id", data.get("custom_id"), CUSTOM_ID, "modal custom_id", 1)
    components = data.get("components")
    if not isinstance(components, list) or not components:
        out.add(f"{ptr}/components", "a modal needs 1 to 5 components")
        return
    out.count(f"{ptr}/components", components, MODAL_COMPONENTS, "modal components")
    for i, comp in _dicts(components):
        here = f"{ptr}/components/{i}"
        ctype = comp.get("type")
        if ctype == 1:
            children = comp.get("components")
            if not isinstance(children, list) or len(children) != 1:
                out.add(f"{here}/components", "an action row in a modal holds exactly one text input")
            for j, child in _dicts(children):
                if child.get("type") == 4:
                    _text_input(child, f"{here}/components/{j}", out, seen, in_label=False)
                else:
                    out.add(f"{here}/components/{j}", "an action row in a modal may hold only a text input")
        elif ctype == 18:
            out.length(f"{here}/label", comp.get("label"), TEXT_INPUT_LABEL, "label", 1)
            out.length(f"{here}/description", comp.get("description"), LABEL_DESCRIPTION, "label description")
            inner = comp.get("component")
            if not isinstance(inner, dict):
                out.add(f"{here}/component", "a label component needs a component")
            elif inner.get("type") == 4:
                _text_input(inner, f"{here}/component", out, seen, in_label=True)
            elif inner.get("type") in _SELECT_TYPES:
                _select(inner, f"{here}/component", out, seen)
            else:
                _custom_id(inner, f"{here}/component", out, seen)
        elif ctype in (10, 19, 21, 22, 23):
            _custom_id(comp, here, out, seen)
        else:
            out.add(here, f"component type {ctype!r} is not allowed at the top of a modal")


def _callback(body: object, ptr: str, out: _Out) -> None:
    if not isinstance(body, dict):
        return
    kind = body.get("type")
    data = body.get("data")
    here = f"{ptr}/data"
    if kind in (4, 7):
        _message(data, here, out)
    elif kind == 8:
        _autocomplete(data, here, out)
    elif kind == 9:
        _modal(data, here, out)


# ---------------------------------------------------------------- application commands


def _in_script(code: int) -> bool:
    return (
        0x0900 <= code <= 0x097F or 0xA8E0 <= code <= 0xA8FF or 0x11B00 <= code <= 0x11B5F or 0x0E00 <= code <= 0x0E7F
    )


def is_valid_command_name(name: str) -> bool:
    r"""Whether ``name`` matches ``^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$``."""
    if not 1 <= len(name) <= COMMAND_NAME:
        return False
    for char in name:
        if char in "-_'":
            continue
        if unicodedata.category(char)[0] in "LN" or _in_script(ord(char)):
            continue
        return False
    return True


def _slash_name(name: object, where: str, what: str, out: _Out) -> int:
    if not isinstance(name, str):
        out.add(where, f"{what} needs a name")
        return 0
    if not is_valid_command_name(name):
        out.add(
            where, f"{what} name {name!r} does not match ^[-_'\\p{{L}}\\p{{N}}\\p{{sc=Deva}}\\p{{sc=Thai}}]{{1,32}}$"
        )
    elif name != name.lower():
        out.add(where, f"{what} name {name!r} must be lowercase")
    return len(name)


def _description(value: object, where: str, what: str, out: _Out) -> int:
    if not isinstance(value, str):
        out.add(where, f"{what} needs a description")
        return 0
    out.length(where, value, COMMAND_DESCRIPTION, f"{what} description", 1)
    return len(value)


def _options(options: object, ptr: str, out: _Out, depth: int) -> int:
    """Check a list of options; return its share of the command's character total."""
    if options is None:
        return 0
    if not isinstance(options, list):
        return 0
    out.count(ptr, options, COMMAND_OPTIONS, "options")
    total = 0
    names: set[str] = set()
    kinds = [opt.get("type") for _, opt in _dicts(options)]
    nested = [k in (_SUBCOMMAND, _GROUP) for k in kinds]
    if any(nested) and not all(nested):
        out.add(ptr, "subcommands and subcommand groups cannot be mixed with other options")
    seen_optional = False
    for i, opt in _dicts(options):
        here = f"{ptr}/{i}"
        kind = opt.get("type")
        name = opt.get("name")
        what = {_SUBCOMMAND: "subcommand", _GROUP: "subcommand group"}.get(_as_int(kind), "option")
        total += _slash_name(name, f"{here}/name", what, out)
        total += _description(opt.get("description"), f"{here}/description", what, out)
        if isinstance(name, str):
            if name in names:
                out.add(f"{here}/name", f"{what} name {name!r} is used twice")
            names.add(name)
        if kind == _GROUP:
            if depth > 0:
                out.add(here, "a subcommand group can only sit at the top of a command")
            for j, sub in _dicts(opt.get("options")):
                if sub.get("type") != _SUBCOMMAND:
                    out.add(f"{here}/options/{j}", "a subcommand group may only hold subcommands")
            total += _options(opt.get("options"), f"{here}/options", out, depth + 1)
            continue
        if kind == _SUBCOMMAND:
            if depth > 1:
                out.add(here, "subcommands cannot nest deeper than a group")
            for j, sub in _dicts(opt.get("options")):
                if sub.get("type") in (_SUBCOMMAND, _GROUP):
                    out.add(f"{here}/options/{j}", "a subcommand cannot hold subcommands")
            total += _options(opt.get("options"), f"{here}/options", out, depth + 1)
            continue
        required = bool(opt.get("required"))
        if required and seen_optional:
            out.add(here, f"required option {name!r} comes after an optional one")
        seen_optional = seen_optional or not required
        choices = opt.get("choices")
        out.count(f"{here}/choices", choices, CHOICES, "choices")
        if choices and opt.get("autocomplete"):
            out.add(here, "an option cannot have both choices and autocomplete")
        for k, choice in _dicts(choices):
            out.length(f"{here}/choices/{k}/name", choice.get("name"), CHOICE_NAME, "choice name", 1)
            out.length(f"{here}/choices/{k}/value", choice.get("value"), CHOICE_VALUE, "choice value")
            total += len(_text(choice.get("name"))) + len(str(choice.get("value", "")))
        for key, low in (("min_length", 0), ("max_length", 1)):
            if key in opt and opt[key] is not None and not low <= _as_int(opt[key], -1) <= 6000:
                out.add(f"{here}/{key}", f"{key} must be {low}..6000")
    return total


def _command(cmd: object, ptr: str, out: _Out) -> None:
    if not isinstance(cmd, dict):
        return
    kind = _as_int(cmd.get("type"), 1)
    name = cmd.get("name")
    if kind == 1:
        total = _slash_name(name, f"{ptr}/name", "command", out)
        total += _description(cmd.get("description"), f"{ptr}/description", "command", out)
        total += _options(cmd.get("options"), f"{ptr}/options", out, 0)
        if total > COMMAND_TOTAL:
            out.add(ptr, f"command /{name} holds {total} characters in all; Discord allows {COMMAND_TOTAL}")
    else:
        out.length(f"{ptr}/name", name, COMMAND_NAME, "context menu name", 1)
        if cmd.get("options"):
            out.add(f"{ptr}/options", "context menu commands cannot have options")


def _commands(body: object, ptr: str, out: _Out) -> None:
    if isinstance(body, dict):
        _command(body, ptr, out)
        return
    if not isinstance(body, list):
        return
    per_type: dict[int, list[str]] = {}
    for i, cmd in _dicts(body):
        _command(cmd, f"{ptr}/{i}", out)
        kind = _as_int(cmd.get("type"), 1)
        name = cmd.get("name")
        if isinstance(name, str):
            if name in per_type.get(kind, []):
                out.add(f"{ptr}/{i}/name", f"two commands of type {kind} are named {name!r}")
            per_type.setdefault(kind, []).append(name)
    if len(per_type.get(1, [])) > SLASH_COMMANDS:
        out.add(ptr, f"{len(per_type[1])} slash commands; Discord allows {SLASH_COMMANDS}")
    for kind in (2, 3):
        if len(per_type.get(kind, [])) > CONTEXT_COMMANDS:
            out.add(
                ptr, f"{len(per_type[kind])} context menu commands of type {kind}; Discord allows {CONTEXT_COMMANDS}"
            )


_KINDS: dict[str, Callable[[Any, str, _Out], None]] = {
    "message": _message,
    "callback": _callback,
    "embeds": _embeds,
    "components": _components,
    "autocomplete": _autocomplete,
    "modal": _modal,
    "command": _command,
    "commands": _commands,
}
LIMIT_KINDS = frozenset(_KINDS)


def check_limits(kind: str, body: object) -> list[Violation]:
    """Check ``body`` against Discord's documented limits for ``kind`` (see the module docstring)."""
    try:
        check = _KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown limit kind {kind!r}; expected one of {sorted(_KINDS)}") from None
    out = _Out()
    check(body, "", out)
    return out.items
