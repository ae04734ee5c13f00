"""
Settings read from the environment or ``.env`` with pydantic-settings.

Built once in :mod:`bot.cli` and passed down; nothing reads the environment at import time.
"""

import logging
from pathlib import Path
from typing import Annotated, Self
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.shards import Shards, parse_shard_ids

SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")


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
    shard_count: Annotated[int | None, BeforeValidator(_blank_is_none)] = Field(default=None, ge=1)
    shard_ids: Annotated[str | None, BeforeValidator(_blank_is_none)] = None

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        return check_database_url(value)

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

    @field_validator("shard_ids")
    @classmethod
    def _check_shard_ids(cls, value: str | None) -> str | None:
        if value is not None:
            parse_shard_ids(value)
        return value

    @model_validator(mode="after")
    def _check_shards(self) -> Self:
        self.shards  # noqa: B018 - raises ValueError for ids without a count, or ids past it
        return self

    @property
    def shards(self) -> Shards:
        """The shards this process runs (``SHARD_COUNT``, ``SHARD_IDS``)."""
        ids = None if self.shard_ids is None else parse_shard_ids(self.shard_ids)
        return Shards(self.shard_count, ids)

    @property
    def is_postgres(self) -> bool:
        """Whether ``DATABASE_URL`` names a PostgreSQL database."""
        return self.database_url.startswith(POSTGRES_PREFIXES)

    @property
    def database_path(self) -> Path:
        """The SQLite file the ``DATABASE_URL`` names (only for SQLite)."""
        return database_path(self.database_url)

    @property
    def database_target(self) -> Path | str:
        """What :meth:`storage.database.Database.open` takes: the SQLite file, or the PostgreSQL URL."""
        return self.database_url if self.is_postgres else self.database_path

    @property
    def database_where(self) -> str:
        """The database for messages: the file, or the URL without its password."""
        if not self.is_postgres:
            return str(self.database_path)
        return redacted_url(self.database_url)


_URL_SHAPES = (
    "must look like sqlite:///relative/path.db, sqlite:////absolute/path.db or "
    "postgresql://user:password@host:port/dbname"
)


def check_database_url(url: str) -> str:
    """Refuse a ``DATABASE_URL`` that names neither a SQLite file nor a PostgreSQL database."""
    if url.startswith(POSTGRES_PREFIXES):
        parts = urlsplit(url)
        if not parts.hostname or not parts.path.strip("/"):
            msg = f"{_URL_SHAPES} (a PostgreSQL URL needs a host and a database name)"
            raise ValueError(msg)
        return url
    database_path(url)
    return url


def database_path(url: str) -> Path:
    """Turn ``sqlite:///relative.db`` or ``sqlite:////absolute.db`` into a path; ``ValueError`` for anything else."""
    if not url.startswith(SQLITE_PREFIX) or len(url) == len(SQLITE_PREFIX):
        raise ValueError(_URL_SHAPES)
    return Path(url.removeprefix(SQLITE_PREFIX))


def redacted_url(url: str) -> str:
    """A database URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def load_settings(**overrides: object) -> Settings:
    """
    Build the settings, turning a validation failure into one readable line.

    Raises :class:`SettingsError` naming the variable, what is wrong and how to fix it.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        # The one check across two settings (shard ids against the count) has no single field to name.
        variable = str(first["loc"][0]).upper() if first["loc"] else "SHARD_IDS"
        reason = str(first["msg"]).removeprefix("Value error, ")
        if variable == "DEV_GUILD_ID" and first["type"] in {"int_parsing", "greater_than"}:
            reason = "must be a Discord server (guild) id: a positive whole number"
        elif variable == "SHARD_COUNT" and first["type"] in {"int_parsing", "greater_than_equal"}:
            reason = "must be a whole number of shards, 1 or more"
        msg = f"{variable} {reason}. Fix it in the environment or .env (see .env.example)."
        raise SettingsError(msg) from None
