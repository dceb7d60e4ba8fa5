"""The labels the documents print, from `locales/<lang>/document.toml`.

The same catalogue, Babel plural rules and date patterns as the chat texts (bot.i18n), but
as plain text: a DOCX is not HTML, so nothing is escaped."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.i18n import translator

# Russian is the documents' language: a protocol is the same file for every reader.
DOCUMENT_LOCALE = "ru"


class DocumentTexts:
    def __init__(self, locale: str = DOCUMENT_LOCALE) -> None:
        # The zone is never used: documents print dates, never moments.
        self._t = translator(locale, "UTC")
        self.locale = locale

    def __call__(self, key: str, /, **params: Any) -> str:
        return self._t.plain(f"document.{key}", **params)

    def plural(self, key: str, n: int) -> str:
        # Only the number goes in: Translator.plural escapes parameters for HTML.
        return self._t.plural(f"document.{key}", n)

    def date(self, day: date) -> str:
        """«25 декабря 2026 г.», as the chat writes dates."""
        return self._t.date(day)
