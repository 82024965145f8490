"""Settings from the environment and `.env` (SPEC §2), built once in `main` and passed down.

Nothing here runs at import time: `load_settings()` reads the environment when it is called.
The bot token is a `SecretStr`, so printing or logging the settings shows it masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from postbot.config.model import CHANNEL_PREVIEW, Config
from postbot.config.urls import database_url
from postbot.errors import ConfigError, ConfigProblem
from postbot.ids import USER_ID_MAX, parse_number

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

_ENVIRONMENT = "environment"  # the "file" of a problem found in environment variables
_URL_PASSWORD = re.compile(r"(://[^:/@]*:)[^@/]*@")


class Settings(BaseSettings):
    """postbot's environment: each field is read from the upper-case variable of its name."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # `TELEGRAM_BOT_TOKEN=` in .env means unset, not an empty token
        extra="ignore",  # .env files often hold variables for other programs
    )

    telegram_bot_token: SecretStr | None = None
    database_url: str = "sqlite:///postbot.db"
    postbot_config: Path = Path("config/postbot.yaml")
    telegram_api_url: str = "https://api.telegram.org"
    # where public channels' preview pages are read (<url>/<username>); tests serve their own
    postbot_telegram_preview_url: str = CHANNEL_PREVIEW
    # NoDecode: the variable is "1, 2,3", not the JSON list pydantic-settings expects by default
    postbot_admins: Annotated[list[int], NoDecode] = []
    log_level: LogLevel = "INFO"
    log_format: Literal["text", "json"] = "text"
    # webhook mode only; from the environment because argv is visible to every user in `ps`
    telegram_webhook_secret: SecretStr | None = None

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # the token is masked by SecretStr; the database password is masked here
        for name, value in super().__repr_args__():
            if name == "database_url" and isinstance(value, str):
                value = _URL_PASSWORD.sub(r"\1***@", value)
            yield name, value

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _strip_token(cls, value: object) -> object:
        return value.strip() or None if isinstance(value, str) else value

    @field_validator("telegram_webhook_secret", mode="before")
    @classmethod
    def _check_webhook_secret(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        problem = webhook_secret_problem(value.strip())
        if problem:
            raise ValueError(problem)
        return value.strip()

    @field_validator("database_url")
    @classmethod
    def _psycopg_driver(cls, value: str) -> str:
        return database_url(value)

    @field_validator("telegram_api_url", "postbot_telegram_preview_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.strip().rstrip("/")

    @field_validator("postbot_admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        ids: list[int] = []
        for part in value.split(","):
            entry = part.strip()
            if not entry:
                continue
            user_id = parse_number(entry, high=USER_ID_MAX)
            if user_id is None:
                raise ValueError(
                    f"{entry!r} is not a Telegram user id: expected numbers separated by commas"
                )
            ids.append(user_id)
        return ids

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value


WEBHOOK_SECRET_CHARS = re.compile(r"[A-Za-z0-9_-]{1,256}")


def webhook_secret_problem(secret: str) -> str | None:
    """Why Telegram would refuse `secret` as a webhook secret_token, or None if it is fine."""
    if WEBHOOK_SECRET_CHARS.fullmatch(secret):
        return None
    # the value itself is never quoted: it is a secret, and this message may reach a log
    return (
        f"the webhook secret must be 1 to 256 characters from A-Z, a-z, 0-9, _ and - "
        f"(this one has {len(secret)} characters)"
    )


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read the environment (and `env_file`, if it exists); raise ConfigError when invalid."""
    # passed through a dict: without pydantic's mypy plugin, mypy does not know `_env_file`
    options: dict[str, Any] = {"_env_file": env_file}
    try:
        return Settings(**options)
    except ValidationError as err:
        problems = []
        for error in err.errors(include_url=False):
            variable = str(error["loc"][0]).upper() if error["loc"] else "environment"
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(ConfigProblem(_ENVIRONMENT, None, f"{variable}: {message}"))
        raise ConfigError(problems) from None


def require_token(settings: Settings) -> str:
    """The bot token, or ConfigError explaining how to set it (for `postbot run`)."""
    if settings.telegram_bot_token is None:
        message = (
            "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put it in the "
            "environment or in a .env file (TELEGRAM_BOT_TOKEN=123456:ABC...)"
        )
        raise ConfigError([ConfigProblem(_ENVIRONMENT, None, message)])
    return settings.telegram_bot_token.get_secret_value()


def admin_ids(settings: Settings, config: Config) -> frozenset[int]:
    """The admins: the config's `admins` plus POSTBOT_ADMINS."""
    return frozenset(config.admins) | frozenset(settings.postbot_admins)
