"""Settings from the environment (and `.env`), checked once at start-up."""

from __future__ import annotations

import os
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from bot.delivery.mail import parse_smtp_url
from bot.domain.email import normalize_address

# Telegram tokens are "<bot id>:<35 url-safe characters>"; checking the shape early turns a
# pasted typo into a clear start-up error instead of an opaque 401 from Telegram later.
TOKEN_RE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")

OFFICIAL_API_URL = "https://api.telegram.org"

# The project's own folder: `.env` and `data/` are looked up here, not in whatever folder the
# bot happens to be started from (a service manager starts it in `/`).
PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ENV_FILE = PROJECT_ROOT / ".env"

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
    "DATA_DIR": "a folder for the database and stored files, like /var/lib/wg-bot",
    "PROXY_URL": "an http, https, socks4 or socks5 proxy URL, like socks5://user:pass@host:1080",
    "LOG_FORMAT": "text or json",
    "ENV_FILE": "the path of an existing settings file, like /etc/wg-bot/wg-bot.env",
    "WEBHOOK_URL": "the public https URL Telegram posts updates to, like "
    "https://bot.example.gov.ru/telegram/webhook",
    "WEBHOOK_SECRET": "1-256 characters A-Z, a-z, 0-9, _ and -, required with WEBHOOK_URL",
    "WEBHOOK_LISTEN": "the address the webhook server listens on, like 127.0.0.1",
    "WEBHOOK_PORT": "a TCP port from 1 to 65535",
    "HEALTH_PORT": "a TCP port from 1 to 65535 for GET /healthz in polling mode",
    "EDMS_EXPORT_DIR": "an existing folder the document system (СЭД) watches, like "
    "/var/lib/wg-bot/edms, or empty for none",
    "SOFFICE_PATH": "the LibreOffice program, like /usr/bin/soffice, or empty to look for "
    "soffice or libreoffice on PATH",
    "EDMS_CONVERT_TIMEOUT_SECONDS": "a whole number of seconds from 5 to 600",
    "SMTP_URL": "smtp://user:password@host:587?starttls=1 or smtps://user:password@host:465",
    "SMTP_FROM": "the sender's e-mail address, like wg-bot@example.gov.ru, required with SMTP_URL",
    "SMTP_TIMEOUT_S": "seconds to wait for the mail server, above 0 and at most 300",
    "WEBAPP_URL": "the public https address of the Mini App, like "
    "https://bot.example.gov.ru/app/ (http only on 127.0.0.1 or localhost)",
    "WEBAPP_AUTH_MAX_AGE_HOURS": "a whole number of hours from 1 to 720",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=DEFAULT_ENV_FILE, env_file_encoding="utf-8", extra="ignore", case_sensitive=False
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
    # The database (unless DATABASE_URL names another) and the stored files live here; a
    # relative path is taken from the project's folder, like the default.
    data_dir: Path = PROJECT_ROOT / "data"
    # Government networks usually reach the internet only through a proxy; aiogram ignores
    # HTTPS_PROXY, so it is named here (http://, https://, socks4:// or socks5://).
    proxy_url: SecretStr | None = None
    # "json" writes one JSON object a line, for log collectors.
    log_format: Literal["text", "json"] = "text"
    # Webhook mode: Telegram posts updates to WEBHOOK_URL (behind a reverse proxy that ends
    # TLS); the bot listens on WEBHOOK_LISTEN:WEBHOOK_PORT and checks Telegram's secret header.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # GET /healthz in polling mode (in webhook mode the webhook server answers it).
    health_port: int | None = Field(default=None, ge=1, le=65535)
    # The document system (СЭД, cl. 15; issue #18 item 4): each signed protocol's package is
    # also written to this folder (empty: none); the PDF is made by LibreOffice, found on
    # PATH unless SOFFICE_PATH names it, and given this long to convert one protocol.
    edms_export_dir: Path | None = None
    soffice_path: str | None = None
    edms_convert_timeout_seconds: int = Field(default=60, ge=5, le=600)
    # E-mail (issue #18 item 3): with SMTP_URL set, protocols, invitations and reminders also
    # go to the addresses on the roster (bot/delivery/mail.py describes the URL).
    smtp_url: SecretStr | None = None
    smtp_from: str | None = None
    smtp_timeout_s: float = Field(default=30.0, gt=0, le=300)
    # The secretariat's Mini App (issue #19): its public address (Telegram opens only https
    # pages; plain http is accepted for a loopback address, as in tests), served by the same
    # aiohttp server as webhooks and /healthz; and how long a signed opening stays valid.
    webapp_url: str | None = None
    webapp_auth_max_age_hours: int = Field(default=24, ge=1, le=720)

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
        try:
            parsed = make_url(value)
        except Exception as exc:  # SQLAlchemy raises ArgumentError or ValueError by case
            raise ValueError("not a database URL") from exc
        # Without a name PostgreSQL connects to the user's default database and the bot
        # would migrate into it; SQLite without a file would keep everything in memory.
        if not parsed.database or parsed.database == ":memory:":
            raise ValueError("no database name")
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

    @field_validator("edms_export_dir", "soffice_path", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone") from exc
        return value

    @field_validator("proxy_url")
    @classmethod
    def _proxy(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not re.match(r"^(https?|socks[45])://[^/\s]+", value.get_secret_value().strip()):
            raise ValueError("not a proxy URL")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"^https?://[^/\s]+", value.strip()):
            raise ValueError("not an http(s) URL")
        return value.strip()

    @field_validator("webapp_url")
    @classmethod
    def _webapp_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        parts = urlsplit(value)
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            raise ValueError("not an https URL")
        if not parts.hostname or parts.query or parts.fragment:
            raise ValueError("not a base URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("not a secret token")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET is required with WEBHOOK_URL")
        return self

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        parse_smtp_url(value.get_secret_value())  # SmtpUrlError is a ValueError
        return SecretStr(value.get_secret_value().strip())

    @field_validator("smtp_from")
    @classmethod
    def _smtp_from(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return normalize_address(value)  # AddressError is a ValueError

    @model_validator(mode="after")
    def _smtp_needs_sender(self) -> Settings:
        if self.smtp_url is not None and self.smtp_from is None:
            raise ValueError("SMTP_FROM is required with SMTP_URL")
        return self

    @model_validator(mode="after")
    def _paths(self) -> Settings:
        if not self.data_dir.is_absolute():
            self.data_dir = (PROJECT_ROOT / self.data_dir).resolve()
        if self.edms_export_dir is not None and not self.edms_export_dir.is_absolute():
            self.edms_export_dir = (PROJECT_ROOT / self.edms_export_dir).resolve()
        if "database_url" not in self.model_fields_set:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'bot.db'}"
        return self

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def uses_local_api(self) -> bool:
        """Whether downloads over the cloud's 20 MB are possible: a local-mode server only."""
        return self.telegram_api_local

    @property
    def webapp_auth_max_age(self) -> timedelta:
        return timedelta(hours=self.webapp_auth_max_age_hours)

    @property
    def meeting_open_early(self) -> timedelta:
        return timedelta(minutes=self.meeting_open_early_minutes)


def describe_error(error: ValidationError) -> str:
    """One line naming the first bad variable and what it expects; never echoes a value."""
    first = error.errors()[0]
    name = str(first["loc"][0]).upper() if first["loc"] else "SETTINGS"
    missing = first["type"] == "missing"
    if name == "SETTINGS" and "WEBHOOK_SECRET" in str(first.get("msg", "")):
        name, missing = "WEBHOOK_SECRET", True
    problem = "is missing" if missing else "is invalid"
    expected = EXPECTED.get(name, "a valid value")
    return f"Configuration error: {name} {problem}; expected {expected}."


def env_file() -> Path:
    """`ENV_FILE` if set, else `.env` beside the project (read only if it exists)."""
    named = os.environ.get("ENV_FILE", "").strip()
    return Path(named) if named else DEFAULT_ENV_FILE


def load_settings(**overrides: Any) -> Settings:
    """Settings for the running process; exits with status 2 and one line on a bad setting."""
    path = env_file()
    if os.environ.get("ENV_FILE", "").strip() and not path.exists():
        print(
            f"Configuration error: ENV_FILE is invalid ({path} does not exist); "
            f"expected {EXPECTED['ENV_FILE']}.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    try:
        return Settings(**{"_env_file": path, **overrides})
    except ValidationError as error:
        print(describe_error(error), file=sys.stderr)
        raise SystemExit(2) from None


# Stands in for BOT_TOKEN where only the storage settings matter (the Alembic command line,
# backup and restore): they must work on a server whose token is kept elsewhere.
_NO_TOKEN = "0000:" + "x" * 35


def storage_settings() -> Settings:
    """The settings as the bot reads them, with BOT_TOKEN not required."""
    overrides: dict[str, Any] = {}
    if not os.environ.get("BOT_TOKEN"):
        overrides["bot_token"] = _NO_TOKEN
    settings = load_settings(**overrides)
    return settings


def database_url_from_settings() -> str:
    return storage_settings().database_url
