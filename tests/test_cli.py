"""The ``slatebot`` command line, run in-process: exit codes, messages, import/export and the database verbs."""

import gc
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import aiosqlite
import pytest
import yaml

from bot.cli import main
from bot.log import setup_logging
from storage.migrate import load_migrations
from tests.fakes import NEC_2025

SETTINGS_VARIABLES = (
    "DISCORD_TOKEN",
    "DATABASE_URL",
    "DISCORD_API_BASE",
    "DEV_GUILD_ID",
    "LOG_LEVEL",
    "DEFAULT_TIMEZONE",
)
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.distinctive-test-token-do-not-log"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """main() installs its own root handler; put pytest's logging back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in ("discord", "apscheduler")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean environment in an empty working directory (no .env), with DATABASE_URL at a file in it."""
    for variable in SETTINGS_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "data" / "slatebot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


def _dump(path: Path) -> list[str]:
    raw = sqlite3.connect(path)
    try:
        return list(raw.iterdump())
    finally:
        raw.close()


def _aiosqlite_connections() -> set[aiosqlite.Connection]:
    """Every aiosqlite connection object still in memory, open or not."""
    return {o for o in gc.get_objects() if isinstance(o, aiosqlite.Connection)}


def _import_sample(capsys: pytest.CaptureFixture[str], guild: str = "1") -> None:
    assert main(["import", str(NEC_2025), "--guild", guild]) == 0
    capsys.readouterr()


# ---------------------------------------------------------------------------------------------------- settings


@pytest.mark.parametrize("token", [None, "", "   "])
def test_run_without_a_token_says_how_to_get_one_and_exits_2(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], token: str | None
) -> None:
    """`slatebot run` with no DISCORD_TOKEN exits 2 explaining where to get one and pointing at the console."""
    if token is not None:
        monkeypatch.setenv("DISCORD_TOKEN", token)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN" in err
    assert "https://discord.com/developers/applications" in err
    assert "slatebot console" in err
    assert not database.exists()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEFAULT_TIMEZONE", "Mars/Olympus_Mons"),
        ("DATABASE_URL", "postgres://x"),
        ("DEV_GUILD_ID", "abc"),
        ("DEV_GUILD_ID", "-5"),
        ("LOG_LEVEL", "LOUD"),
        ("DISCORD_API_BASE", "ftp://127.0.0.1/api"),
    ],
)
@pytest.mark.parametrize("verb", [["run"], ["export", "--guild", "1"], ["db", "migrate"]])
def test_a_bad_setting_exits_2_with_one_line_naming_the_variable(
    database: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    verb: list[str],
) -> None:
    """A bad value exits 2 before any work, with one line on stderr that names the variable."""
    monkeypatch.setenv(variable, value)
    assert main(verb) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"slatebot: {variable} ")
    assert not database.exists()


# ------------------------------------------------------------------------------------------- import and export


def test_import_then_export_gives_yaml_that_round_trips_through_another_guild(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """import the sample into guild 1, export it, import that into guild 2: guild 2 exports the same YAML."""
    assert main(["import", str(NEC_2025), "--guild", "1"]) == 0
    out = capsys.readouterr().out
    assert "add candidate Tom Barker (East Midlands Regional (Male))" in out
    assert "The import made" in out

    assert main(["export", "--guild", "1"]) == 0
    exported = capsys.readouterr().out
    data = yaml.safe_load(exported)
    assert [e["name"] for e in data["elections"]] == ["NEC 2025"]

    copy = tmp_path / "guild1.yaml"
    copy.write_text(exported, encoding="utf-8")
    assert main(["import", str(copy), "--guild", "2"]) == 0
    capsys.readouterr()
    assert main(["export", "--guild", "2"]) == 0
    assert capsys.readouterr().out == exported


def test_csv_export_round_trips_through_another_guild(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format csv writes the CSV layout, which imports into guild 2 and exports identically."""
    _import_sample(capsys)
    assert main(["export", "--guild", "1", "--format", "csv"]) == 0
    exported = capsys.readouterr().out
    assert exported.startswith("record,election,seat,name,")
    copy = tmp_path / "guild1.csv"
    copy.write_text(exported, encoding="utf-8")
    assert main(["import", str(copy), "--guild", "2"]) == 0
    capsys.readouterr()
    assert main(["export", "--guild", "2", "--format", "csv"]) == 0
    assert capsys.readouterr().out == exported


def test_import_dry_run_lists_the_changes_and_writes_nothing(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run prints what would change and leaves the database exactly as it was."""
    assert main(["db", "migrate"]) == 0
    capsys.readouterr()
    before = _dump(database)
    assert main(["import", str(NEC_2025), "--guild", "1", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "add candidate Tom Barker" in out
    assert "The import would make" in out
    assert _dump(database) == before


def test_importing_the_same_file_twice_reports_no_changes(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second import of the sample says nothing changed."""
    _import_sample(capsys)
    assert main(["import", str(NEC_2025), "--guild", "1"]) == 0
    assert capsys.readouterr().out.strip() == "No changes: everything in the file is already stored."


def test_a_bad_file_exits_1_with_the_line_number_and_writes_nothing(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A seat with places: 0 exits 1, names the seat's line on stderr, and imports nothing."""
    text = NEC_2025.read_text(encoding="utf-8")
    seat = "      - name: Greater London Regional (Female)"
    block = f"{seat}\n        electorate_type: region\n        electorate: Greater London\n        places: 2\n"
    assert text.count(block) == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(block, block.replace("places: 2", "places: 0")), encoding="utf-8")
    line = text.splitlines().index(seat) + 1

    assert main(["db", "migrate"]) == 0
    capsys.readouterr()
    before = _dump(database)
    assert main(["import", str(bad), "--guild", "1"]) == 1
    err = capsys.readouterr().err
    assert f"line {line}:" in err
    assert "Nothing was imported" in err
    assert "Traceback" not in err
    assert _dump(database) == before


def test_a_missing_file_exits_2_saying_it_cannot_be_read(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Importing a file that does not exist exits 2 naming it."""
    assert main(["import", str(tmp_path / "nowhere.yaml"), "--guild", "1"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_export_output_writes_the_file(database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--output FILE writes the export there (not to stdout), the same text as stdout would get."""
    _import_sample(capsys)
    assert main(["export", "--guild", "1"]) == 0
    to_stdout = capsys.readouterr().out
    target = tmp_path / "export.yaml"
    assert main(["export", "--guild", "1", "--output", str(target)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "Wrote" in err
    assert target.read_text(encoding="utf-8") == to_stdout


def test_export_of_an_unknown_election_exits_1(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--election naming no election exits 1 saying so."""
    _import_sample(capsys)
    assert main(["export", "--guild", "1", "--election", "NEC 1999"]) == 1
    assert "No election called “NEC 1999”" in capsys.readouterr().err


# -------------------------------------------------------------------------------------------------- database


def test_db_migrate_creates_and_reports_the_schema_version(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`db migrate` on a new file applies every migration and prints the schema version."""
    version = len(load_migrations())
    assert main(["db", "migrate"]) == 0
    assert f"schema version {version}" in capsys.readouterr().out
    raw = sqlite3.connect(database)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == version
    finally:
        raw.close()
    assert main(["db", "migrate"]) == 0
    assert f"schema version {version}" in capsys.readouterr().out


def test_db_backup_writes_a_copy_that_opens_with_the_data(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`db backup PATH` writes a consistent copy holding the same rows."""
    _import_sample(capsys)
    target = tmp_path / "backups" / "slatebot-copy.db"
    assert main(["db", "backup", str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    raw = sqlite3.connect(target)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = {row[0] for row in raw.execute("SELECT name FROM candidates WHERE guild_id = 1")}
    finally:
        raw.close()
    assert "Tom Barker" in names
    assert _dump(target) == _dump(database)


def test_a_database_newer_than_the_bot_exits_1_with_one_line(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`db migrate` on a file from a newer bot exits 1 with one line saying so, not a traceback."""
    database.parent.mkdir(parents=True)
    raw = sqlite3.connect(database)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    connections = _aiosqlite_connections()
    try:
        code: object = main(["db", "migrate"])
    except Exception as exc:  # report what escaped rather than keep its traceback alive
        code = f"raised {type(exc).__name__}"
    for stray in _aiosqlite_connections() - connections:
        stray.stop()  # clean up: a leaked worker thread would keep the test process from exiting
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "99" in err


def test_a_database_url_naming_a_file_that_is_not_sqlite_exits_1_with_one_line(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`db migrate` on a file that is not a database exits 1 with one line naming the file, not a traceback."""
    database.parent.mkdir(parents=True)
    database.write_bytes(b"These are meeting notes, not a database. " * 40)
    connections = _aiosqlite_connections()
    try:
        code: object = main(["db", "migrate"])
    except Exception as exc:  # the bug: note what escaped rather than keep its traceback alive
        code = f"raised {type(exc).__name__}"
    for stray in _aiosqlite_connections() - connections:
        stray.stop()  # clean up: a leaked worker thread would keep the test process from exiting
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert str(database.name) in err


# -------------------------------------------------------------------------------------------------- secrets


def test_setup_logging_redacts_the_token_in_messages_arguments_and_tracebacks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With the token among the secrets, no log line shows it: message, %-arguments or exception text."""
    setup_logging("DEBUG", secrets=[TOKEN])
    log = logging.getLogger("slatebot.test")
    log.info("connecting with %s", TOKEN)
    log.warning(f"token in the message itself: {TOKEN}")
    try:
        raise RuntimeError(f"login failed for {TOKEN}")
    except RuntimeError:
        log.exception("could not log in")
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert err.count("[redacted]") >= 3
    assert "could not log in" in err


def test_the_cli_keeps_the_configured_token_out_of_the_logs(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """After main() sets up logging, a log line carrying DISCORD_TOKEN is redacted."""
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    assert main(["db", "migrate"]) == 0
    logging.getLogger("discord.http").warning("Authorization: Bot %s", TOKEN)
    logging.getLogger("slatebot").error("token was %s", TOKEN)
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    assert "[redacted]" in err
