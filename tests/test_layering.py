"""
The import rules of the architecture: cogs -> bot.services -> storage -> bot.domain, never backwards.

Beside the layers: no cog imports another (they share only ``cogs._ui``, ``_common``, ``_checks`` and
``_autocomplete``), the app and the cogs reach the data only through the services, and the local Discord
(``standin``) stays out of the product but for the console verb's lazy import.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    """The dotted name of a file of the project (``cogs/reminders/_cog.py`` -> ``cogs.reminders._cog``)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, module: str | None, is_package: bool) -> str | None:
    """The module a ``from ... import`` names, with a relative one resolved against the importing module."""
    if node.level == 0:
        return node.module
    if module is None:
        return None
    # A package's own name is its base; a plain module's base is the package holding it.
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base) or None


def _imports(path: Path, module: str | None = None) -> list[tuple[str, bool]]:
    """
    Every module a file imports as ``(name, inside_a_function)``.

    ``from a import b`` counts as importing ``a`` and ``a.b`` (``b`` may be a submodule: ``from cogs import slate``),
    and relative imports are resolved, so neither spelling hides an import from the rules below.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    if module is None and path.is_relative_to(ROOT):
        module = module_name(path)
    is_package = path.name == "__init__.py"
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend((alias.name, in_function) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (target := _absolute(node, module, is_package)):
            found.append((target, in_function))
            found.extend((f"{target}.{alias.name}", in_function) for alias in node.names if alias.name != "*")
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(tree, in_function=False)
    return found


def imported_modules(path: Path, module: str | None = None) -> set[str]:
    """Every module a file imports, at any depth (including imports inside functions)."""
    return {name for name, _ in _imports(path, module)}


def module_level_imports(path: Path, module: str | None = None) -> set[str]:
    """The modules a file imports when it is itself imported: everything but imports inside functions."""
    return {name for name, in_function in _imports(path, module) if not in_function}


def python_files(*folders: str) -> list[Path]:
    """Every ``.py`` file under the folders of the project."""
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def offenders(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    """``<file> imports <module>`` for each import of a forbidden module (or of a submodule of one)."""
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
    assert imported_modules(sample) == {"discord", "discord.ui"}
    assert module_level_imports(sample) == set()


# --- Cogs stand alone -------------------------------------------------------------------------------------

#: The private modules every cog may share. Anything else under ``cogs/`` is a cog (a module or a package) and
#: belongs to itself alone, so a cog can be loaded, unloaded or rewritten without touching another.
SHARED_COG_MODULES = frozenset({"_ui", "_common", "_checks", "_autocomplete"})


def cog_of(module: str) -> str | None:
    """
    The cog a module belongs to (``cogs.reminders._poster`` -> ``cogs.reminders``).

    ``None`` for a module outside ``cogs``, for the ``cogs`` package itself and for the shared modules.
    """
    parts = module.split(".")
    if parts[0] != "cogs" or len(parts) < 2 or parts[1] in SHARED_COG_MODULES:
        return None
    return f"cogs.{parts[1]}"


def cog_offenders(files: list[Path], module_of: dict[Path, str] | None = None) -> list[str]:
    """``<module> imports <cog>`` for each cog a file imports other than its own (shared modules own none)."""
    bad = set()
    for path in files:
        module = (module_of or {}).get(path) or module_name(path)
        own = cog_of(module)
        for imported in imported_modules(path, module):
            other = cog_of(imported)
            if other is not None and other != own:
                bad.add(f"{module} imports {other}")
    return sorted(bad)


def test_no_cog_imports_another_cog() -> None:
    """A cog imports only the shared helpers (_ui, _common, _checks, _autocomplete) and its own package."""
    files = python_files("cogs")
    assert files, "no files found under cogs"
    assert cog_offenders(files) == []


def _write(root: Path, files: dict[str, str]) -> dict[Path, str]:
    """Write ``{dotted module: source}`` under ``root``; return each file with its module name."""
    written = {}
    for module, source in files.items():
        path = root / (module.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        written[path] = module.removesuffix(".__init__")
    return written


@pytest.mark.parametrize(
    "source",
    [
        "from cogs.slate import SlatePages\n",
        "from cogs import slate\n",
        "import cogs.slate\n",
        "from ..slate import SlatePages\n",
        "def later():\n    from cogs.organise._cog import Organise\n",
    ],
)
def test_the_cog_checker_sees_one_cog_importing_another(tmp_path: Path, source: str) -> None:
    """Absolute, package, relative and nested imports of another cog are all caught."""
    module_of = _write(tmp_path, {"cogs.reminders._cog": source})
    assert len(cog_offenders(list(module_of), module_of)) == 1


def test_the_cog_checker_lets_a_package_cog_import_itself_and_the_shared_modules(tmp_path: Path) -> None:
    """Inside ``cogs/reminders/`` its own private modules (absolute or relative) and ``cogs._ui`` are fine."""
    module_of = _write(
        tmp_path,
        {
            "cogs.reminders.__init__": "from cogs.reminders._cog import Reminders\n",
            "cogs.reminders._cog": "from . import _poster\nfrom ._buttons import Button\nfrom cogs._ui import embeds\n",
            "cogs._ui.embeds": "from cogs._common import services\n",
        },
    )
    assert cog_offenders(list(module_of), module_of) == []


def test_a_shared_module_may_not_import_a_cog(tmp_path: Path) -> None:
    """The shared helpers belong to no cog, so they import none."""
    module_of = _write(tmp_path, {"cogs._ui.embeds": "from cogs.slate import SlatePages\n"})
    assert len(cog_offenders(list(module_of), module_of)) == 1


# --- The app goes through the services ----------------------------------------------------------------------

#: Outside the services, only the composition root opens and migrates the database; nothing reads it directly.
#: The composition root opens and migrates the database, backs a SQLite file up, and copies one database into another.
STORAGE_ALLOWED: dict[str, tuple[str, ...]] = {
    "bot/cli.py": ("storage.database", "storage.migrate", "storage.sqlite", "storage.copy")
}


def reaches_repositories(path: Path) -> list[str]:
    """``<file>:<line>`` for each attribute access ``.repos`` (the services' repositories) in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.name}:{node.lineno} reaches .repos"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "repos"
    ]


def _outside_services() -> list[Path]:
    """Every file of the bot above the services (the app, the tree, the CLI, scheduling) and every cog."""
    return [
        p
        for p in python_files("bot", "cogs")
        if not p.relative_to(ROOT).as_posix().startswith(("bot/services/", "bot/domain/"))
    ]


def test_the_app_and_the_cogs_never_reach_the_repositories() -> None:
    """bot/app.py, the tree, scheduling and the cogs ask a service; none touches ``services.repos``."""
    files = _outside_services()
    assert ROOT / "bot" / "app.py" in files
    assert [hit for path in files for hit in reaches_repositories(path)] == []


def storage_offenders(files: list[Path], allowed: dict[Path, tuple[str, ...]]) -> list[str]:
    """``<file> imports <module>`` for each import of storage that the file's entry in ``allowed`` does not list."""
    bad = []
    for path in files:
        permitted = allowed.get(path, ())
        for module in sorted(imported_modules(path)):
            if (module == "storage" or module.startswith("storage.")) and not (
                permitted and module.startswith(permitted)
            ):
                bad.append(f"{path.name} imports {module}")
    return bad


def test_above_the_services_only_the_cli_imports_storage_and_only_to_open_the_database() -> None:
    """No file of bot/ outside the services imports storage, but for bot/cli.py opening and migrating it."""
    allowed = {ROOT / name: modules for name, modules in STORAGE_ALLOWED.items()}
    assert storage_offenders(_outside_services(), allowed) == []


def test_the_storage_checker_sees_the_repositories_imported_where_only_the_database_may_be(tmp_path: Path) -> None:
    """The composition root may open the database, but importing the repositories there is caught."""
    cli = tmp_path / "cli.py"
    cli.write_text(
        "from storage.database import Database\nfrom storage.repositories import Repositories\n", encoding="utf-8"
    )
    app = tmp_path / "app.py"
    app.write_text("def sync():\n    from storage.database import Database\n", encoding="utf-8")
    assert storage_offenders([cli, app], {cli: STORAGE_ALLOWED["bot/cli.py"]}) == [
        "cli.py imports storage.repositories",
        "cli.py imports storage.repositories.Repositories",
        "app.py imports storage.database",
        "app.py imports storage.database.Database",
    ]


def test_the_repository_checker_sees_a_reach_into_repos(tmp_path: Path) -> None:
    """An attribute access ``.repos`` anywhere in a file (even nested in a method) is found."""
    sample = tmp_path / "app.py"
    sample.write_text(
        "class Bot:\n    async def sync(self):\n        return await self.services.repos.state.get('k')\n",
        encoding="utf-8",
    )
    assert reaches_repositories(sample) == ["app.py:3 reaches .repos"]


# --- The local Discord stays out of the product ---------------------------------------------------------------

#: The one place the product may import the stand-in: the console verb, lazily, so running the bot never loads it.
STANDIN_ALLOWED_LAZILY = {"bot/cli.py"}


def standin_offenders(files: list[Path], lazily_allowed: set[Path]) -> list[str]:
    """Imports of ``standin``: any at all, or (in an allowed file) any outside a function."""
    bad: list[str] = []
    for path in files:
        wanted = module_level_imports(path) if path in lazily_allowed else imported_modules(path)
        bad.extend(f"{path.name} imports {m}" for m in sorted(wanted) if m == "standin" or m.startswith("standin."))
    return bad


def test_nothing_in_the_product_imports_the_local_discord() -> None:
    """bot/, cogs/ and storage/ never import standin; bot/cli.py's console verb does, inside a function only."""
    files = python_files("bot", "cogs", "storage")
    allowed = {ROOT / name for name in STANDIN_ALLOWED_LAZILY}
    assert standin_offenders(files, allowed) == []
    # The console verb still reaches it: if this import moved, the exception above would be stale.
    assert "standin.console" in imported_modules(ROOT / "bot" / "cli.py")


def test_the_standin_checker_refuses_a_module_level_import_even_where_a_lazy_one_is_allowed(tmp_path: Path) -> None:
    """In the allowed file a top-level import fails and one inside a function passes; elsewhere both fail."""
    lazy = tmp_path / "lazy.py"
    lazy.write_text("def console():\n    from standin.console import run_console\n", encoding="utf-8")
    eager = tmp_path / "eager.py"
    eager.write_text("import standin.console\n\ndef console():\n    pass\n", encoding="utf-8")
    assert standin_offenders([lazy, eager], {lazy, eager}) == ["eager.py imports standin.console"]
    assert standin_offenders([lazy], set()) == [
        "lazy.py imports standin.console",
        "lazy.py imports standin.console.run_console",
    ]
