"""Settings from the environment or ``.env``: defaults, parsing, and one readable line per bad value."""

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, database_path, load_settings

VARIABLES = ("DISCORD_TOKEN", "DATABASE_URL", "DISCORD_API_BASE", "DEV_GUILD_ID", "LOG_LEVEL", "DEFAULT_TIMEZONE")


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No settings variable in the environment, and an empty working directory (so no stray .env)."""
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_match_the_contract() -> None:
    """With nothing set, the settings are COMMANDS.md's defaults."""
    # _env_file is a BaseSettings init option that mypy's field-based signature for Settings leaves out.
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.discord_token is None
    assert settings.database_url == "sqlite:///slatebot.db"
    assert settings.database_path == Path("slatebot.db")
    assert settings.discord_api_base is None
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"
    assert settings.default_timezone == "Europe/London"


def test_a_dotenv_file_in_the_working_directory_is_read(clean_environment: Path) -> None:
    """Values in ./.env are used, the token is kept secret, and unknown lines are ignored."""
    (clean_environment / ".env").write_text(
        "# comment\n"
        "DISCORD_TOKEN=abc.def.ghi\n"
        "DATABASE_URL=sqlite:////var/lib/slatebot/slatebot.db\n"
        "DISCORD_API_BASE=http://127.0.0.1:8080/api/v10/\n"
        "DEV_GUILD_ID=123456789012345678\n"
        "LOG_LEVEL=debug\n"
        "DEFAULT_TIMEZONE=Europe/Belfast\n"
        "SOMETHING_ELSE=ignored\n",
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "abc.def.ghi"
    assert "abc.def.ghi" not in repr(settings)
    assert settings.database_path == Path("/var/lib/slatebot/slatebot.db")
    assert settings.discord_api_base == "http://127.0.0.1:8080/api/v10"
    assert settings.dev_guild_id == 123456789012345678
    assert settings.log_level == "DEBUG"
    assert settings.default_timezone == "Europe/Belfast"


def test_the_environment_wins_over_the_dotenv_file(clean_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A variable set in the environment overrides the same one in .env."""
    (clean_environment / ".env").write_text("LOG_LEVEL=DEBUG\nDEFAULT_TIMEZONE=Europe/Belfast\n", encoding="utf-8")
    monkeypatch.setenv("LOG_LEVEL", "warning")
    settings = load_settings()
    assert (settings.log_level, settings.default_timezone) == ("WARNING", "Europe/Belfast")


@pytest.mark.parametrize("variable", ["DISCORD_TOKEN", "DISCORD_API_BASE", "DEV_GUILD_ID"])
def test_an_empty_optional_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    """DEV_GUILD_ID= (and the other optional ones left empty, as in .env.example) mean "not set"."""
    monkeypatch.setenv(variable, "  ")
    assert getattr(load_settings(), variable.lower()) is None


def test_the_example_env_file_loads_to_the_defaults(clean_environment: Path) -> None:
    """.env.example copied as .env is valid and gives the defaults."""
    example = Path(__file__).resolve().parent.parent / ".env.example"
    (clean_environment / ".env").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_settings() == Settings(_env_file=None)  # type: ignore[call-arg]  # BaseSettings option, as above


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///slatebot.db", Path("slatebot.db")),
        ("sqlite:///data/campaign.db", Path("data/campaign.db")),
        ("sqlite:////srv/slatebot/campaign.db", Path("/srv/slatebot/campaign.db")),
    ],
)
def test_database_url_names_a_relative_or_absolute_file(url: str, path: Path) -> None:
    """sqlite:/// is relative to the working directory, sqlite://// absolute."""
    assert database_path(url) == path
    assert load_settings(database_url=url).database_path == path


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "postgres://x", "must look like sqlite:///relative/path.db"),
        ("DATABASE_URL", "sqlite:///", "must look like sqlite:///relative/path.db"),
        ("DATABASE_URL", "slatebot.db", "or postgresql://user:password@host:port/dbname"),
        ("DEV_GUILD_ID", "abc", "must be a Discord server (guild) id: a positive whole number"),
        ("DEV_GUILD_ID", "0", "must be a Discord server (guild) id: a positive whole number"),
        ("DEV_GUILD_ID", "-12", "must be a Discord server (guild) id: a positive whole number"),
        ("LOG_LEVEL", "LOUD", "must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("DEFAULT_TIMEZONE", "Mars/Olympus_Mons", "'Mars/Olympus_Mons' is not an IANA time zone"),
        ("DEFAULT_TIMEZONE", "../../etc/passwd", "is not an IANA time zone"),
        ("DISCORD_API_BASE", "ftp://127.0.0.1/api", "must be an http:// or https:// URL"),
        ("DISCORD_API_BASE", "127.0.0.1:8080", "must be an http:// or https:// URL"),
        ("DATABASE_URL", "postgresql://127.0.0.1:5432/", "a PostgreSQL URL needs a host and a database name"),
        ("SHARD_COUNT", "two", "must be a whole number of shards, 1 or more"),
        ("SHARD_COUNT", "0", "must be a whole number of shards, 1 or more"),
        ("SHARD_IDS", "0;1", "must list shard numbers separated by commas"),
        ("SHARD_IDS", "0,0", "lists a shard twice"),
        ("SHARD_IDS", "1", "shard ids need a shard count (SHARD_COUNT or --shard-count)"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    """load_settings raises SettingsError: the variable, what is wrong, and where to fix it, on one line."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    text = str(refused.value)
    assert text.startswith(f"{variable} ")
    assert message in text
    assert text.endswith("Fix it in the environment or .env (see .env.example).")
    assert "\n" not in text


def test_a_bad_value_in_dotenv_is_reported_the_same_way(clean_environment: Path) -> None:
    """A bad value read from .env names the variable just as one from the environment does."""
    (clean_environment / ".env").write_text("DEV_GUILD_ID=my-server\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^DEV_GUILD_ID must be a Discord server"):
        load_settings()


def test_shard_ids_past_the_shard_count_are_refused_naming_the_shards_there_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SHARD_IDS=2 with SHARD_COUNT=2 names shards 0 to 1 (shards count from 0)."""
    monkeypatch.setenv("SHARD_COUNT", "2")
    monkeypatch.setenv("SHARD_IDS", "2")
    with pytest.raises(SettingsError, match="SHARD_IDS shard 2 does not exist with 2 shard"):
        load_settings()


def test_a_postgresql_url_is_kept_and_shown_without_its_password() -> None:
    """DATABASE_URL=postgresql://... opens PostgreSQL; messages show it with the password hidden."""
    settings = load_settings(_env_file=None, database_url="postgresql://slate:s3cret@db.example:5432/slatebot")
    assert settings.is_postgres
    assert settings.database_target == "postgresql://slate:s3cret@db.example:5432/slatebot"
    assert settings.database_where == "postgresql://slate:***@db.example:5432/slatebot"
    assert "s3cret" not in settings.database_where


def test_the_shards_a_process_runs_and_owns() -> None:
    """SHARD_COUNT=4, SHARD_IDS=1,3: runs two of four shards, owns their guilds only, paces at half the limit."""
    shards = load_settings(_env_file=None, shard_count=4, shard_ids="3, 1").shards
    assert shards.running == (1, 3)
    assert shards.share == 0.5
    assert shards.owns(1 << 22) and shards.owns(3 << 22)
    assert not shards.owns(0) and not shards.owns(2 << 22)
    unsharded = load_settings(_env_file=None).shards
    assert unsharded.share == 1.0 and unsharded.owns(12345)
