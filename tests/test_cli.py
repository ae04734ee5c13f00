"""The ``slatebot`` command line, run in-process: exit codes, messages, import/export and the database verbs."""

import gc
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import sys
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
    "SHARD_COUNT",
    "SHARD_IDS",
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


# ------------------------------------------------------------------------------- as a process: the database verbs


def _slatebot(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot ARGS`` as its own process in the current directory and environment."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )


def test_run_with_a_shard_past_the_count_exits_2_with_one_line() -> None:
    """`slatebot run --shard-count 2 --shard-ids 2`: refused before connecting, naming the shards there are."""
    done = _slatebot("run", "--shard-count", "2", "--shard-ids", "2")
    assert done.returncode == 2
    assert "shard 2 does not exist with 2 shard(s): shards are 0 to 1" in _one_line(done.stderr)


def test_run_flags_override_the_shard_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """--shard-count/--shard-ids win over SHARD_COUNT/SHARD_IDS: a bad SHARD_IDS in the environment is replaced."""
    env = {**os.environ, "LOG_LEVEL": "WARNING", "SHARD_COUNT": "1", "SHARD_IDS": "5"}
    env.pop("DISCORD_TOKEN", None)
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "run"], capture_output=True, text=True, timeout=120, check=False, env=env
    )
    assert bad.returncode == 2 and "SHARD_IDS" in bad.stderr
    fixed = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--shard-count", "8", "--shard-ids", "5"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    # The shard settings are now good; what stops it is the missing token, as for any run without one.
    assert fixed.returncode == 2
    assert "DISCORD_TOKEN is not set" in fixed.stderr


def _one_line(err: str) -> str:
    """The single line a refusal writes to stderr (fails when there are more)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _files_under(folder: Path) -> set[Path]:
    """Every file and folder under ``folder``, relative to it."""
    return {p.relative_to(folder) for p in folder.rglob("*")}


@pytest.fixture
def stored(database: Path) -> Path:
    """The sample imported into guild 1 of the database (by a process), its -wal folded back in."""
    done = _slatebot("import", str(NEC_2025), "--guild", "1")
    assert done.returncode == 0, done.stderr
    return database


@pytest.mark.parametrize(
    "how",
    [
        "same path",
        "absolute path",
        "relative path",
        "dotted path",
        "symlink",
        "hard link",
        "wal sidecar",
        "shm sidecar",
    ],
)
def test_db_backup_onto_the_database_itself_is_refused_with_exit_2(stored: Path, tmp_path: Path, how: str) -> None:
    """`db backup` naming the database (by any path) or its -wal/-shm file exits 2 with one line, changing nothing."""
    before = _dump(stored)
    targets = {
        "same path": str(stored),
        "absolute path": str(stored.resolve()),
        "relative path": "data/slatebot.db",
        "dotted path": "data/../data/./slatebot.db",
        "symlink": str(tmp_path / "link.db"),
        "hard link": str(tmp_path / "hard.db"),
        "wal sidecar": "data/slatebot.db-wal",
        "shm sidecar": str(stored) + "-shm",
    }
    if how == "symlink":
        (tmp_path / "link.db").symlink_to(stored)
    if how == "hard link":
        os.link(stored, tmp_path / "hard.db")
    done = _slatebot("db", "backup", targets[how])
    assert done.returncode == 2, done.stdout + done.stderr
    line = _one_line(done.stderr)
    assert line.startswith("slatebot: ")
    assert "itself" in line or "-wal" in line or "-shm" in line
    assert "Backed up" not in done.stdout
    assert _dump(stored) == before
    assert not list(tmp_path.rglob("*.partial"))


def test_db_backup_into_a_folder_puts_a_dated_copy_inside_it(stored: Path, tmp_path: Path) -> None:
    """A folder (existing, or new when written with a trailing slash) gets a new dated copy each time, never a clash."""
    (tmp_path / "backups").mkdir()
    first = _slatebot("db", "backup", "backups")
    second = _slatebot("db", "backup", "backups")
    fresh = _slatebot("db", "backup", "new-backups/")
    for done in (first, second, fresh):
        assert done.returncode == 0, done.stderr
    copies = sorted((tmp_path / "backups").iterdir())
    assert len(copies) == 2
    [new_copy] = (tmp_path / "new-backups").iterdir()
    for copy in [*copies, new_copy]:
        assert re.fullmatch(r"slatebot-\d{8}-\d{6}(-\d+)?\.db", copy.name), copy.name
        assert _dump(copy) == _dump(stored)
    assert str(copies[0].name) in first.stdout + second.stdout


def test_db_backup_never_overwrites_an_existing_file_without_force(stored: Path, tmp_path: Path) -> None:
    """An existing target is left untouched (exit 2, one line naming --force); --force replaces it with the copy."""
    target = tmp_path / "notes.db"
    target.write_text("precious notes", encoding="utf-8")
    refused = _slatebot("db", "backup", str(target))
    assert refused.returncode == 2
    line = _one_line(refused.stderr)
    assert str(target) in line
    assert "--force" in line
    assert target.read_text(encoding="utf-8") == "precious notes"
    assert not list(tmp_path.rglob("*.partial"))

    forced = _slatebot("db", "backup", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert _dump(target) == _dump(stored)


def test_db_backup_force_still_refuses_the_database_itself(stored: Path) -> None:
    """--force does not allow backing the database up onto itself."""
    before = _dump(stored)
    done = _slatebot("db", "backup", "--force", "data/slatebot.db")
    assert done.returncode == 2
    _one_line(done.stderr)
    assert _dump(stored) == before


def test_db_backup_help_says_what_a_folder_and_an_existing_file_do() -> None:
    """`db backup --help` explains folders and --force."""
    done = _slatebot("db", "backup", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "folder" in text
    assert "--force" in text


@pytest.mark.parametrize(
    "verb",
    [
        ["export", "--guild", "1"],
        ["export", "--guild", "1", "--output", "out.yaml"],
        ["db", "backup", "copy.db"],
        ["import", str(NEC_2025), "--guild", "1", "--dry-run"],
    ],
)
def test_a_reading_verb_on_a_missing_database_exits_2_and_creates_nothing(
    database: Path, tmp_path: Path, verb: list[str]
) -> None:
    """With DATABASE_URL naming no file, the verbs that only read say so (exit 2) and create no file or folder."""
    before = _files_under(tmp_path)
    done = _slatebot(*verb)
    assert done.returncode == 2, done.stdout + done.stderr
    line = _one_line(done.stderr)
    assert "data/slatebot.db" in line or str(database) in line
    assert "DATABASE_URL" in line
    assert "does not exist" in line
    assert done.stdout == ""
    assert _files_under(tmp_path) == before
    assert not database.parent.exists()


def test_import_without_dry_run_creates_the_missing_database(database: Path) -> None:
    """A real import is a write: it creates the database (and its folder) and imports."""
    done = _slatebot("import", str(NEC_2025), "--guild", "1")
    assert done.returncode == 0, done.stderr
    assert database.exists()


def test_export_of_a_guild_with_no_data_exits_1_saying_so(stored: Path, tmp_path: Path) -> None:
    """`export --guild 99` for a guild with nothing stored exits 1 with one line and prints no document."""
    before = _dump(stored)
    for extra in ([], ["--output", "out.yaml"], ["--format", "csv"]):
        done = _slatebot("export", "--guild", "99", *extra)
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stdout == ""
        assert _one_line(done.stderr) == f"Nothing to export: guild 99 has no data in {stored}."
    assert not (tmp_path / "out.yaml").exists()
    assert _dump(stored) == before


def test_export_of_an_unknown_election_says_so_as_a_process(stored: Path) -> None:
    """`export --election` naming no election exits 1 with one line saying so, and prints no document."""
    done = _slatebot("export", "--guild", "1", "--election", "NEC 1999")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "No election called “NEC 1999”" in _one_line(done.stderr)


def test_the_import_summary_counts_agree_with_their_nouns(stored: Path, tmp_path: Path) -> None:
    """A re-import that changes one candidate says "1 update", not "1 updates"."""
    text = NEC_2025.read_text(encoding="utf-8")
    edited = tmp_path / "edited.yaml"
    old_job = "job: Teaching assistant, special educational needs school\n"
    assert text.count(old_job) == 1
    edited.write_text(text.replace(old_job, "job: Teaching assistant\n"), encoding="utf-8")
    done = _slatebot("import", str(edited), "--guild", "1")
    assert done.returncode == 0, done.stderr
    assert "update candidate Tom Barker" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "The import made 0 additions and 1 update."


# ------------------------------------------------------------------------------------------ the README's examples

ROOT = Path(__file__).resolve().parents[1]
BASH = shutil.which("bash") or "/bin/bash"


def _readme_blocks() -> list[list[str]]:
    """The lines of every ``sh`` and ``text`` code block in the README."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if current is None and line in ("```sh", "```text"):
            current = []
        elif current is not None and line == "```":
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def _readme_workspace(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder laid out like the project after the README's install (``.venv``, ``examples``), and a clean env."""
    work = tmp_path / "checkout"
    work.mkdir()
    (work / ".venv").symlink_to(Path(sys.prefix))
    (work / "examples").symlink_to(ROOT / "examples")
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES and k != "VIRTUAL_ENV"}
    return work, env


def test_every_slatebot_command_in_the_readme_is_spelt_to_run_after_its_install() -> None:
    """Each README example calls .venv/bin/slatebot, which the README's install creates (slatebot is not on PATH)."""
    calls = [
        match.group(1)
        for block in _readme_blocks()
        for line in block
        for match in re.finditer(r"(?:^\$ |^|[|&;]\s*)(\S*slatebot)(?=\s|$)", line)
    ]
    assert calls, "the README shows slatebot commands"
    assert set(calls) == {".venv/bin/slatebot"}, calls


def test_the_readme_command_line_examples_run(tmp_path: Path) -> None:
    """The README's import/export/backup block runs line by line in a fresh checkout, each line exiting 0."""
    [block] = [b for b in _readme_blocks() if any("import examples/nec_2025.yaml" in line for line in b)]
    work, env = _readme_workspace(tmp_path)
    for line in block:
        done = subprocess.run(
            [BASH, "-c", line], cwd=work, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
    assert (work / "nec.csv").read_text(encoding="utf-8").startswith("record,election,seat,name,")
    assert len(list((work / "backups").iterdir())) == 1


def test_the_readme_console_example_prints_what_the_readme_shows(tmp_path: Path) -> None:
    """The README's piped console example, run as shown, prints the transcript the README shows."""
    [block] = [b for b in _readme_blocks() if b and b[0].startswith("$ ") and "console" in b[0]]
    work, env = _readme_workspace(tmp_path)
    done = subprocess.run(
        [BASH, "-c", block[0].removeprefix("$ ")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    shown = [line.rstrip() for line in block[1:]]
    printed = [line.rstrip() for line in done.stdout.splitlines()]
    assert printed[-len(shown) :] == shown
    assert not (work / "slatebot.db").exists()
