"""Pure rules of tasks set by decisions (поручения, cl. 4 д–е): owners named in free text,
reminder and escalation times across a year boundary and in two time zones, who answers for
a task, what a completion report must hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import fields
from bot.domain.roles import Role, Standing
from bot.domain.tasks import (
    OwnerMatch,
    ReportProblem,
    Scope,
    TaskState,
    escalation_at,
    in_scope,
    is_owner,
    may_assign,
    names_match,
    reminder_overtaken,
    reminder_times,
    reminder_useful,
    report_problem,
    resolve_owner,
    sees_all,
    task_state,
)

MSK = ZoneInfo("Europe/Moscow")
NYC = ZoneInfo("America/New_York")
IVANOV = "Иванов Иван Иванович"


@pytest.mark.parametrize(
    "owner",
    [
        "Иванов И.И.",
        "Иванов И. И.",
        "  иванов   иван  иванович ",
        "ИВАНОВ ИВАН ИВАНОВИЧ",
        "И.И. Иванов",
        "Иванов И.",
        "Иванов",
    ],
)
def test_cl4d_owner_text_names_the_person_in_its_usual_forms(owner: str) -> None:
    assert names_match(owner, IVANOV)


@pytest.mark.parametrize(
    ("owner", "name"),
    [
        ("Семёнов С.С.", "Семенов Сергей Сергеевич"),
        ("Семенов С.С.", "Семёнов Сергей Сергеевич"),
        ("Петров П.", "Павел Петров"),  # a Telegram name: first name first
        ("Петров Павел", "Петров П. П."),  # the roster keeps initials
        ("Римский-Корсаков Н.А.", "Римский-Корсаков Николай Андреевич"),
    ],
)
def test_cl4d_case_yo_initials_and_name_order_are_tolerated(owner: str, name: str) -> None:
    assert names_match(owner, name)


@pytest.mark.parametrize(
    "owner",
    ["Иванов А.И.", "Иванова И.И.", "Петров И.И.", "Иванов Пётр", "И.И."],
)
def test_cl4d_other_names_and_initials_do_not_match(owner: str) -> None:
    assert not names_match(owner, IVANOV)


PEOPLE = [
    (1, ("Иванов Иван Иванович", "Ваня")),
    (2, ("", "Пётр Сидоров")),
    (3, ("Кузнецова Анна Сергеевна", "Anna")),
    (4, ("Кузнецова Алла Петровна", "Алла")),
]
UNITS = [(10, "Отдел цифровизации"), (11, "Управление «Качество»")]


@pytest.mark.parametrize(
    ("owner", "expected"),
    [
        ("Отдел цифровизации", OwnerMatch(unit_id=10)),
        ("  отдел   ЦИФРОВИЗАЦИИ ", OwnerMatch(unit_id=10)),
        ("Управление Качество", OwnerMatch(unit_id=11)),
        ("Иванов И.И.", OwnerMatch(person_id=1)),
        ("Сидоров П.", OwnerMatch(person_id=2)),  # only the Telegram name is known
        ("Кузнецова А.С.", OwnerMatch(person_id=3)),
    ],
)
def test_cl4d_owner_is_resolved_to_a_unit_or_one_person(owner: str, expected: OwnerMatch) -> None:
    assert resolve_owner(owner, PEOPLE, UNITS) == expected


@pytest.mark.parametrize("owner", ["Кузнецова А.", "Кузнецова", "Отдел кадров", "", "  "])
def test_cl4d_an_ambiguous_or_unknown_owner_stays_text_only(owner: str) -> None:
    """Two people fit «Кузнецова А.»: guessing would send the task to the wrong person."""
    match = resolve_owner(owner, PEOPLE, UNITS)
    assert match == OwnerMatch()
    assert not match.found


def test_cl4e_reminders_7_and_1_days_before_at_10_local_across_the_year_boundary() -> None:
    created = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert reminder_times(date(2027, 1, 5), (7, 1), MSK, created_at=created) == [
        (7, datetime(2026, 12, 29, 7, 0, tzinfo=UTC)),
        (1, datetime(2027, 1, 4, 7, 0, tzinfo=UTC)),
    ]
    # New York in winter is UTC-5: 10:00 there is 15:00 UTC.
    assert reminder_times(date(2027, 1, 5), (1, 7), NYC, created_at=created) == [
        (7, datetime(2026, 12, 29, 15, 0, tzinfo=UTC)),
        (1, datetime(2027, 1, 4, 15, 0, tzinfo=UTC)),
    ]


def test_cl4e_a_reminder_whose_time_had_passed_at_creation_is_left_out() -> None:
    deadline = date(2027, 1, 5)
    created = datetime(2026, 12, 30, 12, 0, tzinfo=UTC)
    assert reminder_times(deadline, (7, 1), MSK, created_at=created) == [
        (1, datetime(2027, 1, 4, 7, 0, tzinfo=UTC))
    ]
    exactly_then = datetime(2027, 1, 4, 7, 0, tzinfo=UTC)
    assert reminder_times(deadline, (7, 1), MSK, created_at=exactly_then) == []
    # Configured days: duplicates and zero are ignored.
    assert [d for d, _ in reminder_times(deadline, (3, 3, 0), MSK, created_at=created)] == [3]
    early = datetime(2026, 11, 1, tzinfo=UTC)
    assert [d for d, _ in reminder_times(deadline, (14, 3, 3, 0), MSK, created_at=early)] == [14, 3]


def test_cl4e_after_downtime_only_the_closest_due_reminder_goes_out() -> None:
    deadline = date(2027, 1, 5)
    seven_due = datetime(2026, 12, 29, 7, 0, tzinfo=UTC)
    one_due = datetime(2027, 1, 4, 7, 0, tzinfo=UTC)
    assert not reminder_overtaken(deadline, 7, (7, 1), MSK, seven_due)
    assert not reminder_overtaken(deadline, 7, (7, 1), MSK, one_due - timedelta(seconds=1))
    assert reminder_overtaken(deadline, 7, (7, 1), MSK, one_due)
    assert not reminder_overtaken(deadline, 1, (7, 1), MSK, one_due + timedelta(days=1))


def test_cl4d_escalation_at_10_local_on_the_day_after_the_deadline() -> None:
    assert escalation_at(date(2026, 12, 31), MSK) == datetime(2027, 1, 1, 7, 0, tzinfo=UTC)
    assert escalation_at(date(2026, 12, 31), NYC) == datetime(2027, 1, 1, 15, 0, tzinfo=UTC)
    # New York moves to summer time on 14 March 2027: 10:00 EDT is 14:00 UTC.
    assert escalation_at(date(2027, 3, 13), NYC) == datetime(2027, 3, 14, 14, 0, tzinfo=UTC)


def test_cl4d_a_task_is_overdue_from_the_next_local_day() -> None:
    deadline = date(2026, 12, 31)
    last_minute_msk = datetime(2026, 12, 31, 20, 59, tzinfo=UTC)  # 23:59 in Moscow
    new_year_msk = datetime(2026, 12, 31, 21, 0, tzinfo=UTC)  # 00:00 in Moscow
    assert task_state("open", deadline, last_minute_msk, MSK) is TaskState.OPEN
    assert task_state("open", deadline, new_year_msk, MSK) is TaskState.OVERDUE
    # Still 31 December in New York.
    assert task_state("open", deadline, new_year_msk, NYC) is TaskState.OPEN
    assert task_state("open", None, new_year_msk, MSK) is TaskState.OPEN
    assert task_state("done", deadline, new_year_msk, MSK) is TaskState.DONE
    assert task_state("cancelled", deadline, new_year_msk, MSK) is TaskState.CANCELLED
    assert reminder_useful(deadline, last_minute_msk, MSK)
    assert not reminder_useful(deadline, new_year_msk, MSK)


def test_cl4d_the_owner_unit_answers_through_its_members_and_representatives() -> None:
    assert is_owner(owner_person_id=5, owner_unit_id=None, person_id=5, unit_id=None)
    assert not is_owner(owner_person_id=5, owner_unit_id=None, person_id=6, unit_id=None)
    assert is_owner(owner_person_id=None, owner_unit_id=10, person_id=6, unit_id=10)
    assert not is_owner(owner_person_id=None, owner_unit_id=10, person_id=6, unit_id=11)
    assert not is_owner(owner_person_id=None, owner_unit_id=10, person_id=6, unit_id=None)
    assert not is_owner(owner_person_id=None, owner_unit_id=None, person_id=6, unit_id=None)
    assert not is_owner(owner_person_id=None, owner_unit_id=10, person_id=None, unit_id=10)


def test_cl4e_a_completion_comment_is_required_and_at_most_2000_characters() -> None:
    assert report_problem("") is ReportProblem.EMPTY
    assert report_problem(" \n ") is ReportProblem.EMPTY
    assert report_problem("я" * fields.TASK_REPORT.max_length) is None
    assert report_problem("я" * (fields.TASK_REPORT.max_length + 1)) is ReportProblem.TOO_LONG


@pytest.mark.parametrize(
    ("standing", "all_", "assign"),
    [
        (Standing(Role.SECRETARIAT), True, True),
        (Standing(Role.CHAIR), True, False),
        (Standing(Role.DEPUTY_CHAIR), True, False),
        (Standing(Role.MEMBER), False, False),
        (Standing(Role.UNIT_REPRESENTATIVE), False, False),
        (Standing(None, is_admin=True), True, True),
    ],
)
def test_cl4d_who_sees_all_tasks_and_who_sets_owners(
    standing: Standing, all_: bool, assign: bool
) -> None:
    assert sees_all(standing) is all_
    assert may_assign(standing) is assign


def test_lists_by_scope() -> None:
    assert in_scope(Scope.MY, TaskState.DONE, mine=True)
    assert not in_scope(Scope.MY, TaskState.OPEN, mine=False)
    assert not in_scope(Scope.MY, TaskState.CANCELLED, mine=True)
    assert in_scope(Scope.OVERDUE, TaskState.OVERDUE, mine=False)
    assert not in_scope(Scope.OPEN, TaskState.OVERDUE, mine=True)
    assert in_scope(Scope.DONE, TaskState.DONE, mine=False)
