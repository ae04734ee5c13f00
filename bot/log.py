"""Logging set-up, with a filter that keeps the bot token out of every log line."""

import logging
import sys


class RedactFilter(logging.Filter):
    """Replaces any of the given secrets in a record's rendered message with ``[redacted]``."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message if it contains a secret; never drop the record."""
        if not self._secrets:
            return True
        message = record.getMessage()
        text = message
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "[redacted]")
        if text != message:
            record.msg, record.args = text, None
        return True


def setup_logging(level: str = "INFO", *, secrets: list[str] | None = None) -> None:
    """Log to standard error at ``level``; discord.py's chatter is kept at WARNING unless DEBUG is asked for."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-8s %(name)s: %(message)s"))
    handler.addFilter(RedactFilter(secrets or []))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    if level != "DEBUG":
        logging.getLogger("discord").setLevel(logging.WARNING)
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
