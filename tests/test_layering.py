"""The import rules of the architecture: cogs -> bot.services -> storage -> bot.domain, never backwards."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (including imports inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def offenders(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in files:
        for module in imported_modules(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
    return bad


@pytest.mark.parametrize(
    ("folders", "forbidden"),
    [
        (("bot/domain",), ("discord", "storage", "bot.services", "cogs", "aiosqlite", "apscheduler")),
        (("storage",), ("discord", "bot.services", "cogs", "apscheduler")),
        (("bot/services",), ("discord", "cogs", "apscheduler")),
        (("cogs",), ("storage", "aiosqlite", "apscheduler")),
    ],
)
def test_layers_import_only_downwards(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> None:
    """Domain and storage never import discord; services never see Discord; cogs never reach storage."""
    files = python_files(*folders)
    assert files, f"no files found under {folders}"
    assert offenders(files, forbidden) == []


def test_errors_module_is_free_of_discord() -> None:
    """bot.errors is raised by every layer, so it must not pull in discord."""
    assert offenders([ROOT / "bot" / "errors.py"], ("discord",)) == []


def test_only_the_scheduling_package_imports_apscheduler() -> None:
    """APScheduler sits behind one facade (bot/scheduling)."""
    files = [p for p in python_files("bot", "cogs", "storage") if "scheduling" not in p.parts]
    assert offenders(files, ("apscheduler",)) == []


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The walker finds imports nested inside functions, so the rules above can fail."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from discord import ui\n    return ui\n", encoding="utf-8")
    assert imported_modules(sample) == {"discord"}
