"""
The Discord permissions Slatebot uses, each with its reason, and the link that adds the bot to a server.

One list serves both ``slatebot invite`` (ask for exactly these) and the reminders preview's check of what the
bot lacks in the reminder channel, so the two cannot drift apart. Interaction answers (replies, shared answers,
files, charts) go through the interaction's own webhook and need no permission, so they are not here.
"""

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import urlencode

#: The OAuth2 scopes: the bot user, and its slash commands.
SCOPES = ("bot", "applications.commands")
AUTHORIZE_URL = "https://discord.com/oauth2/authorize"


@dataclass(frozen=True, slots=True)
class Need:
    """One permission the bot uses: Discord's bit, its name in the client, discord.py's attribute, and why."""

    bit: int
    label: str
    attribute: str
    why: str
    #: Whether it is needed in the reminder channel (the rest apply to the whole server).
    in_channel: bool = True


NEEDS = (
    Need(1 << 10, "View Channel", "view_channel", "see the reminder channel"),
    Need(1 << 11, "Send Messages", "send_messages", "post reminders and 'date changed' notices"),
    Need(1 << 14, "Embed Links", "embed_links", "reminders are embeds, with the candidate statements a click away"),
    Need(
        1 << 16,
        "Read Message History",
        "read_message_history",
        "after a crash, find a reminder already posted so that it is never posted twice",
    ),
    Need(1 << 33, "Manage Events", "manage_events", "keep a Discord event for each ballot window", in_channel=False),
)


def permissions_value() -> int:
    """The permissions integer of the invite: every needed bit, nothing more."""
    value = 0
    for need in NEEDS:
        value |= need.bit
    return value


def application_id(token: str) -> int | None:
    """
    The bot's id read from its token, or None when the token does not carry one.

    A bot token's first part is the bot user's id in base64; for every application made since 2017 the bot
    user's id is the application's (client) id, which the invite link needs.
    """
    head = token.split(".", 1)[0]
    try:
        text = base64.b64decode(head + "=" * (-len(head) % 4), altchars=b"-_", validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(text) if text.isdigit() and 15 <= len(text) <= 21 else None


def invite_url(client_id: int) -> str:
    """The link that adds the bot with its slash commands and exactly the permissions in :data:`NEEDS`."""
    query = urlencode({"client_id": client_id, "scope": " ".join(SCOPES), "permissions": permissions_value()})
    return f"{AUTHORIZE_URL}?{query}"


def invite_text(client_id: int) -> str:
    """What ``slatebot invite`` prints: the link, then each permission it asks for and why."""
    lines = [invite_url(client_id), "", f"Scopes: {', '.join(SCOPES)}. Permissions ({permissions_value()}):"]
    lines += [f"  {need.label}: {need.why}" for need in NEEDS]
    lines += [
        "",
        "The bot mentions only the role set with /organise reminders channel; make that role mentionable in the",
        "server's role settings, so that no Mention Everyone permission is needed. No privileged intent is used.",
    ]
    return "\n".join(lines)
