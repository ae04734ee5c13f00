"""
A throwaway local PostgreSQL for tests, benchmarks and CI.

:class:`ThrowawayPostgres` makes a temporary folder, runs ``initdb`` in it and starts a server listening only on
``127.0.0.1`` at a free port, with its Unix socket inside that folder (never ``/var/run``) and durability switched
off for speed. :meth:`ThrowawayPostgres.stop` stops it and removes the folder; an ``atexit`` hook does the same if
the caller forgets or crashes. PostgreSQL refuses to run as root, so when this process is root every ``initdb`` and
``pg_ctl`` runs as the ``postgres`` system user, which then owns the folder.

Usage::

    with ThrowawayPostgres() as pg:
        url = await create_database(pg.url, "scratch")   # postgresql://postgres@127.0.0.1:PORT/scratch

From a shell (``.ci/run`` starts one server for a whole test run)::

    eval "$(python -m standin.postgres start)"       # sets SLATEBOT_TEST_POSTGRES_URL and SLATEBOT_TEST_POSTGRES_DIR
    trap 'python -m standin.postgres stop "$SLATEBOT_TEST_POSTGRES_DIR"' EXIT
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = [
    "PostgresUnavailable",
    "ThrowawayPostgres",
    "create_database",
    "database_url",
    "drop_database",
    "find_binaries",
    "stop_server",
]

#: Where Debian and Ubuntu put the server programs (one folder per major version, not on PATH).
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
#: The system user the server runs as when this process is root.
SERVER_USER = "postgres"
#: The database superuser ``initdb`` creates; the URL connects as it, with no password (``--auth=trust``).
SUPERUSER = "postgres"
#: The prefix of every temporary folder, so a leftover one is easy to recognise.
DIR_PREFIX = "slatebot-pg-"
#: A file in the temporary folder that marks it as ours: ``stop DIR`` removes nothing without it.
MARKER = ".slatebot-throwaway-postgres"

_DATA = "data"
_LOG = "server.log"
_LOG_TAIL_LINES = 30
_START_ATTEMPTS = 3
_TIMEOUT_SECONDS = 60
#: Settings for a server whose data is discarded: no durability, room for several test pools at once.
_SETTINGS: dict[str, str] = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
}


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server programs (``initdb``, ``pg_ctl``) are not installed here, or cannot be used."""


@dataclass(frozen=True)
class Binaries:
    """The two server programs a throwaway server needs."""

    initdb: Path
    pg_ctl: Path


def _debian_bin_dirs() -> list[Path]:
    """Debian's ``/usr/lib/postgresql/<major>/bin`` folders, newest major version first."""

    def major(folder: Path) -> tuple[int, str]:
        name = folder.parent.name
        return (int(name) if name.isdigit() else -1, name)

    return sorted((p for p in Path("/").glob(DEBIAN_BIN_GLOB.lstrip("/")) if p.is_dir()), key=major, reverse=True)


def find_binaries(search_path: str | None = None, extra_dirs: Iterable[Path] | None = None) -> Binaries:
    """
    ``initdb`` and ``pg_ctl``: first from one folder on ``search_path`` (default ``$PATH``), then from ``extra_dirs``.

    ``extra_dirs`` defaults to Debian's ``/usr/lib/postgresql/*/bin``, newest first. Both programs are taken from
    the same folder so their versions match. Raises :class:`PostgresUnavailable` when no folder has both.
    """
    path = os.environ.get("PATH", os.defpath) if search_path is None else search_path
    on_path = [Path(entry) for entry in path.split(os.pathsep) if entry]
    folders = [*on_path, *(_debian_bin_dirs() if extra_dirs is None else extra_dirs)]
    for folder in folders:
        initdb = shutil.which("initdb", path=str(folder))
        pg_ctl = shutil.which("pg_ctl", path=str(folder))
        if initdb and pg_ctl:
            return Binaries(initdb=Path(initdb), pg_ctl=Path(pg_ctl))
    raise PostgresUnavailable(
        "PostgreSQL's server programs initdb and pg_ctl were not found on PATH nor in "
        f"{DEBIAN_BIN_GLOB}; install the PostgreSQL server (e.g. `apt-get install postgresql`) to run a local one"
    )


def _free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now (the server may still lose a race for it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _server_account() -> pwd.struct_passwd | None:
    """The system account to run the server programs as: ``postgres`` when this process is root, else ``None``."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"PostgreSQL refuses to run as root and there is no {SERVER_USER!r} system user to run it as; "
            f"create one (e.g. `useradd --system {SERVER_USER}`) or run as an ordinary user"
        ) from None


def _clean_env(account: pwd.struct_passwd | None) -> dict[str, str]:
    """The environment of this process without libpq's ``PG*`` variables (they would redirect the programs)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C"
    if account is not None:
        env.update(HOME=account.pw_dir, USER=account.pw_name, LOGNAME=account.pw_name)
    return env


def _run(
    command: Sequence[str | Path], *, account: pwd.struct_passwd | None, cwd: Path, timeout: float = _TIMEOUT_SECONDS
) -> subprocess.CompletedProcess[str]:
    """Run a server program, as ``account`` if given (with its own group and no supplementary groups)."""
    extra: dict[str, Any] = {}
    if account is not None:
        extra = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    return subprocess.run(  # noqa: S603 - a fixed program with arguments built here, no shell
        [str(part) for part in command],
        cwd=cwd,
        env=_clean_env(account),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
        **extra,
    )


def _log_tail(log: Path, lines: int = _LOG_TAIL_LINES) -> str:
    """The last lines of the server log, or a note that there is none."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"(no server log at {log})"
    tail = text.splitlines()[-lines:]
    return "\n".join(tail) if tail else f"(the server log {log} is empty)"


def _describe(result: subprocess.CompletedProcess[str]) -> str:
    """A failed program's exit status and output, for an exception message."""
    output = "\n".join(part.strip() for part in (result.stdout, result.stderr) if part and part.strip())
    return f"exit status {result.returncode}" + (f":\n{output}" if output else "")


def _postmaster_pid(data: Path) -> int | None:
    """The server's process id from ``postmaster.pid``, or ``None`` when there is no such file."""
    try:
        first = (data / "postmaster.pid").read_text(encoding="utf-8").split("\n", 1)[0]
    except (OSError, UnicodeDecodeError):
        return None
    return int(first) if first.strip().isdigit() else None


def stop_server(directory: Path, binaries: Binaries | None = None) -> None:
    """
    Stop the throwaway server whose folder is ``directory`` and remove the folder.

    Does nothing when the folder is gone. Refuses a folder without the :data:`MARKER` file, so a wrong argument
    cannot delete something else. Stops with ``pg_ctl stop -m immediate`` (the data is discarded anyway); if that
    fails while ``postmaster.pid`` names a live process, sends it ``SIGQUIT`` (the same immediate shutdown).
    """
    directory = Path(directory)
    if not directory.exists():
        return
    if not (directory / MARKER).is_file():
        raise ValueError(f"{directory} is not a throwaway PostgreSQL folder (no {MARKER} in it); not touching it")
    data = directory / _DATA
    if (data / "postmaster.pid").exists():
        stopped = False
        with contextlib.suppress(PostgresUnavailable, OSError, subprocess.SubprocessError):
            binaries = binaries or find_binaries()
            result = _run(
                [binaries.pg_ctl, "stop", "-D", data, "-m", "immediate", "-w"],
                account=_server_account(),
                cwd=directory,
            )
            stopped = result.returncode == 0
        pid = None if stopped else _postmaster_pid(data)
        if pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGQUIT)
    shutil.rmtree(directory, ignore_errors=True)


class ThrowawayPostgres:
    """
    A PostgreSQL server in a temporary folder, on ``127.0.0.1`` at a free port, removed when stopped.

    ``start()`` initialises and starts it (about a second); :attr:`url` is then
    ``postgresql://postgres@127.0.0.1:PORT/postgres`` (superuser, no password). ``stop()`` stops it and removes the
    folder; it is safe to call twice, runs at interpreter exit if nobody called it, and ``with ThrowawayPostgres()
    as pg:`` calls both. ``binaries`` overrides where ``initdb`` and ``pg_ctl`` are looked for (see
    :func:`find_binaries`); ``tmp_root`` is the folder the temporary folder goes in (default: the system's). As root,
    the ``postgres`` user must be able to pass through ``tmp_root``: pytest's ``tmp_path`` (0700, root's) will not do.
    """

    def __init__(self, *, binaries: Binaries | None = None, tmp_root: Path | None = None) -> None:
        self._binaries = binaries
        self._tmp_root = tmp_root
        self._directory: Path | None = None
        self._port: int | None = None
        self._running = False

    @property
    def directory(self) -> Path:
        """The temporary folder: the data folder ``data/``, the log ``server.log`` and the Unix socket."""
        if self._directory is None:
            raise RuntimeError("the throwaway PostgreSQL has not been started")
        return self._directory

    @property
    def data_dir(self) -> Path:
        """The cluster's data folder (``PGDATA``)."""
        return self.directory / _DATA

    @property
    def log_file(self) -> Path:
        """The server's log file."""
        return self.directory / _LOG

    @property
    def port(self) -> int:
        """The TCP port the server listens on, on 127.0.0.1."""
        if self._port is None or not self._running:
            raise RuntimeError("the throwaway PostgreSQL is not running")
        return self._port

    @property
    def url(self) -> str:
        """The URL of the ``postgres`` database as the superuser, e.g. ``postgresql://postgres@127.0.0.1:5433/postgres``."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    @property
    def running(self) -> bool:
        """Whether ``start()`` succeeded and ``stop()`` has not been called since."""
        return self._running

    def start(self) -> str:
        """
        Create the folder, run ``initdb`` and start the server; returns :attr:`url`.

        Raises :class:`PostgresUnavailable` when the programs are missing (or, as root, there is no ``postgres``
        user), and ``RuntimeError`` with the programs' output and the log's tail when the server does not start.
        Nothing is left behind when it fails.
        """
        if self._running:
            return self.url
        binaries = self._binaries or find_binaries()
        account = _server_account()
        self._directory = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=self._tmp_root))
        atexit.register(self.stop)
        try:
            (self._directory / MARKER).write_text("A throwaway PostgreSQL (standin.postgres); safe to delete.\n")
            if account is not None:
                # The server's user must own the folder (initdb creates data/ in it, the server its socket there);
                # mkdtemp's mode 0700 then lets that user (and root) in. Its parents (/tmp) must let it pass too,
                # or initdb fails saying so.
                os.chown(self._directory, account.pw_uid, account.pw_gid)
            self._initdb(binaries, account)
            self._start_server(binaries, account)
        except BaseException:
            with contextlib.suppress(Exception):  # the original error matters more than a failed clean-up
                self.stop()
            raise
        self._running = True
        return self.url

    def _initdb(self, binaries: Binaries, account: pwd.struct_passwd | None) -> None:
        """Create the cluster in ``data/``: superuser ``postgres``, trusted local connections, UTF-8, C locale."""
        command: list[str | Path] = [
            binaries.initdb,
            "-D",
            self.data_dir,
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
        ]
        if self._supports(binaries.initdb, "--no-instructions", account):
            command.append("--no-instructions")
        result = _run(command, account=account, cwd=self.directory)
        if result.returncode != 0:
            owner = f" as the {account.pw_name!r} user" if account else ""
            raise RuntimeError(f"initdb failed{owner} in {self.directory} ({_describe(result)})")

    def _supports(self, program: Path, option: str, account: pwd.struct_passwd | None) -> bool:
        """Whether ``program --help`` lists ``option`` (initdb gained ``--no-instructions`` in PostgreSQL 14)."""
        result = _run([program, "--help"], account=account, cwd=self.directory)
        return option in result.stdout

    def _start_server(self, binaries: Binaries, account: pwd.struct_passwd | None) -> None:
        """Start the server on a free port, trying another port if one is taken meanwhile."""
        for attempt in range(1, _START_ATTEMPTS + 1):
            port = _free_port()
            settings = {**_SETTINGS, "port": str(port), "unix_socket_directories": str(self.directory)}
            # pg_ctl hands these to the server through /bin/sh, hence the shell quoting.
            options = " ".join(f"-c {shlex.quote(f'{name}={value}')}" for name, value in settings.items())
            command: list[str | Path] = [binaries.pg_ctl, "start", "-w", "-t", str(_TIMEOUT_SECONDS)]
            command += ["-D", self.data_dir, "-l", self.log_file, "-o", options]
            result = _run(
                command,
                account=account,
                cwd=self.directory,
                timeout=_TIMEOUT_SECONDS + 10,
            )
            if result.returncode == 0:
                self._port = port
                return
            tail = _log_tail(self.log_file)
            if "Address already in use" in tail and attempt < _START_ATTEMPTS:
                self.log_file.unlink(missing_ok=True)
                continue
            raise RuntimeError(
                f"PostgreSQL did not start in {self.directory} ({_describe(result)})\n"
                f"last lines of {self.log_file}:\n{tail}"
            )

    def stop(self) -> None:
        """Stop the server (immediate shutdown) and remove the folder; does nothing the second time."""
        atexit.unregister(self.stop)
        directory, self._directory = self._directory, None
        self._running = False
        if directory is not None:
            stop_server(directory, self._binaries)

    def detach(self) -> Path:
        """
        Leave the server running past this process: no ``atexit`` stop; returns the folder to pass to ``stop DIR``.

        After this, :meth:`stop` on this object does nothing; use :func:`stop_server` with the folder.
        """
        directory = self.directory
        atexit.unregister(self.stop)
        self._directory = None
        return directory

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"running on port {self._port} in {self._directory}" if self._running else "stopped"
        return f"<ThrowawayPostgres {state}>"


def _quote_ident(name: str) -> str:
    """``name`` as a double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def database_url(base_url: str, name: str) -> str:
    """``base_url`` with its database replaced by ``name`` (user, host, port and query kept)."""
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path="/" + quote(name, safe="")))


async def create_database(base_url: str, name: str, *, template: str | None = None) -> str:
    """
    Create the database ``name`` on the server of ``base_url`` (connecting to that URL); returns its URL.

    With ``template``, the new database is a copy of that one (nobody may be connected to it meanwhile).
    """
    import asyncpg

    connection = await asyncpg.connect(base_url)
    try:
        copy = "" if template is None else f" TEMPLATE {_quote_ident(template)}"
        await connection.execute(f"CREATE DATABASE {_quote_ident(name)}{copy}")
    finally:
        await connection.close()
    return database_url(base_url, name)


async def drop_database(base_url: str, name: str) -> None:
    """Drop the database ``name`` (if it exists) on the server of ``base_url``, disconnecting anyone still in it."""
    import asyncpg

    connection = await asyncpg.connect(base_url)
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {_quote_ident(name)} WITH (FORCE)")
    finally:
        await connection.close()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m standin.postgres start`` / ``stop DIR``: a server that outlives the command, for shell scripts."""
    parser = argparse.ArgumentParser(
        prog="python -m standin.postgres", description="Start or stop a throwaway local PostgreSQL server."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "start", help="start a server and print `export` lines for its URL and folder (eval them in a shell)"
    )
    stop = commands.add_parser("stop", help="stop the server whose folder is DIR and remove the folder")
    stop.add_argument("directory", metavar="DIR", type=Path, help="the folder `start` printed")
    args = parser.parse_args(argv)

    try:
        if args.command == "start":
            server = ThrowawayPostgres()
            url = server.start()
            directory = server.detach()
            sys.stdout.write(f"export SLATEBOT_TEST_POSTGRES_URL={shlex.quote(url)}\n")
            sys.stdout.write(f"export SLATEBOT_TEST_POSTGRES_DIR={shlex.quote(str(directory))}\n")
        else:
            stop_server(args.directory)
    except (PostgresUnavailable, RuntimeError, ValueError) as error:
        sys.stderr.write(f"standin.postgres {args.command}: {error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
