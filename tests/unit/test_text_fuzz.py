"""Every parser of typed text either understands it or refuses it with a reason the person
is shown (issue #14, the fuzz suite): no other exception, whatever arrives from a keyboard
(digits of other scripts, numbers past any calendar, control characters, empty lines)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from bot.domain import fields
from bot.domain.dates import DateErrorCode, DateInputError, parse_local_date, parse_local_datetime
from bot.domain.fields import FieldError, TextField
from bot.services.errors import InvalidInput
from bot.services.protocols.drafting import parse_tasks

TZ = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ALL_FIELDS = [v for v in vars(fields).values() if isinstance(v, TextField)]

# What people type into a date or a task line, and what a forged or careless input adds.
date_like = st.from_regex(r"\s*\d{1,40}[.\-/ ]\d{1,40}([.\-/ ]\d{0,40})?( \d{1,3}:\d{1,3})?\s*")
typed = st.one_of(st.text(max_size=200), date_like)


@given(typed)
@example("31.12.99999999999999999999 10:00")
@example("٣١.١٢.٢٠٢٧ 10:00")  # Arabic-Indic digits
def test_dates_are_understood_or_refused_with_a_reason(text: str) -> None:
    try:
        moment = parse_local_datetime(text, tz=TZ, now=NOW, not_before=NOW)
    except DateInputError as refused:
        assert refused.code in set(DateErrorCode)
    else:
        assert moment.tzinfo is not None and moment > NOW
    try:
        day = parse_local_date(text, TZ, NOW)
    except DateInputError as refused:
        assert refused.code in set(DateErrorCode)
    else:
        assert 1 <= day.year <= 9999


task_line = st.lists(
    st.one_of(st.text(alphabet=st.characters(blacklist_characters=";\n"), max_size=30), date_like),
    min_size=1,
    max_size=4,
).map("; ".join)


@given(st.lists(task_line, max_size=5).map("\n".join))
@example("Подготовить план; Орлов Д.А.; 31.01.99999999999999999999")
@example("Подготовить план; Орлов Д.А.; 0.0.0")
def test_task_lines_are_understood_or_refused_with_a_reason(text: str) -> None:
    try:
        tasks = parse_tasks(text)
    except InvalidInput as refused:
        assert refused.key in {"protocol.task_format", "errors.text_empty", "errors.text_too_long"}
        return
    assert all(
        fields.visible_text(task.text) == task.text and task.text and task.owner for task in tasks
    )


@given(st.text(max_size=5000))
def test_every_field_takes_or_refuses_any_text(text: str) -> None:
    for field in ALL_FIELDS:
        try:
            kept = field.clean(text)
        except FieldError as refused:
            assert refused.key in {"errors.text_empty", "errors.text_too_long"}
            continue
        assert 0 < len(kept) <= field.max_length
