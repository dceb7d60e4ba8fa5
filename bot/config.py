"""Settings from the environment (and `.env`), checked once at start-up."""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Telegram tokens are "<bot id>:<35 url-safe characters>"; checking the shape early turns a
# pasted typo into a clear start-up error instead of an opaque 401 from Telegram later.
TOKEN_RE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")

OFFICIAL_API_URL = "https://api.telegram.org"

# What each variable expects, in the words printed when it is missing or invalid.
EXPECTED: dict[str, str] = {
    "BOT_TOKEN": "the bot token from @BotFather, like 123456789:AAE...",
    "TELEGRAM_API_URL": "an http(s) base URL of a Bot API server, like http://127.0.0.1:8081",
    "DATABASE_URL": "an SQLAlchemy async URL, like sqlite+aiosqlite:///./data/bot.db "
    "or postgresql+asyncpg://user@host/db",
    "ADMIN_IDS": "comma-separated Telegram user ids, like 123456,789012",
    "TIMEZONE": "an IANA time zone name, like Europe/Moscow",
    "DEFAULT_LOCALE": "ru or en",
    "BODY_NAME": "the executive body's name (1-300 characters)",
    "INVITE_TTL_HOURS": "a whole number of hours from 1 to 2160",
    "LOG_LEVEL": "DEBUG, INFO, WARNING or ERROR",
    "CONSENT_PERIOD_DAYS": "a whole number of days from 1 to 60",
    "SEND_RATE_PER_SECOND": "messages a second overall, above 0 and at most 30",
    "TASK_REMINDER_DAYS": "comma-separated whole days before a task's deadline, like 7,1",
    "REPORT_DEADLINE_DAYS": "a whole number of days after a quarter ends, from 1 to 60",
    "REPORT_FILE_MAX_MB": "a whole number of megabytes from 1 to 20",
    "TELEGRAM_API_LOCAL": "true or false; true only with TELEGRAM_API_URL set to a Bot API "
    "server started with --local",
    "MEETING_OPEN_EARLY_MINUTES": "a whole number of minutes from 0 to 180",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr
    telegram_api_url: str = OFFICIAL_API_URL
    # Whether TELEGRAM_API_URL is a Bot API server in local mode (telegram-bot-api --local):
    # only such a server lets the bot download files over 20 MB. Any other address (a proxy,
    # a server not in local mode) keeps the cloud's limits, whatever its URL looks like.
    telegram_api_local: bool = False
    database_url: str = "sqlite+aiosqlite:///./data/bot.db"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = "Europe/Moscow"
    default_locale: Literal["ru", "en"] = "ru"
    body_name: str = Field(default="Орган исполнительной власти", min_length=1, max_length=300)
    invite_ttl_hours: int = Field(default=168, ge=1, le=2160)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # How long members have to confirm or object before the protocol may be signed (cl. 14).
    consent_period_days: int = Field(default=3, ge=1, le=60)
    # Telegram allows about 30 messages a second overall. The limiter keeps just under the
    # figure as Telegram counts it, by a round trip per second (bot/delivery/limits.py).
    send_rate_per_second: float = Field(default=30.0, gt=0, le=30)
    # Reminders to a task's owner, in days before its deadline (cl. 4 д-е).
    task_reminder_days: Annotated[tuple[int, ...], NoDecode] = (7, 1)
    # A unit's quarterly report is due on this day after the quarter ends (cl. 4 г).
    report_deadline_days: int = Field(default=10, ge=1, le=60)
    # Files attached to reports and task completions; the cloud Bot API lets a bot download
    # files up to 20 MB, so a larger one could not be kept.
    report_file_max_mb: int = Field(default=20, ge=1, le=20)
    # How long before its start a meeting may be opened (cl. 12): the record of the meeting
    # (opened_at, the protocol's date) must not come before the time it was called for.
    meeting_open_early_minutes: int = Field(default=30, ge=0, le=180)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not TOKEN_RE.match(value.get_secret_value()):
            raise ValueError("malformed token")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("telegram_api_local")
    @classmethod
    def _local_needs_a_server(cls, value: bool, info: ValidationInfo) -> bool:
        # The official server is never local: saying so would make the bot try downloads
        # that Telegram refuses. (The URL is declared first, so it is checked by now.)
        if value and info.data.get("telegram_api_url", OFFICIAL_API_URL) == OFFICIAL_API_URL:
            raise ValueError("a local server needs TELEGRAM_API_URL")
        return value

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("unsupported driver")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(p.isdigit() for p in parts):
                raise ValueError("not a list of ids")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("task_reminder_days", mode="before")
    @classmethod
    def _reminder_days(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not parts or not all(p.isdigit() and 0 < int(p) <= 365 for p in parts):
                raise ValueError("not a list of days")
            return tuple(sorted({int(p) for p in parts}, reverse=True))
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def uses_local_api(self) -> bool:
        """Whether downloads over the cloud's 20 MB are possible: a local-mode server only."""
        return self.telegram_api_local

    @property
    def meeting_open_early(self) -> timedelta:
        return timedelta(minutes=self.meeting_open_early_minutes)


def describe_error(error: ValidationError) -> str:
    """One line naming the first bad variable and what it expects; never echoes a value."""
    first = error.errors()[0]
    name = str(first["loc"][0]).upper() if first["loc"] else "SETTINGS"
    problem = "is missing" if first["type"] == "missing" else "is invalid"
    expected = EXPECTED.get(name, "a valid value")
    return f"Configuration error: {name} {problem}; expected {expected}."


def load_settings(**overrides: Any) -> Settings:
    """Settings for the running process; exits with status 2 and one line on a bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        print(describe_error(error), file=sys.stderr)
        raise SystemExit(2) from None
