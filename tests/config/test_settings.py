"""Settings from the environment and `.env`: defaults, mappings, errors, and the masked token."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from postbot.config.load import Config
from postbot.config.settings import Settings, admin_ids, load_settings, require_token
from postbot.errors import ConfigError

VARIABLES = (
    "TELEGRAM_BOT_TOKEN",
    "DATABASE_URL",
    "POSTBOT_CONFIG",
    "TELEGRAM_API_URL",
    "POSTBOT_ADMINS",
    "LOG_LEVEL",
    "TELEGRAM_WEBHOOK_SECRET",
)
TOKEN = "123456789:AAHsecret-token_value"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No postbot variable set, and a working directory without a .env file."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.database_url == "sqlite:///postbot.db"
    assert settings.postbot_config == Path("config/postbot.yaml")
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.postbot_admins == []
    assert settings.log_level == "INFO"


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        pytest.param(
            "DATABASE_URL",
            "postgres://u:p@db:5432/postbot",
            "database_url",
            "postgresql+psycopg://u:p@db:5432/postbot",
            id="postgres-scheme",
        ),
        pytest.param(
            "DATABASE_URL",
            "postgresql://u@db/postbot",
            "database_url",
            "postgresql+psycopg://u@db/postbot",
            id="postgresql-scheme",
        ),
        pytest.param(
            "DATABASE_URL",
            "postgresql+psycopg://u@db/postbot",
            "database_url",
            "postgresql+psycopg://u@db/postbot",
            id="driver-kept",
        ),
        pytest.param(
            "DATABASE_URL",
            "sqlite:////var/lib/p.db",
            "database_url",
            "sqlite:////var/lib/p.db",
            id="sqlite-kept",
        ),
        pytest.param(
            "POSTBOT_CONFIG",
            "/etc/postbot.yaml",
            "postbot_config",
            Path("/etc/postbot.yaml"),
            id="config-path",
        ),
        pytest.param(
            "TELEGRAM_API_URL",
            "http://127.0.0.1:8081/",
            "telegram_api_url",
            "http://127.0.0.1:8081",
            id="api-url-trailing-slash",
        ),
        pytest.param("POSTBOT_ADMINS", "1, 2,3", "postbot_admins", [1, 2, 3], id="admins"),
        pytest.param("POSTBOT_ADMINS", " 42 ,", "postbot_admins", [42], id="admins-trailing-comma"),
        pytest.param("POSTBOT_ADMINS", "", "postbot_admins", [], id="admins-empty"),
        pytest.param("POSTBOT_ADMINS", "١٢٣, 45", "postbot_admins", [123, 45], id="admins-arabic"),
        pytest.param("POSTBOT_ADMINS", "007", "postbot_admins", [7], id="admins-leading-zeros"),
        pytest.param("LOG_LEVEL", "debug", "log_level", "DEBUG", id="log-level-lower-case"),
        pytest.param("LOG_LEVEL", "Warning", "log_level", "WARNING", id="log-level-mixed-case"),
        pytest.param("TELEGRAM_BOT_TOKEN", "", "telegram_bot_token", None, id="empty-token-unset"),
    ],
)
def test_from_environment(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str, expected: object
) -> None:
    monkeypatch.setenv(variable, value)
    assert getattr(load_settings(), field) == expected


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        pytest.param(
            "POSTBOT_ADMINS",
            "1, abc",
            "environment: POSTBOT_ADMINS: 'abc' is not a Telegram user id: "
            "expected numbers separated by commas",
            id="admins-word",
        ),
        pytest.param(
            "POSTBOT_ADMINS",
            "1;2",
            "environment: POSTBOT_ADMINS: '1;2' is not a Telegram user id",
            id="admins-semicolon",
        ),
        pytest.param(
            "POSTBOT_ADMINS",
            "-5",
            "environment: POSTBOT_ADMINS: '-5' is not a Telegram user id",
            id="admins-negative",
        ),
        pytest.param(
            "POSTBOT_ADMINS",
            "1, ²",
            "environment: POSTBOT_ADMINS: '²' is not a Telegram user id",
            id="admins-superscript",
        ),
        pytest.param(
            "POSTBOT_ADMINS",
            "①",
            "environment: POSTBOT_ADMINS: '①' is not a Telegram user id",
            id="admins-circled",
        ),
        pytest.param(
            "POSTBOT_ADMINS",
            "9" * 30,
            "environment: POSTBOT_ADMINS: '" + "9" * 30 + "' is not a Telegram user id",
            id="admins-huge",
        ),
        pytest.param(
            "POSTBOT_ADMINS",
            "0",
            "environment: POSTBOT_ADMINS: '0' is not a Telegram user id",
            id="admins-zero",
        ),
        pytest.param(
            "LOG_LEVEL",
            "verbose",
            "environment: LOG_LEVEL: Input should be 'DEBUG', 'INFO', 'WARNING' or 'ERROR'",
            id="log-level",
        ),
    ],
)
def test_bad_values_are_config_errors(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    (problem,) = info.value.problems
    assert str(problem).startswith(message)


def test_every_bad_variable_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTBOT_ADMINS", "x")
    monkeypatch.setenv("LOG_LEVEL", "loud")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert [p.message.split(":")[0] for p in info.value.problems] == ["POSTBOT_ADMINS", "LOG_LEVEL"]


def test_dotenv_in_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nPOSTBOT_ADMINS=7,8\nOTHER_TOOL=ignored\n", encoding="utf-8"
    )
    settings = load_settings()
    assert require_token(settings) == TOKEN
    assert settings.postbot_admins == [7, 8]


def test_environment_wins_over_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=ERROR\n", encoding="utf-8")
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    assert load_settings().log_level == "DEBUG"


def test_explicit_env_file_and_none(tmp_path: Path) -> None:
    custom = tmp_path / "postbot.env"
    custom.write_text("LOG_LEVEL=WARNING\n", encoding="utf-8")
    (tmp_path / ".env").write_text("LOG_LEVEL=ERROR\n", encoding="utf-8")
    assert load_settings(custom).log_level == "WARNING"
    assert load_settings(None).log_level == "INFO"  # no file read at all


def test_token_is_masked_in_repr_and_str(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", "postgres://bot:hunter2@db/postbot")
    settings = load_settings()
    for shown in (repr(settings), str(settings), f"{settings!r}"):
        assert TOKEN not in shown and "AAHsecret" not in shown
        assert "hunter2" not in shown and "bot:***@db" in shown
    assert settings.database_url == "postgresql+psycopg://bot:hunter2@db/postbot"


def test_bad_token_value_never_reaches_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("LOG_LEVEL", "nope")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert TOKEN not in str(info.value)


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        pytest.param(TOKEN, TOKEN, id="set"),
        pytest.param(f"  {TOKEN}\n", TOKEN, id="whitespace-stripped"),
    ],
)
def test_require_token(monkeypatch: pytest.MonkeyPatch, token: str, expected: str) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    assert require_token(load_settings()) == expected


@pytest.mark.parametrize("value", [None, "   "], ids=["unset", "blank"])
def test_require_token_missing(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is not None:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", value)
    with pytest.raises(ConfigError) as info:
        require_token(load_settings())
    assert str(info.value).startswith("environment: TELEGRAM_BOT_TOKEN is not set: ")
    assert "@BotFather" in str(info.value)


def test_admin_ids_merge_config_and_environment() -> None:
    settings = Settings(postbot_admins=[2, 3])
    config = Config(Path("c.yaml"), (1, 2), timedelta(minutes=5), (), ())
    assert admin_ids(settings, config) == frozenset({1, 2, 3})


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param("a", id="one-char"),
        pytest.param("A-z_09" * 42 + "abcd", id="256-chars"),
        pytest.param("  padded-secret  ", id="padded"),
    ],
)
def test_webhook_secret_from_environment_is_masked(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", secret)
    settings = load_settings()
    assert settings.telegram_webhook_secret is not None
    assert settings.telegram_webhook_secret.get_secret_value() == secret.strip()
    assert "telegram_webhook_secret=SecretStr('**********')" in repr(settings)


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param("has space", id="space"),
        pytest.param("x" * 257, id="too-long"),
        pytest.param("سر", id="arabic"),
        pytest.param("a+b/c=", id="base64-not-url-safe"),
        pytest.param("tab\there", id="backslash"),
        pytest.param("é", id="accented"),
    ],
)
def test_a_webhook_secret_telegram_refuses_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", secret)
    with pytest.raises(ConfigError) as info:
        load_settings()
    (problem,) = info.value.problems
    assert str(problem).startswith("environment: TELEGRAM_WEBHOOK_SECRET: the webhook secret")
    assert secret not in str(problem)
