"""The registered command tree has exactly the commands and options COMMANDS.md names (checks from outside use them)."""

import re
from pathlib import Path
from typing import Any

import pytest

from bot.app import SlateBot
from bot.services.container import Services
from bot.settings import Settings
from cogs import EXTENSIONS
from storage.database import Database
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT.parent / "shared" / "COMMANDS.md"
NO_SHARE = {"privacy", "reminders", "voted", "replacement"}
#: Commands COMMANDS.md promises that open issues have still to build, each with its issue. A command built
#: while still listed here fails the test below, so the list can only shrink as the work lands.
NOT_YET_BUILT: dict[str, int] = {}

pytestmark = pytest.mark.skipif(not CONTRACT.exists(), reason="COMMANDS.md is not beside the project")


def _options(cell: str) -> dict[str, bool]:
    """Option name -> required, from a table cell such as "`region` (autocomplete), `[election]`"."""
    extra = re.findall(r"`(\w+)` option", cell)
    head = cell.split(":", 1)[0]
    head = re.sub(r"\([^)]*\)", "", head).split("e.g.", 1)[0]
    found: dict[str, bool] = {}
    for token in re.findall(r"`([^`]+)`", head):
        optional = token.startswith("[") and token.endswith("]")
        name = token.strip("[]")
        if re.fullmatch(r"[a-z_]+", name):
            found[name] = not optional
    for name in extra:
        found.setdefault(name, False)
    return found


def contract() -> dict[str, dict[str, bool]]:
    """Every command path in COMMANDS.md with its options."""
    text = CONTRACT.read_text(encoding="utf-8")
    commands: dict[str, dict[str, bool]] = {}
    for line in text.splitlines():
        match = re.match(r"\|\s*`/([a-z][a-z -]*)`\s*\|\s*([^|]*)\|", line)
        if not match:
            continue
        path, cell = match.group(1).strip(), match.group(2)
        if "(subcommands)" in cell:
            for sub in re.findall(r"`(\w+)`", cell):
                commands[f"{path} {sub}"] = {}
            continue
        options = _options(cell)
        if "any of the add options" in cell:
            options.update(dict.fromkeys(commands[path.replace(" edit", " add")], False))
        if not path.startswith("organise") and path not in NO_SHARE:
            options["share"] = False
        commands[path] = options
    return commands


async def registered(tmp_path: Path) -> dict[str, dict[str, bool]]:
    """Every leaf command the real bot registers, with its options."""
    db = await Database.open(tmp_path / "contract.db")
    try:
        bot = SlateBot(Settings(_env_file=None), Services.build(db, FakeClock()))  # type: ignore[call-arg]
        for extension in EXTENSIONS:
            await bot.load_extension(extension)
        out: dict[str, dict[str, bool]] = {}

        def walk(node: dict[str, Any], path: str) -> None:
            subs = [o for o in node.get("options", []) if o["type"] in (1, 2)]
            if not subs:
                out[path] = {o["name"]: bool(o.get("required")) for o in node.get("options", [])}
            for sub in subs:
                walk(sub, f"{path} {sub['name']}")

        for command in bot.tree.get_commands():
            walk(command.to_dict(bot.tree), command.name)
        cog = bot.get_cog("Reminders")
        if cog is not None:
            await cog.cog_unload()
        return out
    finally:
        await db.close()


def test_the_contract_parser_reads_the_tables() -> None:
    """The parser finds the commands and options it must (so the comparison below can fail)."""
    found = contract()
    assert found["howtovote"] == {
        "region": True,
        "service_group": False,
        "groups": False,
        "election": False,
        "share": False,
    }
    assert found["organise import"] == {"file": True, "dry_run": False}
    assert found["organise export"] == {"election": False, "format": False}
    assert "reminders subscribe" in found and "organise settings post-days" in found


async def test_registered_commands_match_the_contract_exactly(tmp_path: Path) -> None:
    """Same command paths, same option names, same required flags as COMMANDS.md (less what is still to build)."""
    promised = contract()
    actual = await registered(tmp_path)
    assert set(NOT_YET_BUILT) <= set(promised), "a command listed as still to build is no longer in COMMANDS.md"
    assert not set(NOT_YET_BUILT) & set(actual), "a command listed as still to build is built: take it off the list"
    expected = {path: options for path, options in promised.items() if path not in NOT_YET_BUILT}
    assert sorted(actual) == sorted(expected)
    for path, options in expected.items():
        assert actual[path] == options, path
