"""The chat texts read as a ministry writes them (issue #16, GLOSSARY.md): one term for one
thing, no «г..», «–» in ranges of dates, and every placeholder's value escaped for HTML."""

from __future__ import annotations

import re
import string
from datetime import date

import pytest

from bot.domain.meetings import quorum_needed
from bot.i18n import SUPPORTED, catalog, fill, translator
from tests.support.telegram_model import html_visible_text


def _texts(locale: str) -> list[tuple[str, str]]:
    """(key, template) for every text and every plural form of the chat locales; the
    protocol's and summary's DOCX labels (document.toml) are the documents' own."""
    out: list[tuple[str, str]] = []
    for key, entry in catalog(locale).items():
        if key.startswith("document."):
            continue
        forms = entry.values() if isinstance(entry, dict) else [entry]
        out += [(key, form) for form in forms]
    return out


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _entry_fields(key: str, locale: str) -> set[str]:
    """The placeholders of a text, or of all the forms of a plural one, but its count."""
    entry = catalog(locale)[key]
    if isinstance(entry, dict):
        return {name for form in entry.values() for name in _fields(form)} - {"n"}
    return _fields(entry)


def _render(locale: str, key: str, value: str) -> str:
    """The text as the reader gets it, every placeholder given `value`."""
    t = translator(locale, "Europe/Moscow")
    params = {name: value for name in _entry_fields(key, locale)}
    if isinstance(catalog(locale)[key], dict):
        return t.plural(key, 3, **params)
    return t(key, **params)


def test_a_date_closing_a_sentence_never_reads_g_with_two_full_stops() -> None:
    """«…по 3 декабря 2026 г.. В этот период…»: every text, with a real date in each
    placeholder, ends the date with one full stop."""
    day = translator("ru", "Europe/Moscow").date(date(2026, 12, 3))
    assert day == "3 декабря 2026 г."
    doubled = [key for key, _ in _texts("ru") if "г.." in _render("ru", key, day)]
    assert doubled == []


def test_the_chair_absence_saved_ends_the_date_with_one_full_stop() -> None:
    t = translator("ru", "Europe/Moscow")
    said = t(
        "meetings.absence_saved", first=t.date(date(2026, 12, 1)), last=t.date(date(2026, 12, 3))
    )
    assert said == (
        "✅ Отсутствие председателя записано: с 1 декабря 2026 г. по 3 декабря 2026 г. "
        "В этот период заседания назначает заместитель."
    )


@pytest.mark.parametrize(
    ("template", "value", "expected"),
    [
        ("Автор: {name}.", "Сидоров А. П.", "Автор: Сидоров А. П."),
        ("Срок: {due}.", "3 декабря 2026 г.", "Срок: 3 декабря 2026 г."),
        ("Срок: {due}.", "не установлен", "Срок: не установлен."),
        ("{due}... и далее", "3 декабря 2026 г.", "3 декабря 2026 г... и далее"),
        ("Фигурные {{скобки}}: {due}", "x", "Фигурные {скобки}: x"),
    ],
)
def test_a_full_stop_after_a_value_ending_in_one_is_not_doubled(
    template: str, value: str, expected: str
) -> None:
    assert fill(template, {"name": value, "due": value}) == expected


# Words and marks GLOSSARY.md rules out of the Russian texts, with the reason shown on failure.
RUSSIAN_RULES: dict[str, str] = {
    "«г..»: a date's full stop doubled": r"г\.\.",
    "a hyphen in a range of dates (GLOSSARY: «–»)": r"\d\s*-\s*\d",
    "«гость»: the term is «приглашённый»": r"(?i)гост[ьяюеи]",
    "«сводка»: the term is «сводная информация»": r"(?i)сводк",
    "«выполнено»: a task is «исполнено»": r"(?i)\bвыполнен",
    "«знаков»: lengths are in «символы»": r"(?i)\bзнак(а|ов|и)?\b",
    "«встреча»: the term is «заседание»": r"(?i)\bвстреч",
    "«МСК-1»: the zone's minus is «−»": r"МСК-",
    "«повестка» without «дня»": r"(?i)\bповестк[а-яё]*\b(?! дня)",
    "«секретариат» as a person's role": r"ролям?: секретариат",
    "«Вы» capitalised inside a sentence (GLOSSARY: «вы»)": r"[,;:—] Вы\b|[а-яё] Вы\b",
}


@pytest.mark.parametrize("rule", sorted(RUSSIAN_RULES))
def test_russian_texts_follow_the_glossary(rule: str) -> None:
    pattern = re.compile(RUSSIAN_RULES[rule])
    broken = [key for key, form in _texts("ru") if pattern.search(form)]
    assert broken == [], rule


def test_the_guest_is_an_invited_person_in_russian() -> None:
    """GLOSSARY: «приглашённый», never «гость»; «в качестве приглашённого лица», not the
    masculine «как приглашённый» said of anyone."""
    said = [key for key, form in _texts("ru") if re.search(r"как (гость|приглашённ)", form)]
    assert said == []


@pytest.mark.parametrize("locale", SUPPORTED)
def test_every_placeholder_value_is_escaped_for_html(locale: str) -> None:
    """A name or a subject typed as «<i>x & y» shows as typed and breaks no message: every
    rendered text is valid Bot API HTML and carries the value escaped."""
    value = "<i>x & y"
    for key, _ in _texts(locale):
        if key.startswith("time."):
            continue
        rendered = _render(locale, key, value)
        html_visible_text(rendered)  # raises on markup Telegram would reject
        assert "<i>x" not in rendered, key
        if _entry_fields(key, locale):
            assert "&lt;i&gt;x &amp; y" in rendered, key


@pytest.mark.parametrize("locale", SUPPORTED)
def test_no_placeholder_sits_inside_an_html_tag(locale: str) -> None:
    """Escaping leaves quotes as they are, so a placeholder in an attribute (href="{x}")
    would let a value close it."""
    inside = [key for key, form in _texts(locale) if re.search(r"<[^<>]*\{[a-z_]+\}[^<>]*>", form)]
    assert inside == []


# English texts: the glossary's English terms, one word for one thing.
ENGLISH_RULES: dict[str, str] = {
    "a guest is an “invited guest”": r"(?i)(?<!invited )\bguests?\b",
    "the protocol is “minutes”": r"(?i)\bprotocols?\b",
    "the quarterly report is a “quarterly report”, not a summary": r"(?i)\bsummary\b",
    "the reporting cycle's information is a “quarterly report”": r"(?i)consolidated information",
    "an effectiveness indicator, not a KPI": r"\bKPIs?\b",
    "English quotes “…”, not «…»": r"[«»]",
    "a meeting, not an appointment": r"(?i)\bappointment\b",
}


@pytest.mark.parametrize("rule", sorted(ENGLISH_RULES))
def test_english_texts_use_the_glossary_terms(rule: str) -> None:
    pattern = re.compile(ENGLISH_RULES[rule])
    broken = [key for key, form in _texts("en") if pattern.search(form)]
    assert broken == [], rule


def test_the_secretariat_as_a_person_is_named_as_one() -> None:
    """GLOSSARY: a person in the secretariat is «сотрудник секретариата» / "secretariat
    officer": the role's name says so in both languages."""
    assert translator("ru", "Europe/Moscow")("roles.secretariat") == "сотрудник секретариата"
    assert translator("en", "Europe/Moscow")("roles.secretariat") == "secretariat officer"


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (5, "Присутствует 3 из 5 членов рабочей группы (кворум — не менее 3)."),
        (21, "Присутствует 3 из 21 члена рабочей группы (кворум — не менее 11)."),
        (3, "Присутствует 3 из 3 членов рабочей группы (кворум — не менее 2)."),
    ],
)
def test_cl14_quorum_the_present_count_agrees_with_the_total(total: int, expected: str) -> None:
    """cl. 14 quorum: «из 21 члена», «из 5 членов» — the total's case follows its number."""
    t = translator("ru", "Europe/Moscow")
    assert (
        t.plural("meetings.live_present", total, present=3, needed=quorum_needed(total)) == expected
    )
