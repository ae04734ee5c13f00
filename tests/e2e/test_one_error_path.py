"""
One error path: a failed command, button, menu or form is answered the same way, through ``bot.tree.answer_error``.

A user's mistake shows its sentence; a bug is logged with its traceback and the user sees the one apology,
always ephemerally. Faults are planted by swapping a service method for one that raises, as ``test_fuzz`` does.
``tests/cogs/test_one_error_path.py`` checks that every view, form and dynamic item is wired to this path.
"""

import logging
from typing import Any

import pytest

from bot.errors import NotFound
from bot.tree import APOLOGY
from cogs._ui.pages import Pages
from standin.interactions import Reply
from tests.e2e.conftest import ACTIVIST, ORGANISER, World

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def crash(*_: object, **__: object) -> Any:
    """A service call with a bug in it."""
    raise RuntimeError("planted")


def assert_apologised(reply: Reply, caplog: pytest.LogCaptureFixture, what: str) -> None:
    """The user got exactly the one apology, ephemerally, and the log has the planted error's traceback."""
    assert reply.ephemeral
    assert reply.content == APOLOGY
    assert "planted" not in reply.text()
    [record] = [r for r in caplog.records if r.name == "bot.tree" and r.levelno == logging.ERROR]
    assert record.getMessage() == f"{what} failed"
    assert record.exc_info is not None and str(record.exc_info[1]) == "planted"


async def test_a_command_with_a_bug_answers_the_apology(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A crashing command is answered with the one apology, ephemerally, and logged with its traceback."""
    monkeypatch.setattr(world.services.elections, "resolve", crash)
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        reply = await world.discord.invoke("/ballot", user=ACTIVIST)
    assert_apologised(reply, caplog, "Command /ballot")


async def test_a_deferred_command_with_a_bug_answers_the_apology_as_a_followup(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """After a deferral the apology still arrives, as an ephemeral follow-up."""
    monkeypatch.setattr(world.services.transfer, "export", crash)
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        reply = await world.discord.invoke("/organise export", user=ORGANISER, wait_for_followup=True)
    assert_apologised(reply, caplog, "Command /organise export")


async def test_a_page_button_with_a_bug_answers_the_apology(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A crash behind Next is answered with the same apology, ephemerally."""
    reply = await world.discord.invoke("/slate", user=ACTIVIST)
    assert "pages:next" in reply.custom_ids()
    monkeypatch.setattr(Pages, "show", crash)
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        clicked = await world.discord.click(reply, "pages:next", user=ACTIVIST)
    assert_apologised(clicked, caplog, "Component pages:next")


async def test_the_erase_button_with_a_bug_answers_the_apology(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The privacy button's crash is answered with the same apology, ephemerally."""
    await world.discord.invoke("/reminders subscribe", user=ACTIVIST)
    reply = await world.discord.invoke("/privacy", user=ACTIVIST)
    monkeypatch.setattr(world.services.privacy, "erase", crash)
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        clicked = await world.discord.click(reply, "privacy:erase", user=ACTIVIST)
    assert_apologised(clicked, caplog, "Component privacy:erase")


async def test_a_button_refused_by_a_service_shows_its_sentence(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A user error raised behind a button shows its own sentence, ephemerally, and logs nothing."""

    async def refuse(*_: object, **__: object) -> Any:
        raise NotFound("There is nothing of yours to erase.")

    await world.discord.invoke("/reminders subscribe", user=ACTIVIST)
    reply = await world.discord.invoke("/privacy", user=ACTIVIST)
    monkeypatch.setattr(world.services.privacy, "erase", refuse)
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        clicked = await world.discord.click(reply, "privacy:erase", user=ACTIVIST)
    assert clicked.ephemeral and clicked.content == "There is nothing of yours to erase."
    assert not [r for r in caplog.records if r.name == "bot.tree"]


async def test_a_form_with_a_bug_answers_the_apology(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Submitting the statement form when saving crashes is answered with the same apology, ephemerally."""
    opened = await world.discord.invoke(
        ["organise", "candidate", "statement"], options={"candidate": "Tom Barker"}, user=ORGANISER
    )
    assert opened.modal is not None
    monkeypatch.setattr(world.services.candidates, "set_statement", crash)
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        saved = await world.discord.submit_modal(
            opened.modal["custom_id"], {"statement:text": "Words."}, user=ORGANISER
        )
    assert_apologised(saved, caplog, f"Form {opened.modal['custom_id']}")
