"""
The job APScheduler runs: a module-level coroutine taking only the job id.

Primitive arguments mean a job can be described, logged and rebuilt from the database alone. It hands the id to
the running scheduler's runner.
"""

import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Runner = Callable[[str], Awaitable[None]]
_runner: Runner | None = None


def install(runner: Runner | None) -> None:
    """Set (or clear) the function that posts a reminder by job id."""
    global _runner
    _runner = runner


async def post_reminder(job_id: str) -> None:
    """Post the reminder ``job_id`` names (APScheduler calls this)."""
    if _runner is None:
        log.warning("Reminder %s fired with no scheduler running; it stays pending", job_id)
        return
    await _runner(job_id)
