"""standin.postgres: a throwaway PostgreSQL starts, serves, makes databases, and stops without a trace."""

from __future__ import annotations

import os
import pwd
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import asyncpg
import pytest

import standin.postgres as postgres_module
from standin.postgres import (
    MARKER,
    PostgresUnavailable,
    ThrowawayPostgres,
    create_database,
    database_url,
    drop_database,
    find_binaries,
    main,
    stop_server,
)

# The fixtures postgres_base_url (one server for the session, or CI's) and postgres_url (a fresh database).
# Loading them here is harmless once tests/conftest.py loads them too.

PROJECT = Path(__file__).resolve().parents[2]


def _start_or_skip(server: ThrowawayPostgres) -> str:
    """Start ``server``; skip the test where PostgreSQL is not installed."""
    try:
        return server.start()
    except PostgresUnavailable as error:
        pytest.skip(f"PostgreSQL is not installed here: {error}")


async def _refused(url: str) -> bool:
    """Whether connecting to ``url`` fails because nothing listens there."""
    try:
        connection = await asyncpg.connect(url, timeout=5)
    except OSError:
        return True
    await connection.close()
    return False


# --- against the session's server (started once, or CI's) ---


async def test_server_answers_queries(postgres_base_url: str) -> None:
    connection = await asyncpg.connect(postgres_base_url)
    try:
        assert await connection.fetchval("SELECT 1") == 1
        assert await connection.fetchval("SELECT current_user") == "postgres"
    finally:
        await connection.close()


async def test_fresh_database_holds_a_table(postgres_url: str) -> None:
    connection = await asyncpg.connect(postgres_url)
    try:
        assert (await connection.fetchval("SELECT current_database()")).startswith("slatebot_test_")
        await connection.execute("CREATE TABLE seats (id serial PRIMARY KEY, name text NOT NULL)")
        await connection.executemany("INSERT INTO seats (name) VALUES ($1)", [("East Midlands",), ("Wales",)])
        rows = await connection.fetch("SELECT id, name FROM seats ORDER BY id")
        assert [(row["id"], row["name"]) for row in rows] == [(1, "East Midlands"), (2, "Wales")]
    finally:
        await connection.close()


async def test_create_database_is_independent(postgres_base_url: str) -> None:
    # Imported here, after pytest_plugins loaded (and assertion-rewrote) the plugin module.
    from tests.postgres_fixtures import fresh_database_url

    first = await fresh_database_url(postgres_base_url)
    second = await fresh_database_url(postgres_base_url)
    assert first != second
    one = await asyncpg.connect(first)
    two = await asyncpg.connect(second)
    try:
        await one.execute("CREATE TABLE only_here (x int)")
        assert await one.fetchval("SELECT to_regclass('only_here') IS NOT NULL")
        assert await two.fetchval("SELECT to_regclass('only_here') IS NULL")
    finally:
        await two.close()
        # Dropping forces out connections still open (WITH (FORCE)): ``one`` is still connected here.
        await drop_database(postgres_base_url, first.rsplit("/", 1)[1])
        await drop_database(postgres_base_url, second.rsplit("/", 1)[1])
        await one.close()
    names = await _database_names(postgres_base_url)
    assert first.rsplit("/", 1)[1] not in names
    assert second.rsplit("/", 1)[1] not in names


async def test_create_database_quotes_the_name(postgres_base_url: str) -> None:
    name = 'Odd "Name" 1'
    url = await create_database(postgres_base_url, name)
    try:
        assert url.endswith("/Odd%20%22Name%22%201")
        connection = await asyncpg.connect(url)
        try:
            assert await connection.fetchval("SELECT current_database()") == name
        finally:
            await connection.close()
    finally:
        await drop_database(postgres_base_url, name)
    assert name not in await _database_names(postgres_base_url)


async def _database_names(url: str) -> set[str]:
    connection = await asyncpg.connect(url)
    try:
        return {row["datname"] for row in await connection.fetch("SELECT datname FROM pg_database")}
    finally:
        await connection.close()


# --- no server needed ---


def test_database_url_replaces_only_the_name() -> None:
    assert (
        database_url("postgresql://postgres@127.0.0.1:5433/postgres", "x") == "postgresql://postgres@127.0.0.1:5433/x"
    )
    assert (
        database_url("postgresql://u:p@h:1/old?sslmode=disable", "new_1")
        == "postgresql://u:p@h:1/new_1?sslmode=disable"
    )
    assert database_url("postgresql://h", "a b") == "postgresql://h/a%20b"


def test_missing_programs_are_reported(tmp_path: Path) -> None:
    with pytest.raises(PostgresUnavailable, match="initdb and pg_ctl were not found"):
        find_binaries(search_path=str(tmp_path), extra_dirs=[tmp_path / "nowhere"])


def test_stop_refuses_a_folder_that_is_not_a_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="not a throwaway PostgreSQL folder"):
        stop_server(tmp_path)
    assert main(["stop", str(tmp_path)]) == 1
    assert "not a throwaway PostgreSQL folder" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "mine"
    stop_server(tmp_path / "gone")  # a folder already removed: nothing to do


# --- servers of their own (a second or so each) ---


async def test_lifecycle_stop_removes_everything() -> None:
    with ThrowawayPostgres() as server:
        assert server.running
        url = server.url
        directory = server.directory
        assert url == f"postgresql://postgres@127.0.0.1:{server.port}/postgres"
        assert directory.name.startswith("slatebot-pg-")
        assert (directory / MARKER).is_file()
        assert server.log_file.is_file()
        assert (directory / f".s.PGSQL.{server.port}").exists(), "the Unix socket lives in the temporary folder"
        expected_owner = pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else os.geteuid()
        assert server.data_dir.stat().st_uid == expected_owner
        assert server.start() == url, "starting twice keeps the one server"

        connection = await asyncpg.connect(url)
        try:
            settings = {
                name: await connection.fetchval(f"SHOW {name}")
                for name in ("fsync", "synchronous_commit", "full_page_writes", "max_connections", "listen_addresses")
            }
            assert settings == {
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
                "max_connections": "300",
                "listen_addresses": "127.0.0.1",
            }
        finally:
            await connection.close()
    assert not server.running
    assert not directory.exists()
    assert await _refused(url)
    server.stop()  # a second stop does nothing
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url


def test_failed_start_reports_the_log_and_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Path] = []
    real_mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(prefix: str | None = None, dir: str | Path | None = None) -> str:
        path = real_mkdtemp(prefix=prefix, dir=dir)
        made.append(Path(path))
        return path

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    monkeypatch.setitem(postgres_module._SETTINGS, "max_connections", "-5")
    server = ThrowawayPostgres()
    with pytest.raises(RuntimeError, match="PostgreSQL did not start") as raised:
        _start_or_skip(server)
    assert "max_connections" in str(raised.value), "the log's tail names the bad setting"
    assert made
    assert not made[0].exists()
    assert not server.running


async def test_cli_starts_a_detached_server_and_stops_it() -> None:
    try:
        find_binaries()
    except PostgresUnavailable as error:
        pytest.skip(f"PostgreSQL is not installed here: {error}")
    env = {key: value for key, value in os.environ.items() if not key.startswith("SLATEBOT_TEST_POSTGRES")}
    started = subprocess.run(
        [sys.executable, "-m", "standin.postgres", "start"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert started.returncode == 0, started.stderr
    exported: dict[str, str] = {}
    for line in started.stdout.splitlines():
        keyword, assignment = shlex.split(line)
        assert keyword == "export"
        name, _, value = assignment.partition("=")
        exported[name] = value
    assert set(exported) == {"SLATEBOT_TEST_POSTGRES_URL", "SLATEBOT_TEST_POSTGRES_DIR"}
    url = exported["SLATEBOT_TEST_POSTGRES_URL"]
    directory = Path(exported["SLATEBOT_TEST_POSTGRES_DIR"])
    try:
        # The command has exited; the server it started is still serving.
        connection = await asyncpg.connect(url)
        try:
            assert await connection.fetchval("SELECT 1") == 1
        finally:
            await connection.close()
        stopped = subprocess.run(
            [sys.executable, "-m", "standin.postgres", "stop", str(directory)],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert stopped.returncode == 0, stopped.stderr
        assert not directory.exists()
        assert await _refused(url)
    finally:
        stop_server(directory)
