"""Every text exists in both languages; plurals and dates come from Babel."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime

import pytest

from bot.i18n import (
    SUPPORTED,
    Raw,
    catalog,
    normalize_locale,
    required_plural_categories,
    translator,
)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_and_is_non_empty_in_every_locale() -> None:
    keys = {locale: set(catalog(locale)) for locale in SUPPORTED}
    union = set().union(*keys.values())
    for locale in SUPPORTED:
        missing = union - keys[locale]
        assert not missing, f"{locale} lacks {sorted(missing)}"
        for key, entry in catalog(locale).items():
            forms = entry.values() if isinstance(entry, dict) else [entry]
            assert all(form.strip() for form in forms), f"{locale}:{key} is empty"


def test_plural_entries_have_every_category_the_language_needs() -> None:
    for locale in SUPPORTED:
        needed = required_plural_categories(locale)
        for key, entry in catalog(locale).items():
            if isinstance(entry, dict):
                assert needed <= set(entry), f"{locale}:{key} lacks {needed - set(entry)}"


def test_no_text_shows_an_escape_sequence_to_the_reader() -> None:
    """A doubled backslash in a TOML string shows the reader a backslash and a letter
    where a line break was meant."""
    shown = [
        f"{locale}:{key}"
        for locale in SUPPORTED
        for key, entry in catalog(locale).items()
        for form in (entry.values() if isinstance(entry, dict) else [entry])
        if "\\n" in form or "\\t" in form
    ]
    assert shown == []


def test_both_locales_use_the_same_placeholders() -> None:
    ru, en = catalog("ru"), catalog("en")
    for key, entry in ru.items():
        ru_text = " ".join(entry.values()) if isinstance(entry, dict) else entry
        other = en[key]
        en_text = " ".join(other.values()) if isinstance(other, dict) else other
        assert _fields(ru_text) == _fields(en_text), key


def test_code_uses_only_keys_that_exist() -> None:
    """A key used in the code but missing from the locales would fail at the user's feet."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"""\bt(?:\.plural|\.plain)?\(\s*["']([a-z_]+\.[a-z_]+)["']""")
    used: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (root / folder).rglob("*.py"):
            used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the pattern found no keys at all"
    assert not used - set(catalog("ru")), sorted(used - set(catalog("ru")))


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1 человек"),
        (2, "2 человека"),
        (5, "5 человек"),
        (21, "21 человек"),
        (22, "22 человека"),
        (11, "11 человек"),
        (111, "111 человек"),
    ],
)
def test_russian_plurals(n: int, text: str) -> None:
    assert translator("ru", "Europe/Moscow").plural("roster.count", n) == text


def test_english_plurals() -> None:
    t = translator("en", "Europe/Moscow")
    assert t.plural("roster.count", 1) == "1 person"
    assert t.plural("roster.count", 2) == "2 people"


def test_dates_in_the_reader_language_and_group_zone() -> None:
    moment = datetime(2026, 12, 25, 12, 0, tzinfo=UTC)
    assert translator("ru", "Europe/Moscow").datetime(moment) == "25 декабря 2026 г., 15:00 (МСК)"
    assert translator("en", "Europe/Moscow").datetime(moment) == "25 December 2026, 15:00 (MSK)"
    assert (
        translator("ru", "Asia/Vladivostok").datetime(moment) == "25 декабря 2026 г., 22:00 (МСК+7)"
    )
    assert (
        translator("ru", "Europe/Kaliningrad").datetime(moment)
        == "25 декабря 2026 г., 14:00 (МСК\N{MINUS SIGN}1)"
    )
    assert (
        translator("en", "Europe/Berlin").datetime(moment) == "25 December 2026, 13:00 (GMT+01:00)"
    )


def test_date_crosses_midnight_in_the_group_zone() -> None:
    late_utc = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)
    assert translator("ru", "Europe/Moscow").date(late_utc) == "1 января 2027 г."


def test_user_text_is_escaped_and_raw_fragments_are_not() -> None:
    t = translator("en", "Europe/Moscow")
    assert t("roster.card_title", name="<b>x</b> & y") == "<b>&lt;b&gt;x&lt;/b&gt; &amp; y</b>"
    assert t("roster.card_title", name=Raw("<i>ok</i>")) == "<b><i>ok</i></b>"


@pytest.mark.parametrize(
    ("code", "expected"), [("ru", "ru"), ("en-GB", "en"), ("uk", "ru"), (None, "ru"), ("EN", "en")]
)
def test_telegram_language_codes_map_to_our_locales(code: str | None, expected: str) -> None:
    assert normalize_locale(code, "ru") == expected


def test_lengths_are_counted_in_characters_as_the_glossary_says() -> None:
    """GLOSSARY.md: «символы», not «знаки», in every limit a question or refusal states."""
    said = [
        key
        for key, entry in catalog("ru").items()
        for form in (entry.values() if isinstance(entry, dict) else [entry])
        if re.search(r"\bзнак(а|ов)?\b", form)
    ]
    assert said == []
