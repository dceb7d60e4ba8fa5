"""What every handler may need from the running application, passed as `app`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator, translator
from storage.db import Database

DEFAULT_GROUP_NAME = "Рабочая группа по вопросам клиентоцентричности"


@dataclass(frozen=True, slots=True)
class AppContext:
    settings: Settings
    db: Database
    clock: Clock
    group_id: int
    timezone: str
    bot_username: str
    group_name: str = DEFAULT_GROUP_NAME

    @property
    def invite_ttl(self) -> timedelta:
        return timedelta(hours=self.settings.invite_ttl_hours)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def translator(self, locale: str) -> Translator:
        return translator(locale, self.timezone)

    def deep_link(self, payload: str) -> str:
        return f"https://t.me/{self.bot_username}?start={payload}"

    def webapp_link(self, view: str) -> str | None:
        """The Mini App opened at `view` (like "/protocols/3"), or None when WEBAPP_URL is
        not set; Telegram adds the signed initData when a button opens it."""
        url = self.settings.webapp_url
        return f"{url}?v={view}" if url else None
