"""check_limits: Discord's documented limits for messages, components, commands and modals."""

from __future__ import annotations

import pytest

from standin import check_limits
from standin.limits import is_valid_command_name


def where(kind: str, body: object) -> list[str]:
    return [v.where for v in check_limits(kind, body)]


def test_message_and_embed_limits() -> None:
    """Content 2000; 10 embeds; title 256, description 4096, 25 fields, 6000 in all."""
    assert where("message", {"content": "x" * 2000}) == []
    assert where("message", {"content": "x" * 2001}) == ["/content"]
    assert where("message", {"embeds": [{"title": "t"}] * 11}) == ["/embeds"]
    embed = {
        "title": "t" * 257,
        "description": "d" * 4097,
        "footer": {"text": "f" * 2049},
        "author": {"name": "a" * 257},
    }
    assert where("embeds", [embed]) == ["/0/title", "/0/description", "/0/footer/text", "/0/author/name", ""]
    fields = [{"name": "n", "value": "v"}] * 26
    assert where("embeds", [{"fields": fields}]) == ["/0/fields"]
    assert where("embeds", [{"fields": [{"name": "n" * 257, "value": "v" * 1025}]}]) == [
        "/0/fields/0/name",
        "/0/fields/0/value",
    ]
    big = [{"description": "d" * 4000}, {"description": "d" * 2001}]
    assert where("embeds", big) == [""]


def test_component_limits() -> None:
    """5 rows of 5, select options 25, custom_id 100, button label 80, no duplicate ids."""
    button = {"type": 2, "style": 1, "custom_id": "b", "label": "ok"}
    rows = [{"type": 1, "components": [{**button, "custom_id": f"b{i}"}]} for i in range(6)]
    assert where("components", rows) == [""]
    wide = [{"type": 1, "components": [{**button, "custom_id": f"b{i}"} for i in range(6)]}]
    assert where("components", wide) == ["/0/components"]
    odd = [{"type": 1, "components": [{**button, "custom_id": "c" * 101, "label": "l" * 81}]}]
    assert where("components", odd) == ["/0/components/0/label", "/0/components/0/custom_id"]
    options = [{"label": f"o{i}", "value": str(i)} for i in range(26)]
    select = [{"type": 1, "components": [{"type": 3, "custom_id": "s", "options": options}]}]
    assert where("components", select) == ["/0/components/0/options"]
    twice = [{"type": 1, "components": [button, button]}]
    assert where("components", twice) == ["/0/components/1/custom_id"]
    assert where("components", [button]) == ["/0"]


def test_autocomplete_limits() -> None:
    """At most 25 choices with names of 1..100 characters."""
    assert where("autocomplete", {"choices": [{"name": "a", "value": "a"}] * 25}) == []
    assert where("autocomplete", {"choices": [{"name": "a", "value": "a"}] * 26}) == ["/choices"]
    assert where("autocomplete", {"choices": [{"name": "", "value": "a"}, {"name": "n" * 101, "value": "b"}]}) == [
        "/choices/0/name",
        "/choices/1/name",
    ]
    assert where("callback", {"type": 8, "data": {"choices": [{"name": "", "value": 1}]}}) == ["/data/choices/0/name"]


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        *[("slate", True), ("how-to_vote", True), ("candidat'e", True), ("rés", True), ("हिंदी", True), ("ไทย", True)],
        *[("Slate", False), ("with space", False), ("", False), ("x" * 33, False), ("a.b", False)],
    ],
)
def test_command_names(name: str, ok: bool) -> None:
    """Slash command names follow Discord's regex and are lowercase."""
    assert (where("command", {"name": name, "description": "d"}) == []) is ok
    if name.lower() == name:
        assert is_valid_command_name(name) is ok


def test_command_options() -> None:
    """Descriptions 1..100, 25 options, required before optional, 25 choices, clean nesting."""
    opt = {"type": 3, "name": "o", "description": "d"}
    assert where("command", {"name": "c", "description": ""}) == ["/description"]
    assert where("command", {"name": "c", "description": "d" * 101}) == ["/description"]
    many = [{**opt, "name": f"o{i}"} for i in range(26)]
    assert where("command", {"name": "c", "description": "d", "options": many}) == ["/options"]
    order = [{**opt, "name": "a"}, {**opt, "name": "b", "required": True}]
    assert where("command", {"name": "c", "description": "d", "options": order}) == ["/options/1"]
    choices = [{"name": str(i), "value": str(i)} for i in range(26)]
    assert where("command", {"name": "c", "description": "d", "options": [{**opt, "choices": choices}]}) == [
        "/options/0/choices"
    ]
    mixed = [{"type": 1, "name": "sub", "description": "d"}, opt]
    assert where("command", {"name": "c", "description": "d", "options": mixed}) == ["/options"]
    group = {"type": 2, "name": "g", "description": "d", "options": [{**opt, "name": "x"}]}
    assert where("command", {"name": "c", "description": "d", "options": [group]}) == ["/options/0/options/0"]
    menu = {"type": 3, "name": "Read Statement", "description": ""}
    assert where("commands", [menu, {"name": "c", "description": "d"}]) == []
    assert where("commands", [{"name": "c", "description": "d"}] * 2) == ["/1/name"]


def test_modal_limits() -> None:
    """Title 45, 5 components, label 45, placeholder 100, value and max_length 4000."""
    field = {"type": 4, "custom_id": "f", "style": 1, "label": "Statement"}
    row = {"type": 1, "components": [field]}
    assert where("modal", {"custom_id": "m", "title": "T", "components": [row]}) == []
    assert where("modal", {"custom_id": "m", "title": "T" * 46, "components": [row]}) == ["/title"]
    rows = [{"type": 1, "components": [{**field, "custom_id": f"f{i}"}]} for i in range(6)]
    assert where("modal", {"custom_id": "m", "title": "T", "components": rows}) == ["/components"]
    odd = {**field, "label": "l" * 46, "placeholder": "p" * 101, "value": "v" * 4001, "max_length": 4001}
    assert where("modal", {"custom_id": "m", "title": "T", "components": [{"type": 1, "components": [odd]}]}) == [
        "/components/0/components/0/label",
        "/components/0/components/0/placeholder",
        "/components/0/components/0/value",
        "/components/0/components/0/max_length",
    ]
    label = {"type": 18, "label": "Statement", "component": {**field, "label": None}}
    assert where("modal", {"custom_id": "m", "title": "T", "components": [label]}) == []


def test_unknown_kind_is_an_error() -> None:
    """Asking for a kind that does not exist is a programming error."""
    with pytest.raises(ValueError, match="unknown limit kind"):
        check_limits("poll", {})


def test_a_command_over_eight_thousand_characters_in_all_is_refused_and_one_under_is_not() -> None:
    """The combined size of a command is 8,000 characters (4,000 until February 2024)."""

    def command(groups: int) -> dict[str, object]:
        return {
            "name": "big",
            "description": "x" * 100,
            "options": [
                {
                    "type": 2,
                    "name": f"g{i:02d}",
                    "description": "d" * 100,
                    "options": [{"type": 1, "name": f"s{j:02d}", "description": "d" * 100} for j in range(4)],
                }
                for i in range(groups)
            ],
        }

    # Each group holds 3 + 100 + 4 * (3 + 100) = 515 characters; the command itself 103.
    assert check_limits("command", command(15)) == []  # 7,828 in all: within Discord's 8,000
    refused = check_limits("command", command(16))  # 8,343
    assert [v.where for v in refused] == [""]
    assert "Discord allows 8000" in refused[0].message
