"""Texts in Russian and English from `locales/`, with plurals and dates done by Babel."""

from __future__ import annotations

import datetime as dt
import html
import string
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import get_global
from babel.dates import format_date, format_datetime

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
SUPPORTED: tuple[str, ...] = ("ru", "en")
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})
MOSCOW_OFFSET = timedelta(hours=3)


@dataclass(frozen=True, slots=True)
class Raw:
    """Already-safe HTML (a rendered fragment) that must not be escaped a second time."""

    html: str


Entry = str | dict[str, str]


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, Entry]) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, str):
            out[name] = value
        elif isinstance(value, dict) and value and set(value) <= PLURAL_CATEGORIES:
            out[name] = {k: str(v) for k, v in value.items()}
        elif isinstance(value, dict):
            _flatten(name, value, out)
        else:
            raise ValueError(f"{name}: only strings and tables are allowed in a locale file")


def locale_files(locale: str) -> list[Path]:
    """`locales/<lang>.toml` and, for the larger features, `locales/<lang>/<feature>.toml`:
    one file per feature keeps texts next to the part of the bot they belong to."""
    return [LOCALES_DIR / f"{locale}.toml", *sorted((LOCALES_DIR / locale).glob("*.toml"))]


@cache
def catalog(locale: str) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for path in locale_files(locale):
        with path.open("rb") as fh:
            part: dict[str, Entry] = {}
            _flatten("", tomllib.load(fh), part)
        clash = set(part) & set(out)
        if clash:
            raise ValueError(f"{path.name}: keys defined twice: {sorted(clash)}")
        out.update(part)
    return out


def required_plural_categories(locale: str) -> frozenset[str]:
    return frozenset(Locale.parse(locale).plural_form.tags | {"other"})


def normalize_locale(code: str | None, default: str) -> str:
    """Telegram's language_code ("ru", "en-GB", "uk") to one of ours."""
    if code:
        base = code.split("-")[0].lower()
        if base in SUPPORTED:
            return base
    return default


_FORMATTER = string.Formatter()


def fill(template: str, values: dict[str, str]) -> str:
    """`template` with its placeholders filled; a full stop right after a placeholder whose
    value already ends in one is dropped, so that «по 3 декабря 2026 г.» or «Сидоров А. П.»
    closing a sentence never reads «г..»."""
    out: list[str] = []
    for literal, field, _spec, _conversion in _FORMATTER.parse(template):
        if literal.startswith(".") and out and out[-1].endswith("."):
            literal = literal[1:]
        out.append(literal)
        if field is not None:
            out.append(values[field])
    return "".join(out)


def _escape(value: Any) -> str:
    if isinstance(value, Raw):
        return value.html
    return html.escape(str(value), quote=False)


class Translator:
    """Texts for one reader: their language and the group's time zone."""

    def __init__(self, locale: str, tz: ZoneInfo) -> None:
        self.locale = locale
        self.tz = tz
        self._catalog = catalog(locale)
        self._babel = Locale.parse(locale)

    def __call__(self, key: str, /, **params: Any) -> str:
        """The text for `key`; every parameter is HTML-escaped unless wrapped in `Raw`."""
        entry = self._catalog[key]
        if isinstance(entry, dict):
            raise KeyError(f"{key} is a plural entry; use .plural()")
        return fill(entry, {k: _escape(v) for k, v in params.items()})

    def plain(self, key: str, /, **params: Any) -> str:
        """For plain-text places (callback answers and alerts), where HTML is not parsed."""
        entry = self._catalog[key]
        if isinstance(entry, dict):
            raise KeyError(f"{key} is a plural entry; use .plural()")
        return fill(entry, {k: str(v.html if isinstance(v, Raw) else v) for k, v in params.items()})

    def plural(self, key: str, n: int, /, **params: Any) -> str:
        entry = self._catalog[key]
        if not isinstance(entry, dict):
            raise KeyError(f"{key} is not a plural entry")
        form = entry.get(self._babel.plural_form(n), entry["other"])
        return fill(form, {"n": str(n), **{k: _escape(v) for k, v in params.items()}})

    def has(self, key: str) -> bool:
        return key in self._catalog

    def zone_label(self, moment: dt.datetime) -> str:
        """«МСК», «МСК+7» for Russian zones (the customary form), GMT offset elsewhere."""
        local = moment.astimezone(self.tz)
        if self.tz.key in _russian_zones():
            offset = local.utcoffset() or timedelta(0)
            hours = int((offset - MOSCOW_OFFSET).total_seconds() // 3600)
            base = self("time.msk")
            if hours == 0:
                return base
            # The customary label writes a minus sign, not a hyphen: «МСК−1» (GLOSSARY.md).
            sign = "+" if hours > 0 else "\N{MINUS SIGN}"
            return f"{base}{sign}{abs(hours)}"
        return format_datetime(local, "ZZZZ", locale=self.locale)

    def datetime(self, moment: dt.datetime) -> str:
        """«25 декабря 2026 г., 15:00 (МСК)» / "25 December 2026, 15:00 (MSK)"."""
        local = moment.astimezone(self.tz)
        text = format_datetime(local, self("time.datetime_pattern"), locale=self.locale)
        return f"{text} ({self.zone_label(moment)})"

    def month(self, day: dt.date) -> str:
        """«декабрь 2026 г.» / "December 2026": a month as a heading."""
        return format_date(day, self("time.month_pattern"), locale=self.locale)

    def date(self, day: dt.date | dt.datetime) -> str:
        if isinstance(day, dt.datetime):
            day = day.astimezone(self.tz).date()
        return format_date(day, self("time.date_pattern"), locale=self.locale)


@cache
def _russian_zones() -> frozenset[str]:
    zones = get_global("territory_zones")
    return frozenset(zones.get("RU", ()))


@cache
def translator(locale: str, tz_name: str) -> Translator:
    return Translator(locale, ZoneInfo(tz_name))
