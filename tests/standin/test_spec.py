"""SpecChecker: Discord's OpenAPI request schemas with the spec's own conventions."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
import pytest

from standin import SpecChecker, StandIn
from standin import spec as spec_module

CHECKER = SpecChecker()
pytestmark = pytest.mark.skipif(not CHECKER.available, reason="Discord's openapi.json is not available")


def test_concrete_paths_match_templates() -> None:
    """Literal segments (@me, @original, bulk-delete) win over parameters; the API prefix is ignored."""
    assert CHECKER.template("GET", "/api/v10/users/@me") == "/users/@me"
    assert CHECKER.template("GET", "/api/v10/users/123") == "/users/{user_id}"
    original = "/api/v10/webhooks/100/tok/messages/@original"
    assert CHECKER.template("PATCH", original) == "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
    assert (
        CHECKER.template("POST", "/channels/1/messages/bulk-delete?x=1")
        == "/channels/{channel_id}/messages/bulk-delete"
    )
    assert CHECKER.template("GET", "http://127.0.0.1:1/api/v10/gateway/bot") == "/gateway/bot"
    assert CHECKER.template("GET", "/api/v10/no/such/thing") is None


def test_malformed_bodies_are_violations() -> None:
    """Wrong types, missing required keys and too-long strings are reported with a JSON pointer."""
    found = CHECKER.check("POST", "/api/v10/channels/1/messages", {"embeds": "x"})
    assert [(v.kind, v.where) for v in found] == [("spec", "/embeds")]
    found = CHECKER.check("POST", "/api/v10/channels/1/messages", {"embeds": [{"fields": [{"name": "a"}]}]})
    assert [v.where for v in found] == ["/embeds/0/fields/0"] and "value" in found[0].message
    body = {"type": 4, "data": {"embeds": [{"title": "t" * 257}]}}
    found = CHECKER.check("POST", "/api/v10/interactions/1/tok/callback", body)
    assert [v.where for v in found] == ["/data/embeds/0/title"]
    assert CHECKER.check("POST", "/api/v10/channels/1/messages", None)[0].message == "the request body is required"


def test_spec_conventions_are_honoured() -> None:
    """oneOf reads as anyOf, integers take digit strings, snowflakes take ints."""
    assert CHECKER.check("POST", "/api/v10/webhooks/100/tok", {"content": "both union branches fit"}) == []
    command = {"name": "slate", "description": "d", "default_member_permissions": "32"}
    assert CHECKER.check("PUT", "/api/v10/applications/100/commands", [command]) == []
    mentions = {"content": "x", "allowed_mentions": {"parse": [], "users": [123, "456"]}}
    assert CHECKER.check("POST", "/api/v10/channels/1/messages", mentions) == []
    assert CHECKER.check("POST", "/api/v10/users/@me/channels", {"recipient_id": 2001}) == []
    bad = {**command, "default_member_permissions": "lots"}
    assert CHECKER.check("PUT", "/api/v10/applications/100/commands", [bad])


def test_unknown_keys_are_warnings_not_violations() -> None:
    """Keys discord.py sends that the spec omits (nsfw, tts, embed flags) only warn."""
    command = {"name": "slate", "description": "d", "nsfw": False}
    report = CHECKER.report("PUT", "/api/v10/applications/100/guilds/1/commands", [command])
    assert report.violations == []
    assert [(w.kind, w.where, w.severity) for w in report.warnings] == [("unknown_key", "/0/nsfw", "warning")]
    report = CHECKER.report("POST", "/api/v10/channels/1/messages", {"content": "x", "embeds": [{"flags": 0}]})
    assert report.violations == [] and [w.where for w in report.warnings] == ["/embeds/0/flags"]


def test_unknown_keys_are_found_inside_unions_of_components_and_choices() -> None:
    """Each union member is told apart by its type (and its type tag); a stray key deep inside is still found."""
    button = {"type": 2, "style": 1, "label": "Next", "custom_id": "pages:next", "bogus": 1}
    select = {
        "type": 3,
        "custom_id": "slate:candidate",
        "options": [{"label": "Tom Barker", "value": "1", "sparkle": True}],
    }
    body = {
        "content": "x",
        "components": [{"type": 1, "components": [button]}, {"type": 1, "components": [select]}],
    }
    report = CHECKER.report("POST", "/api/v10/channels/1/messages", body)
    assert report.violations == []
    assert sorted(w.where for w in report.warnings) == [
        "/components/0/components/0/bogus",
        "/components/1/components/0/options/0/sparkle",
    ]
    choices = {"type": 8, "data": {"choices": [{"name": "Tom", "value": "Tom", "extra": 1}]}}
    report = CHECKER.report("POST", "/api/v10/interactions/1/tok/callback", choices)
    assert report.violations == [] and [w.where for w in report.warnings] == ["/data/choices/0/extra"]
    wrong_tag = {"content": "x", "components": [{"type": 1, "components": [{**button, "type": 99}]}]}
    assert CHECKER.check("POST", "/api/v10/channels/1/messages", wrong_tag)


def test_a_repeated_body_gets_the_same_verdict_without_validating_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same body to the same route (whatever its ids, in any key order) reuses the verdict; others are checked."""
    checker = SpecChecker()
    bad = {"type": 4, "data": {"embeds": [{"title": "t" * 257}], "tts": False}}
    first = checker.report("POST", "/api/v10/interactions/1/tok/callback", bad)
    assert [v.where for v in first.violations] == ["/data/embeds/0/title"]

    def must_not_run(*_: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(checker, "_validate", must_not_run)
    again = checker.report("POST", "/api/v10/interactions/2/other/callback", dict(reversed(list(bad.items()))))
    assert (again.violations, again.warnings, again.template) == (first.violations, first.warnings, first.template)
    assert again.violations is not first.violations
    with pytest.raises(AssertionError, match="validated again"):
        checker.report("POST", "/api/v10/interactions/1/tok/callback", {"type": 4, "data": {"content": "new"}})
    with pytest.raises(AssertionError, match="validated again"):
        checker.report("PATCH", "/api/v10/webhooks/1/tok/messages/@original", bad["data"])


def test_missing_spec_warns_once_and_skips(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Without openapi.json one warning is logged and bodies are not checked."""
    monkeypatch.setattr(spec_module, "_warned_missing", False)
    caplog.set_level(logging.WARNING, logger="standin.spec")
    missing = SpecChecker("/nonexistent/openapi.json")
    assert missing.check("POST", "/api/v10/channels/1/messages", {"embeds": "x"}) == []
    assert SpecChecker("/nonexistent/openapi.json").check("POST", "/api/v10/channels/1/messages", {}) == []
    assert not missing.available
    assert len([r for r in caplog.records if "spec not found" in r.getMessage()]) == 1


def test_env_var_may_name_the_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """$DISCORD_API_SPEC may be the file or the folder holding it."""
    folder = Path(spec_module.__file__).resolve().parents[2] / "shared" / "discord-api-spec"
    monkeypatch.setenv("DISCORD_API_SPEC", str(folder))
    assert spec_module.default_spec_path() == folder / "openapi.json"
    assert SpecChecker().available


async def test_server_refuses_a_malformed_body(standin: StandIn) -> None:
    """A malformed body posted with aiohttp gets 400 / 50035 and is recorded as a violation."""
    headers = {"Authorization": f"Bot {standin.token}"}
    async with aiohttp.ClientSession() as http:
        url = f"{standin.api_base}/channels/1100/messages"
        async with http.post(url, json={"content": "hi", "embeds": "x"}, headers=headers) as resp:
            assert resp.status == 400
            assert resp.headers["Content-Type"] == "application/json"
            body = await resp.json()
    assert body["code"] == 50035 and "embeds" in body["errors"]
    assert [(v.kind, v.where) for v in standin.violations] == [("spec", "/embeds")]
    with pytest.raises(AssertionError, match="1 Discord contract violation"):
        standin.assert_clean()
    standin.clear_violations()
    standin.assert_clean()


async def test_multipart_payload_json_is_checked(standin: StandIn) -> None:
    """In a multipart upload the payload_json part is what gets validated; files are kept."""
    headers = {"Authorization": f"Bot {standin.token}"}
    form = aiohttp.FormData(quote_fields=False)
    form.add_field("payload_json", '{"content": 7, "attachments": [{"id": 0, "filename": "a.txt"}]}')
    form.add_field("files[0]", b"hello", filename="a.txt", content_type="text/plain")
    url = f"{standin.api_base}/channels/1100/messages"
    async with aiohttp.ClientSession() as http, http.post(url, data=form, headers=headers) as resp:
        assert resp.status == 400
    assert [v.where for v in standin.violations] == ["/content"]
    assert standin.requests[-1].files[0].data == b"hello"
    standin.clear_violations()
