"""
Shared pieces of the hardening tests (tests/e2e/test_fuzz.py, tests/test_faults.py).

Nasty inputs drawn from a seeded ``random.Random`` (reproducible: the seed is printed and can be set with
``SLATEBOT_FUZZ_SEED``), the checks every answer must pass, and the JSON report the suite appends its counts to
when ``SLATEBOT_HARDENING_REPORT`` names a file.
"""

import contextlib
import fcntl
import json
import os
import random
import re
from pathlib import Path
from typing import Any

from bot.tree import APOLOGY

#: The fixed seed, unless the environment asks for another one (print it with every failure).
DEFAULT_SEED = 20250501
REPORT_ENV = "SLATEBOT_HARDENING_REPORT"


def fuzz_seed() -> int:
    """The seed of this run: ``SLATEBOT_FUZZ_SEED`` if set, else a fixed one (so runs repeat)."""
    return int(os.environ.get("SLATEBOT_FUZZ_SEED", DEFAULT_SEED))


# --------------------------------------------------------------------------------------------- nasty text

ZWSP, BOM, RLO, RLM, ZWJ = "\u200b", "\ufeff", "\u202e", "\u200f", "\u200d"

MENTIONS = ["@everyone", "@here", "<@123>", "<@!2001>", "<@&1001>", "<@&1000>", "<#1100>", "</ballot:1>", "@ everyone"]
MARKDOWN = [
    "**bold**",
    "__under__",
    "~~strike~~",
    "||spoiler||",
    "`code`",
    "```py\nprint(1)\n```",
    "> quote",
    "# Heading",
    "-# small",
    "[x](http://e)",
    "[click](https://evil.example/<@&1001>)",
    "*",
    "\\",
    "\\*",
]
INVISIBLE = [ZWSP, BOM, RLO, RLM, ZWJ, "\u2060", "\u00a0", "\u3000", "\t", "\r\n", "\n\n", "\x1b[31m"]
EMOJI = ["✊", "🗳️", "👩‍👩‍👧‍👦", "🏳️‍🌈", "🇬🇧", "🏴󠁧󠁢󠁷󠁬󠁳󠁿", "👍🏽", "\U0001f600" * 3]
QUOTES = ["“curly”", "‘single’", '"straight"', "'", "«»", "„low“"]
SQLISH = ["'; DROP TABLE candidates; --", "Robert'); DROP TABLE seats;--", "1 OR 1=1", "%", "_", "NULL", "\\0"]
MISC = [
    "&",
    "&amp;",
    "<script>alert(1)</script>",
    "${jndi:ldap://x}",
    "{0}",
    "%s%s%n",
    "Zoë Hartley",
    "ǅ",
    "İ",
    "ß",
    "Ⅻ",
    "\u0301",
    "a\u0301",
    "ﷺ",
    "مرحبا",
    "שלום",
    "日本語",
    "None",
    "true",
    "-1",
    "0",
    "NaN",
    "../../etc/passwd",
]
ATOMS = MENTIONS + MARKDOWN + INVISIBLE + EMOJI + QUOTES + SQLISH + MISC
LONG = ["x" * 6000, ("@everyone " * 600)[:6000], "😀" * 3000, "**" * 3000, ("\u200b" * 6000)]
BLANK = ["", " ", "   ", ZWSP, "\n", "\t \n"]

DATES = [
    "31 June",
    "31 June 2025",
    "2025-02-30",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "17/04",
    "17/04/2025",
    "04/17/2025",
    "tomorrow",
    "today",
    "",
    "   ",
    "x" * 6000,
    "1" * 6000,
    "29 February",
    "29/02/2025",
    "29 February 2024",
    "Thursday 17 April 2025",
    "Friday 17 April 2025",
    "17th of April",
    "17 Smarch",
    "99 April",
    "-1 April 2025",
    "2025-04-17T09:00:00Z",
    "１７ April ２０２５",
    "17\u200b April 2025",
    "<t:1745222400:F>",
    "@everyone",
]
TIMES = ["25:00", "24:00", "23:60", "12:00", "5pm", "13pm", "0am", "noon", "-1:00", "9:5", "99999999999:00", "", " "]
OFFSETS = [
    "7d,1x",
    "-1d",
    "999w",
    "52w",
    "53w",
    "",
    " , , ",
    "0",
    "1d" * 3000,
    ",".join(["1m"] * 2000),
    "9" * 50 + "d",
    "1D, 2H, 3M",
    "7d 1d 0",
    "1.5d",
    "+3h",
    "1w,7d,0,0h",
]
TIMEZONES = [
    "Mars/Olympus",
    "../../etc/passwd",
    "/etc/localtime",
    "UTC",
    "utc",
    "Europe/London ",
    "europe/london",
    "Etc/GMT+14",
    "Factory",
    "",
    "x" * 6000,
    "Europe/Lon\u200bdon",
    "America/Argentina/Buenos_Aires",
    "posixrules",
]
POINTS = ["0", "-1", "1", "2", "99", str(2**63), "1e3", "1.5", "#1", "first", "", " 2 "]
INTEGERS = [-1, 0, 1, 2, 3, 21, 50, 51, 200, 201, 2**31, 2**53, 2**63, -(2**63), 10**12, -(10**12)]


def nasty_string(rng: random.Random) -> str:
    """One nasty string: a few atoms glued with text, sometimes a long or blank one."""
    roll = rng.random()
    if roll < 0.06:
        return rng.choice(LONG)
    if roll < 0.12:
        return rng.choice(BLANK)
    parts = [rng.choice(ATOMS) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.5:
        parts.insert(rng.randint(0, len(parts)), rng.choice(["Tom", "NEC 2025", "Health", "Seat", "Name"]))
    return rng.choice(["", " ", ZWSP, "\n"]).join(parts)


def perturb(rng: random.Random, name: str) -> str:
    """A real name as a user might mangle it (case, accents, invisible characters, halves)."""
    choices = [
        name,
        name.upper(),
        name.lower(),
        f"  {name}  ",
        name + ZWSP,
        RLO + name,
        name.replace("a", "á"),
        name[: max(1, len(name) // 2)],
        name + " " + rng.choice(ATOMS),
        name.replace(" ", "\u00a0"),
    ]
    return rng.choice(choices)


# --------------------------------------------------------------------------------------------- checks

#: A Python traceback or exception class name showing through to a user.
LEAK = re.compile(
    r"Traceback|File \"/|\b(?:[A-Z][A-Za-z]*(?:Error|Exception)|KeyError|StopIteration|CancelledError"
    r"|DocumentError|InvalidInput|NotFound|UserError|Conflict|aiosqlite|sqlite3)\b"
)


def leaks(text: str) -> list[str]:
    """What in ``text`` looks like internals (a traceback, an exception class name)."""
    return sorted({m.group(0) for m in LEAK.finditer(text)})


def is_apology(text: str) -> bool:
    """Whether ``text`` carries the tree's apology (an unhandled error behind it)."""
    return APOLOGY[:40] in text


def mention_problem(body: object) -> str | None:
    """
    Why a message body the bot sent could ping people, or ``None``.

    Only ``content`` pings, so a body with content must carry ``allowed_mentions`` that parse nothing and name no
    users (roles alone are allowed: the reminder role).
    """
    if not isinstance(body, dict):
        return None
    data = body.get("data") if isinstance(body.get("data"), dict) and "type" in body else body
    if not isinstance(data, dict):
        return None
    content = data.get("content")
    if not isinstance(content, str) or not content:
        return None
    allowed = data.get("allowed_mentions")
    if not isinstance(allowed, dict):
        return f"content {content[:60]!r} sent with no allowed_mentions (Discord would parse every mention)"
    parse = allowed.get("parse")
    if parse is None or set(parse) & {"everyone", "users"}:
        return f"allowed_mentions {allowed!r} lets pings through"
    if allowed.get("users"):
        return f"allowed_mentions {allowed!r} names users"
    return None


# --------------------------------------------------------------------------------------------- report


def append_report(section: str, counts: dict[str, Any]) -> None:
    """Add ``{section: counts}`` to the JSON file ``SLATEBOT_HARDENING_REPORT`` names (if it is set)."""
    target = os.environ.get(REPORT_ENV)
    if not target:
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        existing: Any = None
        with contextlib.suppress(json.JSONDecodeError):
            existing = json.loads(handle.read() or "null")
        if isinstance(existing, list):
            existing.append({section: counts})
        elif isinstance(existing, dict):
            existing[section] = counts
        else:
            existing = {section: counts}
        handle.seek(0)
        handle.truncate()
        json.dump(existing, handle, indent=2, sort_keys=True, default=str)
        handle.write("\n")
