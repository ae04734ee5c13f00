"""``slatebot invite``: the link that adds the bot with exactly the permissions it uses, each named."""

import base64
import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import discord
import pytest

from bot.invite import NEEDS, application_id, invite_url, permissions_value

#: A made-up token of the real shape: base64 of the bot's id, a timestamp part, an HMAC part.
BOT_ID = 1234567890123456789
FAKE_TOKEN = (
    base64.b64encode(str(BOT_ID).encode()).decode().rstrip("=") + ".GhJkLm.abcdefghijklmnopqrstuvwxyz0123456789AB"
)


def _invite(token: str | None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot invite`` as a process with the given DISCORD_TOKEN (none: unset)."""
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    if token is not None:
        env["DISCORD_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "bot", "invite"], capture_output=True, text=True, timeout=60, check=False, env=env
    )


def test_the_application_id_is_read_from_the_token() -> None:
    """The token's first part is the bot's id in base64."""
    assert application_id(FAKE_TOKEN) == BOT_ID


@pytest.mark.parametrize("token", ["", "not-a-token", "!!!.x.y", base64.b64encode(b"hello").decode() + ".a.b"])
def test_a_token_without_an_id_gives_none(token: str) -> None:
    """Anything that does not carry a numeric id is not guessed at."""
    assert application_id(token) is None


def test_the_permissions_are_exactly_the_named_ones_by_discordpys_own_names() -> None:
    """Each named permission is the bit discord.py gives that name, and the integer is their sum, nothing more."""
    built = discord.Permissions(**{need.attribute: True for need in NEEDS})
    assert built.value == permissions_value()
    for need in NEEDS:
        assert discord.Permissions(**{need.attribute: True}).value == need.bit, need.label
    assert not discord.Permissions(permissions_value()).administrator
    assert not discord.Permissions(permissions_value()).mention_everyone


def test_the_link_has_the_client_id_both_scopes_and_the_permissions() -> None:
    """The OAuth2 link asks for the bot and its commands with exactly the permissions integer."""
    query = parse_qs(urlsplit(invite_url(BOT_ID)).query)
    assert query == {
        "client_id": [str(BOT_ID)],
        "scope": ["bot applications.commands"],
        "permissions": [str(permissions_value())],
    }


def test_invite_prints_the_link_and_names_each_permission_as_a_process() -> None:
    """`slatebot invite` prints the link and each permission with its reason, and never the token."""
    done = _invite(FAKE_TOKEN)
    assert done.returncode == 0, done.stderr
    assert invite_url(BOT_ID) in done.stdout
    for need in NEEDS:
        assert f"{need.label}: {need.why}" in done.stdout
    assert FAKE_TOKEN not in done.stdout + done.stderr


@pytest.mark.parametrize(("token", "says"), [(None, "DISCORD_TOKEN is not set"), ("garbage", "does not look like")])
def test_invite_without_a_usable_token_exits_2_saying_how(token: str | None, says: str) -> None:
    """No token, or one with no application id in it: exit 2, a sentence on how to fix it, no link."""
    done = _invite(token)
    assert done.returncode == 2
    assert says in done.stderr and "oauth2" not in done.stdout
