"""
Settings read from the environment or ``.env`` with pydantic-settings.

Built once in :mod:`bot.cli` and passed down; nothing reads the environment at import time.
"""

import logging
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SQLITE_PREFIX = "sqlite:///"


def _blank_is_none(value: object) -> object:
    """Treat an empty variable (``DEV_GUILD_ID=``) as unset."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


class SettingsError(Exception):
    """A setting has a bad value; the message names the variable and the fix."""


class Settings(BaseSettings):
    """Every setting in COMMANDS.md; the field names are the variables' names in lower case."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False)

    discord_token: Annotated[SecretStr | None, BeforeValidator(_blank_is_none)] = None
    database_url: str = "sqlite:///slatebot.db"
    discord_api_base: Annotated[str | None, BeforeValidator(_blank_is_none)] = None
    dev_guild_id: Annotated[int | None, BeforeValidator(_blank_is_none)] = Field(default=None, gt=0)
    log_level: str = "INFO"
    default_timezone: str = "Europe/London"

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        database_path(value)
        return value

    @field_validator("discord_api_base")
    @classmethod
    def _check_api_base(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            msg = "must be an http:// or https:// URL, e.g. http://127.0.0.1:8080/api/v10"
            raise ValueError(msg)
        return value.rstrip("/")

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in logging.getLevelNamesMapping():
            msg = "must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
            raise ValueError(msg)
        return level

    @field_validator("default_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            msg = f"{value!r} is not an IANA time zone; use a name such as Europe/London"
            raise ValueError(msg) from None
        return value

    @property
    def database_path(self) -> Path:
        """The SQLite file the ``DATABASE_URL`` names."""
        return database_path(self.database_url)


def database_path(url: str) -> Path:
    """
    Turn ``sqlite:///relative.db`` or ``sqlite:////absolute.db`` into a path.

    Raises ``ValueError`` for any other scheme: only SQLite is supported for now.
    """
    if not url.startswith(SQLITE_PREFIX) or len(url) == len(SQLITE_PREFIX):
        msg = "must look like sqlite:///relative/path.db or sqlite:////absolute/path.db (only SQLite is supported)"
        raise ValueError(msg)
    return Path(url.removeprefix(SQLITE_PREFIX))


def load_settings(**overrides: object) -> Settings:
    """
    Build the settings, turning a validation failure into one readable line.

    Raises :class:`SettingsError` naming the variable, what is wrong and how to fix it.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "settings"
        reason = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] in {"int_parsing", "greater_than"}:
            reason = "must be a Discord server (guild) id: a positive whole number"
        msg = f"{variable} {reason}. Fix it in the environment or .env (see .env.example)."
        raise SettingsError(msg) from None
