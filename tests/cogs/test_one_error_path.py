"""
One error path, wired everywhere: every view, form and dynamic item in ``cogs`` answers through ``answer_error``.

What users then see (the one apology, ephemerally; a user error's sentence) is in ``tests/e2e/test_one_error_path.py``.
"""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import discord

import cogs
from cogs._ui.errors import AnsweringModal, AnsweringView
from cogs._ui.pages import Pages

ROOT = Path(__file__).resolve().parents[2]


def cog_classes() -> list[type]:
    """Every class defined in the ``cogs`` package."""
    found: list[type] = []
    for info in pkgutil.walk_packages(cogs.__path__, "cogs."):
        module = importlib.import_module(info.name)
        found.extend(c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__)
    return found


def test_every_view_and_form_answers_through_the_one_path() -> None:
    """Each view and modal in cogs derives from the answering bases and keeps their ``on_error``."""
    views = [c for c in cog_classes() if issubclass(c, discord.ui.View)]
    modals = [c for c in cog_classes() if issubclass(c, discord.ui.Modal)]
    assert Pages in views and len(views) >= 3 and modals, (views, modals)
    for cls in views:
        assert issubclass(cls, AnsweringView) and cls.on_error is AnsweringView.on_error, cls
    for form in modals:
        assert issubclass(form, AnsweringModal) and form.on_error is AnsweringModal.on_error, form


def test_every_dynamic_item_answers_through_the_one_path() -> None:
    """A dynamic item's errors reach no view, so its callback must be wrapped by ``answers_errors``."""
    items = [c for c in cog_classes() if issubclass(c, discord.ui.DynamicItem)]
    assert items
    for cls in items:
        # functools.wraps copies the name, so look at the code object that actually runs.
        assert cls.callback.__code__.co_qualname.startswith("answers_errors."), cls


def test_the_apology_is_written_once() -> None:
    """No other module in the product words an apology of its own or logs a failure beside the one path."""
    sources = [p for folder in ("bot", "cogs") for p in sorted((ROOT / folder).rglob("*.py"))]
    words = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sources
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "something went wrong" in node.value
    ]
    assert [w.split(":")[0] for w in words] == ["bot/tree.py"], words
    callers = [p for p in sources if "user_message(" in p.read_text(encoding="utf-8")]
    assert [p.relative_to(ROOT).as_posix() for p in callers] == ["bot/tree.py"]
