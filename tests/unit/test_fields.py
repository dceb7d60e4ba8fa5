"""Free text is bounded before it reaches storage (issue #14, findings 2 and 3): one limit
per field, text of only invisible characters is empty, and the columns are never narrower
than what a field accepts, so SQLite and PostgreSQL take the same input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import String

from bot.domain import fields
from bot.domain.fields import FieldError, TextField, TextProblem, file_name, fits, visible_text
from bot.i18n import translator
from storage.models import Base

ALL_FIELDS = [v for v in vars(fields).values() if isinstance(v, TextField)]

# Which column holds which field: a new field or column is added here, or the test fails.
COLUMNS = {
    "working_group.name": fields.GROUP_NAME,
    "structural_unit.name": fields.UNIT_NAME,
    "person.full_name": fields.PERSON_NAME,
    "invite.full_name": fields.PERSON_NAME,
    "composition_act.number": fields.ACT_NUMBER,
    "meeting.title": fields.MEETING_TITLE,
    "meeting.place": fields.MEETING_PLACE,
    "meeting.link": fields.MEETING_LINK,
    "meeting_guest.full_name": fields.GUEST_NAME,
    "agenda_item.title": fields.ITEM_TITLE,
    "agenda_item.reject_reason": fields.AGENDA_REASON,
    "agenda_offer.title": fields.ITEM_TITLE,
    "rsvp.reason": fields.ABSENCE_REASON,
    "register_entry.title": fields.REGISTER_TITLE,
    "stored_file.file_name": fields.FILE_NAME,
    "recording.file_name": fields.FILE_NAME,
}

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"


@pytest.mark.parametrize("field", ALL_FIELDS, ids=lambda f: f.name)
def test_only_invisible_characters_is_empty(field: TextField) -> None:
    """Finding 3: a title, name or report of zero-width spaces is refused as empty."""
    with pytest.raises(FieldError) as caught:
        field.clean(ZERO_WIDTH * 3 + " \u3164 \n\t")
    assert caught.value.problem is TextProblem.EMPTY
    assert caught.value.key == "errors.text_empty"


@pytest.mark.parametrize("field", ALL_FIELDS, ids=lambda f: f.name)
def test_one_character_over_the_limit_is_refused_with_the_limit(field: TextField) -> None:
    """Finding 2: the limit is checked in the domain, the same on both engines."""
    assert field.clean("я" * field.max_length) == "я" * field.max_length
    with pytest.raises(FieldError) as caught:
        field.clean("я" * (field.max_length + 1))
    assert caught.value.params == {"max": field.max_length, "length": field.max_length + 1}
    assert caught.value.key == "errors.text_too_long"


def test_a_600_character_meeting_link_is_refused() -> None:
    """Finding 2 as found: PostgreSQL refused a 600-character link that the dialog took."""
    with pytest.raises(FieldError):
        fields.MEETING_LINK.clean("https://meet.example.ru/" + "a" * 576)


def test_zero_width_characters_inside_text_are_removed_and_spaces_folded() -> None:
    assert fields.MEETING_TITLE.clean("  О\u200bб опросе \u200d  заявителей ") == (
        "Об опросе заявителей"
    )


def test_multiline_fields_keep_their_lines_single_line_fields_do_not() -> None:
    raw = "Первая строка  \n\n\n\nВторая\u2028третья"
    assert fields.PROTOCOL_TEXT.clean(raw) == "Первая строка\n\nВторая\nтретья"
    assert fields.MEETING_TITLE.clean(raw) == "Первая строка Вторая третья"


def test_optional_field_is_none_when_nothing_visible_was_typed() -> None:
    assert fields.MEETING_PLACE.clean_optional(None) is None
    assert fields.MEETING_PLACE.clean_optional("\u200b ") is None
    assert fields.MEETING_PLACE.clean_optional(" каб. 512 ") == "каб. 512"


@pytest.mark.parametrize(("column", "field"), COLUMNS.items())
def test_columns_are_sized_from_the_field_table(column: str, field: TextField) -> None:
    table, _, name = column.partition(".")
    kind = Base.metadata.tables[table].c[name].type
    assert isinstance(kind, String)
    assert kind.length == field.column >= field.max_length


def test_a_long_file_name_is_shortened_with_its_extension_kept() -> None:
    """Finding 2: a 252-character recording's file name no longer overflows its column."""
    name = file_name("запись " * 35 + ".ogg", "recording.ogg")
    assert len(name) == fields.FILE_NAME.max_length
    assert name.endswith(".ogg")
    assert file_name("\u200b", "recording.ogg") == "recording.ogg"
    assert file_name(None, "act.pdf") == "act.pdf"


def test_quoted_text_fits_its_room_and_shows_it_was_cut() -> None:
    assert fits("короткий", 20) == "короткий"
    cut = fits("слово " * 100, 50)
    assert len(cut) <= 50 and cut.endswith("…")


@given(st.text(max_size=300))
def test_cleaning_is_stable_and_never_keeps_invisible_characters(raw: str) -> None:
    once = visible_text(raw, multiline=True)
    assert visible_text(once, multiline=True) == once
    assert not any(ch in ZERO_WIDTH for ch in once)
    single = visible_text(raw)
    assert "\n" not in single and single == single.strip()


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_the_refusal_names_the_limit_and_the_length_in_the_readers_language(locale: str) -> None:
    t = translator(locale, "Europe/Moscow")
    try:
        fields.MEETING_LINK.clean("x" * 501)
    except FieldError as error:
        text = t(error.key, **error.params)
    assert "500" in text and "501" in text
    assert ("символов" in text) == (locale == "ru")
