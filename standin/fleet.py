"""
Real ``slatebot run`` processes against the local Discord, for tests and benchmarks of a bot split over processes.

The bot as it runs in production past one process: several processes sharing one database, each running shards.

Each process is the installed command line (``python -m bot run --shard-count N --shard-ids I``) with the local
Discord's token and API base in its environment, writing its log to a file that tests read.
"""

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass
class BotProcess:
    """One running ``slatebot run`` process and its log."""

    shard_ids: tuple[int, ...]
    shard_count: int
    log: Path
    process: asyncio.subprocess.Process

    @property
    def running(self) -> bool:
        """Whether the process has not exited yet."""
        return self.process.returncode is None

    def log_text(self) -> str:
        """Everything the process logged so far."""
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    async def stop(self, timeout: float = 15.0) -> int:
        """Ask the process to stop (Ctrl-C, as a terminal would) and wait; killed if it does not stop in time."""
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                self.kill()
                await self.process.wait()
        return int(self.process.returncode or 0)

    def kill(self) -> None:
        """SIGKILL: the process dies at once, wherever it is (a crash, an OOM kill, a pulled plug)."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()


async def start_bot_process(
    *,
    token: str,
    api_base: str,
    database_url: str,
    shard_count: int,
    shard_ids: Iterable[int],
    log: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> BotProcess:
    """Start ``slatebot run`` for the given shards, logging to ``log`` (appended, so a restart keeps the old log)."""
    ids = tuple(shard_ids)
    environment = {
        **os.environ,
        "DISCORD_TOKEN": token,
        "DISCORD_API_BASE": api_base,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    environment.pop("SHARD_COUNT", None)
    environment.pop("SHARD_IDS", None)
    args = ["-m", "bot", "run", "--shard-count", str(shard_count), "--shard-ids", ",".join(map(str, ids))]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, env=environment, stdout=out, stderr=asyncio.subprocess.STDOUT, cwd=cwd
        )
    return BotProcess(ids, shard_count, log, process)
